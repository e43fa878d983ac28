"""Fetch-and-authorise for governance pages (pathway/access.py's policy)."""

from __future__ import annotations

from pathway.access import reach
from pathway.models import User
from pathway.selectors import person_by_pk


def access_person_to_erase(viewer, pk) -> User:
    """Anyone but the administrator gets 403 (erasure is theirs); an unknown person 404."""
    return reach(viewer, lambda: person_by_pk(pk), act="governance.erase_person")
