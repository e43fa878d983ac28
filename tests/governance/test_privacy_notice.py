"""The privacy notice (issue 20, part 6): complete, public, and its retention periods always
the retention schedule's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from governance import selectors, services
from governance.models import RecordKind
from tests import factories

pytestmark = pytest.mark.django_db


def _page(client=None) -> str:
    response = (client or Client()).get(reverse("pathway:privacy"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_notice_covers_what_why_lawful_basis_how_long_who_and_rights():
    page = _page()
    for heading in (
        "What Pathway holds",
        "Why Pathway holds it",
        "The law that allows it",
        "How long it is kept",
        "Who can see it",
        "Your rights",
        "How to complain",
    ):
        assert heading in page
    assert "Article 6(1)(e)" in page and "Article 6(1)(c)" in page
    assert "Article 9(2)(b)" in page and "Article 9(2)(h)" in page
    assert "https://ico.org.uk/make-a-complaint/" in page
    assert "kept permanently" not in page


def test_the_periods_are_the_schedules():
    page = _page()
    for rule in selectors.retention_schedule():
        assert rule.get_kind_display() in page
        assert rule.describe() in page
    services.retention_rule_update(
        actor=factories.AdministratorFactory(),
        kind=RecordKind.NOTIFICATIONS,
        period=90,
        unit="days",
        starts="made",
        disposal="automatic",
    )
    assert "90 days after it was made" in _page()


def test_download_your_data_is_linked_only_when_that_page_exists(monkeypatch):
    from pathway import privacy

    monkeypatch.setattr(privacy, "my_data_url", lambda: None)
    page = _page()
    assert 'href="/account/my-data/"' not in page and "ask your Pathway administrator" in page
    monkeypatch.setattr(privacy, "my_data_url", lambda: "/account/my-data/")
    assert 'href="/account/my-data/"' in _page()


def test_signed_in_people_see_the_same_notice():
    client = Client()
    client.force_login(factories.TraineeFactory())
    assert "How long it is kept" in _page(client)
