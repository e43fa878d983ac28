"""Fetch-and-authorise for funding (pathway/access.py's policy).

Funding is the lead nurse's, and not private to any trainee: anyone without `act` gets 403,
and a cohort, source or cost that is not there gets 404.
"""

from __future__ import annotations

from cohorts.models import Cohort
from cohorts.selectors import cohorts as cohort_selectors
from funding import selectors
from funding.models import CostLine, FundingSource
from pathway.access import reach

MANAGE = "funding.manage"


def access_cohort(viewer, pk, *, act: str = MANAGE) -> Cohort:
    return reach(viewer, lambda: cohort_selectors.cohort_by_pk(pk), act=act)


def access_source(viewer, pk, *, act: str = MANAGE) -> FundingSource:
    return reach(viewer, lambda: selectors.source_by_pk(pk), act=act)


def access_cost(viewer, pk, *, act: str = MANAGE) -> CostLine:
    return reach(viewer, lambda: selectors.cost_by_pk(pk), act=act)
