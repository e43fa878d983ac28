"""Two people changing one funding source or cost: the second save is refused with the first
one's change shown, what the second typed is kept, and saving again is a deliberate overwrite
(issue 14, point 9). A remove button pressed twice removes once and answers with a page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from funding import services
from funding.models import CostLine, FundingSource
from pathway.concurrency import StaleEdit, version_of
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _version_on_page(response) -> str:
    return re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)


def _source_data(source, **changes) -> dict:
    data = {
        "name": source.name,
        "organisation": source.organisation_id or "",
        "amount": str(source.amount),
        "notes": source.notes,
    }
    return {**data, **changes}


def _cost_data(cost, **changes) -> dict:
    data = {
        "category": cost.category,
        "description": cost.description,
        "quantity": str(cost.quantity),
        "unit": cost.unit,
        "unit_cost": str(cost.unit_cost),
    }
    return {**data, **changes}


def test_the_second_of_two_source_edits_is_refused_with_the_first_shown_and_nothing_lost():
    source = factories.FundingSourceFactory(name="Grant", amount=D("10000.00"))
    first = _client(factories.LeadNurseFactory(full_name="Asha Patel"))
    second = _client(factories.LeadNurseFactory())
    url = reverse("funding:source_edit", args=[source.pk])

    seen_by_second = _version_on_page(second.get(url))
    seen_by_first = _version_on_page(first.get(url))
    saved = first.post(url, _source_data(source, amount="12,500.00", version=seen_by_first))
    assert saved.status_code == 302

    refused = second.post(url, _source_data(source, notes="Agreed in May", version=seen_by_second))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "changed this while you were editing it" in page
    assert "What they changed" in page and "Now: 12500.00" in page
    assert "Agreed in May" in page  # what the second person typed is kept
    source.refresh_from_db()
    assert (source.amount, source.notes) == (D("12500.00"), "")

    # Saving again, having seen theirs, keeps what the second person typed.
    again = second.post(
        url, _source_data(source, notes="Agreed in May", version=_version_on_page(refused))
    )
    assert again.status_code == 302
    source.refresh_from_db()
    assert (source.amount, source.notes) == (D("12500.00"), "Agreed in May")


def test_the_second_of_two_cost_edits_is_refused_with_the_first_shown_and_nothing_lost():
    cost = factories.CostLineFactory(description="Fees", quantity=D("16"))
    first, second = _client(factories.LeadNurseFactory()), _client(factories.LeadNurseFactory())
    url = reverse("funding:cost_edit", args=[cost.pk])

    seen_by_second = _version_on_page(second.get(url))
    seen_by_first = _version_on_page(first.get(url))
    assert (
        first.post(url, _cost_data(cost, quantity="15", version=seen_by_first)).status_code == 302
    )

    refused = second.post(url, _cost_data(cost, unit_cost="4,800", version=seen_by_second))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "changed this while you were editing it" in page and "Now: 15.00" in page
    assert 'value="4,800"' in page
    cost.refresh_from_db()
    assert (cost.quantity, cost.unit_cost) == (D("15.00"), D("4500.00"))


def test_an_edit_page_with_no_version_or_a_forged_one_is_refused_plainly():
    source = factories.FundingSourceFactory(name="Grant")
    client = _client(factories.LeadNurseFactory())
    url = reverse("funding:source_edit", args=[source.pk])
    other = factories.FundingSourceFactory()
    for version in ("", "forged", version_of(other, services.SOURCE_EDITED)):
        response = client.post(url, _source_data(source, name="Renamed", version=version))
        assert response.status_code == 200
        assert "This page was out of date" in response.content.decode()
    source.refresh_from_db()
    assert source.name == "Grant"


def test_the_services_refuse_a_stale_version_from_any_caller():
    # As a form draws them: from the database (a Decimal reads back with its two places).
    source = FundingSource.objects.get(pk=factories.FundingSourceFactory(name="Before").pk)
    cost = CostLine.objects.get(pk=factories.CostLineFactory(description="Before").pk)
    lead = factories.LeadNurseFactory()
    source_version = version_of(source, services.SOURCE_EDITED)
    cost_version = version_of(cost, services.COST_EDITED)

    def save_source(name):
        return services.source_save(
            actor=lead,
            cohort=source.cohort,
            source=source,
            name=name,
            amount=source.amount,
            version=source_version,
        )

    def save_cost(description):
        return services.cost_save(
            actor=lead,
            cohort=cost.cohort,
            cost=cost,
            category=cost.category,
            description=description,
            quantity=cost.quantity,
            unit_cost=cost.unit_cost,
            version=cost_version,
        )

    save_source("First")
    with pytest.raises(StaleEdit) as refused:
        save_source("Second")
    assert [(c.label, c.now) for c in refused.value.changes] == [("Name", "First")]
    save_cost("First")
    with pytest.raises(StaleEdit):
        save_cost("Second")
    assert FundingSource.objects.get(pk=source.pk).name == "First"
    assert CostLine.objects.get(pk=cost.pk).description == "First"


@pytest.mark.parametrize(
    "thing, url_name, what",
    [
        (factories.FundingSourceFactory, "funding:source_delete", "funding source"),
        (factories.CostLineFactory, "funding:cost_delete", "cost"),
    ],
)
def test_a_remove_button_pressed_twice_removes_once_and_answers_with_a_page(thing, url_name, what):
    removed, kept = thing(), thing()
    model = type(removed)
    client = _client(factories.LeadNurseFactory())
    url = reverse(url_name, args=[removed.pk])
    first = client.post(url)
    assert first.status_code == 302
    assert first["Location"] == reverse("funding:cohort_detail", args=[removed.cohort_id])
    second = client.post(url, follow=True)
    assert second.status_code == 200
    assert f"The {what} has already been removed" in second.content.decode()
    assert not model.objects.filter(pk=removed.pk).exists()
    assert model.objects.filter(pk=kept.pk).exists()
    # Asking for the page of one that has gone is still a plain 404.
    assert client.get(url).status_code == 404


def test_removing_what_someone_else_removed_meanwhile_removes_nothing_more():
    source = factories.FundingSourceFactory()
    lead = factories.LeadNurseFactory()
    assert services.source_delete(actor=lead, source=source) is True
    assert services.source_delete(actor=lead, source=source) is False
    cost = factories.CostLineFactory()
    assert services.cost_delete(actor=lead, cost=cost) is True
    assert services.cost_delete(actor=lead, cost=cost) is False


def test_saving_a_source_someone_removed_meanwhile_is_refused_plainly():
    source = factories.FundingSourceFactory()
    lead = factories.LeadNurseFactory()
    version = version_of(source, services.SOURCE_EDITED)
    services.source_delete(actor=lead, source=source)
    with pytest.raises(ValidationError, match="has been removed"):
        services.source_save(
            actor=lead,
            cohort=source.cohort,
            source=source,
            name="Back again",
            amount=D("1"),
            version=version,
        )
    assert not FundingSource.objects.filter(name="Back again").exists()
