"""The ESR staff-extract import (issue #17): columns mapped by header, a preview, all or
nothing, people created or updated by employee number; the page and the command."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from pathway import esr
from pathway.models import User
from tests import factories

pytestmark = pytest.mark.django_db

EXTRACT = Path(__file__).resolve().parents[1] / "fixtures" / "esr" / "staff-in-post.csv"
URL = "/people/import-esr/"


@pytest.fixture
def areas(db):
    return [
        factories.ClinicalAreaFactory(code="critical-care", name="Critical care"),
        factories.ClinicalAreaFactory(code="emergency", name="Emergency department"),
    ]


def test_an_extract_creates_people_with_their_details(areas):
    result = esr.esr_import(actor=None, source=EXTRACT)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    amira = User.objects.get(employee_number="10000001")
    assert (amira.full_name, amira.email, amira.job_title, amira.band) == (
        "Amira Hassan",
        "amira.hassan@nhs.net",
        "Healthcare Support Worker",
        "3",
    )
    assert amira.clinical_area == areas[0]
    assert not amira.has_usable_password()
    assert User.objects.get(employee_number="10000002").band == "4"  # "AfC Band 4"


def test_the_preview_says_what_would_change_and_what_cannot_be_kept(areas):
    factories.UserFactory(employee_number="10000001", email="old@nhs.net", full_name="A Hassan")
    factories.UserFactory(
        employee_number="",
        email="tom.baker@nhs.net", full_name="Tom Baker", job_title="Assistant Practitioner",
        band="4", clinical_area=areas[1],
    )  # fmt: skip
    before = User.objects.count()
    preview = esr.esr_preview(actor=None, source=EXTRACT)
    assert [r.outcome for r in preview.rows] == ["Updated", "Updated", "Added"]
    assert preview.ignored_columns == ["Assignment Number", "Title", "Contracted WTE"]
    assert (4, "area 'Ward 7 (Elderly care)' is not a clinical area in Pathway, so it is not set "
            "(an administrator can add it)") in preview.not_kept  # fmt: skip
    assert User.objects.count() == before  # nothing written

    esr.esr_import(actor=None, source=EXTRACT)
    assert User.objects.get(employee_number="10000001").email == "amira.hassan@nhs.net"
    assert User.objects.get(email="tom.baker@nhs.net").employee_number == "10000002"
    again = esr.esr_preview(actor=None, source=EXTRACT)
    assert [r.outcome for r in again.rows] == ["No change"] * 3


def test_headers_in_another_order_and_an_xlsx_file(areas):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Surname", "Forename", "Work Email", "Employee No", "Grade", "Job Title"])
    sheet.append(["Nowak", "Ewa", "ewa.nowak@nhs.net", "20000001", "Band 8A", "Matron"])
    data = io.BytesIO()
    workbook.save(data)
    esr.esr_import(actor=None, source=data.getvalue())
    ewa = User.objects.get(employee_number="20000001")
    assert (ewa.full_name, ewa.band, ewa.job_title) == ("Ewa Nowak", "8a", "Matron")


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        (b"Name,Email\nA,a@nhs.net\n", [(1, "missing column 'Employee number'")]),
        (
            b"Employee Number,Full Name,Email Address,Pay Band\n1,A,a@nhs.net,Band 9\n"
            b"1,B,not-an-email,\n",
            [
                (2, "unknown band 'Band 9': use a band from 2 to 8b"),
                (3, "'not-an-email' is not an email address"),
                (3, "the employee number '1' is also in row 2"),
            ],
        ),
    ],
)
def test_bad_files_are_refused_whole(db, text, errors):
    with pytest.raises(esr.EsrImportError) as caught:
        esr.esr_import(actor=None, source=text)
    assert caught.value.errors == errors
    assert not User.objects.filter(full_name__in=["A", "B"]).exists()


def test_an_email_belonging_to_another_employee_number_is_refused(db):
    factories.UserFactory(employee_number="555", email="amira.hassan@nhs.net")
    with pytest.raises(esr.EsrImportError) as caught:
        esr.esr_import(actor=None, source=EXTRACT)
    assert caught.value.errors == [
        (2, "the email address 'amira.hassan@nhs.net' belongs to employee number 555 in Pathway")
    ]
    assert User.objects.count() == 1


def test_only_those_who_manage_people_may_import(db):
    with pytest.raises(PermissionDenied):
        esr.esr_import(actor=factories.MentorFactory(), source=EXTRACT)
    assert esr.esr_import(actor=factories.AdministratorFactory(), source=EXTRACT).created == 3


def test_the_command(areas, tmp_path):
    out = io.StringIO()
    call_command("import_esr", str(EXTRACT), "--dry-run", stdout=out)
    assert out.getvalue() == "Would add 3, update 0, leave 0 unchanged\n"
    assert not User.objects.filter(employee_number="10000001").exists()
    call_command("import_esr", str(EXTRACT), stdout=out)
    assert "3 new people, 0 updated, 0 unchanged" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Name,Email\nA,a@nhs.net\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem in bad.csv"):
        call_command("import_esr", str(bad), stderr=err)
    assert "Row 1: missing column 'Employee number'" in err.getvalue()


# The pages ---------------------------------------------------------------------------------


def test_upload_preview_and_confirm(client, lead_nurse, areas):
    client.force_login(lead_nurse)
    assert "Import staff from ESR" in client.get(URL).content.decode()
    with open(EXTRACT, "rb") as handle:
        uploaded = client.post(URL, {"file": handle})
    assert uploaded.status_code == 302
    page = client.get(uploaded["Location"]).content.decode()
    assert "Check the staff extract before you import it" in page
    assert "Ward 7 (Elderly care)" in page and "Contracted WTE" in page
    assert not User.objects.filter(employee_number="10000001").exists()
    done = client.post(uploaded["Location"], {})
    assert done["Location"] == "/people/"
    assert User.objects.filter(employee_number__startswith="1000000").count() == 3


def test_a_bad_extract_shows_the_error_summary(client, lead_nurse):
    client.force_login(lead_nurse)
    upload = SimpleUploadedFile("x.csv", b"Name,Email\nA,a@nhs.net\n", "text/csv")
    html = client.post(URL, {"file": upload}).content.decode()
    assert "nhsuk-error-summary" in html
    assert "Row 1: missing column &#x27;Employee number&#x27;" in html


def test_the_pages_are_refused_to_others(client, lead_nurse):
    client.force_login(lead_nurse)
    with open(EXTRACT, "rb") as handle:
        preview_url = client.post(URL, {"file": handle})["Location"]
    for person in (
        factories.TraineeFactory(),
        factories.MentorFactory(),
        factories.ManagerFactory(),
    ):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.get(preview_url).status_code == 403
        assert client.post(preview_url, {}).status_code == 403
    assert not User.objects.filter(employee_number="10000001").exists()


def test_a_large_extract_is_imported_in_the_background(
    client, lead_nurse, areas, settings, django_capture_on_commit_callbacks
):
    """Over PATHWAY_IMPORT_IN_BACKGROUND_OVER rows (here: any), confirming queues a job that
    imports all of it; the person lands on the job's page, which says what was imported, and
    the held file is gone once done."""
    from django.core.files.storage import default_storage

    from pathway.models import BackgroundJob

    settings.PATHWAY_IMPORT_IN_BACKGROUND_OVER = 0
    client.force_login(lead_nurse)
    with open(EXTRACT, "rb") as handle:
        preview_url = client.post(URL, {"file": handle})["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(preview_url, {})
    job = BackgroundJob.objects.get()
    assert confirmed["Location"] == f"/jobs/{job.pk}/"
    assert job.status == BackgroundJob.Status.DONE and not job.result
    assert User.objects.filter(employee_number__startswith="1000000").count() == 3
    page = client.get(confirmed["Location"]).content.decode()
    assert "Staff extract import: staff-in-post.csv" in page
    assert "Imported the staff extract: 3 new people, 0 updated, 0 unchanged" in page
    assert '<a class="nhsuk-back-link" href="/people/">Back to people</a>' in page
    assert not default_storage.exists(job.params["stored"])
    # The session no longer holds it: the preview cannot confirm it a second time.
    assert client.get(preview_url)["Location"] == URL


def test_a_background_import_with_a_problem_writes_nothing(lead_nurse, areas):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from pathway.jobs import job_run, job_start
    from pathway.models import BackgroundJob

    stored = default_storage.save(
        "held-uploads/broken.upload",
        ContentFile(EXTRACT.read_bytes() + b"10000001,Someone,Else,x@nhs.net,,,,,\n"),
    )
    job = job_start(
        actor=lead_nurse, kind="pathway.esr_import", title="Import", key="k",
        params={"stored": stored},
    )  # fmt: skip
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.message.startswith("Row ")
    assert not User.objects.filter(employee_number__startswith="1000000").exists()
