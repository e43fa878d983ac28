"""Bad input, fuzzed with hypothesis, on the retention and erasure forms (governance).

The same promise and machinery as tests/test_fuzz_forms.py (`submit`): never a 500; a success
redirect, or the page again with the NHS.UK error summary and nothing written (the governance
tables are fingerprinted too). Each example runs in a savepoint rolled back after it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from governance.retention import ErasureBasis
from tests import factories
from tests import test_fuzz_forms as fuzz
from tests.test_fuzz_forms import FUZZ, PLAIN, SHORT, TEXT, choices, form_body, submit

pytestmark = pytest.mark.django_db

QUICK = hypothesis_settings(FUZZ, max_examples=25)
NUMBER = st.one_of(SHORT, st.integers(-5, 4000).map(str), st.just("1e9"), st.just("٣"))


class World:
    def __init__(self):
        self.admin = factories.AdministratorFactory()
        record, self.mentor, _competencies = factories.enrolled_trainee(competencies=1)
        self.trainee = record.trainee


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(fuzz, "CHECKED_APPS", {*fuzz.CHECKED_APPS, "governance"})
    return World()


@example(data={"period": "6", "unit": "years", "starts": "leaving", "disposal": "review"})
@QUICK
@given(
    data=form_body(
        {
            "period": NUMBER,
            "unit": choices("days", "years", "weeks"),
            "starts": choices("leaving", "made", "never"),
            "disposal": choices("automatic", "review", "burn"),
            "note": st.one_of(PLAIN, TEXT),
        }
    )
)
def test_retention_rule_edit(world, data):
    url = reverse("governance:retention_rule_edit", args=["clinical_training"])
    submit(world, world.admin, url, data, also=[reverse("governance:retention")])


@example(data={"basis": "objection", "override_reason": "Case IG-1", "confirm": "on"})
@QUICK
@given(
    data=form_body(
        {
            "basis": choices(*[value for value, _ in ErasureBasis.choices], "because"),
            "override_reason": st.one_of(PLAIN, TEXT),
            "confirm": choices("on", "", "yes"),
        }
    )
)
def test_person_erase(world, data):
    url = reverse("governance:person_erase", args=[world.trainee.pk])
    submit(
        world,
        world.admin,
        url,
        data,
        also=[reverse("governance:retention"), reverse("pathway:privacy")],
    )
