"""The sign-off POST takes the same queries however long the trainee's chain and record are, and
permission checks on one page ask about allocations once (pathway.memo: one memory a request)
without ever answering from a stale memory outside a request."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies import services
from competencies.models import Assessment, ProgressState, SignOffRequest
from pathway.memo import request_memo
from pathway.models import Allocation
from tests import factories

pytestmark = pytest.mark.django_db


def _sign_off_queries(client, password, decided_before: int) -> int:
    record, mentor, competencies = factories.enrolled_trainee(competencies=decided_before + 1)
    for competency in competencies[:decided_before]:
        request = factories.ask_for_sign_off(record, competency, mentor)
        services.sign_off_request_decide(
            actor=mentor,
            sign_off_request=request,
            signature=factories.signature(),
            outcome="achieved",
            method=competency.assessment_methods[0],
            assessed_on=timezone.localdate(),
        )
    competency = competencies[-1]
    request = factories.ask_for_sign_off(record, competency, mentor)
    client.force_login(mentor)
    # The mentor opens the form first, as they do (and the session is marked as in use).
    assert client.get(reverse("competencies:sign_off", args=[request.pk])).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("competencies:sign_off", args=[request.pk]),
            factories.sign_off_data(competency, password),
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SignOffRequest.Status.DECIDED
    assert Assessment.objects.get(request=request).sequence == decided_before + 1
    assert record.progress.get(competency=competency).state == ProgressState.ACHIEVED
    return len(captured)


def test_sign_off_post_queries_do_not_grow_with_the_chain(client, password):
    small = _sign_off_queries(client, password, decided_before=1)
    large = _sign_off_queries(client, password, decided_before=8)
    assert small == large
    # 18 here, two of them a savepoint, one the UPDATE that moves the chain's head on with the
    # record (ADR 0007), one reading the programme's rule on ways of signing
    # (competencies/signing.py), one settling the mentor's "asks you to sign off" notification
    # (notifications_settle: who had it unread, so their cached unread count is forgotten, and
    # one UPDATE); in production the email sent after commit adds one more (marking it
    # emailed). The session is written only once a minute. The events feed's row adds one
    # more, and on PostgreSQL the advisory lock that keeps event ids in commit order one again
    # (pathway/events.py). The record's progress summary is recounted in one UPDATE
    # (competencies/summaries.py, ADR 0026): one more.
    assert large <= 19 + (2 if connection.vendor == "postgresql" else 1)


def test_a_page_asks_about_allocations_once():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = factories.ask_for_sign_off(record, competency, mentor)
    with request_memo(), CaptureQueriesContext(connection) as captured:
        assert mentor.has_perm("competencies.view_record", record)
        assert mentor.has_perm("competencies.decide_request", request)
        assert mentor.has_perm("competencies.decide_request", request)
    allocation_reads = [q for q in captured if "pathway_allocation" in q["sql"]]
    assert len(allocation_reads) == 1


def test_without_remembering_an_ended_allocation_is_seen_at_once():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    request = factories.ask_for_sign_off(record, competency, mentor)
    assert mentor.has_perm("competencies.decide_request", request)
    Allocation.objects.filter(supporter=mentor).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert not mentor.has_perm("competencies.decide_request", request)
    with pytest.raises(PermissionDenied):
        services.sign_off_request_decide(
            actor=mentor,
            sign_off_request=request,
            signature=factories.signature(),
            outcome="achieved",
            method=competency.assessment_methods[0],
            assessed_on=timezone.localdate(),
        )


def test_remembered_answers_are_per_trainee_and_per_kind():
    record, mentor, _ = factories.enrolled_trainee()
    other, _other_mentor, _ = factories.enrolled_trainee()
    with request_memo():
        assert mentor.has_perm("competencies.view_record", record)
        assert not mentor.has_perm("competencies.view_record", other)
        assert not mentor.has_perm("competencies.act_on_record", record)
