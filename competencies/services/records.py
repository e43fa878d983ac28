"""Writes for training records, practice, evidence and sign-off (the framework editor's are in
frameworks.py).

Every function checks who is acting (an `actor` of None means the system itself: imports run
by an administrator at the command line, seeding) and runs in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from competencies import signing
from competencies.ledger import current_key_id
from competencies.models import (
    KEYED_HASH_VERSION,
    Competency,
    CompetencyProgress,
    Framework,
    TrainingRecord,
)
from competencies.selectors import evidence_gaps
from competencies.summaries import record_summary_refresh
from notifications.models import Kind as NotificationKind
from notifications.services import notifications_settle, notify
from pathway.events import sign_off_event
from pathway.models import ClinicalArea, IntegrationEvent, User
from pathway.signatures import Signature, Signed, signature_verify

logger = logging.getLogger(__name__)


def _require(actor: User | None, perm: str, obj=None, message: str = "You cannot do this"):
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


# Training records ----------------------------------------------------------------------------


def applicable_competencies(*, framework: Framework, clinical_area: ClinicalArea):
    """Core competencies plus those specific to the clinical area."""
    return (
        framework.competencies.filter(Q(is_core=True) | Q(clinical_areas=clinical_area))
        .distinct()
        .select_related("domain")
    )


@transaction.atomic
def record_create(
    *,
    actor: User | None,
    trainee: User,
    framework: Framework,
    clinical_area: ClinicalArea,
    start_date: datetime.date,
) -> TrainingRecord:
    """Start a trainee on a published framework version, with a row per applicable competency."""
    _require(actor, "competencies.manage_frameworks", message="Only the lead nurse can do this")
    if framework.status != Framework.Status.PUBLISHED:
        raise ValidationError(
            {"framework": "Trainees can only be enrolled on a published framework"}
        )
    existing = TrainingRecord.objects.filter(trainee=trainee, is_active=True).first()
    if existing is not None:
        if existing.framework_id == framework.pk:
            return existing
        raise ValidationError(
            {"trainee": f"{trainee} already has an active record on {existing.framework}"}
        )
    record = TrainingRecord.objects.create(
        trainee=trainee, framework=framework, clinical_area=clinical_area, start_date=start_date
    )
    CompetencyProgress.objects.bulk_create(
        CompetencyProgress(record=record, competency=competency)
        for competency in applicable_competencies(framework=framework, clinical_area=clinical_area)
    )
    record_summary_refresh(record.pk)
    return record


# The trainee's record: practice, evidence, requests ------------------------------------------


def _check_competencies_on_record(record: TrainingRecord, competencies) -> list[Competency]:
    competencies = list(competencies)
    if not competencies:
        raise ValidationError({"competencies": "Select at least one competency"})
    on_record = set(
        record.progress.filter(competency__in=competencies).values_list("competency_id", flat=True)
    )
    stray = [c for c in competencies if c.pk not in on_record]
    if stray:
        codes = ", ".join(c.code for c in stray)
        raise ValidationError({"competencies": f"Not part of this trainee's record: {codes}"})
    return competencies


def _not_in_future_or_before_start(record: TrainingRecord, day: datetime.date, field: str):
    if day > timezone.localdate():
        raise ValidationError({field: "The date must be today or in the past"})
    if day < record.start_date:
        start = f"{record.start_date.day} {record.start_date:%B %Y}"
        message = f"The date must be on or after the start of training, {start}"
        raise ValidationError({field: message})


@transaction.atomic
def practice_log(
    *,
    actor: User,
    record: TrainingRecord,
    competencies: Iterable[Competency],
    practised_on: datetime.date,
    supervisor_name: str = "",
    activity: str = "",
    reflection: str = "",
    supervisor: User | None = None,
    off_the_job: bool = False,
    otj_hours=None,
):
    """Log supervised practice against one or more competencies of the trainee's own record.
    An apprentice may mark it as off-the-job training, with its hours.

    The supervisor is someone who may supervise this trainee (selectors.practice_supervisors),
    who can then confirm it; or, for someone not listed, only a name, and nobody confirms it."""
    from competencies.models import PracticeEntry, ProgressState
    from competencies.selectors import practice_supervisors

    _require(actor, "competencies.act_on_record", record, "You can only add to your own record")
    competencies = _check_competencies_on_record(record, competencies)
    _not_in_future_or_before_start(record, practised_on, "practised_on")
    if supervisor is not None:
        if not practice_supervisors(record).filter(pk=supervisor.pk).exists():
            raise ValidationError(
                {"supervisor": "Choose someone from the list, or someone not listed"}
            )
        supervisor_name = supervisor.full_name
    supervisor_name = (supervisor_name or "").strip()
    if not supervisor_name:
        raise ValidationError({"supervisor_name": "Enter who supervised you"})
    if off_the_job and otj_hours is None:
        raise ValidationError({"otj_hours": "Enter the off-the-job hours"})
    entry = PracticeEntry(
        record=record,
        practised_on=practised_on,
        supervisor=supervisor,
        supervisor_name=supervisor_name,
        activity=(activity or "").strip(),
        reflection=(reflection or "").strip(),
        off_the_job=bool(off_the_job),
        otj_hours=otj_hours if off_the_job else None,
    )
    entry.full_clean()
    entry.save()
    entry.competencies.set(competencies)
    if supervisor is not None:
        _notify_practice_to_confirm(entry, competencies)
    progress = CompetencyProgress.objects.select_for_update().filter(
        record=record, competency__in=competencies
    )
    for row in progress:
        row.practice_count += 1
        if row.state in (ProgressState.NOT_STARTED, ProgressState.NOT_YET_COMPETENT):
            row.state = ProgressState.IN_PROGRESS
        row.save(update_fields=["practice_count", "state", "updated_at"])
    return entry


@transaction.atomic
def practice_confirm(*, actor: User, practice):
    """The supervisor the trainee named confirms that they supervised this practice.

    Only that person may (rules: competencies.confirm_practice). Confirming twice (a double
    tap, a second tab) is harmless: the first confirmation stands and is returned."""
    from competencies.models import PracticeEntry

    if actor is None or not actor.has_perm("competencies.confirm_practice", practice):
        raise PermissionDenied("Only the supervisor named on this practice can confirm it")
    now = timezone.now()
    # A conditional UPDATE: of two taps at once, one sets it and the other changes nothing.
    PracticeEntry.objects.filter(pk=practice.pk, confirmed_at__isnull=True).update(
        confirmed_at=now, confirmed_by=actor
    )
    practice.refresh_from_db(fields=["confirmed_at", "confirmed_by"])
    notifications_settle(actor=actor, url=practice_confirm_url(practice), did="confirmed")
    return practice


def practice_confirm_url(practice) -> str:
    """Where a supervisor confirms one practice entry: its card in their queue."""
    return reverse("competencies:practice_queue") + f"#practice-{practice.pk}"


def _notify_practice_to_confirm(entry, competencies) -> None:
    trainee = entry.record.trainee
    names = ", ".join(f"{c.code} {c.title}" for c in competencies)
    notify(
        recipient=entry.supervisor,
        kind=NotificationKind.PRACTICE_TO_CONFIRM,
        subject=(
            f"{trainee.full_name} says you supervised their practice on "
            f"{entry.practised_on:%-d %B}: please confirm it"
        ),
        body=(
            f"{trainee.full_name} logged supervised practice of {names} on "
            f"{entry.practised_on:%-d %B %Y} and named you as their supervisor. Confirm it "
            "with one tap if you supervised it."
        ),
        url=practice_confirm_url(entry),
    )


@transaction.atomic
def evidence_add(
    *,
    actor: User,
    record: TrainingRecord,
    competencies: Iterable[Competency],
    kind: str,
    title: str,
    text: str = "",
    witness_name: str = "",
    witness_role: str = "",
    upload=None,
):
    """Add evidence (a file, a reflective account or a witness statement) to the own record."""
    from competencies.models import Evidence
    from competencies.uploads import check_upload

    _require(actor, "competencies.act_on_record", record, "You can only add to your own record")
    competencies = _check_competencies_on_record(record, competencies)
    evidence = Evidence(
        record=record,
        kind=kind,
        title=title.strip(),
        text=text.strip(),
        witness_name=witness_name.strip(),
        witness_role=witness_role.strip(),
    )
    if kind == Evidence.Kind.FILE:
        if upload is None:
            raise ValidationError({"upload": "Select a file to upload"})
        content_type = check_upload(upload)
        evidence.original_filename = upload.name[:255]
        evidence.content_type = content_type
        evidence.size = upload.size
        _store_evidence_file(evidence, upload)
    elif kind == Evidence.Kind.REFLECTIVE_ACCOUNT and not evidence.text:
        raise ValidationError({"text": "Write your reflective account"})
    elif kind == Evidence.Kind.WITNESS_STATEMENT:
        if not evidence.text:
            raise ValidationError({"text": "Enter the witness statement"})
        if not evidence.witness_name:
            raise ValidationError({"witness_name": "Enter the name of the witness"})
    try:
        evidence.full_clean()
        evidence.save()
        evidence.competencies.set(competencies)
    except BaseException:
        # No row, so no file: a stored file that no evidence names would only take up space.
        if evidence.file:
            with contextlib.suppress(OSError):
                evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


EVIDENCE_STORE_FULL = (
    "Your file could not be saved because the space for evidence files is full. Nothing has"
    " been saved. Try again later, and tell your lead nurse if this keeps happening."
)
EVIDENCE_STORE_FAILED = (
    "Your file could not be saved. Nothing has been saved. Try again in a few minutes, and"
    " tell your lead nurse if this keeps happening."
)


def _store_evidence_file(evidence, upload) -> None:
    """Write the upload to storage, or refuse on the upload field, leaving no part of it."""
    field, storage = evidence.file.field, evidence.file.storage
    name = field.generate_filename(evidence, evidence.original_filename)
    # The name is new (it carries the evidence's UUID); if something were already there, the
    # storage would choose another name and that file must not be deleted below.
    was_there = True  # until the storage says otherwise, nothing there is ours to delete
    try:
        was_there = storage.exists(name)
        evidence.file.save(evidence.original_filename, upload, save=False)
    except OSError as error:
        logger.error("Evidence storage refused a file for record %s: %s", evidence.record_id, error)
        if not was_there:
            with contextlib.suppress(OSError):
                storage.delete(name)  # what was written before the storage gave up
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        raise ValidationError(
            {"upload": EVIDENCE_STORE_FULL if full else EVIDENCE_STORE_FAILED}
        ) from error


@transaction.atomic
def sign_off_request_create(
    *,
    actor: User,
    record: TrainingRecord,
    competency: Competency,
    mentor: User,
    note: str = "",
):
    """Ask one of the trainee's current mentors to assess a competency."""
    from competencies.models import ProgressState, SignOffRequest
    from pathway.rules import is_current_mentor_of

    _require(actor, "competencies.act_on_record", record, "You can only ask for your own record")
    progress = (
        CompetencyProgress.objects.select_for_update()
        .select_related("competency")
        .filter(record=record, competency=competency)
        .first()
    )
    if progress is None:
        raise ValidationError("This competency is not part of your record")
    if not is_current_mentor_of(mentor, record.trainee):
        raise ValidationError({"mentor": "Choose one of your current mentors"})
    if progress.state == ProgressState.AWAITING_SIGN_OFF:
        raise ValidationError("You have already asked for sign-off of this competency")
    if progress.state_on() == ProgressState.ACHIEVED:
        raise ValidationError("This competency is already achieved")
    required = competency.supervised_practices_required
    if progress.practice_count < required:
        raise ValidationError(
            f"Log {required - progress.practice_count} more supervised practice"
            f"{'s' if required - progress.practice_count != 1 else ''} before asking for sign-off"
            f" ({progress.practice_count} of {required} logged)"
        )
    refusals = [gap.message for gap in evidence_gaps(record, competency) if gap.required]
    if refusals:
        raise ValidationError(refusals)
    sign_off_request = SignOffRequest.objects.create(
        record=record, competency=competency, mentor=mentor, note=note.strip()
    )
    progress.state = ProgressState.AWAITING_SIGN_OFF
    progress.save(update_fields=["state", "updated_at"])
    record_summary_refresh(progress.record_id)
    _notify_sign_off_requested(sign_off_request)
    return sign_off_request


