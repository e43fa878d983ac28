"""The sign-off ledger is anchored (ADR 0007): chain heads, sealed checkpoints and keyed hashes
mean that records cannot be rolled back, removed or forged without verify_records naming it.

Each tamper runs raw SQL as someone with direct database access would. On PostgreSQL the
append-only triggers refuse it, so the test first disables them, as a superuser can, inside the
test's own transaction (rolled back afterwards)."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from competencies import services
from competencies.integrity import verify_chains
from competencies.models import (
    Assessment,
    ChainHead,
    CompetencyProgress,
    LedgerCheckpoint,
    ProgressState,
    SignOffRequest,
)
from competencies.services import ledger as services_ledger
from tests import factories

pytestmark = pytest.mark.django_db

LEDGER_TABLES = (
    "competencies_assessment",
    "competencies_chainhead",
    "competencies_ledgercheckpoint",
)
KEY_A = {"A": b"first-ledger-key-for-the-rotation-test-0123456789"}
KEY_B = {"B": b"second-ledger-key-for-the-rotation-test-987654321"}


def _signed(record, mentor, competency, outcome="achieved", feedback=""):
    return services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=factories.ask_for_sign_off(record, competency, mentor),
        signature=factories.signature(),
        outcome=outcome,
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback=feedback or ("" if outcome == "achieved" else "Practise once more"),
    )


def _behind_the_back(*statements):
    """Raw SQL (sql, params) against the ledger's tables, with their triggers disabled."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # Deferred foreign-key checks must run first, or PostgreSQL refuses the ALTER.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in LEDGER_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for sql, params in statements:
            cursor.execute(sql, params)
        if postgres:
            for table in LEDGER_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _verify(*args) -> str:
    """Run verify_records; it must fail (a CommandError: exit status 1 from the command line).
    Returns what it printed."""
    out = StringIO()
    with pytest.raises(CommandError, match=r"problem\(s\)"):
        call_command("verify_records", *args, stdout=out)
    return out.getvalue()


def _verified(*args) -> str:
    out = StringIO()
    call_command("verify_records", *args, stdout=out)
    assert "verified: no breaks" in out.getvalue()
    return out.getvalue()


def _checkpoint() -> str:
    out = StringIO()
    call_command("ledger_checkpoint", stdout=out)
    return out.getvalue()


def _chain(competencies=3):
    record, mentor, items = factories.enrolled_trainee(competencies=competencies)
    return record, mentor, [_signed(record, mentor, c) for c in items]


# Rolling back and removing records ----------------------------------------------------------


def test_deleting_the_newest_record_is_named():
    """Used to pass: verify_records checked each chain only up to whatever record was last, so a
    chain without its newest record read as "no breaks"."""
    record, _mentor, signed = _chain()
    _behind_the_back(("DELETE FROM competencies_assessment WHERE id = %s", [signed[-1].pk]))
    out = _verify()
    name = record.trainee.full_name
    assert f"{name} (person {record.trainee_id}): the chain head says 3 records" in out
    assert "the database holds 2 records" in out
    assert "the newest records are missing" in out


def test_deleting_the_newest_record_and_rewinding_its_head_is_named_by_the_checkpoint():
    """Used to pass: nothing outside the records said how long a chain had been."""
    record, _mentor, signed = _chain()
    _checkpoint()
    _behind_the_back(
        ("DELETE FROM competencies_assessment WHERE id = %s", [signed[-1].pk]),
        (
            "UPDATE competencies_chainhead SET length = 2, last_hash = %s WHERE trainee_id = %s",
            [signed[1].record_hash, record.trainee_id],
        ),
    )
    out = _verify()
    assert f"{record.trainee.full_name} (person {record.trainee_id}): checkpoint 1 (written" in out
    assert f"recorded 3 records ending in hash {signed[-1].record_hash[:12]}" in out
    assert "the database holds 2 records: records were removed after that checkpoint" in out


