"""Bad input, fuzzed with hypothesis, on the role design and job description forms and the task
import upload.

The same promise and machinery as tests/test_fuzz_forms.py (`submit`): never a 500; a success
redirect, or the page again with the NHS.UK error summary and nothing written (the roledesign
tables, their history included, are fingerprinted too). Each example runs in a savepoint rolled
back after it, so every example meets the same world: a project with its stages and a task, a
draft and an approved job description, a published framework and a draft one.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from roledesign import services
from roledesign.models import DelegationDecision, Stage, StageKind
from roledesign.task_import import TEMPLATE_HEADER, template_file
from tests import factories
from tests import test_fuzz_forms as fuzz
from tests.roledesign.helpers import framework_with_domains, make_jd
from tests.test_fuzz_forms import (
    FUZZ,
    HOSTILE,
    PLAIN,
    SHORT,
    TEXT,
    Ref,
    Upload,
    choices,
    days_ago,
    form_body,
    refs,
    submit,
)

pytestmark = pytest.mark.django_db

QUICK = hypothesis_settings(FUZZ, max_examples=25)


class World:
    def __init__(self):
        self.lead = factories.LeadNurseFactory()
        self.framework, self.area, self.other_area = framework_with_domains()
        self.draft_framework = factories.FrameworkFactory()
        self.draft_domain = factories.DomainFactory(framework=self.draft_framework)
        self.published_domain = self.framework.domains.first()
        self.project = services.project_create(
            actor=self.lead, name="AP critical care", clinical_area=self.area, lead=self.lead
        )
        self.stage = self.project.stages.get(kind=StageKind.AWARENESS)
        self.waiting = self.project.stages.get(kind=StageKind.TRAINING)
        self.task = services.task_create(
            actor=self.lead,
            project=self.project,
            name="Tracheostomy care",
            decision=DelegationDecision.SUITABLE,
            likelihood=2,
            impact=3,
        )
        self.unsuitable = services.task_create(
            actor=self.lead,
            project=self.project,
            name="Titrating infusions",
            decision=DelegationDecision.NOT_SUITABLE,
            likelihood=4,
            impact=5,
        )
        self.draft = make_jd(lead=self.lead, framework=self.framework, area=self.area)
        self.approved = make_jd(
            lead=self.lead, framework=self.framework, area=self.area, approve=True, title="Other"
        )
        self.newer = factories.PublishedFrameworkFactory(code=self.framework.code, version=2)
        self.someone = factories.MentorFactory()


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(fuzz, "CHECKED_APPS", {*fuzz.CHECKED_APPS, "roledesign"})
    return World()


def staff_pages(world) -> list[str]:
    return [
        reverse("roledesign:jd_list"),
        reverse("roledesign:project_detail", args=[world.project.pk]),
        reverse("roledesign:jd_detail", args=[world.draft.pk]),
    ]


# Job descriptions -------------------------------------------------------------------------

JD_FIELDS = {
    "title": PLAIN,
    "band": choices("2", "3", "4", "5", "8a"),
    "clinical_areas": st.one_of(
        refs("area.pk", "other_area.pk"), st.lists(refs("area.pk", "other_area.pk"), max_size=2)
    ),
    "framework": refs("framework.pk", "draft_framework.pk", "newer.pk"),
    "reports_to": PLAIN,
    "job_purpose": st.one_of(PLAIN, TEXT),
    "key_responsibilities": st.one_of(PLAIN, TEXT),
    "working_relationships": TEXT,
    "qualifications_essential": st.one_of(PLAIN, TEXT, st.just("x" * 501)),
    "skills_desirable": st.one_of(PLAIN, TEXT),
}
GOOD_JD = {
    "title": "Assistant practitioner",
    "band": "4",
    "clinical_areas": Ref("area.pk"),
    "framework": Ref("framework.pk"),
    "reports_to": "Ward manager",
    "job_purpose": "Care",
    "key_responsibilities": "Observations",
    "qualifications_essential": "Foundation degree",
}


@example(data=GOOD_JD)
@QUICK
@given(data=form_body(JD_FIELDS))
def test_jd_create(world, data):
    submit(world, world.lead, reverse("roledesign:jd_create"), data, also=staff_pages(world))


@example(data=GOOD_JD)
@QUICK
@given(data=form_body(JD_FIELDS))
def test_jd_edit(world, data):
    url = reverse("roledesign:jd_edit", args=[world.draft.pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


@QUICK
@given(data=form_body({}), which=st.sampled_from(["draft", "approved"]))
def test_jd_approve(world, data, which):
    # Approving the approved one is refused on the page, with the error summary.
    url = reverse("roledesign:jd_approve", args=[getattr(world, which).pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


@QUICK
@given(data=form_body({"framework": refs("framework.pk", "newer.pk", "draft_framework.pk")}))
def test_jd_new_version(world, data):
    url = reverse("roledesign:jd_new_version", args=[world.approved.pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


# Role design --------------------------------------------------------------------------------


@QUICK
@given(data=form_body({"name": PLAIN, "clinical_area": refs("area.pk", "other_area.pk")}))
def test_project_create(world, data):
    submit(world, world.lead, reverse("roledesign:project_create"), data)


STAGE_FIELDS = {
    "status": choices(*Stage.Status.values),
    "owner": refs("lead.pk", "someone.pk"),
    "notes": TEXT,
}


@example(data={"status": "completed", **days_ago("end_date", 1)}, which="stage")
@example(data={"status": "in_progress"}, which="waiting")
@QUICK
@given(
    data=form_body(STAGE_FIELDS, dates=["start_date", "end_date"]),
    which=st.sampled_from(["stage", "waiting"]),
)
def test_stage_edit(world, data, which):
    url = reverse("roledesign:stage_edit", args=[getattr(world, which).pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


RISK = st.one_of(choices("1", "2", "3", "4", "5"), HOSTILE)
TASK_FIELDS = {
    "name": st.one_of(PLAIN, st.just("Tracheostomy care"), st.just("TITRATING INFUSIONS")),
    "description": TEXT,
    "done_by_now": TEXT,
    "frequency": TEXT,
    "patients": TEXT,
    "decision": choices(*DelegationDecision.values),
    "conditions": st.one_of(st.just(""), st.just("   "), PLAIN),
    "likelihood": RISK,
    "impact": RISK,
    "training_needed": TEXT,
    "notes": TEXT,
}


@example(data={"name": "Suction", "decision": "with_conditions", "likelihood": "3", "impact": "4"})
@QUICK
@given(data=form_body(TASK_FIELDS))
def test_task_create(world, data):
    url = reverse("roledesign:task_create", args=[world.project.pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


@QUICK
@given(data=form_body(TASK_FIELDS))
def test_task_edit(world, data):
    url = reverse("roledesign:task_edit", args=[world.task.pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


@example(data={"domain": Ref("draft_domain.pk"), "code": "CC1", "title": "Suction"}, which="task")
@example(data={"domain": Ref("draft_domain.pk"), "code": "CC1", "title": "X"}, which="unsuitable")
@QUICK
@given(
    data=form_body(
        {
            "domain": refs("draft_domain.pk", "published_domain.pk"),
            "code": st.one_of(st.just("A1"), PLAIN, TEXT),
            "title": st.one_of(PLAIN, TEXT),
            "description": TEXT,
        }
    ),
    which=st.sampled_from(["task", "unsuitable"]),
)
def test_task_make_competency(world, data, which):
    url = reverse("roledesign:task_make_competency", args=[getattr(world, which).pk])
    submit(world, world.lead, url, data, also=staff_pages(world))


# The task import upload ---------------------------------------------------------------------

TEMPLATES = [template_file("csv"), template_file("xlsx")]
NAMES = st.sampled_from(
    ["tasks.csv", "tasks.xlsx", "TASKS.CSV", "tasks.xls", "tasks.txt", "tasks", ".csv"]
)
FLIPS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8)


@st.composite
def hostile_csv(draw) -> bytes:
    """The template's header (some columns dropped or shuffled) over rows of hostile cells."""
    header = draw(st.permutations(TEMPLATE_HEADER))[: draw(st.integers(1, len(TEMPLATE_HEADER)))]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for _ in range(draw(st.integers(0, 4))):
        writer.writerow([draw(SHORT) for _ in header])
    return out.getvalue().encode("utf-8", "surrogatepass")


TASK_UPLOAD = st.one_of(
    st.builds(Upload, name=NAMES, raw=st.sampled_from(TEMPLATES)),
    st.builds(Upload, name=NAMES, raw=st.sampled_from(TEMPLATES), cut=st.integers(0, 7000)),
    st.builds(Upload, name=NAMES, raw=st.sampled_from(TEMPLATES), flips=FLIPS.map(tuple)),
    st.builds(Upload, name=NAMES, raw=hostile_csv()),
    st.builds(Upload, name=NAMES, raw=st.binary(max_size=2000)),
    st.builds(Upload, name=NAMES, raw=st.just(b"")),
)


@example(data={"file": Upload(name="tasks.csv", raw=TEMPLATES[0])})
@example(data={"file": Upload(name="tasks.xlsx", raw=TEMPLATES[1])})
@QUICK
@given(
    data=form_body(
        {"file": st.one_of(TASK_UPLOAD, st.lists(TASK_UPLOAD, min_size=2, max_size=2), SHORT)},
        extra_key=fuzz.MULTIPART_KEY,
    )
)
def test_task_import(world, data):
    url = reverse("roledesign:task_import", args=[world.project.pk])
    submit(world, world.lead, url, data, multipart=True, also=staff_pages(world))
