"""Two people changing one role design task: the second save is refused with the first one's
change shown, what the second typed is kept, and saving again is a deliberate overwrite
(issue 14, point 9)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pathway.concurrency import StaleEdit, version_of
from roledesign import services
from roledesign.models import DelegationDecision, Task
from tests import factories

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _version_on_page(response) -> str:
    return re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def task():
    lead = factories.LeadNurseFactory()
    project = services.project_create(
        actor=lead,
        name="AP critical care",
        clinical_area=factories.ClinicalAreaFactory(),
        lead=lead,
    )
    return services.task_create(
        actor=lead,
        project=project,
        name="Tracheostomy care",
        decision=DelegationDecision.SUITABLE,
        likelihood=2,
        impact=3,
    )


def _data(task, **changes) -> dict:
    data = {name: getattr(task, name) for name in services.TASK_FIELDS}
    return {**{k: ("" if v is None else v) for k, v in data.items()}, **changes}


def test_the_second_of_two_task_edits_is_refused_with_the_first_shown_and_nothing_lost(task):
    first, second = _client(factories.LeadNurseFactory()), _client(factories.LeadNurseFactory())
    url = reverse("roledesign:task_edit", args=[task.pk])

    seen_by_second = _version_on_page(second.get(url))
    seen_by_first = _version_on_page(first.get(url))
    saved = first.post(url, _data(task, impact=5, version=seen_by_first))
    assert saved.status_code == 302

    refused = second.post(
        url, _data(task, notes="Reviewed with the ward team", version=seen_by_second)
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "changed this while you were editing it" in page
    assert "What they changed" in page and "Now: 5" in page
    assert "Reviewed with the ward team" in page  # what the second person typed is kept
    task.refresh_from_db()
    assert (task.impact, task.notes) == (5, "")

    again = second.post(
        url, _data(task, notes="Reviewed with the ward team", version=_version_on_page(refused))
    )
    assert again.status_code == 302
    task.refresh_from_db()
    assert (task.impact, task.notes) == (5, "Reviewed with the ward team")


def test_a_task_edit_with_no_version_or_a_forged_one_is_refused_plainly(task):
    client = _client(factories.LeadNurseFactory())
    url = reverse("roledesign:task_edit", args=[task.pk])
    other = services.task_create(
        actor=None, project=task.project, name="Other", decision="suitable", likelihood=1, impact=1
    )
    for version in ("", "forged", version_of(other, services.TASK_FIELDS)):
        response = client.post(url, _data(task, name="Renamed", version=version))
        assert response.status_code == 200
        assert "This page was out of date" in response.content.decode()
    task.refresh_from_db()
    assert task.name == "Tracheostomy care"


def test_the_service_refuses_a_stale_version_from_any_caller(task):
    lead = factories.LeadNurseFactory()
    task = Task.objects.get(pk=task.pk)
    version = version_of(task, services.TASK_FIELDS)
    services.task_update(actor=lead, task=task, name="First", version=version)
    with pytest.raises(StaleEdit) as refused:
        services.task_update(actor=lead, task=task, name="Second", version=version)
    assert [(c.label, c.now) for c in refused.value.changes] == [("Name", "First")]
    assert Task.objects.get(pk=task.pk).name == "First"
    # A caller that drew no form (a command) saves as before.
    services.task_update(actor=lead, task=task, name="Third")
    assert Task.objects.get(pk=task.pk).name == "Third"


def test_saving_a_task_someone_removed_meanwhile_is_refused_plainly(task):
    version = version_of(Task.objects.get(pk=task.pk), services.TASK_FIELDS)
    Task.objects.filter(pk=task.pk).delete()
    with pytest.raises(ValidationError, match="has been removed"):
        services.task_update(actor=None, task=task, name="Back again", version=version)
    assert not Task.objects.exists()
