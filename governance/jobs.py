"""A subject access archive too large to make while the person waits (pathway/jobs.py)."""

from __future__ import annotations

from django.urls import reverse

from governance import services
from pathway.access import fetch_or_404
from pathway.jobs import JobResult, job_kind, job_start
from pathway.selectors import person_by_pk

SUBJECT_ACCESS = "governance.subject_access"


def subject_access_start(*, actor, person):
    """Queue the archive for `actor`, who must be allowed to ask for it; asked again while it
    is unfinished, the same job."""
    services.subject_access_require(actor, person)
    own = actor.pk == person.pk
    return job_start(
        actor=actor,
        kind=SUBJECT_ACCESS,
        title=f"Everything held about {person.full_name or person.email}",
        key=f"{SUBJECT_ACCESS}:{person.pk}",
        params={
            "person": person.pk,
            "back": reverse("governance:my_data" if own else "governance:subject_access"),
            "back_label": "Back to your data" if own else "Back to subject access",
        },
    )


@job_kind(SUBJECT_ACCESS)
def subject_access_job(job, progress) -> JobResult:
    # The permission again, as the person who asked: it may have changed since.
    person = fetch_or_404(lambda: person_by_pk(job.params["person"]))
    archive = services.subject_access_archive(
        actor=job.started_by, person=person, progress=progress
    )
    return JobResult(
        filename=archive.filename,
        content=archive.content,
        content_type="application/zip",
        summary=f"{archive.records} records and {archive.files} evidence files",
    )
