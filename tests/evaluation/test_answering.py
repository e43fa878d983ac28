"""Issuing, answering with save-and-finish-later, closing, one answer per person."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import Draft, Invitation, Response
from evaluation.tasks import notify_questionnaire_opened
from notifications.models import Kind, Notification
from tests import factories
from tests.evaluation.helpers import answer, questions_of

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_issuing_asks_the_cohorts_trainees_and_their_current_mentors_once_each(
    lead_nurse, django_capture_on_commit_callbacks
):
    cohort = factories.CohortFactory()
    mentor = factories.MentorFactory()
    trainees = [factories.enrol(cohort, mentor=mentor).trainee for _ in range(2)]
    # A mentor whose allocation ended is not asked; a withdrawn trainee is not asked.
    former = factories.MentorFactory()
    factories.AllocationFactory(
        trainee=trainees[0],
        supporter=former,
        kind="mentor",
        start_date=cohort.intake_date,
        end_date=timezone.localdate() - DAY,
    )
    withdrawn = factories.enrol(cohort)
    withdrawn.status = "withdrawn"
    withdrawn.save()
    today = timezone.localdate()
    with django_capture_on_commit_callbacks() as queued:
        issue = services.issue_create(
            actor=lead_nurse,
            questionnaire=factories.questionnaire_with(),
            cohort=cohort,
            audience="both",
            opens_on=today,
            closes_on=today + 7 * DAY,
        )
    # Nobody is told until the issue is committed; then a task tells them all.
    assert not Notification.objects.filter(kind=Kind.QUESTIONNAIRE_ISSUED).exists()
    [tell_everyone] = queued
    tell_everyone()
    invited = {(i.person, i.invited_as) for i in issue.invitations.all()}
    assert invited == {(t, "trainee") for t in trainees} | {(mentor, "mentor")}
    # Opened today: each was told, once.
    notices = Notification.objects.filter(kind=Kind.QUESTIONNAIRE_ISSUED)
    assert sorted(n.recipient_id for n in notices) == sorted([t.pk for t in trainees] + [mentor.pk])
    assert services.notify_issue_opened(issue) == 0
    # The task delivered again tells nobody twice.
    assert notify_questionnaire_opened.apply(args=[issue.pk]).get() == 0


@pytest.mark.parametrize("audience, expected", [("trainees", 2), ("mentors", 1)])
def test_issuing_to_trainees_or_mentors_only(lead_nurse, audience, expected):
    issue, *_ = factories.issued_questionnaire(trainees=2, audience=audience)
    assert issue.invitations.count() == expected


def test_issuing_refuses_bad_dates_empty_questionnaires_and_empty_cohorts(lead_nurse):
    today = timezone.localdate()
    cohort = factories.CohortFactory()
    factories.enrol(cohort)
    questionnaire = factories.questionnaire_with()
    issue_args = {
        "actor": lead_nurse,
        "questionnaire": questionnaire,
        "cohort": cohort,
        "audience": "trainees",
    }
    with pytest.raises(ValidationError, match="after the opening date"):
        services.issue_create(**issue_args, opens_on=today, closes_on=today - DAY)
    with pytest.raises(ValidationError, match="today or in the future"):
        services.issue_create(**issue_args, opens_on=today - 9 * DAY, closes_on=today - DAY)
    empty = services.questionnaire_create(actor=lead_nurse, title="Empty")
    with pytest.raises(ValidationError, match="at least one question"):
        services.issue_create(
            **{**issue_args, "questionnaire": empty}, opens_on=today, closes_on=today
        )
    with pytest.raises(ValidationError, match="nobody to ask"):
        services.issue_create(
            **{**issue_args, "cohort": factories.CohortFactory()}, opens_on=today, closes_on=today
        )
    with pytest.raises(PermissionDenied):
        services.issue_create(
            **{**issue_args, "actor": factories.AdministratorFactory()},
            opens_on=today,
            closes_on=today,
        )


def test_an_issue_opening_later_is_announced_by_the_daily_reminders_on_its_day():
    from evaluation.reminders import due

    today = timezone.localdate()
    issue, trainees, _ = factories.issued_questionnaire(
        trainees=1, mentor=False, opens_on=today + 2 * DAY, closes_on=today + 20 * DAY
    )
    assert not Notification.objects.exists()
    assert list(due(today)) == []
    reminders = list(due(today + 2 * DAY))
    assert [(r.recipient, r.kind) for r in reminders] == [(trainees[0], Kind.QUESTIONNAIRE_ISSUED)]


def test_answering_in_the_browser_with_save_and_finish_later(client):
    issue, (trainee, *_), _ = factories.issued_questionnaire(
        questionnaire=factories.questionnaire_with(sections=2)
    )
    client.force_login(trainee)
    q = {
        f"{n}{k}": q
        for n, section in enumerate(issue.questionnaire.sections.order_by("order"), 1)
        for k, q in ((q.kind, q) for q in section.questions.all())
    }
    page = reverse("evaluation:respond_section", args=[issue.pk, 1])
    # Continue without the required answers: the error summary, nothing saved.
    response = client.post(page, {"continue": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Select your answer to" in body
    assert not Draft.objects.exists()
    # Finish later with one answer: kept, without the required check.
    response = client.post(page, {"later": "1", q["1likert"].field_name: "4"})
    assert response["Location"] == reverse("evaluation:my_questionnaires")
    assert Draft.objects.get().answers == {str(q["1likert"].pk): "4"}
    listing = client.get(reverse("evaluation:my_questionnaires")).content.decode()
    assert "In progress" in listing
    # Coming back: the saved answer is shown checked.
    again = client.get(page).content.decode()
    assert 'value="4" checked' in again or 'value="4"\n' in again or "checked" in again
    response = client.post(
        page,
        {
            "continue": "1",
            q["1likert"].field_name: "5",
            q["1single"].field_name: "2",
            q["1multiple"].field_name: ["1", "3"],
            q["1text"].field_name: "More time on the ward",
        },
    )
    assert response["Location"] == reverse("evaluation:respond_section", args=[issue.pk, 2])
    response = client.post(
        reverse("evaluation:respond_section", args=[issue.pk, 2]),
        {"continue": "1", q["2likert"].field_name: "3", q["2single"].field_name: "1"},
    )
    assert response["Location"] == reverse("evaluation:respond_check", args=[issue.pk])
    check = client.get(response["Location"]).content.decode()
    assert "More time on the ward" in check and "Check your answers" in check
    response = client.post(reverse("evaluation:respond_check", args=[issue.pk]), {})
    assert response["Location"] == reverse("evaluation:respond_done", args=[issue.pk])
    assert Response.objects.get().respondent == trainee  # a named issue
    assert Invitation.objects.get(issue=issue, person=trainee).submitted
    assert not Draft.objects.exists()
    # Once submitted, the questions are not shown again.
    done = client.get(page).content.decode()
    assert "Answers submitted" in done


def test_a_person_answers_only_once(db):
    issue, (trainee, *_), _ = factories.issued_questionnaire(anonymous=True)
    answer(issue, trainee, likert=4, single=1)
    with pytest.raises(ValidationError, match="already submitted"):
        answer(issue, trainee, likert=1, single=2)
    with pytest.raises(ValidationError, match="already submitted"):
        services.response_submit(actor=trainee, issue=issue)
    assert Response.objects.count() == 1


def test_submitting_needs_the_required_answers(db):
    issue, (trainee, *_), _ = factories.issued_questionnaire()
    answer(issue, trainee, likert=4, submit=False)
    with pytest.raises(ValidationError, match="How often"):
        services.response_submit(actor=trainee, issue=issue)
    assert not Response.objects.exists()


def test_impossible_answers_are_refused(db):
    issue, (trainee, *_), _ = factories.issued_questionnaire()
    q = questions_of(issue)
    for answers in (
        {q["likert"].pk: "6"},
        {q["single"].pk: ["1", "2"]},
        {q["multiple"].pk: ["1", "9"]},
        {q["text"].pk: "x" * 5001},
    ):
        with pytest.raises(ValidationError):
            services.draft_save(actor=trainee, issue=issue, answers=answers)
    other = factories.questionnaire_with()
    with pytest.raises(ValidationError, match="not part of"):
        services.draft_save(
            actor=trainee,
            issue=issue,
            answers={other.sections.get().questions.first().pk: "1"},
        )


def test_after_closing_no_answers_are_accepted(client):
    today = timezone.localdate()
    issue, (trainee, *_), _ = factories.issued_questionnaire(closes_on=today)
    answer(issue, trainee, likert=3, submit=False)
    later = today + DAY
    with pytest.raises(ValidationError, match="closed on"):
        services.draft_save(
            actor=trainee, issue=issue, answers={questions_of(issue)["single"].pk: "1"}, today=later
        )
    with pytest.raises(ValidationError, match="no longer accepted"):
        services.response_submit(actor=trainee, issue=issue, today=later)
    # In the browser: the closed page, for GET and POST alike.
    issue.opens_on = today - 5 * DAY
    issue.closes_on = today - DAY
    issue.save()
    client.force_login(trainee)
    for url in (
        reverse("evaluation:respond_start", args=[issue.pk]),
        reverse("evaluation:respond_section", args=[issue.pk, 1]),
    ):
        body = client.get(url).content.decode()
        assert "This questionnaire has closed" in body and "no longer accepted" in body
    response = client.post(reverse("evaluation:respond_check", args=[issue.pk]), {})
    assert "This questionnaire has closed" in response.content.decode()
    assert not Response.objects.exists()


def test_not_yet_open(client):
    today = timezone.localdate()
    issue, (trainee, *_), _ = factories.issued_questionnaire(
        opens_on=today + 3 * DAY, closes_on=today + 9 * DAY
    )
    with pytest.raises(ValidationError, match="not accepted yet"):
        answer(issue, trainee, likert=3)
    client.force_login(trainee)
    body = client.get(reverse("evaluation:respond_start", args=[issue.pk])).content.decode()
    assert "not open yet" in body


def test_closing_reminders_go_to_those_who_have_not_answered_once_each():
    from evaluation.reminders import due
    from notifications.services import notify

    today = timezone.localdate()
    issue, (first, second, third), mentor = factories.issued_questionnaire(
        closes_on=today + 5 * DAY
    )
    answer(issue, first, likert=4, single=1)
    assert [r for r in due(today) if r.kind == Kind.QUESTIONNAIRE_CLOSING] == []
    closing = [r for r in due(today + 2 * DAY) if r.kind == Kind.QUESTIONNAIRE_CLOSING]
    assert {r.recipient for r in closing} == {second, third, mentor}
    assert {r.key for r in closing} == {
        f"questionnaire-closing:{issue.pk}:{p.pk}" for p in (second, third, mentor)
    }
    for reminder in closing:
        assert notify(**reminder.__dict__) is not None
        assert notify(**reminder.__dict__) is None  # the key: sent once
    assert list(due(today + 6 * DAY)) == []  # closed
