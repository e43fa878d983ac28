"""A trainee answers a questionnaire (saving to finish later on the way), and the lead nurse
reads the results, the comparison and the builder's pages. Every page visited is checked with
axe-core (WCAG 2.2 A and AA)."""

import pytest
from playwright.sync_api import expect

from evaluation import services
from tests import factories
from tests.evaluation.helpers import answer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    questionnaire = factories.questionnaire_with(title="End of programme evaluation", sections=1)
    issue, trainees, mentor = factories.issued_questionnaire(
        trainees=3, questionnaire=questionnaire
    )
    trainee = trainees[0]
    trainee.full_name = "Tom Barker"
    trainee.save()
    answer(issue, trainees[1], likert=4, single=1, multiple=[1], text="More training days")
    answer(issue, trainees[2], likert=2, single=2, multiple=[2, 3])
    lead = factories.LeadNurseFactory(full_name="Joanne Whitaker")
    building = services.questionnaire_create(actor=None, title="Mentor survey")
    services.section_add(actor=None, questionnaire=building, title="Your trainee")
    return {"issue": issue, "trainee": trainee, "lead": lead, "building": building}


def test_a_trainee_answers_and_the_lead_nurse_reads_the_results(
    page, live_server, sign_in, sign_out, visit, open_from_header, world
):
    # The trainee finds the questionnaire from the header.
    sign_in(world["trainee"].email, factories.PASSWORD)
    page.get_by_role("link", name="Questionnaires", exact=True).click()
    visit("trainee-questionnaires")
    page.get_by_role("link", name="End of programme evaluation").click()
    visit("trainee-questionnaire-start")
    page.get_by_role("link", name="Start now").click()

    # Saving nothing and continuing shows the errors.
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visit("trainee-questionnaire-errors")

    # One answer, then save and finish later.
    page.get_by_role("group", name="My mentor supported me well").get_by_label("4: Agree").check()
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Your answers are saved")).to_be_visible()
    expect(page.get_by_text("In progress")).to_be_visible()

    # Coming back: the saved answer is still chosen; finish the section.
    page.get_by_role("link", name="End of programme evaluation").click()
    page.get_by_role("link", name="Continue").click()
    group = page.get_by_role("group", name="My mentor supported me well")
    expect(group.get_by_label("4: Agree")).to_be_checked()
    visit("trainee-questionnaire-section")
    group.get_by_label("5: Strongly agree").check()
    page.get_by_role("group", name="How often did you meet your mentor?").get_by_label(
        "Weekly"
    ).check()
    page.get_by_label("Mentor", exact=True).check()
    page.get_by_label("What would you change? (optional)").fill("Protected study time")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    visit("trainee-questionnaire-check")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_test_id("submitted")).to_be_visible()
    visit("trainee-questionnaire-done")
    sign_out()

    # The lead nurse reads the results.
    sign_in(world["lead"].email, factories.PASSWORD)
    open_from_header("Questionnaires")
    visit("lead-questionnaires")
    page.get_by_role("link", name="End of programme evaluation").click()
    visit("lead-questionnaire-detail")
    page.get_by_role("link", name=world["issue"].cohort.name).click()
    expect(page.get_by_test_id("response-rate")).to_contain_text("3 of 4")
    likert = world["issue"].questionnaire.sections.get().questions.order_by("order").first()
    expect(page.get_by_test_id(f"mean-{likert.pk}")).to_have_text("3.67")
    expect(page.get_by_test_id(f"median-{likert.pk}")).to_have_text("4")
    expect(page.get_by_text("Protected study time")).to_be_visible()
    visit("lead-questionnaire-results")
    page.get_by_role("link", name="Back to End of programme evaluation").click()
    page.get_by_role("link", name="Compare results across cohorts").click()
    visit("lead-questionnaire-comparison")
    page.get_by_role("link", name="Back to End of programme evaluation").click()
    page.get_by_role("link", name="Issue to a cohort").click()
    visit("lead-questionnaire-issue-form")
    page.get_by_role("link", name="Back", exact=True).click()
    page.get_by_role("link", name="Copy for another cohort").click()
    visit("lead-questionnaire-copy")

    # The builder, on a questionnaire not issued yet.
    page.goto(f"{live_server.url}/evaluation/questionnaires/{world['building'].pk}/")
    visit("lead-questionnaire-builder")
    page.get_by_role("link", name="Add a question to Your trainee").click()
    visit("lead-question-form")
    page.get_by_label("Question", exact=True).fill("My trainee is ready to qualify")
    page.get_by_label("Agreement scale (1 to 5)").check()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("1. My trainee is ready to qualify")).to_be_visible()
    visit("lead-questionnaire-builder-with-question")
