"""What a cohort costs and who pays: funding sources and cost lines, in pounds and pence.

Money is Decimal throughout (DecimalField, two places); nothing here is a float.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from cohorts.models import Cohort
from pathway.models import Organisation

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")
MAX_DIGITS = 12  # up to £9,999,999,999.99


class FundingSource(models.Model):
    """Money for a cohort: an education commissioner's grant, the trust's own budget..."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="funding_sources")
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    notes = models.TextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["cohort", "-amount", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.cohort}"


class CostCategory(models.TextChoices):
    UNIVERSITY_FEES = "university_fees", "University fees"
    BACKFILL = "backfill", "Backfill for training days"
    EDUCATOR_TIME = "educator_time", "Educator time"
    OTHER = "other", "Other"


class CostLine(models.Model):
    """A cost: a quantity (hours, trainees, items) at a unit cost. Backfill is the hours
    trainees spend on training days times the hourly rate of the cover."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="cost_lines")
    category = models.CharField(max_length=20, choices=CostCategory.choices)
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    unit = models.CharField(max_length=40, default="item", help_text="hours, trainees, items")
    unit_cost = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["cohort", "category", "description", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0) & Q(unit_cost__gte=0),
                name="cost_line_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.get_category_display()})"

    @property
    def total(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(PENNY)
