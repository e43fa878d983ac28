"""Evidence files in Azure Blob Storage (ADR 0025), against a real Azurite (tests/azurite.py):
uploaded and downloaded through the usual pages, checked by /readyz, a storage that cannot be
reached answered with "try again", and the command that moves the folder's files across."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from azure.storage.blob import BlobServiceClient
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from competencies.models import Evidence
from pathway.settings import azure_blob_storage
from tests import factories
from tests.azurite import Azurite

pytestmark = pytest.mark.django_db
PDF = (
    Path(__file__).resolve().parents[1] / "fixtures" / "evidence" / "reflection.pdf"
).read_bytes()


def _upload(client, record, competency, title="Fluid balance audit"):
    return client.post(
        reverse("competencies:evidence_add", args=[record.pk]),
        {
            "kind": "file",
            "title": title,
            "competencies": [competency.pk],
            "upload": SimpleUploadedFile("audit.pdf", PDF),
        },
    )


def _blob(storage, name: str) -> bytes:
    service = BlobServiceClient.from_connection_string(storage.connection_string)
    return service.get_blob_client(storage.azure_container, name).download_blob().readall()


def test_evidence_is_stored_in_blob_storage_and_downloaded_only_by_those_who_may(
    client, blob_storage, settings
):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    client.force_login(record.trainee)

    assert _upload(client, record, competency).status_code == 302

    evidence = Evidence.objects.get()
    assert _blob(blob_storage, evidence.file.name) == PDF  # in the container itself
    assert not (Path(settings.MEDIA_ROOT) / evidence.file.name).exists()  # not on this disk
    url = reverse("competencies:evidence_download", args=[evidence.uuid])
    for permitted in (record.trainee, mentor):
        client.force_login(permitted)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="audit.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(factories.TraineeFactory())
    refused = client.get(url)
    assert refused.status_code in {403, 404}
    assert PDF not in refused.content


def test_ready_checks_blob_storage(client, blob_storage):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == "ok"
    assert list(blob_storage.client.list_blob_names()) == []  # the probe cleans up after itself


def test_when_blob_storage_stops_ready_fails_uploads_are_refused_and_downloads_say_try_again(
    client, settings, tmp_path
):
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    client.force_login(record.trainee)
    with Azurite(tmp_path) as azurite:
        settings.STORAGES = {
            **settings.STORAGES,
            # Without the SDK's retry, so that each refused call fails at once: this test is
            # about what Pathway says when Blob Storage is gone, not about retrying.
            "default": azure_blob_storage(
                container="evidence", connection_string=azurite.connection_string, retries=0
            ),
        }
        default_storage.container_create()
        assert _upload(client, record, competency).status_code == 302
        evidence = Evidence.objects.get()
    # Stopped: nothing listens on its port any more.

    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["storage"] == "failed"

    refused = _upload(client, record, competency, title="Second audit")
    assert refused.status_code == 200
    assert "Your file could not be saved. Nothing has been saved." in refused.content.decode()
    assert Evidence.objects.count() == 1

    download = client.get(reverse("competencies:evidence_download", args=[evidence.uuid]))
    assert download.status_code == 503
    assert "The file cannot be fetched at the moment" in download.content.decode()


def _folder_with_files(tmp_path) -> tuple[Path, dict[str, bytes]]:
    folder = tmp_path / "media"
    files = {
        "evidence/1/2026/11/0b6e1c1e-aaaa-4bbb-8ccc-000000000001": PDF,
        "evidence/2/2026/12/0b6e1c1e-aaaa-4bbb-8ccc-000000000002": b"\x89PNG not really" * 999,
        "exports/cohort-3.csv": b"Name,Email\nSam,sam@nhs.net\n",
    }
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return folder, files


def _move(folder, *options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "move_files_to_storage", "--from", str(folder), *options, stdout=out, stderr=err
        )
    finally:
        out.seek(0), err.seek(0)
    return out.getvalue(), err.getvalue()


def test_moving_the_folder_copies_and_verifies_each_file_and_a_rerun_changes_nothing(
    blob_storage, tmp_path
):
    folder, files = _folder_with_files(tmp_path)

    out, _ = _move(folder)

    assert "3 files in the folder: 3 copied and verified, 0 already there and verified" in out
    assert {name: _blob(blob_storage, name) for name in files} == files
    assert all((folder / name).exists() for name in files)  # kept without --delete-source

    again, _ = _move(folder)
    assert "3 files in the folder: 0 copied and verified, 3 already there and verified" in again
    assert sorted(blob_storage.client.list_blob_names()) == sorted(files)


def test_a_stored_copy_that_differs_is_reported_and_its_source_kept(blob_storage, tmp_path):
    folder, files = _folder_with_files(tmp_path)
    _move(folder)
    corrupted = "evidence/1/2026/11/0b6e1c1e-aaaa-4bbb-8ccc-000000000001"
    blob_storage.client.upload_blob(corrupted, PDF[:-1] + b"X", overwrite=True)

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 files were not moved"):
        call_command(
            "move_files_to_storage",
            "--from",
            str(folder),
            "--delete-source",
            stdout=out,
            stderr=err,
        )

    assert f"MISMATCH {corrupted}" in err.getvalue()
    assert "0 copied and verified, 2 already there and verified, 1 differ" in out.getvalue()
    assert "2 deleted from the folder" in out.getvalue()
    assert (folder / corrupted).read_bytes() == PDF  # the source of the mismatch is kept
    assert [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()] == [
        corrupted
    ]
    assert _blob(blob_storage, corrupted) == PDF[:-1] + b"X"  # and the stored copy left for a look


def test_moving_refuses_when_the_default_storage_is_the_folder_itself():
    with pytest.raises(CommandError, match="The default storage is this folder"):
        call_command("move_files_to_storage")
