"""Demo cohorts: the case study's first cohort of five (finished) and second of sixteen
(running today), with training days, attendance, module results and reviews."""

from cohorts.demo import core


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
