"""The apprenticeship route: a programme that delivers a standard, and each apprentice's terms.

A programme is an apprenticeship when it names its standard; an enrolment on it is an
apprenticeship with its practical period, planned off-the-job hours and funding.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from cohorts.models import Enrolment
from competencies.models import ApprenticeshipStandard
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
