"""Subject access (issue #20, part 3): everything held about a person, as one archive.

`subject_access_request` is what a page calls: it checks the asker may, logs the request in
the access log (who asked, for whom, when: even a person asking about themself, unlike the
other looks), then makes the archive at once when the record is small, or queues a background
job (governance.jobs) when it is large. The job checks the permission again when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum

from competencies.models import Assessment, Evidence, PracticeEntry
from governance import subject_access
from pathway.models import BackgroundJob, RecordAccess, User
from pathway.requestids import current_request_id


@dataclass(frozen=True)
class SubjectAccessResult:
    """Either the archive, made now, or the job making it."""

    archive: subject_access.Archive | None = None
    job: BackgroundJob | None = None


def subject_access_require(actor: User, person: User) -> None:
    if not actor.has_perm("governance.produce_subject_access", person):
        raise PermissionDenied("Only an administrator or the person themself may ask for this")


def subject_access_is_large(person: User) -> bool:
    """Whether the archive is made by a worker: many evidence files or bytes, or many records
    (three queries, however much is held)."""
    evidence = Evidence.objects.filter(record__trainee=person).aggregate(
        files=Count("pk"), size=Sum("size")
    )
    records = (
        evidence["files"]
        + PracticeEntry.objects.filter(record__trainee=person).count()
        + Assessment.objects.filter(trainee=person).count()
    )
    return (
        records > settings.PATHWAY_SUBJECT_ACCESS_IN_BACKGROUND_OVER
        or (evidence["size"] or 0) > settings.PATHWAY_SUBJECT_ACCESS_INLINE_BYTES
    )


def subject_access_log(*, actor: User, person: User) -> RecordAccess:
    """Keep the request in the access log: who asked, for whom, when (one INSERT). Logged
    when the person asks about themself too: every request for the whole record is kept."""
    return RecordAccess.objects.create(
        viewer=actor,
        subject=person,
        kind=RecordAccess.Kind.SUBJECT_ACCESS,
        object_id=str(person.pk),
        request_id="" if current_request_id.get() == "-" else current_request_id.get(),
    )


def subject_access_archive(*, actor: User, person: User, progress=None):
    """Make the archive now, for `actor` who must be allowed (the job's own check too)."""
    subject_access_require(actor, person)
    return subject_access.build_archive(person=person, requested_by=actor, progress=progress)


def subject_access_request(*, actor: User, person: User) -> SubjectAccessResult:
    """Everything held about `person`, asked for by `actor`: logged, then made now or queued."""
    subject_access_require(actor, person)
    subject_access_log(actor=actor, person=person)
    if subject_access_is_large(person):
        from governance.jobs import subject_access_start  # the job module imports this one

        return SubjectAccessResult(job=subject_access_start(actor=actor, person=person))
    return SubjectAccessResult(archive=subject_access_archive(actor=actor, person=person))
