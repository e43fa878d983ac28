"""Links to an apprentice's pages (terms and KSBs, hours, training plan, gateway) on the cohort
dashboard's rows and the trainee's overview ("My programme"): for the apprentice and the people
supporting them, each only where its page lets the viewer in; none for a non-apprentice; no
query per row."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pathway.models import Allocation
from tests import factories

pytestmark = pytest.mark.django_db


def _pages(terms) -> dict[str, str]:
    pk = terms.pk
    return {
        "apprentice": reverse("apprenticeships:apprentice", args=[pk]),
        "hours": reverse("apprenticeships:hours", args=[pk]),
        "plan": reverse("apprenticeships:apprentice_plan", args=[pk]),
        "gateway": reverse("apprenticeships:gateway_detail", args=[pk]),
    }


def _overview_links(client, enrolment) -> list[str]:
    response = client.get(reverse("cohorts:trainee_overview", args=[enrolment.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    lists = re.findall(r'data-testid="trainee-links">(.*?)</ul>', page, re.S)
    return re.findall(r'href="([^"]+)"', "".join(lists))


def _allocate(person, trainee, kind):
    factories.AllocationFactory(
        trainee=trainee, supporter=person, kind=kind, start_date=trainee_start(trainee)
    )


def trainee_start(trainee):
    return trainee.enrolments.order_by("pk").first().cohort.intake_date


def test_the_apprentice_finds_all_four_pages_from_my_programme(client):
    terms, *_ = factories.apprentice_on_standard()
    trainee = terms.enrolment.trainee
    client.force_login(trainee)
    response = client.get(reverse("cohorts:my_programme"), follow=True)
    assert response.status_code == 200
    links = _overview_links(client, terms.enrolment)
    assert links == list(_pages(terms).values())
    for url in links:
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("factory", "kind", "expected"),
    [
        (
            factories.ManagerFactory,
            Allocation.Kind.MANAGER,
            ["apprentice", "hours", "plan", "gateway"],
        ),
        (factories.TutorFactory, Allocation.Kind.TUTOR, ["apprentice", "hours", "plan", "gateway"]),
        # Hours are between the apprentice, employer and provider: not the mentor's page.
        (factories.MentorFactory, Allocation.Kind.MENTOR, ["apprentice", "plan", "gateway"]),
    ],
)
def test_supporters_see_the_links_their_pages_allow(client, factory, kind, expected):
    terms, *_ = factories.apprentice_on_standard()
    person = factory()
    _allocate(person, terms.enrolment.trainee, kind)
    client.force_login(person)
    pages = _pages(terms)
    links = _overview_links(client, terms.enrolment)
    assert links == [pages[name] for name in expected]
    for name, url in pages.items():
        status = client.get(url).status_code
        assert (status == 200) == (name in expected), (name, status)


def test_the_lead_nurse_sees_all_four(client):
    terms, *_ = factories.apprentice_on_standard()
    client.force_login(factories.LeadNurseFactory())
    assert _overview_links(client, terms.enrolment) == list(_pages(terms).values())


def test_no_apprenticeship_links_for_a_trainee_who_is_not_an_apprentice(client):
    enrolment = factories.enrol(factories.CohortFactory())
    client.force_login(factories.LeadNurseFactory())
    page = client.get(reverse("cohorts:trainee_overview", args=[enrolment.pk])).content.decode()
    assert 'data-testid="trainee-links"' not in page
    assert "/apprenticeships/apprentices/" not in page
    client.force_login(enrolment.trainee)
    assert _overview_links(client, enrolment) == []


def _row(page: str, enrolment) -> str:
    match = re.search(rf'data-enrolment="{enrolment.pk}">(.*?)</tr>', page, re.S)
    assert match, f"no row for enrolment {enrolment.pk}"
    return match.group(1)


def test_dashboard_rows_link_to_the_pages_the_viewer_may_open(client):
    terms, *_ = factories.apprentice_on_standard()
    cohort = terms.enrolment.cohort
    educator = factories.PracticeEducatorFactory()
    _allocate(educator, terms.enrolment.trainee, Allocation.Kind.PRACTICE_EDUCATOR)
    # Another apprentice in the cohort whom the educator does not support, and a trainee
    # with no apprenticeship terms.
    other = factories.enrol(cohort)
    from apprenticeships.models import Apprenticeship

    other_terms = Apprenticeship.objects.create(
        enrolment=other,
        practical_period_start=terms.practical_period_start,
        planned_end_date=terms.planned_end_date,
        planned_otj_hours=terms.planned_otj_hours,
    )
    plain = factories.enrol(cohort)
    url = reverse("cohorts:cohort_detail", args=[cohort.pk])

    client.force_login(factories.LeadNurseFactory())
    page = client.get(url).content.decode()
    for t in (terms, other_terms):
        row = _row(page, t.enrolment)
        assert 'data-testid="row-links"' in row
        assert all(f'href="{u}"' in row for u in _pages(t).values())
    assert 'data-testid="row-links"' not in _row(page, plain)

    client.force_login(educator)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    row = _row(page, terms.enrolment)
    assert all(f'href="{u}"' in row for u in _pages(terms).values())
    # Refused by the apprentice's pages: no links.
    assert 'data-testid="row-links"' not in _row(page, other)
    assert client.get(_pages(other_terms)["apprentice"]).status_code in (403, 404)


def test_the_dashboard_and_overview_ask_no_query_per_apprentice(
    client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    terms, *_ = factories.apprentice_on_standard()
    cohort = terms.enrolment.cohort
    educator = factories.PracticeEducatorFactory()
    _allocate(educator, terms.enrolment.trainee, Allocation.Kind.PRACTICE_EDUCATOR)
    client.force_login(educator)
    url = reverse("cohorts:cohort_detail", args=[cohort.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    from apprenticeships.models import Apprenticeship

    for _ in range(3):
        enrolment = factories.enrol(cohort)
        _allocate(educator, enrolment.trainee, Allocation.Kind.PRACTICE_EDUCATOR)
        Apprenticeship.objects.create(
            enrolment=enrolment,
            practical_period_start=terms.practical_period_start,
            planned_end_date=terms.planned_end_date,
            planned_otj_hours=terms.planned_otj_hours,
        )
    page = client.get(url).content.decode()
    assert page.count('data-testid="row-links"') == 4
    assert count() == one
