"""Fetch-and-authorise for the career pathway (pathway/access.py's policy).

A person's pathway history is private: whoever may not read it gets 404, so nobody learns
whose exists. Moves and stages are the lead nurse's: anyone else gets 403.
"""

from __future__ import annotations

from outcomes import selectors
from outcomes.models import PathwayMove, Stage
from pathway.access import reach
from pathway.models import User

MANAGE = "outcomes.manage"


def access_person(viewer, pk, *, act: str | None = None) -> User:
    """Someone whose pathway history the viewer may read (404 otherwise)."""
    return reach(viewer, lambda: selectors.person_by_pk(pk), see="outcomes.view_history", act=act)


def access_move(viewer, pk, *, act: str = MANAGE) -> PathwayMove:
    return reach(viewer, lambda: selectors.move_by_pk(pk), act=act)


def access_stage(viewer, pk, *, act: str = MANAGE) -> Stage:
    return reach(viewer, lambda: selectors.stage_by_pk(pk), act=act)
