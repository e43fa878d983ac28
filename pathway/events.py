"""The events feed's outbox (docs/adr/0023-integration-api.md).

`event_record` is the only writer of IntegrationEvent. Services call it inside the transaction
that makes the change, as late as they can: the event then commits (or rolls back) with it.

Why a lock: ids come from a sequence when a row is inserted, not when it commits. Transaction A
may take id 5, B id 6, and B commit first; a reader that saw 6 and asks "after 6" would never
see 5. On PostgreSQL each insert first takes one transaction-level advisory lock, held until
its transaction ends, so the next event's id is taken only after the previous one committed or
rolled back: ids become visible in order. SQLite already lets one writer in at a time.
"""

from __future__ import annotations

from django.db import connection, transaction

from pathway.models import IntegrationEvent

# An arbitrary number of our own: the advisory lock serialising event inserts.
EVENT_LOCK = 0x50415448_0017


def event_record(kind: str, *, subject_id: int, data: dict | None = None) -> IntegrationEvent:
    # savepoint=False: inside the change's transaction (always, from the services) no savepoint
    # is needed, as the event stands or falls with the change.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EVENT_LOCK])
        return IntegrationEvent.objects.create(kind=kind, subject_id=subject_id, data=data or {})


def event_data(kind: str, instance) -> dict:
    """What a feed reader needs to fetch the changed thing: ids and the key it knows it by."""
    if kind == IntegrationEvent.Kind.PERSON_CHANGED:
        return {"person_id": instance.pk, "employee_number": instance.employee_number or None}
    if kind == IntegrationEvent.Kind.ENROLMENT_CHANGED:
        return {
            "enrolment_id": instance.pk,
            "person_id": instance.trainee_id,
            "cohort_id": instance.cohort_id,
            "status": instance.status,
        }
    return {}


def sign_off_event(kind: str, assessment) -> IntegrationEvent:
    """A decision or a revocation, recorded by the competencies service that signed it."""
    return event_record(
        kind,
        subject_id=assessment.pk,
        data={
            "assessment_id": assessment.pk,
            "person_id": assessment.trainee_id,
            "record_id": assessment.record_id,
            "competency_id": assessment.competency_id,
            "outcome": assessment.outcome,
            "revokes": assessment.revokes_id,
        },
    )