def _notify_sign_off_requested(sign_off_request) -> None:
    trainee = sign_off_request.record.trainee
    competency = sign_off_request.competency
    notify(
        recipient=sign_off_request.mentor,
        kind=NotificationKind.SIGN_OFF_REQUESTED,
        subject=f"{trainee.full_name} asks you to sign off {competency.code}",
        body=f"{trainee.full_name} asks you to assess {competency.code} {competency.title}."
        + (f"\n\nTheir note: {sign_off_request.note}" if sign_off_request.note else ""),
        url=reverse("competencies:sign_off", args=[sign_off_request.pk]),
    )


def _notify_sign_off_decided(assessment) -> None:
    from competencies.models import Assessment

    competency = assessment.competency
    achieved = assessment.outcome == Assessment.Outcome.ACHIEVED
    name = f"{competency.code} {competency.title}"
    if achieved:
        subject = f"{assessment.assessor_name} has signed off {name}"
    else:
        subject = f"{assessment.assessor_name} has not signed off {name} yet: read their feedback"
    body = f"{assessment.assessor_name} assessed you on {name} and "
    body += "signed it off." if achieved else "found you not yet competent."
    if not achieved and assessment.feedback:
        body += f"\n\nFeedback: {assessment.feedback}"
    notify(
        recipient=assessment.record.trainee,
        kind=NotificationKind.SIGN_OFF_DECIDED,
        subject=subject,
        body=body,
        url=reverse("competencies:competency_detail", args=[assessment.record_id, competency.pk]),
    )


