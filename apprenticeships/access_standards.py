"""Fetch-and-authorise for the apprenticeship set-up pages and an apprentice's pages
(pathway/access.py's policy): set-up data is not private, so a refusal is 403; an apprentice's
page is part of their training record, so someone who may not read it gets 404."""

from __future__ import annotations

from apprenticeships.selectors import coverage as selectors
from pathway.access import reach


def access_standard(viewer, pk, *, act: str = "apprenticeships.view_standards"):
    return reach(viewer, lambda: selectors.standard(pk), act=act)


def access_programme(viewer, pk, *, act: str = "apprenticeships.manage_standards"):
    return reach(viewer, lambda: selectors.programme(pk), act=act)


def access_enrolment(viewer, pk, *, act: str = "apprenticeships.manage_standards"):
    return reach(viewer, lambda: selectors.enrolment(pk), act=act)


def access_apprenticeship(viewer, pk, *, act: str | None = None):
    return reach(
        viewer,
        lambda: selectors.apprenticeship(pk),
        see="apprenticeships.view_apprenticeship",
        act=act,
    )
