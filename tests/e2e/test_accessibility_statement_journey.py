"""Someone who is not signed in finds the accessibility statement from the sign-in page's
footer; the statement itself passes axe at desktop width and at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_statement_is_one_click_from_the_sign_in_page(page, live_server, visit):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement for Pathway")
    expect(page.get_by_test_id("compliance-status")).to_contain_text("version 2.2")
    expect(page.get_by_test_id("last-tested")).to_contain_text("Pathway was last tested on")
    visit("accessibility-statement")
