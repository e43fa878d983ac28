"""The apprenticeship plan and gateway, in the browser: the tutor writes the training plan and
the three parties (the tutor for the university, the apprentice, the line manager for the
trust) sign it; the tutor evidences every gateway item; the three sign the gateway declaration;
the tutor downloads the portfolio for the assessment organisation; the lead nurse reads the
cohort's apprentices and gives an inspector read-only access. Every page is checked with
axe-core at desktop and 390 px (`visit`)."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from apprenticeships.models import GatewaySignature, InspectionGrant, TrainingPlanSignature
from apprenticeships.services import inspection as inspection_services
from tests import factories
from tests.apprenticeships.plan_world import PlanWorld

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = [
    ("Care Certificate", "CC-2025-001"),
    ("Level 2 English", "GCSE English grade 5"),
    ("Level 2 maths", "Functional skills maths FS-1"),
    ("Level 5 qualification or credits", "Transcript: 120 credits at level 5"),
    ("Portfolio of evidence complete", "Portfolio checked by the tutor"),
    ("Off-the-job training hours minimum met", "Hours record, 412 hours"),
]


def _fill_date(page, label, day):
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _sign_plan(page, live_server, world, name, visit=None):
    page.goto(f"{live_server.url}/apprenticeships/apprentices/{world.apprenticeship.pk}/plan/")
    page.get_by_test_id("plan-sign").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign the training plan")
    if visit:
        visit(name)
    page.get_by_role("button", name="Sign the training plan").click()
    expect(page.get_by_text("You signed version 1 of the training plan")).to_be_visible()


def _declare(page, live_server, world):
    page.goto(f"{live_server.url}/apprenticeships/apprentices/{world.apprenticeship.pk}/gateway/")
    page.get_by_test_id("gateway-sign").click()
    page.get_by_role("button", name="Sign the gateway declaration").click()
    expect(page.get_by_text("You signed the gateway declaration")).to_be_visible()


def test_apprenticeship_gateway_journey(page, live_server, sign_in, sign_out, visit):
    world = PlanWorld()
    plan_page = f"{live_server.url}/apprenticeships/apprentices/{world.apprenticeship.pk}/plan/"

    # 1. The tutor writes the plan: first forgetting the employer's part.
    sign_in(world.tutor.email, factories.PASSWORD)
    page.goto(plan_page)
    visit("apprenticeship-plan-empty")
    page.get_by_test_id("plan-new-version").click()
    page.get_by_label("Planned off-the-job training hours").fill("400")
    page.get_by_label(re.compile("^The training provider's responsibilities")).fill(
        factories.PLAN_TEXT["provider_responsibilities"]
    )
    page.get_by_label(re.compile("^The apprentice's responsibilities")).fill(
        factories.PLAN_TEXT["apprentice_responsibilities"]
    )
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the responsibilities")
    visit("apprenticeship-plan-form-errors")
    page.get_by_label(re.compile("^The employer's responsibilities")).fill(
        factories.PLAN_TEXT["employer_responsibilities"]
    )
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_test_id("plan-status")).to_contain_text("waiting for")

    # 2. The three parties sign.
    _sign_plan(page, live_server, world, "apprenticeship-plan-sign", visit)
    sign_out()
    sign_in(world.trainee.email, factories.PASSWORD)
    _sign_plan(page, live_server, world, "")
    sign_out()
    sign_in(world.manager.email, factories.PASSWORD)
    _sign_plan(page, live_server, world, "")
    expect(page.get_by_test_id("plan-status")).to_have_text("Version 1 signed by all three parties")
    visit("apprenticeship-plan-signed")
    assert TrainingPlanSignature.objects.count() == 3
    sign_out()

    # 3. The tutor evidences every gateway item.
    sign_in(world.tutor.email, factories.PASSWORD)
    page.goto(plan_page)
    page.get_by_role("link", name="End-point assessment gateway").click()
    visit("apprenticeship-gateway-empty")
    for index, (label, reference) in enumerate(ITEMS):
        page.get_by_role("link", name=label).click()
        if index == 0:
            page.get_by_role("button", name="Save evidence").click()
            expect(page.get_by_role("alert")).to_contain_text("Enter a reference or choose a file")
            visit("apprenticeship-gateway-evidence-errors")
        page.get_by_label("Reference").fill(reference)
        page.get_by_role("button", name="Save evidence").click()
        expect(page.get_by_text(f"Evidence saved for {label}")).to_be_visible()
    visit("apprenticeship-gateway-evidenced")

    # 4. The declaration, signed by all three.
    page.get_by_test_id("gateway-sign").click()
    visit("apprenticeship-gateway-declaration")
    page.get_by_role("button", name="Sign the gateway declaration").click()
    sign_out()
    for person in (world.trainee, world.manager):
        sign_in(person.email, factories.PASSWORD)
        _declare(page, live_server, world)
        sign_out()
    assert GatewaySignature.objects.count() == 3

    # 5. The tutor downloads the portfolio for the end-point assessment organisation.
    sign_in(world.tutor.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/apprenticeships/apprentices/{world.apprenticeship.pk}/gateway/")
    expect(page.get_by_test_id("gateway-status")).to_contain_text("Declaration signed by all three")
    with page.expect_download() as download:
        page.get_by_test_id("portfolio-export").click()
    assert download.value.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    data = json.loads(archive.read("portfolio.json"))
    assert data["entries"][0]["record_hash"] == world.assessment.record_hash
    assert all(s["signed_by"] for s in data["gateway"]["declaration"])
    sign_out()

    # 6. The lead nurse reads the cohort's apprentices and gives an inspector access.
    sign_in(world.lead.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/apprenticeships/plans/")
    visit("apprenticeship-cohorts")
    page.get_by_role("link", name="ST0215 intake").click()
    expect(page.get_by_test_id("apprentice-row")).to_contain_text("Declaration signed")
    visit("apprenticeship-cohort-apprentices")
    page.goto(f"{live_server.url}/apprenticeships/inspection/access/new/")
    page.get_by_label("Full name (for a new account)").fill("Ines Inspector")
    page.get_by_label("Email address (for a new account)").fill("ines@example.org")
    page.get_by_label("ST0215 intake").check()
    _fill_date(page, "Access ends at the end of", world.today)
    page.get_by_label("Who they are and why they need access").fill("Ofsted monitoring visit")
    visit("apprenticeship-inspection-grant-form")
    page.get_by_role("button", name="Give access").click()
    expect(page.get_by_text("Ines Inspector has read-only access")).to_be_visible()
    visit("apprenticeship-inspection-grants")
    assert InspectionGrant.objects.get().inspector.email == "ines@example.org"

    # 7. The lead nurse ends that access early; a quality assurer with an account and access
    # of their own reads the cohort and an apprentice's gateway, with nothing to change.
    page.get_by_role("link", name="End access for Ines Inspector").click()
    visit("apprenticeship-inspection-end")
    page.get_by_role("button", name="End access now").click()
    expect(page.get_by_text("Ines Inspector's access has ended")).to_be_visible()
    assert not InspectionGrant.objects.get().is_active()
    sign_out()
    assessor = factories.UserFactory(full_name="Quinn Quality")
    inspection_services.inspection_grant_create(
        actor=world.lead,
        inspector=assessor,
        cohorts=[world.cohort],
        expires_on=world.today,
        purpose="University quality assurer",
    )
    sign_in(assessor.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/apprenticeships/inspection/")
    visit("apprenticeship-inspection-home")
    page.get_by_role("link", name="ST0215 intake").click()
    page.get_by_role("link", name="Amy Apprentice").click()
    expect(page.get_by_test_id("plan-status")).to_contain_text("signed by all three")
    expect(page.get_by_test_id("plan-new-version")).to_have_count(0)
    visit("apprenticeship-plan-as-inspector")
