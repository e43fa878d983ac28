"""Competency frameworks, the trainee's record, evidence and sign-off.

Invariants kept here:
- a framework is editable only while it is a draft;
- assessment (sign-off) records are append-only: the model refuses update and delete, and on
  PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE too (pathway/db.py);
- each assessment carries a hash over its content and the previous assessment of the same
  trainee, so that a change made behind the application's back can be detected;
- each trainee's chain has a head (its length and last hash) written with every record, and
  checkpoints over all heads are sealed with the ledger key in an append-only log, so that a
  chain cut short or removed whole is detected too (ADR 0007).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from competencies.ledger import current_key_id, ledger_hmac, text_digest
from pathway.history import AuditHistory
from pathway.models import ClinicalArea, SignatureMethod


class AssessmentMethod(models.TextChoices):
    DIRECT_OBSERVATION = "direct_observation", "Direct observation"
    QUESTIONING = "questioning", "Questioning"
    SIMULATION = "simulation", "Simulation"
    WITNESS_TESTIMONY = "witness_testimony", "Witness testimony"
    REFLECTIVE_ACCOUNT = "reflective_account", "Reflective account"


class DescriptionFormat(models.TextChoices):
    """How a description is written. HTML is stored sanitised (competencies.richtext) and shown
    formatted; the others are shown as text. The Moodle codes are kept so that an export gives
    back what was imported."""

    TEXT = "text", "Plain text"
    HTML = "html", "HTML"
    MOODLE = "moodle", "Moodle auto-format"
    MARKDOWN = "markdown", "Markdown"


def _description_format_field():
    return models.CharField(
        max_length=8, choices=DescriptionFormat.choices, default=DescriptionFormat.TEXT
    )


class Framework(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    name = models.CharField(max_length=200)
    code = models.SlugField(
        "ID number",
        max_length=100,
        help_text="Stays the same across versions of one framework, e.g. ap-critical-care",
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    description = models.TextField(blank=True, default="")
    previous_version = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_id_number = models.CharField(
        "ID number in the source system", max_length=100, blank=True, default=""
    )
    description_format = _description_format_field()
    # Moodle's framework scale, kept as data: {"values": [...], "configuration": "<JSON>"}
    # (the configuration as the file had it, so that an export gives it back exactly).
    scale = models.JSONField(default=dict, blank=True)
    # Moodle's taxonomy: one term per level ("domain", "competency", "behaviour"...).
    taxonomy = models.JSONField(default=list, blank=True)
    # The apprenticeship standard whose KSBs the competencies map to, if any: the framework
    # editor offers that standard's KSBs on each competency.
    standard = models.ForeignKey(
        "ApprenticeshipStandard",
        verbose_name="apprenticeship standard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="frameworks",
    )

    history = AuditHistory()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_framework_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="framework_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Domain(models.Model):
    """A group of competencies: communication, clinical skills, medicines management..."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField("ID number", max_length=100)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    description_format = _description_format_field()
    export_id = models.CharField("exported ID in the source system", max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)

    # Reordering (a queryset update) makes no history row, so the order is not kept at all.
    history = AuditHistory(excluded_fields=["order"])

    class Meta:
        ordering = ["framework", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_domain_code")
        ]

    def __str__(self) -> str:
        return self.title


