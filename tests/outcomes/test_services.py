"""Recording moves, rewording stages, bridging modules: the services' rules and refusals."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from outcomes import selectors, services
from outcomes.models import BridgingEnrolment, PathwayMove, Stage, StageCode
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
WEEK = datetime.timedelta(weeks=1)


@pytest.fixture
def finished_cohort():
    return factories.CohortFactory(
        intake_date=TODAY - 80 * WEEK, planned_end_date=TODAY - 28 * WEEK, status="running"
    )


@pytest.fixture
def qualified_ap(finished_cohort):
    return factories.qualified_enrolment(finished_cohort).trainee


def test_stages_are_seeded_in_pathway_order():
    assert [s.code for s in Stage.objects.order_by("order")] == [c.value for c in StageCode]


def test_the_lead_records_a_move_and_it_shows_in_the_history(lead_nurse, qualified_ap):
    area = factories.ClinicalAreaFactory(name="Coronary care")
    move = services.move_record(
        actor=lead_nurse,
        person=qualified_ap,
        stage=factories.pathway_stage("registered_nurse"),
        on=TODAY - WEEK,
        clinical_area=area,
    )
    assert move.recorded_by == lead_nurse
    history = selectors.person_history(qualified_ap)
    assert [e.stage.code for e in history.entries] == [
        "trainee_ap",
        "qualified_ap",
        "registered_nurse",
    ]
    assert history.current.area_name == "Coronary care"
    assert history.entries[0].from_cohort and not history.entries[-1].from_cohort


@pytest.mark.parametrize(
    "maker", [factories.TraineeFactory, factories.MentorFactory, factories.AdministratorFactory]
)
def test_only_the_lead_records_moves(maker, qualified_ap):
    with pytest.raises(PermissionDenied):
        services.move_record(
            actor=maker(),
            person=qualified_ap,
            stage=factories.pathway_stage("left"),
            on=TODAY,
            reason="x",
        )
    assert not PathwayMove.objects.exists()


def test_leaving_needs_a_reason(lead_nurse, qualified_ap):
    with pytest.raises(ValidationError) as error:
        services.move_record(
            actor=lead_nurse, person=qualified_ap, stage=factories.pathway_stage("left"), on=TODAY
        )
    assert "reason" in error.value.message_dict


def test_training_comes_from_enrolment_not_a_recorded_move(lead_nurse):
    person = factories.TraineeFactory()
    with pytest.raises(ValidationError) as error:
        services.move_record(
            actor=lead_nurse, person=person, stage=factories.pathway_stage("trainee_ap"), on=TODAY
        )
    assert "stage" in error.value.message_dict


def test_qualifying_by_hand_only_for_someone_not_qualified_in_pathway(lead_nurse, qualified_ap):
    qualified = selectors.qualified_on(qualified_ap)
    with pytest.raises(ValidationError) as error:
        services.move_record(
            actor=lead_nurse,
            person=qualified_ap,
            stage=factories.pathway_stage("qualified_ap"),
            on=qualified - WEEK,
        )
    assert "on" in error.value.message_dict
    # After qualifying, a "qualified" move is a move to another clinical area.
    services.move_record(
        actor=lead_nurse,
        person=qualified_ap,
        stage=factories.pathway_stage("qualified_ap"),
        on=qualified + WEEK,
        clinical_area=factories.ClinicalAreaFactory(),
    )
    earlier = factories.UserFactory()  # qualified before Pathway was used
    services.move_record(
        actor=lead_nurse,
        person=earlier,
        stage=factories.pathway_stage("qualified_ap"),
        on=TODAY - 100 * WEEK,
    )
    assert selectors.qualified_on(earlier) == TODAY - 100 * WEEK


def test_a_duplicate_move_is_refused(lead_nurse, qualified_ap):
    stage = factories.pathway_stage("bridging")
    services.move_record(actor=lead_nurse, person=qualified_ap, stage=stage, on=TODAY)
    with pytest.raises(ValidationError):
        services.move_record(actor=lead_nurse, person=qualified_ap, stage=stage, on=TODAY)
    assert PathwayMove.objects.count() == 1


def test_stage_wording_changes_but_not_its_code(lead_nurse):
    stage = factories.pathway_stage("support_worker")
    services.stage_update(
        actor=lead_nurse, stage=stage, name="Healthcare support worker (band 3)", description=""
    )
    stage.refresh_from_db()
    assert (stage.code, stage.name) == ("support_worker", "Healthcare support worker (band 3)")
    with pytest.raises(ValidationError):
        services.stage_update(actor=lead_nurse, stage=stage, name="Registered nurse")
    with pytest.raises(PermissionDenied):
        services.stage_update(actor=factories.TraineeFactory(), stage=stage, name="Mine")


def test_bridging_enrolment_records_the_move_once_and_the_result(lead_nurse, qualified_ap):
    first = factories.BridgingModuleFactory(title="Foundations for nursing practice")
    second = factories.BridgingModuleFactory(title="Pharmacology for nurses")
    start = TODAY - 10 * WEEK
    enrolment = services.bridging_enrol(
        actor=lead_nurse, module=first, person=qualified_ap, started_on=start
    )
    services.bridging_enrol(
        actor=lead_nurse, module=second, person=qualified_ap, started_on=start + WEEK
    )
    moves = PathwayMove.objects.filter(person=qualified_ap)
    assert [(m.stage.code, m.on) for m in moves] == [("bridging", start)]
    with pytest.raises(ValidationError):
        services.bridging_enrol(
            actor=lead_nurse, module=first, person=qualified_ap, started_on=start
        )
    services.bridging_result_record(
        actor=lead_nurse, enrolment=enrolment, result="pass", on=TODAY - WEEK
    )
    enrolment.refresh_from_db()
    assert (enrolment.result, enrolment.result_on) == ("pass", TODAY - WEEK)
    with pytest.raises(ValidationError):
        services.bridging_result_record(
            actor=lead_nurse, enrolment=enrolment, result="pass", on=start - WEEK
        )
    with pytest.raises(ValidationError):
        services.bridging_result_record(
            actor=lead_nurse, enrolment=enrolment, result="merit", on=TODAY
        )


def test_bridging_is_for_qualified_aps_who_have_not_left(lead_nurse, qualified_ap):
    module = factories.BridgingModuleFactory()
    trainee = factories.enrol(factories.CohortFactory()).trainee
    with pytest.raises(ValidationError) as error:
        services.bridging_enrol(actor=lead_nurse, module=module, person=trainee, started_on=TODAY)
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.bridging_enrol(
            actor=lead_nurse, module=module, person=qualified_ap, started_on=TODAY - 60 * WEEK
        )
    assert "started_on" in error.value.message_dict
    services.move_record(
        actor=lead_nurse,
        person=qualified_ap,
        stage=factories.pathway_stage("left"),
        on=TODAY - WEEK,
        reason="Moved to another trust",
    )
    with pytest.raises(ValidationError):
        services.bridging_enrol(
            actor=lead_nurse, module=module, person=qualified_ap, started_on=TODAY
        )
    assert not BridgingEnrolment.objects.exists()


def test_withdrawal_shows_as_a_step_back_with_its_reason():
    cohort = factories.CohortFactory()
    enrolment = factories.withdrawn_enrolment(cohort, reason="Caring responsibilities")
    history = selectors.person_history(enrolment.trainee)
    assert [(e.stage.code, e.reason) for e in history.entries] == [
        ("trainee_ap", ""),
        ("support_worker", "Caring responsibilities"),
    ]


def test_stages_ensure_puts_back_a_missing_stage_and_leaves_the_others_wording():
    Stage.objects.filter(code=StageCode.BRIDGING).delete()
    Stage.objects.filter(code=StageCode.LEFT).update(name="Left the organisation")
    assert StageCode.BRIDGING not in selectors.stages_by_code()  # reading never writes

    stages = services.stages_ensure()

    assert set(stages) == set(selectors.stages_by_code()) == {c.value for c in StageCode}
    assert (stages[StageCode.BRIDGING].name, stages[StageCode.BRIDGING].order) == (
        "Bridging modules",
        4,
    )
    assert stages[StageCode.LEFT].name == "Left the organisation"


@pytest.mark.django_db(transaction=True)
def test_stages_come_back_after_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    assert set(selectors.stages_by_code()) == {c.value for c in StageCode}
    # With the ids a migrated database gives them, so a backup restores over them.
    assert {stage.order: stage.pk for stage in Stage.objects.all()} == {n: n for n in range(1, 8)}
