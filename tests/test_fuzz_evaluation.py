"""Bad input, fuzzed with hypothesis, on the questionnaire forms (see tests/test_fuzz_forms.py
for the promise): whatever is typed, a page answers 302 (done) or 200 with the NHS.UK error
summary, never 500; and when it does not succeed, no row of evaluation's tables (or of
notifications) is added, changed or removed.

Each example runs in a savepoint that is rolled back, so one example's success does not change
the world for the next."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests import factories

pytestmark = pytest.mark.django_db

PROBLEM = "There is a problem"
FUZZ = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text people might type: any script, controls, NUL, very long; and numbers too big for a database.
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "‮evil", "0", "-1", "9" * 30, "1e999", "x" * 6000]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
values = st.one_of(texts, st.lists(texts, max_size=4))


def _fingerprint() -> dict:
    state = {}
    for label in ("evaluation", "notifications"):
        for model in apps.get_app_config(label).get_models():
            rows = list(model._base_manager.order_by("pk").values_list())
            state[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return state


@pytest.fixture
def world(db):
    today = timezone.localdate()
    lead = factories.LeadNurseFactory()
    issue, trainees, _ = factories.issued_questionnaire(
        questionnaire=factories.questionnaire_with(sections=2)
    )
    building = factories.questionnaire_with(title="Being built")
    section = building.sections.get()
    return {
        "lead": lead,
        "trainee": trainees[0],
        "issue": issue,
        "building": building,
        "section": section,
        "question": section.questions.first(),
        "cohort": issue.cohort,
        "today": today,
    }


def submit(world, person, url, data):
    with transaction.atomic():
        before = _fingerprint()
        client = Client(raise_request_exception=False)
        client.force_login(person)
        response = client.post(url, data)
        body = response.content.decode(errors="replace")
        assert response.status_code in (200, 302), (response.status_code, data)
        if response.status_code == 200:
            assert PROBLEM in body, data
            assert _fingerprint() == before, data
        else:
            follow = client.get(response["Location"])
            assert follow.status_code in (200, 302), response["Location"]
        transaction.set_rollback(True)


def _form(fields):
    return st.fixed_dictionaries({}, optional={name: values for name in fields})


@FUZZ
@given(data=_form(["title", "description"]))
def test_questionnaire_form(world, data):
    submit(world, world["lead"], reverse("evaluation:questionnaire_create"), data)


@FUZZ
@given(data=_form(["text", "hint", "kind", "options", "required"]))
def test_question_form(world, data):
    submit(
        world, world["lead"], reverse("evaluation:question_add", args=[world["section"].pk]), data
    )


@FUZZ
@given(data=_form(["title", "description"]))
def test_section_and_copy_forms(world, data):
    submit(
        world, world["lead"], reverse("evaluation:section_add", args=[world["building"].pk]), data
    )
    submit(
        world,
        world["lead"],
        reverse("evaluation:questionnaire_copy", args=[world["building"].pk]),
        data,
    )


def _date_parts(name):
    return {f"{name}_{part}": texts for part in ("day", "month", "year")}


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "cohort": texts,
            "audience": st.sampled_from(["trainees", "mentors", "both", "", "all"]),
            "anonymous": st.sampled_from(["yes", "no", ""]),
            **_date_parts("opens_on"),
            **_date_parts("closes_on"),
        },
    ),
    valid_cohort=st.booleans(),
)
def test_issue_form(world, data, valid_cohort):
    if valid_cohort:
        data = {**data, "cohort": str(world["cohort"].pk)}
    submit(
        world,
        world["lead"],
        reverse("evaluation:issue_create", args=[world["building"].pk]),
        data,
    )


@FUZZ
@given(
    answers=st.lists(values, min_size=4, max_size=4),
    later=st.booleans(),
    valid=st.booleans(),
)
def test_answer_form(world, answers, later, valid):
    issue = world["issue"]
    questions = list(issue.questionnaire.sections.order_by("order").first().questions.all())
    data = {q.field_name: value for q, value in zip(questions, answers, strict=True)}
    if valid:  # good answers to the first two, so that the rest decide
        data[questions[0].field_name] = "4"
        data[questions[1].field_name] = "2"
    data["later" if later else "continue"] = "1"
    url = reverse("evaluation:respond_section", args=[issue.pk, 1])
    submit(world, world["trainee"], url, data)


def test_a_closed_issue_refuses_answers_without_error(world):
    issue = world["issue"]
    issue.opens_on = world["today"] - datetime.timedelta(days=9)
    issue.closes_on = world["today"] - datetime.timedelta(days=1)
    issue.save()
    client = Client()
    client.force_login(world["trainee"])
    response = client.post(reverse("evaluation:respond_check", args=[issue.pk]), {})
    assert response.status_code == 200 and "has closed" in response.content.decode()
