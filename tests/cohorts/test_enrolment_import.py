"""Enrolling a whole cohort from a CSV file or an Excel spreadsheet: the service and the pages."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from cohorts import enrolment_files
from cohorts import urls as cohort_urls
from cohorts.models import Cohort, Enrolment, EnrolmentStatus
from cohorts.services.enrolment_import import EnrolmentImportError, enrolment_import
from competencies.models import CompetencyProgress, TrainingRecord
from pathway import urls as project_urls
from pathway.models import Allocation, RoleCode, User
from tests import factories

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "enrolment"


# The cohort page this feature sends the lead nurse back to is another engineer's. Until it
# exists, these tests run with the project's URLs plus a stand-in page of the same name.
def _stand_in_cohort_detail(request, pk):
    return HttpResponse(f"Cohort {pk}")


urlpatterns = [
    path(
        "",
        include(
            (
                [
                    *cohort_urls.urlpatterns,
                    path("cohorts/<int:pk>/", _stand_in_cohort_detail, name="cohort_detail"),
                ],
                "cohorts",
            )
        ),
    ),
    *[p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "cohorts"],
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def _cohort_detail_exists() -> bool:
    try:
        reverse("cohorts:cohort_detail", args=[1])
    except NoReverseMatch:
        return False
    return True


pytestmark = [pytest.mark.django_db]
if not _cohort_detail_exists():
    pytestmark.append(pytest.mark.urls(__name__))


# Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def areas(db):
    return {
        "critical": factories.ClinicalAreaFactory(code="critical-care", name="Critical care"),
        "emergency": factories.ClinicalAreaFactory(code="emergency", name="Emergency department"),
        "coronary": factories.ClinicalAreaFactory(code="coronary-care", name="Coronary care"),
    }


@pytest.fixture
def competencies(areas):
    """A published framework: 2 core, 2 specific to critical care, 1 to the emergency
    department and 1 to coronary care."""
    framework = factories.PublishedFrameworkFactory()
    domain = factories.DomainFactory(framework=framework)
    core = [factories.CompetencyFactory(domain=domain, code=f"CORE{n}") for n in (1, 2)]

    def specific(code, area):
        return factories.CompetencyFactory(
            domain=domain, code=code, is_core=False, clinical_areas=[area]
        )

    return {
        "framework": framework,
        "core": core,
        "critical": [specific("CC1", areas["critical"]), specific("CC2", areas["critical"])],
        "emergency": [specific("ED1", areas["emergency"])],
        "coronary": [specific("CO1", areas["coronary"])],
    }


@pytest.fixture
def cohort(areas, competencies):
    cohort = factories.CohortFactory(
        name="Cohort 2",
        framework=competencies["framework"],
        intake_date=timezone.localdate() - datetime.timedelta(weeks=2),
    )
    cohort.clinical_areas.set([areas["critical"], areas["emergency"]])
    return cohort


@pytest.fixture
def people(areas):
    """The mentor and tutor the files name, people who are not, and one existing trainee."""
    return {
        "mentor": factories.MentorFactory(email="sam.patel@nhs.net", full_name="Sam Patel"),
        "tutor": factories.TutorFactory(email="j.okafor@university.ac.uk", full_name="Jo Okafor"),
        "unregistered": factories.MentorFactory(
            email="pat.unregistered@nhs.net",
            full_name="Pat Unregistered",
            registration_body="",
            registration_number="",
        ),
        "existing": factories.TraineeFactory(
            email="chris.existing@nhs.net", full_name="Chris Existing", employee_number="E900001"
        ),
    }


def counts() -> dict[str, int]:
    return {
        "people": User.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "allocations": Allocation.objects.count(),
        "records": TrainingRecord.objects.count(),
        "progress": CompetencyProgress.objects.count(),
    }


def codes_on(record: TrainingRecord) -> set[str]:
    return set(record.progress.values_list("competency__code", flat=True))


def write_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


GOOD_ROWS = [
    ["Name", "Email", "Employee number", "Clinical area", "Mentor email", "Tutor email"],
    ["Alex Morgan", "alex.morgan@nhs.net", "E200001", "critical-care", "sam.patel@nhs.net", ""],
    [
        "Bea Jones",
        "BEA.JONES@nhs.net",
        200002,
        "Emergency Department",
        "",
        "j.okafor@university.ac.uk",
    ],
]


# A good file ------------------------------------------------------------------------------


def test_a_good_csv_creates_people_enrolments_records_and_allocations(
    cohort, people, competencies, areas
):
    result = enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good.csv")

    assert result.summary == "Enrolled 3 trainees (2 new people)"
    assert [p.email for p in result.created] == ["alex.morgan@nhs.net", "bea.jones@nhs.net"]
    assert result.matched == [people["existing"]]
    assert len(result.enrolments) == 3 == Enrolment.objects.filter(cohort=cohort).count()

    alex = User.objects.get(email="alex.morgan@nhs.net")
    assert (alex.full_name, alex.employee_number, alex.band) == ("Alex Morgan", "E200001", "3")
    assert alex.has_role(RoleCode.TRAINEE)
    assert not alex.has_usable_password()
    assert alex.clinical_area == areas["critical"]

    enrolment = Enrolment.objects.get(trainee=alex)
    assert enrolment.cohort == cohort
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert enrolment.start_date == cohort.intake_date
    assert enrolment.record.framework == competencies["framework"]
    assert enrolment.record.clinical_area == areas["critical"]
    assert codes_on(enrolment.record) == {"CORE1", "CORE2", "CC1", "CC2"}

    bea = Enrolment.objects.get(trainee__email="bea.jones@nhs.net")
    assert bea.record.clinical_area == areas["emergency"]  # matched by name
    assert codes_on(bea.record) == {"CORE1", "CORE2", "ED1"}

    chris = Enrolment.objects.get(trainee=people["existing"])
    assert chris.record.clinical_area == areas["critical"]  # "CRITICAL-CARE": any case
    assert codes_on(chris.record) == {"CORE1", "CORE2", "CC1", "CC2"}

    today = timezone.localdate()  # the intake was two weeks ago: allocations start today
    assert sorted(
        Allocation.objects.values_list("trainee__email", "supporter__email", "kind", "start_date")
    ) == [
        ("alex.morgan@nhs.net", "j.okafor@university.ac.uk", "tutor", today),
        ("alex.morgan@nhs.net", "sam.patel@nhs.net", "mentor", today),
        ("bea.jones@nhs.net", "sam.patel@nhs.net", "mentor", today),
        ("chris.existing@nhs.net", "j.okafor@university.ac.uk", "tutor", today),
    ]
    assert len(result.allocations) == 4


def test_an_existing_person_is_matched_by_email_in_any_case(cohort, people):
    before = User.objects.count()
    result = enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good.csv")

    assert User.objects.count() == before + 2
    assert result.matched == [people["existing"]]
    existing = User.objects.get(pk=people["existing"].pk)
    assert existing.email == "chris.existing@nhs.net"
    assert existing.full_name == "Chris Existing"
    assert existing.has_usable_password()  # their password is left alone
    assert User.objects.filter(email__iexact="chris.existing@nhs.net").count() == 1


def test_a_matched_person_without_an_employee_number_gets_the_files(cohort, people):
    people["existing"].employee_number = ""
    people["existing"].save()
    enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good.csv")
    people["existing"].refresh_from_db()
    assert people["existing"].employee_number == "E900001"


def test_a_good_xlsx(cohort, people, tmp_path):
    source = write_xlsx(tmp_path / "cohort.xlsx", GOOD_ROWS)

    result = enrolment_import(actor=None, cohort=cohort, source=source)

    assert result.summary == "Enrolled 2 trainees (2 new people)"
    bea = User.objects.get(email="bea.jones@nhs.net")
    assert bea.employee_number == "200002"  # a number cell, read as text
    assert Enrolment.objects.get(trainee=bea).record.clinical_area.code == "emergency"
    assert Allocation.objects.get(trainee=bea).supporter == people["tutor"]


def test_semicolon_separated_csv_without_the_optional_columns(cohort, people):
    result = enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good-semicolons.csv")
    assert result.summary == "Enrolled 2 trainees (2 new people)"
    assert Allocation.objects.count() == 0


def test_a_windows_csv_from_excel(cohort, people):
    enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good-windows-1252.csv")
    assert User.objects.get(email="zoe.bronte@nhs.net").full_name == "Zoë Brontë"


def test_one_person_is_summarised_in_the_singular(cohort, people):
    data = b"Name,Email,Employee number,Clinical area\nAlex Morgan,a@nhs.net,E1,emergency\n"
    result = enrolment_import(actor=None, cohort=cohort, source=data)
    assert result.summary == "Enrolled 1 trainee (1 new person)"


def test_allocations_start_at_a_future_intake(cohort, people):
    cohort.intake_date = timezone.localdate() + datetime.timedelta(days=10)
    cohort.planned_end_date = cohort.intake_date + datetime.timedelta(weeks=52)
    cohort.status = Cohort.Status.PLANNED
    cohort.save()
    enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good.csv")
    assert set(Allocation.objects.values_list("start_date", flat=True)) == {cohort.intake_date}
    assert set(Enrolment.objects.values_list("start_date", flat=True)) == {cohort.intake_date}


def test_the_clinical_area_may_be_empty_when_the_cohort_has_one(cohort, people, areas):
    cohort.clinical_areas.set([areas["emergency"]])
    data = b"Name,Email,Employee number,Clinical area\nAlex Morgan,a@nhs.net,E1,\n"
    enrolment_import(actor=None, cohort=cohort, source=data)
    assert Enrolment.objects.get().record.clinical_area == areas["emergency"]


def test_a_cohort_without_clinical_areas_takes_any(cohort, people, areas):
    cohort.clinical_areas.clear()
    data = b"Name,Email,Employee number,Clinical area\nAlex Morgan,a@nhs.net,E1,coronary-care\n"
    enrolment_import(actor=None, cohort=cohort, source=data)
    assert codes_on(Enrolment.objects.get().record) == {"CORE1", "CORE2", "CO1"}


def test_a_mentor_already_allocated_is_not_allocated_twice(cohort, people):
    factories.AllocationFactory(
        trainee=people["existing"], supporter=people["tutor"], kind=Allocation.Kind.TUTOR
    )
    enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good.csv")
    assert Allocation.objects.filter(trainee=people["existing"]).count() == 1


# Bad files: the right row and reason, and nothing written ---------------------------------

BAD_FILES = [
    ("bad-missing-name.csv", [(3, "enter the trainee's name")]),
    ("bad-email.csv", [(2, "bad email address 'alex.morgan.nhs.net'")]),
    (
        "bad-duplicate-email.csv",
        [(4, "the email address 'alex.morgan@nhs.net' is also on row 2")],
    ),
    ("bad-unknown-area.csv", [(4, "unknown clinical area 'ICU'")]),
    ("bad-area-not-in-cohort.csv", [(2, "unknown clinical area 'Coronary care'")]),
    (
        "bad-unknown-mentor.csv",
        [(3, "unknown mentor email 'no.one@nhs.net': no one in Pathway has this email address")],
    ),
    ("bad-unknown-tutor.csv", [(2, "unknown tutor email 'nobody@university.ac.uk'")]),
    (
        "bad-not-a-mentor.csv",
        [(2, "Jo Okafor (j.okafor@university.ac.uk) is not a mentor in Pathway")],
    ),
    (
        "bad-unregistered-mentor.csv",
        [(2, "the mentor Pat Unregistered (pat.unregistered@nhs.net) is not a registered")],
    ),
    ("bad-not-a-tutor.csv", [(2, "Sam Patel (sam.patel@nhs.net) is not a tutor in Pathway")]),
    (
        "bad-already-on-a-cohort.csv",
        [(3, "Chris Existing (chris.existing@nhs.net) is already on a current cohort: Cohort 1")],
    ),
    (
        "bad-employee-number-clash.csv",
        [(2, "the employee number 'E900001' belongs to Chris Existing (chris.existing@nhs.net)")],
    ),
    (
        "bad-employee-number-mismatch.csv",
        [(3, "the employee number 'E200002' is not the one Pathway holds for Chris Existing")],
    ),
    (
        "bad-duplicate-employee-number.csv",
        [(3, "the employee number 'E200001' is also on row 2")],
    ),
    (
        "bad-missing-employee-number.csv",
        [(2, "enter the employee number: alex.morgan@nhs.net is new to Pathway")],
    ),
    ("bad-header-missing-column.csv", [(1, "missing column 'Clinical area'")]),
    ("bad-header-unknown-column.csv", [(1, "unknown column 'Mentr email'")]),
    ("header-only.csv", [(None, "The file has no trainees in it")]),
    ("empty.csv", [(None, "The selected file is empty")]),
    (
        "not-a-spreadsheet.xlsx",
        [(None, "The selected file must be a CSV file or an Excel spreadsheet (.xlsx)")],
    ),
    (
        "trainees.pdf",
        [(None, "The selected file must be a CSV file or an Excel spreadsheet (.xlsx)")],
    ),
]


@pytest.fixture
def on_another_cohort(people, competencies, areas):
    """Chris is on a current cohort already (for bad-already-on-a-cohort.csv)."""
    other = factories.CohortFactory(name="Cohort 1", framework=competencies["framework"])
    return factories.enrol(other, trainee=people["existing"], area=areas["critical"])


@pytest.mark.parametrize(("filename", "expected"), BAD_FILES, ids=[f for f, _ in BAD_FILES])
def test_each_bad_file_reports_the_row_and_reason_and_writes_nothing(
    cohort, people, filename, expected, request
):
    if filename == "bad-already-on-a-cohort.csv":
        request.getfixturevalue("on_another_cohort")
    before = counts()

    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=FIXTURES / filename)

    errors = caught.value.errors
    assert len(errors) == len(expected), errors
    for (row, message), (expected_row, expected_start) in zip(errors, expected, strict=True):
        assert row == expected_row
        assert message.startswith(expected_start), message
    assert counts() == before


def test_every_problem_in_the_file_is_reported_at_once(cohort, people):
    before = counts()
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "bad-several.csv")
    assert [(row, message.split(":")[0]) for row, message in caught.value.errors] == [
        (3, "enter the trainee's name"),
        (4, "unknown clinical area 'ICU'"),
        (5, "bad email address 'eve.li@nhs'"),
        (6, "unknown mentor email 'no.one@nhs.net'"),
        (6, "Sam Patel (sam.patel@nhs.net) is not a tutor in Pathway"),
    ]
    assert caught.value.lines[1].startswith("Row 4: unknown clinical area 'ICU'")
    assert counts() == before


HEAD = "Name,Email,Employee number,Clinical area,Mentor email,Tutor email\n"
INLINE_BAD = [
    (
        "Name,Email,E-mail address,Employee number,Clinical area\n"
        "Alex Morgan,a@nhs.net,a@nhs.net,E1,emergency\n",
        (1, "the column 'Email' is there twice"),
    ),
    (
        HEAD + "Alex Morgan,a@nhs.net,E1,emergency,,,surplus\n",
        (2, "there is something in column G, which has no heading"),
    ),
    (
        HEAD + "Sam Patel,sam.patel@nhs.net,,emergency,sam.patel@nhs.net,\n",
        (2, "the mentor email is the trainee's own: no one can be their own mentor"),
    ),
    (HEAD + "Alex Morgan,a@nhs.net,E1,,,\n", (2, "enter the clinical area")),
    (HEAD + "Alex Morgan,,E1,emergency,,\n", (2, "enter the trainee's email address")),
    (
        HEAD + "Alex Morgan,a@nhs.net,E1,emergency,,gone@university.ac.uk\n",
        (2, "the tutor Gone Tutor (gone@university.ac.uk) can no longer sign in to Pathway"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), INLINE_BAD)
def test_other_row_problems(cohort, people, text, expected):
    factories.TutorFactory(email="gone@university.ac.uk", full_name="Gone Tutor", is_active=False)
    before = counts()
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=text.encode())
    assert caught.value.errors == [expected]
    assert counts() == before


def test_a_spreadsheet_that_unzips_to_something_huge_is_refused(cohort, people, tmp_path, settings):
    settings.PATHWAY_SPREADSHEET_LIMITS = {"enrolment": {"max_unzipped_bytes": 1000}}
    source = write_xlsx(tmp_path / "cohort.xlsx", GOOD_ROWS)
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=source)
    assert caught.value.lines == [
        "The spreadsheet is too large to read: copy the trainees into a new spreadsheet"
    ]


def test_the_unknown_area_message_names_the_cohorts_areas(cohort, people):
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "bad-unknown-area.csv")
    assert caught.value.lines == [
        "Row 4: unknown clinical area 'ICU': use the code or name of one of this cohort's "
        "clinical areas: critical-care (Critical care), emergency (Emergency department)"
    ]


def test_a_bad_row_in_a_spreadsheet(cohort, people, tmp_path):
    rows = [*GOOD_ROWS, ["Dev Shah", "dev.shah@nhs.net", "E3", "ICU", "", ""]]
    source = write_xlsx(tmp_path / "cohort.xlsx", rows)
    before = counts()
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=source)
    assert caught.value.lines[0].startswith("Row 4: unknown clinical area 'ICU'")
    assert counts() == before


def test_row_numbers_count_blank_rows_as_a_spreadsheet_does(cohort, people):
    data = (
        b"Name,Email,Employee number,Clinical area\n"
        b"Alex Morgan,a@nhs.net,E1,emergency\n"
        b",,,\n"
        b"Bea Jones,b@nhs.net,E2,ICU\n"
    )
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=data)
    assert caught.value.errors[0][0] == 4


def test_someone_already_on_this_cohort(cohort, people, areas):
    factories.enrol(cohort, trainee=people["existing"], area=areas["critical"])
    before = counts()
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good.csv")
    assert caught.value.lines == [
        "Row 4: Chris Existing (chris.existing@nhs.net) is already enrolled on this cohort (active)"
    ]
    assert counts() == before


def test_a_file_over_the_upload_limit(cohort, people, settings):
    settings.PATHWAY_MAX_UPLOAD_BYTES = 100
    before = counts()
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good.csv")
    assert caught.value.lines == ["The selected file must be smaller than 100\xa0bytes"]
    assert counts() == before


def test_a_finished_cohort_takes_no_one(cohort, people):
    cohort.status = Cohort.Status.FINISHED
    cohort.save()
    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good.csv")
    assert caught.value.errors == [
        (None, "This cohort has finished: enrol the trainees on a later cohort")
    ]
    assert Enrolment.objects.count() == 0


def test_a_failure_while_writing_rolls_everything_back(cohort, people, monkeypatch):
    from pathway import services as pathway_services

    real = pathway_services.allocation_create

    def failing(**kwargs):
        if kwargs["trainee"].email == "bea.jones@nhs.net":
            raise ValidationError({"supporter": "Sam Patel is on long-term leave"})
        return real(**kwargs)

    monkeypatch.setattr(pathway_services, "allocation_create", failing)
    before = counts()

    with pytest.raises(EnrolmentImportError) as caught:
        enrolment_import(actor=None, cohort=cohort, source=FIXTURES / "good.csv")

    assert caught.value.errors == [
        (3, "this trainee could not be enrolled, so no one was: Sam Patel is on long-term leave")
    ]
    # Alex (row 2) had been created, enrolled and allocated: all of it is gone.
    assert counts() == before
    assert not User.objects.filter(email="alex.morgan@nhs.net").exists()


def test_only_the_lead_nurse_may_import(cohort, people, lead_nurse):
    refused_people = [factories.PracticeEducatorFactory(), factories.ManagerFactory()]
    before = counts()
    for refused in refused_people:
        with pytest.raises(PermissionDenied):
            enrolment_import(actor=refused, cohort=cohort, source=FIXTURES / "good.csv")
    assert counts() == before
    result = enrolment_import(actor=lead_nurse, cohort=cohort, source=FIXTURES / "good.csv")
    assert len(result.enrolments) == 3
    # The enrolment history says who enrolled them.
    assert Enrolment.objects.filter(changes__changed_by=lead_nurse).count() == 3


def _file_of(rows: int) -> bytes:
    lines = ["Name,Email,Employee number,Clinical area,Mentor email,Tutor email"]
    for n in range(rows):
        lines.append(
            f"Person {n},person{n}@nhs.net,E7{n:05d},ICU,sam.patel@nhs.net,"
            "j.okafor@university.ac.uk"
        )
    return "\n".join(lines).encode()


def test_checking_a_file_takes_the_same_queries_for_few_and_many_rows(cohort, people):
    def queries(rows):
        with (
            CaptureQueriesContext(connection) as captured,
            pytest.raises(EnrolmentImportError) as caught,
        ):
            enrolment_import(actor=None, cohort=cohort, source=_file_of(rows))
        assert len(caught.value.errors) == rows
        return len(captured)

    assert queries(2) == queries(20)


# The pages --------------------------------------------------------------------------------


def upload_url(cohort) -> str:
    return reverse("cohorts:enrolment_import", args=[cohort.pk])


@pytest.fixture
def nurse_client(client, lead_nurse):
    client.force_login(lead_nurse)
    return client


def test_the_urls():
    assert reverse("cohorts:enrolment_import", args=[7]) == "/cohorts/7/enrol/upload/"
    assert reverse("cohorts:enrolment_template_csv") == "/cohorts/enrol/template.csv"
    assert reverse("cohorts:enrolment_template_xlsx") == "/cohorts/enrol/template.xlsx"


def test_the_upload_page(nurse_client, cohort):
    response = nurse_client.get(upload_url(cohort))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Enrol trainees from a file</h1>" in html
    assert 'class="nhsuk-back-link"' in html and "Back to Cohort 2" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and 'name="file"' in html
    assert "Enrol trainees" in html
    assert "nhsuk-error-summary" not in html
    # The hint lists the columns and links to the templates.
    assert "Name, Email, Employee number, Clinical area, Mentor email and Tutor email" in html
    assert f'href="{reverse("cohorts:enrolment_template_csv")}"' in html
    assert f'href="{reverse("cohorts:enrolment_template_xlsx")}"' in html
    # The columns explained in a table with a caption, and the cohort's clinical areas.
    assert '<caption class="nhsuk-table__caption">Columns in the enrolment file</caption>' in html
    for column in enrolment_files.COLUMNS:
        assert column.header in html
    assert "Clinical areas you can use for Cohort 2" in html
    assert "critical-care" in html and "Emergency department" in html
    assert "coronary-care" not in html


def test_the_upload_page_takes_the_same_queries_for_few_and_many_areas(nurse_client, cohort):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert nurse_client.get(upload_url(cohort)).status_code == 200
        return len(captured)

    queries()  # the first page counts the header's unread notifications (then cached)
    few = queries()
    cohort.clinical_areas.add(*factories.ClinicalAreaFactory.create_batch(5))
    assert queries() == few


def test_the_lead_nurse_uploads_a_good_csv(nurse_client, cohort, people):
    with open(FIXTURES / "good.csv", "rb") as handle:
        response = nurse_client.post(upload_url(cohort), {"file": handle})

    assert response.status_code == 302
    assert response["Location"] == reverse("cohorts:cohort_detail", args=[cohort.pk])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Enrolled 3 trainees (2 new people)"]
    assert Enrolment.objects.filter(cohort=cohort).count() == 3
    assert Allocation.objects.count() == 4


def test_the_lead_nurse_uploads_a_good_xlsx(nurse_client, cohort, people, tmp_path):
    source = write_xlsx(tmp_path / "cohort 2.xlsx", GOOD_ROWS)
    with open(source, "rb") as handle:
        response = nurse_client.post(upload_url(cohort), {"file": handle})
    assert response.status_code == 302
    assert Enrolment.objects.filter(cohort=cohort).count() == 2


def test_a_bad_file_shows_every_problem_and_enrols_no_one(nurse_client, cohort, people):
    before = counts()
    with open(FIXTURES / "bad-several.csv", "rb") as handle:
        response = nurse_client.post(upload_url(cohort), {"file": handle})

    assert response.status_code == 200
    assert counts() == before
    html = response.content.decode()
    assert "<title>Error: " in html
    summary = html[html.index("nhsuk-error-summary") : html.index("<h1>")]
    for line in (
        "Row 3: enter the trainee&#x27;s name",
        "Row 4: unknown clinical area &#x27;ICU&#x27;",
        "Row 5: bad email address &#x27;eve.li@nhs&#x27;",
        "Row 6: unknown mentor email &#x27;no.one@nhs.net&#x27;",
        "Row 6: Sam Patel (sam.patel@nhs.net) is not a tutor in Pathway",
    ):
        assert line in summary
    assert 'href="#id_file"' in summary
    # And a table of every problem, with a caption naming the file.
    table = html[html.index('id="import-problems"') :]
    table = table[: table.index("</table>")]
    assert '<caption class="nhsuk-table__caption">Problems found in bad-several.csv</caption>' in (
        table
    )
    assert table.count('<tr class="nhsuk-table__row">') == 1 + 5
    assert '<td class="nhsuk-table__cell">Row 6</td>' in table


def test_a_whole_file_problem_is_shown_as_such(nurse_client, cohort, people):
    with open(FIXTURES / "trainees.pdf", "rb") as handle:
        response = nurse_client.post(upload_url(cohort), {"file": handle})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The selected file must be a CSV file or an Excel spreadsheet (.xlsx)" in html
    assert '<td class="nhsuk-table__cell">Whole file</td>' in html


def test_many_problems_are_summarised_and_all_listed(nurse_client, cohort, people):
    upload = SimpleUploadedFile("big.csv", _file_of(25), "text/csv")
    response = nurse_client.post(upload_url(cohort), {"file": upload})
    html = response.content.decode()
    summary = html[html.index("nhsuk-error-summary") : html.index("<h1>")]
    assert summary.count("unknown clinical area") == 20
    assert "and 5 more problems: see the full list below" in summary
    assert '<td class="nhsuk-table__cell">Row 26</td>' in html
    assert Enrolment.objects.count() == 0


def test_no_file_chosen(nurse_client, cohort):
    response = nurse_client.post(upload_url(cohort), {})
    assert response.status_code == 200
    assert "Select a CSV file or an Excel spreadsheet of trainees to enrol" in (
        response.content.decode()
    )


def test_an_empty_upload(nurse_client, cohort):
    upload = SimpleUploadedFile("empty.csv", b"", "text/csv")
    response = nurse_client.post(upload_url(cohort), {"file": upload})
    assert "The selected file is empty" in response.content.decode()


def test_a_file_over_the_upload_limit_is_refused_by_the_page(
    nurse_client, cohort, people, settings
):
    settings.PATHWAY_MAX_UPLOAD_BYTES = 100
    with open(FIXTURES / "good.csv", "rb") as handle:
        response = nurse_client.post(upload_url(cohort), {"file": handle})
    assert response.status_code == 200
    assert "The selected file must be smaller than 100\xa0bytes" in response.content.decode()
    assert Enrolment.objects.count() == 0


def test_an_unknown_cohort_is_not_found(nurse_client):
    assert nurse_client.get("/cohorts/999999/enrol/upload/").status_code == 404


# Templates --------------------------------------------------------------------------------

HEADER = ["Name", "Email", "Employee number", "Clinical area", "Mentor email", "Tutor email"]


def test_the_csv_template(nurse_client):
    response = nurse_client.get(reverse("cohorts:enrolment_template_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="enrolment-template.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER
    assert len(rows) == 2 and rows[1][1] == "alex.morgan@nhs.net"


def test_the_xlsx_template(nurse_client, areas):
    response = nurse_client.get(reverse("cohorts:enrolment_template_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="enrolment-template.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Trainees"]
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.font.bold for c in sheet[1])
    assert sheet.column_dimensions["B"].width == 32
    assert sheet["A2"].value == "Alex Morgan"
    assert ["critical-care", "Critical care"] in [
        [c.value for c in row] for row in workbook["Clinical areas"].iter_rows()
    ]


@pytest.mark.parametrize("name", ["enrolment_template_csv", "enrolment_template_xlsx"])
def test_a_filled_in_template_imports(nurse_client, cohort, people, name):
    """The template's example row, with a real trainee's details, goes straight back in."""
    response = nurse_client.get(reverse(f"cohorts:{name}"))
    suffix = ".csv" if name.endswith("csv") else ".xlsx"
    upload = SimpleUploadedFile(f"filled{suffix}", response.content)
    result = enrolment_import(actor=None, cohort=cohort, source=upload)
    assert [p.email for p in result.created] == ["alex.morgan@nhs.net"]
    assert [a.kind for a in result.allocations] == ["mentor", "tutor"]


# Refusals ---------------------------------------------------------------------------------


def _urls(cohort):
    return [
        upload_url(cohort),
        reverse("cohorts:enrolment_template_csv"),
        reverse("cohorts:enrolment_template_xlsx"),
    ]


def test_anonymous_people_are_sent_to_sign_in(client, cohort, people):
    for url in _urls(cohort):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/"), url
    with open(FIXTURES / "good.csv", "rb") as handle:
        response = client.post(upload_url(cohort), {"file": handle})
    assert response["Location"].startswith("/sign-in/")
    assert Enrolment.objects.count() == 0


@pytest.mark.parametrize(
    "factory",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
    ],
    ids=["trainee", "mentor", "tutor", "practice educator", "manager"],
)
def test_other_roles_are_refused(client, cohort, people, factory):
    client.force_login(factory())
    for url in _urls(cohort):
        assert client.get(url).status_code == 403, url
    with open(FIXTURES / "good.csv", "rb") as handle:
        response = client.post(upload_url(cohort), {"file": handle})
    assert response.status_code == 403
    assert Enrolment.objects.count() == 0
