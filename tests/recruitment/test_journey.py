"""From application to enrolment, through the pages people use: a band 3 member of staff
applies, their manager confirms support, the lead nurse shortlists against the criteria,
records the interview and makes an offer, the applicant accepts, and the lead nurse enrols
them in one step (trainee role, training record, enrolment)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrolment, EnrolmentStatus
from competencies.models import TrainingRecord
from pathway.models import RoleCode
from recruitment.models import Application, ApplicationStatus
from tests import factories

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _date(prefix: str, day) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def test_the_whole_journey_through_the_pages():
    lead = factories.LeadNurseFactory()
    recruitment = factories.open_round()
    cohort = recruitment.cohort
    area = cohort.clinical_areas.get()
    applicant = factories.Band3StaffFactory(full_name="Amy Applicant", clinical_area=area)
    manager = factories.ManagerFactory(full_name="Mo Manager")
    essential, desirable = recruitment.criteria.all()

    # The applicant finds the open cohort and applies.
    me = _client(applicant)
    page = me.get(reverse("recruitment:my_applications"))
    assert page.status_code == 200
    assert reverse("recruitment:apply", args=[recruitment.pk]) in page.content.decode()
    response = me.post(
        reverse("recruitment:apply", args=[recruitment.pk]),
        {
            "job_title": "Healthcare assistant",
            "clinical_area": area.pk,
            "employee_number": "H1234",
            "phone": "01234 567890",
            "manager": manager.pk,
            "statement": "Three years on the unit; I want to become an assistant practitioner.",
        },
    )
    application = Application.objects.get(applicant=applicant)
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:application_detail", args=[application.pk])
    assert application.status == S.AWAITING_SUPPORT
    assert application.recorded_by == applicant

    # The manager sees the request and confirms support.
    boss = _client(manager)
    waiting = boss.get(reverse("recruitment:support_requests")).content.decode()
    assert "Amy Applicant" in waiting
    response = boss.post(
        reverse("recruitment:support_decide", args=[application.pk]),
        {"supports": "yes", "comment": "Reliable and keen"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUPPORTED
    assert application.support_comment == "Reliable and keen"

    # The lead nurse shortlists against each criterion.
    lead_client = _client(lead)
    response = lead_client.post(
        reverse("recruitment:shortlist", args=[application.pk]),
        {
            f"met_{essential.pk}": "yes",
            f"notes_{essential.pk}": "Four years at band 3",
            f"met_{desirable.pk}": "no",
            "decision": "yes",
        },
    )
    assert response.status_code == 302, response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SHORTLISTED
    assert application.shortlisted_on == timezone.localdate()
    assert {(a.criterion_id, a.met) for a in application.assessments.all()} == {
        (essential.pk, True),
        (desirable.pk, False),
    }

    # The interview, then the offer.
    response = lead_client.post(
        reverse("recruitment:interview", args=[application.pk]),
        {
            **_date("held_on", timezone.localdate()),
            "panel": "Lead nurse, ward manager, university tutor",
            "score": "78",
            "outcome": "appointable",
            "notes": "Strong answers on escalation",
        },
    )
    assert response.status_code == 302, response.content.decode()
    application.refresh_from_db()
    assert application.status == S.APPOINTABLE
    assert application.interview.score == 78

    response = lead_client.post(
        reverse("recruitment:offer", args=[application.pk]), {"notes": "Start in September"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.OFFERED

    # The applicant accepts.
    detail = me.get(reverse("recruitment:application_detail", args=[application.pk]))
    assert "Answer your offer" in detail.content.decode()
    response = me.post(reverse("recruitment:respond", args=[application.pk]), {"accept": "yes"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.ACCEPTED

    # One step: enrolled, with the trainee role and a training record.
    assert not applicant.has_role(RoleCode.TRAINEE)
    response = lead_client.post(
        reverse("recruitment:enrol", args=[application.pk]), {"clinical_area": area.pk}
    )
    assert response.status_code == 302, response.content.decode()
    application.refresh_from_db()
    assert application.status == S.ENROLLED
    enrolment = Enrolment.objects.get(trainee=applicant)
    assert application.enrolment == enrolment
    assert enrolment.cohort == cohort
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert enrolment.start_date == cohort.intake_date
    assert TrainingRecord.objects.filter(trainee=applicant, framework=cohort.framework).exists()
    applicant.refresh_from_db()
    applicant.forget_roles()
    assert applicant.has_role(RoleCode.TRAINEE)

    # The history names every step; the figures count it.
    assert list(application.events.values_list("to_status", flat=True)) == [
        S.AWAITING_SUPPORT,
        S.SUPPORTED,
        S.SHORTLISTED,
        S.APPOINTABLE,
        S.OFFERED,
        S.ACCEPTED,
        S.ENROLLED,
    ]
    page = lead_client.get(reverse("recruitment:round_detail", args=[recruitment.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Recruitment figures for" in html
    assert "Enrolled" in html


def test_the_lead_nurse_records_an_application_for_someone():
    lead = factories.LeadNurseFactory()
    recruitment = factories.open_round()
    area = recruitment.cohort.clinical_areas.get()
    applicant = factories.Band3StaffFactory(full_name="Paper Applicant")
    manager = factories.ManagerFactory()
    response = _client(lead).post(
        reverse("recruitment:application_add", args=[recruitment.pk]),
        {
            "applicant": applicant.pk,
            "job_title": "Healthcare assistant",
            "clinical_area": area.pk,
            "manager": manager.pk,
            "statement": "Sent on paper; typed in by the lead nurse.",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(applicant=applicant)
    assert application.recorded_by == lead
    assert application.status == S.AWAITING_SUPPORT
    # The applicant sees it as their own.
    page = _client(applicant).get(reverse("recruitment:my_applications"))
    assert recruitment.cohort.name in page.content.decode()


def test_bad_application_shows_the_error_summary_and_keeps_what_was_typed():
    recruitment = factories.open_round()
    applicant = factories.Band3StaffFactory()
    response = _client(applicant).post(
        reverse("recruitment:apply", args=[recruitment.pk]),
        {"job_title": "Healthcare assistant", "statement": "Kept as typed"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Select your line manager" in html
    assert "Kept as typed" in html
    assert not Application.objects.exists()


def test_declining_support_needs_a_reason_and_ends_the_application():
    recruitment = factories.open_round()
    application = factories.make_application(recruitment)
    boss = _client(application.manager)
    url = reverse("recruitment:support_decide", args=[application.pk])
    response = boss.post(url, {"supports": "no"})
    assert response.status_code == 200
    assert "Say why you cannot support" in response.content.decode()
    response = boss.post(url, {"supports": "no", "comment": "Staffing too short this year"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.NOT_SUPPORTED
    # Asked again: nothing to answer.
    again = boss.get(url)
    assert again.status_code == 302


def test_an_essential_criterion_not_met_cannot_be_shortlisted_on_the_page():
    lead = factories.LeadNurseFactory()
    recruitment = factories.open_round()
    application = factories.make_application(recruitment, status=S.SUPPORTED)
    essential, desirable = recruitment.criteria.all()
    response = _client(lead).post(
        reverse("recruitment:shortlist", args=[application.pk]),
        {f"met_{essential.pk}": "no", f"met_{desirable.pk}": "yes", "decision": "yes"},
    )
    assert response.status_code == 200
    assert "essential criterion is not met" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUPPORTED
    assert not application.assessments.exists()


def test_the_applicant_withdraws():
    recruitment = factories.open_round()
    application = factories.make_application(recruitment, status=S.SHORTLISTED)
    response = _client(application.applicant).post(
        reverse("recruitment:withdraw", args=[application.pk]), {"notes": "Moving away"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    # The figures still count the shortlisting that happened.
    from recruitment.selectors import figures_of

    assert figures_of(recruitment).shortlisted == 1
