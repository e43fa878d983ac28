"""Anonymity read straight from the database, with SQL, as someone with the database would read
it: every table the database has (not only those Django knows), every column, every row, the
sessions decoded. After people answer an anonymous questionnaire, no key, time, storage order or
(on PostgreSQL) transaction id joins an answer to the person who gave it.
docs/adr/0014-anonymous-questionnaires.md says what this does not cover (logs, backups)."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.urls import reverse

from tests import factories
from tests.evaluation.helpers import answer

TEXT = "The night shifts on ward 7 left no time for study"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# What an anonymous response and its answers may point at: the questionnaire, never a person.
ALLOWED_TARGETS = {
    "evaluation_issue",
    "evaluation_response",
    "evaluation_question",
    "evaluation_option",
}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _select(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rows(table: str) -> list[dict]:
    columns = _columns(table)
    rows = _select(f"SELECT {', '.join(_q(c) for c in columns)} FROM {_q(table)}")
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _text(value) -> str:
    if isinstance(value, uuid.UUID):
        return f"{value.hex} {value}"
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _row_text(table: str, row: dict) -> str:
    text = " ".join(_text(v) for v in row.values() if v is not None)
    if table == "django_session":  # what a session holds is signed and encoded: read it too
        text += " " + str(SessionStore().decode(row["session_data"]))
    return text.lower()


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _user_table() -> str:
    from django.contrib.auth import get_user_model

    return get_user_model()._meta.db_table


def _relations(table: str) -> dict[str, str]:
    """column -> the table it references."""
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, table)
    return {column: target for column, (_, target) in relations.items()}


def _answered(client, *, trainees=5):
    """An anonymous issue to `trainees` people: the last submits through the browser's pages
    (so that whatever a request writes is there too), the others in the reverse order of their
    invitations; one more person keeps a draft. Returns (issue, people)."""
    issue, people, _ = factories.issued_questionnaire(
        trainees=trainees + 1, mentor=False, anonymous=True
    )
    *by_services, by_browser, drafting = people
    for n, person in enumerate(reversed(by_services)):
        answer(issue, person, likert=n % 5 + 1, single=1, multiple=[2], text=f"Answer {n}")
    answer(issue, by_browser, likert=2, single=3, multiple=[1, 3], text=TEXT, submit=False)
    client.force_login(by_browser)
    response = client.post(reverse("evaluation:respond_check", args=[issue.pk]), {})
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:respond_done", args=[issue.pk])
    answer(issue, drafting, likert=5, submit=False)
    return issue, people


@pytest.mark.django_db
def test_no_row_of_any_table_joins_an_anonymous_answer_to_a_person(client):
    issue, people = _answered(client)
    responses = _select("SELECT id FROM evaluation_response WHERE issue_id = %s", [issue.pk])
    assert len(responses) == 5
    response_ids = {_uuid(r[0]) for r in responses}
    answers = [
        row for row in _rows("evaluation_answer") if _uuid(row["response_id"]) in response_ids
    ]
    keys = response_ids | {_uuid(row["id"]) for row in answers}

    # Only the response and answer tables hold a response's or an answer's key, in any form,
    # anywhere in the database (sessions, audit history, notifications, logs of any app).
    for table in _tables():
        for row in _rows(table):
            text = _row_text(table, row)
            holds = [k for k in keys if k.hex in text or str(k) in text]
            if holds:
                assert table in {"evaluation_response", "evaluation_answer"}, (
                    f"{table} holds an anonymous response's key: {row}"
                )

    # Their columns point at the questionnaire only; the one that could name a person is empty.
    user_table = _user_table()
    for table in ("evaluation_response", "evaluation_answer"):
        targets = _relations(table)
        assert set(targets.values()) - {user_table} <= ALLOWED_TARGETS, targets
        person_columns = [c for c, target in targets.items() if target == user_table]
        assert person_columns == (["respondent_id"] if table == "evaluation_response" else [])
    response_rows = [
        row for row in _rows("evaluation_response") if _uuid(row["id"]) in response_ids
    ]
    for row in response_rows + answers:
        assert row.get("respondent_id") is None, row
        for column, value in row.items():
            assert not isinstance(value, datetime.date), f"{column} holds a time: {row}"
            assert not ISO_DATE.search(_text(value)), f"{column} holds a date: {row}"

    # Keys are random (version 4 UUIDs: no counter and no clock in them).
    assert {k.version for k in keys} == {4}

    # The free text is stored once, in its answer, and nowhere else (not in a session either).
    holders = [
        table
        for table in _tables()
        for row in _rows(table)
        if TEXT.lower() in _row_text(table, row)
    ]
    assert holders == ["evaluation_answer"]

    # The receipt says who submitted, and nothing else: no time, no link to the response.
    assert set(_columns("evaluation_invitation")) == {
        "id",
        "issue_id",
        "person_id",
        "invited_as",
        "submitted",
    }
    receipts = dict(
        _select(
            "SELECT person_id, submitted FROM evaluation_invitation WHERE issue_id = %s",
            [issue.pk],
        )
    )
    assert [bool(receipts[p.pk]) for p in people] == [True] * 5 + [False]
    # The drafts of those who submitted are gone; only the one still answering has one.
    drafts = _select("SELECT person_id FROM evaluation_draft WHERE issue_id = %s", [issue.pk])
    assert drafts == [(people[-1].pk,)]


@pytest.mark.django_db
def test_the_receipts_storage_order_is_not_the_order_of_submission(client):
    """People submitted in the reverse order of their invitations; the receipts read back in
    the order they are stored in still come in the order of the invitations (on PostgreSQL an
    updated row moves: were only the submitter's receipt rewritten, the receipts' order would
    be the order of submission)."""
    issue, people = _answered(client)
    # Where each row sits: SQLite's rowid, PostgreSQL's (page, item) of the row's current version.
    place = "ctid" if connection.vendor == "postgresql" else "rowid"
    stored = [
        row[0]
        for row in _select(
            f"SELECT id FROM evaluation_invitation WHERE issue_id = %s ORDER BY {place}",
            [issue.pk],
        )
    ]
    invited = sorted(stored)
    assert stored == invited
    assert len(stored) == len(people)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="transaction ids (xmin) are PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_no_transaction_id_joins_a_response_to_its_receipt(client):
    """On PostgreSQL every row carries the id of the transaction that wrote it (`xmin`). The
    response is written in the same transaction as the receipt is marked, so every receipt of
    the issue is rewritten then: the receipts share one transaction id, whoever submitted."""
    issue, people = _answered(client)
    response_xmins = {
        row[0]
        for row in _select(
            "SELECT xmin::text FROM evaluation_response WHERE issue_id = %s", [issue.pk]
        )
    }
    assert len(response_xmins) == 5
    receipt_xmins = {
        row[0]
        for row in _select(
            "SELECT xmin::text FROM evaluation_invitation WHERE issue_id = %s", [issue.pk]
        )
    }
    assert len(receipt_xmins) == 1  # all rewritten by the last submission (or the draft after)
    for table in _tables():
        if table in {"evaluation_response", "evaluation_answer", "evaluation_invitation"}:
            continue
        if _user_table() not in _relations(table).values() and table != _user_table():
            continue
        shared = {row[0] for row in _select(f"SELECT xmin::text FROM {_q(table)}")}
        assert not shared & response_xmins, f"{table} was written with a response"
