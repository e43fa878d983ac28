from django.contrib import admin

from support.models import MentorCaseload, SupportLog


@admin.register(MentorCaseload)
class MentorCaseloadAdmin(admin.ModelAdmin):
    list_display = ("educator", "mentor", "start_date", "end_date")
    raw_id_fields = ("educator", "mentor")


@admin.register(SupportLog)
class SupportLogAdmin(admin.ModelAdmin):
    list_display = ("educator", "kind", "person", "on", "minutes")
    list_filter = ("kind",)
    raw_id_fields = ("educator", "person")