def test_deleting_a_whole_chain_is_named():
    """Used to pass: a trainee with no records at all had no chain to check."""
    record, _mentor, _signed_records = _chain(competencies=2)
    other, _other_mentor, _ = _chain(competencies=1)
    _behind_the_back(
        ("DELETE FROM competencies_assessment WHERE trainee_id = %s", [record.trainee_id])
    )
    out = _verify()
    assert (
        f"{record.trainee.full_name} (person {record.trainee_id}): the chain head says 2 records"
    ) in out
    assert "the whole chain is missing" in out
    assert other.trainee.full_name not in out


def test_deleting_a_whole_chain_and_its_head_is_named_by_the_checkpoint():
    """Used to pass, as above; and with the head gone too only a checkpoint still knows."""
    record, _mentor, _ = _chain(competencies=2)
    _checkpoint()
    _behind_the_back(
        ("DELETE FROM competencies_assessment WHERE trainee_id = %s", [record.trainee_id]),
        ("DELETE FROM competencies_chainhead WHERE trainee_id = %s", [record.trainee_id]),
    )
    out = _verify()
    assert f"{record.trainee.full_name} (person {record.trainee_id}): checkpoint 1" in out
    assert "but the database holds none: the chain is gone" in out


def test_an_empty_restore_fails_naming_the_checkpoint():
    """Used to report "All 0 sign-off records verified": an empty database looked like a new
    one. Now the checkpoint log (append-only, so it outlives the records) names what it held."""
    _chain(competencies=2)
    _chain(competencies=1)
    _checkpoint()
    _behind_the_back(
        ("DELETE FROM competencies_assessment", []),
        ("DELETE FROM competencies_chainhead", []),
    )
    CompetencyProgress.objects.update(state=ProgressState.NOT_STARTED, achieved_on=None)
    out = _verify()
    assert "Checkpoint 1 (written" in out
    assert "names 2 chains holding 3 records; the database holds 0 records" in out
    assert "2 of those chains are gone entirely" in out


def test_an_empty_restore_without_the_log_fails_against_the_exported_copy(tmp_path):
    """With the checkpoint log emptied too, the database cannot tell itself from a new one: the
    copy kept outside it (export_checkpoints) still can."""
    _chain(competencies=2)
    _checkpoint()
    copy = tmp_path / "checkpoints.jsonl"
    call_command("export_checkpoints", output=str(copy), stdout=StringIO())
    _behind_the_back(
        ("DELETE FROM competencies_assessment", []),
        ("DELETE FROM competencies_chainhead", []),
        ("DELETE FROM competencies_ledgercheckpoint", []),
    )
    CompetencyProgress.objects.update(state=ProgressState.NOT_STARTED, achieved_on=None)
    out = _verify("--checkpoints", str(copy))
    assert "holds checkpoints up to checkpoint 1" in out
    assert "the database's log is empty" in out
    assert "Checkpoint 1 (written" in out and "the database holds 0 records" in out


def test_a_fresh_database_passes_and_its_first_checkpoint_is_written_once():
    out = _verified()
    assert "All 0 sign-off records verified" in out
    assert "Checkpoint 1 written: 0 chains, 0 records" in _checkpoint()
    assert "nothing written" in _checkpoint()
    assert LedgerCheckpoint.objects.count() == 1
    _verified()


# Checkpoints ---------------------------------------------------------------------------------


def test_checkpoints_are_written_only_when_a_chain_changed_and_each_follows_the_last():
    record, mentor, competencies = factories.enrolled_trainee(competencies=3)
    other, _, _ = _chain(competencies=1)
    _signed(record, mentor, competencies[0])
    assert "Checkpoint 1 written: 2 chains, 2 records" in _checkpoint()
    assert "No chain has changed since checkpoint 1" in _checkpoint()
    _signed(record, mentor, competencies[1])
    assert "Checkpoint 2 written: 2 chains, 3 records, 1 changed" in _checkpoint()
    first, second = LedgerCheckpoint.objects.order_by("number")
    assert second.previous_mac == first.mac
    assert second.keyed_since == first.keyed_since
    head = ChainHead.objects.get(trainee=record.trainee)
    assert second.changes == [[record.trainee_id, 2, head.last_hash]]
    assert other.trainee_id not in [trainee for trainee, _, _ in second.changes]
    out = _verified()
    assert "They extend checkpoint 2" in out


