"""Demo data for the apprenticeship route (issue 19).

seed(context): the apprenticeship standard, its KSBs and the second cohort's apprentices (the
standards part of the route). finish(context), once every app has seeded: the apprentices'
signed training plans and one gateway part-way through (apprenticeships/demo/plan.py).
"""

from apprenticeships.demo import plan


def seed(context) -> None:
    """Nothing here yet: the standards part of the route adds the apprenticeships."""


def finish(context) -> None:
    plan.seed_all(context)
