"""Redacting personal text in the sign-off ledger (ADR 0007, issue 20): the chain commits to a
digest of each personal field, so the field can be replaced by a tombstone, with a sealed
Redaction saying who, when and under which rule, and verify_records still proves nothing else
changed. On PostgreSQL the trigger lets only such a redaction through.

Tampering runs raw SQL with the triggers disabled, as someone with direct database access would
(the test's own transaction is rolled back afterwards)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from competencies import services
from competencies.ledger import text_digest
from competencies.models import TOMBSTONE, Assessment, Redaction
from competencies.services.ledger import sign_off_records_redact
from tests import factories

pytestmark = pytest.mark.django_db

TABLES = ("competencies_assessment", "competencies_redaction", "competencies_chainhead")
RULE = "Erasure request (UK GDPR Article 17)"


def _signed(record, mentor, competency, feedback="Calm and kind with Mrs Jones"):
    return services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=factories.ask_for_sign_off(record, competency, mentor),
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback=feedback,
    )


def _chain():
    record, mentor, items = factories.enrolled_trainee(competencies=2)
    return record, mentor, [_signed(record, mentor, c) for c in items]


def _verified() -> str:
    out = StringIO()
    call_command("verify_records", stdout=out)
    assert "verified: no breaks" in out.getvalue()
    return out.getvalue()


def _verify_fails() -> str:
    out = StringIO()
    with pytest.raises(CommandError, match=r"problem\(s\)"):
        call_command("verify_records", stdout=out)
    return out.getvalue()


def _behind_the_back(sql, params):
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if postgres:
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def test_redacting_a_trainee_replaces_the_feedback_about_them_and_the_ledger_verifies():
    record, mentor, signed = _chain()
    call_command("ledger_checkpoint", stdout=StringIO())
    hashes = list(Assessment.objects.order_by("pk").values_list("record_hash", flat=True))
    admin = factories.AdministratorFactory()

    assert sign_off_records_redact(actor=admin, person=record.trainee, rule=RULE) == 2

    for assessment in Assessment.objects.filter(pk__in=[a.pk for a in signed]):
        assert assessment.feedback == TOMBSTONE
        assert assessment.assessor_name == mentor.full_name  # about someone else: kept
    assert list(Assessment.objects.order_by("pk").values_list("record_hash", flat=True)) == hashes
    redaction = Redaction.objects.get(assessment=signed[0], field="feedback")
    assert redaction.digest == text_digest("Calm and kind with Mrs Jones")
    assert (redaction.rule, redaction.redacted_by) == (RULE, admin)
    _verified()


def test_redacting_a_mentor_replaces_their_name_and_registration_as_signer():
    record, mentor, signed = _chain()
    admin = factories.AdministratorFactory()
    sign_off_records_redact(actor=admin, person=mentor, rule=RULE)
    assessment = Assessment.objects.get(pk=signed[0].pk)
    assert assessment.assessor_name == TOMBSTONE
    assert assessment.feedback == "Calm and kind with Mrs Jones"  # about the trainee: kept
    assert set(Redaction.objects.values_list("field", flat=True)) >= {"assessor_name"}
    _verified()


def test_redacting_twice_changes_nothing_more():
    record, _mentor, _signed_records = _chain()
    admin = factories.AdministratorFactory()
    sign_off_records_redact(actor=admin, person=record.trainee, rule=RULE)
    assert sign_off_records_redact(actor=admin, person=record.trainee, rule=RULE) == 0
    assert Redaction.objects.count() == 2
    _verified()


def test_only_an_administrator_or_the_scheduled_job_may_redact():
    record, mentor, _signed_records = _chain()
    for person in (record.trainee, mentor, factories.LeadNurseFactory()):
        with pytest.raises(PermissionDenied):
            sign_off_records_redact(actor=person, person=record.trainee, rule=RULE)
    assert not Redaction.objects.exists()
    assert sign_off_records_redact(actor=None, person=record.trainee, rule=RULE) == 2


def test_a_rule_must_be_named():
    record, _mentor, _signed_records = _chain()
    with pytest.raises(ValidationError):
        sign_off_records_redact(
            actor=factories.AdministratorFactory(), person=record.trainee, rule="  "
        )
    assert not Redaction.objects.exists()


def test_a_record_altered_behind_the_back_is_not_redacted():
    """A redaction must never launder a record altered behind the service's back."""
    record, _mentor, signed = _chain()
    _behind_the_back(
        "UPDATE competencies_assessment SET outcome = 'not_yet_competent' WHERE id = %s",
        [signed[1].pk],
    )
    with pytest.raises(ValidationError, match=f"Sign-off record {signed[1].pk} does not match"):
        sign_off_records_redact(
            actor=factories.AdministratorFactory(), person=record.trainee, rule=RULE
        )
    assert not Redaction.objects.exists()
    assert Assessment.objects.get(pk=signed[0].pk).feedback != TOMBSTONE


