"""The hazard-log pages (issue 20, part 2): the lead nurse and the administrator read the same
content as docs/clinical-safety/hazard-log.toml, read-only; everyone else is refused."""

from __future__ import annotations

import html as html_lib

import pytest
from django.urls import reverse

from governance import hazard_log
from pathway.navigation import items_for
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("governance:hazard_log")


def detail(hazard_id: str) -> str:
    return reverse("governance:hazard_detail", args=[hazard_id])


def _page(client, person, url):
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


def test_the_list_shows_every_hazard_of_the_file_with_worded_tags(client):
    log = hazard_log.load()
    html = _page(client, factories.LeadNurseFactory(), LIST)
    assert "<caption" in html and "Hazards, with their risk before and after the controls" in html
    for hazard in log.hazards:
        row = html.split(f'data-testid="hazard-{hazard.id}"')[1].split("</tr>")[0]
        assert f'href="{detail(hazard.id)}"' in row
        assert f"{hazard.id}: {hazard.title}" in row
        before = f"Rating {hazard.initial.rating.level}: {hazard.initial.rating.name}"
        after = f"Rating {hazard.residual.rating.level}: {hazard.residual.rating.name}"
        assert before in row and after in row
        assert hazard.status_label in row
    # The matrix, each cell a tag with its words, and what the levels mean.
    matrix = html.split('data-testid="matrix"')[1].split("</table>")[0]
    assert "5: Very high" in matrix and "5: Catastrophic" in matrix
    assert 'nhsuk-tag nhsuk-tag--red">5: Unacceptable</strong>' in matrix
    assert "Negligible or nearly negligible possibility of happening." in html


def test_a_hazard_page_shows_its_causes_risks_controls_and_tests(client):
    hazard = hazard_log.load().hazard("H-008")
    html = _page(client, factories.AdministratorFactory(), detail("H-008"))
    assert hazard.title in html
    for cause in hazard.causes:
        assert cause in html
    initial = html.split('data-testid="initial"')[1].split("</dd>")[0]
    residual = html.split('data-testid="residual"')[1].split("</dd>")[0]
    assert "4: Major" in initial and "Rating 3" not in initial and "3: Undesirable" in initial
    assert "2: Low" in residual and "3: Undesirable" in residual
    assert "Transferred to deployment" in html and hazard.note in html
    actions = html.split('data-testid="deployment-actions"')[1].split("</ul>")[0]
    assert all(action in actions for action in hazard.deployment_actions)
    for number, control in enumerate(hazard.controls, start=1):
        card = html.split(f'data-testid="control-{number}"')[1].split('class="nhsuk-card"')[0]
        assert control.description in card and control.where in card
        for test in control.tests:
            assert f'<code class="app-token">{test}</code>' in card


def test_an_unknown_hazard_is_not_found(client):
    client.force_login(factories.LeadNurseFactory())
    assert client.get(detail("H-999")).status_code == 404
    assert client.get(detail("not-a-hazard")).status_code == 404


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
def test_other_roles_are_refused(client, make):
    client.force_login(make())
    for url in (LIST, detail("H-001")):
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    for url in (LIST, detail("H-001")):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_pages_are_read_only(client):
    client.force_login(factories.LeadNurseFactory())
    for url in (LIST, detail("H-001")):
        assert client.post(url).status_code == 405


def test_the_lead_nurse_and_administrator_find_it_under_governance_with_its_purpose(client):
    """The header has one Governance entry; its page lists the hazard log with its purpose."""
    for person in (factories.LeadNurseFactory(), factories.AdministratorFactory()):
        item = next(i for i in items_for(person) if i["label"] == "Governance")
        assert item["href"] == reverse("governance:index")
        assert "clinical safety hazard log" in item["purpose"]
        client.force_login(person)
        page = client.get(item["href"]).content.decode()
        areas = page.split('data-testid="governance-areas"', 1)[1].split("</ul>", 1)[0]
        assert f'href="{LIST}">Clinical safety hazard log</a>' in areas
        assert "tested controls against each hazard" in areas
    for person in (factories.TraineeFactory(), factories.MentorFactory()):
        assert "Governance" not in [i["label"] for i in items_for(person)]
