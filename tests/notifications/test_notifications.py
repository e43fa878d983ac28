"""Notifications: sign-off requests and decisions, reminders sent once, email choices, pages."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies import services as competency_services
from competencies.models import Assessment, CompetencyProgress, ProgressState
from notifications import services
from notifications.models import ALWAYS_EMAILED, EmailPreference, Kind, Notification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the emails) as if each test's transaction had committed."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def ask_sign_off(record, mentor, competency):
    return competency_services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )


# Sign-off requests and decisions -------------------------------------------------------------


def test_a_sign_off_request_tells_the_mentor_in_pathway_and_by_email(committing):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = committing(ask_sign_off, record, mentor, competency)

    notification = Notification.objects.get(recipient=mentor)
    assert notification.kind == Kind.SIGN_OFF_REQUESTED
    assert record.trainee.full_name in notification.subject
    assert competency.code in notification.subject
    assert notification.url == reverse("competencies:sign_off", args=[request.pk])
    assert notification.read_at is None
    [email] = mail.outbox
    assert email.to == [mentor.email]
    assert competency.code in email.subject
    assert "http://127.0.0.1:8000" + notification.url in email.body
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


def test_a_rolled_back_request_sends_no_email():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    # No commit happens inside the test's transaction: the email waits for one, and so never
    # goes for an action that does not commit.
    ask_sign_off(record, mentor, competency)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("outcome", "feedback", "verdict"),
    [
        (Assessment.Outcome.ACHIEVED, "", "has signed off {name}"),
        (
            Assessment.Outcome.NOT_YET_COMPETENT,
            "Practise the handover again",
            "has not signed off {name} yet: read their feedback",
        ),
    ],
)
def test_the_decision_tells_the_trainee(committing, outcome, feedback, verdict):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = ask_sign_off(record, mentor, competency)
    committing(
        competency_services.sign_off_request_decide,
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome=outcome,
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback=feedback,
    )
    notification = Notification.objects.get(recipient=record.trainee)
    assert notification.kind == Kind.SIGN_OFF_DECIDED
    # A sentence naming who decided and what, not a state ("K1 not yet signed off").
    name = f"{competency.code} {competency.title}"
    assert notification.subject == f"{mentor.full_name} " + verdict.format(name=name)
    assert (feedback in notification.body) if feedback else "Feedback" not in notification.body
    assert notification.url == reverse(
        "competencies:competency_detail", args=[record.pk, competency.pk]
    )
    # Only the decision ran with a commit here, so only its email went.
    assert [m.to for m in mail.outbox] == [[record.trainee.email]]


def test_email_turned_off_for_a_kind_keeps_the_notification_but_sends_no_email(committing):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    services.email_preferences_save(
        actor=mentor, email_kinds={Kind.SIGN_OFF_DECIDED, Kind.REVIEW_DUE}
    )
    committing(ask_sign_off, record, mentor, competency)
    assert Notification.objects.filter(recipient=mentor).count() == 1
    assert mail.outbox == []


def test_a_key_is_sent_once():
    person = factories.TraineeFactory()
    first = services.notify(
        recipient=person, kind=Kind.REVIEW_DUE, subject="Due", body="", key="review:1:2026-12-01"
    )
    again = services.notify(
        recipient=person, kind=Kind.REVIEW_DUE, subject="Due", body="", key="review:1:2026-12-01"
    )
    assert first is not None and again is None
    assert Notification.objects.filter(recipient=person).count() == 1


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown notification kind"):
        services.notify(recipient=factories.TraineeFactory(), kind="gossip", subject="x", body="x")


# Reminders -----------------------------------------------------------------------------------


def achieved(record, competency, *, expires_on):
    CompetencyProgress.objects.filter(record=record, competency=competency).update(
        state=ProgressState.ACHIEVED,
        achieved_on=expires_on - datetime.timedelta(days=365),
        expires_on=expires_on,
    )


def test_a_competency_expiring_within_30_days_is_reminded_once(committing):
    today = timezone.localdate()
    record, _mentor, (soon, later, gone) = factories.enrolled_trainee()
    achieved(record, soon, expires_on=today + datetime.timedelta(days=30))
    achieved(record, later, expires_on=today + datetime.timedelta(days=31))
    achieved(record, gone, expires_on=today)  # expired today: reassessment due, not a warning

    committing(call_command, "send_reminders", stdout=io.StringIO())
    committing(call_command, "send_reminders", stdout=io.StringIO())

    [notification] = Notification.objects.filter(recipient=record.trainee)
    assert notification.kind == Kind.COMPETENCY_EXPIRING
    assert soon.code in notification.subject
    assert "in 30 days" in notification.body
    assert len(mail.outbox) == 1


def review_world(*, started_weeks_ago: int, interval_weeks: int = 12):
    today = timezone.localdate()
    framework, area = factories.published_framework_with(core=1)
    cohort = factories.CohortFactory(
        framework=framework,
        intake_date=today - datetime.timedelta(weeks=started_weeks_ago),
        review_interval_weeks=interval_weeks,
    )
    mentor, tutor = factories.MentorFactory(), factories.TutorFactory()
    enrolment = factories.enrol(cohort, area=area, mentor=mentor, tutor=tutor)
    return enrolment, mentor, tutor


def test_a_review_due_soon_reminds_the_trainee_mentor_and_tutor_once(committing, capsys):
    # Started 11 weeks ago with 12-weekly reviews: the first is due in a week.
    enrolment, mentor, tutor = review_world(started_weeks_ago=11)
    committing(call_command, "send_reminders")
    committing(call_command, "send_reminders")

    reminded = Notification.objects.filter(kind=Kind.REVIEW_DUE)
    assert sorted(n.recipient_id for n in reminded) == sorted(
        [enrolment.trainee_id, mentor.pk, tutor.pk]
    )
    assert not Notification.objects.filter(kind=Kind.REVIEW_OVERDUE).exists()
    assert len(mail.outbox) == 3
    output = capsys.readouterr().out
    assert "3 sent, 0 already sent" in output
    assert "0 sent, 3 already sent" in output


def test_an_overdue_review_is_a_second_reminder_for_the_same_due_date(committing):
    enrolment, mentor, tutor = review_world(started_weeks_ago=11)
    today = timezone.localdate()
    committing(call_command, "send_reminders", date=today.isoformat())
    committing(
        call_command, "send_reminders", date=(today + datetime.timedelta(weeks=2)).isoformat()
    )
    kinds = sorted(
        Notification.objects.filter(recipient=enrolment.trainee).values_list("kind", flat=True)
    )
    assert kinds == [Kind.REVIEW_DUE, Kind.REVIEW_OVERDUE]


def test_a_review_not_yet_due_sends_nothing(committing):
    review_world(started_weeks_ago=2)
    committing(call_command, "send_reminders")
    assert not Notification.objects.exists()


def test_send_reminders_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", date="23/11/2026")


# Pages ---------------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_and_the_list_shows_each(client):
    person = factories.TraineeFactory()
    for n in range(3):
        services.notify(recipient=person, kind=Kind.SIGN_OFF_DECIDED, subject=f"Thing {n}", body="")
    client.force_login(person)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Notifications (3 unread)" in page
    assert "You have 3 unread notifications." in page
    assert page.count(">New</strong>") == 3


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client):
    person = factories.TraineeFactory()
    notification = services.notify(
        recipient=person, kind=Kind.SIGN_OFF_DECIDED, subject="Done", body="", url="/progress/"
    )
    client.force_login(person)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/progress/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_never_redirects_off_site(client):
    person = factories.TraineeFactory()
    notification = services.notify(
        recipient=person, kind=Kind.SIGN_OFF_DECIDED, subject="x", body="", url="//evil.example/"
    )
    client.force_login(person)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.parametrize(
    "stranger",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
        factories.LeadNurseFactory,
        factories.AdministratorFactory,
    ],
)
def test_nobody_else_can_open_someones_notification(client, stranger):
    notification = services.notify(
        recipient=factories.TraineeFactory(), kind=Kind.SIGN_OFF_DECIDED, subject="x", body=""
    )
    client.force_login(stranger())
    url = reverse("notifications:open", args=[notification.pk])
    # To anyone but its recipient it does not exist, like one that never did.
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    missing = reverse("notifications:open", args=[notification.pk + 1000])
    assert client.get(missing).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_people_are_sent_to_sign_in(client):
    for name in ("list", "settings"):
        response = client.get(reverse(f"notifications:{name}"))
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_mark_all_read_touches_only_my_notifications(client):
    me, other = factories.TraineeFactory(), factories.TraineeFactory()
    for person in (me, me, other):
        services.notify(recipient=person, kind=Kind.REVIEW_DUE, subject="x", body="")
    client.force_login(me)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "2 notifications marked as read" in response.content.decode()
    assert not Notification.objects.unread().filter(recipient=me).exists()
    assert Notification.objects.unread().filter(recipient=other).count() == 1


def test_mark_all_read_is_post_only(client):
    client.force_login(factories.TraineeFactory())
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_email_settings_offer_a_mentor_their_kinds_and_save_the_choices(client):
    person = factories.MentorFactory()
    client.force_login(person)
    page = client.get(reverse("notifications:settings")).content.decode()
    offered = [
        Kind.SIGN_OFF_REQUESTED,
        Kind.PRACTICE_TO_CONFIRM,
        Kind.REVIEW_DUE,
        Kind.REVIEW_OVERDUE,
        Kind.QUESTIONNAIRE_ISSUED,
        Kind.QUESTIONNAIRE_CLOSING,
    ]
    for kind in offered:
        assert f'value="{kind}"' in page
    # Only trainees hear of decisions and expiring competencies; only managers of applications.
    for kind in (Kind.SIGN_OFF_DECIDED, Kind.COMPETENCY_EXPIRING, Kind.SUPPORT_REQUESTED):
        assert f'value="{kind}"' not in page
    assert page.count("checked") == len(offered)  # every kind is emailed until turned off

    response = client.post(
        reverse("notifications:settings"), {"email_kinds": [Kind.SIGN_OFF_REQUESTED]}
    )
    assert response.status_code == 302
    choices = dict(EmailPreference.objects.filter(person=person).values_list("kind", "email"))
    assert choices == {kind: kind == Kind.SIGN_OFF_REQUESTED for kind in offered}


def test_a_kind_outside_someones_roles_is_refused_as_a_choice(client):
    person = factories.TraineeFactory()
    client.force_login(person)
    response = client.post(
        reverse("notifications:settings"), {"email_kinds": [Kind.SIGN_OFF_REQUESTED]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not EmailPreference.objects.exists()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            # A trainee at band 3 may also apply to a later cohort.
            lambda: factories.TraineeFactory(band="3"),
            {
                Kind.APPLICATION_DECIDED,
                Kind.SIGN_OFF_DECIDED,
                Kind.REVIEW_DUE,
                Kind.REVIEW_OVERDUE,
                Kind.QUESTIONNAIRE_ISSUED,
                Kind.QUESTIONNAIRE_CLOSING,
                Kind.COMPETENCY_EXPIRING,
            },
        ),
        (factories.ManagerFactory, {Kind.SUPPORT_REQUESTED}),
        (factories.Band3StaffFactory, {Kind.APPLICATION_DECIDED}),
        # None reach them: offer every kind there is a choice about (not security notices,
        # which are always emailed).
        (factories.AdministratorFactory, set(Kind.values) - ALWAYS_EMAILED),
    ],
)
def test_the_kinds_each_person_is_offered(make, expected):
    from notifications.selectors import kinds_for

    assert set(kinds_for(make())) == expected


def test_a_kind_already_received_is_always_offered():
    from notifications.selectors import kinds_for

    manager = factories.ManagerFactory()
    services.notify(recipient=manager, kind=Kind.REVIEW_DUE, subject="x", body="")
    assert set(kinds_for(manager)) == {Kind.SUPPORT_REQUESTED, Kind.REVIEW_DUE}


def test_an_unknown_email_choice_is_an_error_on_the_page(client):
    person = factories.MentorFactory()
    client.force_login(person)
    response = client.post(reverse("notifications:settings"), {"email_kinds": ["gossip"]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert "Select a valid choice" in page
    assert not EmailPreference.objects.exists()


def test_the_list_takes_the_same_queries_for_3_or_30_notifications(client):
    person = factories.TraineeFactory()
    client.force_login(person)
    url = reverse("notifications:list")
    client.get(url)  # the first page after signing in marks the session as in use

    def queries_with(count):
        Notification.objects.filter(recipient=person).delete()
        for n in range(count):
            services.notify(recipient=person, kind=Kind.REVIEW_DUE, subject=f"R{n}", body="")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_with(3) == queries_with(30)


def test_a_notification_settles_itself_when_its_action_is_done(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee(competencies=1)
    sign_off_request = factories.ask_for_sign_off(record, competency, mentor)
    asked = Notification.objects.get(recipient=mentor, kind=Kind.SIGN_OFF_REQUESTED)
    assert asked.read_at is None and asked.done_at is None

    competency_services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=sign_off_request,
        signature=factories.signature(),
        outcome=Assessment.Outcome.ACHIEVED,
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )
    asked.refresh_from_db()
    assert asked.read_at is not None and asked.done_by == mentor and asked.done_what == "decided"

    client.force_login(mentor)
    page = client.get(reverse("notifications:list")).content.decode()
    assert f"You decided this on {timezone.localdate():%-d %B %Y}." in page
    assert 'nhsuk-tag--green">Done' in page
    assert "unread notification" not in page


def test_withdrawing_settles_the_mentors_notification_naming_the_trainee(client):
    record, mentor, (competency, *_) = factories.enrolled_trainee(competencies=1)
    sign_off_request = factories.ask_for_sign_off(record, competency, mentor)
    competency_services.sign_off_request_withdraw(
        actor=record.trainee, sign_off_request=sign_off_request
    )
    client.force_login(mentor)
    page = client.get(reverse("notifications:list")).content.decode()
    assert f"{record.trainee.full_name} withdrew this on" in page


def test_settling_touches_only_notifications_for_that_action():
    record, mentor, (first, second) = factories.enrolled_trainee(competencies=2)
    one = factories.ask_for_sign_off(record, first, mentor)
    other = factories.ask_for_sign_off(record, second, mentor)
    competency_services.sign_off_request_withdraw(actor=record.trainee, sign_off_request=one)
    waiting = Notification.objects.filter(recipient=mentor, done_at__isnull=True)
    assert [n.url for n in waiting] == [reverse("competencies:sign_off", args=[other.pk])]
