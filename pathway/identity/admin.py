"""The admin site's view of passkeys and NHS account links: an administrator sees a passkey
refused as a possible copy (the "refused as a possible copy" filter) and its history, and can
remove a passkey or a link (each change is in the audit history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pathway.identity.models import ExternalIdentity, Passkey


class CopiedFilter(admin.SimpleListFilter):
    title = "refused as a possible copy"
    parameter_name = "copied"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(cloned_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(cloned_at__isnull=True)
        return queryset


@admin.register(Passkey)
class PasskeyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "person", "created_at", "last_used_at", "sign_count", "cloned_at"]
    list_filter = [CopiedFilter, "backed_up"]
    search_fields = ["name", "person__full_name", "person__email"]
    list_select_related = ["person"]
    readonly_fields = [
        "person",
        "credential_id",
        "sign_count",
        "aaguid",
        "transports",
        "backed_up",
        "created_at",
        "last_used_at",
        "cloned_at",
    ]
    exclude = ["public_key"]

    def has_add_permission(self, request):
        return False  # a passkey is made by its owner's device, never typed in


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(SimpleHistoryAdmin):
    list_display = ["person", "issuer", "subject", "linked_by", "linked_at", "last_signed_in_at"]
    list_filter = ["issuer", "linked_by"]
    search_fields = ["person__full_name", "person__email", "subject"]
    list_select_related = ["person"]
    readonly_fields = ["linked_at", "last_signed_in_at"]