def _state_before_request(progress: CompetencyProgress) -> str:
    from competencies.models import ProgressState

    if progress.achieved_on:
        return ProgressState.ACHIEVED
    return ProgressState.IN_PROGRESS if progress.practice_count else ProgressState.NOT_STARTED


@transaction.atomic
def sign_off_request_withdraw(*, actor: User, sign_off_request):
    """The trainee withdraws a request that nobody has decided yet."""
    from competencies.models import SignOffRequest

    _require(
        actor, "competencies.withdraw_request", sign_off_request, "Only the trainee can withdraw"
    )
    closed = SignOffRequest.objects.filter(
        pk=sign_off_request.pk, status=SignOffRequest.Status.OPEN
    ).update(status=SignOffRequest.Status.WITHDRAWN, closed_at=timezone.now())
    if not closed:
        raise ValidationError("This request has already been decided or withdrawn")
    progress = CompetencyProgress.objects.select_for_update().get(
        record=sign_off_request.record, competency=sign_off_request.competency
    )
    progress.state = _state_before_request(progress)
    progress.save(update_fields=["state", "updated_at"])
    record_summary_refresh(progress.record_id)
    notifications_settle(
        actor=actor,
        url=reverse("competencies:sign_off", args=[sign_off_request.pk]),
        did="withdrew",
    )
    sign_off_request.refresh_from_db()
    return sign_off_request


