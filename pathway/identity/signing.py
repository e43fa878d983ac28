"""Signing a record by signing in to the NHS account again: the decision waits in the session.

The mentor fills in the decision and chooses "Sign with your NHS account". The decision is
kept here, server-side in the session (never in an address), under a random token; the
provider is asked to sign the person in afresh (prompt=login, max_age=0); its callback stores
the new ID token with the decision and sends the browser back to the page, which posts the
token alone. `signing_data` puts the kept decision back in place of the post, and the form's
signature carries the ID token to pathway.signatures, which checks it and that the statement
it was asked for is the one being signed now.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.http import QueryDict

from pathway.identity import oidc

PENDING_KEY = "pathway.identity.pending_signatures"
PENDING_SECONDS = 900
PENDING_KEPT = 3
RESUME_FIELD = "signature_resume"
# Never kept: the CSRF token, secrets, and how the signature was asked for.
NOT_KEPT = {"csrfmiddlewaretoken", "password", "passkey_response", "sign_with", RESUME_FIELD}
MOST_KEPT_CHARACTERS = 60_000


@dataclass(frozen=True)
class PendingSignature:
    token: str
    person_id: int
    statement: str
    data: dict
    return_to: str
    started: float
    nonce: str = ""
    id_token: str = ""
    error: str = ""


def _entries(session) -> dict:
    now = time.time()
    return {
        token: entry
        for token, entry in (session.get(PENDING_KEY) or {}).items()
        if isinstance(entry, dict) and now - entry.get("started", 0) < PENDING_SECONDS
    }


def _from(token: str, entry: dict) -> PendingSignature:
    return PendingSignature(token=token, **entry)


def sso_signing_start(request, *, statement: str, data, return_to: str) -> str:
    """Keep the decision and return the provider's address for a fresh sign-in."""
    kept = {
        name: [value[:MOST_KEPT_CHARACTERS] for value in data.getlist(name)][:20]
        for name in list(data.keys())[:40]
        if name not in NOT_KEPT
    }
    token = secrets.token_urlsafe(24)
    entries = _entries(request.session)
    entries[token] = {
        "person_id": request.user.pk,
        "statement": statement,
        "data": kept,
        "return_to": return_to,
        "started": time.time(),
    }
    ordered = sorted(entries.items(), key=lambda item: item[1]["started"])
    request.session[PENDING_KEY] = dict(ordered[-PENDING_KEPT:])
    return oidc.authorisation_url(
        request.session,
        purpose="sign",
        extra={"pending": token},
        prompt="login",
        max_age=0,
        login_hint=request.user.email,
    )


def sso_signing_returned(session, token: str, *, nonce="", id_token="", error="") -> str | None:
    """Store what the provider answered with the kept decision; returns where to go back to
    (None when the decision is no longer kept)."""
    entries = _entries(session)
    entry = entries.get(token)
    if entry is None:
        return None
    entry.update(nonce=nonce, id_token=id_token, error=error)
    session[PENDING_KEY] = entries
    return entry["return_to"]


def pending_peek(request, token) -> PendingSignature | None:
    if not isinstance(token, str) or not request.user.is_authenticated:
        return None
    entry = _entries(request.session).get(token)
    if entry is None or entry["person_id"] != request.user.pk:
        return None
    return _from(token, entry)


def pending_take(request, token) -> PendingSignature | None:
    """The kept decision and the provider's answer, taken out of the session: used once."""
    pending = pending_peek(request, token)
    entries = _entries(request.session)
    entries.pop(token, None) if isinstance(token, str) else None
    request.session[PENDING_KEY] = entries
    return pending


def signing_data(request):
    """What a signing page's form is bound to: the post, or, when it comes back from signing
    in to the NHS account again, the decision kept for it (None on a GET)."""
    if request.method != "POST":
        return None
    token = request.POST.get(RESUME_FIELD)
    pending = pending_peek(request, token) if token else None
    if pending is None or pending.return_to != request.path:
        return request.POST
    data = QueryDict(mutable=True)
    for name, values in pending.data.items():
        data.setlist(name, values)
    data[RESUME_FIELD] = token
    return data
