"""On a phone after a shift: a trainee logs supervised practice from a competency page in at
most three taps and no typing; the supervisor confirms it with one tap from their queue; the
trainee's page shows it confirmed, and the mentor's last feedback stays under the status with
the practice since. Every page on the way is checked with axe, at desktop width and at 390 CSS
pixels, and must not scroll sideways on the phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competencies import services
from competencies.models import PracticeEntry, ProgressState
from pathway.models import RegistrationBody
from tests import factories
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    PHONE_SCREENSHOTS,
    SCREENSHOTS,
    check_accessibility,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)


def check_widths(page, name: str) -> None:
    """axe at desktop width and on a phone, no sideways scrolling on the phone; the page is
    left at phone width, where the journey happens."""
    for label, size, folder in (
        ("desktop", DESKTOP, SCREENSHOTS),
        ("390", PHONE, PHONE_SCREENSHOTS),
    ):
        page.set_viewport_size(size)
        page.wait_for_load_state("load")
        check_accessibility(page, f"{name} at {label}")
        screenshot(page, f"practice-{name}", folder)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], (
        f"{name} is {wide} px wide on a 390 px phone; too wide: {page.evaluate(TOO_WIDE)}"
    )


# What sticks out past the right edge of the viewport: the innermost elements, named.
TOO_WIDE = """() => {
  const out = e => e.getBoundingClientRect().right > window.innerWidth + 0.5;
  return [...document.querySelectorAll('body *')]
    .filter(e => out(e) && ![...e.children].some(out))
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`);
}"""


@pytest.fixture
def ward():
    record, mentor, (feedback_on, other, achieved) = factories.enrolled_trainee(
        competencies=3, practices_required=2
    )
    record.trainee.full_name = "Tom Barker"
    record.trainee.save()
    mentor.full_name = "Sarah Mitchell"
    mentor.job_title = "Staff nurse"
    mentor.save()
    nurse = factories.UserFactory(
        full_name="Rita Okafor",
        job_title="Senior staff nurse",
        clinical_area=record.clinical_area,
        registration_body=RegistrationBody.NMC,
        registration_number="18C4432E",
    )
    nurse.set_password(factories.PASSWORD)
    nurse.save()
    record.progress.filter(competency=achieved).update(
        state=ProgressState.ACHIEVED, achieved_on=timezone.localdate()
    )
    # Sarah assessed one competency as not yet competent, with feedback.
    request = factories.ask_for_sign_off(record, feedback_on, mentor)
    services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome="not_yet_competent",
        method=feedback_on.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback="Check the patient's identity band before each set of observations.",
    )
    return record, mentor, nurse, feedback_on, other, achieved


def test_trainee_logs_practice_in_three_taps_and_the_supervisor_confirms_in_one(
    page, live_server, sign_in, sign_out, ward
):
    record, mentor, _nurse, competency, other, achieved = ward
    page.set_viewport_size(PHONE)
    taps = []

    def tap(locator):
        taps.append(locator)
        locator.click()

    # The trainee opens the competency: the feedback is under the status, with the practice since.
    sign_in(record.trainee.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/records/{record.pk}/competencies/{competency.pk}/")
    feedback = page.get_by_test_id("last-feedback")
    expect(feedback).to_contain_text("Check the patient's identity band")
    expect(feedback).to_contain_text("Practice since feedback: 0 of 2")
    check_widths(page, "competency-with-feedback")

    # Log it: three taps, nothing typed.
    tap(page.get_by_role("link", name="Log supervised practice"))
    expect(page.get_by_label(f"{competency.code} {competency.title}")).to_be_checked()
    expect(page.get_by_label(f"{achieved.code} {achieved.title}")).to_have_count(0)
    expect(page.get_by_label(f"{other.code} {other.title}")).to_be_hidden()  # tucked away
    expect(page.get_by_label("Today")).to_be_checked()
    expect(page.get_by_label("Day", exact=True)).to_be_hidden()  # until "another date" is chosen
    check_widths(page, "log-form")
    tap(page.get_by_label("Sarah Mitchell, Staff nurse"))
    tap(page.get_by_role("button", name="Save practice"))
    expect(
        page.get_by_text("Supervised practice saved. Sarah Mitchell can now confirm it")
    ).to_be_visible()
    assert len(taps) <= 3, f"{len(taps)} taps to log practice"

    entry = PracticeEntry.objects.get(competencies=competency, supervisor=mentor)
    assert entry.practised_on == timezone.localdate() and entry.confirmed_at is None
    expect(page.get_by_role("heading", name="Not confirmed (3)")).to_be_visible()
    expect(page.get_by_test_id("last-feedback")).to_contain_text("Practice since feedback: 1 of 2")
    check_widths(page, "competency-after-logging")

    # The other questions are there when needed: another date, someone not listed.
    page.get_by_role("link", name="Log supervised practice").click()
    page.get_by_text("Add another competency you practised").click()
    expect(page.get_by_label(f"{other.code} {other.title}")).to_be_visible()
    page.get_by_label("Another date").check()
    expect(page.get_by_label("Day", exact=True)).to_be_visible()
    page.get_by_label("Someone not listed").check()
    expect(page.get_by_label("Their name and role")).to_be_visible()
    page.get_by_role("button", name="Save practice").click()
    expect(page).to_have_title("Error: Log supervised practice – Pathway – NHS")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the date of the practice")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter who supervised you")).to_be_visible()
    check_widths(page, "log-form-errors")
    summary.get_by_role("link", name="Enter who supervised you").click()
    expect(page.get_by_label("Their name and role")).to_be_focused()
    sign_out()

    # Sarah confirms it with one tap from her queue.
    sign_in(mentor.email, factories.PASSWORD)
    expect(page.get_by_role("heading", name="Practice to confirm (1)")).to_be_visible()
    check_widths(page, "mentor-queue")
    page.get_by_role("button", name="Confirm I supervised this").click()
    expect(page.get_by_text("Confirmed: you supervised Tom Barker's practice")).to_be_visible()
    expect(page.get_by_role("heading", name="Practice to confirm (1)")).to_have_count(0)
    sign_out()
    entry.refresh_from_db()
    assert entry.confirmed_by == mentor

    # Tom sees it confirmed, apart from what is not.
    sign_in(record.trainee.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/records/{record.pk}/competencies/{competency.pk}/")
    expect(page.get_by_role("heading", name="Confirmed by the supervisor (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Not confirmed (2)")).to_be_visible()
    check_widths(page, "competency-confirmed")
    page.goto(f"{live_server.url}/records/{record.pk}/")
    check_widths(page, "progress")


def test_a_registered_nurse_without_a_role_confirms_from_the_header(
    page, live_server, sign_in, ward
):
    record, _mentor, nurse, competency, _other, _achieved = ward
    services.practice_log(
        actor=record.trainee,
        record=record,
        competencies=[competency],
        practised_on=timezone.localdate(),
        supervisor=nurse,
        activity="Observations and NEWS2 on bay 3",
    )
    page.set_viewport_size(PHONE)
    sign_in(nurse.email, factories.PASSWORD)
    page.get_by_role("link", name="Practice to confirm").first.click()
    expect(page.get_by_text("Observations and NEWS2 on bay 3")).to_be_visible()
    check_widths(page, "nurse-queue")
    page.get_by_role("button", name="Confirm I supervised this").click()
    expect(page.get_by_text("No practice is waiting for you to confirm")).to_be_visible()
    check_widths(page, "nurse-queue-empty")
    assert PracticeEntry.objects.get(supervisor=nurse).confirmed_by == nurse


def test_without_scripts_the_date_and_name_boxes_are_simply_shown(browser, live_server, ward):
    record, _mentor, _nurse, competency, _other, _achieved = ward
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(record.trainee.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/records/{record.pk}/practice/add/?competency={competency.pk}")
    expect(page.get_by_label("Day", exact=True)).to_be_visible()
    expect(page.get_by_label("Their name and role")).to_be_visible()
    # Another date, typed, and someone not listed: saved without any script.
    page.get_by_label("Another date").check()
    day = timezone.localdate()
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month", exact=True).fill(str(day.month))
    page.get_by_label("Year", exact=True).fill(str(day.year))
    page.get_by_label("Someone not listed").check()
    page.get_by_label("Their name and role").fill("Agency nurse, bank shift")
    page.get_by_role("button", name="Save practice").click()
    expect(page.get_by_text("Supervised practice saved")).to_be_visible()
    assert PracticeEntry.objects.filter(supervisor_name="Agency nurse, bank shift").exists()
    context.close()
