"""Evidence uploads when the file store cannot take the file (a full disk, a failing disk):
the form again with the reason in the error summary, and nothing half-written (no row, no
part of a file). Once there is space again, the same upload works, without a restart."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies import services
from competencies.models import Evidence
from tests import factories

pytestmark = pytest.mark.django_db
PDF = (
    Path(__file__).resolve().parents[1] / "fixtures" / "evidence" / "reflection.pdf"
).read_bytes()
FULL = "the space for evidence files is full"


def _files_in(folder: Path, *, besides=()) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p not in besides]


def _store_evidence_in(
    settings, folder: Path, backend="django.core.files.storage.FileSystemStorage"
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": backend, "OPTIONS": {"location": str(folder)}},
    }


def _post_upload(client, record, competency, title="Fluid balance audit"):
    return client.post(
        reverse("competencies:evidence_add", args=[record.pk]),
        {
            "kind": "file",
            "title": title,
            "competencies": [competency.pk],
            "upload": SimpleUploadedFile("audit.pdf", PDF),
        },
    )


@pytest.fixture
def full_folder(tmp_path):
    """A really full folder: a 64KB tmpfs filled to the last byte. Mounting needs root (as on
    CI's machine); elsewhere the storage tests below still cover the behaviour."""
    folder = tmp_path / "evidence-store"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small folder here (needs root): {mounted.stderr!r}")
    filler = folder / "filler"
    try:
        with filler.open("wb") as out:
            while True:
                out.write(b"\0" * 4096)
                out.flush()
    except OSError as error:
        assert error.errno == errno.ENOSPC
    try:
        yield folder, filler
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_gives_the_form_with_the_reason_and_writes_nothing(
    client, settings, full_folder
):
    folder, filler = full_folder
    _store_evidence_in(settings, folder)
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    client.force_login(record.trainee)

    response = _post_upload(client, record, competency)

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and FULL in html
    assert 'value="Fluid balance audit"' in html
    assert Evidence.objects.count() == 0
    assert _files_in(folder, besides={filler}) == []

    filler.unlink()  # space again: the same upload now works, with no restart
    response = _post_upload(client, record, competency)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (folder / evidence.file.name).read_bytes() == PDF


class FailsPartWay(FileSystemStorage):
    """A disk that fills up while the file is written: some bytes land, then ENOSPC (or,
    with `error`, another failure of the disk)."""

    error = errno.ENOSPC

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.read(16))
        raise OSError(self.error, os.strerror(self.error))


class FailingDisk(FailsPartWay):
    error = errno.EIO


def test_a_disk_that_fills_while_writing_leaves_no_part_of_the_file(client, settings, tmp_path):
    _store_evidence_in(settings, tmp_path, f"{__name__}.FailsPartWay")
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    client.force_login(record.trainee)

    response = _post_upload(client, record, competency)

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and FULL in html
    assert Evidence.objects.count() == 0
    assert _files_in(tmp_path) == []


def test_another_disk_failure_is_explained_too(client, settings, tmp_path):
    _store_evidence_in(settings, tmp_path, f"{__name__}.FailingDisk")
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    client.force_login(record.trainee)

    html = _post_upload(client, record, competency).content.decode()

    assert "Your file could not be saved. Nothing has been saved." in html
    assert Evidence.objects.count() == 0
    assert _files_in(tmp_path) == []


def test_a_refused_row_leaves_no_stored_file(settings, tmp_path):
    # The file is stored before the row; when the row is refused, the file goes too.
    _store_evidence_in(settings, tmp_path)
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    with pytest.raises(ValidationError):
        services.evidence_add(
            actor=record.trainee,
            record=record,
            competencies=[competency],
            kind="file",
            title="x" * 201,  # longer than the model allows
            upload=SimpleUploadedFile("audit.pdf", PDF),
        )
    assert Evidence.objects.count() == 0
    assert _files_in(tmp_path) == []
