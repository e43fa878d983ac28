"""Cohort exports large enough to run as background jobs (pathway/jobs.py)."""

from __future__ import annotations

from django.utils import timezone

from cohorts import exports
from cohorts.access import access_cohort
from pathway.jobs import JobResult, job_kind


@job_kind("cohorts.grid_export")
def grid_export(job, progress) -> JobResult:
    # The permission again, as the person who asked: it may have changed since.
    cohort = access_cohort(job.started_by, job.params["cohort"])
    fmt = job.params["format"]
    content, filename = exports.grid_download(
        cohort, fmt, today=timezone.localdate(), progress=progress
    )
    return JobResult(filename=filename, content=content, content_type=exports.FORMATS[fmt])
