"""The lead nurse reads the pathway outcomes, opens a qualified assistant practitioner's
history, records that they left the trust (first forgetting the reason), and sees the dashboard
count it; the person then reads their own pathway. Every page is checked with axe-core."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_date(page, group_label, day):
    group = page.get_by_role("group", name=group_label)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


@pytest.fixture
def world():
    today = timezone.localdate()
    week = datetime.timedelta(weeks=1)
    cohort = factories.CohortFactory(
        name="Cohort 1", intake_date=today - 120 * week, planned_end_date=today - 68 * week
    )
    aisha = factories.TraineeFactory(full_name="Aisha Khan", email="aisha@trust.nhs.uk")
    factories.qualified_enrolment(cohort, trainee=aisha)
    factories.qualified_enrolment(cohort)
    factories.withdrawn_enrolment(cohort, reason="Caring responsibilities")
    factories.CohortFactory(name="Cohort 2")
    return {"lead": factories.LeadNurseFactory(full_name="Joanne Whitaker"), "aisha": aisha}


def test_lead_records_a_move_and_reads_the_outcomes(
    page, live_server, sign_in, sign_out, visit, open_from_header, world
):
    today = timezone.localdate()
    sign_in(world["lead"].email, factories.PASSWORD)
    open_from_header("Outcomes")
    expect(page.get_by_role("heading", name="Pathway outcomes", level=1)).to_be_visible()
    visit("outcomes-dashboard")
    expect(
        page.get_by_test_id("retention-row").first.get_by_test_id("retention-6")
    ).to_contain_text("2 of 2")

    page.get_by_test_id("completion-row").first.get_by_role("link", name="Cohort 1").click()
    visit("outcomes-cohort")
    page.get_by_role("link", name="Aisha Khan").click()
    expect(page.get_by_role("heading", name="Aisha Khan")).to_be_visible()
    visit("outcomes-person-history")

    page.get_by_role("link", name="Record a move").click()
    page.get_by_label("Left the trust").check()
    _fill_date(page, "Date of the move", today - datetime.timedelta(days=3))
    page.get_by_role("button", name="Record move").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visit("outcomes-record-move-error")
    page.get_by_label("Reason or note (optional)").fill("Moved to a trust nearer home")
    page.get_by_role("button", name="Record move").click()
    expect(page.get_by_text("Reason: Moved to a trust nearer home")).to_be_visible()
    visit("outcomes-person-history-after-move")

    page.get_by_role("link", name="Back to pathway outcomes").click()
    expect(page.get_by_test_id("progression-row").first.get_by_test_id("left")).to_have_text("1")
    page.get_by_role("link", name="Bridging modules").first.click()
    visit("outcomes-bridging-modules")
    page.get_by_role("link", name="Add a bridging module").click()
    visit("outcomes-add-bridging-module")
    sign_out()

    sign_in(world["aisha"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/outcomes/my-pathway/")
    expect(page.get_by_role("heading", name="My career pathway")).to_be_visible()
    visit("outcomes-my-pathway")
