"""The cohort list shows running and planned cohorts in full and finished ones a page at a time,
newest first, so years of finished cohorts do not make it slower (issue #18 point 6)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.views.cohorts import FINISHED_PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db
LIST = reverse("cohorts:cohort_list")


def finished(count, programme, framework, prefix="Old"):
    start = timezone.localdate() - datetime.timedelta(weeks=60)
    return [
        factories.CohortFactory(
            name=f"{prefix} {n:03}",
            status="finished",
            programme=programme,
            framework=framework,
            intake_date=start - datetime.timedelta(weeks=n),
        )
        for n in range(count)
    ]


@pytest.fixture
def setting(client):
    client.force_login(factories.LeadNurseFactory())
    running = factories.CohortFactory(name="Now running")
    return client, running.programme, running.framework


def queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, params or {}).status_code == 200
    return len(captured)


def test_finished_cohorts_come_a_page_at_a_time_newest_first(setting):
    client, programme, framework = setting
    finished(FINISHED_PAGE_SIZE + 3, programme, framework)
    page = client.get(LIST).content.decode()
    assert "Now running" in page and "Running (1)" in page
    assert f"Finished ({FINISHED_PAGE_SIZE + 3})" in page
    assert "Old 000" in page and f"Old {FINISHED_PAGE_SIZE - 1:03}" in page
    assert f"Old {FINISHED_PAGE_SIZE:03}" not in page
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "Now running" in second  # running cohorts are on every page
    assert f"Old {FINISHED_PAGE_SIZE:03}" in second and "Old 000" not in second


def test_the_list_costs_the_same_for_3_or_60_finished_cohorts(setting):
    client, programme, framework = setting
    client.get(LIST)  # the first page after signing in marks the session as in use
    finished(3, programme, framework)
    few = queries(client), queries(client, {"page": 2})
    finished(57, programme, framework, prefix="Older")
    assert (queries(client), queries(client, {"page": 2})) == few


@pytest.mark.parametrize(
    "make", [factories.TraineeFactory, factories.MentorFactory, factories.TutorFactory]
)
def test_people_without_the_list_are_still_refused(client, make):
    client.force_login(make())
    assert client.get(LIST, {"page": 2}).status_code == 403
