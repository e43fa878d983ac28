"""Fetch and authorise together for role design pages (pathway/access.py `reach`, ADR 6)."""

from __future__ import annotations

from pathway.access import reach
from roledesign import selectors


def access_competence_person(viewer, pk):
    """The trainee or assistant practitioner whose current competence the viewer may read:
    404 for anyone else, so that nobody learns who is training or what they hold."""
    return reach(
        viewer, lambda: selectors.competence_person(pk), see="roledesign.view_current_competence"
    )


def access_ward(viewer, pk):
    """A clinical area whose "who can do this now" the viewer may read: a ward is not private,
    so a viewer from another ward gets 403."""
    return reach(viewer, lambda: selectors.clinical_area(pk), act="roledesign.view_ward_competence")