# Sign-off: decisions and revocations ----------------------------------------------------------


def _assessor_snapshot(signed: Signed, role: str) -> dict:
    """The signer as they are now, and how they signed: kept in the record and its hash."""
    assessor = signed.signer
    registration = (
        f"{assessor.registration_body} {assessor.registration_number}"
        if assessor.registration_body
        else ""
    )
    return {
        "assessor": assessor,
        "assessor_name": assessor.full_name,
        "assessor_role": role,
        "assessor_registration": registration,
        "signature_method": signed.method,
        "signature_credential": signed.credential_id,
    }


def _to_milliseconds(moment):
    # Django's JSON serialiser keeps milliseconds only; a record hashed with microseconds could
    # not be verified after a dumpdata/loaddata backup and restore.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _lock_chain(trainee_id: int) -> None:
    """Lock the trainee's row, so appends to their chain (and checks before them) are serial."""
    User.objects.select_for_update().filter(pk=trainee_id).values_list("pk", flat=True).get()


def _chain_end(trainee_id: int) -> tuple[int | None, str | None, int, str]:
    """The chain's head (length, last hash: None if it has none) and its actual end (count,
    last hash), in one query. Read after the lock, in a statement of its own: on PostgreSQL a
    statement that waited for the lock would still see the chain as it was before the wait."""
    from competencies.models import Assessment

    last = Assessment.objects.filter(trainee_id=OuterRef("pk")).order_by("-sequence")
    head_length, head_hash, length, last_hash = (
        User.objects.filter(pk=trainee_id)
        .annotate(
            end_sequence=Subquery(last.values("sequence")[:1]),
            end_hash=Subquery(last.values("record_hash")[:1]),
        )
        .values_list("chain_head__length", "chain_head__last_hash", "end_sequence", "end_hash")
        .get()
    )
    return head_length, head_hash, length or 0, last_hash or ""


