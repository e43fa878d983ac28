"""Read-mostly admin views for recruitment; changes go through the pages and services."""

from django.contrib import admin

from recruitment.models import (
    Application,
    ApplicationEvent,
    CriterionAssessment,
    Interview,
    RecruitmentRound,
    SelectionCriterion,
)


class SelectionCriterionInline(admin.TabularInline):
    model = SelectionCriterion
    extra = 0


@admin.register(RecruitmentRound)
class RecruitmentRoundAdmin(admin.ModelAdmin):
    list_display = ["cohort", "opens_on", "closes_on", "places"]
    raw_id_fields = ["cohort", "created_by"]
    inlines = [SelectionCriterionInline]


class CriterionAssessmentInline(admin.TabularInline):
    model = CriterionAssessment
    extra = 0
    raw_id_fields = ["criterion"]


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    raw_id_fields = ["by"]
    readonly_fields = ["from_status", "to_status", "by", "comment", "at"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant", "round", "manager", "status", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["applicant__full_name", "applicant__email"]
    raw_id_fields = ["round", "applicant", "manager", "recorded_by", "enrolment", "clinical_area"]
    readonly_fields = ["status"]
    inlines = [CriterionAssessmentInline, ApplicationEventInline]


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["application", "held_on", "outcome", "score"]
    raw_id_fields = ["application", "recorded_by"]
