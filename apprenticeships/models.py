"""The apprenticeship route: a programme that delivers a standard, and each apprentice's terms.

A programme is an apprenticeship when it names its standard; an enrolment on it is an
apprenticeship with its practical period, planned off-the-job hours and funding.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from competencies.models import ApprenticeshipStandard, Competency, Ksb
from pathway.history import AuditHistory
from pathway.models import Programme


class ApprenticeshipProgramme(models.Model):
    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="apprenticeship"
    )
    standard = models.ForeignKey(
        ApprenticeshipStandard, on_delete=models.PROTECT, related_name="programmes"
    )
    # Which standard a programme follows, and who changed it: the audit log.
    history = AuditHistory()

    def __str__(self) -> str:
        return f"{self.programme}: {self.standard}"


class Apprenticeship(models.Model):
    """An enrolment's apprenticeship terms (the commitment statement's figures)."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="apprenticeship"
    )
    practical_period_start = models.DateField("practical period start")
    planned_end_date = models.DateField("planned end of the practical period")
    planned_otj_hours = models.PositiveIntegerField("planned off-the-job training hours")
    levy_funded = models.BooleanField("funded by the apprenticeship levy", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Each change to the terms (dates, planned hours, levy funding), by whom: the audit log.
    history = AuditHistory(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["enrolment"]

    def __str__(self) -> str:
        return f"Apprenticeship of {self.enrolment}"

    def clean(self) -> None:
        if (
            self.practical_period_start
            and self.planned_end_date
            and self.planned_end_date <= self.practical_period_start
        ):
            raise ValidationError(
                {"planned_end_date": "The planned end must be after the practical period start"}
            )


# --- Training plan, gateway and inspection ---


class PlanParty(models.TextChoices):
    """The three parties to a training plan and a gateway declaration."""

    APPRENTICE = "apprentice", "Apprentice"
    EMPLOYER = "employer", "Employer"
    PROVIDER = "provider", "Training provider"


class FrozenOnceSaved(models.Model):
    """A row that is never changed once written: a change is a new row."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(f"{self._meta.verbose_name} is read-only once saved")
        super().save(*args, **kwargs)


class TrainingPlan(FrozenOnceSaved):
    """One version of an apprentice's training plan and commitment statement.

    Never edited: a change is a new version, to be signed again by all three parties. The
    words of the plan (programme, standard, hours, dates, responsibilities) are kept as they
    were, and `content_hash` is the SHA-256 of them (apprenticeships/services/plan.py)."""

    apprenticeship = models.ForeignKey(
        Apprenticeship, on_delete=models.PROTECT, related_name="training_plans"
    )
    version = models.PositiveIntegerField()
    programme_name = models.CharField(max_length=200)
    standard_name = models.CharField(max_length=300)
    practical_period_start = models.DateField("practical period start")
    planned_end_date = models.DateField("planned end of the practical period")
    planned_otj_hours = models.PositiveIntegerField("planned off-the-job training hours")
    provider_responsibilities = models.TextField("the training provider's responsibilities")
    employer_responsibilities = models.TextField("the employer's responsibilities")
    apprentice_responsibilities = models.TextField("the apprentice's responsibilities")
    review_dates = models.JSONField("progress review dates", default=list)
    change_reason = models.TextField("what changed and why", blank=True, default="")
    content_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["apprenticeship", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprenticeship", "version"], name="one_training_plan_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"Training plan version {self.version} for {self.apprenticeship.enrolment}"


class TrainingPlanSignature(FrozenOnceSaved):
    """A party's recorded confirmation of one plan version: who, when, and the hash of the
    words they saw."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(max_length=10, choices=PlanParty.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(max_length=150)
    content_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "party"], name="one_plan_signature_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} signed {self.plan}"


def gateway_evidence_path(instance, filename: str) -> str:
    return f"gateway/{instance.apprenticeship_id}/{filename}"


class GatewayEvidence(models.Model):
    """The evidence for one item of an apprentice's gateway checklist: a reference (a
    certificate number, a transcript) or a file, and who confirmed it and when."""

    apprenticeship = models.ForeignKey(
        Apprenticeship, on_delete=models.PROTECT, related_name="gateway_evidence"
    )
    requirement = models.CharField(max_length=40)
    reference = models.CharField(max_length=300, blank=True, default="")
    file = models.FileField(upload_to=gateway_evidence_path, blank=True, max_length=200)
    file_name = models.CharField(max_length=200, blank=True, default="")
    content_type = models.CharField(max_length=100, blank=True, default="")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    history = AuditHistory()

    class Meta:
        ordering = ["apprenticeship", "requirement"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprenticeship", "requirement"], name="one_gateway_evidence_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"Gateway evidence {self.requirement} for {self.apprenticeship.enrolment}"


class GatewaySignature(FrozenOnceSaved):
    """A party's signature of the gateway declaration: the checklist as it stood (its hash)."""

    apprenticeship = models.ForeignKey(
        Apprenticeship, on_delete=models.PROTECT, related_name="gateway_signatures"
    )
    party = models.CharField(max_length=10, choices=PlanParty.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(max_length=150)
    content_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["apprenticeship", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprenticeship", "party"], name="one_gateway_signature_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} signed the gateway declaration"


class InspectionGrant(models.Model):
    """Read-only access for an inspector or quality assurer to named cohorts, until `expires_at`
    (compared with now on every check: nothing has to run for it to end) or until revoked."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_grants"
    )
    cohorts = models.ManyToManyField(Cohort, related_name="inspection_grants")
    purpose = models.CharField(max_length=200)
    expires_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    history = AuditHistory(m2m_fields=[cohorts])

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Inspection access for {self.inspector}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


# --- Off-the-job hours ---
# The ledger's own records: hours an apprentice logs (their line manager confirms or declines
# them) and breaks in learning (recorded by one person, approved by another). Everything else
# in the ledger is read from what Pathway already holds (apprenticeships/selectors/hours.py).


class OtjActivity(models.TextChoices):
    """Kinds of off-the-job training named in the apprenticeship funding rules."""

    THEORY = "theory", "Teaching of theory (lectures, role play, simulation, online learning)"
    PRACTICAL = "practical", "Practical training"
    SHADOWING = "shadowing", "Shadowing"
    MENTORING = "mentoring", "Mentoring"
    INDUSTRY_VISIT = "industry_visit", "Industry or service visit"
    ASSIGNMENT = "assignment", "Writing assignments"
    COMPETITION = "competition", "Attending a competition"
    OTHER = "other", "Other new learning"


# The most hours one logged entry may hold: a long day's training.
OTJ_ENTRY_MAX_HOURS = Decimal("12")


class OtjEntryStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the line manager"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"


class OtjEntry(models.Model):
    """Off-the-job training an apprentice logs; it counts once their line manager confirms it."""

    apprenticeship = models.ForeignKey(
        Apprenticeship, on_delete=models.PROTECT, related_name="otj_entries"
    )
    on = models.DateField("date")
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(OTJ_ENTRY_MAX_HOURS)],
    )
    activity = models.CharField(max_length=20, choices=OtjActivity.choices)
    description = models.TextField("what you did and learned")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=OtjEntryStatus.choices, default=OtjEntryStatus.WAITING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField("reason for declining", blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = "off-the-job training entry"
        verbose_name_plural = "off-the-job training entries"
        indexes = [models.Index(fields=["apprenticeship", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="waiting", decided_by__isnull=True, decided_at__isnull=True)
                | (
                    Q(status__in=["confirmed", "declined"])
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                ),
                name="otj_entry_decided_by_whom",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="otj_entry_declined_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=OTJ_ENTRY_MAX_HOURS),
                name="otj_entry_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} hours of {self.get_activity_display().lower()} on {self.on}"


class BreakStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Not approved"


class BreakInLearning(models.Model):
    """A break in learning: the apprenticeship's clock stops from `starts_on` until the day
    before `returns_on` (still open while `returns_on` is empty). Only an approved break moves
    the plan; the person who approves it is never the one who recorded it."""

    apprenticeship = models.ForeignKey(
        Apprenticeship, on_delete=models.PROTECT, related_name="breaks"
    )
    starts_on = models.DateField("first day of the break")
    returns_on = models.DateField("date of return", null=True, blank=True)
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=BreakStatus.choices, default=BreakStatus.WAITING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["apprenticeship", "starts_on", "id"]
        verbose_name = "break in learning"
        verbose_name_plural = "breaks in learning"
        constraints = [
            models.CheckConstraint(
                condition=Q(returns_on__isnull=True) | Q(returns_on__gt=F("starts_on")),
                name="break_returns_after_start",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("recorded_by")),
                name="break_not_approved_by_recorder",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting", decided_by__isnull=True)
                | (Q(status__in=["approved", "refused"]) & Q(decided_by__isnull=False)),
                name="break_decided_by_whom",
            ),
        ]

    def __str__(self) -> str:
        end = f" to {self.returns_on}" if self.returns_on else ""
        return f"Break in learning from {self.starts_on}{end}"

    def clean(self) -> None:
        if self.starts_on and self.returns_on and self.returns_on <= self.starts_on:
            raise ValidationError({"returns_on": "The return must be after the break starts"})


# --- Standards, KSB coverage and prior learning ---


class SkillsScan(models.Model):
    """The initial assessment of one apprentice against the standard's KSBs and the framework's
    competencies, at the start. Completing it records the reduction that accepted prior learning
    makes to the planned off-the-job hours, with its reason."""

    apprenticeship = models.OneToOneField(
        Apprenticeship, on_delete=models.CASCADE, related_name="skills_scan"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    hours_before = models.PositiveIntegerField(
        "planned off-the-job hours before the reduction", null=True, blank=True
    )
    hours_reduction = models.PositiveIntegerField("reduction in off-the-job hours", default=0)
    reduction_reason = models.TextField("reason for the reduction", blank=True, default="")

    history = AuditHistory()

    def __str__(self) -> str:
        return f"Skills scan of {self.apprenticeship.enrolment}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class ScanOutcome(models.TextChoices):
    TO_ASSESS = "to_assess", "Not assessed yet"
    ACCEPTED = "accepted", "Prior learning accepted"
    TO_LEARN = "to_learn", "To be learned"


def prior_learning_upload_path(instance, filename):
    # Not guessable; the original name is kept in the database only.
    return f"prior-learning/{instance.scan_id}/{uuid.uuid4()}"


class SkillsScanItem(models.Model):
    """One KSB or one competency in a skills scan: whether the apprentice held it already on
    the current-competence register when the scan started, and the assessor's decision."""

    scan = models.ForeignKey(SkillsScan, on_delete=models.CASCADE, related_name="items")
    ksb = models.ForeignKey(Ksb, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_on_register = models.BooleanField(
        "already signed off and current when the scan started", default=False
    )
    outcome = models.CharField(
        max_length=12, choices=ScanOutcome.choices, default=ScanOutcome.TO_ASSESS
    )
    evidence = models.TextField("evidence of prior learning", blank=True, default="")
    evidence_file = models.FileField(upload_to=prior_learning_upload_path, blank=True)
    evidence_filename = models.CharField(max_length=255, blank=True, default="")
    evidence_content_type = models.CharField(max_length=100, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = AuditHistory()

    class Meta:
        ordering = ["scan", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ksb__isnull=False) & Q(competency__isnull=True))
                | (Q(ksb__isnull=True) & Q(competency__isnull=False)),
                name="scan_item_ksb_or_competency",
            ),
            models.UniqueConstraint(fields=["scan", "ksb"], name="unique_scan_ksb"),
            models.UniqueConstraint(fields=["scan", "competency"], name="unique_scan_competency"),
        ]

    def __str__(self) -> str:
        return str(self.ksb or self.competency)

    def clean(self) -> None:
        if self.outcome == ScanOutcome.ACCEPTED and not (self.evidence or "").strip():
            raise ValidationError({"evidence": "Enter the evidence of prior learning"})
        if self.outcome == ScanOutcome.ACCEPTED and not (self.reason or "").strip():
            raise ValidationError({"reason": "Enter the reason for accepting it"})
