"""E-mail and reminders on the task queue (pathway/taskqueue.py, ADR 0024): sent once however
often a task runs, a mail server failure kept and retried, and a real Celery worker on Redis
taking the work out of the request, with the request's id."""

from __future__ import annotations

import datetime
import threading

import pytest
import redis
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from django.utils import timezone

from competencies.models import CompetencyProgress, ProgressState
from notifications import services
from notifications.models import Kind, Notification
from notifications.tasks import email_notification, send_daily_reminders
from pathway.requestids import current_request_id
from pathway.taskqueue import app
from tests import factories

# Nothing listens on the discard port: a mail server that refuses, at once.
REFUSING_MAIL_SERVER = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 9,
}


def _notify(person, key=""):
    return services.notify(
        recipient=person,
        kind=Kind.SIGN_OFF_REQUESTED,
        subject="Tom asks you to sign off CC01",
        body="Tom has logged four supervised practices.",
        url="/requests/1/sign-off/",
        key=key,
    )


@pytest.mark.django_db
def test_an_email_is_sent_once_however_often_its_task_runs(django_capture_on_commit_callbacks):
    mentor = factories.MentorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(mentor)
    assert len(mail.outbox) == 1
    [email] = mail.outbox
    assert email.extra_headers["Message-ID"] == f"<notification-{notification.pk}@127.0.0.1>"

    # The queue hands the same task out again (its worker died after sending): nothing more.
    assert email_notification.apply(args=[notification.pk]).get() is False
    assert services.notification_email_send(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_refusing_mail_server_keeps_the_notification_and_does_not_mark_it_emailed(
    django_capture_on_commit_callbacks, settings, caplog
):
    for name, value in REFUSING_MAIL_SERVER.items():
        setattr(settings, name, value)
    mentor = factories.MentorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(mentor)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert f"Could not email notification {notification.pk}" in caplog.text
    # Once the mail server is back, the same task sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert email_notification.apply(args=[notification.pk]).get() is True
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_daily_reminders_task_sends_each_reminder_once():
    today = timezone.localdate()
    record, _mentor, (soon, *_) = factories.enrolled_trainee()
    CompetencyProgress.objects.filter(record=record, competency=soon).update(
        state=ProgressState.ACHIEVED,
        achieved_on=today - datetime.timedelta(days=340),
        expires_on=today + datetime.timedelta(days=25),
    )
    on = f"{today:%d %B %Y}"
    assert send_daily_reminders.apply().get() == f"Reminders for {on}: 1 sent, 0 already sent."
    assert send_daily_reminders.apply().get() == f"Reminders for {on}: 0 sent, 1 already sent."
    [reminder] = Notification.objects.filter(recipient=record.trainee)
    assert reminder.kind == Kind.COMPETENCY_EXPIRING


def test_the_reminders_are_on_the_schedule_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["daily-reminders"]
    assert entry["task"] == send_daily_reminders.name
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}


# A real worker ------------------------------------------------------------------------------


@pytest.fixture
def real_worker(settings):
    """A Celery worker in a thread, on Redis (each test process has a database of its own,
    settings_test.py), emptied first; tasks are no longer run at once by the caller."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, loglevel="WARNING") as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


def _wait_for(condition, seconds=20):
    happened = threading.Event()
    for _ in range(int(seconds * 10)):
        if condition():
            return True
        happened.wait(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_email_after_the_request_with_its_request_id(real_worker):
    seen_request_ids = []

    def record_request_id(**kwargs):
        seen_request_ids.append(current_request_id.get())

    signals.task_prerun.connect(record_request_id, weak=False)
    token = current_request_id.set("req-test-0001")
    try:
        mentor = factories.MentorFactory()
        with transaction.atomic():
            notification = _notify(mentor)
            # Nothing is queued until the action commits.
            assert mail.outbox == []
        assert _wait_for(lambda: len(mail.outbox) == 1)
        # Queued twice (a redelivery): still one email.
        email_notification.delay(notification.pk)
        assert _wait_for(lambda: "req-test-0001" in seen_request_ids and len(seen_request_ids) >= 2)
    finally:
        current_request_id.reset(token)
        signals.task_prerun.disconnect(record_request_id)
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1
    assert seen_request_ids[:2] == ["req-test-0001", "req-test-0001"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_retries_when_the_mail_server_refuses(real_worker, settings):
    retried = []

    def record_retry(request=None, reason=None, **kwargs):
        retried.append((request.args, type(reason).__name__))

    for name, value in REFUSING_MAIL_SERVER.items():
        setattr(settings, name, value)
    signals.task_retry.connect(record_retry, weak=False)
    try:
        notification = _notify(factories.MentorFactory())
        assert _wait_for(lambda: retried)
    finally:
        signals.task_retry.disconnect(record_retry)
    assert retried[0][0] == [notification.pk]
    notification.refresh_from_db()
    assert notification.emailed_at is None
