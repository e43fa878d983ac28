"""Counts are right for every role, and no page links to what its viewer cannot open (issue 14,
point 12).

A practice educator supporting six trainees of a cohort of sixteen saw "Trainees 96" on her
cohort list (the cohorts were chosen through a join on the enrolments that the count ran over
again), and her cohort dashboard linked every trainee's overview, ten of which she was then
refused.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from cohorts.selectors import cohorts as cohort_selectors
from cohorts.selectors import dashboards
from pathway.models import Allocation
from support import selectors as support_selectors
from tests import factories

pytestmark = pytest.mark.django_db

COHORT_SIZE = 16
HERS = 6
OVERVIEW_LINK = re.compile(r'href="(/enrolments/(\d+)/overview/)"')


class World:
    def __init__(self):
        self.lead = factories.LeadNurseFactory()
        self.educator = factories.PracticeEducatorFactory(full_name="Eve Educator")
        self.other_educator = factories.PracticeEducatorFactory()
        self.mentor = factories.MentorFactory()
        self.cohort = factories.CohortFactory(name="Cohort 16")
        self.cohort.clinical_areas.add(factories.ClinicalAreaFactory())
        self.enrolments = []
        for number in range(COHORT_SIZE):
            educator = self.educator if number < HERS else self.other_educator
            mentor = self.mentor if number < 4 else None
            self.enrolments.append(factories.enrol(self.cohort, educator=educator, mentor=mentor))
        # Her first trainee has a second practice educator too: still one trainee.
        factories.AllocationFactory(
            trainee=self.enrolments[0].trainee,
            supporter=self.other_educator,
            kind=Allocation.Kind.PRACTICE_EDUCATOR,
            start_date=self.cohort.intake_date,
        )
        self.hers = {e.pk for e in self.enrolments[:HERS]}


@pytest.fixture
def world():
    return World()


def _trainee_cell(page: str, cohort) -> str:
    row = re.search(
        rf'cohorts/{cohort.pk}/">{re.escape(cohort.name)}</a></td>(.*?)</tr>', page, re.S
    ).group(1)
    return re.findall(r'nhsuk-table__cell--numeric">(\d+)<', row)[0]


# Counts, one role at a time -----------------------------------------------------------------


def test_the_lead_nurse_cohort_list_counts_each_trainee_once(client, world):
    (cohort,) = cohort_selectors.cohorts_for(world.lead)
    assert cohort.current_count == COHORT_SIZE
    client.force_login(world.lead)
    page = client.get(reverse("cohorts:cohort_list")).content.decode()
    assert _trainee_cell(page, world.cohort) == str(COHORT_SIZE)


def test_the_practice_educator_cohort_list_counts_each_trainee_once(client, world):
    (cohort,) = cohort_selectors.cohorts_for(world.educator)
    assert (cohort.current_count, cohort.total_count) == (COHORT_SIZE, COHORT_SIZE)
    client.force_login(world.educator)
    page = client.get(reverse("cohorts:cohort_list")).content.decode()
    assert _trainee_cell(page, world.cohort) == str(COHORT_SIZE)  # was 96


def test_the_other_educator_counts_the_same(world):
    (cohort,) = cohort_selectors.cohorts_for(world.other_educator)
    assert cohort.current_count == COHORT_SIZE


def test_the_cohort_dashboard_counts_the_same_for_the_lead_nurse_and_the_educator(client, world):
    for viewer in (world.lead, world.educator):
        client.force_login(viewer)
        page = client.get(reverse("cohorts:cohort_detail", args=[world.cohort.pk]))
        assert page.status_code == 200
        assert f"Trainees ({COHORT_SIZE})" in page.content.decode()


def test_the_programme_overview_counts_each_trainee_once(world):
    overview = dashboards.programme_overview()
    (item,) = [item for item in overview.running if item.cohort.pk == world.cohort.pk]
    assert item.size == COHORT_SIZE


def test_the_lead_nurse_educator_list_counts_each_educator_trainees_once(world):
    rows = {row.educator.pk: row.trainees for row in support_selectors.educator_list()}
    assert rows[world.educator.pk] == HERS
    assert rows[world.other_educator.pk] == COHORT_SIZE - HERS + 1


def test_the_educator_caseload_has_her_trainees_once(world):
    caseload = support_selectors.educator_caseload(world.educator)
    assert sorted(r.enrolment_pk for r in caseload.trainee_rows) == sorted(world.hers)


def test_the_mentor_workload_counts_each_mentor_trainees_once(world):
    workload = support_selectors.mentor_workload()
    (row,) = [row for row in workload.rows if row.mentor.pk == world.mentor.pk]
    assert row.trainees == 4


# Links: every one opens for the person it is shown to ---------------------------------------


def _overview_links(page: str) -> dict[int, str]:
    return {int(pk): href for href, pk in OVERVIEW_LINK.findall(page)}


@pytest.mark.parametrize("page_name", ["cohorts:cohort_detail", "cohorts:cohort_grid"])
def test_every_trainee_link_on_the_educator_pages_opens_for_her(client, world, page_name):
    client.force_login(world.educator)
    page = client.get(reverse(page_name, args=[world.cohort.pk])).content.decode()
    links = _overview_links(page)
    assert set(links) == world.hers  # her trainees are links; the others are names only
    for href in links.values():
        assert client.get(href).status_code == 200, href
    others = [e for e in world.enrolments if e.pk not in world.hers]
    assert all(escape(e.trainee.full_name) in page for e in others)  # still listed, not linked


@pytest.mark.parametrize("page_name", ["cohorts:cohort_detail", "cohorts:cohort_grid"])
def test_the_lead_nurse_sees_every_trainee_linked(client, world, page_name):
    client.force_login(world.lead)
    page = client.get(reverse(page_name, args=[world.cohort.pk])).content.decode()
    assert set(_overview_links(page)) == {e.pk for e in world.enrolments}
