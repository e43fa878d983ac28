"""Bad input, fuzzed with hypothesis, on the email choices form (the promise and machinery of
tests/test_fuzz_forms.py: never a 500; a redirect, or the error summary and nothing written)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from notifications.models import Kind
from tests import factories
from tests import test_fuzz_forms as fuzz
from tests.test_fuzz_forms import FUZZ, TEXT, choices, form_body, submit

pytestmark = pytest.mark.django_db


class World:
    def __init__(self):
        self.mentor = factories.MentorFactory()


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(fuzz, "CHECKED_APPS", {*fuzz.CHECKED_APPS, "notifications"})
    return World()


@hypothesis_settings(FUZZ, max_examples=25)
@given(
    data=form_body(
        {
            "email_kinds": st.one_of(
                choices(*Kind.values),
                st.lists(choices(*Kind.values, "gossip", ""), max_size=12),
                TEXT,
            )
        }
    )
)
def test_email_choices(world, data):
    submit(world, world.mentor, reverse("notifications:settings"), data)
