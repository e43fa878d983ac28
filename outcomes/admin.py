"""The Django admin for the career pathway: stages (reworded, never recoded), moves and
bridging modules with their enrolments."""

from django.contrib import admin

from outcomes.models import BridgingEnrolment, BridgingModule, PathwayMove, Stage


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    fields = ["code", "name", "description", "order"]
    readonly_fields = ["code", "order"]

    def has_add_permission(self, request):
        return False  # the stages are fixed; their wording is not

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PathwayMove)
class PathwayMoveAdmin(admin.ModelAdmin):
    list_display = ["person", "stage", "on", "clinical_area", "recorded_by"]
    list_filter = ["stage", "clinical_area"]
    search_fields = ["person__full_name", "person__email", "reason"]
    raw_id_fields = ["person", "recorded_by"]
    date_hierarchy = "on"


class BridgingEnrolmentInline(admin.TabularInline):
    model = BridgingEnrolment
    extra = 0
    raw_id_fields = ["person", "recorded_by"]


@admin.register(BridgingModule)
class BridgingModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "credits", "provider"]
    search_fields = ["title"]
    inlines = [BridgingEnrolmentInline]
