"""Subject access (issue #20, part 3): everything held about a person, as one archive.

`subject_access_request` is what a page calls: it checks the asker may, logs the request in
the access log (who asked, for whom, when: even a person asking about themself, unlike the
other looks), then makes the archive at once when the record is small, or queues a background
job (governance.jobs) when it is large. The job checks the permission again when it runs.

Writes for retention and erasure (docs/retention.md). Each checks who is acting (None: the
scheduled job), runs in one transaction, and leaves a DisposalEntry with no personal data.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from competencies.models import TOMBSTONE, Assessment, Evidence, PracticeEntry
from competencies.services.ledger import sign_off_records_redact
from evaluation.models import Draft, Response
from governance import erasure, retention, selectors, subject_access
from governance.models import (
    MAX_DAYS,
    MAX_YEARS,
    Disposal,
    DisposalEntry,
    RecordKind,
    RetentionRule,
    Start,
    Unit,
)
from governance.retention import ErasureBasis
from notifications.models import Notification
from pathway import held_uploads
from pathway import selectors as pathway_selectors
from pathway.identity.models import ExternalIdentity, Passkey
from pathway.models import BackgroundJob, IntegrationEvent, RecordAccess, User
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


logger = logging.getLogger(__name__)

OVERRIDE_MAX = 500


@transaction.atomic
def retention_rule_update(
    *,
    actor: User,
    kind: str,
    period: int,
    unit: str,
    starts: str,
    disposal: str,
    note: str = "",
) -> RetentionRule:
    """The administrator sets how long one kind of record is kept."""
    if not actor.has_perm("governance.change_retention"):
        raise PermissionDenied("Only an administrator changes the retention schedule")
    if kind not in RecordKind.values:
        raise ValidationError("There is no such kind of record")
    problems = {}
    if unit not in Unit.values:
        problems["unit"] = "Select days or years"
    if starts not in Start.values:
        problems["starts"] = "Select when the period starts"
    if disposal not in Disposal.values:
        problems["disposal"] = "Select what happens at the end of the period"
    limit = MAX_YEARS if unit == Unit.YEARS else MAX_DAYS
    if not isinstance(period, int) or not 1 <= period <= limit:
        problems["period"] = f"Enter a period from 1 to {limit}"
    if problems:
        raise ValidationError(problems)
    rule = RetentionRule.objects.select_for_update().filter(kind=kind).first()
    rule = rule or retention.default_rule(kind)
    rule.period, rule.unit, rule.starts, rule.disposal = period, unit, starts, disposal
    rule.note = (note or "").strip()
    rule.save()
    return rule


def _mentions(text: str, person: User) -> bool:
    """Whether `text` names the person: their name or a part of it (as a whole word), their
    e-mail address or employee number."""
    identifiers = [person.full_name, person.email, person.employee_number]
    identifiers += person.full_name.split()
    return any(
        re.search(rf"(?<!\w){re.escape(item)}(?!\w)", text, re.IGNORECASE)
        for item in identifiers
        if item and len(item) > 2
    )


def _check_erasure(actor, person, basis, override_reason, hold) -> None:
    if actor is not None and not actor.has_perm("governance.erase_person", person):
        raise PermissionDenied("Only an administrator erases a person, and never themself")
    if selectors.is_erased(person):
        raise ValidationError("This person has already been erased")
    if basis not in ErasureBasis.rule_names:
        raise ValidationError({"basis": "Select the legal basis for the erasure"})
    if len(override_reason) > OVERRIDE_MAX:
        raise ValidationError(
            {"override_reason": f"Reason must be {OVERRIDE_MAX} characters or fewer"}
        )
    if override_reason and _mentions(override_reason, person):
        raise ValidationError(
            {
                "override_reason": "Do not put the person's name, e-mail address or employee"
                " number in the reason: it is kept in the audit log after they are erased"
            }
        )
    if hold is not None and not override_reason:
        raise ValidationError(
            {
                "override_reason": f"{hold.sentence()} To erase them now, give the reason that"
                " overrides the retention period"
            }
        )


def _erase_training_content(person: User) -> None:
    """The free text and files about the person in their training records, and their name
    where they supervised someone else's practice."""
    for evidence in Evidence.objects.filter(record__trainee=person).exclude(file=""):
        evidence.file.delete(save=False)
    Evidence.objects.filter(record__trainee=person).update(
        title=TOMBSTONE,
        text="",
        witness_name="",
        witness_role="",
        file="",
        original_filename="",
    )
    PracticeEntry.objects.filter(record__trainee=person).update(activity="", reflection="")
    PracticeEntry.objects.filter(supervisor=person).update(supervisor_name=TOMBSTONE)


