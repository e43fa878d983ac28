"""The events feed: what the services record, read by cursor, and (on PostgreSQL) never a
missed or repeated event while writers commit out of order."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from api.scopes import Scope
from cohorts.services.cohorts import enrolment_change_status
from competencies import services
from pathway.events import event_record
from pathway.models import IntegrationEvent
from tests import factories

KINDS = IntegrationEvent.Kind


def _feed(api_get, token, cursor=None, limit=50):
    params = {"limit": limit} | ({"cursor": cursor} if cursor is not None else {})
    response = api_get("/events", token, **params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_the_services_record_each_kind_of_event(make_client, api_get):
    _c, token = make_client([Scope.READ_EVENTS])
    start = _feed(api_get, token)["next_cursor"]

    record, mentor, (competency, *_rest) = factories.enrolled_trainee()
    request = services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )
    decision = services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )
    revocation = services.assessment_revoke(
        actor=mentor, assessment=decision, reason="Wrong trainee", signature=factories.signature()
    )
    cohort = factories.CohortFactory()
    enrolment = factories.enrol(cohort)
    enrolment_change_status(actor=None, enrolment=enrolment, status="on_break", reason="Leave")

    page = _feed(api_get, token, start)
    kinds = [(item["kind"], item["subject_id"]) for item in page["items"]]
    assert (KINDS.SIGN_OFF_DECIDED, decision.pk) in kinds
    assert (KINDS.SIGN_OFF_REVOKED, revocation.pk) in kinds
    assert kinds.index((KINDS.SIGN_OFF_DECIDED, decision.pk)) < kinds.index(
        (KINDS.SIGN_OFF_REVOKED, revocation.pk)
    )
    enrolment_events = [i for i in page["items"] if i["kind"] == KINDS.ENROLMENT_CHANGED]
    assert [e["data"]["status"] for e in enrolment_events if e["subject_id"] == enrolment.pk] == [
        "active",
        "on_break",
    ]
    people = {
        i["data"]["employee_number"] for i in page["items"] if i["kind"] == KINDS.PERSON_CHANGED
    }
    assert enrolment.trainee.employee_number in people
    revoked = next(i for i in page["items"] if i["kind"] == KINDS.SIGN_OFF_REVOKED)
    assert revoked["data"]["revokes"] == decision.pk

    # Nothing new: the same cursor comes back, and the page is empty.
    again = _feed(api_get, token, page["next_cursor"])
    assert again["items"] == [] and again["next_cursor"] == page["next_cursor"]


@pytest.mark.django_db
def test_a_failed_change_leaves_no_event(make_client, api_get):
    before = IntegrationEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.UserFactory()
        raise RuntimeError("rolled back")
    assert IntegrationEvent.objects.count() == before


@pytest.mark.django_db
def test_signing_in_is_not_a_change(client):
    person = factories.TraineeFactory()
    before = IntegrationEvent.objects.count()
    client.force_login(person)
    assert IntegrationEvent.objects.count() == before


@pytest.mark.django_db
def test_the_cursor_pages_through_every_event_once(make_client, api_get):
    _c, token = make_client([Scope.READ_EVENTS])
    cursor = _feed(api_get, token)["next_cursor"]
    made = [event_record(KINDS.PERSON_CHANGED, subject_id=n).pk for n in range(7)]
    seen = []
    while True:
        page = _feed(api_get, token, cursor, limit=3)
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not page["more"]:
            break
    assert seen == made


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reader_misses_nothing_while_writers_commit_out_of_order(postgres_only):
    """Writer A records an event and holds its transaction open; writer B records one and
    commits. Without the lock B's id (higher) would be visible before A's, and a reader past
    B would skip A for ever. With it, B waits for A: ids become visible in order. Then many
    writers at once, with a reader following the cursor as they go: it sees every event once."""
    a_recorded, release_a = threading.Event(), threading.Event()
    order = []

    def writer_a():
        try:
            with transaction.atomic():
                event_record(KINDS.PERSON_CHANGED, subject_id=1)
                a_recorded.set()
                release_a.wait(5)
                order.append("A commits")
        finally:
            connection.close()

    def writer_b():
        try:
            a_recorded.wait(5)
            with transaction.atomic():
                event_record(KINDS.PERSON_CHANGED, subject_id=2)
                order.append("B recorded")
        finally:
            connection.close()

    first, second = threading.Thread(target=writer_a), threading.Thread(target=writer_b)
    first.start(), second.start()
    a_recorded.wait(5)
    time.sleep(0.5)  # B is now waiting for A's lock, not holding an id
    assert order == []
    release_a.set()
    first.join(10), second.join(10)
    assert order == ["A commits", "B recorded"]
    rows = list(IntegrationEvent.objects.order_by("id").values_list("subject_id", flat=True))
    assert rows == [1, 2]

    # Many writers, each holding its transaction a moment after recording; a reader follows.
    writers, per_writer = 6, 8
    done = threading.Event()

    def busy_writer(n):
        try:
            for i in range(per_writer):
                with transaction.atomic():
                    event_record(KINDS.PERSON_CHANGED, subject_id=1000 * n + i)
                    time.sleep(0.005 * ((n + i) % 3))
        finally:
            connection.close()

    seen = []
    # Where the reader starts is read before any writer starts: read in the reader's thread, it
    # could come after a writer's first commit and so skip that event without the feed at fault.
    start = IntegrationEvent.objects.order_by("-id").values_list("id", flat=True).first()

    def reader():
        after = start
        try:
            while True:
                finished = done.is_set()
                rows = list(
                    IntegrationEvent.objects.filter(id__gt=after)
                    .order_by("id")
                    .values_list("id", "subject_id")
                )
                for event_id, subject in rows:
                    seen.append(subject)
                    after = event_id
                if finished:
                    return
                time.sleep(0.002)
        finally:
            connection.close()

    threads = [threading.Thread(target=busy_writer, args=(n,)) for n in range(writers)]
    follower = threading.Thread(target=reader)
    follower.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    done.set()
    follower.join(30)
    expected = {1000 * n + i for n in range(writers) for i in range(per_writer)}
    assert sorted(seen) == sorted(expected) and len(seen) == len(expected)
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_a_reader_would_miss_an_event(postgres_only):
    """The control: the same two writers inserting directly, without event_record's lock. B
    commits a higher id while A is open; a reader past B never sees A. This is the failure the
    lock prevents (the test above)."""
    a_inserted, release_a, b_committed = threading.Event(), threading.Event(), threading.Event()

    def writer_a():
        try:
            with transaction.atomic():
                IntegrationEvent.objects.create(kind=KINDS.PERSON_CHANGED, subject_id=1)
                a_inserted.set()
                release_a.wait(5)
        finally:
            connection.close()

    def writer_b():
        try:
            a_inserted.wait(5)
            with transaction.atomic():
                IntegrationEvent.objects.create(kind=KINDS.PERSON_CHANGED, subject_id=2)
            b_committed.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for thread in threads:
        thread.start()
    b_committed.wait(5)
    visible = list(IntegrationEvent.objects.order_by("id").values_list("id", "subject_id"))
    assert [subject for _id, subject in visible] == [2]
    cursor = visible[-1][0]
    release_a.set()
    for thread in threads:
        thread.join(10)
    later = IntegrationEvent.objects.filter(id__gt=cursor).values_list("subject_id", flat=True)
    assert list(later) == []  # A (subject 1) committed, with a smaller id: missed
    assert IntegrationEvent.objects.filter(subject_id=1).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_idempotency_key_at_the_same_moment_records_once(postgres_only, make_client):
    """Two deliveries of one module result at once (a client retrying too early): one result,
    and both answers are the same."""
    from django.test import Client

    from cohorts.models import ModuleResult
    from pathway.models import Module

    _u, token = make_client([Scope.WRITE_MODULE_RESULTS])
    cohort = factories.CohortFactory()
    enrolment = factories.enrol(cohort)
    module = Module.objects.create(programme=cohort.programme, title="M1", credits=20, order=1)
    body = {
        "employee_number": enrolment.trainee.employee_number,
        "module_id": module.pk,
        "attempt": 1,
        "outcome": "pass",
        "date": timezone.localdate().isoformat(),
    }
    start, answers = threading.Barrier(2), []

    def deliver():
        try:
            start.wait(5)
            response = Client().post(
                "/api/v1/module-results",
                body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "same"},
            )
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert [status for status, _body in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    assert ModuleResult.objects.filter(enrolment=enrolment).count() == 1