CHAIN_DOES_NOT_MATCH_ITS_HEAD = (
    "Nothing was saved. This trainee's sign-off records do not end where the ledger says they "
    "should, so nothing more can be added to them until they are checked. Please tell your "
    "Pathway administrator (they can run verify_records to see what is wrong)."
)


def _append_assessment(**fields):
    """Append to the trainee's hash chain and move its head on, in the caller's transaction.

    Locks the trainee's row so appends are serial. Refuses (writing nothing) when the chain no
    longer ends where its head says: appending would hide records removed behind the
    application's back. A chain without a head (made before heads, or restored without them)
    gets one."""
    from competencies.models import Assessment, ChainHead

    trainee_id = fields["record"].trainee_id
    _lock_chain(trainee_id)
    head_length, head_hash, length, last_hash = _chain_end(trainee_id)
    if head_length is not None and (head_length, head_hash) != (length, last_hash):
        raise ValidationError(CHAIN_DOES_NOT_MATCH_ITS_HEAD)
    assessment = Assessment(
        trainee_id=trainee_id,
        sequence=length + 1,
        previous_hash=last_hash,
        created_at=_to_milliseconds(timezone.now()),
        hash_version=KEYED_HASH_VERSION,
        hash_key_id=current_key_id(),
        **fields,
    )
    assessment.record_hash = assessment.compute_hash()
    assessment.save(force_insert=True)
    # One query: an UPDATE of the head, or the INSERT of a chain's first head.
    moved = {"length": assessment.sequence, "last_hash": assessment.record_hash}
    if head_length is None:
        ChainHead.objects.create(trainee_id=trainee_id, updated_at=assessment.created_at, **moved)
    else:
        ChainHead.objects.filter(trainee_id=trainee_id).update(
            updated_at=assessment.created_at, **moved
        )
    return assessment


def _check_decision(sign_off_request, *, outcome, method, assessed_on, feedback) -> str:
    """Refuse a decision the record cannot take; returns the feedback, trimmed."""
    from competencies.models import Assessment

    if outcome not in (Assessment.Outcome.ACHIEVED, Assessment.Outcome.NOT_YET_COMPETENT):
        raise ValidationError({"outcome": "Select whether the trainee achieved the competency"})
    if method not in (sign_off_request.competency.assessment_methods or []):
        raise ValidationError(
            {"method": "Select one of the assessment methods this competency allows"}
        )
    _not_in_future_or_before_start(sign_off_request.record, assessed_on, "assessed_on")
    feedback = (feedback or "").strip()
    if outcome == Assessment.Outcome.NOT_YET_COMPETENT and not feedback:
        raise ValidationError({"feedback": "Give feedback: what the trainee needs to do next"})
    return feedback


def _check_criteria(sign_off_request, criteria_met) -> list[str]:
    """The ticked criteria, in the competency's order; refuses any it does not list."""
    criteria = list(sign_off_request.competency.performance_criteria or [])
    ticked = set(criteria_met or ())
    if ticked - set(criteria):
        raise ValidationError(
            {"criteria_met": "Tick only the performance criteria this competency lists"}
        )
    return [criterion for criterion in criteria if criterion in ticked]


