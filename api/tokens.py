"""Bearer tokens: `pw_<prefix>_<secret>`. The prefix finds the client; the secret, 256 random
bits, is checked against a SHA-256 hash (a slow password hash buys nothing for a random key of
that length, and every request pays it)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare

SCHEME = "pw"
PREFIX_CHARS = 10


@dataclass(frozen=True)
class NewToken:
    token: str
    prefix: str
    hash: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_new() -> NewToken:
    prefix = secrets.token_hex(PREFIX_CHARS // 2)
    token = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(token=token, prefix=prefix, hash=token_hash(token))


def token_prefix(token: str) -> str | None:
    """The lookup prefix of something that looks like one of our tokens, else None."""
    scheme, _, rest = token.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or len(prefix) != PREFIX_CHARS or not secret or len(token) > 200:
        return None
    return prefix


def token_matches(token: str, stored_hash: str) -> bool:
    return constant_time_compare(token_hash(token), stored_hash)
