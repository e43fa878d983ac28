"""The lead nurse opens the clinical safety hazard log from the header menu, reads the summary
table and the risk matrix, and opens a hazard to read its controls and the tests that prove
them; the administrator reads it too. Every page is checked with axe-core at desktop width and
at 390 px, and screenshotted under var/screenshots/hazard-log-*.png."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lead_nurse_and_administrator_read_the_hazard_log(
    page, live_server, sign_in, sign_out, visit, open_from_header, password, open_governance
):
    lead = factories.LeadNurseFactory(full_name="Joanne Whitaker")
    admin = factories.AdministratorFactory(full_name="Alex Admin")

    sign_in(lead.email, password)
    open_governance("Clinical safety hazard log")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinical safety hazard log")
    table = page.get_by_role("table", name="Hazards, with their risk before and after the controls")
    expect(table.get_by_role("row")).to_have_count(14)  # the header and 13 hazards
    visit("hazard-log-list")

    page.get_by_role(
        "link", name="H-003: A delegation view shows a task the role design excluded"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("task the role design excluded")
    expect(
        page.get_by_text("test_a_held_competency_whose_task_is_rejudged_not_suitable")
    ).to_be_visible()
    visit("hazard-log-detail")
    page.get_by_role("link", name="Back to the hazard log").click()
    expect(page).to_have_url(f"{live_server.url}/governance/hazard-log/")
    sign_out()

    sign_in(admin.email, password)
    page.goto(f"{live_server.url}/governance/hazard-log/H-009/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("shared ward computer")
    expect(page.get_by_text("For the trust deploying Pathway")).to_be_visible()
    visit("hazard-log-detail-transferred")
