"""Demo data for the apprenticeship route (issue 19).

seed(context): the apprenticeship standard, its KSBs and the second cohort's apprentices, then
their off-the-job hours. finish(context), once every app has seeded: the apprentices' signed
training plans and one gateway part-way through (apprenticeships/demo/plan.py).
"""

from __future__ import annotations

from apprenticeships.demo import plan
from apprenticeships.demo.hours import seed_hours
from cohorts.models import Cohort


def seed(context) -> None:
    # The second demo cohort's off-the-job hours, once its programme is an apprenticeship
    # (until then seed_hours does nothing).
    second = Cohort.objects.filter(programme=context.programme, name="Cohort 2").first()
    if second is not None:
        seed_hours(second, lead=context.people["lead"], today=context.today)


def finish(context) -> None:
    plan.seed_all(context)
