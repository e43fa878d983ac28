"""Demo cohorts: the case study's first cohort of five (finished) and second of sixteen
(running today), with training days, attendance, module results and reviews."""

from cohorts.demo import core
from cohorts.models import Enrolment
from cohorts.review_due import review_due_refresh


def seed(context) -> None:
    cohorts = core.seed(context)
    if cohorts is None:
        return  # already seeded
    for module_name in ("training", "reviews"):
        try:
            module = __import__(f"cohorts.demo.{module_name}", fromlist=["seed"])
        except ModuleNotFoundError:
            continue
        module.seed(context, cohorts)
    # The cohorts, enrolments and reviews above were written directly, not by the services.
    review_due_refresh(Enrolment.objects.filter(cohort__programme=context.programme))
