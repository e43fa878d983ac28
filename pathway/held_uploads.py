"""An uploaded file held between an import's preview and its confirmation, so that the person
sees what would be imported before anything is written, and the file is not uploaded twice
(the framework import, the ESR staff import).

The file is written to a private directory (PATHWAY_IMPORT_HOLD_DIR, else a directory in the
system's temporary directory) under a random token; the person's session holds the token with
the file's name and layout, per kind of import, so only the session that uploaded it can
confirm it. A file is held for HOLD_SECONDS at most: every new upload removes those older. Its
size was checked on upload (the import's limit, checked again here), and a session holds at
most HOLD_PER_SESSION files of each kind.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from pathway import spreadsheets

SESSION_KEY = "held_uploads"
HOLD_SECONDS = 60 * 60
HOLD_PER_SESSION = 3
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class HeldFile:
    token: str
    name: str
    format: str
    path: Path

    def read(self) -> bytes:
        return self.path.read_bytes()


def _directory() -> Path:
    configured = getattr(settings, "PATHWAY_IMPORT_HOLD_DIR", "")
    directory = Path(configured or Path(tempfile.gettempdir()) / "pathway-framework-imports")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _remove_old(directory: Path) -> None:
    cutoff = time.time() - HOLD_SECONDS
    for held in directory.glob("*.upload"):
        try:
            if held.stat().st_mtime < cutoff:
                held.unlink()
        except FileNotFoundError:
            pass  # another request removed it first


def _entries(session, kind: str) -> dict:
    return dict(session.get(SESSION_KEY, {}).get(kind, {}))


def _save(session, kind: str, entries: dict) -> None:
    kinds = dict(session.get(SESSION_KEY, {}))
    kinds[kind] = entries
    session[SESSION_KEY] = kinds


def hold(session, upload, *, kind: str, format: str, limits_use: str) -> str:
    """Keep an uploaded file for the preview of a `kind` of import; returns its token."""
    directory = _directory()
    _remove_old(directory)
    token = secrets.token_urlsafe(24)
    limit = spreadsheets.limits(limits_use).max_bytes
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:  # the form checked the size; this keeps the promise on disk too
        raise ValueError("The file is larger than the import's limit")
    path = directory / f"{token}.upload"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    held = _entries(session, kind)
    oldest_first = sorted(held, key=lambda t: held[t]["at"])
    for old_token in oldest_first[: max(0, len(held) - HOLD_PER_SESSION + 1)]:
        held.pop(old_token)
        (directory / f"{old_token}.upload").unlink(missing_ok=True)
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
    path = _directory() / f"{token}.upload"
    if not path.is_file():
        return None
    return HeldFile(token=token, name=entry["name"], format=entry["format"], path=path)


def discard(session, token: str, *, kind: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    entries = _entries(session, kind)
    entries.pop(token, None)
    (_directory() / f"{token}.upload").unlink(missing_ok=True)
    _save(session, kind, entries)
