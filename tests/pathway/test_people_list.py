"""The lead nurse's people list is searched and shown a page at a time, so it costs the same
with 20,000 people as with 20 (issue #18 point 6)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathway.paging import PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db
PEOPLE = reverse("pathway:people")


@pytest.fixture
def lead_client(client):
    client.force_login(factories.LeadNurseFactory(full_name="Lena Lead"))
    return client


def names_on(response) -> list[str]:
    content = response.content.decode()
    # Links to a person's page (/people/<pk>/), not to the list's other pages (the ESR import).
    return [
        row.split(">", 1)[1].split("<", 1)[0]
        for row in content.split('<a href="/people/')[1:]
        if row.split('"', 1)[0].rstrip("/").isdigit()
    ]


def queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PEOPLE, params).status_code == 200
    return len(captured)


def test_the_list_shows_one_page_and_links_to_the_next(lead_client):
    factories.TraineeFactory.create_batch(PAGE_SIZE + 5)
    first = lead_client.get(PEOPLE)
    assert len(names_on(first)) == PAGE_SIZE
    page = first.content.decode()
    assert f"Everyone with a Pathway account ({PAGE_SIZE + 6})" in page
    assert 'href="?page=2"' in page and 'rel="next"' in page
    second = lead_client.get(PEOPLE, {"page": 2})
    assert len(names_on(second)) == 6
    assert not set(names_on(first)) & set(names_on(second))
    # A page past the end, or not a number, shows the nearest page rather than an error.
    assert names_on(lead_client.get(PEOPLE, {"page": 99})) == names_on(second)
    assert names_on(lead_client.get(PEOPLE, {"page": "x"})) == names_on(first)


def test_search_by_name_email_or_employee_number_each_word(lead_client):
    factories.TraineeFactory(full_name="Tess Trainee", employee_number="E12345")
    factories.TraineeFactory(full_name="Tess Other")
    assert names_on(lead_client.get(PEOPLE, {"q": "tess  trainee"})) == ["Tess Trainee"]
    assert names_on(lead_client.get(PEOPLE, {"q": "e12345"})) == ["Tess Trainee"]
    assert len(names_on(lead_client.get(PEOPLE, {"q": "Tess"}))) == 2
    page = lead_client.get(PEOPLE, {"q": "Nobody"}).content.decode()
    assert "No one's name, email address or employee number contains “Nobody”." in page
    assert 'value="Nobody"' in page and "Clear search" in page


def test_page_links_keep_the_search(lead_client):
    factories.TraineeFactory.create_batch(PAGE_SIZE + 1, full_name="Sam Same")
    page = lead_client.get(PEOPLE, {"q": "sam"}).content.decode()
    assert 'href="?q=sam&amp;page=2"' in page


def test_the_list_costs_the_same_for_3_or_120_people(lead_client):
    lead_client.get(PEOPLE)  # the first page after signing in marks the session as in use
    factories.TraineeFactory.create_batch(3)
    few = queries(lead_client, {}), queries(lead_client, {"q": "person"})
    factories.MentorFactory.create_batch(117)
    assert (queries(lead_client, {}), queries(lead_client, {"q": "person"})) == few


@pytest.mark.parametrize(
    "make",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.PracticeEducatorFactory,
        factories.ManagerFactory,
    ],
)
def test_only_those_who_manage_people_see_it(client, make):
    client.force_login(make())
    assert client.get(PEOPLE, {"q": "a"}).status_code == 403
