"""Bad input, fuzzed with hypothesis, on the outcomes forms (moves, stages, bridging modules).

The same promise and machinery as tests/test_fuzz_forms.py (`submit`): never a 500; a success
redirect, or the page again with the NHS.UK error summary and nothing written. The outcomes
app's tables are fingerprinted too.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests import factories
from tests import test_fuzz_forms as fuzz
from tests.test_fuzz_forms import (
    FUZZ,
    PLAIN,
    TEXT,
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
        today = timezone.localdate()
        week = datetime.timedelta(weeks=1)
        cohort = factories.CohortFactory(
            intake_date=today - 80 * week, planned_end_date=today - 28 * week
        )
        self.area = factories.ClinicalAreaFactory(name="Emergency department")
        self.enrolment = factories.qualified_enrolment(cohort)
        self.person = self.enrolment.trainee
        self.lead = factories.LeadNurseFactory()
        self.university = factories.UniversityFactory()
        self.stage_left = factories.pathway_stage("left")
        self.stage_bridging = factories.pathway_stage("bridging")
        self.stage_trainee = factories.pathway_stage("trainee_ap")
        self.stage = factories.pathway_stage("support_worker")
        self.module = factories.BridgingModuleFactory(title="Foundations for nursing")
        from outcomes.models import BridgingEnrolment

        self.bridging = BridgingEnrolment.objects.create(
            module=self.module, person=self.person, started_on=today - 4 * week
        )
        self.other_module = factories.BridgingModuleFactory(title="Pharmacology")


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(fuzz, "CHECKED_APPS", {*fuzz.CHECKED_APPS, "outcomes"})
    return World()


@example(data={"stage": fuzz.Ref("stage_left.pk"), **days_ago("on", 1)})  # no reason
@example(data={"stage": fuzz.Ref("stage_trainee.pk"), **days_ago("on", 1)})
@QUICK
@given(
    data=form_body(
        {
            "stage": refs("stage_left.pk", "stage_bridging.pk", "stage_trainee.pk", "stage.pk"),
            "clinical_area": refs("area.pk"),
            "reason": st.one_of(PLAIN, TEXT),
        },
        dates=["on"],
    )
)
def test_move_add(world, data):
    url = reverse("outcomes:move_add", args=[world.person.pk])
    submit(world, world.lead, url, data, also=[reverse("outcomes:dashboard")])


@QUICK
@given(data=form_body({"name": PLAIN, "description": TEXT}))
def test_stage_edit(world, data):
    submit(world, world.lead, reverse("outcomes:stage_edit", args=[world.stage.pk]), data)


@example(data={"title": "Foundations for nursing", "credits": "20", "provider": "1"})
@QUICK
@given(
    data=form_body(
        {
            "title": PLAIN,
            "credits": st.integers(-5, 300).map(str),
            "provider": refs("university.pk"),
        }
    )
)
def test_bridging_module_add(world, data):
    submit(world, world.lead, reverse("outcomes:bridging_module_add"), data)


@QUICK
@given(data=form_body({"person": refs("person.pk", "lead.pk")}, dates=["started_on"]))
def test_bridging_enrol(world, data):
    url = reverse("outcomes:bridging_enrol", args=[world.other_module.pk])
    submit(world, world.lead, url, data, also=[reverse("outcomes:my_pathway")])


@QUICK
@given(data=form_body({"result": choices("pass", "fail", "withdrawn", "merit")}, dates=["on"]))
def test_bridging_result(world, data):
    url = reverse("outcomes:bridging_result", args=[world.bridging.pk])
    submit(world, world.lead, url, data)
