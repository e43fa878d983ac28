"""Demo data for the apprenticeship route (issue 19): the second cohort is an ST0215
apprenticeship cohort.

seed(context): the standard, its KSBs mapped to the framework, the apprentices' terms and one
skills scan (standards.py), then their off-the-job hours (hours.py). finish(context), once every
app has seeded: the apprentices' signed training plans and one gateway part-way through
(plan.py).
"""

from __future__ import annotations

from apprenticeships.demo import plan, standards
from apprenticeships.demo.hours import seed_hours
from cohorts.models import Cohort


def seed(context) -> None:
    standards.seed(context)
    second = Cohort.objects.filter(programme=context.programme, name="Cohort 2").first()
    if second is not None:
        seed_hours(second, lead=context.people["lead"], today=context.today)


def finish(context) -> None:
    plan.seed_all(context)
