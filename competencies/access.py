"""Fetch-and-authorise for the trainee's record and sign-off, and for the framework editor
(pathway/access.py's policy).

A record, its requests, decisions and evidence are private: whoever has no part in the
trainee's training gets 404 for all of them. A framework, its domains and competencies are
not: whoever lacks the permission gets 403, a missing one 404.
"""

from __future__ import annotations

from django.http import Http404

from competencies import selectors
from competencies.models import (
    Assessment,
    Competency,
    CompetencyProgress,
    Domain,
    Evidence,
    Framework,
    PracticeEntry,
    SignOffRequest,
    TrainingRecord,
)
from competencies.selectors import frameworks as framework_selectors
from pathway.access import reach, require

VIEW_RECORD = "competencies.view_record"
ACT_ON_RECORD = "competencies.act_on_record"
VIEW_FRAMEWORKS = "competencies.view_frameworks"
MANAGE_FRAMEWORKS = "competencies.manage_frameworks"


def _record_of(thing):
    return thing.record


def access_record(viewer, pk, *, act: str | None = None) -> TrainingRecord:
    return reach(viewer, lambda: selectors.record_by_pk(pk), see=VIEW_RECORD, act=act)


def access_progress(viewer, record_pk, competency_pk, *, act=None) -> CompetencyProgress:
    """One competency on one record (404 when the competency is not part of it); `act` is a
    permission on the record."""
    progress = reach(
        viewer,
        lambda: selectors.progress_on_record(record_pk, competency_pk),
        see=VIEW_RECORD,
        within=_record_of,
    )
    if act is not None:
        require(viewer, act, progress.record)
    return progress


def access_sign_off_request(viewer, pk, *, act: str | None = None) -> SignOffRequest:
    return reach(
        viewer, lambda: selectors.request_by_pk(pk), see=VIEW_RECORD, act=act, within=_record_of
    )


def access_assessment(viewer, pk, *, act: str | None = None) -> Assessment:
    return reach(
        viewer, lambda: selectors.assessment_by_pk(pk), see=VIEW_RECORD, act=act, within=_record_of
    )


def access_evidence_file(viewer, uuid) -> Evidence:
    """A piece of evidence with a file, to download."""
    evidence = reach(
        viewer, lambda: selectors.evidence_by_uuid(uuid), see=VIEW_RECORD, within=_record_of
    )
    if not evidence.file:
        raise Http404
    return evidence


def access_framework(
    viewer, pk, *, act: str = VIEW_FRAMEWORKS, structure: bool = False
) -> Framework:
    """A framework; with `structure`, its domains and competencies prefetched for its page."""
    return reach(
        viewer, lambda: framework_selectors.framework_by_pk(pk, structure=structure), act=act
    )


def access_domain(viewer, pk, *, act: str = MANAGE_FRAMEWORKS) -> Domain:
    return reach(viewer, lambda: framework_selectors.domain_by_pk(pk), act=act)


def access_competency(viewer, pk, *, act: str = MANAGE_FRAMEWORKS) -> Competency:
    return reach(viewer, lambda: framework_selectors.competency_by_pk(pk), act=act)


def access_practice(viewer, pk, *, act: str | None = None) -> PracticeEntry:
    """A practice entry: seen by whoever may see its record, and by the supervisor named on
    it (who confirms it from their queue without any other part in the trainee's record)."""
    return reach(
        viewer, lambda: selectors.practice_by_pk(pk), see="competencies.view_practice", act=act
    )
