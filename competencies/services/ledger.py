"""Writes that keep the sign-off ledger anchored (ADR 0007): chain heads for chains that have
none, and checkpoints. The heads of new records are written by the sign-off service itself
(competencies.services.records._append_assessment)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from competencies.checkpoints import (
    Checkpoint,
    database_log,
    heads_digest,
    replay_log,
    to_milliseconds,
)
from competencies.integrity import LedgerReport, content_problems, verify_ledger
from competencies.ledger import current_key_id, text_digest
from competencies.models import (
    KEYED_HASH_VERSION,
    Assessment,
    ChainHead,
    LedgerCheckpoint,
    Redaction,
)
from pathway.models import User

# Standard SQL, the same on PostgreSQL and SQLite: one head per chain that has none, from the
# chain's last record. Migration 0007 holds a copy (migrations never import app code).
BUILD_MISSING_HEADS = """
INSERT INTO competencies_chainhead (trainee_id, length, last_hash, updated_at)
SELECT a.trainee_id, a.sequence, a.record_hash, a.created_at
FROM competencies_assessment a
WHERE a.sequence = (
    SELECT MAX(b.sequence) FROM competencies_assessment b WHERE b.trainee_id = a.trainee_id
)
AND NOT EXISTS (SELECT 1 FROM competencies_chainhead h WHERE h.trainee_id = a.trainee_id)
"""


def _require_system(actor: User | None, what: str) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(f"Only an administrator can {what}")


@transaction.atomic
def chain_heads_build(*, actor: User | None) -> int:
    """Give every chain that has no head one, from its last record; never changes a head.
    For records written before heads existed, or restored from a backup made before then."""
    _require_system(actor, "build chain heads")
    with connection.cursor() as cursor:
        cursor.execute(BUILD_MISSING_HEADS)
        return max(cursor.rowcount, 0)


class LedgerNotSound(ValidationError):
    """The ledger has problems: a checkpoint must never vouch for a broken ledger."""

    def __init__(self, report: LedgerReport):
        self.report = report
        super().__init__(
            f"{report.count} problem(s) in the sign-off records: no checkpoint was written"
        )


def checkpoint_write(*, actor: User | None, exported: Path | None = None) -> Checkpoint | None:
    """Verify the whole ledger and, if it is sound, seal a checkpoint of every chain head that
    changed since the last one. Returns None when nothing changed (so it is safe to run as often
    as wanted). `exported`: a copy of the log kept outside the database, verified against too.

    Raises LedgerNotSound (with the report) if verification finds any problem."""
    _require_system(actor, "write a ledger checkpoint")
    report = verify_ledger(exported=exported)
    if not report.ok:
        raise LedgerNotSound(report)
    try:
        with transaction.atomic():
            return _seal_next_checkpoint()
    except IntegrityError as race:
        raise ValidationError(
            "Another checkpoint was written at the same moment: run ledger_checkpoint again"
        ) from race


def _seal_next_checkpoint() -> Checkpoint | None:
    replayed = replay_log(database_log(), "the database's log")
    heads = {
        trainee: (length, last)
        for trainee, length, last in ChainHead.objects.values_list(
            "trainee_id", "length", "last_hash"
        )
    }
    changes = tuple(
        (trainee, length, last)
        for trainee, (length, last) in sorted(heads.items())
        if replayed.heads.get(trainee) != (length, last)
    )
    previous = replayed.last
    if previous is not None and not changes:
        return None
    now = to_milliseconds(timezone.now())
    if previous is not None:
        keyed_since = previous.keyed_since
    else:
        # The first checkpoint fixes when keyed hashing began: at the first keyed record.
        first_keyed = (
            Assessment.objects.filter(hash_version=KEYED_HASH_VERSION)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        keyed_since = to_milliseconds(min(first_keyed, now) if first_keyed else now)
    after = dict(replayed.heads)
    after.update({trainee: (length, last) for trainee, length, last in changes})
    unsealed = Checkpoint(
        number=previous.number + 1 if previous else 1,
        created_at=now,
        keyed_since=keyed_since,
        chains=len(after),
        records=sum(length for length, _ in after.values()),
        changes=changes,
        digest=heads_digest(after),
        previous_mac=previous.mac if previous else "",
        key_id=current_key_id(),
        mac="",
    )
    checkpoint = dataclasses.replace(unsealed, mac=unsealed.seal())
    LedgerCheckpoint.objects.create(
        number=checkpoint.number,
        created_at=checkpoint.created_at,
        keyed_since=checkpoint.keyed_since,
        chains=checkpoint.chains,
        records=checkpoint.records,
        changes=[list(change) for change in checkpoint.changes],
        digest=checkpoint.digest,
        previous_mac=checkpoint.previous_mac,
        key_id=checkpoint.key_id,
        mac=checkpoint.mac,
    )
    return checkpoint


# Which personal fields a person's erasure redacts: the feedback about them in the records they
# received, and their name and registration as signer in the records they gave. The feedback in
# records they gave is about someone else, and stays.
_RECEIVED_FIELDS = ("feedback",)
_GIVEN_FIELDS = ("assessor_name", "assessor_registration")


def _fields_to_redact(assessment: Assessment, person_id: int, done: set[str]) -> list[str]:
    fields = []
    if assessment.trainee_id == person_id:
        fields += _RECEIVED_FIELDS
    if assessment.assessor_id == person_id:
        fields += _GIVEN_FIELDS
    # Empty text holds nothing about anyone; a field redacted already stays as it is.
    return [name for name in fields if name not in done and getattr(assessment, name) != ""]


@transaction.atomic
def sign_off_records_redact(*, actor: User | None, person: User, rule: str) -> int:
    """Replace the personal text about and by `person` in the sign-off records by the tombstone,
    recording a sealed Redaction for each field (ADR 0007). The chain, heads and checkpoints are
    untouched, and verify_records still proves nothing else changed. `actor` None: the scheduled
    disposal job. Refuses, redacting nothing, when a record does not verify before redaction (a
    redaction must never launder a record altered behind the service's back). Returns how many
    fields were redacted."""
    if actor is not None and not actor.has_perm("competencies.redact_sign_off_records"):
        raise PermissionDenied("Only an administrator can redact sign-off records")
    rule = (rule or "").strip()
    if not rule or len(rule) > Redaction._meta.get_field("rule").max_length:
        raise ValidationError("Name the rule the records are redacted under")
    records = list(
        Assessment.objects.filter(Q(trainee=person) | Q(assessor=person))
        .prefetch_related("redactions")
        .order_by("pk")
    )
    now = to_milliseconds(timezone.now())
    key_id = current_key_id()
    redacted = 0
    for assessment in records:
        existing = list(assessment.redactions.all())
        fields = _fields_to_redact(assessment, person.pk, {r.field for r in existing})
        if not fields:
            continue
        if content_problems(assessment, existing):
            raise ValidationError(
                f"Sign-off record {assessment.pk} does not match its hash, so nothing was"
                " redacted: run verify_records and resolve the problem first"
            )
        digests = {r.field: r.digest for r in existing}
        digests.update({name: text_digest(getattr(assessment, name)) for name in fields})
        content = assessment.content_digest(digests)
        for name in fields:
            redaction = Redaction(
                assessment=assessment,
                field=name,
                digest=digests[name],
                rule=rule,
                redacted_by=actor,
                redacted_at=now,
                key_id=key_id,
            )
            redaction.seal = redaction.compute_seal(content)
            redaction.save(force_insert=True)
        Assessment.objects.filter(pk=assessment.pk).redact(*fields)
        redacted += len(fields)
    return redacted
