"""Recruitment from application to enrolment in the browser: the lead nurse opens a cohort
for applications; a band 3 support worker applies; their ward manager confirms support; the
lead nurse shortlists, records the interview and makes an offer; the applicant accepts; the
lead nurse enrols them in one step. Then the funding pages. Every page visited is checked
with axe-core."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Enrolment
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
    area = factories.ClinicalAreaFactory(name="Critical care", code="critical-care")
    framework, _ = factories.published_framework_with(core=2, area=area)
    cohort = factories.CohortFactory(
        name="Cohort 3",
        framework=framework,
        status="planned",
        intake_date=today + datetime.timedelta(weeks=12),
    )
    cohort.clinical_areas.set([area])
    return {
        "cohort": cohort,
        "area": area,
        "lead": factories.LeadNurseFactory(full_name="Joanne Whitaker"),
        "applicant": factories.Band3StaffFactory(
            full_name="Zoe Fairbairn", email="zoe@trust.nhs.uk", clinical_area=area
        ),
        "manager": factories.ManagerFactory(
            full_name="Angela Brooks", email="angela@trust.nhs.uk", job_title="Ward manager"
        ),
    }


def test_apply_support_offer_accept_enrol(
    page, live_server, sign_in, sign_out, visit, world, open_from_header
):
    today = timezone.localdate()
    url = live_server.url

    # 1. The lead nurse opens the cohort for applications.
    sign_in(world["lead"].email, factories.PASSWORD)
    open_from_header("Recruitment")
    visit("recruitment-index-empty")
    page.get_by_role("link", name="Open Cohort 3 for applications").click()
    _fill_date(page, "Applications open", today)
    _fill_date(page, "Closing date", today + datetime.timedelta(weeks=4))
    page.get_by_label("Essential criteria").fill(
        "Band 3 in post for at least a year\nCare Certificate completed"
    )
    page.get_by_label("Desirable criteria (optional)").fill("Experience in critical care")
    visit("recruitment-open-round")
    page.get_by_role("button", name="Open for applications").click()
    expect(page.get_by_text("Cohort 3 is open for applications")).to_be_visible()
    visit("recruitment-round-detail-empty")
    sign_out()

    # 2. A band 3 support worker applies, naming their ward manager.
    sign_in(world["applicant"].email, factories.PASSWORD)
    page.goto(f"{url}/recruitment/my-applications/")
    visit("recruitment-my-applications")
    page.get_by_role("link", name="Apply to Cohort 3").click()
    page.get_by_label("Your line manager").select_option(label="Angela Brooks, Ward manager")
    page.get_by_label("Supporting statement").fill(
        "Three years on the critical care unit. I want to become an assistant practitioner."
    )
    visit("recruitment-apply")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Application sent")).to_be_visible()
    expect(page.get_by_text("Awaiting manager's support").first).to_be_visible()
    visit("recruitment-application-applicant")
    sign_out()

    # 3. The manager confirms their support.
    sign_in(world["manager"].email, factories.PASSWORD)
    page.goto(f"{url}/recruitment/support/")
    visit("recruitment-support-requests")
    page.get_by_role("link", name="Answer for Zoe Fairbairn").click()
    page.get_by_role("group", name="Do you support this application?").get_by_label("Yes").check()
    page.get_by_label("Comment").fill("Reliable and keen; study days agreed.")
    visit("recruitment-support-decide")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("Your answer about Zoe Fairbairn is recorded")).to_be_visible()
    sign_out()

    # 4. The lead nurse shortlists, records the interview and makes an offer.
    sign_in(world["lead"].email, factories.PASSWORD)
    open_from_header("Recruitment")
    page.get_by_role("link", name="Cohort 3").click()
    page.get_by_role("link", name="Shortlist for Zoe Fairbairn").click()
    for group in page.get_by_role("group").filter(has_text="criterion").all():
        group.get_by_label("Met", exact=True).check()
    page.get_by_role("group", name="Shortlist for interview?").get_by_label("Yes").check()
    visit("recruitment-shortlist")
    page.get_by_role("button", name="Save shortlisting").click()
    expect(page.get_by_text("Shortlisting of Zoe Fairbairn saved")).to_be_visible()
    page.get_by_role("link", name="Record the interview").click()
    _fill_date(page, "Date of the interview", today)
    page.get_by_label("Score out of 100 (optional)").fill("78")
    page.get_by_label("Appointable", exact=True).check()
    visit("recruitment-interview")
    page.get_by_role("button", name="Save interview").click()
    page.get_by_role("link", name="Make an offer").click()
    visit("recruitment-offer")
    page.get_by_role("button", name="Make the offer").click()
    expect(page.get_by_text("Zoe Fairbairn is offered a place on Cohort 3")).to_be_visible()
    visit("recruitment-application-lead")
    sign_out()

    # 5. The applicant accepts.
    sign_in(world["applicant"].email, factories.PASSWORD)
    page.goto(f"{url}/recruitment/my-applications/")
    page.get_by_role("link", name="Cohort 3").click()
    page.get_by_role("link", name="Answer your offer").click()
    page.get_by_label("Yes, I accept").check()
    visit("recruitment-respond")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("You accepted the offer")).to_be_visible()
    sign_out()

    # 6. The lead nurse enrols them: one step.
    sign_in(world["lead"].email, factories.PASSWORD)
    open_from_header("Recruitment")
    page.get_by_role("link", name="Cohort 3").click()
    visit("recruitment-round-detail")
    page.get_by_role("link", name="Enrol for Zoe Fairbairn").click()
    page.get_by_label("Clinical area they will train in").select_option(label="Critical care")
    visit("recruitment-enrol")
    page.get_by_role("button", name="Enrol on the cohort").click()
    expect(page.get_by_text("Zoe Fairbairn is enrolled on Cohort 3")).to_be_visible()
    expect(page.get_by_text("Enrolled", exact=True).first).to_be_visible()
    visit("recruitment-application-enrolled")
    assert Enrolment.objects.filter(trainee=world["applicant"], cohort=world["cohort"]).exists()

    # 7. Funding: a grant and a cost, and what that comes to.
    page.goto(f"{url}/funding/")  # the header may fold Funding under "More" at this width
    visit("funding-index")
    page.get_by_role("link", name="Cohort 3").click()
    page.get_by_role("link", name="Add a funding source").click()
    page.get_by_label("Name").fill("Education commissioner grant")
    page.get_by_label("Amount in pounds").fill("£6,000")
    visit("funding-source-add")
    page.get_by_role("button", name="Save funding source").click()
    page.get_by_role("link", name="Add a cost").click()
    page.get_by_label("University fees").check()
    page.get_by_label("Description").fill("Module fees")
    page.get_by_label("Quantity").fill("1")
    page.get_by_label("Cost of each, in pounds").fill("4650")
    visit("funding-cost-add")
    page.get_by_role("button", name="Save cost").click()
    expect(page.get_by_text("Surplus £1,350.00")).to_be_visible()
    visit("funding-cohort-detail")
