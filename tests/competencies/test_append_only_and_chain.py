"""Sign-off records are append-only and chained; tampering is detected."""

import threading
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone

from competencies import services
from competencies.integrity import verify_chains
from competencies.models import Assessment, SignOffRequest
from tests import factories

pytestmark = pytest.mark.django_db


def _signed(record, mentor, competency, outcome="achieved", feedback=""):
    request = services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )
    return services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome=outcome,
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback=feedback,
    )


def test_model_refuses_update_and_delete():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    assessment = _signed(record, mentor, competency)
    assessment.feedback = "changed"
    with pytest.raises(ValidationError, match="append-only"):
        assessment.save()
    with pytest.raises(ValidationError, match="append-only"):
        assessment.delete()
    with pytest.raises(ValidationError, match="append-only"):
        Assessment.objects.filter(pk=assessment.pk).update(feedback="changed")
    with pytest.raises(ValidationError, match="append-only"):
        Assessment.objects.filter(pk=assessment.pk).delete()
    assessment.refresh_from_db()
    assert assessment.feedback == ""


def test_each_record_chains_to_the_one_before_for_the_same_trainee():
    record, mentor, competencies = factories.enrolled_trainee(competencies=3)
    first, second, third = (_signed(record, mentor, c) for c in competencies)
    assert (first.sequence, second.sequence, third.sequence) == (1, 2, 3)
    assert first.previous_hash == ""
    assert second.previous_hash == first.record_hash
    assert third.previous_hash == second.record_hash
    other_record, other_mentor, (other, *_) = factories.enrolled_trainee()
    assert _signed(other_record, other_mentor, other).sequence == 1


def test_verify_records_passes_on_an_untouched_chain():
    record, mentor, competencies = factories.enrolled_trainee(competencies=2)
    for competency in competencies:
        _signed(record, mentor, competency)
    out = StringIO()
    call_command("verify_records", stdout=out)
    assert "All 2 sign-off records verified" in out.getvalue()


def _tamper(sql, params):
    """Change a record behind the application's back: raw SQL, with the trigger disabled."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks must run first, or PostgreSQL refuses the ALTER.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE competencies_assessment DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE competencies_assessment ENABLE TRIGGER USER")


def test_verify_records_detects_a_change_made_behind_the_applications_back():
    record, mentor, competencies = factories.enrolled_trainee(competencies=3)
    signed = [_signed(record, mentor, c) for c in competencies]
    _tamper(
        "UPDATE competencies_assessment SET outcome = %s WHERE id = %s",
        ["not_yet_competent", signed[1].pk],
    )
    checked, breaks = verify_chains()
    assert checked == 3
    assert [(b.assessment_id, b.trainee_name) for b in breaks] == [
        (signed[1].pk, record.trainee.full_name)
    ]
    out = StringIO()
    # Two problems: the altered record, and the competency it decided still shown as achieved
    # with no standing achieved decision under it (the progress cross-check, ADR 0007).
    with pytest.raises(CommandError, match="2 problem"):
        call_command("verify_records", stdout=out)
    assert f"record {signed[1].pk}" in out.getvalue()
    assert record.trainee.full_name in out.getvalue()
    assert f"competency {competencies[1].code} shows as achieved" in out.getvalue()


def test_verify_records_detects_a_deleted_record():
    record, mentor, competencies = factories.enrolled_trainee(competencies=3)
    signed = [_signed(record, mentor, c) for c in competencies]
    _tamper("DELETE FROM competencies_assessment WHERE id = %s", [signed[1].pk])
    _, breaks = verify_chains()
    assert {b.assessment_id for b in breaks} == {signed[2].pk}


def test_postgres_trigger_refuses_update_and_delete(postgres_only):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    assessment = _signed(record, mentor, competency)
    for sql in (
        "UPDATE competencies_assessment SET feedback = 'x' WHERE id = %s",
        "DELETE FROM competencies_assessment WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [assessment.pk])
    assert Assessment.objects.filter(pk=assessment.pk, feedback="").exists()


@pytest.mark.django_db(transaction=True)
def test_two_mentors_deciding_at_once_record_exactly_one_decision(postgres_only):
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    second = factories.MentorFactory()
    factories.AllocationFactory(trainee=record.trainee, supporter=second)
    request = services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(outcome, feedback):
        # Each thread has its own database connection, as two browser tabs would.
        try:
            own_request = SignOffRequest.objects.select_related("record", "competency").get(
                pk=request.pk
            )
            barrier.wait(timeout=10)
            services.sign_off_request_decide(
                actor=mentor,
                sign_off_request=own_request,
                signature=factories.signature(),
                outcome=outcome,
                method=competency.assessment_methods[0],
                assessed_on=timezone.localdate(),
                feedback=feedback,
            )
            outcomes.append("recorded")
        except (ValidationError, Exception) as error:  # noqa: BLE001 - counted below
            outcomes.append(type(error).__name__)
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("achieved", "")),
        threading.Thread(target=decide, args=("not_yet_competent", "Needs practice")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("recorded") == 1, outcomes
    assert Assessment.objects.filter(request=request).count() == 1
    assert Assessment.objects.filter(record=record).count() == 1
    _, breaks = verify_chains()
    assert breaks == []


@pytest.mark.django_db(transaction=True)
def test_many_sign_offs_at_once_lose_none_and_duplicate_none(postgres_only):
    """Eight mentors' sessions sign off eight requests of one trainee at the same moment: each
    decision is recorded once, and the trainee's chain stays whole and in order."""
    record, mentor, competencies = factories.enrolled_trainee(competencies=8)
    requests = [
        services.sign_off_request_create(
            actor=record.trainee, record=record, competency=competency, mentor=mentor
        )
        for competency in competencies
    ]
    barrier = threading.Barrier(len(requests))
    errors = []

    def decide(request_pk):
        try:
            request = SignOffRequest.objects.select_related("record", "competency").get(
                pk=request_pk
            )
            barrier.wait(timeout=10)
            services.sign_off_request_decide(
                actor=mentor,
                sign_off_request=request,
                signature=factories.signature(),
                outcome="achieved",
                method=request.competency.assessment_methods[0],
                assessed_on=timezone.localdate(),
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(r.pk,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assessments = Assessment.objects.filter(trainee=record.trainee).order_by("sequence")
    assert [a.sequence for a in assessments] == list(range(1, 9))
    assert sorted(a.request_id for a in assessments) == sorted(r.pk for r in requests)
    assert verify_chains() == (8, [])


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_revoke_gives_one_revocation_and_a_clear_refusal(postgres_only):
    """Two revocations of one decision at the same moment: before the chain was locked for the
    check, the second failed on the database's unique rule and the page was a 500."""
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    decision = services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=factories.ask_for_sign_off(record, competency, mentor),
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def revoke():
        try:
            own = Assessment.objects.select_related("record", "competency", "assessor").get(
                pk=decision.pk
            )
            barrier.wait(timeout=10)
            services.assessment_revoke(
                actor=mentor,
                assessment=own,
                reason="Wrong trainee",
                signature=factories.signature(),
            )
            outcomes.append("revoked")
        except ValidationError as refusal:
            outcomes.append(" ".join(refusal.messages))
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=revoke) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["This decision has already been revoked", "revoked"], outcomes
    assert Assessment.objects.filter(revokes=decision).count() == 1
    _, breaks = verify_chains()
    assert breaks == []
