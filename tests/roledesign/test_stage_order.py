"""The Calderdale stages' order (roledesign.models.STAGE_DEPENDENCIES): a stage whose earlier
stages are not all completed is "cannot start yet", is refused as in progress or completed,
and becomes "not started" when they are; the task list shows each status as NHS.UK does."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from roledesign import services
from roledesign.models import STAGE_DEPENDENCIES, Stage, StageKind, stage_blocked_by
from tests.factories import ClinicalAreaFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)
S = Stage.Status


def _project(lead):
    return services.project_create(
        actor=lead, name="AP theatres", clinical_area=ClinicalAreaFactory(), lead=lead
    )


def _statuses(project) -> list[str]:
    return list(project.stages.order_by("kind").values_list("status", flat=True))


def _set(lead, project, kind, status):
    stage = project.stages.get(kind=kind)
    end = DAY if status == S.COMPLETED else None
    return services.stage_update(actor=lead, stage=stage, status=status, end_date=end)


def test_every_stage_but_the_first_depends_only_on_earlier_stages():
    assert STAGE_DEPENDENCIES[StageKind.AWARENESS] == ()
    for kind, needs in STAGE_DEPENDENCIES.items():
        assert all(needed < kind for needed in needs)
        if kind != StageKind.AWARENESS:
            assert needs
    assert set(STAGE_DEPENDENCIES) == set(StageKind.values)


def test_blocked_by_lists_what_is_not_completed():
    statuses = {StageKind.COMPETENCIES: S.COMPLETED, StageKind.SUPPORTING_SYSTEMS: S.IN_PROGRESS}
    assert stage_blocked_by(StageKind.TRAINING, statuses) == [StageKind.SUPPORTING_SYSTEMS]
    statuses[StageKind.SUPPORTING_SYSTEMS] = S.COMPLETED
    assert stage_blocked_by(StageKind.TRAINING, statuses) == []


def test_completing_each_stage_lets_the_next_start(lead_nurse):
    project = _project(lead_nurse)
    assert _statuses(project) == [S.NOT_STARTED] + [S.CANNOT_START] * 6
    _set(lead_nurse, project, StageKind.AWARENESS, S.IN_PROGRESS)
    assert _statuses(project)[1] == S.CANNOT_START  # in progress is not done
    _set(lead_nurse, project, StageKind.AWARENESS, S.COMPLETED)
    assert _statuses(project)[:3] == [S.COMPLETED, S.NOT_STARTED, S.CANNOT_START]
    _set(lead_nurse, project, StageKind.SERVICE_ANALYSIS, S.COMPLETED)
    _set(lead_nurse, project, StageKind.TASK_ANALYSIS, S.COMPLETED)
    # Competency generation and supporting systems can now both start, side by side.
    assert _statuses(project)[3:] == [S.NOT_STARTED, S.NOT_STARTED, S.CANNOT_START, S.CANNOT_START]
    _set(lead_nurse, project, StageKind.COMPETENCIES, S.COMPLETED)
    assert _statuses(project)[5] == S.CANNOT_START  # training also needs supporting systems
    _set(lead_nurse, project, StageKind.SUPPORTING_SYSTEMS, S.COMPLETED)
    assert _statuses(project)[5:] == [S.NOT_STARTED, S.CANNOT_START]


def test_a_stage_cannot_be_started_before_the_stages_it_needs(lead_nurse):
    project = _project(lead_nurse)
    for status in (S.IN_PROGRESS, S.COMPLETED):
        with pytest.raises(ValidationError) as error:
            _set(lead_nurse, project, StageKind.TASK_ANALYSIS, status)
        assert error.value.message_dict["status"] == [
            "This stage cannot start until Service analysis is completed"
        ]
    for kind in (StageKind.AWARENESS, StageKind.SERVICE_ANALYSIS, StageKind.TASK_ANALYSIS):
        _set(lead_nurse, project, kind, S.COMPLETED)
    with pytest.raises(ValidationError) as error:
        _set(lead_nurse, project, StageKind.TRAINING, S.IN_PROGRESS)
    assert "Competency identification and generation and Supporting systems" in str(error.value)
    assert _statuses(project)[5] == S.CANNOT_START


def test_owner_dates_and_notes_can_be_planned_while_it_cannot_start(lead_nurse):
    project = _project(lead_nurse)
    stage = services.stage_update(
        actor=lead_nurse,
        stage=project.stages.get(kind=StageKind.TRAINING),
        status=S.NOT_STARTED,
        owner=lead_nurse,
        notes="Book the skills lab",
    )
    assert stage.status == S.CANNOT_START and stage.owner == lead_nurse


def test_reopening_an_earlier_stage_blocks_later_stages_not_yet_started(lead_nurse):
    project = _project(lead_nurse)
    _set(lead_nurse, project, StageKind.AWARENESS, S.COMPLETED)
    _set(lead_nurse, project, StageKind.SERVICE_ANALYSIS, S.IN_PROGRESS)
    _set(lead_nurse, project, StageKind.AWARENESS, S.IN_PROGRESS)
    # Work under way stays under way; nothing not yet started can start.
    assert _statuses(project)[:3] == [S.IN_PROGRESS, S.IN_PROGRESS, S.CANNOT_START]


def test_task_list_and_stage_page_show_cannot_start_yet(client, lead_nurse):
    project = _project(lead_nurse)
    client.force_login(lead_nurse)
    html = client.get(reverse("roledesign:project_detail", args=[project.pk])).content.decode()
    assert html.count('nhsuk-u-secondary-text-colour">Cannot start yet</strong>') == 6
    assert 'nhsuk-tag--blue">Not started</strong>' in html
    training = project.stages.get(kind=StageKind.TRAINING)
    page = client.get(reverse("roledesign:stage_edit", args=[training.pk])).content.decode()
    assert 'data-testid="stage-waiting"' in page
    assert "<strong>Competency identification and generation</strong> and" in page
    assert "Cannot start yet" not in page.split("<form", 1)[1]  # never chosen by hand
    response = client.post(
        reverse("roledesign:stage_edit", args=[training.pk]), {"status": "in_progress"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "This stage cannot start until" in response.content.decode()
    training.refresh_from_db()
    assert training.status == S.CANNOT_START
