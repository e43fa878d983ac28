"""Setting up the apprenticeship route: standards, KSB import, programmes, apprentices' terms."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apprenticeships.ksb_import import template_file
from apprenticeships.models import Apprenticeship, ApprenticeshipProgramme
from apprenticeships.services import standards as services
from competencies.models import ApprenticeshipStandard, Ksb
from tests import factories

pytestmark = pytest.mark.django_db

STANDARD = {
    "reference": "st0215",
    "title": "Assistant practitioner (health)",
    "level": 5,
    "version": "1.1",
    "typical_duration_months": 18,
    "minimum_otj_hours": 600,
    "funding_band": 12000,
}


def _csv(text: str, name="ksbs.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _xlsx(rows, name="ksbs.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


# Standards ------------------------------------------------------------------------------------


def test_lead_nurse_adds_and_changes_a_standard():
    lead = factories.LeadNurseFactory()
    standard = services.standard_create(actor=lead, **STANDARD)
    assert standard.reference == "ST0215" and standard.minimum_otj_hours == 600
    services.standard_update(actor=lead, standard=standard, minimum_otj_hours=650)
    standard.refresh_from_db()
    assert standard.minimum_otj_hours == 650


def test_the_same_version_twice_is_refused():
    services.standard_create(actor=None, **STANDARD)
    with pytest.raises(ValidationError) as refused:
        services.standard_create(actor=None, **STANDARD | {"reference": "ST0215"})
    assert "already set up" in str(refused.value)
    assert ApprenticeshipStandard.objects.count() == 1


@pytest.mark.parametrize(
    "factory",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
        factories.AdministratorFactory,
    ],
)
def test_only_the_lead_nurse_sets_up_apprenticeships(factory):
    person = factory()
    standard = factories.ApprenticeshipStandardFactory()
    programme = factories.ProgrammeFactory()
    with pytest.raises(PermissionDenied):
        services.standard_create(actor=person, **STANDARD)
    with pytest.raises(PermissionDenied):
        services.standard_update(actor=person, standard=standard, title="Changed")
    with pytest.raises(PermissionDenied):
        services.ksbs_import(actor=person, standard=standard, upload=_csv("Code,Kind,Text\n"))
    with pytest.raises(PermissionDenied):
        services.programme_standard_set(actor=person, programme=programme, standard=standard)
    assert not ApprenticeshipProgramme.objects.exists()


def test_standard_form_keeps_what_was_typed_and_says_what_is_wrong(client):
    client.force_login(factories.LeadNurseFactory())
    response = client.post(
        reverse("apprenticeships:standard_create"),
        STANDARD | {"reference": "215", "minimum_otj_hours": "20%"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a reference like ST0215" in page
    assert "The minimum off-the-job hours must be a whole number" in page
    assert 'value="20%"' in page
    assert not ApprenticeshipStandard.objects.exists()


# KSB import -----------------------------------------------------------------------------------


def test_import_from_csv_adds_and_then_changes_by_code():
    standard = factories.ApprenticeshipStandardFactory()
    result = services.ksbs_import(
        actor=None,
        standard=standard,
        upload=_csv("Code,Kind,Text\nK1,Knowledge,Anatomy\nS1,skill,Observations\nB1,B,Kind\n"),
    )
    assert result == {"added": 3, "changed": 0}
    assert list(standard.ksbs.values_list("code", "kind")) == [
        ("K1", "K"),
        ("S1", "S"),
        ("B1", "B"),
    ]
    result = services.ksbs_import(
        actor=None,
        standard=standard,
        upload=_csv("text;code;kind\nAnatomy and physiology;K1;Knowledge\nNew;K2;Knowledge\n"),
    )
    assert result == {"added": 1, "changed": 1}
    assert standard.ksbs.get(code="K1").text == "Anatomy and physiology"
    assert standard.ksbs.count() == 4  # S1 and B1 stay


def test_import_from_xlsx_and_the_template_imports_as_it_is():
    standard = factories.ApprenticeshipStandardFactory()
    services.ksbs_import(
        actor=None, standard=standard, upload=_xlsx([["Code", "Kind", "Text"], ["K1", "K", "A"]])
    )
    assert standard.ksbs.get().text == "A"
    for fmt in ("csv", "xlsx"):
        other = factories.ApprenticeshipStandardFactory()
        upload = SimpleUploadedFile(f"template.{fmt}", template_file(fmt))
        assert services.ksbs_import(actor=None, standard=other, upload=upload)["added"] == 3


def test_a_bad_file_writes_nothing_and_lists_every_row():
    standard = factories.ApprenticeshipStandardFactory()
    with pytest.raises(ValidationError) as refused:
        services.ksbs_import(
            actor=None,
            standard=standard,
            upload=_csv(
                "Code,Kind,Text\nK1,Knowledge,Fine\n,Skill,No code\nK1,Knowledge,Again\n"
                "B1,Attitude,Bad kind\nK12345678901,K,Long code\nS2,S,\n"
            ),
        )
    problems = refused.value.message_dict["file"]
    assert problems == [
        "Row 3: enter the code, like K1",
        "Row 4: the code K1 repeats row 2",
        "Row 5: the kind must be Knowledge, Skill or Behaviour",
        "Row 6: the code must be 10 characters or fewer",
        "Row 7: enter the text of the KSB",
    ]
    assert not Ksb.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (_csv("Code,Text\nK1,x\n"), "missing Kind"),
        (_csv("Code,Kind,Text\n"), "no KSBs"),
        (SimpleUploadedFile("ksbs.pdf", b"%PDF-1.4"), "must be a CSV or an Excel"),
        (SimpleUploadedFile("ksbs.xlsx", b"not a zip at all"), "could not be read"),
        (SimpleUploadedFile("ksbs.csv", b""), "empty"),
    ],
)
def test_files_that_cannot_be_read_say_why(upload, message):
    standard = factories.ApprenticeshipStandardFactory()
    with pytest.raises(ValidationError) as refused:
        services.ksbs_import(actor=None, standard=standard, upload=upload)
    assert message in " ".join(refused.value.message_dict["file"])
    assert not Ksb.objects.exists()


def test_import_page_shows_row_problems(client):
    client.force_login(factories.LeadNurseFactory())
    standard = factories.ApprenticeshipStandardFactory()
    response = client.post(
        reverse("apprenticeships:ksb_import", args=[standard.pk]),
        {"file": _csv("Code,Kind,Text\nK1,Nonsense,x\n")},
    )
    assert response.status_code == 200
    assert "Row 2: the kind must be Knowledge, Skill or Behaviour" in response.content.decode()
    response = client.post(
        reverse("apprenticeships:ksb_import", args=[standard.pk]),
        {"file": _csv("Code,Kind,Text\nK1,Knowledge,x\n")},
    )
    assert response.status_code == 302
    assert standard.ksbs.count() == 1


# Programmes and terms -------------------------------------------------------------------------


def _programme_with_enrolment(start=None):
    standard = factories.ApprenticeshipStandardFactory(minimum_otj_hours=600)
    cohort = factories.CohortFactory()
    enrolment = factories.enrol(cohort)
    services.programme_standard_set(actor=None, programme=cohort.programme, standard=standard)
    return standard, enrolment


def test_terms_default_to_the_standards_minimum_whatever_the_duration():
    """2025-26 rules: the published minimum per standard, not 20% nor pro rata."""
    standard, enrolment = _programme_with_enrolment()
    start = datetime.date(2025, 9, 1)
    terms = services.apprenticeship_terms_save(
        actor=factories.LeadNurseFactory(),
        enrolment=enrolment,
        practical_period_start=start,
        planned_end_date=datetime.date(2026, 6, 1),  # 9 months
    )
    assert terms.planned_otj_hours == 600 and terms.levy_funded


def test_terms_follow_the_minimum_duration_rules():
    standard, enrolment = _programme_with_enrolment()
    with pytest.raises(ValidationError) as refused:
        services.apprenticeship_terms_save(
            actor=None,
            enrolment=enrolment,
            practical_period_start=datetime.date(2025, 9, 1),
            planned_end_date=datetime.date(2026, 4, 30),  # under 8 months
        )
    assert "at least 8 months" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.apprenticeship_terms_save(
            actor=None,
            enrolment=enrolment,
            practical_period_start=datetime.date(2025, 1, 6),  # before August 2025: 12 months
            planned_end_date=datetime.date(2025, 11, 6),
        )
    assert "at least 12 months" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.apprenticeship_terms_save(
            actor=None,
            enrolment=enrolment,
            practical_period_start=datetime.date(2025, 9, 1),
            planned_end_date=datetime.date(2027, 3, 1),
            planned_otj_hours=300,
        )
    assert "at least 600" in str(refused.value)
    assert not Apprenticeship.objects.exists()


def test_terms_need_an_apprenticeship_programme():
    enrolment = factories.enrol(factories.CohortFactory())
    with pytest.raises(ValidationError):
        services.apprenticeship_terms_save(
            actor=None,
            enrolment=enrolment,
            practical_period_start=datetime.date(2025, 9, 1),
            planned_end_date=datetime.date(2027, 3, 1),
        )


def test_the_standard_stays_once_apprentices_have_terms():
    standard, enrolment = _programme_with_enrolment()
    services.apprenticeship_terms_save(
        actor=None,
        enrolment=enrolment,
        practical_period_start=datetime.date(2025, 9, 1),
        planned_end_date=datetime.date(2027, 3, 1),
    )
    other = factories.ApprenticeshipStandardFactory()
    with pytest.raises(ValidationError):
        services.programme_standard_set(
            actor=None, programme=enrolment.cohort.programme, standard=other
        )
    assert enrolment.cohort.programme.apprenticeship.standard == standard


def test_terms_page_records_the_terms(client):
    standard, enrolment = _programme_with_enrolment()
    client.force_login(factories.LeadNurseFactory())
    url = reverse("apprenticeships:terms_edit", args=[enrolment.pk])
    page = client.get(url).content.decode()
    assert "Leave blank for 600 hours" in page
    response = client.post(
        url,
        {
            **factories.date_fields("practical_period_start", datetime.date(2025, 9, 1)),
            **factories.date_fields("planned_end_date", datetime.date(2027, 3, 1)),
            "planned_otj_hours": "",
            "levy_funded": "no",
        },
    )
    terms = Apprenticeship.objects.get()
    assert response.status_code == 302
    assert terms.planned_otj_hours == 600 and not terms.levy_funded
    page = client.get(reverse("apprenticeships:apprentice", args=[terms.pk])).content.decode()
    assert "600 hours" in page and standard.reference in page


def test_programme_page_names_the_standard(client):
    client.force_login(factories.LeadNurseFactory())
    standard = factories.ApprenticeshipStandardFactory()
    programme = factories.ProgrammeFactory()
    url = reverse("apprenticeships:programme_standard", args=[programme.pk])
    assert client.post(url, {"standard": standard.pk}).status_code == 302
    assert programme.apprenticeship.standard == standard
    response = client.post(url, {"standard": "999999999999999999999"})
    assert "Select a standard from the list" in response.content.decode()


# Upload limits (as tests/test_upload_limits.py for the other imports) -------------------------


def test_ksb_import_refuses_a_spreadsheet_bomb_and_a_file_over_the_limit(settings):
    from tests.uploads import CountingFile, two_million_row_xlsx

    standard = factories.ApprenticeshipStandardFactory()
    source = CountingFile(two_million_row_xlsx(), name="ksbs.xlsx")
    with pytest.raises(ValidationError) as refused:
        services.ksbs_import(actor=None, standard=standard, upload=source)
    assert "too large to read" in refused.value.message_dict["file"][0]
    assert source.bytes_read < len(two_million_row_xlsx()) // 4

    settings.PATHWAY_MAX_UPLOAD_BYTES = 1000
    source = CountingFile(b"Code,Kind,Text\n", name="ksbs.csv", size=1001)
    with pytest.raises(ValidationError) as refused:
        services.ksbs_import(actor=None, standard=standard, upload=source)
    assert "must be smaller than" in refused.value.message_dict["file"][0]
    assert source.bytes_read == 0
    rows = "".join(f"K{n},K,Text {n}\n" for n in range(1, 1100))
    with pytest.raises(ValidationError) as refused:
        settings.PATHWAY_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
        services.ksbs_import(actor=None, standard=standard, upload=_csv("Code,Kind,Text\n" + rows))
    assert "more than 1,000 KSBs" in refused.value.message_dict["file"][0]
    assert not Ksb.objects.exists()
