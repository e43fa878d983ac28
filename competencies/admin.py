"""The Django admin for frameworks and trainees' records, for the administrator.

Frameworks, domains and competencies keep their history (the History button): they can be
changed here only while their framework is a draft, as on the framework pages. A trainee's
record (progress, practice, evidence, sign-off requests and assessments) is read-only here:
it changes only through the services that check who is acting, and assessments are
append-only.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from competencies.models import (
    ApprenticeshipStandard,
    Assessment,
    ChainHead,
    Competency,
    CompetencyProgress,
    Domain,
    Evidence,
    Framework,
    Ksb,
    LedgerCheckpoint,
    PracticeEntry,
    RecordSummary,
    Redaction,
    SignOffRequest,
    TrainingRecord,
)


class DraftOnlyAdmin(SimpleHistoryAdmin):
    """Changed or deleted only while the framework is a draft; added on the framework pages."""

    def _framework(self, obj) -> Framework:
        return obj if isinstance(obj, Framework) else obj.framework

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self._framework(obj).is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self._framework(obj).is_editable:
            return False
        return super().has_delete_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(DraftOnlyAdmin):
    list_display = ["name", "code", "version", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["name", "code"]
    readonly_fields = ["status", "previous_version", "published_at", "published_by"]


@admin.register(Domain)
class DomainAdmin(DraftOnlyAdmin):
    list_display = ["title", "code", "framework", "order"]
    list_select_related = ["framework"]
    search_fields = ["title", "code", "framework__name"]
    readonly_fields = ["framework"]


@admin.register(Competency)
class CompetencyAdmin(DraftOnlyAdmin):
    list_display = ["code", "title", "framework", "domain", "is_core"]
    list_select_related = ["framework", "domain"]
    list_filter = ["is_core"]
    search_fields = ["code", "title", "framework__name"]
    readonly_fields = ["framework", "domain", "parent"]
    filter_horizontal = ["clinical_areas"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ReadOnlyAdmin):
    list_display = ["trainee", "framework", "clinical_area", "start_date", "is_active"]
    list_select_related = ["trainee", "framework", "clinical_area"]
    list_filter = ["is_active"]
    search_fields = ["trainee__full_name", "trainee__email"]


@admin.register(CompetencyProgress)
class CompetencyProgressAdmin(ReadOnlyAdmin):
    list_display = ["record", "competency", "state", "achieved_on", "expires_on"]
    list_select_related = ["record__trainee", "record__framework", "competency"]
    list_filter = ["state"]
    search_fields = ["record__trainee__full_name", "competency__code"]


@admin.register(RecordSummary)
class RecordSummaryAdmin(ReadOnlyAdmin):
    """Kept by the services (competencies/summaries.py); `rebuild_record_summaries` recounts."""

    list_display = [
        "record",
        "core_achieved",
        "core_required",
        "specific_achieved",
        "specific_required",
        "core_next_expiry",
        "specific_next_expiry",
    ]
    list_select_related = ["record__trainee", "record__framework"]
    search_fields = ["record__trainee__full_name"]


@admin.register(PracticeEntry)
class PracticeEntryAdmin(ReadOnlyAdmin):
    list_display = ["record", "practised_on", "supervisor_name"]
    list_select_related = ["record__trainee", "record__framework"]
    search_fields = ["record__trainee__full_name", "supervisor_name"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["title", "record", "kind", "created_at"]
    list_select_related = ["record__trainee", "record__framework"]
    list_filter = ["kind"]
    search_fields = ["title", "record__trainee__full_name"]
    exclude = ["file"]  # files are served only through the pages that check permission


@admin.register(SignOffRequest)
class SignOffRequestAdmin(ReadOnlyAdmin):
    list_display = ["record", "competency", "mentor", "status", "created_at"]
    list_select_related = ["record__trainee", "record__framework", "competency", "mentor"]
    list_filter = ["status"]
    search_fields = ["record__trainee__full_name", "mentor__full_name", "competency__code"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    """Append-only, with its own hash chain: no history here, and never editable."""

    list_display = ["trainee", "competency", "outcome", "assessed_on", "assessor_name"]
    list_select_related = ["trainee", "competency"]
    list_filter = ["outcome"]
    search_fields = ["trainee__full_name", "assessor_name", "competency__code"]


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    """Where each trainee's chain ends: written by the sign-off service only (ADR 0007)."""

    list_display = ["trainee", "length", "last_hash", "updated_at"]
    list_select_related = ["trainee"]
    search_fields = ["trainee__full_name"]


@admin.register(LedgerCheckpoint)
class LedgerCheckpointAdmin(ReadOnlyAdmin):
    """The append-only checkpoint log, written by `ledger_checkpoint` (ADR 0007)."""

    list_display = ["number", "created_at", "chains", "records", "key_id", "digest"]


@admin.register(ApprenticeshipStandard)
class ApprenticeshipStandardAdmin(ReadOnlyAdmin):
    """Standards are set up on the apprenticeship pages, which check who acts; listed here."""

    list_display = ["reference", "version", "title", "level", "minimum_otj_hours"]
    search_fields = ["reference", "title"]


@admin.register(Ksb)
class KsbAdmin(ReadOnlyAdmin):
    """A standard's KSBs, imported and mapped on the apprenticeship pages; listed here."""

    list_display = ["standard", "code", "kind", "text"]
    list_select_related = ["standard"]
    list_filter = ["kind"]
    search_fields = ["code", "text"]


@admin.register(Redaction)
class RedactionAdmin(ReadOnlyAdmin):
    """Append-only: written by an erasure (governance), never here."""

    list_display = ["assessment", "field", "rule", "redacted_at"]
    list_filter = ["field"]
