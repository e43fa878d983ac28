"""Two lead nurses editing one training day: the second save is refused with the first one's
change shown, what the second typed is kept, and saving again is a deliberate overwrite (issue
14, point 9; pathway/concurrency.py, as for the cohort)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import TrainingDay
from cohorts.services import training as services
from pathway.concurrency import StaleEdit, version_of
from tests import factories

pytestmark = pytest.mark.django_db


def _day():
    cohort = factories.CohortFactory()
    return services.training_day_create(
        actor=None,
        cohort=cohort,
        date=timezone.localdate() + datetime.timedelta(days=7),
        topic="NEWS2",
        location="Skills lab",
    )


def _form_data(day, **changes) -> dict:
    data = {**factories.date_fields("date", day.date), "topic": day.topic, "location": day.location}
    data.update(changes)
    return data


def _version_on_page(response) -> str:
    return re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)


def test_the_second_of_two_edits_is_refused_with_the_first_shown_and_nothing_lost(client):
    day = _day()
    first, second = factories.LeadNurseFactory(), factories.LeadNurseFactory()
    url = reverse("cohorts:training_day_edit", args=[day.pk])

    client.force_login(second)
    seen_by_second = _version_on_page(client.get(url))
    client.force_login(first)
    saved = client.post(
        url, _form_data(day, topic="Sepsis", version=_version_on_page(client.get(url)))
    )
    assert saved.status_code == 302

    client.force_login(second)
    refused = client.post(url, _form_data(day, location="Ward 7", version=seen_by_second))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "changed this while you were editing it" in page
    assert "What they changed" in page and "Now: Sepsis" in page
    assert 'value="Ward 7"' in page  # what the second person typed is kept
    day.refresh_from_db()
    assert (day.topic, day.location) == ("Sepsis", "Skills lab")

    again = client.post(
        url, _form_data(day, topic="NEWS2", location="Ward 7", version=_version_on_page(refused))
    )
    assert again.status_code == 302
    day.refresh_from_db()
    assert (day.topic, day.location) == ("NEWS2", "Ward 7")


def test_a_version_that_is_not_ours_is_refused_plainly(client):
    day = _day()
    client.force_login(factories.LeadNurseFactory())
    url = reverse("cohorts:training_day_edit", args=[day.pk])
    for version in ("", "forged", version_of(_day(), services.TRAINING_DAY_EDITED)):
        response = client.post(url, _form_data(day, topic="Renamed", version=version))
        assert response.status_code == 200
        assert "This page was out of date" in response.content.decode()
    assert TrainingDay.objects.get(pk=day.pk).topic == "NEWS2"


def test_the_service_refuses_a_stale_version_from_any_caller():
    day = _day()
    lead = factories.LeadNurseFactory()
    version = version_of(day, services.TRAINING_DAY_EDITED)
    services.training_day_update(actor=lead, training_day=day, topic="First", version=version)
    with pytest.raises(StaleEdit) as refused:
        services.training_day_update(actor=lead, training_day=day, topic="Second", version=version)
    assert [(c.label, c.now) for c in refused.value.changes] == [("Topic", "First")]
    assert TrainingDay.objects.get(pk=day.pk).topic == "First"
