"""The lead nurse imports a French Moodle framework and an ESR staff extract through their
previews (issue #17): each page passes axe, and at 390 CSS px nothing scrolls sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def no_sideways_scroll(page, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} scrolls sideways at 390px ({width}px wide)"
    page.set_viewport_size({"width": 1280, "height": 900})


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
    no_sideways_scroll(page, "the framework import preview")
    page.get_by_role("button", name="Import framework").click()
    page.get_by_text('Imported "Soins de support" (version 1)').wait_for()
    visit("Imported Moodle framework")
    no_sideways_scroll(page, "the imported framework's page")

    page.goto(f"{live_server.url}/people/import-esr/")
    visit("ESR import")
    page.get_by_label("Staff extract from ESR").set_input_files(
        str(FIXTURES / "esr" / "staff-in-post.csv")
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="Check the staff extract before you import it").wait_for()
    visit("ESR import preview")
    no_sideways_scroll(page, "the ESR import preview")
    page.get_by_role("button", name="Import these people").click()
    page.get_by_text("Imported the staff extract: 3 new people").wait_for()
