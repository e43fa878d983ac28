"""The keys the sign-off ledger is hashed with (ADR 0007).

Each assessment's hash is an HMAC-SHA256 under a key held outside the database, so someone who
can write to the database and read the source still cannot forge a record or recompute a
chain. Keys come from the environment (`PATHWAY_LEDGER_KEYS`, read in settings): several may
be listed, the first signs new records, and every record names the key it was signed with, so
records keep verifying after a rotation as long as their key stays listed.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


class UnknownLedgerKey(LookupError):
    """A record names a key this server was not given."""


def current_key_id() -> str:
    return settings.PATHWAY_LEDGER_KEY_ID


def ledger_hmac(key_id: str, text: str) -> str:
    try:
        key = settings.PATHWAY_LEDGER_KEYS[key_id]
    except KeyError as missing:
        raise UnknownLedgerKey(key_id) from missing
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def text_digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()
