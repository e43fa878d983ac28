"""Demo funding and costs for the first (finished, five qualified) and second (running,
nobody qualified yet) cohorts: an education commissioner's grant and the trust's own money;
university fees, backfill for the training days, practice educator time and other costs.

Backfill is worked out from the cohort's own training days: days × trainees × 7.5 hours at
the hourly rate of bank cover. Safe to run twice: a cohort with any funding or cost recorded
is left alone.
"""

from __future__ import annotations

from decimal import Decimal

from cohorts.models import Cohort
from funding import selectors, services
from funding.models import CostCategory, CostLine, FundingSource
from pathway.models import Organisation

GRANT_PER_TRAINEE = Decimal("6000.00")
FEE_PER_TRAINEE = Decimal("4650.00")
BACKFILL_RATE = Decimal("13.95")  # bank band 3 per hour
EDUCATOR_RATE = Decimal("27.50")  # band 6 per hour

PLAN = {
    # cohort: (trust contribution, educator hours, other costs per trainee)
    "Cohort 1": (Decimal("10000.00"), Decimal("180"), Decimal("85.00")),
    "Cohort 2": (Decimal("20000.00"), Decimal("420"), Decimal("85.00")),
}


def seed(context) -> None:
    lead = context.people.get("lead")
    commissioner = Organisation.objects.filter(kind=Organisation.Kind.COMMISSIONER).first()
    for cohort in Cohort.objects.filter(programme=context.programme, name__in=PLAN):
        if (
            FundingSource.objects.filter(cohort=cohort).exists()
            or CostLine.objects.filter(cohort=cohort).exists()
        ):
            continue
        trust, educator_hours, other_each = PLAN[cohort.name]
        hint = selectors.backfill_hint(cohort)
        trainees = Decimal(hint.trainees)
        services.source_save(
            actor=lead,
            cohort=cohort,
            name="Education commissioner grant",
            organisation=commissioner,
            amount=GRANT_PER_TRAINEE * trainees,
            notes=f"£{GRANT_PER_TRAINEE:,.2f} for each trainee",
        )
        services.source_save(
            actor=lead,
            cohort=cohort,
            name="Trust workforce development budget",
            organisation=context.trust,
            amount=trust,
        )
        for category, description, quantity, unit, unit_cost in [
            (
                CostCategory.UNIVERSITY_FEES,
                "University of Northfield module fees",
                trainees,
                "trainees",
                FEE_PER_TRAINEE,
            ),
            (
                CostCategory.BACKFILL,
                f"Bank cover for {hint.training_days} training days",
                hint.hours,
                "hours",
                BACKFILL_RATE,
            ),
            (
                CostCategory.EDUCATOR_TIME,
                "Practice educators' time with trainees and mentors",
                educator_hours,
                "hours",
                EDUCATOR_RATE,
            ),
            (
                CostCategory.OTHER,
                "Books, uniforms and DBS checks",
                trainees,
                "trainees",
                other_each,
            ),
        ]:
            services.cost_save(
                actor=lead,
                cohort=cohort,
                category=category,
                description=description,
                quantity=quantity,
                unit=unit,
                unit_cost=unit_cost,
            )
