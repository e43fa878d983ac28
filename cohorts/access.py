"""Fetch-and-authorise for cohorts and enrolments (pathway/access.py's policy)."""

from __future__ import annotations

from cohorts.models import Cohort
from cohorts.selectors import cohorts as selectors
from pathway.access import reach


def access_cohort(viewer, pk, *, act: str = "cohorts.view_cohort") -> Cohort:
    """A cohort is not private: anyone without `act` on it gets 403, a missing one 404."""
    return reach(viewer, lambda: selectors.cohort_by_pk(pk), act=act)
