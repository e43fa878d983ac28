"""Evaluation work done by the task queue (pathway/taskqueue.py, ADR 0024)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from evaluation.models import Issue
from evaluation.services import notify_issue_opened


@shared_task(autoretry_for=(OSError,), retry_backoff=10, retry_backoff_max=600, max_retries=10)
def notify_questionnaire_opened(issue_id: int) -> int:
    """Tell everyone invited that the questionnaire is open. Each notice has a key, so a second
    delivery of this task (or the daily reminders) tells nobody twice."""
    issue = Issue.objects.select_related("questionnaire", "cohort").filter(pk=issue_id).first()
    if issue is None:
        return 0
    with transaction.atomic():
        return notify_issue_opened(issue)
