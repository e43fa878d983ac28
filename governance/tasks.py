"""Retention work done by the task queue (pathway/taskqueue.py, ADR 0024): nightly disposal."""

from __future__ import annotations

import logging

from celery import shared_task

from governance.services import retention_dispose

logger = logging.getLogger(__name__)


@shared_task
def dispose_expired_records() -> str:
    entries = retention_dispose(actor=None)
    summary = "; ".join(entry.sentence() for entry in entries) or "Nothing was past its period."
    logger.info("Retention: %s", summary)
    return summary
