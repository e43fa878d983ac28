"""The demo: a role design project at stage 5 and an approved AP job description; twice is safe."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from roledesign import selectors
from roledesign.models import JobDescription, RoleDesignProject, Stage, Task, TaskCompetencyLink

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_project_and_job_description_and_is_safe_twice():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    project = RoleDesignProject.objects.get()
    assert project.name == "Assistant practitioner, critical care"
    assert project.clinical_area.code == "critical-care"
    assert [s.status for s in project.stages.order_by("kind")] == [
        Stage.Status.COMPLETED,
        Stage.Status.COMPLETED,
        Stage.Status.COMPLETED,
        Stage.Status.COMPLETED,
        Stage.Status.IN_PROGRESS,
        # Training needs supporting systems completed; sustaining needs training.
        Stage.Status.CANNOT_START,
        Stage.Status.CANNOT_START,
    ]
    tasks = {t.name: t for t in Task.objects.filter(project=project)}
    assert len(tasks) == 8
    arterial = tasks["Arterial line blood sampling"]
    assert (arterial.decision, arterial.likelihood, arterial.impact) == ("with_conditions", 2, 4)
    assert tasks["Titrating vasoactive infusions"].decision == "not_suitable"
    assert tasks["Tracheostomy care"].decision == "suitable"
    links = TaskCompetencyLink.objects.select_related("competency__framework")
    assert links.count() == 2
    assert {link.competency.framework.code for link in links} == {"ap-critical-care"}

    jd = JobDescription.objects.get()
    assert jd.title == "Assistant practitioner (critical care)"
    assert (jd.band, jd.status, jd.version) == ("4", "approved", 1)
    assert (jd.framework.code, jd.framework.version) == ("ap-critical-care", 1)
    assert [a.code for a in jd.clinical_areas.all()] == ["critical-care"]
    assert jd.approved_by is not None and jd.criteria.filter(essential=True).count() >= 4
    codes = {c.code for g in selectors.jd_competencies(jd) for c in g.competencies}
    assert {"CC1", "CC2", "COM1"} <= codes and "ED1" not in codes
