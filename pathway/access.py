"""Fetch and authorise together: the one place ADR 6's refusal policy is applied.

Each app's `access.py` offers `access_<thing>(viewer, key, ...)` functions built on `reach`
below. A view calls one, gets the object it may use, or the right refusal is raised for it:

- the thing does not exist: 404;
- the viewer has no part in it (the `see` permission fails): 404 too, so that nobody can learn
  that a trainee's record, a request or a piece of evidence exists;
- the viewer may see it but not do this (the `act` permission fails): 403.

Things that are not private (a cohort, a framework) name no `see` permission: anyone lacking
the `act` permission gets 403, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404

from pathway import selectors

T = TypeVar("T")


def fetch_or_404(fetch: Callable[[], T]) -> T:
    """The object `fetch` returns, or 404 when there is none (or the key cannot be one)."""
    try:
        return fetch()
    except (ObjectDoesNotExist, ValueError, OverflowError) as missing:
        raise Http404 from missing


def reach(
    viewer,
    fetch: Callable[[], T],
    *,
    see: str | None = None,
    act: str | None = None,
    within: Callable[[T], object] | None = None,
) -> T:
    """Fetch an object and apply the policy above for `viewer`. `see` is checked on what
    `within` gives (the private thing the object belongs to: a request's record), or on the
    object itself; `act` always on the object."""
    thing = fetch_or_404(fetch)
    if see is not None and not viewer.has_perm(see, within(thing) if within else thing):
        raise Http404
    if act is not None and not viewer.has_perm(act, thing):
        raise PermissionDenied
    return thing


def access_person(viewer, pk, *, act: str | None = None):
    """A person's page: private to them, the staff supporting them now, the lead nurse and the
    administrator (`pathway.view_person`); anyone else gets 404, as for a trainee's record."""
    return reach(viewer, lambda: selectors.person_by_pk(pk), see="pathway.view_person", act=act)


def require(viewer, perm: str, thing=None) -> None:
    """403 unless the viewer holds the permission (on the thing, when given)."""
    if not viewer.has_perm(perm, thing):
        raise PermissionDenied


def access_background_job(viewer, pk):
    """A background job: its starter's only; anyone else gets 404."""
    return reach(
        viewer, lambda: selectors.background_job_by_pk(pk), see="pathway.view_background_job"
    )
