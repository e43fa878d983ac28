"""Role design and job descriptions in a real browser (issue #5). The lead nurse opens a
role-design project (the seven Calderdale stages as a task list), adds a task with its
delegation decision and risk, makes it a competency in a draft framework, opens a job
description, approves it, views the print layout and downloads it as a Word document; a ward
manager opens "What can this assistant practitioner do?"; a trainee sees their job description.
Every page visited is checked with axe-core (visit())."""

from __future__ import annotations

import datetime

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competencies.models import CompetencyProgress, ProgressState
from pathway.models import Allocation
from roledesign import services
from roledesign.models import StageKind, Task, TaskCompetencyLink
from tests import factories
from tests.e2e.conftest import screenshot
from tests.roledesign.helpers import framework_with_domains, make_jd

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    today = timezone.localdate()
    lead = factories.LeadNurseFactory(full_name="Joanne Whitaker")
    area = factories.ClinicalAreaFactory(name="Critical care", code="critical-care")
    framework, area, _ = framework_with_domains(area=area)
    framework.name = "Assistant practitioner: critical care"
    framework.save()
    draft = factories.FrameworkFactory(name="Assistant practitioner: critical care (next)")
    factories.DomainFactory(framework=draft, title="Clinical skills")
    project = services.project_create(
        actor=lead, name="Assistant practitioner, critical care", clinical_area=area, lead=lead
    )
    for stage in project.stages.filter(kind__lte=StageKind.SERVICE_ANALYSIS).order_by("kind"):
        services.stage_update(
            actor=lead, stage=stage, status="completed", owner=lead, end_date=today
        )
    jd = make_jd(lead=lead, framework=framework, area=area, title="Assistant practitioner")
    # A trainee working towards it, and a qualified assistant practitioner with a ward manager.
    trainee = factories.TraineeFactory(full_name="Priya Patel")
    factories.TrainingRecordFactory(trainee=trainee, framework=framework, clinical_area=area)
    qualified = factories.TraineeFactory(full_name="Tom Barker", job_title="Assistant practitioner")
    record = factories.TrainingRecordFactory(
        trainee=qualified, framework=framework, clinical_area=area
    )
    for competency, expires in zip(
        framework.competencies.filter(code__in=["A1", "B1", "B2"]).order_by("code"),
        (None, today + datetime.timedelta(days=20), today - datetime.timedelta(days=1)),
        strict=True,
    ):
        CompetencyProgress.objects.create(
            record=record,
            competency=competency,
            state=ProgressState.ACHIEVED,
            achieved_on=today - datetime.timedelta(days=200),
            expires_on=expires,
        )
    manager = factories.ManagerFactory(full_name="Martha Okafor")
    factories.AllocationFactory(trainee=qualified, supporter=manager, kind=Allocation.Kind.MANAGER)
    return {
        "lead": lead,
        "project": project,
        "jd": jd,
        "trainee": trainee,
        "qualified": qualified,
        "manager": manager,
        "draft": draft,
    }


