"""The upload limits of the trust issue, for each import: the framework import, the task import
and the enrolment import. A small spreadsheet that unpacks to two million rows, a CSV file of
200,000 rows and a file over the size limit are each refused with a clear message, on the page
and by the service, without the file being read whole; and a refused import writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.enrolment_files import EnrolmentImportError
from cohorts.models import Enrolment
from cohorts.services.enrolment_import import enrolment_import
from competencies.interchange import FrameworkImportError, framework_import
from competencies.models import Competency, Domain, Framework
from pathway.models import User
from roledesign import services as roledesign_services
from roledesign.models import Task
from tests import factories
from tests.uploads import CountingFile, two_million_row_xlsx

pytestmark = pytest.mark.django_db

TOO_LARGE_TO_UNPACK = "The spreadsheet is too large to read: copy the {} into a new spreadsheet"


def framework_counts():
    return Framework.objects.count(), Domain.objects.count(), Competency.objects.count()


def enrolment_counts():
    return User.objects.count(), Enrolment.objects.count()


def csv_of(header: str, row, count: int) -> bytes:
    return (header + "\n" + "".join(row(n) + "\n" for n in range(count))).encode()


def framework_csv(count: int) -> bytes:
    header = (
        "Row type,ID number,Parent ID number,Title,Description,Version,Performance criteria,"
        "Underpinning knowledge,Core or specific,Clinical areas,Assessment methods,"
        "Supervised practices required,Reassessment months,Order"
    )
    return csv_of(header, lambda n: f"competency,C{n},D,T{n},,,,,,,,,,", count)


def task_csv(count: int) -> bytes:
    return csv_of("Task,Delegation decision,Likelihood,Impact", lambda n: f"T{n},,,", count)


def enrolment_csv(count: int) -> bytes:
    header = "Name,Email,Employee number,Clinical area"
    return csv_of(header, lambda n: f"P {n},p{n}@nhs.net,E{n},", count)


@pytest.fixture
def nurse_client(client, lead_nurse):
    client.force_login(lead_nurse)
    return client


@pytest.fixture
def project(lead_nurse):
    return roledesign_services.project_create(
        actor=lead_nurse, name="AP", clinical_area=factories.ClinicalAreaFactory(), lead=lead_nurse
    )


@pytest.fixture
def cohort(db):
    return factories.CohortFactory(framework=factories.PublishedFrameworkFactory())


def page_text(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    return html


# The framework import ----------------------------------------------------------------------


def test_framework_import_refuses_a_small_xlsx_of_two_million_rows(nurse_client):
    before = framework_counts()
    upload = SimpleUploadedFile("framework.xlsx", two_million_row_xlsx())
    response = nurse_client.post(
        reverse("competencies:framework_import"), {"file": upload, "format": "xlsx"}
    )
    assert TOO_LARGE_TO_UNPACK.format("rows") in page_text(response)

    source = CountingFile(two_million_row_xlsx(), name="framework.xlsx")
    with pytest.raises(FrameworkImportError) as caught:
        framework_import(actor=None, source=source, format="xlsx")
    assert caught.value.lines == [TOO_LARGE_TO_UNPACK.format("rows")]
    assert source.bytes_read < len(two_million_row_xlsx()) // 4  # the zip's directory only
    assert framework_counts() == before


def test_framework_import_refuses_a_csv_of_200000_rows(nurse_client):
    data = framework_csv(200_000)
    before = framework_counts()
    upload = SimpleUploadedFile("framework.csv", data, "text/csv")
    response = nurse_client.post(
        reverse("competencies:framework_import"), {"file": upload, "format": "csv"}
    )
    message = "The file has more than 5,000 rows. Split it into smaller files."
    assert message in page_text(response)

    source = CountingFile(data, name="framework.csv")
    with pytest.raises(FrameworkImportError) as caught:
        framework_import(actor=None, source=source, format="csv")
    assert caught.value.lines == [message]
    assert source.bytes_read < len(data) // 10  # it stopped at row 5,002
    assert framework_counts() == before


def test_framework_import_refuses_a_file_over_the_limit_unread(nurse_client, settings):
    settings.PATHWAY_MAX_UPLOAD_BYTES = 1000
    data = framework_csv(100)
    upload = SimpleUploadedFile("framework.csv", data, "text/csv")
    response = nurse_client.post(
        reverse("competencies:framework_import"), {"file": upload, "format": "csv"}
    )
    assert "The selected file must be smaller than 1000\xa0bytes" in page_text(response)

    source = CountingFile(data, name="framework.csv")
    with pytest.raises(FrameworkImportError):
        framework_import(actor=None, source=source, format="csv")
    assert source.bytes_read == 0
    assert framework_counts() == (0, 0, 0)


# The task import ---------------------------------------------------------------------------


def test_task_import_refuses_a_small_xlsx_of_two_million_rows(nurse_client, project, lead_nurse):
    upload = SimpleUploadedFile("tasks.xlsx", two_million_row_xlsx())
    response = nurse_client.post(
        reverse("roledesign:task_import", args=[project.pk]), {"file": upload}
    )
    assert TOO_LARGE_TO_UNPACK.format("tasks") in page_text(response)

    source = CountingFile(two_million_row_xlsx(), name="tasks.xlsx")
    with pytest.raises(ValidationError) as caught:
        roledesign_services.task_import(actor=lead_nurse, project=project, upload=source)
    assert caught.value.message_dict == {"file": [TOO_LARGE_TO_UNPACK.format("tasks")]}
    assert source.bytes_read < len(two_million_row_xlsx()) // 4
    assert not Task.objects.exists()


def test_task_import_refuses_a_csv_of_200000_rows(nurse_client, project, lead_nurse):
    data = task_csv(200_000)
    upload = SimpleUploadedFile("tasks.csv", data, "text/csv")
    response = nurse_client.post(
        reverse("roledesign:task_import", args=[project.pk]), {"file": upload}
    )
    message = "The file has more than 500 tasks. Split it into smaller files."
    assert message in page_text(response)

    source = CountingFile(data, name="tasks.csv")
    with pytest.raises(ValidationError) as caught:
        roledesign_services.task_import(actor=lead_nurse, project=project, upload=source)
    assert caught.value.message_dict == {"file": [message]}
    assert source.bytes_read < len(data) // 10
    assert not Task.objects.exists()


def test_task_import_refuses_a_file_over_the_limit_unread(nurse_client, project, lead_nurse):
    # 1.9 MB of tasks passes the 2 MB limit; a file over it is never read.
    data = task_csv(10)
    source = CountingFile(data, name="tasks.csv", size=2 * 1024 * 1024 + 1)
    with pytest.raises(ValidationError) as caught:
        roledesign_services.task_import(actor=lead_nurse, project=project, upload=source)
    assert caught.value.message_dict == {
        "file": ["The selected file must be smaller than 2.0\xa0MB"]
    }
    assert source.bytes_read == 0

    big = SimpleUploadedFile("tasks.csv", b"Task\n" + b"x" * (2 * 1024 * 1024), "text/csv")
    response = nurse_client.post(
        reverse("roledesign:task_import", args=[project.pk]), {"file": big}
    )
    assert "The selected file must be smaller than 2.0\xa0MB" in page_text(response)
    assert not Task.objects.exists()


# The enrolment import ----------------------------------------------------------------------


def test_enrolment_import_refuses_a_small_xlsx_of_two_million_rows(nurse_client, cohort):
    before = enrolment_counts()
    upload = SimpleUploadedFile("trainees.xlsx", two_million_row_xlsx())
    response = nurse_client.post(
        reverse("cohorts:enrolment_import", args=[cohort.pk]), {"file": upload}
    )
    assert TOO_LARGE_TO_UNPACK.format("trainees") in page_text(response)

    source = CountingFile(two_million_row_xlsx(), name="trainees.xlsx")
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=source)
    assert caught.value.lines == [TOO_LARGE_TO_UNPACK.format("trainees")]
    assert source.bytes_read < len(two_million_row_xlsx()) // 4
    assert enrolment_counts() == before


def test_enrolment_import_refuses_a_csv_of_200000_rows(nurse_client, cohort):
    data = enrolment_csv(200_000)
    before = enrolment_counts()
    upload = SimpleUploadedFile("trainees.csv", data, "text/csv")
    response = nurse_client.post(
        reverse("cohorts:enrolment_import", args=[cohort.pk]), {"file": upload}
    )
    message = "The file has more than 1,000 trainees. Split it into smaller files."
    assert message in page_text(response)

    source = CountingFile(data, name="trainees.csv")
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=source)
    assert caught.value.lines == [message]
    assert source.bytes_read < len(data) // 10
    assert enrolment_counts() == before


def test_enrolment_import_refuses_a_file_over_the_limit_unread(cohort, settings):
    settings.PATHWAY_MAX_UPLOAD_BYTES = 1000
    source = CountingFile(enrolment_csv(100), name="trainees.csv")
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=source)
    assert caught.value.lines == ["The selected file must be smaller than 1000\xa0bytes"]
    assert source.bytes_read == 0
    assert Enrolment.objects.count() == 0
