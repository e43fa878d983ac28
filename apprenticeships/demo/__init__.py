"""Demo data for the apprenticeship route (pathway's seed_demo calls seed(context))."""

from __future__ import annotations

from apprenticeships.demo.hours import seed_hours
from cohorts.models import Cohort


def seed(context) -> None:
    # The second demo cohort's off-the-job hours, once its programme is an apprenticeship
    # (until then seed_hours does nothing).
    second = Cohort.objects.filter(programme=context.programme, name="Cohort 2").first()
    if second is not None:
        seed_hours(second, lead=context.people["lead"], today=context.today)
