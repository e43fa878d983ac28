"""Cohort exports large enough to run as background jobs (pathway/jobs.py)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cohorts import exports
from cohorts.access import access_cohort
from pathway.jobs import JobResult, job_kind, job_start

GRID_EXPORT = "cohorts.grid_export"


def grid_export_in_background(trainees: int) -> bool:
    """Whether a grid of this many trainees is made by a worker: thousands of cells, not made
    while a request (and a web server's thread) waits."""
    return trainees > settings.PATHWAY_EXPORT_IN_BACKGROUND_OVER


def grid_export_start(*, actor, cohort, fmt: str):
    """Queue the cohort's grid export for `actor`, who must be allowed to see the cohort. The
    same export asked for again while it is unfinished is the same job."""
    cohort = access_cohort(actor, cohort.pk)
    return job_start(
        actor=actor,
        kind=GRID_EXPORT,
        title=f"{cohort.name}: competency grid ({fmt.upper()})",
        key=f"{GRID_EXPORT}:{cohort.pk}:{fmt}",
        params={
            "cohort": cohort.pk,
            "format": fmt,
            "back": reverse("cohorts:cohort_grid", args=[cohort.pk]),
            "back_label": "Back to the competency grid",
        },
    )


@job_kind(GRID_EXPORT)
def grid_export(job, progress) -> JobResult:
    # The permission again, as the person who asked: it may have changed since.
    cohort = access_cohort(job.started_by, job.params["cohort"])
    fmt = job.params["format"]
    content, filename = exports.grid_download(
        cohort, fmt, today=timezone.localdate(), progress=progress
    )
    return JobResult(filename=filename, content=content, content_type=exports.FORMATS[fmt])
