"""Reads for funding: each cohort's money in and out, and what a trainee and a qualified
assistant practitioner cost. A fixed number of queries, whatever the number of cohorts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from cohorts.models import Cohort, EnrolmentStatus
from funding.models import PENNY, ZERO, CostCategory, CostLine, FundingSource

# Enrolments that count as the cohort's trainees: everyone enrolled, except those who moved
# to a later cohort (they count there).
NOT_COUNTED = (EnrolmentStatus.DEFERRED,)
BACKFILL_HOURS_PER_DAY = Decimal("7.5")


def per_head(total: Decimal, people: int) -> Decimal | None:
    """total / people to the penny; None when there is nobody to divide by ("not yet")."""
    if not people:
        return None
    return (total / Decimal(people)).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass
class CohortFinance:
    cohort: Cohort
    trainees: int
    qualified: int
    funding: Decimal = ZERO
    costs: Decimal = ZERO
    by_category: dict[str, Decimal] = field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        """Funding less costs: positive is a surplus, negative a shortfall."""
        return self.funding - self.costs

    @property
    def cost_per_trainee(self) -> Decimal | None:
        return per_head(self.costs, self.trainees)

    @property
    def cost_per_qualified(self) -> Decimal | None:
        return per_head(self.costs, self.qualified)

    @property
    def category_rows(self) -> list[tuple[str, Decimal]]:
        return [(label, self.by_category.get(value, ZERO)) for value, label in CostCategory.choices]


def _cohorts():
    return Cohort.objects.annotate(
        n_trainees=Count("enrolments", filter=~Q(enrolments__status__in=NOT_COUNTED)),
        n_qualified=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.QUALIFIED)),
    ).order_by("intake_date", "name")


def _finances(cohorts) -> list[CohortFinance]:
    rows = {
        c.pk: CohortFinance(cohort=c, trainees=c.n_trainees, qualified=c.n_qualified)
        for c in cohorts
    }
    for cohort_id, amount in FundingSource.objects.filter(cohort__in=rows).values_list(
        "cohort_id", "amount"
    ):
        rows[cohort_id].funding += amount
    categories: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for cohort_id, category, quantity, unit_cost in CostLine.objects.filter(
        cohort__in=rows
    ).values_list("cohort_id", "category", "quantity", "unit_cost"):
        total = (quantity * unit_cost).quantize(PENNY)
        rows[cohort_id].costs += total
        categories[cohort_id][category] = categories[cohort_id].get(category, ZERO) + total
    for cohort_id, by_category in categories.items():
        rows[cohort_id].by_category = by_category
    return list(rows.values())


def finances() -> list[CohortFinance]:
    """Every cohort's figures, oldest first."""
    return _finances(_cohorts())


def cohort_finance(cohort_pk: int) -> CohortFinance | None:
    """One cohort's figures, or None when there is no such cohort."""
    found = _finances(_cohorts().filter(pk=cohort_pk))
    return found[0] if found else None


def source_by_pk(pk) -> FundingSource:
    return FundingSource.objects.select_related("cohort").get(pk=pk)


def cost_by_pk(pk) -> CostLine:
    return CostLine.objects.select_related("cohort").get(pk=pk)


def sources_of(cohort):
    return FundingSource.objects.filter(cohort=cohort).select_related("organisation")


def costs_of(cohort):
    return CostLine.objects.filter(cohort=cohort).order_by("category", "description", "id")


@dataclass(frozen=True)
class BackfillHint:
    training_days: int
    trainees: int

    @property
    def hours(self) -> Decimal:
        return self.training_days * self.trainees * BACKFILL_HOURS_PER_DAY


def backfill_hint(cohort) -> BackfillHint:
    counts = Cohort.objects.filter(pk=cohort.pk).aggregate(
        days=Count("training_days", distinct=True),
        trainees=Count("enrolments", filter=~Q(enrolments__status__in=NOT_COUNTED), distinct=True),
    )
    return BackfillHint(counts["days"], counts["trainees"])
