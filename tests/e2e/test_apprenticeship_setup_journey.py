"""Setting up the apprenticeship route in a real browser (issue #19, parts 1, 2 and 4). The lead
nurse adds the ST0215 standard, imports its KSBs from a CSV file, links a draft framework to it
and maps a competency to KSBs in the framework editor, reads the coverage, makes the programme
an apprenticeship, records an apprentice's terms, and does the apprentice's skills scan, which
takes accepted prior learning off the planned off-the-job hours. Every page is checked with
axe-core at desktop width and at 390 px (visit())."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apprenticeships.models import Apprenticeship
from competencies.models import Ksb
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

KSB_CSV = (
    "Code,Kind,Text\n"
    "K1,Knowledge,How the main body systems work and how illness changes them\n"
    "S1,Skill,Observe and record a person's condition and escalate changes\n"
    "B1,Behaviour,Treat people with dignity and respect\n"
)


@pytest.fixture
def world():
    lead = factories.LeadNurseFactory(full_name="Joanne Whitaker")
    draft = factories.FrameworkFactory(name="Assistant practitioner: medicine")
    domain = factories.DomainFactory(framework=draft, title="Clinical skills")
    competency = factories.CompetencyFactory(
        domain=domain, code="CLS1", title="Record and interpret vital signs"
    )
    factories.CompetencyFactory(domain=domain, code="CLS2", title="Perform a 12-lead ECG")
    programme = factories.ProgrammeFactory(name="Assistant practitioner programme")
    cohort = factories.CohortFactory(programme=programme, name="September intake")
    trainee = factories.TraineeFactory(full_name="Priya Patel")
    enrolment = factories.enrol(cohort, trainee=trainee)
    return {"lead": lead, "draft": draft, "competency": competency, "enrolment": enrolment}


def test_lead_nurse_sets_up_an_apprenticeship(
    page, live_server, sign_in, visit, open_from_header, world, tmp_path
):
    sign_in(world["lead"].email, factories.PASSWORD)
    open_from_header("Apprenticeships")
    visit("apprenticeship-standards-empty")

    # Adds the standard; a mistake is shown with what was typed.
    page.get_by_role("link", name="Add a standard").click()
    page.get_by_label("Reference").fill("ST215")
    page.get_by_label("Title").fill("Assistant practitioner (health)")
    page.get_by_label("Level").fill("5")
    page.get_by_label("Version").fill("1.1")
    page.get_by_label("Typical duration in months").fill("18")
    page.get_by_label("Minimum off-the-job training hours").fill("500")
    page.get_by_label("Funding band maximum in pounds").fill("12000")
    page.get_by_role("button", name="Add standard").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a reference like ST0215")
    visit("apprenticeship-standard-form-error")
    page.get_by_label("Reference").fill("ST0215")
    page.get_by_role("button", name="Add standard").click()
    expect(page.get_by_text("ST0215 added: now import its KSBs")).to_be_visible()
    visit("apprenticeship-standard")

    # Imports the KSBs from a CSV file.
    page.get_by_role("link", name="Import KSBs").first.click()
    visit("apprenticeship-ksb-import")
    upload = tmp_path / "st0215-ksbs.csv"
    upload.write_text(KSB_CSV, encoding="utf-8")
    page.get_by_label("Upload a CSV or Excel (.xlsx) file").set_input_files(str(upload))
    page.get_by_role("button", name="Import KSBs").click()
    expect(page.get_by_text("KSBs imported: 3 added, 0 changed")).to_be_visible()
    expect(page.get_by_test_id("ksbs")).to_contain_text("Treat people with dignity")
    assert Ksb.objects.count() == 3

    # Links the draft framework to the standard, and maps a competency to two KSBs.
    draft = world["draft"]
    page.goto(live_server.url + reverse("competencies:framework_edit", args=[draft.pk]))
    page.get_by_label("Apprenticeship standard (optional)").select_option(
        label=("Assistant practitioner (health) (ST0215 v1.1, level 5)")
    )
    page.get_by_role("button", name="Save framework").click()
    expect(page.get_by_text("Framework details saved")).to_be_visible()
    competency = world["competency"]
    page.goto(live_server.url + reverse("competencies:competency_edit", args=[competency.pk]))
    page.get_by_label("K1: How the main body systems work").check()
    page.get_by_label("S1: Observe and record").check()
    visit("framework-competency-ksbs")
    page.get_by_role("button", name="Save competency").click()
    expect(page.get_by_text("Competency CLS1 saved")).to_be_visible()
    assert set(competency.ksbs.values_list("code", flat=True)) == {"K1", "S1"}

    # Reads the coverage: B1 is not covered by any competency.
    open_from_header("Apprenticeships")
    page.get_by_role("link", name="ST0215 Assistant practitioner (health)").click()
    page.get_by_role("link", name="Which KSBs Assistant practitioner: medicine").click()
    expect(page.get_by_test_id("coverage-count")).to_contain_text("2 of 3 KSBs are covered")
    expect(page.get_by_test_id("uncovered")).to_contain_text("B1")
    visit("apprenticeship-coverage")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a CSV file").click()
    assert download.value.suggested_filename.startswith("ksb-coverage-st0215")

    # Makes the programme an apprenticeship and records the apprentice's terms.
    open_from_header("Apprenticeships")
    page.get_by_role(
        "link", name="Make a programme an apprenticeship, and record apprentices' terms"
    ).click()
    visit("apprenticeship-programmes")
    page.get_by_role("link", name="Assistant practitioner programme").click()
    page.get_by_label("Apprenticeship standard").select_option(
        label="Assistant practitioner (health) (ST0215 v1.1, level 5)"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Apprenticeship standard saved")).to_be_visible()
    visit("apprenticeship-programme")
    page.get_by_role("link", name="Record the terms for Priya Patel").click()
    expect(page.get_by_text("Leave blank for 500 hours")).to_be_visible()
    group = page.get_by_role("group", name="Practical period start")
    group.get_by_label("Day").fill("1")
    group.get_by_label("Month").fill("9")
    group.get_by_label("Year").fill("2025")
    group = page.get_by_role("group", name="Planned end of the practical period")
    group.get_by_label("Day").fill("1")
    group.get_by_label("Month").fill("3")
    group.get_by_label("Year").fill("2026")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save terms").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("at least 8 months")
    visit("apprenticeship-terms-error")
    group.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Save terms").click()
    expect(page.get_by_test_id("terms")).to_contain_text("500 hours")
    visit("apprenticeship-apprentice")

    # The skills scan: accepts one KSB as prior learning, and reduces the hours.
    page.get_by_role("link", name="Start the skills scan").click()
    visit("apprenticeship-skills-scan-start")
    page.get_by_role("button", name="Start the skills scan").click()
    expect(page.get_by_test_id("scan-items")).to_contain_text("B1")
    visit("apprenticeship-skills-scan")
    rows = page.get_by_test_id("scan-items").locator("tbody tr")
    for index in range(rows.count()):
        rows.nth(index).get_by_role("link", name="Decide").click()
        if index == 2:  # B1
            page.get_by_label("Yes, prior learning is accepted").check()
            page.get_by_label("Evidence of prior learning").fill("Care Certificate, 2023")
            page.get_by_label("Reason").fill("Shown throughout the Care Certificate")
            visit("apprenticeship-scan-item")
        else:
            page.get_by_label("No, it is to be learned on the programme").check()
        page.get_by_role("button", name="Save decision").click()
        expect(page.get_by_text("Decision saved")).to_be_visible()
    page.get_by_role("link", name="Complete the skills scan").click()
    page.get_by_label("Reduction in planned off-the-job hours").fill("20")
    page.get_by_label("Reason for the reduction").fill("Behaviours already evidenced")
    visit("apprenticeship-scan-complete")
    page.get_by_role("button", name="Complete the skills scan").click()
    expect(page.get_by_test_id("reduction")).to_contain_text(
        "Reduced by 20 hours (from 500): Behaviours already evidenced"
    )
    expect(page.get_by_test_id("prior-learning")).to_contain_text("B1")
    visit("apprenticeship-apprentice-after-scan")
    assert Apprenticeship.objects.get().planned_otj_hours == 480
