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
