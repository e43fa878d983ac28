"""The governance page: one header entry for the governance areas, each listed for whoever may
open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pathway.navigation import items_for
from tests import factories

pytestmark = pytest.mark.django_db


def _areas(client, person) -> list[dict]:
    client.force_login(person)
    page = client.get(reverse("governance:index"))
    assert page.status_code == 200
    return page.context["areas"]


def test_the_lead_nurse_sees_every_area_but_subject_access(client):
    lead = factories.LeadNurseFactory()
    urls = [area["url"] for area in _areas(client, lead)]
    assert urls == [
        reverse("governance:hazard_log"),
        reverse("pathway:record_access_log"),
        reverse("governance:retention"),
    ]


def test_the_administrator_also_sees_subject_access(client):
    admin = factories.AdministratorFactory()
    urls = [area["url"] for area in _areas(client, admin)]
    assert reverse("governance:subject_access") in urls
    assert reverse("governance:hazard_log") in urls


def test_one_header_entry_for_governance_and_one_for_apprenticeships():
    lead = factories.LeadNurseFactory()
    labels = [item["label"] for item in items_for(lead)]
    assert labels.count("Governance") == 1 and labels.count("Apprenticeships") == 1
    for folded in ("Hazard log", "Who looked", "Retention", "Apprenticeship plans"):
        assert folded not in labels


def test_a_mentor_is_refused(client):
    client.force_login(factories.MentorFactory())
    assert client.get(reverse("governance:index")).status_code == 403
