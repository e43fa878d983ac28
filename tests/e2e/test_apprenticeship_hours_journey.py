"""An apprentice logs off-the-job hours (first leaving out what they did), their line manager
confirms them from "Hours to confirm", and the lead nurse sees the funding at risk, the cohort's
hours and the cohort dashboard's tag for those behind. The manager records a break in learning
that the lead nurse approves. Every page is checked with axe-core at
desktop width and at 390 px, and screenshotted under var/screenshots/apprenticeship-hours-*.png.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apprenticeships.models import OtjEntry, OtjEntryStatus
from tests import factories
from tests.apprenticeships.hours_helpers import apprenticeship_for, make_apprenticeship_programme

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_date(scope, day):
    scope.get_by_label("Day").fill(str(day.day))
    scope.get_by_label("Month").fill(str(day.month))
    scope.get_by_label("Year").fill(str(day.year))


@pytest.fixture
def world():
    today = timezone.localdate()
    framework, area = factories.published_framework_with(core=2)
    programme = factories.ProgrammeFactory(name="Assistant practitioner apprenticeship")
    make_apprenticeship_programme(programme)
    cohort = factories.CohortFactory(
        name="Cohort 2",
        programme=programme,
        framework=framework,
        intake_date=today - datetime.timedelta(weeks=20),
    )
    cohort.clinical_areas.set([area])
    manager = factories.ManagerFactory(full_name="Angela Brooks")
    amara = factories.TraineeFactory(full_name="Amara Okafor")
    enrolment = factories.enrol(cohort, trainee=amara, area=area)
    factories.AllocationFactory(
        trainee=amara, supporter=manager, kind="manager", start_date=cohort.intake_date
    )
    apprenticeship_for(enrolment)
    return {
        "today": today,
        "amara": amara,
        "manager": manager,
        "cohort": cohort,
        "lead": factories.LeadNurseFactory(full_name="Joanne Whitaker"),
    }


def test_apprenticeship_hours_journey(
    page, live_server, sign_in, sign_out, visit, open_from_header, world
):
    today = world["today"]

    # The apprentice opens their hours: nothing yet, so behind the minimum to date.
    sign_in(world["amara"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/apprenticeship/hours/")
    expect(page.get_by_role("heading", name="Off-the-job training hours", level=1)).to_be_visible()
    expect(page.get_by_test_id("behind")).to_be_visible()
    visit("apprenticeship-hours-ledger-empty")

    # They log hours, first forgetting to say what they did.
    page.get_by_role("link", name="Log off-the-job hours").click()
    visit("apprenticeship-hours-log")
    _fill_date(page.get_by_role("group", name="Date of the training"), today)
    page.get_by_label("Hours", exact=True).fill("2.5")
    page.get_by_label("Shadowing", exact=True).check()
    page.get_by_role("button", name="Send to my line manager").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Hours", exact=True)).to_have_value("2.5")
    visit("apprenticeship-hours-log-error")
    summary.get_by_role("link", name="Enter what you did and learned").click()
    page.get_by_label("What you did and learned").fill(
        "Shadowed the critical care outreach team on their rounds"
    )
    page.get_by_role("button", name="Send to my line manager").click()
    expect(page.get_by_text("Hours sent to your line manager to confirm")).to_be_visible()
    ledger = page.get_by_test_id("ledger")
    expect(ledger).to_contain_text("Shadowed the critical care outreach team")
    expect(ledger).to_contain_text("Not counted")
    expect(page.get_by_test_id("actual")).to_contain_text("and 2.5 waiting for the line manager")
    visit("apprenticeship-hours-ledger-waiting")
    sign_out()

    # The line manager confirms them.
    sign_in(world["manager"].email, factories.PASSWORD)
    open_from_header("Hours to confirm")
    expect(page.get_by_role("heading", name="Off-the-job hours to confirm")).to_be_visible()
    visit("apprenticeship-hours-to-confirm")
    page.get_by_role("link", name="Shadowing").click()
    expect(page.get_by_test_id("entry")).to_contain_text("Shadowed the critical care outreach")
    visit("apprenticeship-hours-confirm")
    page.get_by_label("Yes, confirm them").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Hours confirmed")).to_be_visible()
    expect(page.get_by_test_id("actual")).to_have_text("2.5")
    visit("apprenticeship-hours-ledger-confirmed")
    entry = OtjEntry.objects.get()
    assert entry.status == OtjEntryStatus.CONFIRMED
    assert entry.hours == Decimal("2.5")

    # They record a break in learning, which the lead nurse will approve.
    page.get_by_role("link", name="Record a break in learning").click()
    visit("apprenticeship-hours-break")
    _fill_date(page.get_by_role("group", name="First day of the break"), today)
    _fill_date(
        page.get_by_role("group", name="Date the apprentice is expected back"),
        today + datetime.timedelta(weeks=4),
    )
    page.get_by_label("Reason for the break").fill("Planned surgery and recovery")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_text("Break in learning recorded")).to_be_visible()
    expect(page.get_by_test_id("breaks")).to_contain_text("Waiting for approval")
    sign_out()

    # The lead nurse sees the funding at risk, the cohort's hours and the dashboard's tag.
    sign_in(world["lead"].email, factories.PASSWORD)
    open_from_header("Apprenticeships")
    page.get_by_role(
        "link", name="Off-the-job hours: who is behind, and the funding at risk per cohort"
    ).click()
    expect(page.get_by_role("heading", name="Apprenticeship funding at risk")).to_be_visible()
    risks = page.get_by_role("table", name="By cohort")
    expect(risks.get_by_role("row", name="Cohort 2")).to_contain_text("£15,000")
    visit("apprenticeship-hours-funding")

    # They approve the break (they did not record it): the planned end moves by four weeks.
    page.get_by_role("link", name="Breaks in learning to approve").click()
    visit("apprenticeship-hours-breaks-to-approve")
    page.get_by_role("link", name="Amara Okafor").click()
    visit("apprenticeship-hours-break-approve")
    page.get_by_label("Yes, approve it").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Break approved")).to_be_visible()
    expect(page.get_by_test_id("period")).to_contain_text("by 28 days of breaks in learning")
    expect(page.get_by_text("On a break")).to_be_visible()
    open_from_header("Apprenticeships")
    page.get_by_role(
        "link", name="Off-the-job hours: who is behind, and the funding at risk per cohort"
    ).click()
    risks = page.get_by_role("table", name="By cohort")
    risks.get_by_role("link", name="Cohort 2").click()
    rows = page.get_by_test_id("cohort-hours")
    expect(rows.get_by_role("row", name="Amara Okafor")).to_contain_text("Behind")
    visit("apprenticeship-hours-cohort")
    page.get_by_role("link", name="Back to the cohort dashboard").click()
    row = page.get_by_test_id("cohort-table").get_by_role("row", name="Amara Okafor")
    expect(row).to_contain_text("Behind on off-the-job hours")
    visit("apprenticeship-hours-dashboard")
