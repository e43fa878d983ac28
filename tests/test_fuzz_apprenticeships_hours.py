"""Bad input, fuzzed with hypothesis, on the off-the-job hours forms: logging hours, confirming
or declining them, recording a break in learning and approving it.

The same promise and machinery as tests/test_fuzz_forms.py (`submit`): never a 500; a success
redirect, or the page again with the NHS.UK error summary and nothing written (the
apprenticeships tables are fingerprinted too). Each example runs in a savepoint rolled back
after it.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apprenticeships.models import BreakInLearning, OtjActivity, OtjEntry
from tests import factories
from tests import test_fuzz_forms as fuzz
from tests.apprenticeships.hours_helpers import hours_world
from tests.test_fuzz_forms import FUZZ, HOURS, PLAIN, TEXT, choices, days_ago, form_body, submit

pytestmark = pytest.mark.django_db

QUICK = hypothesis_settings(FUZZ, max_examples=25)


class World:
    def __init__(self):
        w = hours_world(weeks_in=20)
        self.w = w
        today = timezone.localdate()
        self.entry = OtjEntry.objects.create(
            apprenticeship=w.apprenticeship,
            on=today,
            hours=2,
            activity="theory",
            description="Read the guideline",
            logged_by=w.apprentice,
        )
        self.a_break = BreakInLearning.objects.create(
            apprenticeship=w.apprenticeship,
            starts_on=today + datetime.timedelta(days=3),
            returns_on=today + datetime.timedelta(days=30),
            reason="Surgery",
            recorded_by=w.tutor,
        )
        self.lead = factories.LeadNurseFactory()


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(fuzz, "CHECKED_APPS", {*fuzz.CHECKED_APPS, "apprenticeships"})
    return World()


def _hours_page(world):
    return [reverse("apprenticeships:hours", args=[world.w.apprenticeship.pk])]


@example(
    data={
        "hours": "1.5",
        "activity": "theory",
        "description": "Read about sepsis",
        **days_ago("on", 1),
    }
)
@QUICK
@given(
    data=form_body(
        {
            "hours": HOURS,
            "activity": choices(*OtjActivity.values, "sleeping"),
            "description": st.one_of(PLAIN, TEXT),
        },
        dates=("on",),
    )
)
def test_hours_log(world, data):
    url = reverse("apprenticeships:hours_log", args=[world.w.apprenticeship.pk])
    submit(world, world.w.apprentice, url, data, also=_hours_page(world))


DECISION = form_body({"decision": choices("yes", "no", "maybe"), "reason": st.one_of(PLAIN, TEXT)})


@QUICK
@given(data=DECISION)
def test_entry_decide(world, data):
    url = reverse("apprenticeships:entry_decide", args=[world.entry.pk])
    submit(world, world.w.manager, url, data, also=_hours_page(world))


@QUICK
@given(data=DECISION)
def test_break_decide(world, data):
    url = reverse("apprenticeships:break_decide", args=[world.a_break.pk])
    submit(world, world.lead, url, data, also=_hours_page(world))


@example(data={"reason": "Sickness", **days_ago("starts_on", 60), **days_ago("returns_on", 40)})
@QUICK
@given(data=form_body({"reason": st.one_of(PLAIN, TEXT)}, dates=("starts_on", "returns_on")))
def test_break_add(world, data):
    url = reverse("apprenticeships:break_add", args=[world.w.apprenticeship.pk])
    submit(world, world.w.tutor, url, data, also=_hours_page(world))