def test_a_change_to_a_redacted_record_is_still_named():
    record, _mentor, signed = _chain()
    sign_off_records_redact(
        actor=factories.AdministratorFactory(), person=record.trainee, rule=RULE
    )
    _behind_the_back(
        "UPDATE competencies_assessment SET outcome = 'not_yet_competent' WHERE id = %s",
        [signed[0].pk],
    )
    out = _verify_fails()
    assert f"record {signed[0].pk} at position 1" in out
    assert "hash differs" in out
    assert "not sealed by the ledger key" in out


def test_a_tombstone_without_a_redaction_is_named():
    record, _mentor, signed = _chain()
    _behind_the_back(
        "UPDATE competencies_assessment SET feedback = %s WHERE id = %s", [TOMBSTONE, signed[0].pk]
    )
    assert "hash differs" in _verify_fails()


def test_a_forged_redaction_is_named():
    """Someone with the database but not the key redacts a record with a digest they computed:
    the seal gives them away."""
    record, _mentor, signed = _chain()
    _behind_the_back(
        "INSERT INTO competencies_redaction (assessment_id, field, digest, rule, redacted_at,"
        " key_id, seal) VALUES (%s, 'feedback', %s, 'forged', %s, 'k', %s)",
        [signed[0].pk, text_digest(signed[0].feedback), timezone.now(), "0" * 64],
    )
    _behind_the_back(
        "UPDATE competencies_assessment SET feedback = %s WHERE id = %s", [TOMBSTONE, signed[0].pk]
    )
    out = _verify_fails()
    assert "not sealed by the ledger key" in out or "ledger key 'k'" in out


def test_a_redaction_recorded_but_not_applied_is_named():
    record, _mentor, signed = _chain()
    sign_off_records_redact(
        actor=factories.AdministratorFactory(), person=record.trainee, rule=RULE
    )
    _behind_the_back(
        "UPDATE competencies_assessment SET feedback = 'Put back' WHERE id = %s", [signed[0].pk]
    )
    assert "was not replaced by the tombstone" in _verify_fails()


def test_an_unkeyed_record_is_redacted_under_its_seal():
    """A version 1 record's hash covers its text, so it cannot be recomputed once redacted: the
    seal, written after the record was checked, vouches for the rest of its content."""
    record, _mentor, (competency, *_) = factories.enrolled_trainee(competencies=1)
    mentor = factories.MentorFactory()
    legacy = Assessment(
        trainee_id=record.trainee_id,
        record=record,
        competency=competency,
        outcome="not_yet_competent",
        method=competency.assessment_methods[0],
        assessed_on=record.start_date,
        feedback="Practise once more, Sam",
        assessor=mentor,
        assessor_name=mentor.full_name,
        assessor_role="Mentor",
        created_at=timezone.now().replace(year=2025, microsecond=0),
        sequence=1,
        previous_hash="",
        hash_version=1,
    )
    legacy.record_hash = legacy.compute_hash()
    (legacy,) = Assessment.objects.bulk_create([legacy])
    call_command("build_chain_heads", stdout=StringIO())
    _verified()
    sign_off_records_redact(
        actor=factories.AdministratorFactory(), person=record.trainee, rule=RULE
    )
    assert Assessment.objects.get(pk=legacy.pk).feedback == TOMBSTONE
    _verified()
    _behind_the_back(
        "UPDATE competencies_assessment SET outcome = 'achieved' WHERE id = %s", [legacy.pk]
    )
    assert "not sealed by the ledger key" in _verify_fails()


# PostgreSQL: the trigger lets a recorded redaction through, nothing else -------------------


def _refused(sql, params):
    with (
        pytest.raises(DatabaseError, match="is append-only: UPDATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_database_refuses_a_tombstone_without_a_redaction(postgres_only):
    _record, _mentor, signed = _chain()
    _refused(
        "UPDATE competencies_assessment SET feedback = %s WHERE id = %s", [TOMBSTONE, signed[0].pk]
    )


def test_the_database_refuses_anything_but_the_tombstone_or_other_columns(postgres_only):
    record, _mentor, signed = _chain()
    sign_off_records_redact(
        actor=factories.AdministratorFactory(), person=record.trainee, rule=RULE
    )
    target = signed[0].pk
    _refused("UPDATE competencies_assessment SET feedback = 'Other text' WHERE id = %s", [target])
    _refused("UPDATE competencies_assessment SET outcome = 'revoked' WHERE id = %s", [target])
    # The mentor's name was not redacted: no redaction of that field exists.
    _refused(
        "UPDATE competencies_assessment SET assessor_name = %s WHERE id = %s", [TOMBSTONE, target]
    )
    with (
        pytest.raises(DatabaseError, match="DELETE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM competencies_assessment WHERE id = %s", [target])
    _verified()


def test_the_database_lets_a_recorded_redaction_through(postgres_only):
    record, _mentor, signed = _chain()
    sign_off_records_redact(
        actor=factories.AdministratorFactory(), person=record.trainee, rule=RULE
    )
    assert Assessment.objects.get(pk=signed[0].pk).feedback == TOMBSTONE
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE competencies_redaction SET rule = 'x'")
    _verified()
