"""Role design with the Calderdale Framework: projects and stages, task analysis with risk
levels, and competencies made from delegable tasks (with their provenance)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.models import Competency
from roledesign import selectors, services
from roledesign.models import (
    DelegationDecision,
    RiskLevel,
    Stage,
    StageKind,
    Task,
    TaskCompetencyLink,
    risk_level_for,
)
from tests.factories import (
    ClinicalAreaFactory,
    CompetencyFactory,
    DomainFactory,
    FrameworkFactory,
    MentorFactory,
    PublishedFrameworkFactory,
)

pytestmark = pytest.mark.django_db


def _project(lead, name="AP critical care"):
    return services.project_create(
        actor=lead, name=name, clinical_area=ClinicalAreaFactory(), lead=lead
    )


def _task(project, lead, **fields):
    values = {
        "name": "Tracheostomy care",
        "decision": DelegationDecision.SUITABLE,
        "likelihood": 2,
        "impact": 3,
    }
    values.update(fields)
    return services.task_create(actor=lead, project=project, **values)


def test_creating_a_project_creates_its_seven_stages_in_order(lead_nurse):
    project = _project(lead_nurse)
    stages = list(project.stages.order_by("kind"))
    assert [s.get_kind_display() for s in stages] == [
        "Awareness raising",
        "Service analysis",
        "Task analysis",
        "Competency identification and generation",
        "Supporting systems (supervision, delegation, governance)",
        "Training",
        "Sustaining",
    ]
    # Only the first can start: each of the others waits for an earlier stage.
    assert [s.status for s in stages] == [Stage.Status.NOT_STARTED] + [
        Stage.Status.CANNOT_START
    ] * 6
    with pytest.raises(ValidationError) as error:
        _project(lead_nurse, name="ap critical care")
    assert "name" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        _project(MentorFactory(), name="Another")


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [
        (1, 1, RiskLevel.LOW),
        (1, 3, RiskLevel.LOW),  # 3: top of low
        (2, 2, RiskLevel.MODERATE),  # 4: bottom of moderate
        (2, 3, RiskLevel.MODERATE),  # 6: top of moderate
        (2, 4, RiskLevel.HIGH),  # 8: bottom of high
        (3, 4, RiskLevel.HIGH),  # 12: top of high
        (3, 5, RiskLevel.VERY_HIGH),  # 15: bottom of very high
        (5, 5, RiskLevel.VERY_HIGH),
    ],
)
def test_risk_level_bands_at_each_boundary(likelihood, impact, level):
    task = Task(likelihood=likelihood, impact=impact)
    assert task.risk_score == likelihood * impact
    assert task.risk_level == level


def test_risk_level_for_every_possible_product():
    products = {a * b for a in range(1, 6) for b in range(1, 6)}
    assert not products & {7, 11, 13, 14}
    assert [risk_level_for(n) for n in (3, 4, 6, 8, 12, 15)] == [
        RiskLevel.LOW,
        RiskLevel.MODERATE,
        RiskLevel.MODERATE,
        RiskLevel.HIGH,
        RiskLevel.HIGH,
        RiskLevel.VERY_HIGH,
    ]


def test_conditions_are_required_for_suitable_with_conditions(lead_nurse):
    project = _project(lead_nurse)
    with pytest.raises(ValidationError) as error:
        _task(project, lead_nurse, decision=DelegationDecision.WITH_CONDITIONS, conditions=" ")
    assert "conditions" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _task(project, lead_nurse, likelihood=6)
    assert "likelihood" in error.value.message_dict
    assert not Task.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(
            project=project, name="X", decision="with_conditions", likelihood=1, impact=1
        )


def test_task_form_page_shows_errors_and_saves(client, lead_nurse):
    project = _project(lead_nurse)
    client.force_login(lead_nurse)
    url = reverse("roledesign:task_create", args=[project.pk])
    response = client.post(url, {"name": "Arterial sampling", "decision": "with_conditions"})
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in html
    assert "Enter the conditions for delegating this task" in html
    assert "Select the likelihood of harm" in html
    assert "Arterial sampling" in html
    response = client.post(
        url,
        {
            "name": "Arterial sampling",
            "decision": "with_conditions",
            "conditions": "Established lines only",
            "likelihood": "2",
            "impact": "4",
        },
    )
    task = Task.objects.get()
    assert response["Location"] == reverse("roledesign:task_detail", args=[task.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Suitable with conditions" in html and "High (8)" in html
    edit = reverse("roledesign:task_edit", args=[task.pk])
    version = re.search(r'name="version" value="([^"]+)"', client.get(edit).content.decode())[1]
    changed = {
        "name": "Arterial sampling",
        "decision": "suitable",
        "likelihood": "1",
        "impact": "3",
    }
    assert client.post(edit, {**changed, "version": version}).status_code == 302
    task.refresh_from_db()
    assert task.risk_level == RiskLevel.LOW


def test_project_page_is_a_task_list_with_status_tags(client, lead_nurse):
    project = _project(lead_nurse)
    stage = project.stages.get(kind=StageKind.AWARENESS)
    services.stage_update(
        actor=lead_nurse, stage=stage, status="completed", end_date=stage.project.created_at.date()
    )
    _task(project, lead_nurse)
    client.force_login(lead_nurse)
    html = client.get(reverse("roledesign:project_detail", args=[project.pk])).content.decode()
    assert 'class="nhsuk-task-list"' in html
    assert html.count('class="nhsuk-task-list__item') == 7
    plain = "nhsuk-tag nhsuk-tag--no-colour nhsuk-tag--no-border nhsuk-u-font-weight-normal"
    assert f'<strong class="{plain}">Completed</strong>' in html
    assert html.count('<strong class="nhsuk-tag nhsuk-tag--blue">Not started</strong>') == 1
    assert html.count(f'{plain} nhsuk-u-secondary-text-colour">Cannot start yet</strong>') == 5
    assert "Tracheostomy care" in html and "Moderate (6)" in html


def test_project_page_queries_do_not_grow_with_tasks(client, lead_nurse):
    def count(n):
        project = _project(lead_nurse, name=f"Project {n}")
        for i in range(n):
            task = _task(project, lead_nurse, name=f"Task {i}")
            TaskCompetencyLink.objects.create(task=task, competency=CompetencyFactory())
        client.force_login(lead_nurse)
        client.get(
            reverse("pathway:account")
        )  # the first page counts the header's unread notifications (then cached)
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("roledesign:project_detail", args=[project.pk])).status_code
                == 200
            )
        return len(queries)

    assert count(1) == count(8)


def test_stage_page_updates_and_needs_an_end_date_when_completed(client, lead_nurse):
    project = _project(lead_nurse)
    stage = project.stages.get(kind=StageKind.AWARENESS)
    client.force_login(lead_nurse)
    url = reverse("roledesign:stage_edit", args=[stage.pk])
    response = client.post(url, {"status": "completed"})
    assert response.status_code == 200
    assert "Enter the date the stage was completed" in response.content.decode()
    response = client.post(
        url,
        {
            "status": "completed",
            "owner": lead_nurse.pk,
            "start_date_day": "1",
            "start_date_month": "3",
            "start_date_year": "2026",
            "end_date_day": "1",
            "end_date_month": "2",
            "end_date_year": "2026",
        },
    )
    assert "End date must be the same as or after start date" in response.content.decode()
    response = client.post(
        url,
        {
            "status": "completed",
            "end_date_day": "1",
            "end_date_month": "4",
            "end_date_year": "2026",
            "notes": "Done",
        },
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.status == "completed" and stage.notes == "Done"


def test_make_competency_from_a_suitable_task_records_provenance(client, lead_nurse):
    project = _project(lead_nurse)
    task = _task(
        project,
        lead_nurse,
        decision=DelegationDecision.WITH_CONDITIONS,
        conditions="Established lines only",
        description="Take a sample from an arterial line",
        likelihood=2,
        impact=4,
    )
    domain = DomainFactory(framework=FrameworkFactory())
    client.force_login(lead_nurse)
    url = reverse("roledesign:task_make_competency", args=[task.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"domain": domain.pk, "code": "CC9", "title": "Arterial sampling"})
    assert response.status_code == 302
    competency = Competency.objects.get(code="CC9")
    assert competency.framework == domain.framework and not competency.is_core
    assert list(competency.clinical_areas.all()) == [project.clinical_area]
    assert competency.performance_criteria == [
        "Works within these conditions: Established lines only"
    ]
    assert [link.task for link in selectors.provenance_for(competency)] == [task]
    html = client.get(reverse("roledesign:task_detail", args=[task.pk])).content.decode()
    assert "CC9 Arterial sampling" in html
    page = client.get(reverse("roledesign:competency_provenance", args=[competency.pk]))
    html = page.content.decode()
    assert task.name in html and "Suitable with conditions" in html and "High (8)" in html
    # The same code again: the competencies service refuses, shown on the form.
    response = client.post(url, {"domain": domain.pk, "code": "CC9", "title": "Again"})
    assert response.status_code == 200
    assert "already has a competency with ID CC9" in response.content.decode()


def test_not_suitable_tasks_cannot_become_competencies(client, lead_nurse):
    project = _project(lead_nurse)
    task = _task(
        project, lead_nurse, decision=DelegationDecision.NOT_SUITABLE, likelihood=4, impact=5
    )
    domain = DomainFactory(framework=FrameworkFactory())
    with pytest.raises(ValidationError):
        services.task_make_competency(
            actor=lead_nurse, task=task, domain=domain, code="X1", title="Titrate"
        )
    client.force_login(lead_nurse)
    response = client.post(
        reverse("roledesign:task_make_competency", args=[task.pk]),
        {"domain": domain.pk, "code": "X1", "title": "Titrate"},
    )
    assert response.status_code == 200
    assert "cannot become a competency" in response.content.decode()
    assert not Competency.objects.filter(code="X1").exists()
    assert not TaskCompetencyLink.objects.exists()


def test_make_competency_needs_a_draft_framework(lead_nurse):
    project = _project(lead_nurse)
    task = _task(project, lead_nurse)
    published = DomainFactory(framework=PublishedFrameworkFactory())
    with pytest.raises(ValidationError) as error:
        services.task_make_competency(
            actor=lead_nurse, task=task, domain=published, code="X2", title="T"
        )
    assert "domain" in error.value.message_dict
    assert list(selectors.draft_domains()) == []


def test_provenance_page_for_a_competency_not_from_a_task(client, lead_nurse):
    competency = CompetencyFactory()
    client.force_login(lead_nurse)
    html = client.get(
        reverse("roledesign:competency_provenance", args=[competency.pk])
    ).content.decode()
    assert "was not made from a role design task" in html


def test_out_of_range_ids_are_invalid_choices_not_errors(client, lead_nurse):
    big = "7" * 40
    project = _project(lead_nurse)
    client.force_login(lead_nurse)
    for name, args, data in (
        ("roledesign:jd_create", [], {"clinical_areas": [big], "framework": big, "band": "4"}),
        ("roledesign:project_create", [], {"name": "New", "clinical_area": big}),
        ("roledesign:stage_edit", [project.stages.first().pk], {"status": "x", "owner": big}),
        ("roledesign:task_make_competency", [_task(project, lead_nurse).pk], {"domain": big}),
    ):
        response = client.post(reverse(name, args=args), data)
        assert response.status_code == 200, name
        assert "Select a valid choice" in response.content.decode(), name
