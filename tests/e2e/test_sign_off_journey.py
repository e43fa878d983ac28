"""A trainee logs practice and asks for sign-off; the mentor signs it off; the trainee sees it."""

import pytest
from playwright.sync_api import expect

from competencies.models import Assessment
from tests import factories
from tests.e2e.conftest import check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trainee_and_mentor():
    record, mentor, competencies = factories.enrolled_trainee(competencies=2, practices_required=1)
    record.trainee.full_name = "Tom Barker"
    record.trainee.save()
    mentor.full_name = "Sarah Mitchell"
    mentor.save()
    return record, mentor, competencies


def test_trainee_asks_and_mentor_signs_off(
    page, live_server, sign_in, sign_out, visit, trainee_and_mentor
):
    record, mentor, (competency, _other) = trainee_and_mentor

    # 2. The trainee logs supervised practice and asks for sign-off.
    sign_in(record.trainee.email, factories.PASSWORD)
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    visit("trainee-progress-before")
    page.get_by_role("link", name=f"{competency.code} {competency.title}").first.click()
    visit("trainee-competency")
    page.get_by_role("link", name="Log supervised practice").click()
    # From the competency: it is already ticked, and the date is today.
    expect(page.get_by_label(f"{competency.code} {competency.title}")).to_be_checked()
    expect(page.get_by_label("Today")).to_be_checked()
    page.get_by_label("Sarah Mitchell").check()
    page.get_by_label("What did you do?").fill("Recorded a full set of observations and NEWS2")
    visit("trainee-log-practice")
    page.get_by_role("button", name="Save practice").click()
    expect(page.get_by_text("Supervised practice saved")).to_be_visible()
    page.get_by_role("link", name="Ask a mentor for sign-off").click()
    page.get_by_label("Sarah Mitchell").check()
    visit("trainee-ask-sign-off")
    page.get_by_role("button", name="Ask for sign-off").click()
    expect(page.get_by_text("Sign-off requested from Sarah Mitchell")).to_be_visible()
    sign_out()

    # 3. The mentor signs it off, with the keyboard alone.
    sign_in(mentor.email, factories.PASSWORD)
    expect(page.get_by_role("heading", name="My trainees")).to_be_visible()
    # The request reached the mentor as a notification too (and by email).
    expect(page.get_by_role("link", name="Notifications (1 unread)")).to_be_visible()
    visit("mentor-queue")
    page.get_by_role("link", name=f"Review {competency.code} for Tom Barker").click()
    expect(page.get_by_text("Recorded a full set of observations and NEWS2")).to_be_visible()
    visit("mentor-sign-off")
    page.get_by_label("Achieved: competent to practise this unsupervised").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # to the assessment methods
    page.keyboard.press("Space")
    page.get_by_label("Your password").focus()
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Signed: {competency.code} achieved for Tom Barker")).to_be_visible()
    sign_out()
    assert Assessment.objects.get().assessor == mentor

    # 4. The trainee sees the new progress.
    sign_in(record.trainee.email, factories.PASSWORD)
    expect(page.get_by_test_id("core-achieved")).to_have_text("1 of 2")
    visit("trainee-progress-after")
    page.get_by_role("link", name="Notifications (1 unread)").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    visit("trainee-notifications")
    # The trainee turns off one kind of email, and keeps the rest.
    page.get_by_role("link", name="Choose which notifications are emailed to you").click()
    visit("trainee-email-choices")
    page.get_by_label("A competency expires within 30 days").uncheck()
    page.get_by_role("button", name="Save email choices").click()
    expect(page.get_by_text("Your email choices are saved")).to_be_visible()
    expect(page.get_by_label("A competency expires within 30 days")).not_to_be_checked()
    expect(page.get_by_label("Your mentor decides a sign-off request")).to_be_checked()
    page.get_by_role("link", name="Back to notifications").click()
    page.get_by_role("link", name=f"{competency.code} signed off").click()
    expect(page.get_by_role("heading", name=competency.title)).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()


def test_error_summary_links_move_focus_to_the_fields(
    page, live_server, sign_in, trainee_and_mentor
):
    record, _mentor, _ = trainee_and_mentor
    sign_in(record.trainee.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/records/{record.pk}/practice/add/")
    page.get_by_label("Another date").check()
    page.get_by_label("Day", exact=True).fill("31")
    page.get_by_label("Month", exact=True).fill("2")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_role("button", name="Save practice").click()

    expect(page).to_have_title("Error: Log supervised practice – Pathway – NHS")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Select who supervised you")).to_be_visible()
    check_accessibility(page, "practice form with errors")

    summary.get_by_role("link", name="Select who supervised you").click()
    expect(page.get_by_label("Sarah Mitchell")).to_be_focused()
    summary.get_by_role("link", name="Select at least one competency").click()
    expect(page.locator("input[name=competencies]").first).to_be_focused()
    summary.get_by_role("link", name="must be a real date").click()
    expect(page.get_by_label("Day", exact=True)).to_be_focused()
    # What was typed is kept.
    expect(page.get_by_label("Day", exact=True)).to_have_value("31")
