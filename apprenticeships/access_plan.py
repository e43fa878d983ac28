"""Fetch-and-authorise for the training plan, gateway and inspection pages (pathway/access.py).

An apprentice's plan and gateway are part of their record: someone with no part in it (not
the apprentice, a supporter today, the lead nurse, or an inspector granted the cohort) gets
404; someone who may see it but not do this gets 403.
"""

from __future__ import annotations

from apprenticeships.models import Apprenticeship, InspectionGrant
from apprenticeships.selectors import inspection as inspection_selectors
from apprenticeships.selectors import plan as selectors
from cohorts.models import Cohort
from pathway.access import reach

SEE = "apprenticeships.view_training_plan"


def access_apprenticeship(viewer, pk, *, act: str | None = None) -> Apprenticeship:
    return reach(viewer, lambda: selectors.apprenticeship_by_pk(pk), see=SEE, act=act)


def access_plan_version(viewer, pk):
    return reach(
        viewer,
        lambda: selectors.plan_by_pk(pk),
        see=SEE,
        within=lambda plan: selectors.apprenticeship_by_pk(plan.apprenticeship_id),
    )


def access_cohort_plans(viewer, pk) -> Cohort:
    return reach(
        viewer, lambda: selectors.cohort_by_pk(pk), act="apprenticeships.view_cohort_plans"
    )


def access_grant(viewer, pk) -> InspectionGrant:
    return reach(
        viewer,
        lambda: inspection_selectors.grant_by_pk(pk),
        act="apprenticeships.manage_inspection",
    )
