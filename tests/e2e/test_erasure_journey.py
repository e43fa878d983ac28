"""An administrator erases a person on request (issue 20, part 4): from the person's page,
through the refusal while their training records must still be kept, to the erasure with an
overriding reason. Afterwards their name is gone from the pages that showed it (the people
list, their mentor's notifications, the sign-off record) and verify_records still passes.
Every page on the way is checked with axe at desktop width and at 390 CSS pixels."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from competencies import services
from competencies.models import TOMBSTONE, Assessment
from governance.models import DisposalEntry
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Tom Barker"


@pytest.fixture
def ward():
    record, mentor, (competency, *_) = factories.enrolled_trainee(competencies=2)
    trainee = record.trainee
    trainee.full_name, trainee.employee_number = NAME, "E4400123"
    trainee.save()
    mentor.full_name = "Sarah Mitchell"
    mentor.save()
    services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=factories.ask_for_sign_off(record, competency, mentor),
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback="Tom explained each step to the patient.",
    )
    admin = factories.AdministratorFactory(full_name="Ada Admin")
    return record, mentor, admin


def test_the_administrator_erases_a_person_and_the_ledger_still_verifies(
    page, live_server, sign_in, sign_out, visit, open_from_header, ward, open_governance
):
    record, mentor, admin = ward
    trainee = record.trainee

    sign_in(admin.email, factories.PASSWORD)
    open_governance("Retention schedule")
    expect(page.get_by_role("heading", name="Retention schedule", exact=True)).to_be_visible()
    expect(page.get_by_test_id("retention-rules")).to_contain_text(
        "6 years after the person leaves"
    )
    visit("retention-schedule")

    page.goto(f"{live_server.url}/people/{trainee.pk}/")
    page.get_by_role("link", name=f"Erase {NAME}'s personal data").click()
    expect(page.get_by_text("Records that must still be kept")).to_be_visible()
    visit("erase-form")

    # Refused while the records must be kept, until an overriding reason is given.
    page.get_by_label("The person objected and there are no overriding grounds").check()
    page.get_by_label("I have checked who made the request").check()
    page.get_by_role("button", name="Erase this person").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("give the reason that overrides the retention period")
    visit("erase-form-errors")
    assert not DisposalEntry.objects.exists()

    page.get_by_label("Reason for erasing within the retention period").fill(
        "Employment tribunal order, IG case 2026-41"
    )
    page.get_by_label("I have checked who made the request").check()
    page.get_by_role("button", name="Erase this person").click()
    expect(
        page.get_by_text(f"Person #{trainee.pk} erased within the retention period")
    ).to_have_count(2)
    visit("erased")

    # The name is gone from every page that showed it.
    page.goto(f"{live_server.url}/people/")
    expect(page.locator("main")).not_to_contain_text(NAME)
    page.goto(f"{live_server.url}/people/{trainee.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Erased person {trainee.pk}")
    page.goto(f"{live_server.url}/privacy/")
    expect(page.get_by_test_id("privacy-retention")).to_contain_text("Notifications")
    visit("privacy-notice")
    sign_out()

    sign_in(mentor.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("main")).not_to_contain_text(NAME)
    page.goto(f"{live_server.url}/mentor/")
    expect(page.locator("main")).not_to_contain_text(NAME)

    # The sign-off record stays, with the feedback about Tom redacted, and still verifies.
    assert set(Assessment.objects.filter(trainee=trainee).values_list("feedback", flat=True)) == {
        TOMBSTONE
    }
    out = StringIO()
    call_command("verify_records", stdout=out)
    assert "verified: no breaks" in out.getvalue()
    entry = DisposalEntry.objects.get()
    assert NAME not in entry.sentence() and "E4400123" not in entry.sentence()
