"""A trainee logs practice and asks for sign-off; the mentor signs it off; the trainee sees it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competencies import services
from competencies.models import Assessment
from tests import factories
from tests.e2e.conftest import check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)


class Actions:
    """Counts what a person does on a page: each click, tick or filled box is one action."""

    def __init__(self):
        self.count = 0

    def do(self, action) -> None:
        self.count += 1
        action()


def both_widths(page, visit, name):
    """axe (and a screenshot) at desktop width and on a 390 px phone, with no sideways scroll:
    what `visit` does for every journey (tests/e2e/conftest.py)."""
    visit(name)


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
    record, mentor, (competency, other) = trainee_and_mentor

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
    both_widths(page, visit, "trainee-ask-sign-off")
    page.get_by_role("button", name="Ask for sign-off").click()
    expect(page.get_by_text("Sign-off requested from Sarah Mitchell")).to_be_visible()
    sign_out()

    # Another request waits behind it in the mentor's queue.
    later = factories.ask_for_sign_off(record, other, mentor)

    # 3. The mentor opens the request: the evidence comes first, the decision after it.
    sign_in(mentor.email, factories.PASSWORD)
    expect(page.get_by_role("heading", name="My trainees")).to_be_visible()
    # The requests reached the mentor as notifications too (and by email), with the practice
    # Tom named her on, for her to confirm.
    expect(page.get_by_role("link", name="Notifications (3 unread)")).to_be_visible()
    visit("mentor-queue")
    page.get_by_role("link", name=f"Review {competency.code} for Tom Barker").click()
    expect(page.get_by_text(competency.description)).to_be_visible()
    expect(page.get_by_text("Recorded a full set of observations and NEWS2")).to_be_visible()
    both_widths(page, visit, "mentor-sign-off")
    # The feedback box is folded under "not yet competent" until it is chosen.
    expect(page.get_by_label("What does the trainee need to do next?")).to_be_hidden()

    # An ordinary request is signed in at most four actions: tick, choose, authenticate, sign.
    actions = Actions()
    actions.do(lambda: page.get_by_role("button", name="Tick all 2 criteria").click())
    actions.do(
        lambda: page.get_by_label("Achieved: competent to practise this unsupervised").check()
    )
    actions.do(lambda: page.get_by_label("Your password").fill(factories.PASSWORD))
    actions.do(lambda: page.get_by_role("button", name="Sign and save").click())
    expect(page.get_by_text(f"Signed: {competency.code} achieved for Tom Barker")).to_be_visible()
    assert actions.count <= 4, actions.count
    assessment = Assessment.objects.get(request__competency=competency)
    assert assessment.assessor == mentor
    assert assessment.criteria_met == competency.performance_criteria
    both_widths(page, visit, "mentor-signed")

    # The next request is one tap away; this one is "not yet competent", with the keyboard alone.
    page.get_by_role("link", name=f"Review next request: Tom Barker, {other.code}").click()
    expect(page.get_by_role("heading", name=f"{other.code} {other.title}")).to_be_visible()
    page.get_by_label(other.performance_criteria[0]).focus()
    page.keyboard.press("Space")  # the first criterion was met, the second not yet
    page.get_by_label("Not yet competent: needs more practice").focus()
    page.keyboard.press("Space")
    feedback = page.get_by_label("What does the trainee need to do next?")
    expect(feedback).to_be_visible()
    expect(feedback).to_have_value(f"Not yet shown:\n- {other.performance_criteria[1]}")
    both_widths(page, visit, "mentor-sign-off-not-yet")
    page.get_by_label("Your password").focus()
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(
        page.get_by_text(f"Signed: {other.code} not yet competent for Tom Barker")
    ).to_be_visible()
    expect(page.get_by_text("No more requests are waiting for you.")).to_be_visible()
    decided = Assessment.objects.get(request=later)
    assert decided.feedback == f"Not yet shown:\n- {other.performance_criteria[1]}"
    assert decided.criteria_met == other.performance_criteria[:1]
    sign_out()

    # 4. The trainee sees the new progress.
    sign_in(record.trainee.email, factories.PASSWORD)
    expect(page.get_by_test_id("core-achieved")).to_have_text("1 of 2")
    visit("trainee-progress-after")
    page.get_by_role("link", name="Notifications (2 unread)").click()
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
    page.get_by_role(
        "link", name=f"Sarah Mitchell has signed off {competency.code} {competency.title}"
    ).click()
    expect(page.get_by_role("heading", name=competency.title)).to_be_visible()
    # The other decision (not yet competent) is still unread.
    expect(page.get_by_role("link", name="Notifications (1 unread)")).to_be_visible()


def test_asking_needs_the_evidence_the_assessment_rests_on(
    page, live_server, sign_in, visit, trainee_and_mentor
):
    record, _mentor, (competency, other) = trainee_and_mentor
    competency.assessment_methods = ["direct_observation", "witness_testimony"]
    competency.save()
    other.assessment_methods = ["reflective_account"]
    other.save()
    services.practice_log(
        actor=record.trainee,
        record=record,
        competencies=[competency, other],
        practised_on=timezone.localdate(),
        supervisor_name="Sam Patel",
        activity="Observations",
    )
    sign_in(record.trainee.email, factories.PASSWORD)
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()

    # Only a reflective account can show it: no request until there is one.
    page.goto(f"{live_server.url}/records/{record.pk}/competencies/{other.pk}/request/")
    expect(
        page.get_by_text(f"Add a reflective account to {other.code} before asking for sign-off")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Ask for sign-off")).to_have_count(0)
    both_widths(page, visit, "trainee-ask-evidence-needed")
    page.get_by_role("link", name=f"Add evidence to {other.code}").click()
    expect(page.get_by_role("heading", name="Add evidence")).to_be_visible()

    # The mentor may observe it instead: warned, and free to ask.
    page.goto(f"{live_server.url}/records/{record.pk}/competencies/{competency.pk}/request/")
    expect(
        page.get_by_text(f"You have not added a witness statement to {competency.code} yet")
    ).to_be_visible()
    both_widths(page, visit, "trainee-ask-evidence-warned")
    page.get_by_role("button", name="Ask for sign-off").click()
    expect(page.get_by_text("Sign-off requested from Sarah Mitchell")).to_be_visible()


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