def _erase_messages(person: User, name: str) -> None:
    """Their notifications, and their name in other people's (a sign-off asked for by them)."""
    Notification.objects.filter(recipient=person).delete()
    if len(name) < 3:
        return
    replacement = f"Erased person {person.pk}"
    for note in (
        Notification.objects.filter(subject__icontains=name)
        | (Notification.objects.filter(body__icontains=name))
        | Notification.objects.filter(news__icontains=name)
    ):
        for field in ("subject", "body", "news"):
            setattr(note, field, getattr(note, field).replace(name, replacement))
        note.save(update_fields=["subject", "body", "news"])


def _anonymise(person: User) -> None:
    """Keep the row (records refer to it), with nothing left that says who it was."""
    anonymous = {
        "full_name": f"Erased person {person.pk}",
        "email": selectors.erased_email(person.pk),
        "employee_number": "",
        "job_title": "",
        "registration_body": "",
        "registration_number": "",
    }
    for field, value in anonymous.items():
        setattr(person, field, value)
    person.clinical_area = None
    person.is_active = person.is_staff = person.is_superuser = False
    person.set_unusable_password()
    person.session_generation += 1  # ends any session they still have
    person.save()
    # Their account's history held every earlier name and address.
    User.history.filter(id=person.pk).update(**anonymous, clinical_area=None)
    IntegrationEvent.objects.filter(
        kind=IntegrationEvent.Kind.PERSON_CHANGED, subject_id=person.pk
    ).update(data={"person_id": person.pk, "employee_number": None})
    ExternalIdentity.history.filter(person_id=person.pk).delete()
    ExternalIdentity.objects.filter(person=person).delete()
    Passkey.history.filter(person_id=person.pk).delete()
    Passkey.objects.filter(person=person).delete()


@transaction.atomic
def person_erase(
    *,
    actor: User | None,
    person: User,
    basis: str,
    override_reason: str = "",
    today: datetime.date | None = None,
) -> DisposalEntry:
    """Erase a person on request (or at the end of their retention period: actor None, the
    scheduled job). Refused while their training records must be kept, unless the administrator
    records the reason that overrides the retention period. The sign-off ledger keeps verifying:
    personal text in it is redacted, never removed (ADR 0007)."""
    today = today or timezone.localdate()
    override_reason = (override_reason or "").strip()
    person = User.objects.select_for_update().get(pk=person.pk)
    hold = selectors.retention_hold(person, today)
    _check_erasure(actor, person, basis, override_reason, hold)
    rule = ErasureBasis.rule_names[basis]
    name = person.full_name
    sign_off_records_redact(actor=actor, person=person, rule=rule)
    _erase_training_content(person)
    _erase_messages(person, name)
    erasure.erase_everywhere(person, name)
    _anonymise(person)
    entry = DisposalEntry(
        at=timezone.now(),
        action=DisposalEntry.Action.ERASED,
        kind=selectors.record_kind_of(person) or RecordKind.OTHER_TRAINING,
        rule=rule,
        count=1,
        person_id=person.pk,
        actor_id=actor.pk if actor else None,
        overridden=hold is not None,
        override_reason=override_reason if hold is not None else "",
    )
    entry.save(force_insert=True)
    logger.info(entry.sentence())
    return entry


