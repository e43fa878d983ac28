"""Static files put inside the page rather than linked, and their Content Security Policy hashes.

A linked stylesheet, or a script at the top of <body>, blocks the first paint for a round trip
or more, which on a phone on slow Wi-Fi is most of the wait (docs/performance.md, "On a
phone"). The styles every page needs (the NHS.UK stylesheet purged of what Pathway never uses,
pathway/staticbuild.py, and pathway.css) and the one-line script that marks the page as
scripted go inside the page. The policy stays strict, with no 'unsafe-inline': it allows
exactly these texts by their SHA-256 hashes (pathway.middleware.CSPMiddleware), so injected
markup still cannot style or script the page.

Only the files named here can be put inline, so every one that is has its hash in the policy.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

from pathway.memo import remembered
from pathway.staticbuild import PURGED_STYLESHEET, ensure_built

STYLES = (PURGED_STYLESHEET, "css/pathway.css")
SCRIPTS = ("js/js-enabled.js",)
# What the file holds ends the element: refused rather than put in the page.
CLOSING_TAG = re.compile(r"</(style|script)", re.IGNORECASE)
# Comments are for whoever edits the file, not for every page: a stylesheet's /* ... */ and a
# script's // lines at its top go.
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
LEADING_JS_COMMENTS = re.compile(r"\A(?:\s*//[^\n]*\n)+")
# A stylesheet's few characters beyond ASCII (the NHS.UK one has two no-break spaces) are
# written as CSS escapes, which mean the same: a page of ASCII alone is then ASCII throughout,
# and Python encodes its ~150 kB for the response in microseconds rather than ~0.14 ms.
NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _read(name: str) -> str:
    """The file as production serves it: collected and post-processed (an icon the stylesheet
    names has its hashed name) where the storage keeps a manifest, else found in the source
    folders and the build (`make run`, the tests)."""
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        with staticfiles_storage.open(staticfiles_storage.stored_name(name)) as file:
            return file.read().decode()
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(f"{name} is not among the static files (run `make install`)")
    return Path(found).read_text()


def _text(name: str) -> str:
    if name not in STYLES + SCRIPTS:
        raise ValueError(f"{name} is not one of the files Pathway puts inline")
    text = _read(name)
    if name.endswith(".css"):
        text = CSS_COMMENT.sub("", text)
        text = NOT_ASCII.sub(lambda match: f"\\{ord(match.group()):06x}", text)
    else:
        text = LEADING_JS_COMMENTS.sub("", text)
    text = text.strip()
    if CLOSING_TAG.search(text):
        raise ValueError(f"{name} holds a closing </style> or </script>: it cannot go inline")
    return text


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


@functools.cache
def _cached(name: str) -> str:
    return _text(name)


def inline_text(name: str) -> str:
    """The file's text as it goes in the page. Read once a process; with DEBUG on (`make run`)
    rebuilt when stale and read again once a request, so an edited template or stylesheet
    shows on the next page."""
    if settings.DEBUG:
        remembered(("inline_assets", "built"), ensure_built)
        return remembered(("inline_assets", name), lambda: _text(name))
    return _cached(name)


def _policy_hashes() -> dict[str, list[str]]:
    return {
        "style-src": [csp_hash(inline_text(name)) for name in STYLES],
        "script-src": [csp_hash(inline_text(name)) for name in SCRIPTS],
    }


@functools.cache
def _cached_policy_hashes() -> dict[str, tuple[str, ...]]:
    return {directive: tuple(hashes) for directive, hashes in _policy_hashes().items()}


def policy_hashes() -> dict[str, list[str]]:
    """The hashes to add to the policy's style-src and script-src: worked out once a process,
    as the texts are read once (hashing the ~140 kB of styles cost every page a tenth of a
    millisecond); with DEBUG on, from the texts of this request."""
    if settings.DEBUG:
        return _policy_hashes()
    return {directive: list(hashes) for directive, hashes in _cached_policy_hashes().items()}
