"""Evidence uploads: size limit, type by content, stored privately, served only with permission."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies import services
from competencies.models import Evidence
from competencies.uploads import check_upload
from tests import factories

pytestmark = pytest.mark.django_db
FILES = Path(__file__).resolve().parents[1] / "fixtures" / "evidence"


def _upload(name, content=None, *, as_name=None):
    data = content if content is not None else (FILES / name).read_bytes()
    return SimpleUploadedFile(as_name or name, data)


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("reflection.pdf", "application/pdf"),
        ("chart-photo.png", "image/png"),
        (
            "witness-statement.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_real_files_of_allowed_types_pass(name, mime):
    assert check_upload(_upload(name)) == mime


def test_type_is_judged_by_content_not_name():
    with pytest.raises(ValidationError, match="must be a PDF"):
        check_upload(_upload("script-pretending.pdf"))
    with pytest.raises(ValidationError, match="must be a PDF"):
        check_upload(_upload("archive.docx"))


def test_name_must_match_content():
    with pytest.raises(ValidationError, match="not that kind of file"):
        check_upload(_upload("reflection.pdf", as_name="reflection.png"))


def test_size_limit(settings):
    settings.PATHWAY_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="smaller than"):
        check_upload(_upload("reflection.pdf"))
    with pytest.raises(ValidationError, match="empty"):
        check_upload(_upload("empty.pdf", b""))


def test_evidence_page_upload_stores_privately_and_downloads_with_permission(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    client.force_login(record.trainee)
    response = client.post(
        reverse("competencies:evidence_add", args=[record.pk]),
        {
            "kind": "file",
            "title": "Fluid balance audit",
            "competencies": [competency.pk],
            "upload": _upload("reflection.pdf"),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_filename == "reflection.pdf"
    assert "reflection" not in evidence.file.name  # stored under an unguessable name
    url = reverse("competencies:evidence_download", args=[evidence.uuid])

    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert 'attachment; filename="reflection.pdf"' in download["Content-Disposition"]

    client.force_login(mentor)
    assert client.get(url).status_code == 200
    for stranger in (
        factories.TraineeFactory(),
        factories.MentorFactory(),
        factories.TutorFactory(),
    ):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_bad_upload_on_the_page_shows_the_reason_and_saves_nothing(client):
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    client.force_login(record.trainee)
    response = client.post(
        reverse("competencies:evidence_add", args=[record.pk]),
        {
            "kind": "file",
            "title": "My chart",
            "competencies": [competency.pk],
            "upload": _upload("script-pretending.pdf"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "must be a PDF" in html
    assert 'value="My chart"' in html
    assert Evidence.objects.count() == 0


def test_witness_statement_needs_a_witness():
    record, _mentor, (competency, *_) = factories.enrolled_trainee()
    with pytest.raises(ValidationError, match="name of the witness"):
        services.evidence_add(
            actor=record.trainee,
            record=record,
            competencies=[competency],
            kind="witness_statement",
            title="Statement",
            text="Saw it done well",
        )
    assert Evidence.objects.count() == 0
