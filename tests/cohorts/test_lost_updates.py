"""Two people editing one cohort: the second save is refused with the first one's change shown,
what the second typed is kept, and saving again is a deliberate overwrite (issue 14, point 9)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cohorts.models import Cohort
from cohorts.services import cohorts as services
from pathway.concurrency import StaleEdit, version_of
from tests import factories

pytestmark = pytest.mark.django_db


def _form_data(cohort, **changes) -> dict:
    data = {
        "name": cohort.name,
        **factories.date_fields("intake_date", cohort.intake_date),
        **factories.date_fields("planned_end_date", cohort.planned_end_date),
        "clinical_areas": [area.pk for area in cohort.clinical_areas.all()],
        "status": cohort.status,
        "review_interval_weeks": cohort.review_interval_weeks,
    }
    data.update(changes)
    return data


def _version_on_page(response) -> str:
    return re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)


def test_the_second_of_two_edits_is_refused_with_the_first_shown_and_nothing_lost(client):
    cohort = factories.CohortFactory(name="Cohort 4")
    cohort.clinical_areas.add(factories.ClinicalAreaFactory())
    first, second = factories.LeadNurseFactory(full_name="Asha Patel"), factories.LeadNurseFactory()
    url = reverse("cohorts:cohort_edit", args=[cohort.pk])

    client.force_login(second)
    seen_by_second = _version_on_page(client.get(url))
    client.force_login(first)
    seen_by_first = _version_on_page(client.get(url))
    saved = client.post(url, _form_data(cohort, name="Cohort 4 (spring)", version=seen_by_first))
    assert saved.status_code == 302

    client.force_login(second)
    refused = client.post(url, _form_data(cohort, review_interval_weeks=8, version=seen_by_second))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Asha Patel" in page and "changed this while you were editing it" in page
    assert "What they changed" in page and "Now: Cohort 4 (spring)" in page
    assert 'value="8"' in page  # what the second person typed is kept
    cohort.refresh_from_db()
    assert (cohort.name, cohort.review_interval_weeks) == ("Cohort 4 (spring)", 12)

    # Saving again, having seen theirs, keeps what the second person typed.
    again = client.post(
        url,
        _form_data(
            cohort, name="Cohort 4", review_interval_weeks=8, version=_version_on_page(refused)
        ),
    )
    assert again.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.review_interval_weeks) == ("Cohort 4", 8)


def test_a_version_that_is_not_ours_is_refused_plainly(client):
    cohort = factories.CohortFactory()
    cohort.clinical_areas.add(factories.ClinicalAreaFactory())
    client.force_login(factories.LeadNurseFactory())
    url = reverse("cohorts:cohort_edit", args=[cohort.pk])
    for version in ("", "forged", version_of(factories.CohortFactory(), ["name"])):
        response = client.post(url, _form_data(cohort, name="Renamed", version=version))
        assert response.status_code == 200
        assert "This page was out of date" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.name != "Renamed"


def test_the_service_refuses_a_stale_version_from_any_caller():
    cohort = factories.CohortFactory(name="Before")
    lead = factories.LeadNurseFactory()
    version = version_of(cohort, services.COHORT_EDITED)
    services.cohort_update(actor=lead, cohort=cohort, name="First", version=version)
    with pytest.raises(StaleEdit) as refused:
        services.cohort_update(actor=lead, cohort=cohort, name="Second", version=version)
    assert [(c.label, c.now) for c in refused.value.changes] == [("Name", "First")]
    assert Cohort.objects.get(pk=cohort.pk).name == "First"


def test_cohort_changes_have_audit_history():
    cohort = factories.CohortFactory(name="Before")
    lead = factories.LeadNurseFactory()
    services.cohort_update(actor=lead, cohort=cohort, name="After")
    latest = cohort.history.order_by("-history_date").first()
    assert (latest.name, latest.history_user) == ("After", lead)
