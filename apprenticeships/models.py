"""The apprenticeship route: a programme that delivers a standard, and each apprentice's terms.

A programme is an apprenticeship when it names its standard; an enrolment on it is an
apprenticeship with its practical period, planned off-the-job hours and funding.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from competencies.models import ApprenticeshipStandard
from pathway.history import AuditHistory
from pathway.models import Programme


class ApprenticeshipProgramme(models.Model):
    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="apprenticeship"
    )
    standard = models.ForeignKey(
        ApprenticeshipStandard, on_delete=models.PROTECT, related_name="programmes"
    )

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
