"""Fetch-and-authorise for recruitment (pathway/access.py's policy).

A recruitment round, and the cohort it fills, are not private: the lead nurse's pages refuse
everyone else with 403. An application is private to the lead nurse, the applicant and the
manager it names: to anyone else it does not exist (404).
"""

from __future__ import annotations

from cohorts.models import Cohort
from cohorts.selectors import cohorts as cohort_selectors
from pathway.access import reach
from recruitment import selectors
from recruitment.models import Application, RecruitmentRound

MANAGE = "recruitment.manage"


def access_cohort(viewer, pk, *, act: str = MANAGE) -> Cohort:
    """A cohort to open recruitment to."""
    return reach(viewer, lambda: cohort_selectors.cohort_by_pk(pk), act=act)


def access_round(viewer, pk, *, act: str = MANAGE) -> RecruitmentRound:
    return reach(viewer, lambda: selectors.round_detail(pk), act=act)


def access_application(viewer, pk, *, act: str | None = None) -> Application:
    return reach(
        viewer,
        lambda: selectors.application_detail(pk),
        see="recruitment.view_application",
        act=act,
    )
