"""Background jobs: large exports run by the task queue for the person who asked (ADR 0024).

An app declares a kind of job in its `jobs.py` with `@job_kind("app.name")`: a function given
the job and a `progress(done, total)` callback, returning a `JobResult`. It runs as the person
who started it and checks their permission again itself: a job queued by someone whose role
was taken away since does nothing. `job_start` queues a job after the caller's transaction
commits (the same request twice while the first is unfinished gives the same job);
`job_run` runs it once, however often the queue delivers it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from pathway.app_modules import each_app_module
from pathway.models import BackgroundJob

logger = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 0.5


@dataclass(frozen=True)
class JobResult:
    """A file to download (an export), or only a summary to read (an import)."""

    filename: str = ""
    content: bytes = b""
    content_type: str = ""
    summary: str = ""


class JobFailed(Exception):
    """Raised by a job with a message for the person who started it."""


Progress = Callable[[int, int], None]
JobFunction = Callable[[BackgroundJob, Progress], JobResult]
_KINDS: dict[str, JobFunction] = {}


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        _KINDS[name] = function
        return function

    return register


_apps_loaded = False


def _function_for(kind: str) -> JobFunction:
    global _apps_loaded
    if not _apps_loaded:
        for _module in each_app_module("jobs"):
            pass  # importing each app's jobs module registers its kinds
        _apps_loaded = True
    try:
        return _KINDS[kind]
    except KeyError as unknown:
        raise ValueError(f"Unknown kind of job {kind!r}") from unknown


def job_start(*, actor, kind: str, title: str, key: str, params: dict | None = None):
    """Queue a job for `actor`. Called by each kind's own start function, which checks that
    the actor may ask for it (cohorts.jobs.grid_export_start, esr.esr_import_queue); the job
    checks again when it runs."""
    _function_for(kind)
    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(
                kind=kind, title=title[:200], key=key[:200], params=params or {}, started_by=actor
            )
    except IntegrityError:
        return BackgroundJob.objects.get(
            started_by=actor,
            key=key[:200],
            status__in=[BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING],
        )
    transaction.on_commit(lambda: _queue(job.pk))
    return job


def _queue(job_id) -> None:
    from pathway.tasks import run_background_job  # the task module imports this one

    run_background_job.delay(str(job_id))


def _claim(job_id) -> BackgroundJob | None:
    with transaction.atomic():
        job = (
            BackgroundJob.objects.select_for_update()
            .select_related("started_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.finished:
            return None
        # RUNNING here means the worker running it died: the queue gave it out again.
        job.status = BackgroundJob.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    return job


def _progress_reporter(job: BackgroundJob) -> Progress:
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_SECONDS and done < total:
            return
        last[0] = now
        BackgroundJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    return progress


def _finish(job: BackgroundJob, **fields) -> None:
    fields["finished_at"] = timezone.now()
    BackgroundJob.objects.filter(pk=job.pk).update(**fields)


def job_run(*, job_id) -> bool:
    """Run a queued job once: True if this call finished it. A storage fault raises, for the
    task to retry; anything the job says is wrong ends it as failed, with the reason."""
    job = _claim(job_id)
    if job is None:
        return False
    function = _function_for(job.kind)
    try:
        result = function(job, _progress_reporter(job))
    except (PermissionDenied, Http404):
        # Refused now, or gone: as the person would be refused if they asked again today.
        _finish(job, status=BackgroundJob.Status.FAILED, message="You may no longer do this.")
        return True
    except JobFailed as failed:
        _finish(job, status=BackgroundJob.Status.FAILED, message=str(failed)[:500])
        return True
    fields = {"message": result.summary[:500]}
    if result.filename:
        job.result.save(result.filename, ContentFile(result.content), save=False)
        fields.update(
            result=job.result.name,
            result_filename=result.filename[:200],
            result_content_type=result.content_type[:100],
        )
    _finish(job, status=BackgroundJob.Status.DONE, progress_done=F("progress_total"), **fields)
    logger.info("Background job %s (%s) finished", job.pk, job.kind)
    return True


def job_give_up(*, job_id) -> None:
    BackgroundJob.objects.filter(
        pk=job_id, status__in=[BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING]
    ).update(
        status=BackgroundJob.Status.FAILED,
        message="Pathway could not finish this. Try again in a few minutes.",
        finished_at=timezone.now(),
    )


# Pathway's own kinds --------------------------------------------------------------------------


@job_kind("pathway.esr_import")
def esr_import_job(job: BackgroundJob, progress: Progress) -> JobResult:
    """A staff extract too large to import while the person waits: all of it, or nothing."""
    from pathway import esr  # it queues this job (esr_import_queue), so it imports this module

    stored = job.params["stored"]
    try:
        with default_storage.open(stored, "rb") as file:
            source = file.read()
    except FileNotFoundError:
        raise JobFailed("The uploaded file is no longer held: upload it again.") from None
    try:
        result = esr.esr_import(actor=job.started_by, source=source)
    except esr.EsrImportError as problems:
        raise JobFailed(" ".join(problems.lines[:3])) from None
    default_storage.delete(stored)
    return JobResult(summary=result.summary)