def test_ledger_checkpoint_refuses_to_vouch_for_a_broken_ledger():
    _record, _mentor, signed = _chain()
    _behind_the_back(("DELETE FROM competencies_assessment WHERE id = %s", [signed[-1].pk]))
    out = StringIO()
    with pytest.raises(CommandError, match="no checkpoint written"):
        call_command("ledger_checkpoint", stdout=out)
    assert "the newest records are missing" in out.getvalue()
    assert not LedgerCheckpoint.objects.exists()


def test_an_altered_checkpoint_is_named():
    record, _mentor, _ = _chain(competencies=2)
    _checkpoint()
    checkpoint = LedgerCheckpoint.objects.get()
    # Someone lowers the chain's length in the checkpoint, to make a later rollback pass.
    changes = [[record.trainee_id, 1, checkpoint.changes[0][2]]]
    _behind_the_back(
        (
            "UPDATE competencies_ledgercheckpoint SET changes = %s WHERE id = %s",
            [json.dumps(changes), checkpoint.pk],
        )
    )
    out = _verify()
    assert "checkpoint 1 (written" in out
    assert "lists changes that do not lead to its digest: the list was altered" in out


def test_a_checkpoint_removed_from_the_log_is_named_against_the_exported_copy(tmp_path):
    record, mentor, competencies = factories.enrolled_trainee(competencies=2)
    _signed(record, mentor, competencies[0])
    _checkpoint()
    _signed(record, mentor, competencies[1])
    _checkpoint()
    copy = tmp_path / "checkpoints.jsonl"
    call_command("export_checkpoints", output=str(copy), stdout=StringIO())
    lines = copy.read_text().splitlines()
    assert [json.loads(line)["number"] for line in lines] == [1, 2]
    _verified("--checkpoints", str(copy))
    _behind_the_back(("DELETE FROM competencies_ledgercheckpoint WHERE number = 2", []))
    out = _verify("--checkpoints", str(copy))
    assert "the database's log ends at checkpoint 1: 1 checkpoint is missing" in out
    # And the export will not overwrite the copy that shows it.
    with pytest.raises(CommandError, match="Not replacing it"):
        call_command("export_checkpoints", output=str(copy), stdout=StringIO())
    assert copy.read_text().splitlines() == lines


def test_a_copy_that_cannot_be_read_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.jsonl"):
        call_command("verify_records", "--checkpoints", str(tmp_path / "missing.jsonl"))
    garbled = tmp_path / "garbled.jsonl"
    garbled.write_text("not a checkpoint\n")
    with pytest.raises(CommandError, match="Line 1 of .* is not a ledger checkpoint"):
        call_command("verify_records", "--checkpoints", str(garbled))


def test_a_database_restored_from_before_a_checkpoint_and_continued_is_named(tmp_path):
    """The database's log was rewound to checkpoint 1 and a new checkpoint 2 written since: it
    no longer agrees with the copy, which still holds the old checkpoint 2."""
    record, mentor, competencies = factories.enrolled_trainee(competencies=3)
    _signed(record, mentor, competencies[0])
    _checkpoint()
    _signed(record, mentor, competencies[1])
    _checkpoint()
    copy = tmp_path / "checkpoints.jsonl"
    call_command("export_checkpoints", output=str(copy), stdout=StringIO())
    _behind_the_back(("DELETE FROM competencies_ledgercheckpoint WHERE number = 2", []))
    _signed(record, mentor, competencies[2])
    _checkpoint()
    out = _verify("--checkpoints", str(copy))
    assert "Checkpoint 2 in " in out and "differs from the database's checkpoint 2" in out
    with pytest.raises(CommandError, match="no checkpoint written"):
        call_command("ledger_checkpoint", "--checkpoints", str(copy), stdout=StringIO())