# The scheduled disposal --------------------------------------------------------------------


def _cutoff(rule: RetentionRule, now: datetime.datetime) -> datetime.datetime:
    """Anything made before this moment is past its period."""
    if rule.unit == Unit.YEARS:
        start = now.date()
        try:
            earlier = start.replace(year=start.year - rule.period)
        except ValueError:  # 29 February
            earlier = start.replace(year=start.year - rule.period, day=28)
        return now - (start - earlier)
    return now - datetime.timedelta(days=rule.period)


def _dispose_notifications(cutoff: datetime.datetime) -> int:
    count, _ = Notification.objects.filter(created_at__lt=cutoff).delete()
    return count


def _dispose_evaluation(cutoff: datetime.datetime) -> int:
    """Answers to questionnaires issued before the cutoff (an anonymous response has no date
    of its own, by design: its questionnaire's date stands in)."""
    responses = Response.objects.filter(issue__created_at__lt=cutoff)
    count = responses.count()
    responses.delete()
    Draft.objects.filter(issue__created_at__lt=cutoff).delete()
    return count


def _dispose_held_uploads(cutoff: datetime.datetime) -> int:
    return held_uploads.remove_older_than(int((timezone.now() - cutoff).total_seconds()))


def _dispose_access_logs(cutoff: datetime.datetime) -> int:
    count, _ = pathway_selectors.record_accesses_due_for_disposal(before=cutoff).delete()
    return count


# What the job can dispose of by itself, per kind.
DISPOSERS = {
    RecordKind.NOTIFICATIONS: _dispose_notifications,
    RecordKind.EVALUATION: _dispose_evaluation,
    RecordKind.HELD_UPLOADS: _dispose_held_uploads,
    RecordKind.ACCESS_LOGS: _dispose_access_logs,
}
TRAINING_KINDS = (RecordKind.CLINICAL_TRAINING, RecordKind.OTHER_TRAINING)


def _log(action, rule: RetentionRule, count: int, now) -> DisposalEntry:
    entry = DisposalEntry(
        at=now, action=action, kind=rule.kind, rule=f"the {rule.describe()} rule", count=count
    )
    entry.save(force_insert=True)
    logger.info(entry.sentence())
    return entry


def _training_due(rule: RetentionRule, now, today) -> DisposalEntry | None:
    due = selectors.people_past_retention(rule.kind, today)
    if rule.disposal == Disposal.AUTOMATIC:
        for person in due:
            person_erase(actor=None, person=person, basis=ErasureBasis.RETENTION_ENDED, today=today)
        return None
    last = DisposalEntry.objects.filter(action=DisposalEntry.Action.DUE, kind=rule.kind).first()
    if due and (last is None or last.count != len(due)):
        return _log(DisposalEntry.Action.DUE, rule, len(due), now)
    return None


def retention_dispose(
    *, actor: User | None = None, now: datetime.datetime | None = None
) -> list[DisposalEntry]:
    """Dispose of what is past its period; list for review what the administrator decides on.
    Idempotent: a second run finds nothing more to dispose of, and logs nothing new. `now`: for
    tests (sign-off records cannot be backdated, so time moves on instead)."""
    if actor is not None and not actor.has_perm("governance.change_retention"):
        raise PermissionDenied("Only an administrator runs the disposal")
    now = now or timezone.now()
    today = timezone.localdate(now)
    entries = []
    for rule in selectors.retention_schedule():
        with transaction.atomic():
            if rule.kind in TRAINING_KINDS:
                entry = _training_due(rule, now, today)
            elif rule.disposal == Disposal.AUTOMATIC and rule.kind in DISPOSERS:
                count = DISPOSERS[rule.kind](_cutoff(rule, now))
                entry = _log(DisposalEntry.Action.DISPOSED, rule, count, now) if count else None
            else:
                entry = None
            if entry is not None:
                entries.append(entry)
    return entries
