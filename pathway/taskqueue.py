"""Background work on a task queue: Celery, with Redis as its broker (ADR 0024).

Web requests hand slow or fallible work (e-mail, the daily reminders) to workers, so a slow
mail server never slows a sign-off and a failed send is retried rather than lost. Without a
broker (PATHWAY_BROKER_URL unset: `make run`, the tests) tasks run at once in the process that
asks for them, so a newcomer needs no service started by hand.

Tasks are acknowledged only when finished (acks_late) and given back to the queue when their
worker dies, so a worker killed mid-task has the task run again; each task is written so that
running twice has one effect (for e-mail, a row lock and the notification's emailed_at).
The request id of the request that queued a task travels with it, so its log lines can be
found beside the request's.
"""

from __future__ import annotations

import os

from celery import Celery, signals

from pathway.requestids import current_request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathway.settings")

app = Celery("pathway")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

REQUEST_ID_HEADER = "pathway_request_id"


@signals.before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    if headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, current_request_id.get())


@signals.task_prerun.connect
def _adopt_request_id(task=None, **kwargs):
    request_id = getattr(task.request, REQUEST_ID_HEADER, None) if task is not None else None
    if request_id is None and task is not None:
        request_id = (task.request.headers or {}).get(REQUEST_ID_HEADER)
    task.request.pathway_request_id_token = current_request_id.set(request_id or "-")


@signals.task_postrun.connect
def _forget_request_id(task=None, **kwargs):
    token = getattr(task.request, "pathway_request_id_token", None) if task is not None else None
    if token is not None:
        current_request_id.reset(token)
