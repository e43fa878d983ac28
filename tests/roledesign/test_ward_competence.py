""" "What can this assistant practitioner do?" for the ward (issue #16, point 5): the three
lists (on their own, only under supervision, never), who may open it (the person, their line
manager, the lead nurse, and the registered nurses working on the same ward: whoever is in
charge of the shift is one of them), the ward's "who can do it now", and the record each look
leaves in the audit history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies.models import CompetencyProgress, ProgressState
from roledesign import selectors, services
from roledesign.models import CompetenceView, DelegationDecision, TaskCompetencyLink
from tests import factories
from tests.roledesign.helpers import framework_with_domains

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


@pytest.fixture
def ward(db):
    """Critical care: Tom, a qualified assistant practitioner whose course has ended (record
    closed, no allocations, no trainee role), and Priya, a trainee; a staff nurse working there;
    the role design's decisions for the ward."""
    today = timezone.localdate()
    lead = factories.LeadNurseFactory(full_name="Lena Lead")
    area = factories.ClinicalAreaFactory(name="Critical care", code="critical-care")
    framework, area, other_area = framework_with_domains(area=area)
    tom = factories.UserFactory(full_name="Tom Barker", job_title="Assistant practitioner")
    tom.clinical_area = area
    tom.save()
    record = factories.TrainingRecordFactory(
        trainee=tom, framework=framework, clinical_area=area, is_active=False
    )
    codes = {c.code: c for c in framework.competencies.all()}
    for code, state, expires in (
        ("A1", ProgressState.ACHIEVED, None),
        ("B1", ProgressState.ACHIEVED, today + datetime.timedelta(days=20)),
        ("A2", ProgressState.ACHIEVED, today - datetime.timedelta(days=1)),  # expired
        ("B2", ProgressState.IN_PROGRESS, None),
    ):
        CompetencyProgress.objects.create(
            record=record,
            competency=codes[code],
            state=state,
            achieved_on=today - datetime.timedelta(days=300)
            if state == ProgressState.ACHIEVED
            else None,
            expires_on=expires,
        )
    priya = factories.TraineeFactory(full_name="Priya Patel")
    priya.clinical_area = area
    priya.save()
    priya_record = factories.TrainingRecordFactory(
        trainee=priya, framework=framework, clinical_area=area
    )
    for code in ("A1", "B1"):
        CompetencyProgress.objects.create(record=priya_record, competency=codes[code])
    nurse = factories.MentorFactory(full_name="Nina Nurse")
    nurse.clinical_area = area
    nurse.save()

    project = services.project_create(
        actor=lead, name="Assistant practitioner, critical care", clinical_area=area, lead=lead
    )
    never = services.task_create(
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
    unlinked = services.task_create(
        actor=lead,
        project=project,
        name="Remove a urinary catheter",
        decision=DelegationDecision.WITH_CONDITIONS,
        conditions="Not after urological surgery",
        likelihood=2,
        impact=2,
    )
    return {
        "lead": lead,
        "area": area,
        "other_area": other_area,
        "tom": tom,
        "priya": priya,
        "nurse": nurse,
        "never": never,
        "unlinked": unlinked,
        "codes": codes,
    }


def _page(client, viewer, person):
    client.force_login(viewer)
    return client.get(reverse("roledesign:current_competence", args=[person.pk]))


# The three lists ----------------------------------------------------------------------------


def test_a_ward_nurse_sees_the_three_lists_for_a_qualified_assistant_practitioner(client, ward):
    response = _page(client, ward["nurse"], ward["tom"])
    assert response.status_code == 200
    html = response.content.decode()
    own = html.split('id="on-their-own"')[1].split('id="under-supervision"')[0]
    supervised = html.split('id="under-supervision"')[1].split('id="never"')[0]
    never = html.split('id="never"')[1]
    assert 'data-testid="held-A1"' in own and 'data-testid="held-B1"' in own
    b1 = own.split('data-testid="held-B1"')[1].split("</li>")[0]
    assert "Expires soon" in b1 and "Patients with a NEWS2 score below 5" in b1
    assert "Expires soon" not in own.split('data-testid="held-A1"')[1].split("</li>")[0]
    # Expired (reassessment due) and unfinished competencies: supervised only, saying why.
    a2 = supervised.split('data-testid="supervised-A2"')[1].split("</li>")[0]
    assert "Reassessment due" in a2
    assert "In progress" in supervised.split('data-testid="supervised-B2"')[1].split("</li>")[0]
    assert "held-A2" not in html and "held-B2" not in html
    # Never: the tasks judged not suitable; the conditional task not made a competency, with
    # its conditions (the linked one's conditions are shown against B1 above).
    assert "Give intravenous drugs" in never
    assert "Remove a urinary catheter" in never and "Not after urological surgery" in never
    assert "Record vital signs" not in never.split("Delegated only with conditions")[1]


def test_a_trainee_with_nothing_signed_off_is_supervised_for_everything(client, ward):
    html = _page(client, ward["nurse"], ward["priya"]).content.decode()
    assert 'data-testid="held-none"' in html
    assert 'data-testid="supervised-A1"' in html and 'data-testid="supervised-B1"' in html
    # The conditions follow the competency: once signed off, only for these patients.
    assert "Once signed off, only when:" in html


def test_the_person_reads_their_own(client, ward):
    response = _page(client, ward["priya"], ward["priya"])
    assert response.status_code == 200
    assert "Can do on your own" in response.content.decode()


def test_the_summary_takes_a_fixed_number_of_queries(ward):
    tom = selectors.competence_person(ward["tom"].pk)
    with CaptureQueriesContext(connection) as few:
        selectors.competence_summary(tom)
    record = tom.training_records.get()
    for n in range(5):
        competency = factories.CompetencyFactory(
            domain=ward["codes"]["A1"].domain, code=f"X{n}", title=f"Extra {n}"
        )
        CompetencyProgress.objects.create(
            record=record,
            competency=competency,
            state=ProgressState.ACHIEVED if n % 2 else ProgressState.NOT_STARTED,
            achieved_on=TODAY() if n % 2 else None,
        )
    with CaptureQueriesContext(connection) as many:
        summary = selectors.competence_summary(tom)
    assert len(many) == len(few)
    assert len(summary.own) == 4 and len(summary.supervised) == 5


# Who may open it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, status",
    [
        (lambda w: w["nurse"], 200),  # a registered nurse on the ward: may be in charge
        (lambda w: _on(factories.ManagerFactory(), w["area"]), 200),  # the ward manager
        (lambda w: w["lead"], 200),
        (lambda w: w["tom"], 200),  # themself
        (lambda w: _on(factories.MentorFactory(), w["other_area"]), 404),  # another ward
        (lambda w: _on(factories.UserFactory(), w["area"]), 404),  # not registered (an HCA)
        (lambda w: w["priya"], 404),  # a trainee on the same ward
        (lambda w: _on(factories.TutorFactory(), w["area"]), 404),
        (lambda w: factories.PracticeEducatorFactory(), 404),
        (lambda w: factories.MentorFactory(), 404),  # a registered nurse with no ward
        (lambda w: factories.AdministratorFactory(), 404),
    ],
)
def test_who_may_read_a_persons_competence(client, ward, make, status):
    assert _page(client, make(ward), ward["tom"]).status_code == status


