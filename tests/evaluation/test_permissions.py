"""Who may do what: one refusal per refused role, for building, issuing, results and answering.
(Every URL for ten people is in tests/matrix/evaluation.py.)"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation import services
from evaluation.models import Questionnaire, Response
from tests import factories
from tests.evaluation.helpers import answer, questions_of

pytestmark = pytest.mark.django_db

STAFF = {
    "trainee": factories.TraineeFactory,
    "mentor": factories.MentorFactory,
    "tutor": factories.TutorFactory,
    "practice_educator": factories.PracticeEducatorFactory,
    "manager": factories.ManagerFactory,
    "administrator": factories.AdministratorFactory,
}


@pytest.mark.parametrize("role", sorted(STAFF))
def test_only_the_lead_nurse_builds_issues_and_reads_results(client, role):
    person = STAFF[role]()
    issue, *_ = factories.issued_questionnaire()
    client.force_login(person)
    for url in (
        reverse("evaluation:questionnaire_list"),
        reverse("evaluation:questionnaire_create"),
        reverse("evaluation:issue_create", args=[issue.questionnaire_id]),
        reverse("evaluation:issue_detail", args=[issue.pk]),
        reverse("evaluation:issue_export", args=[issue.pk, "csv"]),
        reverse("evaluation:questionnaire_comparison", args=[issue.questionnaire_id]),
    ):
        assert client.get(url).status_code == 403, url
    with pytest.raises(PermissionDenied):
        services.questionnaire_copy(actor=person, questionnaire=issue.questionnaire, title="x")
    with pytest.raises(PermissionDenied):
        services.issue_create(
            actor=person,
            questionnaire=issue.questionnaire,
            cohort=issue.cohort,
            audience="both",
            opens_on=issue.opens_on,
            closes_on=issue.closes_on,
        )
    assert Questionnaire.objects.count() == 1


@pytest.mark.parametrize("role", ["tutor", "practice_educator", "manager", "administrator"])
def test_staff_who_do_not_answer_questionnaires_are_refused_the_answer_pages(client, role):
    issue, *_ = factories.issued_questionnaire()
    client.force_login(STAFF[role]())
    assert client.get(reverse("evaluation:my_questionnaires")).status_code == 403
    assert client.get(reverse("evaluation:index")).status_code == 403
    assert client.get(reverse("evaluation:respond_start", args=[issue.pk])).status_code == 403


def test_the_lead_nurse_does_not_answer_for_anyone(client, lead_nurse):
    issue, *_ = factories.issued_questionnaire()
    client.force_login(lead_nurse)
    assert client.get(reverse("evaluation:respond_start", args=[issue.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.draft_save(
            actor=lead_nurse, issue=issue, answers={questions_of(issue)["likert"].pk: "3"}
        )


@pytest.mark.parametrize("role", ["trainee", "mentor"])
def test_a_trainee_or_mentor_not_asked_gets_404_and_cannot_answer(client, role):
    issue, *_ = factories.issued_questionnaire()
    stranger = STAFF[role]()
    client.force_login(stranger)
    for name in ("respond_start", "respond_check", "respond_done"):
        assert client.get(reverse(f"evaluation:{name}", args=[issue.pk])).status_code == 404
    assert client.get(reverse("evaluation:respond_section", args=[issue.pk, 1])).status_code == 404
    with pytest.raises(PermissionDenied):
        answer(issue, stranger, likert=1, single=1)
    assert not Response.objects.exists()


def test_the_index_sends_each_role_to_its_page(client, lead_nurse):
    issue, (trainee, *_), mentor = factories.issued_questionnaire()
    for person, page in (
        (lead_nurse, "evaluation:questionnaire_list"),
        (trainee, "evaluation:my_questionnaires"),
        (mentor, "evaluation:my_questionnaires"),
    ):
        client.force_login(person)
        assert client.get(reverse("evaluation:index"))["Location"] == reverse(page)
    client.force_login(mentor)
    body = client.get(reverse("evaluation:my_questionnaires")).content.decode()
    assert issue.questionnaire.title in body and "Not started" in body


def test_a_locked_questionnaire_refuses_changes_in_the_service_too(lead_nurse):
    issue, *_ = factories.issued_questionnaire()
    section = issue.questionnaire.sections.get()
    with pytest.raises(ValidationError):
        services.section_remove(actor=lead_nurse, section=section)