def test_role_design_to_an_approved_job_description(
    page, live_server, sign_in, sign_out, visit, world, open_from_header
):
    # The lead nurse opens the project: the seven stages as a task list.
    sign_in(world["lead"].email, factories.PASSWORD)
    page.get_by_role("link", name="Role design", exact=True).click()
    visit("roledesign-projects")
    page.get_by_role("link", name="Assistant practitioner, critical care").click()
    stages = page.locator(".nhsuk-task-list__item")
    expect(stages).to_have_count(7)
    expect(stages.nth(0)).to_contain_text("Completed")
    expect(stages.nth(2)).to_contain_text("Not started")
    expect(stages.nth(3)).to_contain_text("Cannot start yet")
    visit("roledesign-project")

    # A stage that cannot start yet says what it waits for.
    page.get_by_role("link", name="4. Competency identification and generation").click()
    expect(page.get_by_test_id("stage-waiting")).to_contain_text("Task analysis")
    visit("roledesign-stage-waiting")
    page.get_by_role("link", name="Back to Assistant practitioner, critical care").click()

    # The import page explains each column and offers the template.
    page.get_by_role("link", name="Import tasks from a file").click()
    expect(page.get_by_test_id("task-import-columns")).to_contain_text("Delegation decision")
    visit("roledesign-task-import")
    page.get_by_role("link", name="Back to Assistant practitioner, critical care").click()

    # Adds a task with a delegation decision and a risk rating.
    page.get_by_role("link", name="Add a task").click()
    visit("roledesign-task-form")
    page.get_by_label("Task", exact=True).fill("Tracheostomy suctioning")
    page.get_by_label("Who does it now (optional)").fill("Registered nurses")
    page.get_by_label("Suitable with conditions").check()
    page.get_by_label("Conditions", exact=True).fill("Established tracheostomy only")
    page.get_by_role("group", name="Likelihood of harm").get_by_label("3", exact=True).check()
    page.get_by_role("group", name="Impact of harm").get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Save task").click()
    expect(page.get_by_role("heading", name="Tracheostomy suctioning")).to_be_visible()
    expect(page.get_by_text("High (12)")).to_be_visible()
    visit("roledesign-task")

    # Makes it a competency in a draft framework, in one step.
    page.get_by_role("link", name="Make a competency from this task").click()
    page.get_by_label("Draft framework and domain").select_option(index=1)
    page.get_by_label("ID number").fill("CC7")
    visit("roledesign-make-competency")
    page.get_by_role("button", name="Make competency").click()
    expect(page.get_by_text("Draft competency CC7 made")).to_be_visible()
    visit("roledesign-task-with-competency")
    link = TaskCompetencyLink.objects.get(task=Task.objects.get(name="Tracheostomy suctioning"))
    assert link.competency.framework == world["draft"] and link.competency.code == "CC7"
    page.get_by_role("link", name="CC7 Tracheostomy suctioning").click()
    expect(page.get_by_text("Established tracheostomy only")).to_be_visible()
    visit("roledesign-provenance")

    # Opens the job description and approves it.
    open_from_header("Job descriptions")
    visit("roledesign-jd-list")
    page.get_by_role("link", name="Assistant practitioner").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Assistant practitioner")
    visit("roledesign-jd-draft")
    page.get_by_role("link", name="Approve").click()
    visit("roledesign-jd-approve")
    page.get_by_role("button", name="Approve job description").click()
    expect(page.get_by_text("approved", exact=False).first).to_be_visible()
    visit("roledesign-jd-approved")

    # Its history: who approved it, and when.
    page.get_by_role("link", name="History of changes to this job description").click()
    expect(page.get_by_test_id("audit-row").first).to_contain_text("Joanne Whitaker")
    expect(page.get_by_test_id("audit-row").first).to_contain_text("Approved")
    visit("roledesign-jd-history")
    page.go_back()

    # The print layout.
    page.get_by_role("link", name="Printable version").click()
    expect(page.get_by_role("heading", name="Person specification")).to_be_visible()
    visit("roledesign-jd-print")
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to the job description")).to_be_hidden()
    screenshot(page, "roledesign-jd-print-as-printed")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to the job description").click()

    # The Word document arrives and opens.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as a Word document (.docx)").click()
    download = download_info.value
    assert download.suggested_filename == "assistant-practitioner-v1.docx"
    document = docx.Document(str(download.path()))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for t in document.tables for row in t.rows for cell in row.cells)
    assert "Assistant practitioner" in text and "Person specification" in text
    assert "Tracheostomy care" in text  # a competency specific to critical care
    sign_out()

    # A ward manager: what can this assistant practitioner do?
    sign_in(world["manager"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/people/{world['qualified'].pk}/current-competence/")
    expect(page.get_by_role("heading", name="What can Tom do?")).to_be_visible()
    expect(page.get_by_test_id("held-A1")).to_contain_text("Does not expire")
    expect(page.get_by_test_id("held-B1")).to_contain_text("Expires soon")
    expect(page.get_by_test_id("held-B2")).to_have_count(0)  # expired yesterday
    visit("roledesign-current-competence")
    sign_out()

    # The trainee sees the job description they are working towards.
    sign_in(world["trainee"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/my-job-description/")
    expect(page.get_by_text("The role you are training for")).to_be_visible()
    expect(page.get_by_role("heading", name="Person specification")).to_be_visible()
    visit("roledesign-trainee-jd")