class Competency(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competencies")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="The competency this one sits under, for frameworks deeper than domain and "
        "competency (as Moodle's can be).",
    )
    code = models.CharField("ID number", max_length=100)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    performance_criteria = models.JSONField(default=list, blank=True)
    underpinning_knowledge = models.TextField(blank=True, default="")
    is_core = models.BooleanField(
        "core competency", default=True, help_text="Core competencies apply to every trainee."
    )
    clinical_areas = models.ManyToManyField(
        ClinicalArea,
        blank=True,
        related_name="competencies",
        help_text="For a specific competency: the clinical areas it applies to.",
    )
    assessment_methods = models.JSONField(default=list, blank=True)
    supervised_practices_required = models.PositiveSmallIntegerField(default=0)
    reassessment_months = models.PositiveSmallIntegerField(
        "reassessment interval (months)",
        null=True,
        blank=True,
        help_text="After this many months an achieved competency expires. Blank: never.",
    )
    order = models.PositiveIntegerField(default=0)
    description_format = _description_format_field()
    # Kept from a Moodle framework, as data that goes back out on export: the competency's own
    # scale ({"values", "configuration"}, empty for the framework's), its rule
    # ({"type", "outcome", "config"} as the file had them), its related competencies' ID
    # numbers, and its exported ID (which the rule's configuration refers to).
    scale = models.JSONField(default=dict, blank=True)
    rule = models.JSONField(default=dict, blank=True)
    related = models.JSONField(default=list, blank=True)
    export_id = models.CharField("exported ID in the source system", max_length=100, blank=True)

    # Not its order (see Domain) nor its clinical areas (a many-to-many): see ADR 0010.
    history = AuditHistory(excluded_fields=["order"])

    class Meta:
        ordering = ["domain__order", "domain_id", "order", "id"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_competency_code")
        ]
        indexes = [models.Index(fields=["framework", "is_core"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self):
        super().clean()
        if self.domain_id and self.framework_id and self.domain.framework_id != self.framework_id:
            raise ValidationError({"domain": "The domain belongs to another framework"})
        if self.parent_id:
            if self.pk is not None and self.parent_id == self.pk:
                raise ValidationError({"parent": "A competency cannot sit under itself"})
            if self.framework_id and self.parent.framework_id != self.framework_id:
                raise ValidationError(
                    {"parent": "The competency it sits under belongs to another framework"}
                )
            if self.domain_id and self.parent.domain_id != self.domain_id:
                raise ValidationError(
                    {"parent": "The competency it sits under is in another domain"}
                )
        valid = set(AssessmentMethod.values)
        unknown = [m for m in self.assessment_methods or [] if m not in valid]
        if unknown:
            raise ValidationError({"assessment_methods": f"Unknown method: {', '.join(unknown)}"})
        if not isinstance(self.performance_criteria, list) or not all(
            isinstance(c, str) for c in self.performance_criteria
        ):
            raise ValidationError({"performance_criteria": "Criteria must be a list of text"})

    def expiry_after(self, achieved_on: datetime.date) -> datetime.date | None:
        if not self.reassessment_months:
            return None
        month_index = achieved_on.month - 1 + self.reassessment_months
        year, month = achieved_on.year + month_index // 12, month_index % 12 + 1
        # Clamp to the month's last day (31 January + 1 month = 28 or 29 February).
        for day in (achieved_on.day, 30, 29, 28):
            try:
                return datetime.date(year, month, day)
            except ValueError:
                continue
        raise AssertionError("unreachable")

    def get_assessment_methods_display(self) -> list[str]:
        labels = dict(AssessmentMethod.choices)
        return [labels.get(m, m) for m in self.assessment_methods or []]


class TrainingRecord(models.Model):
    """A trainee's record against one framework version: what they are working towards."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="records")
    clinical_area = models.ForeignKey(
        ClinicalArea, on_delete=models.PROTECT, related_name="training_records"
    )
    start_date = models.DateField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trainee__full_name", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee"],
                condition=Q(is_active=True),
                name="one_active_record_per_trainee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee} — {self.framework}"


class ProgressState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    ACHIEVED = "achieved", "Achieved"
    NOT_YET_COMPETENT = "not_yet_competent", "Not yet competent"
    # Shown, never stored: an achieved competency whose expiry date has passed.
    REASSESSMENT_DUE = "reassessment_due", "Reassessment due"


class ProgressQuerySet(models.QuerySet):
    def with_display_state(self, today: datetime.date | None = None):
        """Annotate `display_state`: the stored state, or 'reassessment due' once expired."""
        today = today or timezone.localdate()
        return self.annotate(
            display_state=models.Case(
                models.When(
                    state=ProgressState.ACHIEVED,
                    expires_on__lte=today,
                    then=models.Value(ProgressState.REASSESSMENT_DUE.value),
                ),
                default=models.F("state"),
                output_field=models.CharField(),
            )
        )

    def currently_achieved(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(state=ProgressState.ACHIEVED).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gt=today)
        )


class CompetencyProgress(models.Model):
    """Where a trainee stands on one competency. Kept in step by the services."""

    record = models.ForeignKey(TrainingRecord, on_delete=models.CASCADE, related_name="progress")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="progress")
    state = models.CharField(
        max_length=20,
        choices=[c for c in ProgressState.choices if c[0] != ProgressState.REASSESSMENT_DUE],
        default=ProgressState.NOT_STARTED,
    )
    practice_count = models.PositiveIntegerField(default=0)
    achieved_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        ordering = ["competency__domain__order", "competency__order", "competency_id"]
        verbose_name_plural = "competency progress"
        constraints = [
            models.UniqueConstraint(fields=["record", "competency"], name="unique_progress")
        ]
        indexes = [models.Index(fields=["record", "state"])]

    def __str__(self) -> str:
        return f"{self.record.trainee}: {self.competency.code} {self.get_state_display()}"

    def state_on(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.state == ProgressState.ACHIEVED and self.expires_on and self.expires_on <= today:
            return ProgressState.REASSESSMENT_DUE
        return self.state


class RecordSummary(models.Model):
    """A record's progress counts, kept by the services that change its progress rows in the
    same transaction (competencies/summaries.py), so that a page over many trainees (the
    programme overview) reads one row a record instead of its 130 or so progress rows (ADR 0026).

    The counts do not depend on the day: "achieved" counts the rows stored as achieved, expired
    or not, and `*_next_expiry` is the earliest expiry date among them. A reader wanting what is
    achieved today takes the count as it is when that date is after today (nothing has expired
    yet) and counts the record's rows again otherwise (summaries.achieved_today), so the number
    is exact on any day with no nightly job. `manage.py rebuild_record_summaries` rebuilds them
    all from the progress rows."""

    record = models.OneToOneField(
        TrainingRecord, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    core_required = models.PositiveIntegerField(default=0)
    specific_required = models.PositiveIntegerField(default=0)
    core_achieved = models.PositiveIntegerField(default=0)
    specific_achieved = models.PositiveIntegerField(default=0)
    core_next_expiry = models.DateField(null=True, blank=True)
    specific_next_expiry = models.DateField(null=True, blank=True)
    # The record's sign-off requests still waiting, and when the oldest and the newest of them
    # were made: how many were made before a time is none or all of them unless that time falls
    # between the two, when they are counted again (summaries.waiting_since).
    open_requests = models.PositiveIntegerField(default=0)
    oldest_open_request_at = models.DateTimeField(null=True, blank=True)
    newest_open_request_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Summary of record {self.record_id}"


def evidence_upload_path(instance, filename):
    # A random-ish, non-guessable path; the original name is kept in the database only.
    stamp = timezone.now().strftime("%Y/%m")
    return f"evidence/{instance.record_id}/{stamp}/{instance.uuid}"


class PracticeEntry(models.Model):
    """Supervised practice the trainee logs: date, who supervised, what was done, reflection."""

    record = models.ForeignKey(
        TrainingRecord, on_delete=models.PROTECT, related_name="practice_entries"
    )
    competencies = models.ManyToManyField(Competency, related_name="practice_entries")
    practised_on = models.DateField("date")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_practice",
    )
    supervisor_name = models.CharField("who supervised", max_length=150)
    # Optional: a trainee logging on their phone after a shift may leave it for the reflection.
    activity = models.TextField("what was done", blank=True, default="")
    reflection = models.TextField(blank=True, default="")
    # An apprentice's practice that was off-the-job training (new learning in paid hours, not
    # their normal duties), and how long it took: it counts towards their off-the-job hours
    # once the named supervisor has confirmed the entry.
    off_the_job = models.BooleanField("off-the-job training", default=False)
    otj_hours = models.DecimalField(
        "off-the-job hours",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("12"))],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, by the named supervisor only (services.practice_confirm); never cleared.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-practised_on", "-id"]
        verbose_name_plural = "practice entries"
        indexes = [models.Index(fields=["supervisor", "confirmed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="practice_confirmed_with_whom",
            ),
            models.CheckConstraint(
                condition=Q(off_the_job=False, otj_hours__isnull=True)
                | Q(off_the_job=True, otj_hours__isnull=False),
                name="practice_otj_hours_when_off_the_job",
            ),
        ]

    def __str__(self) -> str:
        return f"Practice on {self.practised_on:%d %b %Y} supervised by {self.supervisor_name}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Evidence(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", "File"
        REFLECTIVE_ACCOUNT = "reflective_account", "Reflective account"
        WITNESS_STATEMENT = "witness_statement", "Witness statement"

    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    record = models.ForeignKey(TrainingRecord, on_delete=models.PROTECT, related_name="evidence")
    competencies = models.ManyToManyField(Competency, related_name="evidence")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True, default="")
    witness_name = models.CharField(max_length=150, blank=True, default="")
    witness_role = models.CharField(max_length=150, blank=True, default="")
    file = models.FileField(upload_to=evidence_upload_path, blank=True)
    original_filename = models.CharField(max_length=255, blank=True, default="")
    content_type = models.CharField(max_length=100, blank=True, default="")
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


class SignOffRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Waiting"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DECIDED = "decided", "Decided"

    record = models.ForeignKey(
        TrainingRecord, on_delete=models.PROTECT, related_name="sign_off_requests"
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_off_queue"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "competency"],
                condition=Q(status="open"),
                name="one_open_request_per_competency",
            )
        ]
        indexes = [models.Index(fields=["mentor", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.record.trainee} asks {self.mentor} to sign off {self.competency.code}"


KEYED_HASH_VERSION = 2


# What a redacted personal field of a sign-off record holds instead (see Redaction).
TOMBSTONE = "[redacted]"
# The personal fields of a sign-off record: the chain commits to a digest of each from hash
# version 2, so each can be replaced by the tombstone and the record still verify.
REDACTABLE_FIELDS = ("feedback", "assessor_name", "assessor_registration")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("Assessment records are append-only: they cannot be changed")

    def delete(self):
        raise ValidationError("Assessment records are append-only: they cannot be deleted")

    def redact(self, *fields: str) -> int:
        """Replace personal fields with the tombstone: the one change a sign-off record takes,
        and only once its Redaction rows are written (on PostgreSQL the trigger checks)."""
        if not fields or not set(fields) <= set(REDACTABLE_FIELDS):
            raise ValidationError("Only the personal fields of a sign-off record can be redacted")
        return models.QuerySet.update(self, **dict.fromkeys(fields, TOMBSTONE))


class Assessment(models.Model):
    """A decision on a competency, or the revocation of one. Never edited, never deleted."""

    # Never changed or removed: on PostgreSQL the database refuses UPDATE, DELETE and TRUNCATE
    # too (pathway/db.py, migration 0009).
    append_only = True

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        NOT_YET_COMPETENT = "not_yet_competent", "Not yet competent"
        REVOKED = "revoked", "Revoked"

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_received"
    )
    record = models.ForeignKey(TrainingRecord, on_delete=models.PROTECT, related_name="assessments")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    request = models.OneToOneField(
        SignOffRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    method = models.CharField(
        max_length=20, choices=AssessmentMethod.choices, blank=True, default=""
    )
    assessed_on = models.DateField()
    feedback = models.TextField(blank=True, default="")
    # The performance criteria the mentor ticked as seen, in the competency's words (a
    # framework version never changes once published, but the words keep the record readable
    # on its own). Part of the hash when there are any (see hash_payload_v2).
    criteria_met = models.JSONField(default=list, blank=True, db_default=[])
    revokes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revoked_by"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_given"
    )
    # The signer as they were at that moment: names and numbers change, the record must not.
    assessor_name = models.CharField(max_length=150)
    assessor_role = models.CharField(max_length=50)
    assessor_registration = models.CharField(max_length=60, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    # How the signer proved who they were when signing (pathway/signatures.py), and with which
    # credential (a passkey's id). Part of the hash from hash version 2.
    signature_method = models.CharField(
        max_length=12, choices=SignatureMethod.choices, blank=True, default="", db_default=""
    )
    signature_credential = models.CharField(max_length=255, blank=True, default="", db_default="")
    sequence = models.PositiveIntegerField(help_text="Position in the trainee's chain, from 1")
    previous_hash = models.CharField(max_length=64, blank=True, default="")
    record_hash = models.CharField(max_length=64)
    # 1: SHA-256 over the content (records made before keyed hashes). 2: HMAC-SHA256 with the
    # ledger key named by hash_key_id (competencies/ledger.py), over the content with personal
    # text (feedback, the signer's name and registration) committed to by digest. Only version 2
    # is made now: version 1 can be recomputed by anyone with the source. The database default
    # stays 1, the truth for rows that predate the column.
    hash_version = models.PositiveSmallIntegerField(default=2, db_default=1)
    hash_key_id = models.CharField(max_length=40, blank=True, default="", db_default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["trainee", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "sequence"], name="unique_chain_position"),
            models.CheckConstraint(
                condition=~Q(outcome="revoked") | Q(revokes__isnull=False),
                name="revocation_names_what_it_revokes",
            ),
        ]
        indexes = [models.Index(fields=["record", "competency", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.competency.code} for {self.record.trainee}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("Assessment records are append-only: they cannot be changed")
        if self.hash_version != KEYED_HASH_VERSION:
            raise ValidationError(
                "Unkeyed (version 1) sign-off records can no longer be made: anyone with the "
                "source code could recompute them"
            )
        if not self.hash_key_id:
            self.hash_key_id = current_key_id()
        if not self.record_hash:
            self.record_hash = self.compute_hash()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Assessment records are append-only: they cannot be deleted")

    def hash_payload(self) -> dict:
        """Version 1's payload, kept so that records signed with it still verify."""
        return {
            "trainee": self.trainee_id,
            "record": self.record_id,
            "competency": self.competency_id,
            "request": self.request_id,
            "outcome": self.outcome,
            "method": self.method,
            "assessed_on": self.assessed_on.isoformat() if self.assessed_on else None,
            "feedback": self.feedback,
            "revokes": self.revokes_id,
            "assessor": self.assessor_id,
            "assessor_name": self.assessor_name,
            "assessor_role": self.assessor_role,
            "assessor_registration": self.assessor_registration,
            "created_at": self.created_at.isoformat(timespec="milliseconds"),
            "sequence": self.sequence,
            "previous_hash": self.previous_hash,
        }

    def hash_payload_v2(self, redacted: dict[str, str] | None = None) -> dict:
        """`redacted`: field -> the digest of its text before it was redacted (Redaction)."""
        payload = self.hash_payload()
        for name in REDACTABLE_FIELDS:
            # The chain commits to a digest of personal text, not the text: it can later be
            # redacted (with the digest kept) and the chain still proves nothing else changed.
            if redacted and name in redacted:
                payload[name] = redacted[name]
            else:
                payload[name] = text_digest(payload[name])
        payload["signature_method"] = self.signature_method
        payload["signature_credential"] = self.signature_credential
        if self.criteria_met:
            # Only when there are any, so records signed before the checklist still verify.
            payload["criteria_met"] = list(self.criteria_met)
        payload["hash_version"] = 2
        return payload

    def compute_hash(self, redacted: dict[str, str] | None = None) -> str:
        """The record's hash from its content; `redacted` gives the digests of redacted fields
        (version 2 only: a version 1 hash covers the text itself, see Redaction)."""
        if self.hash_version == 1:
            canonical = json.dumps(self.hash_payload(), sort_keys=True, separators=(",", ":"))
            return hashlib.sha256(canonical.encode()).hexdigest()
        canonical = json.dumps(
            self.hash_payload_v2(redacted), sort_keys=True, separators=(",", ":")
        )
        return ledger_hmac(self.hash_key_id, canonical)

    def content_digest(self, redacted: dict[str, str] | None = None) -> str:
        """SHA-256 over the content with personal text by digest, whatever the hash version:
        what a redaction's seal vouches for."""
        payload = self.hash_payload_v2(redacted)
        payload["hash_version"] = self.hash_version
        payload["record_hash"] = self.record_hash
        return text_digest(json.dumps(payload, sort_keys=True, separators=(",", ":")))


class RedactionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("Redactions are append-only: they cannot be changed")

    def delete(self):
        raise ValidationError("Redactions are append-only: they cannot be deleted")


class Redaction(models.Model):
    """One personal field of one sign-off record replaced by the tombstone: who, when, under
    which rule, and the digest of the text it held, which the record's hash commits to.

    `seal` is an HMAC under the ledger key (`key_id`) over all of that and the record's content
    digest (Assessment.content_digest), written only after the record was checked against its
    hash. So a redaction cannot be forged without the key; and a version 1 record, whose hash
    covers its text and so can no longer be recomputed once redacted, is vouched for by the seal.
    Append-only: the model refuses changes, and on PostgreSQL a trigger refuses them too.
    """

    append_only = True

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="redactions")
    field = models.CharField(max_length=30, choices=[(f, f) for f in REDACTABLE_FIELDS])
    digest = models.CharField(max_length=64, help_text="SHA-256 of the text before redaction")
    rule = models.CharField(max_length=120, help_text="The retention rule or erasure basis")
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the scheduled disposal job",
    )
    redacted_at = models.DateTimeField()
    key_id = models.CharField(max_length=40)
    seal = models.CharField(max_length=64)

    objects = RedactionQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "field"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "field"], name="one_redaction_per_field")
        ]

    def __str__(self) -> str:
        return f"Redaction of {self.field} on sign-off record {self.assessment_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("Redactions are append-only: they cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Redactions are append-only: they cannot be deleted")

    def seal_text(self, content_digest: str) -> str:
        return json.dumps(
            {
                "assessment": self.assessment_id,
                "field": self.field,
                "digest": self.digest,
                "rule": self.rule,
                "redacted_by": self.redacted_by_id,
                "redacted_at": self.redacted_at.isoformat(timespec="milliseconds"),
                "content": content_digest,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def compute_seal(self, content_digest: str) -> str:
        return ledger_hmac(self.key_id, self.seal_text(content_digest))


class ChainHeadQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError("Chain heads cannot be deleted: they say where each chain ends")


class ChainHead(models.Model):
    """Where one trainee's chain of assessments ends: how many records it holds and the last
    one's hash. The sign-off service writes it in the same transaction as each record, under
    the chain lock, so a chain cut short (its newest records deleted) no longer matches its head.
    Updated by the service only, never deleted; on PostgreSQL a trigger refuses DELETE and any
    UPDATE that does not lengthen the chain."""

    trainee = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chain_head"
    )
    length = models.PositiveIntegerField(help_text="Records in the chain: the last one's position")
    last_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField()

    objects = ChainHeadQuerySet.as_manager()

    class Meta:
        ordering = ["trainee"]

    def __str__(self) -> str:
        return f"Chain of person {self.trainee_id}: {self.length} records"

    def delete(self, *args, **kwargs):
        raise ValidationError("Chain heads cannot be deleted: they say where each chain ends")


class CheckpointQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("Ledger checkpoints are append-only: they cannot be changed")

    def delete(self):
        raise ValidationError("Ledger checkpoints are append-only: they cannot be deleted")


class LedgerCheckpoint(models.Model):
    """A sealed statement of where every chain ended at one moment (competencies/checkpoints.py).

    It lists the chain heads that changed since the checkpoint before it; `digest` is SHA-256
    over all heads after it, in trainee order; `mac` is an HMAC under the ledger key over its
    content and the previous checkpoint's MAC, so the log is itself a chain. The first
    checkpoint also fixes when keyed hashing began (`keyed_since`), carried by every later one.
    Append-only: the model refuses changes, and on PostgreSQL a trigger refuses UPDATE, DELETE
    and TRUNCATE (migration 0008).
    """

    # Marks the table as append-only for the check that every such table has its trigger.
    append_only = True

    number = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField()
    keyed_since = models.DateTimeField(help_text="When sign-off records began to be keyed")
    chains = models.PositiveIntegerField()
    records = models.PositiveIntegerField()
    changes = models.JSONField(help_text="[trainee id, length, last hash] of each changed head")
    digest = models.CharField(max_length=64)
    previous_mac = models.CharField(max_length=64, blank=True, default="")
    key_id = models.CharField(max_length=40)
    mac = models.CharField(max_length=64)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Ledger checkpoint {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("Ledger checkpoints are append-only: they cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger checkpoints are append-only: they cannot be deleted")


class ApprenticeshipStandard(models.Model):
    """An apprenticeship standard, such as Assistant Practitioner (Health), ST0215.

    Its knowledge, skills and behaviours (KSBs) map onto framework competencies, so a trainee's
    sign-offs evidence the standard. The minimum off-the-job hours are the standard's own: since
    August 2025 the funding rules set a minimum per standard, not 20% of working hours.
    """

    reference = models.CharField(max_length=10, help_text="For example, ST0215.")
    title = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2), MaxValueValidator(7)]
    )
    version = models.CharField(max_length=10, default="1.0")
    typical_duration_months = models.PositiveSmallIntegerField(
        "typical duration (months)", validators=[MinValueValidator(12), MaxValueValidator(72)]
    )
    minimum_otj_hours = models.PositiveIntegerField(
        "minimum off-the-job training hours",
        help_text="The published minimum for the standard (2025 to 2026 funding rules): the "
        "same whatever the apprentice's duration or working hours, reduced only by accepted "
        "prior learning.",
    )
    funding_band = models.PositiveIntegerField(
        "funding band (£)", help_text="The most the levy pays for training and assessment."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who changed the standard's figures (minimum hours, funding band) and when: the audit log.
    history = AuditHistory()

    class Meta:
        ordering = ["reference", "version"]
        constraints = [
            models.UniqueConstraint(fields=["reference", "version"], name="unique_standard_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference} v{self.version}, level {self.level})"


class KsbKind(models.TextChoices):
    KNOWLEDGE = "K", "Knowledge"
    SKILL = "S", "Skill"
    BEHAVIOUR = "B", "Behaviour"


class Ksb(models.Model):
    """One knowledge, skill or behaviour of a standard (K1, S4, B2), and the competencies that
    evidence it (many to many: one competency can cover several KSBs and the reverse)."""

    standard = models.ForeignKey(
        ApprenticeshipStandard, on_delete=models.CASCADE, related_name="ksbs"
    )
    code = models.CharField(max_length=10)
    kind = models.CharField(max_length=1, choices=KsbKind.choices)
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)
    competencies = models.ManyToManyField(Competency, related_name="ksbs", blank=True)

    class Meta:
        ordering = ["standard", "position", "code"]
        verbose_name = "KSB"
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="unique_ksb_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"
