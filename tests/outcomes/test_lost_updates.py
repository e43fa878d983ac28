"""Two lead nurses rewording one pathway stage: the second save is refused with the first one's
change shown and what was typed kept (issue 14, point 9; pathway/concurrency.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from outcomes import services
from outcomes.models import Stage
from pathway.concurrency import StaleEdit, version_of
from tests import factories

pytestmark = pytest.mark.django_db


def _version_on_page(response) -> str:
    return re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)


def test_the_second_of_two_edits_is_refused_with_the_first_shown_and_nothing_lost(client):
    stage = factories.pathway_stage("support_worker")
    first, second = factories.LeadNurseFactory(), factories.LeadNurseFactory()
    url = reverse("outcomes:stage_edit", args=[stage.pk])

    client.force_login(second)
    seen_by_second = _version_on_page(client.get(url))
    client.force_login(first)
    version = _version_on_page(client.get(url))
    saved = client.post(
        url,
        {"name": "Healthcare support worker", "description": stage.description, "version": version},
    )
    assert saved.status_code == 302

    client.force_login(second)
    refused = client.post(
        url, {"name": stage.name, "description": "Band 2 and 3", "version": seen_by_second}
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "changed this while you were editing it" in page
    assert "Now: Healthcare support worker" in page
    assert "Band 2 and 3" in page  # kept
    assert Stage.objects.get(pk=stage.pk).name == "Healthcare support worker"

    again = client.post(
        url,
        {
            "name": "Support worker",
            "description": "Band 2 and 3",
            "version": _version_on_page(refused),
        },
    )
    assert again.status_code == 302
    stage.refresh_from_db()
    assert (stage.name, stage.description) == ("Support worker", "Band 2 and 3")


def test_the_service_refuses_a_stale_version_from_any_caller():
    stage = factories.pathway_stage("support_worker")
    lead = factories.LeadNurseFactory()
    version = version_of(stage, services.STAGE_EDITED)
    kept = {"description": stage.description, "version": version}
    services.stage_update(actor=lead, stage=stage, name="First", **kept)
    with pytest.raises(StaleEdit) as refused:
        services.stage_update(actor=lead, stage=stage, name="Second", **kept)
    assert [(c.label, c.now) for c in refused.value.changes] == [("Name", "First")]
    assert Stage.objects.get(pk=stage.pk).name == "First"


def test_removing_a_move_twice_removes_it_once_and_the_second_press_is_a_normal_page(client):
    move = factories.PathwayMoveFactory(stage=factories.pathway_stage("support_worker"))
    client.force_login(factories.LeadNurseFactory())
    url = reverse("outcomes:move_delete", args=[move.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 404  # gone: the ordinary "not found" page
