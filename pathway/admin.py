from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from pathway.models import (
    Allocation,
    ClinicalArea,
    Module,
    Organisation,
    Programme,
    Role,
    Site,
    User,
)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "job_title", "band", "clinical_area", "is_active"]
    list_filter = ["roles", "clinical_area", "is_active", "is_staff"]
    search_fields = ["full_name", "email", "employee_number"]
    filter_horizontal = ["roles", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Person",
            {
                "fields": [
                    "full_name",
                    "employee_number",
                    "job_title",
                    "band",
                    "clinical_area",
                    "registration_body",
                    "registration_number",
                ]
            },
        ),
        ("Roles", {"fields": ["roles"]}),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]


@admin.register(Allocation)
class AllocationAdmin(SimpleHistoryAdmin):
    list_display = ["trainee", "kind", "supporter", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["trainee__full_name", "supporter__full_name"]
    autocomplete_fields = ["trainee", "supporter"]


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "university", "duration_weeks"]
    inlines = [ModuleInline]


@admin.register(ClinicalArea)
class ClinicalAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


admin.site.register(Role)
admin.site.register(Organisation)
admin.site.register(Site)
admin.site.register(Module)
admin.site.site_header = "Pathway administration"
admin.site.site_title = "Pathway admin"


# Passkeys and NHS account links (pathway/identity/admin.py).
from pathway.identity import admin as identity_admin  # noqa: E402, F401
