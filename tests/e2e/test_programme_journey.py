"""The whole journey: the lead nurse creates a cohort, enrols trainees from a file and
allocates mentors; a trainee logs practice and asks; the mentor signs off; the trainee and the
lead nurse see the new progress. Every page visited is checked with axe-core."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pathway.models import User
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_date(page, group_label, day):
    group = page.get_by_role("group", name=group_label)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


@pytest.fixture
def world():
    area = factories.ClinicalAreaFactory(name="Critical care", code="critical-care")
    framework, _ = factories.published_framework_with(core=2, area=area, practices_required=1)
    framework.name = "Assistant practitioner: critical care"
    framework.save()
    factories.ProgrammeFactory(name="Assistant practitioner: one-year course")
    return {
        "lead": factories.LeadNurseFactory(full_name="Joanne Whitaker"),
        "sarah": factories.MentorFactory(full_name="Sarah Mitchell", email="sarah@trust.nhs.uk"),
        "james": factories.MentorFactory(full_name="James Holroyd", email="james@trust.nhs.uk"),
        "tutor": factories.TutorFactory(full_name="Ruth Fielding", email="ruth@uni.ac.uk"),
        "competency": framework.competencies.order_by("order").first(),
    }


def test_lead_nurse_runs_a_cohort_from_creation_to_progress(
    page, live_server, sign_in, sign_out, visit, open_from_header, world, tmp_path, settings
):
    today = timezone.localdate()
    competency = world["competency"]

    # 1. The lead nurse creates a cohort...
    sign_in(world["lead"].email, factories.PASSWORD)
    open_from_header("Cohorts")
    visit("lead-cohorts")
    page.get_by_role("link", name="Create a cohort").click()
    page.get_by_label("Name").fill("Cohort 4")
    _fill_date(page, "Intake date", today - datetime.timedelta(days=7))
    _fill_date(page, "Planned end date", today + datetime.timedelta(weeks=51))
    page.get_by_label("Critical care").check()
    page.get_by_label("Competency framework").select_option(label=f"{competency.framework}")
    page.get_by_label("Running").check()
    visit("lead-create-cohort")
    page.get_by_role("button", name="Save cohort").click()
    expect(page.get_by_role("heading", name="Cohort 4")).to_be_visible()

    # ... enrols trainees from a file, which also allocates their mentor and tutor ...
    roster = tmp_path / "cohort-4.csv"
    roster.write_text(
        "Name,Email,Employee number,Clinical area,Mentor email,Tutor email\n"
        "Tom Barker,tom.barker@trust.nhs.uk,300001,critical-care,sarah@trust.nhs.uk,"
        "ruth@uni.ac.uk\n"
        "Priya Patel,priya.patel@trust.nhs.uk,300002,Critical care,james@trust.nhs.uk,"
        "ruth@uni.ac.uk\n"
    )
    page.get_by_role("link", name="Enrol several trainees from a spreadsheet").click()
    visit("lead-enrol-from-file")
    page.get_by_label("File of trainees to enrol").set_input_files(str(roster))
    page.get_by_role("button", name="Enrol trainees").click()
    expect(page.get_by_text("Enrolled 2 trainees (2 new people)")).to_be_visible()
    expect(page.get_by_test_id("trainee-row")).to_have_count(2)
    visit("lead-cohort-dashboard-new")

    # ... and allocates a second mentor to one of them.
    open_from_header("People")
    page.get_by_role("link", name="Tom Barker").click()
    page.get_by_role("link", name="Allocate a supporter").click()
    page.get_by_label("Mentor", exact=True).check()
    page.get_by_label("Who").select_option(label="James Holroyd")
    _fill_date(page, "Start date", today)
    visit("lead-allocate-mentor")
    page.get_by_role("button", name="Save allocation").click()
    expect(page.get_by_text("Allocation saved for Tom Barker")).to_be_visible()
    sign_out()

    # Tom chose his password from the reset email (tested elsewhere); here it is set directly.
    tom = User.objects.get(email="tom.barker@trust.nhs.uk")
    tom.set_password(factories.PASSWORD)
    tom.save()

    # 2. The trainee logs supervised practice and asks Sarah for sign-off.
    sign_in(tom.email, factories.PASSWORD)
    page.get_by_role("link", name=f"{competency.code} {competency.title}").first.click()
    page.get_by_role("link", name="Log supervised practice").click()
    page.get_by_label("Sarah Mitchell").check()
    page.get_by_label("What did you do?").fill("Took and recorded a full set of observations")
    page.get_by_role("button", name="Save practice").click()
    page.get_by_role("link", name="Ask a mentor for sign-off").click()
    page.get_by_label("Sarah Mitchell").check()
    page.get_by_role("button", name="Ask for sign-off").click()
    expect(page.get_by_text("Sign-off requested from Sarah Mitchell")).to_be_visible()
    sign_out()

    # 3. Sarah signs it off.
    sign_in(world["sarah"].email, factories.PASSWORD)
    page.get_by_role("link", name=f"Review {competency.code} for Tom Barker").click()
    page.get_by_label("Achieved: competent to practise this unsupervised").check()
    page.locator("input[name=method]").first.check()
    page.get_by_label("Your password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign and save").click()
    expect(page.get_by_text(f"Signed: {competency.code} achieved for Tom Barker")).to_be_visible()
    sign_out()

    # 4. Tom sees it.
    sign_in(tom.email, factories.PASSWORD)
    expect(page.get_by_test_id("core-achieved")).to_have_text("1 of 2")
    sign_out()

    # 5. The lead nurse sees it on the cohort dashboard.
    sign_in(world["lead"].email, factories.PASSWORD)
    open_from_header("Cohorts")
    page.get_by_role("link", name="Cohort 4").click()
    tom_row = page.get_by_test_id("trainee-row").filter(has_text="Tom Barker")
    expect(tom_row.get_by_test_id("core-count")).to_have_text("1 of 2")
    expect(tom_row.get_by_test_id("mentors")).to_contain_text("Sarah Mitchell")
    expect(tom_row.get_by_test_id("mentors")).to_contain_text("James Holroyd")
    visit("lead-cohort-dashboard-after-sign-off")

    # 6. The competency grid: the whole screen wide, its heading row and trainee column in view
    # however far the reader scrolls its region.
    page.get_by_role("link", name="Each trainee's competencies (the grid)").click()
    region = page.get_by_role("region", name=re.compile("^Competency grid for Cohort 4"))
    expect(region).to_be_visible()
    assert region.get_attribute("tabindex") == "0"
    visit("lead-cohort-grid")
    # Wider than the usual 960 px page on a 1280 px screen: only the side margins are left.
    page_width = page.get_by_test_id("competency-grid").evaluate(
        "el => el.closest('.nhsuk-width-container-fluid').getBoundingClientRect().width"
    )
    assert page_width > 1100, page_width
    # Two competencies do not overflow even a phone here, so ask the browser how the parts
    # are laid out: the heading and the trainee column stick inside a region that scrolls.
    styles = region.evaluate(
        """el => ({
          overflowY: getComputedStyle(el).overflowY,
          maxHeight: getComputedStyle(el).maxHeight,
          head: getComputedStyle(el.querySelector('thead')).position,
          rowHeader: getComputedStyle(el.querySelector('tbody th[scope=row]')).position,
        })"""
    )
    assert styles["overflowY"] == "auto" and styles["maxHeight"] != "none", styles
    assert styles["head"] == "sticky" and styles["rowHeader"] == "sticky", styles

    # 7. A large cohort's grid is made in the background (here every cohort counts as large):
    # the lead nurse lands on the job's page, which says it is ready, and downloads the file.
    settings.PATHWAY_EXPORT_IN_BACKGROUND_OVER = 0
    page.reload()
    page.get_by_role("link", name=re.compile("^Make the grid as an Excel spreadsheet")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Cohort 4.*: competency grid \(XLSX\)$")
    )
    expect(page.get_by_text("Ready to download.")).to_be_visible()
    visit("lead-grid-export-job")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download .*\.xlsx$")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
