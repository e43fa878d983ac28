"""The Django admin for cohorts, enrolments, training days, module results and reviews.

Enrolments keep their history (the History button) and are read-only here: a change of status
goes through the enrolment status page, which also writes the status log. The status log and
review confirmations are records of what happened, so they are read-only too.

A cohort's status and review interval, and reviews, can be changed here: each save or delete
recounts the review due dates it moves, as the services do (cohorts/review_due.py).
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cohorts.models import (
    Attendance,
    Cohort,
    Enrolment,
    EnrolmentStatusChange,
    Milestone,
    ModuleResult,
    ProgrammePlan,
    Review,
    ReviewAction,
    ReviewConfirmation,
    RunningCohortCounts,
    TrainingDay,
)
from cohorts.review_due import review_due_refresh
from competencies.admin import ReadOnlyAdmin


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(ProgrammePlan)
class ProgrammePlanAdmin(admin.ModelAdmin):
    list_display = ["programme", "framework", "review_interval_weeks"]
    list_select_related = ["programme", "framework"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["plan", "week", "core_target", "specific_target"]
    list_select_related = ["plan__programme"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "status", "intake_date", "planned_end_date"]
    list_select_related = ["programme"]
    list_filter = ["status", "programme"]
    search_fields = ["name"]
    filter_horizontal = ["clinical_areas"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        review_due_refresh(obj.enrolments.all())


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["trainee", "cohort", "status", "start_date", "end_date"]
    list_select_related = ["trainee", "cohort"]
    list_filter = ["status", "cohort"]
    search_fields = ["trainee__full_name", "trainee__email", "cohort__name"]


@admin.register(EnrolmentStatusChange)
class EnrolmentStatusChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["enrolment", "from_status", "to_status", "on", "changed_by"]
    list_select_related = ["enrolment__trainee", "enrolment__cohort", "changed_by"]
    list_filter = ["to_status"]
    search_fields = ["enrolment__trainee__full_name"]


@admin.register(TrainingDay)
class TrainingDayAdmin(admin.ModelAdmin):
    list_display = ["topic", "cohort", "date", "location"]
    list_select_related = ["cohort"]
    list_filter = ["cohort"]
    search_fields = ["topic"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "training_day", "status"]
    list_select_related = ["enrolment__trainee", "enrolment__cohort", "training_day"]
    list_filter = ["status"]
    search_fields = ["enrolment__trainee__full_name"]
    raw_id_fields = ["enrolment", "training_day"]


@admin.register(ModuleResult)
class ModuleResultAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "module", "attempt", "outcome", "mark", "date"]
    list_select_related = ["enrolment__trainee", "enrolment__cohort", "module"]
    list_filter = ["outcome", "module"]
    search_fields = ["enrolment__trainee__full_name"]
    raw_id_fields = ["enrolment", "recorded_by"]


class ReviewActionInline(admin.TabularInline):
    model = ReviewAction
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "held_on", "rag"]
    list_select_related = ["enrolment__trainee", "enrolment__cohort"]
    list_filter = ["rag"]
    search_fields = ["enrolment__trainee__full_name"]
    raw_id_fields = ["enrolment", "recorded_by"]
    inlines = [ReviewActionInline]

    def save_model(self, request, obj, form, change):
        moved_from = form.initial.get("enrolment") if change else None
        super().save_model(request, obj, form, change)
        review_due_refresh(Enrolment.objects.filter(pk__in=[obj.enrolment_id, moved_from]))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        review_due_refresh(Enrolment.objects.filter(pk=obj.enrolment_id))

    def delete_queryset(self, request, queryset):
        enrolment_ids = list(queryset.values_list("enrolment_id", flat=True))
        super().delete_queryset(request, queryset)
        review_due_refresh(Enrolment.objects.filter(pk__in=enrolment_ids))


@admin.register(ReviewAction)
class ReviewActionAdmin(admin.ModelAdmin):
    list_display = ["description", "owner", "due_date", "done_on"]
    list_select_related = ["owner"]
    search_fields = ["description", "owner__full_name"]
    raw_id_fields = ["review", "owner"]


@admin.register(ReviewConfirmation)
class ReviewConfirmationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["review", "party", "person", "confirmed_at"]
    list_select_related = ["review__enrolment__trainee", "person"]
    list_filter = ["party"]


@admin.register(RunningCohortCounts)
class RunningCohortCountsAdmin(ReadOnlyAdmin):
    """Kept by the programme overview (cohorts/counts_kept.py): counted again when stale."""

    list_display = ["cohort", "counted_on", "version", "counted_version"]
