"""The apprenticeship route: a programme that delivers a standard, and each apprentice's terms.

A programme is an apprenticeship when it names its standard; an enrolment on it is an
apprenticeship with its practical period, planned off-the-job hours and funding.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cohorts.models import Enrolment
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
