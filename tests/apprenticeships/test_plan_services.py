"""The three-party training plan: versions, signatures by the three parties, refusals."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apprenticeships.models import PlanParty, TrainingPlan
from apprenticeships.services.plan import (
    plan_hash,
    review_dates,
    training_plan_create,
    training_plan_sign,
)
from tests import factories
from tests.apprenticeships.plan_world import PlanWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return PlanWorld()


def _create(world, actor, **changes):
    data = {
        "practical_period_start": world.apprenticeship.practical_period_start,
        "planned_end_date": world.apprenticeship.planned_end_date,
        "planned_otj_hours": 400,
        **factories.PLAN_TEXT,
        **changes,
    }
    return training_plan_create(actor=actor, apprenticeship=world.apprenticeship, **data)


def test_the_three_parties_sign_and_the_plan_is_agreed(world):
    plan = _create(world, world.tutor)
    assert plan.version == 1 and plan.content_hash == plan_hash(plan)
    signatures = [
        training_plan_sign(actor=person, plan=plan)
        for person in (world.trainee, world.manager, world.tutor)
    ]
    assert [s.party for s in signatures] == [
        PlanParty.APPRENTICE,
        PlanParty.EMPLOYER,
        PlanParty.PROVIDER,
    ]
    assert all(s.content_hash == plan.content_hash for s in signatures)
    assert signatures[0].person == world.trainee and signatures[0].signed_at is not None


def test_a_change_makes_a_new_version_signed_again_and_the_old_is_kept(world):
    first = _create(world, world.lead)
    training_plan_sign(actor=world.trainee, plan=first)
    with pytest.raises(ValidationError) as refused:
        _create(world, world.lead, planned_otj_hours=420)
    assert "change_reason" in refused.value.message_dict
    second = _create(world, world.lead, planned_otj_hours=420, change_reason="More hours")
    assert second.version == 2 and second.signatures.count() == 0
    # The old version cannot be signed now, nor changed.
    with pytest.raises(ValidationError, match="replaced by a newer one"):
        training_plan_sign(actor=world.manager, plan=first)
    first.planned_otj_hours = 1
    with pytest.raises(ValidationError, match="read-only"):
        first.save()
    assert TrainingPlan.objects.get(pk=first.pk).planned_otj_hours == 400
    assert first.signatures.count() == 1


def test_a_party_signs_once(world):
    plan = _create(world, world.tutor)
    training_plan_sign(actor=world.trainee, plan=plan)
    with pytest.raises(ValidationError, match="already signed"):
        training_plan_sign(actor=world.trainee, plan=plan)


def test_the_lead_nurse_signs_for_the_employer(world):
    plan = _create(world, world.tutor)
    assert training_plan_sign(actor=world.lead, plan=plan).party == PlanParty.EMPLOYER
    with pytest.raises(ValidationError, match="already signed"):
        training_plan_sign(actor=world.manager, plan=plan)


@pytest.mark.parametrize("who", ["trainee", "mentor", "manager", "stranger"])
def test_who_may_not_write_the_plan(world, who):
    with pytest.raises(PermissionDenied):
        _create(world, getattr(world, who))
    assert not TrainingPlan.objects.exists()


@pytest.mark.parametrize("who", ["mentor", "stranger"])
def test_who_may_not_sign(world, who):
    plan = _create(world, world.tutor)
    with pytest.raises(PermissionDenied):
        training_plan_sign(actor=getattr(world, who), plan=plan)
    assert plan.signatures.count() == 0


def test_an_educator_or_administrator_may_neither_write_nor_sign(world):
    plan = _create(world, world.tutor)
    for person in (factories.PracticeEducatorFactory(), factories.AdministratorFactory()):
        with pytest.raises(PermissionDenied):
            _create(world, person, change_reason="x")
        with pytest.raises(PermissionDenied):
            training_plan_sign(actor=person, plan=plan)


def test_bad_dates_and_empty_responsibilities_are_refused(world):
    start = world.apprenticeship.practical_period_start
    with pytest.raises(ValidationError) as refused:
        _create(world, world.tutor, planned_end_date=start)
    assert "planned_end_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _create(world, world.tutor, employer_responsibilities="  ")
    assert "employer_responsibilities" in refused.value.message_dict
    assert not TrainingPlan.objects.exists()


def test_review_dates_are_never_more_than_12_weeks_apart():
    start = datetime.date(2026, 1, 5)
    dates = review_dates(start, start + datetime.timedelta(weeks=40), 16)
    assert dates[0] == start + datetime.timedelta(weeks=12)
    assert len(dates) == 3
    assert review_dates(start, start + datetime.timedelta(weeks=40), 8)[0] == datetime.date(
        2026, 3, 2
    )


def test_a_tampered_plan_cannot_be_signed(world):
    plan = _create(world, world.tutor)
    TrainingPlan.objects.filter(pk=plan.pk).update(planned_otj_hours=1)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="do not match its hash"):
        training_plan_sign(actor=world.trainee, plan=plan)
