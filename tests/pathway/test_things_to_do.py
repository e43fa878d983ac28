"""Each home page says what to do next (issue 16, point 6): the "Things to do" panel
(pathway/things_to_do.py) and the lead nurse's trainees behind, by name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohorts.models import Review
from cohorts.services import reviews as review_services
from pathway.things_to_do import things_to_do
from tests import factories
from tests.cohorts.test_reviews import TODAY, WEEK, World

pytestmark = pytest.mark.django_db


def test_a_tutor_sees_an_overdue_review_on_her_home_page_and_it_goes_once_recorded(client):
    world = World()
    client.force_login(world.tutor)
    page = client.get(reverse("competencies:my_trainees")).content.decode()
    assert 'data-testid="things-to-do"' in page
    assert "1 progress review overdue: Tess Trainee, the oldest" in page
    assert reverse("cohorts:reviews_due") in page

    review_services.review_record(
        actor=world.tutor,
        enrolment=world.enrolment,
        held_on=TODAY() - WEEK,
        progress_summary="On track",
        rag=Review.Rag.GREEN,
        rag_reason="Ahead of the plan",
        actions=[],
    )
    assert not [item for item in things_to_do(world.tutor) if "Tess Trainee" in item.text]


def test_someone_with_nothing_waiting_is_told_so(client):
    mentor = factories.MentorFactory()
    client.force_login(mentor)
    page = client.get(reverse("competencies:my_trainees")).content.decode()
    assert "Nothing is waiting for you." in page


def test_a_ward_manager_sees_the_support_request_waiting_for_her(client):
    application = factories.make_application(factories.open_round())
    manager = application.manager
    items = things_to_do(manager)
    assert [item.url for item in items] == [
        reverse("recruitment:support_decide", args=[application.pk])
    ]
    assert items[0].text.startswith(f"{application.applicant.full_name} asks for your support")


def test_someone_who_could_apply_sees_the_open_round_and_its_closing_date(client):
    recruitment = factories.open_round()
    person = factories.Band3StaffFactory()
    client.force_login(person)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert f"applications close on {recruitment.closes_on:%-d %B %Y}" in page
    factories.make_application(recruitment, applicant=person)
    assert not things_to_do(person)


def test_the_lead_nurse_sees_the_trainees_behind_by_name(client):
    framework, _ = factories.published_framework_with(core=4)
    cohort = factories.CohortFactory(
        framework=framework,
        status="running",
        intake_date=TODAY() - 30 * WEEK,
        planned_end_date=TODAY() + 22 * WEEK,
    )
    # Thirty weeks into a year with nothing achieved: behind the plan.
    behind = factories.enrol(cohort, trainee=factories.TraineeFactory(full_name="Tom Baker"))
    client.force_login(factories.LeadNurseFactory())
    page = client.get(reverse("cohorts:programme_overview")).content.decode()
    assert "1 trainee behind the plan" in page
    assert "Tom Baker" in page
    assert reverse("cohorts:trainee_overview", args=[behind.pk]) in page


def _ask(record, mentor, competency):
    from competencies import services as competency_services

    return competency_services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )


def test_a_mentor_sees_the_requests_waiting_for_her_and_a_link_to_them(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = _ask(record, mentor, competency)
    client.force_login(mentor)
    page = client.get(reverse("competencies:my_trainees")).content.decode()
    panel = page.split('data-testid="things-to-do"', 1)[1].split("</ul>", 1)[0]
    assert f"1 sign-off request waiting for you: {record.trainee.full_name}" in panel
    assert reverse("competencies:my_trainees") + "#sign-off-queue" in panel
    assert 'id="sign-off-queue"' in page

    from competencies import services as competency_services

    competency_services.sign_off_request_withdraw(actor=record.trainee, sign_off_request=request)
    assert not [item for item in things_to_do(mentor) if "sign-off request" in item.text]


def test_a_supervisor_sees_practice_to_confirm_until_she_confirms_it():
    from competencies import services as competency_services

    record, mentor, (competency, *_) = factories.enrolled_trainee()
    entry = competency_services.practice_log(
        actor=record.trainee,
        record=record,
        competencies=[competency],
        practised_on=TODAY(),
        supervisor=mentor,
    )
    [item] = [item for item in things_to_do(mentor) if "supervised practice" in item.text]
    assert item.text == (
        f"Confirm 1 supervised practice you were named on: {record.trainee.full_name}"
    )
    assert item.url == reverse("competencies:practice_queue")
    competency_services.practice_confirm(actor=mentor, practice=entry)
    assert not [item for item in things_to_do(mentor) if "supervised practice" in item.text]


def test_a_trainee_is_told_to_act_on_feedback_on_her_own_progress_page(client):
    from competencies import services as competency_services
    from competencies.models import CompetencyProgress, ProgressState

    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = _ask(record, mentor, competency)
    competency_services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome="not_yet_competent",
        method=competency.assessment_methods[0],
        assessed_on=TODAY(),
        feedback="Practise the handover again",
    )
    assert CompetencyProgress.objects.get(record=record, competency=competency).state == (
        ProgressState.NOT_YET_COMPETENT
    )
    client.force_login(record.trainee)
    page = client.get(reverse("competencies:my_progress")).content.decode()
    panel = page.split('data-testid="things-to-do"', 1)[1].split("</ul>", 1)[0]
    assert f"Act on your mentor&#x27;s feedback on {competency.code} {competency.title}" in panel
    assert reverse("competencies:competency_detail", args=[record.pk, competency.pk]) in panel
    # Someone else reading the trainee's record is not shown the trainee's own list.
    client.force_login(mentor)
    page = client.get(reverse("competencies:record_detail", args=[record.pk])).content.decode()
    assert 'data-testid="things-to-do"' not in page


def test_a_trainee_is_told_before_a_sign_off_expires():
    from competencies.models import CompetencyProgress, ProgressState

    record, _, (competency, *_) = factories.enrolled_trainee()
    CompetencyProgress.objects.filter(record=record, competency=competency).update(
        state=ProgressState.ACHIEVED, achieved_on=TODAY() - WEEK, expires_on=TODAY() + WEEK
    )
    [item] = things_to_do(record.trainee)
    assert item.text == (
        f"Ask for reassessment of {competency.code} {competency.title} before it expires on "
        f"{TODAY() + WEEK:%-d %B %Y}"
    )
    CompetencyProgress.objects.filter(record=record, competency=competency).update(
        expires_on=TODAY() - WEEK
    )
    [item] = things_to_do(record.trainee)
    assert item.urgent and "it expired" in item.text


def test_the_practice_educator_caseload_has_the_panel(client):
    client.force_login(factories.PracticeEducatorFactory())
    page = client.get(reverse("support:caseload")).content.decode()
    assert 'data-testid="things-to-do"' in page


def test_the_administrator_home_says_what_each_area_is_for(client):
    admin = factories.AdministratorFactory(is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert 'data-testid="things-to-do"' in page
    areas = page.split('data-testid="areas"', 1)[1].split("</ul>", 1)[0]
    for label, url, sentence in [
        ("People", reverse("pathway:people"), "Everyone who uses Pathway"),
        ("Audit", reverse("cohorts:audit_log"), "Who changed what, and when"),
        ("Admin", reverse("admin:index"), "Django&#x27;s administration pages"),
    ]:
        assert f'href="{url}">{label}</a>' in areas
        assert sentence in areas
