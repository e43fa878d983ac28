"""Fetch-and-authorise for the off-the-job hours pages (pathway/access.py's policy): an
apprentice's hours are private, so someone with no part in them gets 404 (as for a record);
someone who may see them but not do this gets 403."""

from __future__ import annotations

from apprenticeships.selectors import hours as selectors
from pathway.access import reach

SEE = "apprenticeships.view_hours"


def access_apprenticeship(viewer, pk, *, act: str | None = None):
    return reach(viewer, lambda: selectors.apprenticeship_by_pk(pk), see=SEE, act=act)


def access_entry(viewer, pk, *, act: str = "apprenticeships.decide_hours"):
    return reach(
        viewer,
        lambda: selectors.entry_by_pk(pk),
        see=SEE,
        within=lambda entry: entry.apprenticeship,
        act=act,
    )


def access_break(viewer, pk, *, act: str = "apprenticeships.approve_break"):
    return reach(
        viewer,
        lambda: selectors.break_by_pk(pk),
        see=SEE,
        within=lambda a_break: a_break.apprenticeship,
        act=act,
    )


def access_cohort(viewer, pk, *, act: str = "apprenticeships.view_cohort_hours"):
    return reach(viewer, lambda: selectors.cohort_by_pk(pk), act=act)
