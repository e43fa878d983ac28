"""The lead nurse imports a French Moodle framework and an ESR staff extract through their
previews (issue #17): each page passes axe at desktop and at 390 CSS px, where nothing may
scroll sideways (`visit`, tests/e2e/conftest.py, measures once the page has settled at that
width: straight after a resize the browser may still report the wider layout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_moodle_and_esr_imports_through_their_previews(page, live_server, sign_in, visit):
    lead = factories.LeadNurseFactory(full_name="Joanne Whitaker")
    factories.ClinicalAreaFactory(code="critical-care", name="Critical care")
    sign_in(lead.email, factories.PASSWORD)

    page.goto(f"{live_server.url}/frameworks/import/")
    page.get_by_label("Framework file").set_input_files(
        str(FIXTURES / "moodle" / "french-soins-4-valeurs.csv")
    )
    page.get_by_label("Moodle competency framework CSV").check()
    page.get_by_role("button", name="Import framework").click()
    page.get_by_role("heading", name="Check the framework before you import it").wait_for()
    visit("Framework import preview")
    page.get_by_role("button", name="Import framework").click()
    page.get_by_text('Imported "Soins de support" (version 1)').wait_for()
    visit("Imported Moodle framework")

    page.goto(f"{live_server.url}/people/import-esr/")
    visit("ESR import")
    page.get_by_label("Staff extract from ESR").set_input_files(
        str(FIXTURES / "esr" / "staff-in-post.csv")
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="Check the staff extract before you import it").wait_for()
    visit("ESR import preview")
    page.get_by_role("button", name="Import these people").click()
    page.get_by_text("Imported the staff extract: 3 new people").wait_for()
