"""Who may reach each role design and job description page: one test per refused role per
page kind. Anonymous people are sent to sign in; others get 403 (or 404 for a record that is
not theirs to know about)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from competencies.models import Competency
from roledesign import services
from roledesign.models import DelegationDecision
from tests import factories
from tests.roledesign.helpers import framework_with_domains, make_jd

pytestmark = pytest.mark.django_db

ROLES = {
    "trainee": factories.TraineeFactory,
    "mentor": factories.MentorFactory,
    "tutor": factories.TutorFactory,
    "practice_educator": factories.PracticeEducatorFactory,
    "manager": factories.ManagerFactory,
    "administrator": factories.AdministratorFactory,
    "lead_nurse": factories.LeadNurseFactory,
}


@pytest.fixture
def world(db):
    lead = factories.LeadNurseFactory()
    framework, area, _ = framework_with_domains()
    jd = make_jd(framework=framework, area=area, lead=lead)
    project = services.project_create(actor=lead, name="P", clinical_area=area, lead=lead)
    task = services.task_create(
        actor=lead,
        project=project,
        name="T",
        decision=DelegationDecision.SUITABLE,
        likelihood=1,
        impact=1,
    )
    record = factories.TrainingRecordFactory(framework=framework, clinical_area=area)
    return {
        "jd": jd,
        "project": project,
        "stage": project.stages.first(),
        "task": task,
        "record": record,
        "competency": Competency.objects.filter(framework=framework).first(),
    }


# (url name, args from world, roles allowed with GET 200)
READ_PAGES = [
    ("jd_list", lambda w: [], {"lead_nurse", "administrator"}),
    ("jd_detail", lambda w: [w["jd"].pk], {"lead_nurse", "administrator"}),
    ("jd_print", lambda w: [w["jd"].pk], {"lead_nurse", "administrator"}),
    ("jd_download", lambda w: [w["jd"].pk], {"lead_nurse", "administrator"}),
    ("project_list", lambda w: [], {"lead_nurse", "administrator"}),
    ("project_detail", lambda w: [w["project"].pk], {"lead_nurse", "administrator"}),
    ("task_detail", lambda w: [w["task"].pk], {"lead_nurse", "administrator"}),
]
WRITE_PAGES = [
    ("jd_create", lambda w: []),
    ("jd_edit", lambda w: [w["jd"].pk]),
    ("jd_approve", lambda w: [w["jd"].pk]),
    ("jd_new_version", lambda w: [w["jd"].pk]),
    ("project_create", lambda w: []),
    ("stage_edit", lambda w: [w["stage"].pk]),
    ("task_create", lambda w: [w["project"].pk]),
    ("task_edit", lambda w: [w["task"].pk]),
    ("task_import", lambda w: [w["project"].pk]),
    ("task_make_competency", lambda w: [w["task"].pk]),
    ("competency_provenance", lambda w: [w["competency"].pk]),
]


def _cases():
    for name, args, allowed in READ_PAGES:
        for role in ROLES:
            yield pytest.param(
                name, args, role, 200 if role in allowed else 403, id=f"{name}-{role}"
            )
    for name, args in WRITE_PAGES:
        for role in ROLES:
            yield pytest.param(
                name, args, role, None if role == "lead_nurse" else 403, id=f"{name}-{role}"
            )


@pytest.mark.parametrize(("name", "args", "role", "status"), list(_cases()))
def test_role_gets_the_expected_status(client, world, name, args, role, status):
    client.force_login(ROLES[role]())
    response = client.get(reverse(f"roledesign:{name}", args=args(world)))
    if status is None:  # the lead nurse: the page, or a redirect for an approved JD's editor
        assert response.status_code in {200, 302}
    else:
        assert response.status_code == status


@pytest.mark.parametrize(
    "name",
    [n for n, *_ in READ_PAGES] + [n for n, _ in WRITE_PAGES] + ["my_job_description"],
)
def test_anonymous_is_sent_to_sign_in(client, world, name):
    args = dict((n, a) for n, a, *_ in READ_PAGES + WRITE_PAGES).get(name, lambda w: [])
    response = client.get(reverse(f"roledesign:{name}", args=args(world)))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


CONVERTED = ("task_create", "task_edit", "task_import", "competency_provenance")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "lead_nurse"])
def test_task_writes_by_post_are_refused_for_every_other_role(client, world, role):
    client.force_login(ROLES[role]())
    pages = dict(WRITE_PAGES)
    posted = {"name": "Sneaky", "decision": "suitable", "likelihood": "1", "impact": "1"}
    for name in CONVERTED:
        url = reverse(f"roledesign:{name}", args=pages[name](world))
        assert client.post(url, posted).status_code in {403, 405}, name
    world["task"].refresh_from_db()
    assert world["task"].name == "T"
    assert not world["project"].tasks.filter(name="Sneaky").exists()


def test_what_is_not_there_is_404_for_the_lead_nurse(client, world):
    client.force_login(factories.LeadNurseFactory())
    for name in (*CONVERTED, "task_detail", "task_make_competency"):
        for missing in (10**6, 2**70):
            response = client.get(reverse(f"roledesign:{name}", args=[missing]))
            assert response.status_code == 404, name


def test_writes_by_post_are_refused_for_an_administrator(client, world):
    client.force_login(factories.AdministratorFactory())
    response = client.post(reverse("roledesign:jd_approve", args=[world["jd"].pk]))
    assert response.status_code == 403
    world["jd"].refresh_from_db()
    assert world["jd"].status == "draft"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "trainee"])
def test_my_job_description_is_for_trainees_only(client, world, role):
    client.force_login(ROLES[role]())
    assert client.get(reverse("roledesign:my_job_description")).status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("trainee", 403),
        ("administrator", 403),
        ("mentor", 404),
        ("tutor", 404),
        ("practice_educator", 404),
        ("manager", 404),
        ("lead_nurse", 200),
    ],
)
def test_record_job_description_refuses_those_not_supporting_the_trainee(
    client, world, role, status
):
    client.force_login(ROLES[role]())
    url = reverse("roledesign:record_job_description", args=[world["record"].pk])
    assert client.get(url).status_code == status


def test_record_job_description_refuses_the_trainee_themself_and_anonymous(client, world):
    url = reverse("roledesign:record_job_description", args=[world["record"].pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    client.force_login(world["record"].trainee)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "role", ["trainee", "mentor", "tutor", "practice_educator", "manager", "administrator"]
)
def test_current_competence_refuses_unrelated_roles(client, world, role):
    # A person's competence is theirs to keep: those with no part in it are not told it exists.
    client.force_login(ROLES[role]())
    url = reverse("roledesign:current_competence", args=[world["record"].trainee.pk])
    assert client.get(url).status_code == 404


def test_current_competence_anonymous_goes_to_sign_in(client, world):
    url = reverse("roledesign:current_competence", args=[world["record"].trainee.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
