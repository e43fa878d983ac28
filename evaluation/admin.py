"""Questionnaires in the Django admin: read the structure and the issues. Responses and answers
are left out: they are read through the results pages, which keep the anonymity rules."""

from django.contrib import admin

from evaluation.models import Issue, Question, Questionnaire, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("title", "created_at", "copied_from")
    search_fields = ("title",)
    inlines = [SectionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "kind", "required", "section")
    list_filter = ("kind",)


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("questionnaire", "cohort", "audience", "opens_on", "closes_on", "anonymous")
    list_filter = ("anonymous", "audience")
