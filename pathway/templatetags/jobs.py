"""How a background job's state reads on its page."""

from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from pathway.models import BackgroundJob

register = template.Library()

STATUS_TAGS = {
    BackgroundJob.Status.QUEUED: "nhsuk-tag--grey",
    BackgroundJob.Status.RUNNING: "nhsuk-tag--blue",
    BackgroundJob.Status.DONE: "nhsuk-tag--green",
    BackgroundJob.Status.FAILED: "nhsuk-tag--red",
}


@register.filter
def job_tag_class(job: BackgroundJob) -> str:
    return STATUS_TAGS[job.status]


@register.filter
def job_progress_text(job: BackgroundJob) -> str:
    if job.status == BackgroundJob.Status.QUEUED:
        return "Waiting for its turn. This usually takes a few seconds."
    if job.status == BackgroundJob.Status.FAILED:
        return job.message or "Something went wrong. Try again, or tell your lead nurse."
    if job.status == BackgroundJob.Status.DONE:
        return "Ready to download." if job.result else "Done."
    if job.progress_total:
        return f"{intcomma(job.progress_done)} of {intcomma(job.progress_total)} rows done."
    return "Started. This can take a minute or two."
