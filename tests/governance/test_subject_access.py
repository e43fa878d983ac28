"""Subject access (issue #20, part 3): everything held about a person, as one archive."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies import services as competency_services
from competencies.models import Evidence
from evaluation.models import Answer
from governance import services, subject_access
from governance.jobs import SUBJECT_ACCESS
from pathway.jobs import job_run
from pathway.models import BackgroundJob, RecordAccess
from tests import factories
from tests.evaluation.helpers import answer

pytestmark = pytest.mark.django_db

EVERY_CATEGORY = {
    "details",
    "allocations",
    "training_records",
    "practice",
    "sign_offs",
    "evidence",
    "programme",
    "reviews",
    "questionnaires",
    "notifications",
    "recruitment",
    "funding",
    "outcomes",
    "support",
    "competence_views",
    "audit_history",
    "access_log",
}


def _open(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def _records(data, category, part):
    return data["categories"][category]["parts"][part]["records"]


def test_the_archive_holds_every_category_for_a_rich_person(rich):
    result = services.subject_access_request(actor=rich.administrator, person=rich.trainee)
    archive = _open(result.archive.content)
    data = json.loads(archive.read("data.json"))
    assert data["format"] == subject_access.FORMAT
    assert data["person"]["name"] == "Rita Rich"
    assert data["requested_by"]["name"] == "Adam Admin"
    assert set(data["categories"]) == EVERY_CATEGORY
    empty = {
        key
        for key, category in data["categories"].items()
        if not any(part["records"] for part in category["parts"].values())
    }
    # Funding is about cohorts, never one person; everything else is held about Rita.
    assert empty == {"funding"}
    person = _records(data, "details", "person")[0]
    assert person["full_name"] == "Rita Rich" and "password" not in person
    assert "Trainee" in person["roles"]
    assert {"Evidence reflection.pdf", "Evidence chart photo.png"} == {
        e["title"] for e in _records(data, "evidence", "evidence")
    }
    received = _records(data, "sign_offs", "received")
    assert received[0]["assessor"]["name"] == rich.mentor.full_name
    answers = _records(data, "questionnaires", "answers")
    assert "More time with my mentor" in [a["text"] for a in answers]
    assert _records(data, "access_log", "access_log")[0]["viewer"]["name"] == "Adam Admin"
    assert any(row["kind"] == "Person" for row in _records(data, "audit_history", "audit_history"))


def test_the_evidence_files_are_byte_identical(rich):
    result = services.subject_access_request(actor=rich.trainee, person=rich.trainee)
    archive = _open(result.archive.content)
    data = json.loads(archive.read("data.json"))
    by_title = {e["title"]: e["file_in_archive"] for e in _records(data, "evidence", "evidence")}
    for name, content in rich.evidence_files.items():
        assert archive.read(by_title[f"Evidence {name}"]) == content
    assert result.archive.files == 2


def test_the_summary_is_readable_html_with_a_heading_per_category(rich):
    result = services.subject_access_request(actor=rich.trainee, person=rich.trainee)
    html = _open(result.archive.content).read("summary.html").decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "<link" not in html and "<script" not in html  # self-contained
    for category in subject_access.CATEGORIES:
        assert f'<h2 id="{category.key}">{category.title}</h2>' in html
    assert "More time with my mentor" in html and "Lena Lead" in html
    readme = _open(result.archive.content).read("README.txt").decode()
    assert "file_in_archive" in readme


def test_anonymous_answers_are_never_in_the_archive(db):
    issue, (trainee,), _mentor = factories.issued_questionnaire(trainees=1, anonymous=True)
    answer(issue, trainee, likert=2, single=1, text="An anonymous secret")
    assert Answer.objects.filter(text="An anonymous secret").exists()
    result = services.subject_access_request(actor=trainee, person=trainee)
    archive = _open(result.archive.content)
    assert b"An anonymous secret" not in archive.read("data.json")
    assert b"An anonymous secret" not in archive.read("summary.html")


def test_every_request_is_kept_in_the_access_log(rich):
    services.subject_access_request(actor=rich.trainee, person=rich.trainee)
    services.subject_access_request(actor=rich.administrator, person=rich.trainee)
    asked = RecordAccess.objects.filter(kind=RecordAccess.Kind.SUBJECT_ACCESS).order_by("id")
    assert [(a.viewer_id, a.subject_id) for a in asked] == [
        (rich.trainee.pk, rich.trainee.pk),
        (rich.administrator.pk, rich.trainee.pk),
    ]


@pytest.mark.parametrize("who", ["mentor", "tutor", "lead_nurse"])
def test_only_the_administrator_or_the_person_may_ask(rich, who):
    with pytest.raises(PermissionDenied):
        services.subject_access_request(actor=getattr(rich, who), person=rich.trainee)
    other = factories.TraineeFactory()
    with pytest.raises(PermissionDenied):
        services.subject_access_request(actor=other, person=rich.trainee)
    assert not RecordAccess.objects.filter(kind=RecordAccess.Kind.SUBJECT_ACCESS).exists()


def test_a_deactivated_administrator_is_refused(rich):
    rich.administrator.is_active = False
    rich.administrator.save()
    with pytest.raises(PermissionDenied):
        services.subject_access_request(actor=rich.administrator, person=rich.trainee)


def _queries(person, actor) -> int:
    with CaptureQueriesContext(connection) as captured:
        subject_access.build_archive(person=person, requested_by=actor)
    return len(captured)


def test_the_archive_takes_the_same_queries_however_much_is_held(rich):
    before = _queries(rich.trainee, rich.administrator)
    record = rich.trainee.enrolments.get().record
    competency = record.progress.first().competency
    for number in range(5):
        competency_services.practice_log(
            actor=rich.trainee,
            record=record,
            competencies=[competency],
            practised_on=timezone.localdate(),
            supervisor_name="Sam",
            activity=f"Practice {number}",
        )
    added = 3
    for number in range(added):
        competency_services.evidence_add(
            actor=rich.trainee,
            record=record,
            competencies=[competency],
            kind="reflective_account",
            title=f"Reflection {number}",
            text="What I learned",
        )
    competency_services.evidence_add(
        actor=rich.trainee,
        record=record,
        competencies=[competency],
        kind="file",
        title="One more file",
        upload=SimpleUploadedFile("more.pdf", rich.evidence_files["reflection.pdf"]),
    )
    assert _queries(rich.trainee, rich.administrator) == before


def test_a_large_record_is_made_in_the_background(rich, settings):
    settings.PATHWAY_SUBJECT_ACCESS_IN_BACKGROUND_OVER = 1
    result = services.subject_access_request(actor=rich.administrator, person=rich.trainee)
    assert result.archive is None and result.job.kind == SUBJECT_ACCESS
    assert job_run(job_id=result.job.pk)
    job = BackgroundJob.objects.get(pk=result.job.pk)
    assert job.status == BackgroundJob.Status.DONE
    with job.result.open("rb") as stored:
        archive = _open(stored.read())
    content = rich.evidence_files["reflection.pdf"]
    names = [n for n in archive.namelist() if n.endswith("reflection.pdf")]
    assert archive.read(names[0]) == content


def test_the_background_job_checks_again_when_it_runs(rich, settings):
    settings.PATHWAY_SUBJECT_ACCESS_IN_BACKGROUND_OVER = 1
    result = services.subject_access_request(actor=rich.administrator, person=rich.trainee)
    rich.administrator.roles.clear()
    job_run(job_id=result.job.pk)
    job = BackgroundJob.objects.get(pk=result.job.pk)
    assert job.status == BackgroundJob.Status.FAILED and not job.result


# Pages -----------------------------------------------------------------------------------------


def test_the_administrator_finds_the_person_and_downloads_their_archive(client, rich):
    client.force_login(rich.administrator)
    page = client.get(reverse("governance:subject_access"), {"q": "rita"})
    assert "Rita Rich" in page.content.decode()
    produce = reverse("governance:subject_access_produce", args=[rich.trainee.pk])
    assert produce in page.content.decode()
    response = client.post(produce)
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "data.json" in _open(response.content).namelist()


def test_the_administrator_page_lists_nobody_until_asked(client, rich):
    client.force_login(rich.administrator)
    page = client.get(reverse("governance:subject_access"))
    assert "Rita Rich" not in page.content.decode()


def test_a_large_archive_sends_the_asker_to_its_progress_page(client, rich, settings):
    settings.PATHWAY_SUBJECT_ACCESS_IN_BACKGROUND_OVER = 1
    client.force_login(rich.trainee)
    response = client.post(reverse("governance:my_data"))
    job = BackgroundJob.objects.get(started_by=rich.trainee)
    assert response.status_code == 302 and response["Location"] == reverse(
        "pathway:job_detail", args=[job.pk]
    )


def test_a_person_downloads_their_own_archive(client, rich):
    client.force_login(rich.trainee)
    assert "Download your archive" in client.get(reverse("governance:my_data")).content.decode()
    response = client.post(reverse("governance:my_data"))
    data = json.loads(_open(response.content).read("data.json"))
    assert data["person"]["id"] == rich.trainee.pk


def test_a_supporter_may_not_use_the_administrators_page(client, rich):
    client.force_login(rich.lead_nurse)
    assert client.get(reverse("governance:subject_access")).status_code == 403
    produce = reverse("governance:subject_access_produce", args=[rich.trainee.pk])
    assert client.post(produce).status_code == 403
    assert not RecordAccess.objects.filter(kind=RecordAccess.Kind.SUBJECT_ACCESS).exists()


def test_an_unknown_person_is_404(client, rich):
    client.force_login(rich.administrator)
    produce = reverse("governance:subject_access_produce", args=[999999])
    assert client.post(produce).status_code == 404
    assert Evidence.objects.count() == 2


def test_a_file_no_longer_held_is_said_so_and_the_rest_is_given(rich):
    evidence = Evidence.objects.filter(original_filename="reflection.pdf").get()
    evidence.file.storage.delete(evidence.file.name)
    result = services.subject_access_request(actor=rich.trainee, person=rich.trainee)
    archive = _open(result.archive.content)
    data = json.loads(archive.read("data.json"))
    by_title = {e["title"]: e["file_in_archive"] for e in _records(data, "evidence", "evidence")}
    assert by_title["Evidence reflection.pdf"] is None
    assert (
        archive.read(by_title["Evidence chart photo.png"])
        == (rich.evidence_files["chart photo.png"])
    )
    assert "Could not be read" in archive.read("summary.html").decode()


def test_a_storage_fault_asks_to_try_again(client, rich):
    evidence = Evidence.objects.filter(original_filename="reflection.pdf").get()
    storage = evidence.file.storage
    storage.delete(evidence.file.name)
    # A folder where the file should be: reading it fails, as an unreachable storage does.
    Path(storage.path(evidence.file.name)).mkdir(parents=True)
    client.force_login(rich.trainee)
    response = client.post(reverse("governance:my_data"))
    assert response.status_code == 503
    assert "try again in a few minutes" in response.content.decode()


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (factories.PracticeEducatorFactory, "practice_educator"),
        (factories.ManagerFactory, "manager"),
    ],
)
def test_her_educator_and_manager_may_not_ask_either(rich, make, kind):
    supporter = make()
    factories.AllocationFactory(trainee=rich.trainee, supporter=supporter, kind=kind)
    assert supporter.has_perm("pathway.view_person", rich.trainee)  # they do support her
    with pytest.raises(PermissionDenied):
        services.subject_access_request(actor=supporter, person=rich.trainee)
