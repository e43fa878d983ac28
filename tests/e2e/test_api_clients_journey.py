"""The administrator adds an API client for rostering, copies its token (shown once), and the
token reads the register; then she revokes it and the token is refused. Each page is checked
with axe at desktop width and at 390 px, where nothing may stick out sideways. The API's
documentation page runs under Pathway's own Content Security Policy (not bypassed)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def both_widths(page, visit, name):
    visit(name)
    page.set_viewport_size(PHONE)
    visit(f"{name}-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    page.set_viewport_size(DESKTOP)


def test_an_administrator_adds_and_revokes_an_api_client(
    page, live_server, sign_in, visit, open_from_header
):
    admin = factories.AdministratorFactory(full_name="Adam Admin", email="adam@trust.nhs.uk")
    sign_in(admin.email, factories.PASSWORD)
    open_from_header("API clients")
    expect(page.get_by_role("heading", name="API clients")).to_be_visible()
    both_widths(page, visit, "api-clients-empty")

    page.get_by_role("button", name="Add an API client").click()
    both_widths(page, visit, "api-client-add")
    page.get_by_role("button", name="Create client").click()  # nothing filled in
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    both_widths(page, visit, "api-client-add-errors")
    page.get_by_label("Name").fill("Rostering (HealthRoster)")
    page.get_by_label("Rostering").check()
    page.get_by_label("Read the current-competence register").check()
    expires = datetime.date.today() + datetime.timedelta(days=100)
    page.get_by_label("Day").fill(str(expires.day))
    page.get_by_label("Month").fill(str(expires.month))
    page.get_by_label("Year").fill(str(expires.year))
    page.get_by_role("button", name="Create client").click()

    expect(
        page.get_by_role("heading", name="Rostering (HealthRoster) can now use the API")
    ).to_be_visible()
    token = page.locator("#token").inner_text().strip()
    assert token.startswith("pw_")
    both_widths(page, visit, "api-client-token")

    api = Client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/register", headers=headers).status_code == 200

    page.get_by_role("link", name="See the client").click()
    expect(page.get_by_text("Read the current-competence register")).to_be_visible()
    assert token not in page.content()
    both_widths(page, visit, "api-client-detail")
    page.get_by_role("button", name="Revoke token").click()
    both_widths(page, visit, "api-client-revoke")
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_text("can no longer use the API")).to_be_visible()
    assert api.get("/api/v1/register", headers=headers).status_code == 401


def test_the_api_documentation_runs_under_the_csp(browser, live_server):
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text and "script" in message.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_text("Pathway integration API").first).to_be_visible(timeout=15000)
    expect(page.get_by_text("/api/v1/module-results").first).to_be_visible()
    assert refused == []
    context.close()
