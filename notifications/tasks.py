"""Notification work done by the task queue (pathway/taskqueue.py, ADR 0024)."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.utils import timezone

from notifications.services import notification_email_send, reminders_send

logger = logging.getLogger(__name__)

# What a mail server that is down, slow or refusing for now looks like. Anything else is a
# fault in Pathway, logged by the worker and not retried.
MAIL_TROUBLE = (smtplib.SMTPException, OSError)


@shared_task(
    bind=True,
    autoretry_for=MAIL_TROUBLE,
    # 30 s, 1 min, 2 min, ... up to an hour apart, with jitter, for about a day.
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=30,
)
def email_notification(self, notification_id: int) -> bool:
    try:
        return notification_email_send(notification_id=notification_id)
    except MAIL_TROUBLE:
        if not self.request.is_eager:
            raise  # to the queue, which tries again later
        # No queue (one server, or `make run`): retrying here would hold up the request that
        # caused the email. The notification is kept in Pathway; the log says what failed.
        logger.exception("Could not email notification %s", notification_id)
        return False


@shared_task
def send_daily_reminders() -> str:
    today = timezone.localdate()
    sent, skipped = reminders_send(today=today)
    summary = f"Reminders for {today:%d %B %Y}: {sent} sent, {skipped} already sent."
    logger.info(summary)
    return summary