def sign_off_request_decide(
    *,
    actor: User,
    sign_off_request,
    signature: Signature | None,
    outcome: str,
    method: str,
    assessed_on: datetime.date,
    feedback: str = "",
    criteria_met: Iterable[str] = (),
):
    """A mentor decides a sign-off request: achieved, or not yet competent with feedback,
    signed with a fresh proof of identity (pathway.signatures). `criteria_met` are the
    performance criteria the mentor ticked as seen; they are kept with the decision and signed
    with it.

    The signature is checked here, by the service, whoever calls it: a wrong one raises a
    ValidationError on "signature" and writes nothing but the failed attempt, which counts
    towards the account's lockout (so it is checked before, not inside, the transaction that
    writes the decision). Exactly one decision is ever recorded for a request: the request is
    closed with a conditional UPDATE, so a second mentor (or a second tab) deciding at the
    same moment finds it already closed.
    """
    if not actor.has_perm("competencies.decide_request", sign_off_request):
        raise PermissionDenied("Only the mentor this request was sent to can decide it")
    feedback = _check_decision(
        sign_off_request, outcome=outcome, method=method, assessed_on=assessed_on, feedback=feedback
    )
    criteria_met = _check_criteria(sign_off_request, criteria_met)
    signed = signature_verify(
        signer=actor,
        signature=signature,
        statement=signing.decision_statement(
            sign_off_request,
            outcome=outcome,
            method=method,
            assessed_on=assessed_on,
            feedback=feedback,
            criteria_met=criteria_met,
        ),
        allowed=signing.allowed_methods(sign_off_request.record),
    )
    return _record_decision(
        sign_off_request,
        signed=signed,
        outcome=outcome,
        method=method,
        assessed_on=assessed_on,
        feedback=feedback,
        criteria_met=criteria_met,
    )


@transaction.atomic
def _record_decision(
    sign_off_request, *, signed: Signed, outcome, method, assessed_on, feedback, criteria_met
):
    from competencies.models import Assessment, ProgressState, SignOffRequest

    competency = sign_off_request.competency
    record = sign_off_request.record
    closed_at = timezone.now()
    closed = SignOffRequest.objects.filter(
        pk=sign_off_request.pk, status=SignOffRequest.Status.OPEN
    ).update(status=SignOffRequest.Status.DECIDED, closed_at=closed_at)
    if not closed:
        raise ValidationError("This request has already been decided or withdrawn")
    sign_off_request.status = SignOffRequest.Status.DECIDED
    sign_off_request.closed_at = closed_at

    assessment = _append_assessment(
        record=record,
        competency=competency,
        request=sign_off_request,
        outcome=outcome,
        method=method,
        assessed_on=assessed_on,
        feedback=feedback,
        criteria_met=criteria_met,
        **_assessor_snapshot(signed, "Mentor"),
    )
    # One UPDATE (it locks the row itself): no read of the row first.
    if outcome == Assessment.Outcome.ACHIEVED:
        changes = {
            "state": ProgressState.ACHIEVED,
            "achieved_on": assessed_on,
            "expires_on": competency.expiry_after(assessed_on),
        }
    else:
        changes = {"state": ProgressState.NOT_YET_COMPETENT}
    CompetencyProgress.objects.filter(record=record, competency=competency).update(
        **changes, updated_at=timezone.now()
    )
    record_summary_refresh(record.pk)
    _notify_sign_off_decided(assessment)
    notifications_settle(
        actor=signed.signer,
        url=reverse("competencies:sign_off", args=[sign_off_request.pk]),
        did="decided",
    )
    # The events feed (pathway/events.py): last, so the lock it takes is held briefly.
    sign_off_event(IntegrationEvent.Kind.SIGN_OFF_DECIDED, assessment)
    return assessment


def sign_off_transcribe(
    *,
    actor: User,
    record: TrainingRecord,
    competency: Competency,
    signature: Signature | None,
    assessed_on: datetime.date,
    signed_by: str,
):
    """The lead nurse enters a sign-off from a signed paper competency booklet, as a true copy
    signed with her own proof of identity. The record says it is a copy and whose signature
    the paper carries; the lead nurse is its signer."""
    from competencies.models import Assessment, ProgressState

    _require(actor, "competencies.manage_frameworks", message="Only the lead nurse can do this")
    signed_by = (signed_by or "").strip()
    if not signed_by:
        raise ValidationError({"signed_by": "Enter the name of the mentor who signed the paper"})
    if not record.progress.filter(competency=competency).exists():
        raise ValidationError("This competency is not part of the trainee's record")
    _not_in_future_or_before_start(record, assessed_on, "assessed_on")
    signed = signature_verify(
        signer=actor,
        signature=signature,
        statement=signing.transcription_statement(
            record, competency, assessed_on=assessed_on, signed_by=signed_by
        ),
        allowed=signing.allowed_methods(record),
    )
    with transaction.atomic():
        assessment = _append_assessment(
            record=record,
            competency=competency,
            outcome=Assessment.Outcome.ACHIEVED,
            method=(competency.assessment_methods or [""])[0],
            assessed_on=assessed_on,
            feedback=f"Copied from the paper competency booklet signed by {signed_by}.",
            **_assessor_snapshot(signed, "Lead nurse (copy of a paper record)"),
        )
        CompetencyProgress.objects.filter(record=record, competency=competency).update(
            state=ProgressState.ACHIEVED,
            achieved_on=assessed_on,
            expires_on=competency.expiry_after(assessed_on),
            updated_at=timezone.now(),
        )
        record_summary_refresh(record.pk)
        sign_off_event(IntegrationEvent.Kind.SIGN_OFF_DECIDED, assessment)
    return assessment


