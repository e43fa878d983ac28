"""An uploaded file held between an import's preview and its confirmation, so that the person
sees what would be imported before anything is written, and the file is not uploaded twice
(the framework import, the ESR staff import).

The file is kept in Django's file storage (the evidence folder, or Blob Storage when several
servers share the work: the confirmation may reach another server than the preview did),
under `held-uploads/` and a random token; the person's session holds the token with the file's
name and layout, per kind of import, so only the session that uploaded it can confirm it. A
file is held for HOLD_SECONDS at most: every new upload removes those older. Its size was
checked on upload (the import's limit, checked again here), and a session holds at most
HOLD_PER_SESSION files of each kind. Nothing in the storage is ever served directly.
"""

from __future__ import annotations

import datetime
import re
import secrets
import time
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from pathway import spreadsheets

SESSION_KEY = "held_uploads"
FOLDER = "held-uploads"
HOLD_SECONDS = 60 * 60
HOLD_PER_SESSION = 3
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class HeldFile:
    token: str
    name: str
    format: str
    stored_name: str

    def read(self) -> bytes:
        with default_storage.open(self.stored_name, "rb") as file:
            return file.read()


def _stored_name(token: str) -> str:
    return f"{FOLDER}/{token}.upload"


def _remove_old() -> None:
    remove_older_than(HOLD_SECONDS)


def remove_older_than(seconds: int) -> int:
    """Remove every held file older than `seconds`; how many were removed. Imports call it
    with HOLD_SECONDS; the retention job (governance) with its schedule's period."""
    cutoff = timezone.now() - datetime.timedelta(seconds=seconds)
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        stored = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(stored) < cutoff:
                default_storage.delete(stored)
                removed += 1
        except FileNotFoundError:
            pass  # another request removed it first
    return removed


def _entries(session, kind: str) -> dict:
    return dict(session.get(SESSION_KEY, {}).get(kind, {}))


def _save(session, kind: str, entries: dict) -> None:
    kinds = dict(session.get(SESSION_KEY, {}))
    kinds[kind] = entries
    session[SESSION_KEY] = kinds


def hold(session, upload, *, kind: str, format: str, limits_use: str) -> str:
    """Keep an uploaded file for the preview of a `kind` of import; returns its token."""
    _remove_old()
    token = secrets.token_urlsafe(24)
    limit = spreadsheets.limits(limits_use).max_bytes
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:  # the form checked the size; this keeps the promise on disk too
        raise ValueError("The file is larger than the import's limit")
    # A new random name: the storage would only rename a clash, never overwrite.
    default_storage.save(_stored_name(token), ContentFile(data))
    held = _entries(session, kind)
    oldest_first = sorted(held, key=lambda t: held[t]["at"])
    for old_token in oldest_first[: max(0, len(held) - HOLD_PER_SESSION + 1)]:
        held.pop(old_token)
        default_storage.delete(_stored_name(old_token))
    held[token] = {"name": spreadsheets.source_name(upload), "format": format, "at": time.time()}
    _save(session, kind, held)
    return token


def held_file(session, token: str, *, kind: str) -> HeldFile | None:
    """The file this session holds under `token` for a `kind` of import; None if it holds none
    (or it has expired)."""
    if not _TOKEN.match(token or ""):
        return None
    entry = _entries(session, kind).get(token)
    if entry is None or time.time() - entry["at"] > HOLD_SECONDS:
        return None
    if not default_storage.exists(_stored_name(token)):
        return None
    return HeldFile(
        token=token, name=entry["name"], format=entry["format"], stored_name=_stored_name(token)
    )


def discard(session, token: str, *, kind: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    entries = _entries(session, kind)
    entries.pop(token, None)
    default_storage.delete(_stored_name(token))
    _save(session, kind, entries)


def hand_over(session, token: str, *, kind: str) -> str:
    """Take the file out of the session's keeping and give its stored name to a background
    job, which deletes it once done (pathway/jobs.py). It is still removed after HOLD_SECONDS."""
    entries = _entries(session, kind)
    entries.pop(token, None)
    _save(session, kind, entries)
    return _stored_name(token)