def test_the_checkpoint_log_and_heads_refuse_changes_in_the_model():
    _chain(competencies=1)
    _checkpoint()
    checkpoint = LedgerCheckpoint.objects.get()
    for attempt in (
        lambda: checkpoint.save(),
        lambda: checkpoint.delete(),
        lambda: LedgerCheckpoint.objects.update(records=0),
        lambda: LedgerCheckpoint.objects.all().delete(),
        lambda: ChainHead.objects.all().delete(),
        lambda: ChainHead.objects.get().delete(),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert LedgerCheckpoint.objects.get().records == 1
    assert ChainHead.objects.count() == 1


def test_postgres_refuses_to_change_the_checkpoint_log_or_to_rewind_a_head(postgres_only):
    record, _mentor, _ = _chain(competencies=2)
    _checkpoint()
    for sql in (
        "UPDATE competencies_ledgercheckpoint SET records = 0",
        "DELETE FROM competencies_ledgercheckpoint",
        "TRUNCATE competencies_ledgercheckpoint",
        "DELETE FROM competencies_chainhead",
        "UPDATE competencies_chainhead SET length = 1",
        "UPDATE competencies_chainhead SET last_hash = 'x'",
    ):
        with (
            pytest.raises(DatabaseError, match="refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert LedgerCheckpoint.objects.get().records == 2
    assert ChainHead.objects.get(trainee=record.trainee).length == 2


# Forgery ---------------------------------------------------------------------------------------


def _forge(assessment, **changes):
    """Rewrite a record's row (and its chain head, so that the head does not give it away)."""
    columns = ", ".join(f"{name} = %s" for name in changes)
    statements = [
        (
            f"UPDATE competencies_assessment SET {columns} WHERE id = %s",
            [*changes.values(), assessment.pk],
        )
    ]
    if "record_hash" in changes:
        statements.append(
            (
                "UPDATE competencies_chainhead SET last_hash = %s"
                " WHERE trainee_id = %s AND length = %s",
                [changes["record_hash"], assessment.trainee_id, assessment.sequence],
            )
        )
    _behind_the_back(*statements)


def _as_unkeyed(assessment, **changes) -> str:
    """The record's hash recomputed as version 1: plain SHA-256, which needs no key."""
    forged = Assessment.objects.get(pk=assessment.pk)
    for name, value in changes.items():
        setattr(forged, name, value)
    forged.hash_version, forged.hash_key_id = 1, ""
    return forged.compute_hash()


def test_a_forged_record_recomputed_with_plain_sha256_is_named():
    """Used to pass: a record could be rewritten as hash version 1, which anyone with the
    source code can recompute, and its chain still verified."""
    record, _mentor, signed = _chain(competencies=2)
    newest = signed[-1]
    _forge(
        newest,
        outcome="not_yet_competent",
        hash_version=1,
        hash_key_id="",
        record_hash=_as_unkeyed(newest, outcome="not_yet_competent"),
    )
    out = _verify()
    assert f"record {newest.pk} at position 2" in out
    assert "is unkeyed (hash version 1" in out
    assert "comes after a keyed record in the same chain" in out


def test_a_forged_unkeyed_chain_is_named_against_the_cut_over():
    """A whole chain rewritten as version 1 has no keyed record left in it to contradict it:
    the first checkpoint, which fixed when keyed hashing began, still does."""
    record, _mentor, signed = _chain(competencies=1)
    _checkpoint()
    only = signed[0]
    _forge(
        only,
        outcome="not_yet_competent",
        hash_version=1,
        hash_key_id="",
        record_hash=_as_unkeyed(only, outcome="not_yet_competent"),
    )
    out = _verify()
    assert f"record {only.pk} at position 1" in out
    assert "but is dated after keyed hashing began" in out
    assert "the record at position 1 is another one" in out


def test_an_unkeyed_record_backdated_and_appended_after_the_cut_over_is_named():
    """Version 1 records from before keyed hashing still verify; one appended to such a chain
    later, even dated back to before the cut-over, lies beyond what the first checkpoint saw."""
    record, _mentor, (competency, *_) = factories.enrolled_trainee(competencies=2)
    legacy = _legacy_unkeyed(record, competency, sequence=1, previous_hash="")
    ChainHead.objects.create(
        trainee=record.trainee, length=1, last_hash=legacy.record_hash, updated_at=timezone.now()
    )
    _verified()
    _checkpoint()
    appended = _legacy_unkeyed(record, competency, sequence=2, previous_hash=legacy.record_hash)
    _behind_the_back(
        (
            "UPDATE competencies_chainhead SET length = 2, last_hash = %s WHERE trainee_id = %s",
            [appended.record_hash, record.trainee_id],
        )
    )
    out = _verify()
    assert f"record {appended.pk} at position 2" in out
    assert "lies beyond the 1 record this chain held at checkpoint 1" in out


def _legacy_unkeyed(record, competency, *, sequence, previous_hash):
    """A version 1 record as made before keyed hashing (bulk_create: the model refuses them)."""
    mentor = factories.MentorFactory()
    made = Assessment(
        trainee_id=record.trainee_id,
        record=record,
        competency=competency,
        outcome="not_yet_competent",
        method=competency.assessment_methods[0],
        assessed_on=record.start_date,
        feedback="Practise once more",
        assessor=mentor,
        assessor_name=mentor.full_name,
        assessor_role="Mentor",
        created_at=timezone.now().replace(year=2025, microsecond=0),
        sequence=sequence,
        previous_hash=previous_hash,
        hash_version=1,
    )
    made.record_hash = made.compute_hash()
    (made,) = Assessment.objects.bulk_create([made])
    return made


def test_a_record_resealed_with_the_wrong_key_is_named():
    _record, _mentor, signed = _chain(competencies=2)
    newest = signed[-1]
    forged = Assessment.objects.get(pk=newest.pk)
    forged.outcome = "not_yet_competent"
    canonical = json.dumps(forged.hash_payload_v2(), sort_keys=True, separators=(",", ":"))
    guessed = hmac.new(b"a guessed key", canonical.encode(), hashlib.sha256).hexdigest()
    _forge(newest, outcome="not_yet_competent", record_hash=guessed)
    out = _verify()
    assert f"record {newest.pk} at position 2: content has changed since it was signed" in out


def test_a_record_naming_a_key_this_server_was_not_given_is_named_not_crashed_on():
    _record, _mentor, signed = _chain(competencies=2)
    newest = signed[-1]
    _forge(newest, hash_key_id="stolen")
    out = _verify()
    assert f"record {newest.pk} at position 2: is signed with ledger key 'stolen'" in out
    assert "which this server was not given (PATHWAY_LEDGER_KEYS)" in out


def test_unkeyed_records_can_no_longer_be_made():
    record, mentor, (competency, *_) = factories.enrolled_trainee(competencies=1)
    with pytest.raises(ValidationError, match="version 1"):
        Assessment(
            trainee_id=record.trainee_id,
            record=record,
            competency=competency,
            outcome="achieved",
            assessed_on=record.start_date,
            assessor=mentor,
            assessor_name=mentor.full_name,
            assessor_role="Mentor",
            sequence=1,
            hash_version=1,
        ).save()
    assert not Assessment.objects.exists()


def test_key_rotation_keeps_old_records_verifying_while_their_key_is_listed():
    """Records and a checkpoint under key A; then B is added first in the list ("B,A") and signs
    what follows. Everything verifies with both listed, and fails clearly with only B."""
    record, mentor, competencies = factories.enrolled_trainee(competencies=4)
    with override_settings(PATHWAY_LEDGER_KEYS=KEY_A, PATHWAY_LEDGER_KEY_ID="A"):
        under_a = [_signed(record, mentor, c) for c in competencies[:2]]
        _checkpoint()
    with override_settings(PATHWAY_LEDGER_KEYS={**KEY_B, **KEY_A}, PATHWAY_LEDGER_KEY_ID="B"):
        under_b = [_signed(record, mentor, c) for c in competencies[2:]]
        _checkpoint()
        assert [a.hash_key_id for a in under_a + under_b] == ["A", "A", "B", "B"]
        assert list(LedgerCheckpoint.objects.values_list("key_id", flat=True)) == ["A", "B"]
        _verified()
    with override_settings(PATHWAY_LEDGER_KEYS=KEY_B, PATHWAY_LEDGER_KEY_ID="B"):
        out = _verify()
    for old in under_a:
        assert f"record {old.pk} at position {old.sequence}: is signed with ledger key 'A'" in out
    assert "checkpoint 1 (written" in out and "is sealed with ledger key 'A'" in out
    assert "add that key back to PATHWAY_LEDGER_KEYS, after the current one" in out
    for new in under_b:
        assert f"record {new.pk} " not in out


# Progress and decisions -------------------------------------------------------------------------


def test_progress_achieved_without_a_decision_is_named():
    """Used to pass: progress was never compared with the decisions it follows from."""
    record, _mentor, (competency, *_) = factories.enrolled_trainee(competencies=1)
    CompetencyProgress.objects.filter(record=record).update(
        state=ProgressState.ACHIEVED, achieved_on=timezone.localdate()
    )
    out = _verify()
    assert (
        f"{record.trainee.full_name} (person {record.trainee_id}): competency {competency.code}"
        " shows as achieved on their record, but no standing 'achieved' decision supports it"
    ) in out


def test_a_standing_achieved_decision_not_shown_as_achieved_is_named():
    record, _mentor, signed = _chain(competencies=1)
    CompetencyProgress.objects.filter(record=record).update(state=ProgressState.IN_PROGRESS)
    out = _verify()
    assert f"the standing decision on competency {signed[0].competency.code} is 'achieved'" in out
    assert "shows it as 'In progress'" in out


def test_revoked_and_redecided_competencies_verify():
    record, mentor, (first, second) = factories.enrolled_trainee(competencies=2)
    decision = _signed(record, mentor, first)
    services.assessment_revoke(
        actor=mentor, assessment=decision, reason="Wrong trainee", signature=factories.signature()
    )
    _signed(record, mentor, first, outcome="not_yet_competent")
    _signed(record, mentor, second)
    _verified()
    assert "Checkpoint 1 written: 1 chain, 4 records" in _checkpoint()


# The service keeps the heads ----------------------------------------------------------------------


def test_each_sign_off_moves_its_chains_head_on_in_the_same_transaction():
    record, _mentor, signed = _chain(competencies=2)
    head = ChainHead.objects.get(trainee=record.trainee)
    assert (head.length, head.last_hash) == (2, signed[-1].record_hash)


def test_the_service_refuses_to_append_to_a_chain_cut_short():
    """Appending after the newest record was removed would have hidden the gap."""
    record, mentor, competencies = factories.enrolled_trainee(competencies=3)
    signed = [_signed(record, mentor, c) for c in competencies[:2]]
    _behind_the_back(("DELETE FROM competencies_assessment WHERE id = %s", [signed[-1].pk]))
    request = factories.ask_for_sign_off(record, competencies[2], mentor)
    with pytest.raises(ValidationError, match="do not end where the ledger says"):
        services.sign_off_request_decide(
            actor=mentor,
            sign_off_request=request,
            signature=factories.signature(),
            outcome="achieved",
            method=competencies[2].assessment_methods[0],
            assessed_on=timezone.localdate(),
        )
    request.refresh_from_db()
    assert request.status == SignOffRequest.Status.OPEN
    assert Assessment.objects.filter(trainee=record.trainee).count() == 1


def test_a_chain_without_a_head_is_named_and_build_chain_heads_gives_it_one():
    record, _mentor, _ = _chain(competencies=2)
    _behind_the_back(
        ("DELETE FROM competencies_chainhead WHERE trainee_id = %s", [record.trainee_id])
    )
    assert "has 2 records but no chain head" in _verify()
    out = StringIO()
    call_command("build_chain_heads", stdout=out)
    assert "1 chain head(s) made" in out.getvalue()
    _verified()


def test_the_migration_builds_heads_with_the_same_sql_as_the_service():
    migration = importlib.import_module("competencies.migrations.0007_build_chain_heads")
    assert migration.BUILD_MISSING_HEADS == services_ledger.BUILD_MISSING_HEADS


def test_verify_chains_still_reports_only_broken_records():
    _chain(competencies=2)
    assert verify_chains() == (2, [])


def test_the_scale_data_is_keyed_and_has_its_heads():
    """The benchmark's data set writes keyed records and chain heads as the service does, so
    verify_records (and so a checkpoint) passes on it."""
    call_command("seed_scale", trainees=3, stdout=StringIO())
    assert Assessment.objects.exists()
    assert set(Assessment.objects.values_list("hash_version", flat=True)) == {2}
    assert ChainHead.objects.count() == Assessment.objects.values("trainee").distinct().count()
    _verified()
    assert "Checkpoint 1 written" in _checkpoint()