def _on(person, area):
    person.clinical_area = area
    person.save()
    return person


def test_only_trainees_and_assistant_practitioners_are_looked_up(client, ward):
    # A colleague with no training record is nobody's business here.
    colleague = _on(factories.MentorFactory(), ward["area"])
    assert _page(client, ward["nurse"], colleague).status_code == 404
    assert _page(client, ward["nurse"], ward["tom"]).status_code == 200
    client.force_login(ward["nurse"])
    missing = reverse("roledesign:current_competence", args=[999999])
    assert client.get(missing).status_code == 404


def test_anonymous_goes_to_sign_in_and_post_is_refused(client, ward):
    url = reverse("roledesign:current_competence", args=[ward["tom"].pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    client.force_login(ward["nurse"])
    assert client.post(url).status_code == 405


# Every look in the audit history -------------------------------------------------------------


def test_each_look_is_recorded_and_shown_in_the_audit_history(client, ward):
    _page(client, ward["nurse"], ward["tom"])
    _page(client, ward["nurse"], ward["tom"])
    views = list(CompetenceView.objects.filter(person=ward["tom"]))
    assert len(views) == 2 and {v.viewer for v in views} == {ward["nurse"]}
    assert views[0].history.get().history_user == ward["nurse"]
    client.force_login(ward["lead"])
    audit = client.get(reverse("cohorts:audit_log"), {"kind": "competence_view"})
    html = audit.content.decode()
    assert audit.status_code == 200
    assert html.count("Current competence of Tom Barker") == 2 and "Nina Nurse" in html
    # Under the person filter: looks at Tom are part of Tom's history.
    tom_only = client.get(reverse("cohorts:audit_log"), {"person": ward["tom"].pk})
    assert "Current competence of Tom Barker" in tom_only.content.decode()


def test_a_refused_look_leaves_no_record(client, ward):
    _page(client, _on(factories.MentorFactory(), ward["other_area"]), ward["tom"])
    assert not CompetenceView.objects.exists()


def test_the_service_refuses_someone_who_may_not_look(ward):
    stranger = factories.MentorFactory()
    with pytest.raises(PermissionDenied):
        services.competence_view_record(actor=stranger, person=ward["tom"])
    with pytest.raises(PermissionDenied):
        services.competence_view_record(actor=stranger, clinical_area=ward["area"])
    assert not CompetenceView.objects.exists()


# The ward's "who can do it now" ----------------------------------------------------------------


def _ward_page(client, viewer, area, **query):
    client.force_login(viewer)
    return client.get(reverse("roledesign:ward_competence", args=[area.pk]), query)


def test_who_on_the_ward_can_do_it_now(client, ward):
    response = _ward_page(client, ward["nurse"], ward["area"], competency="B1")
    html = response.content.decode()
    assert response.status_code == 200
    own = html.split('id="ward-own"')[1].split('id="ward-supervised"')[0]
    supervised = html.split('id="ward-supervised"')[1].split('id="ward-people"')[0]
    assert "Tom Barker" in own and "Expires soon" in own and "Priya Patel" not in own
    assert "Priya Patel" in supervised and "Tom Barker" not in supervised
    assert "Patients with a NEWS2 score below 5" in html
    assert "Give intravenous drugs" in html.split('id="ward-never"')[1]
    # Expired for Tom: nobody may do A2 on their own.
    html = _ward_page(client, ward["nurse"], ward["area"], competency="A2").content.decode()
    assert 'data-testid="can-none"' in html
    logged = CompetenceView.objects.filter(clinical_area=ward["area"]).order_by("id")
    assert [v.competency for v in logged] == ["B1 Record vital signs", "A2 Keep records"]


def test_asking_about_a_task(client, ward):
    # Not suitable: nobody in the role does it, not even under supervision.
    key = f"task-{ward['never'].pk}"
    html = _ward_page(client, ward["nurse"], ward["area"], competency=key).content.decode()
    assert 'data-testid="ward-never-answer"' in html and 'id="ward-own"' not in html
    # Suitable with conditions and made competency B1: whoever holds B1, with the conditions.
    conditional = TaskCompetencyLink.objects.get().task
    html = _ward_page(
        client, ward["nurse"], ward["area"], competency=f"task-{conditional.pk}"
    ).content.decode()
    own = html.split('id="ward-own"')[1].split('id="ward-supervised"')[0]
    assert "Tom Barker" in own and "Patients with a NEWS2 score below 5" in html
    # Suitable with conditions, no competency made yet: nobody signed off.
    html = _ward_page(
        client, ward["nurse"], ward["area"], competency=f"task-{ward['unlinked'].pk}"
    ).content.decode()
    assert 'data-testid="ward-no-competency"' in html and 'data-testid="can-none"' in html
    assert "Not after urological surgery" in html
    assert CompetenceView.objects.filter(competency="Task: Give intravenous drugs").exists()


def test_a_task_from_another_wards_role_design_cannot_be_asked_about(client, ward):
    lead = ward["lead"]
    elsewhere = services.project_create(
        actor=lead, name="Elsewhere", clinical_area=ward["other_area"], lead=lead
    )
    task = services.task_create(
        actor=lead,
        project=elsewhere,
        name="Elsewhere task",
        decision=DelegationDecision.SUITABLE,
        likelihood=1,
        impact=1,
    )
    response = _ward_page(client, ward["nurse"], ward["area"], competency=f"task-{task.pk}")
    assert "Select a competency or task from the list" in response.content.decode()


def test_the_ward_page_without_a_question_lists_the_people(client, ward):
    html = _ward_page(client, ward["nurse"], ward["area"]).content.decode()
    assert "What can Tom Barker do?" in html and "What can Priya Patel do?" in html
    assert 'data-testid="ward-answer"' not in html
    assert CompetenceView.objects.get().competency == ""


def test_an_unknown_competency_is_an_error_not_a_failure(client, ward):
    response = _ward_page(client, ward["nurse"], ward["area"], competency="<script>")
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html and "Select a competency or task from the list" in html
    assert 'data-testid="ward-answer"' not in html


@pytest.mark.parametrize(
    "make, status",
    [
        (lambda w: w["nurse"], 200),
        (lambda w: _on(factories.ManagerFactory(), w["area"]), 200),
        (lambda w: w["lead"], 200),  # any ward
        (lambda w: _on(factories.MentorFactory(), w["other_area"]), 403),
        (lambda w: _on(factories.UserFactory(), w["area"]), 403),
        (lambda w: w["priya"], 403),
        (lambda w: w["tom"], 403),
        (lambda w: _on(factories.TutorFactory(), w["area"]), 403),
        (lambda w: factories.PracticeEducatorFactory(), 403),
        (lambda w: factories.AdministratorFactory(), 403),
    ],
)
def test_who_may_read_the_ward(client, ward, make, status):
    assert _ward_page(client, make(ward), ward["area"]).status_code == status


def test_my_ward_sends_nurses_to_their_ward_and_lets_the_lead_nurse_choose(client, ward):
    url = reverse("roledesign:my_ward")
    client.force_login(ward["nurse"])
    response = client.get(url)
    assert response["Location"] == reverse("roledesign:ward_competence", args=[ward["area"].pk])
    client.force_login(ward["lead"])
    assert "Critical care" in client.get(url).content.decode()
    for refused in (ward["priya"], factories.MentorFactory(), factories.AdministratorFactory()):
        client.force_login(refused)
        assert client.get(url).status_code == 403


def test_the_supporters_home_links_to_the_ward(client, ward):
    client.force_login(ward["nurse"])
    html = client.get(reverse("competencies:my_trainees")).content.decode()
    assert reverse("roledesign:ward_competence", args=[ward["area"].pk]) in html
    client.force_login(factories.MentorFactory())
    html = client.get(reverse("competencies:my_trainees")).content.decode()
    assert 'data-testid="ward-competence-link"' not in html
