"""Anonymity: after submitting, no row of any table links an answer to its author, and each
person still answers only once. Read the way an administrator with the database would: every
table's rows, every column."""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps
from django.db import models

from evaluation.models import Answer, Draft, Invitation, Response
from tests import factories
from tests.evaluation.helpers import answer

pytestmark = pytest.mark.django_db


def _rows():
    """(model, {column: value}) for every row of every table, many-to-many tables included."""
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in seen or not model._meta.managed:
            continue
        seen.add(table)
        columns = [f.column for f in model._meta.concrete_fields]
        names = [f.attname for f in model._meta.concrete_fields]
        for values in model._base_manager.values_list(*names):
            yield model, dict(zip(columns, values, strict=True))


def _as_text(value) -> str:
    return value.hex if isinstance(value, uuid.UUID) else str(value)


def test_no_table_links_an_anonymous_answer_to_its_author():
    issue, (author, *_), _ = factories.issued_questionnaire(anonymous=True)
    answer(issue, author, likert=2, single=3, multiple=[1, 2], text="Too many night shifts")
    response = Response.objects.get()
    answer_ids = set(Answer.objects.values_list("id", flat=True))

    # The response and its answers: random keys, no person, no time.
    assert isinstance(response.pk, uuid.UUID)
    assert response.respondent_id is None and response.submitted_at is None
    answer_columns = {f.column for f in Answer._meta.concrete_fields}
    assert answer_columns == {"id", "response_id", "question_id", "option_id", "text"}
    response_columns = {f.column for f in Response._meta.concrete_fields}
    assert response_columns == {"id", "issue_id", "respondent_id", "submitted_at"}
    # No column anywhere points at a response or an answer except the answers' own.
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model in (Response, Answer):
                assert (model, field.name) == (Answer, "response")

    # Every row of every table: those that carry the response's or an answers' key name nobody.
    keys = {_as_text(response.pk), *(_as_text(a) for a in answer_ids)}
    user_tables = set()
    for model, row in _rows():
        texts = {_as_text(v) for v in row.values() if v is not None}
        if texts & keys:
            assert model in (Response, Answer), f"{model.__name__} holds a response key: {row}"
            for field in model._meta.concrete_fields:
                if field.is_relation and getattr(field.related_model, "_meta", None):
                    if field.related_model._meta.label != "pathway.User":
                        continue
                    assert row[field.column] is None, f"names its author: {row}"
            user_tables.add(model)
    assert user_tables == {Response, Answer}
    # The draft (linked to the person) is gone; the receipt says only "submitted".
    assert not Draft.objects.exists()
    receipt = Invitation.objects.get(issue=issue, person=author)
    assert receipt.submitted is True
    assert {f.column for f in Invitation._meta.concrete_fields} == {
        "id",
        "issue_id",
        "person_id",
        "invited_as",
        "submitted",
    }
    # The free text is stored once, in the answer only: nowhere else by the person.
    holders = [m for m, row in _rows() if "Too many night shifts" in map(str, row.values())]
    assert holders == [Answer]


def test_anonymous_responses_cannot_be_put_in_order_of_submission():
    issue, (first, second, third), _ = factories.issued_questionnaire(anonymous=True)
    for person in (first, second, third):
        answer(issue, person, likert=4, single=1)
    for model in (Response, Answer):
        assert isinstance(model._meta.pk, models.UUIDField)
        assert not any(
            isinstance(f, models.DateTimeField | models.DateField) and f.null is False
            for f in model._meta.concrete_fields
        )
    assert set(Response.objects.values_list("submitted_at", flat=True)) == {None}


def test_each_person_answers_an_anonymous_questionnaire_once():
    issue, (author, *_), _ = factories.issued_questionnaire(anonymous=True)
    answer(issue, author, likert=5, single=1)
    with pytest.raises(Exception, match="already submitted"):
        answer(issue, author, likert=1, single=1)
    assert Response.objects.count() == 1


def test_named_responses_say_whose_they_are():
    issue, (author, *_), _ = factories.issued_questionnaire(anonymous=False)
    response = answer(issue, author, likert=5, single=1)
    assert response.respondent == author and response.submitted_at is not None
