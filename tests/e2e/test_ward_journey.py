"""The nurse in charge's question in a real browser (issue #16, point 5): "can Tom take an ABG
today?". A staff nurse on the ward goes from her home to the ward's "who can do it now", asks
about a competency, opens what Tom (a qualified assistant practitioner, his course over) may
do on his own, under supervision and never, and prints it on one A4 page; the trainee finds
her own from her progress page; the lead nurse sees each look in the audit history. Every page
is checked with axe at desktop width and at 390 px, where nothing may scroll sideways."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from competencies.models import CompetencyProgress, ProgressState
from roledesign import services
from roledesign.models import DelegationDecision, TaskCompetencyLink
from tests import factories
from tests.e2e.conftest import check_both_widths, screenshot
from tests.roledesign.helpers import framework_with_domains

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    today = timezone.localdate()
    lead = factories.LeadNurseFactory(full_name="Joanne Whitaker")
    area = factories.ClinicalAreaFactory(name="Critical care", code="critical-care")
    framework, area, _ = framework_with_domains(area=area)
    codes = {c.code: c for c in framework.competencies.all()}

    tom = factories.UserFactory(
        full_name="Tom Barker", job_title="Assistant practitioner", clinical_area=area
    )
    record = factories.TrainingRecordFactory(
        trainee=tom, framework=framework, clinical_area=area, is_active=False
    )
    for code, state, expires in (
        ("A1", ProgressState.ACHIEVED, None),
        ("B1", ProgressState.ACHIEVED, today + datetime.timedelta(days=20)),
        ("B2", ProgressState.IN_PROGRESS, None),
    ):
        CompetencyProgress.objects.create(
            record=record,
            competency=codes[code],
            state=state,
            achieved_on=today - datetime.timedelta(days=200)
            if state == ProgressState.ACHIEVED
            else None,
            expires_on=expires,
        )
    # A whole framework's worth still to learn: the printout must still fit one page.
    domain = codes["B1"].domain
    for n in range(24):
        extra = factories.CompetencyFactory(
            domain=domain, code=f"C{n + 10}", title=f"Clinical skill {n + 10}", order=10 + n
        )
        CompetencyProgress.objects.create(record=record, competency=extra)
    priya = factories.TraineeFactory(full_name="Priya Patel", clinical_area=area)
    priya_record = factories.TrainingRecordFactory(
        trainee=priya, framework=framework, clinical_area=area
    )
    for code in ("A1", "A2", "B1", "B2"):
        CompetencyProgress.objects.create(record=priya_record, competency=codes[code])
    nurse = factories.MentorFactory(full_name="Nina Shah", clinical_area=area)

    project = services.project_create(
        actor=lead, name="Assistant practitioner, critical care", clinical_area=area, lead=lead
    )
    services.task_create(
        actor=lead,
        project=project,
        name="Give intravenous drugs",
        decision=DelegationDecision.NOT_SUITABLE,
        likelihood=4,
        impact=5,
    )
    conditional = services.task_create(
        actor=lead,
        project=project,
        name="Record vital signs",
        decision=DelegationDecision.WITH_CONDITIONS,
        conditions="Patients with a NEWS2 score below 5",
        likelihood=2,
        impact=3,
    )
    TaskCompetencyLink.objects.create(task=conditional, competency=codes["B1"])
    return {"lead": lead, "tom": tom, "priya": priya, "nurse": nurse}


def _check_both_widths(page, name: str) -> None:
    """axe at desktop width and at 390 px, where the page must not scroll sideways."""
    check_both_widths(page, name)


def test_the_nurse_in_charge_asks_who_can_do_it(page, live_server, sign_in, sign_out, world):
    # The staff nurse's home links to her ward.
    sign_in(world["nurse"].email, factories.PASSWORD)
    page.get_by_role("link", name="Who on Critical care can do a task now").click()
    expect(page.get_by_role("heading", name="Who on this ward can do it now?")).to_be_visible()
    _check_both_widths(page, "ward-competence")

    # A question with no answer chosen is refused in words.
    page.get_by_role("button", name="Show who can do it").click()
    expect(page.get_by_role("alert")).to_contain_text("Select a competency")
    _check_both_widths(page, "ward-competence-error")

    page.get_by_label("Competency").select_option(label="B1 Record vital signs")
    page.get_by_role("button", name="Show who can do it").click()
    answer = page.get_by_test_id("ward-answer")
    expect(answer).to_have_text("B1 Record vital signs")
    own = page.get_by_role("list", name="Can do it on their own (1)")
    expect(own).to_contain_text("Tom Barker")
    expect(own).to_contain_text("Expires soon")
    expect(page.get_by_role("list", name="Only under supervision (1)")).to_contain_text(
        "Priya Patel"
    )
    expect(page.get_by_text("Patients with a NEWS2 score below 5")).to_be_visible()
    _check_both_widths(page, "ward-competence-answer")

    # A task the role design judged not suitable: nobody in the role does it.
    page.get_by_label("Competency or task").select_option(label="Task: Give intravenous drugs")
    page.get_by_role("button", name="Show who can do it").click()
    expect(page.get_by_test_id("ward-never-answer")).to_contain_text("Never delegated")
    _check_both_widths(page, "ward-competence-never")
    page.go_back()

    # What can Tom do?
    own.get_by_role("link", name="Tom Barker").click()
    expect(page.get_by_role("heading", name="What can Tom do?")).to_be_visible()
    expect(page.get_by_test_id("held-A1")).to_contain_text("Does not expire")
    expect(page.get_by_test_id("held-B1")).to_contain_text("Expires soon")
    expect(page.get_by_test_id("held-B1")).to_contain_text("Patients with a NEWS2 score below 5")
    expect(page.get_by_test_id("supervised-B2")).to_contain_text("In progress")
    expect(page.get_by_role("heading", name="Only under supervision (25)")).to_be_visible()
    expect(page.get_by_role("list", name="Never delegated to this role (1)")).to_contain_text(
        "Give intravenous drugs"
    )
    _check_both_widths(page, "current-competence")

    # Printed, it fits one A4 page and leaves the site's navigation off.
    page.emulate_media(media="print")
    expect(page.locator(".nhsuk-header")).to_be_hidden()
    screenshot(page, "current-competence-as-printed")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    page.emulate_media(media="screen")
    sign_out()

    # The trainee finds her own from her progress page.
    sign_in(world["priya"].email, factories.PASSWORD)
    page.get_by_role("link", name="What you can do now: your current competencies").click()
    expect(page.get_by_role("heading", name="What can Priya do?")).to_be_visible()
    expect(page.get_by_role("heading", name="Can do on your own (0)")).to_be_visible()
    _check_both_widths(page, "current-competence-own")
    sign_out()

    # The lead nurse sees each look in the audit history.
    sign_in(world["lead"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}{reverse('cohorts:audit_log')}?kind=competence_view")
    rows = page.get_by_test_id("audit-row")
    expect(rows.filter(has_text="Current competence of Tom Barker")).to_contain_text("Nina Shah")
    # Every look counts, the one going back to the answer too.
    asked = rows.filter(has_text="Ward competence of Critical care: who can do B1")
    expect(asked.first).to_contain_text("Nina Shah")