def assessment_revoke(*, actor: User, assessment, reason: str, signature: Signature | None):
    """Correct a mistaken decision with a new, signed record that revokes it. Nothing is
    edited. The signature is checked here, as for a decision."""
    from competencies.models import Assessment

    if not actor.has_perm("competencies.revoke_assessment", assessment):
        raise PermissionDenied("Only the mentor who signed, or the lead nurse, can revoke this")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for revoking this decision"})
    if assessment.outcome == Assessment.Outcome.REVOKED:
        raise ValidationError("A revocation cannot itself be revoked")
    if Assessment.objects.filter(revokes=assessment).exists():
        raise ValidationError("This decision has already been revoked")
    signed = signature_verify(
        signer=actor,
        signature=signature,
        statement=signing.revocation_statement(assessment, reason=reason),
        allowed=signing.allowed_methods(assessment.record),
    )
    role = (
        "Lead nurse" if actor.has_role("lead_nurse") and actor != assessment.assessor else "Mentor"
    )
    return _record_revocation(assessment, signed=signed, role=role, reason=reason)


@transaction.atomic
def _record_revocation(assessment, *, signed: Signed, role: str, reason: str):
    from competencies.models import Assessment

    # Checked again with the trainee's chain locked: two revocations of one decision at the
    # same moment (a double click) give one revocation and a clear refusal for the other.
    _lock_chain(assessment.trainee_id)
    already = ValidationError("This decision has already been revoked")
    if Assessment.objects.filter(revokes=assessment).exists():
        raise already
    try:
        with transaction.atomic():
            revocation = _append_assessment(
                record=assessment.record,
                competency=assessment.competency,
                outcome=Assessment.Outcome.REVOKED,
                assessed_on=timezone.localdate(),
                feedback=reason,
                revokes=assessment,
                **_assessor_snapshot(signed, role),
            )
    except IntegrityError as race:  # SQLite takes no row locks: the database's own rule held
        raise already from race
    _recompute_progress(record=assessment.record, competency=assessment.competency)
    sign_off_event(IntegrationEvent.Kind.SIGN_OFF_REVOKED, revocation)
    return revocation


def _recompute_progress(*, record: TrainingRecord, competency: Competency) -> CompetencyProgress:
    """Derive a competency's state from its history after a revocation."""
    from competencies.models import Assessment, ProgressState, SignOffRequest

    progress = CompetencyProgress.objects.select_for_update().get(
        record=record, competency=competency
    )
    standing = (
        Assessment.objects.filter(record=record, competency=competency)
        .exclude(outcome=Assessment.Outcome.REVOKED)
        .filter(revoked_by__isnull=True)
        .order_by("-sequence")
        .first()
    )
    open_request = SignOffRequest.objects.filter(
        record=record, competency=competency, status=SignOffRequest.Status.OPEN
    ).exists()
    progress.achieved_on = None
    progress.expires_on = None
    if standing and standing.outcome == Assessment.Outcome.ACHIEVED:
        progress.state = ProgressState.ACHIEVED
        progress.achieved_on = standing.assessed_on
        progress.expires_on = competency.expiry_after(standing.assessed_on)
    elif open_request:
        progress.state = ProgressState.AWAITING_SIGN_OFF
    elif standing and standing.outcome == Assessment.Outcome.NOT_YET_COMPETENT:
        progress.state = ProgressState.NOT_YET_COMPETENT
    else:
        progress.state = (
            ProgressState.IN_PROGRESS if progress.practice_count else ProgressState.NOT_STARTED
        )
    progress.save(update_fields=["state", "achieved_on", "expires_on", "updated_at"])
    record_summary_refresh(record.pk)
    return progress
