"""A practice educator signs in to their caseload, sees what needs attention, logs support
(first forgetting the time spent), reads it in their totals, records a mentor's preparation in
the mentor register and opens the mentor workload. The lead nurse then allocates a trainee to a
mentor who is not prepared (refused until they tick "I understand") and reads the educators'
caseloads. Every page is checked with
axe-core and screenshotted under var/screenshots/educator-*.png."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competencies.models import SignOffRequest
from pathway.models import Allocation, MentorPreparation
from support.models import MentorCaseload, SupportLog
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_date(scope, day):
    scope.get_by_label("Day").fill(str(day.day))
    scope.get_by_label("Month").fill(str(day.month))
    scope.get_by_label("Year").fill(str(day.year))


@pytest.fixture
def world():
    today = timezone.localdate()
    framework, area = factories.published_framework_with(core=4)
    # Twenty weeks into a year-long cohort with nothing achieved and no review: behind plan
    # and the review overdue.
    cohort = factories.CohortFactory(
        name="Cohort 1", framework=framework, intake_date=today - datetime.timedelta(weeks=20)
    )
    cohort.clinical_areas.set([area])
    educator = factories.PracticeEducatorFactory(full_name="Helen Price")
    mentor = factories.MentorFactory(full_name="Sarah Mitchell")
    tom = factories.TraineeFactory(full_name="Tom Barker")
    enrolment = factories.enrol(cohort, trainee=tom, mentor=mentor, educator=educator)
    MentorCaseload.objects.create(educator=educator, mentor=mentor, start_date=cohort.intake_date)
    competency = enrolment.record.progress.order_by("competency__code").first().competency
    SignOffRequest.objects.create(
        record=enrolment.record,
        competency=competency,
        mentor=mentor,
        created_at=timezone.now() - datetime.timedelta(days=10),
    )
    return {
        "today": today,
        "educator": educator,
        "mentor": mentor,
        "tom": tom,
        "competency": competency,
        "priya": factories.UnpreparedMentorFactory(full_name="Priya Shah"),
        "nat": factories.UnpreparedMentorFactory(full_name="Nat Newman"),
        "amy": factories.TraineeFactory(full_name="Amy Lewis"),
        "lead": factories.LeadNurseFactory(full_name="Joanne Whitaker"),
    }


def test_educator_journey(page, live_server, sign_in, sign_out, visit, open_from_header, world):
    today = world["today"]

    # The practice educator lands on their caseload and sees what needs attention.
    sign_in(world["educator"].email, factories.PASSWORD)
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()
    attention = page.get_by_test_id("needs-attention")
    expect(
        attention.get_by_role("table", name="Trainees behind plan").get_by_role(
            "link", name="Tom Barker"
        )
    ).to_be_visible()
    expect(
        attention.get_by_role("table", name="Reviews overdue").get_by_role(
            "link", name="Tom Barker"
        )
    ).to_be_visible()
    waiting = attention.get_by_role("table", name="Sign-off requests waiting more than 7 days")
    expect(waiting).to_contain_text("Tom Barker")
    expect(waiting).to_contain_text(world["competency"].title)
    expect(waiting).to_contain_text("Sarah Mitchell")
    expect(waiting.get_by_role("cell", name="10", exact=True)).to_be_visible()
    visit("educator-caseload")

    # They log support, first forgetting the time spent.
    page.get_by_role("link", name="Log support").click()
    expect(page.get_by_role("heading", name="Log support", level=1)).to_be_visible()
    visit("educator-log-support")
    page.get_by_label("Training", exact=True).check()
    page.get_by_label("Who it was for (optional)").select_option(label="Tom Barker")
    _fill_date(page.get_by_role("group", name="Date"), today)
    page.get_by_label("Notes (optional)").fill("Went through the NEWS2 escalation chart")
    page.get_by_role("button", name="Save support").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Notes (optional)")).to_have_value(
        "Went through the NEWS2 escalation chart"
    )
    visit("educator-log-support-error")
    summary.get_by_role("link", name="Enter the time spent, in hours and minutes").click()
    expect(page.get_by_label("Hours")).to_be_focused()
    page.get_by_label("Hours").fill("1")
    page.get_by_label("Minutes").fill("30")
    page.get_by_role("button", name="Save support").click()
    expect(page.get_by_text("Support saved")).to_be_visible()
    recent = page.get_by_role("table", name="The five most recent entries of support logged")
    expect(recent).to_contain_text("1 hour 30 minutes")
    visit("educator-caseload-after-logging")
    page.set_viewport_size({"width": 390, "height": 844})
    visit("educator-caseload-narrow")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert SupportLog.objects.get().minutes == 90

    # The totals count it.
    page.get_by_role("link", name="Support logged").click()
    totals = page.get_by_role("table", name="Time spent by kind of support and month")
    row = totals.get_by_role("row", name=f"{today:%B %Y}")
    expect(row).to_contain_text("1 hour 30 minutes")
    expect(totals.get_by_role("row", name="All months")).to_contain_text("1 hour 30 minutes")
    expect(page.get_by_role("table", name="Every entry, newest first")).to_contain_text(
        "Went through the NEWS2 escalation chart"
    )
    visit("educator-support-totals")
    # On a phone the totals stack, each value beside its heading.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(totals.get_by_text("Training", exact=True).first).to_be_visible()
    visit("educator-support-totals-narrow")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The mentor register: Priya Shah has completed mentor preparation.
    open_from_header("Mentors")
    expect(page.get_by_role("heading", name="Mentor register", level=1)).to_be_visible()
    register = page.get_by_role("table", name="Every mentor, with their preparation")
    expect(register.get_by_role("row", name="Priya Shah")).to_contain_text("Not prepared")
    visit("educator-mentor-register")
    register.get_by_role("link", name="Record dates for Priya Shah").click()
    expect(page.get_by_role("heading", name="Record mentor preparation")).to_be_visible()
    visit("educator-record-preparation")
    prepared = today - datetime.timedelta(days=14)
    _fill_date(page.get_by_role("group", name="Date mentor preparation was completed"), prepared)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Mentor preparation saved for Priya Shah")).to_be_visible()
    row = page.get_by_role("row", name="Priya Shah")
    expect(row).to_contain_text(f"{prepared.day} {prepared:%b %Y}")
    expect(row).to_contain_text("Prepared")
    visit("educator-mentor-register-after")
    assert MentorPreparation.objects.get(mentor=world["priya"]).prepared_on == prepared

    # The mentor workload.
    page.get_by_role("link", name="Mentor workload").click()
    expect(page.get_by_role("heading", name="Mentor workload", level=1)).to_be_visible()
    workload = page.get_by_role("table", name="Each mentor's trainees, requests waiting")
    sarah = workload.get_by_role("row", name="Sarah Mitchell")
    expect(sarah.get_by_role("cell").nth(0)).to_have_text("1")
    expect(sarah).to_contain_text("10 days")
    visit("educator-mentor-workload")
    sign_out()

    # The lead nurse allocates Amy Lewis to Nat Newman, who has no mentor preparation.
    sign_in(world["lead"].email, factories.PASSWORD)
    open_from_header("People")
    page.get_by_role("link", name="Amy Lewis").click()
    expect(page.get_by_role("heading", name="Amy Lewis")).to_be_visible()
    visit("educator-lead-person")
    page.get_by_role("link", name="Allocate a supporter").click()
    page.get_by_label("Mentor", exact=True).check()
    page.get_by_label("Who").select_option(label="Nat Newman")
    _fill_date(page.get_by_role("group", name="Start date"), today)
    visit("educator-lead-allocate")
    page.get_by_role("button", name="Save allocation").click()

    warning = page.get_by_test_id("unprepared-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Nat Newman")
    confirm = page.get_by_label("I understand that this mentor's preparation is missing")
    expect(confirm).not_to_be_checked()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    visit("educator-lead-allocate-warning")
    # Without ticking it, the allocation is refused again.
    page.get_by_role("button", name="Save allocation").click()
    expect(page.get_by_test_id("unprepared-warning")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Confirm that you understand")
    assert not Allocation.objects.filter(trainee=world["amy"]).exists()

    page.get_by_label("I understand that this mentor's preparation is missing").check()
    page.get_by_role("button", name="Save allocation").click()
    expect(page.get_by_text("Allocation saved for Amy Lewis")).to_be_visible()
    expect(page.get_by_text("Nat Newman")).to_be_visible()
    visit("educator-lead-person-after")
    allocation = Allocation.objects.get(trainee=world["amy"])
    assert allocation.supporter == world["nat"] and allocation.kind == Allocation.Kind.MENTOR

    # The lead nurse reads the educators' caseloads from the mentor register.
    open_from_header("Mentors")
    page.get_by_role("link", name="Practice educators and their caseloads").click()
    expect(page.get_by_role("heading", name="Practice educators", level=1)).to_be_visible()
    educators = page.get_by_role("table", name="Each practice educator's caseload")
    expect(educators.get_by_role("row", name="Helen Price")).to_contain_text("1 hour 30 minutes")
    visit("educator-lead-educator-list")
    educators.get_by_role("link", name="Helen Price", exact=True).click()
    expect(page.get_by_role("heading", name="Helen Price's caseload")).to_be_visible()
    expect(page.get_by_role("link", name="Add a mentor to this caseload")).to_be_visible()
    visit("educator-lead-educator-caseload")
