"""Bad input, fuzzed with hypothesis, on the practice educator team's forms: logging support,
adding a mentor to a caseload, recording mentor preparation, and the allocation page's mentor
preparation confirmation.

The same promise and machinery as tests/test_fuzz_forms.py (`submit`): never a 500; a success
redirect, or the page again with the NHS.UK error summary and nothing written (the support
tables are fingerprinted too). Each example runs in a savepoint rolled back after it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from support.models import SupportKind
from tests import factories
from tests import test_fuzz_forms as fuzz
from tests.test_fuzz_forms import (
    FUZZ,
    PLAIN,
    SHORT,
    TEXT,
    Ref,
    choices,
    days_ago,
    form_body,
    refs,
    submit,
)

pytestmark = pytest.mark.django_db

QUICK = hypothesis_settings(FUZZ, max_examples=25)


class World:
    def __init__(self):
        self.lead = factories.LeadNurseFactory()
        self.educator = factories.PracticeEducatorFactory()
        framework, area = factories.published_framework_with(core=2)
        cohort = factories.CohortFactory(framework=framework)
        self.mentor = factories.MentorFactory()
        self.unprepared = factories.UnpreparedMentorFactory()
        self.trainee = factories.enrol(cohort, area=area, educator=self.educator).trainee
        self.newcomer = factories.TraineeFactory()
        self.stranger = factories.TraineeFactory()


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(fuzz, "CHECKED_APPS", {*fuzz.CHECKED_APPS, "support"})
    return World()


NUMBER = st.one_of(SHORT, st.integers(-5, 100).map(str), st.just("1e9"), st.just("٣"))


@example(
    data={"kind": "training", "hours": "1", "minutes": "30", **days_ago("on", 0), "notes": "x"}
)
@QUICK
@given(
    data=form_body(
        {
            "kind": choices(*SupportKind.values, "other"),
            "person": refs("trainee.pk", "stranger.pk", "mentor.pk"),
            "hours": NUMBER,
            "minutes": NUMBER,
            "notes": st.one_of(PLAIN, TEXT),
        },
        dates=("on",),
    )
)
def test_support_log_add(world, data):
    submit(
        world,
        world.educator,
        reverse("support:support_log_add"),
        data,
        also=[reverse("support:support_log_list", args=[world.educator.pk])],
    )


@QUICK
@given(data=form_body({"mentor": refs("mentor.pk", "trainee.pk")}, dates=("start_date",)))
def test_mentor_caseload_add(world, data):
    url = reverse("support:mentor_caseload_add", args=[world.educator.pk])
    submit(world, world.lead, url, data)


@QUICK
@given(data=form_body({}, dates=("prepared_on", "last_update_on")))
def test_mentor_preparation_edit(world, data):
    url = reverse("support:mentor_preparation_edit", args=[world.unprepared.pk])
    submit(world, world.educator, url, data, also=[reverse("support:mentor_register")])


@example(data={"kind": "mentor", "supporter": Ref("unprepared.pk"), **days_ago("start_date", 0)})
@QUICK
@given(
    data=form_body(
        {
            "kind": choices("mentor", "tutor"),
            "supporter": refs("unprepared.pk", "mentor.pk"),
            "confirm_unprepared": choices("on", "", "yes", "0"),
        },
        dates=("start_date",),
    )
)
def test_allocation_add_with_mentor_preparation(world, data):
    url = reverse("pathway:allocation_add", args=[world.newcomer.pk])
    submit(world, world.lead, url, data)
