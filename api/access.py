"""Fetch and authorise API clients for the administrator's pages (pathway.access.reach)."""

from __future__ import annotations

from api import selectors
from pathway.access import reach


def access_api_client(viewer, pk):
    return reach(viewer, lambda: selectors.api_client_by_pk(pk), act="api.manage_clients")
