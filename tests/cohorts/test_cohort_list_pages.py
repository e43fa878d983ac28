"""The cohort list is one list a page at a time: running cohorts, then planned, then finished,
each the latest intake first, so neither the cohorts running at once nor years of finished ones
make a page slower (issue #18 points 5 and 6)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.views.cohorts import PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db
LIST = reverse("cohorts:cohort_list")
TODAY = timezone.localdate


def cohorts(count, programme, framework, *, status, prefix, weeks_ago):
    """`count` cohorts of a status, named in order of intake, the latest first."""
    start = TODAY() - datetime.timedelta(weeks=weeks_ago)
    return [
        factories.CohortFactory(
            name=f"{prefix} {n:03}",
            status=status,
            programme=programme,
            framework=framework,
            intake_date=start - datetime.timedelta(weeks=n),
            planned_end_date=start + datetime.timedelta(weeks=52),
        )
        for n in range(count)
    ]


@pytest.fixture
def setting(client):
    client.force_login(factories.LeadNurseFactory())
    first = factories.CohortFactory(name="Now running", intake_date=TODAY())
    return client, first.programme, first.framework


def queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, params or {}).status_code == 200
    return len(captured)


def names(page: str) -> list[str]:
    return re.findall(r'cohorts/\d+/">([^<]+)</a>', page)


def captions(page: str) -> list[str]:
    return re.findall(r'class="nhsuk-table__caption">([^<]+)</caption>', page)


def test_running_then_planned_then_finished_a_page_at_a_time(setting):
    client, programme, framework = setting
    cohorts(PAGE_SIZE + 2, programme, framework, status="running", prefix="Running", weeks_ago=1)
    cohorts(2, programme, framework, status="planned", prefix="Planned", weeks_ago=-20)
    cohorts(3, programme, framework, status="finished", prefix="Old", weeks_ago=80)
    first = client.get(LIST).content.decode()
    assert names(first) == ["Now running"] + [f"Running {n:03}" for n in range(PAGE_SIZE - 1)]
    assert captions(first) == [f"Running ({PAGE_SIZE + 3})"]
    assert f"Showing cohorts 1 to {PAGE_SIZE} of {PAGE_SIZE + 8}" in first
    assert 'href="?page=2"' in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert names(second) == [
        *(f"Running {n:03}" for n in range(PAGE_SIZE - 1, PAGE_SIZE + 2)),
        "Planned 000",
        "Planned 001",
        "Old 000",
        "Old 001",
        "Old 002",
    ]
    assert captions(second) == [f"Running ({PAGE_SIZE + 3})", "Planned (2)", "Finished (3)"]


def test_the_page_is_in_order_of_status_then_latest_intake(setting):
    client, programme, framework = setting
    cohorts(2, programme, framework, status="finished", prefix="Old", weeks_ago=80)
    cohorts(2, programme, framework, status="planned", prefix="Planned", weeks_ago=-20)
    cohorts(2, programme, framework, status="running", prefix="Older running", weeks_ago=30)
    page = client.get(LIST).content.decode()
    assert names(page) == [
        "Now running",
        "Older running 000",
        "Older running 001",
        "Planned 000",
        "Planned 001",
        "Old 000",
        "Old 001",
    ]
    assert captions(page) == ["Running (3)", "Planned (2)", "Finished (2)"]
    assert "Showing cohorts" not in page and 'href="?page=2"' not in page


def test_the_list_costs_the_same_for_few_or_many_running_and_finished(setting):
    client, programme, framework = setting
    client.get(LIST)  # the first page after signing in marks the session as in use
    cohorts(3, programme, framework, status="finished", prefix="Old", weeks_ago=80)
    few = queries(client), queries(client, {"page": 2})
    cohorts(40, programme, framework, status="running", prefix="Also running", weeks_ago=2)
    cohorts(57, programme, framework, status="finished", prefix="Older", weeks_ago=200)
    assert (queries(client), queries(client, {"page": 2})) == few
    assert few[0] <= 6  # session, person, roles; counts by status, the page, programmes


def test_each_cohort_shown_counts_its_trainees(setting):
    client, programme, framework = setting
    running = factories.CohortFactory(
        name="Counted", programme=programme, framework=framework, intake_date=TODAY()
    )
    for _ in range(3):
        factories.enrol(running)
    page = client.get(LIST).content.decode()
    row = page.split(">Counted</a>")[1].split("</tr>")[0]
    assert re.findall(r'nhsuk-table__cell--numeric">(\d+)<', row) == ["3"]


@pytest.mark.parametrize(
    "make", [factories.TraineeFactory, factories.MentorFactory, factories.TutorFactory]
)
def test_people_without_the_list_are_still_refused(client, make):
    client.force_login(make())
    assert client.get(LIST, {"page": 2}).status_code == 403
