"""The demo's plans: every apprentice's plan signed by all three, one gateway part-way."""

from __future__ import annotations

import pytest

from apprenticeships.demo.plan import seed_plans
from apprenticeships.models import GatewayEvidence, TrainingPlan
from apprenticeships.selectors.gateway import gateway
from tests import factories
from tests.apprenticeships.plan_world import PlanWorld

pytestmark = pytest.mark.django_db


def test_seed_plans_signs_every_plan_and_starts_one_gateway():
    world = PlanWorld()
    second = factories.enrol(world.cohort, tutor=world.tutor)
    factories.plan_apprenticeship(second)
    # In enrolment order, as the demo passes them: the first active apprentice's gateway starts.
    enrolments = list(world.cohort.enrolments.order_by("pk"))
    assert seed_plans(enrolments, lead=world.lead) == 2
    for plan in TrainingPlan.objects.filter(apprenticeship__enrolment__cohort=world.cohort):
        assert plan.signatures.count() == 3
    state = gateway(world.apprenticeship)
    assert state.done_count == 3 and not state.complete
    # Run again: nothing more.
    assert seed_plans(enrolments, lead=world.lead) == 0
    assert GatewayEvidence.objects.count() == 3
