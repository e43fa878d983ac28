"""The retention and erasure pages: who sees what, and the forms through the browser's eyes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from governance import selectors
from governance.models import DisposalEntry, RecordKind
from tests import factories

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_lead_nurse_reads_the_schedule_without_changing_it():
    page = _client(factories.LeadNurseFactory()).get(reverse("governance:retention"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "6 years after the person leaves" in text
    assert reverse("governance:retention_rule_edit", args=["notifications"]) not in text
    assert "People due for review" not in text


def test_the_administrator_changes_a_period_from_the_page():
    client = _client(factories.AdministratorFactory())
    url = reverse("governance:retention_rule_edit", args=[RecordKind.NOTIFICATIONS])
    assert url in client.get(reverse("governance:retention")).content.decode()
    answer = client.post(
        url, {"period": "2", "unit": "years", "starts": "made", "disposal": "automatic"}
    )
    assert answer.status_code == 302
    assert selectors.retention_rule(RecordKind.NOTIFICATIONS).describe() == (
        "2 years after it was made"
    )


def test_a_bad_period_is_shown_with_what_was_typed():
    client = _client(factories.AdministratorFactory())
    url = reverse("governance:retention_rule_edit", args=[RecordKind.NOTIFICATIONS])
    answer = client.post(
        url, {"period": "200", "unit": "years", "starts": "made", "disposal": "automatic"}
    )
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "nhsuk-error-summary" in text and "Enter a period from 1 to 100" in text
    assert 'value="200"' in text


def test_an_unknown_kind_is_not_found():
    client = _client(factories.AdministratorFactory())
    assert client.get("/governance/retention/shoes/").status_code == 404


def test_the_administrator_erases_a_person_from_their_page():
    record, _mentor, _competencies = factories.enrolled_trainee(competencies=1)
    trainee = record.trainee
    name = trainee.full_name
    client = _client(factories.AdministratorFactory())
    person_page = client.get(reverse("pathway:person_detail", args=[trainee.pk])).content.decode()
    url = reverse("governance:person_erase", args=[trainee.pk])
    assert url in person_page

    form = client.get(url).content.decode()
    assert "Records that must still be kept" in form and "still active" in form
    refused = client.post(url, {"basis": "objection", "confirm": "on"})
    assert (
        refused.status_code == 200 and "give the reason that overrides" in refused.content.decode()
    )
    assert not DisposalEntry.objects.exists()

    done = client.post(
        url, {"basis": "objection", "override_reason": "Case IG-2026-4", "confirm": "on"}
    )
    assert done.status_code == 302
    schedule = client.get(reverse("governance:retention")).content.decode()
    assert f"Person #{trainee.pk} erased within the retention period" in schedule
    assert name not in client.get(reverse("pathway:people")).content.decode()
    assert client.get(url).content.decode().count("already been erased") == 1
    out = StringIO()
    call_command("verify_records", stdout=out)
    assert "verified" in out.getvalue()


def test_nobody_else_sees_the_erase_link():
    record, _mentor, _competencies = factories.enrolled_trainee(competencies=1)
    lead = _client(factories.LeadNurseFactory())
    page = lead.get(reverse("pathway:person_detail", args=[record.trainee.pk])).content.decode()
    assert reverse("governance:person_erase", args=[record.trainee.pk]) not in page
