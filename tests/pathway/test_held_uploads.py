"""Uploads held between an import's preview and its confirmation (pathway/held_uploads.py)."""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pathway import held_uploads


@pytest.fixture
def hold_dir(settings, tmp_path):
    """The file storage in a folder of this test's own (Blob Storage in production)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path / "held-uploads"


def upload(data=b"a,b\n"):
    return SimpleUploadedFile("file.csv", data, "text/csv")


def test_a_held_file_is_read_back_by_its_session_and_kind_only(hold_dir):
    session = {}
    token = held_uploads.hold(
        session, upload(), kind="framework", format="moodle", limits_use="framework"
    )
    held = held_uploads.held_file(session, token, kind="framework")
    assert (held.read(), held.name, held.format) == (b"a,b\n", "file.csv", "moodle")
    # In the storage under the random token, which is all a request can name.
    assert [path.name for path in hold_dir.iterdir()] == [f"{token}.upload"]
    assert held_uploads.held_file({}, token, kind="framework") is None  # another session
    assert held_uploads.held_file(session, token, kind="esr") is None  # another import
    held_uploads.discard(session, token, kind="framework")
    assert held_uploads.held_file(session, token, kind="framework") is None
    assert not list(hold_dir.iterdir())


@pytest.mark.parametrize("token", ["../../etc/passwd", "", "x" * 31, "a/b" + "x" * 29])
def test_a_token_that_is_not_one_is_refused(hold_dir, token):
    assert held_uploads.held_file({}, token, kind="framework") is None


def test_old_files_go_and_a_session_holds_a_few(hold_dir):
    session = {}
    first = held_uploads.hold(session, upload(), kind="esr", format="table", limits_use="esr")
    old = time.time() - held_uploads.HOLD_SECONDS - 1
    os.utime(hold_dir / f"{first}.upload", (old, old))
    session["held_uploads"]["esr"][first]["at"] = old
    assert held_uploads.held_file(session, first, kind="esr") is None  # expired
    tokens = [
        held_uploads.hold(session, upload(), kind="esr", format="table", limits_use="esr")
        for _ in range(held_uploads.HOLD_PER_SESSION + 1)
    ]
    assert not (hold_dir / f"{first}.upload").exists()  # removed by the next upload
    assert held_uploads.held_file(session, tokens[0], kind="esr") is None  # over the cap
    assert all(held_uploads.held_file(session, t, kind="esr") for t in tokens[1:])


def test_a_file_over_the_limit_is_not_held(hold_dir, settings):
    settings.PATHWAY_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValueError):
        held_uploads.hold({}, upload(b"x" * 11), kind="esr", format="table", limits_use="esr")
    assert not hold_dir.exists() or not list(hold_dir.iterdir())
