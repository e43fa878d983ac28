from django.contrib import admin

from roledesign.models import (
    JobDescription,
    PersonSpecCriterion,
    RoleDesignProject,
    Stage,
    Task,
    TaskCompetencyLink,
)


class PersonSpecCriterionInline(admin.TabularInline):
    model = PersonSpecCriterion
    extra = 0


@admin.register(JobDescription)
class JobDescriptionAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "band", "status", "framework", "approved_at"]
    list_filter = ["status", "band"]
    search_fields = ["title", "lineage"]
    raw_id_fields = ["framework", "previous_version", "approved_by"]
    inlines = [PersonSpecCriterionInline]


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(RoleDesignProject)
class RoleDesignProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "clinical_area", "lead", "created_at"]
    raw_id_fields = ["lead"]
    inlines = [StageInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "decision", "likelihood", "impact"]
    list_filter = ["decision", "project"]
    search_fields = ["name"]


@admin.register(TaskCompetencyLink)
class TaskCompetencyLinkAdmin(admin.ModelAdmin):
    list_display = ["task", "competency", "created_at"]
    raw_id_fields = ["task", "competency"]
