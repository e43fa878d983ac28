"""Fetch-and-authorise for role design (pathway/access.py's policy, ADR 6).

Role design projects, their tasks and the competencies made from them are not private to any
trainee: the lead nurse's pages refuse everyone else with 403, and what is not there is 404.
A person's current competence is private: 404 to anyone who may not read it.
"""

from __future__ import annotations

from competencies.models import Competency
from pathway.access import reach
from roledesign import selectors
from roledesign.models import RoleDesignProject, Task

MANAGE = "roledesign.manage"


def access_project(viewer, pk, *, act: str = MANAGE) -> RoleDesignProject:
    """A project to add tasks to (without the stages and tasks its own page shows)."""
    return reach(viewer, lambda: selectors.project_by_pk(pk), act=act)


def access_task(viewer, pk, *, act: str = MANAGE) -> Task:
    return reach(viewer, lambda: selectors.task_detail(pk), act=act)


def access_competency(viewer, pk, *, act: str = MANAGE) -> Competency:
    """A competency, to show which role design tasks it was made from."""
    return reach(viewer, lambda: selectors.competency_by_pk(pk), act=act)


def access_competence_person(viewer, pk):
    """The trainee or assistant practitioner whose current competence the viewer may read:
    404 for anyone else, so that nobody learns who is training or what they hold."""
    return reach(
        viewer, lambda: selectors.competence_person(pk), see="roledesign.view_current_competence"
    )


def access_ward(viewer, pk):
    """A clinical area whose "who can do this now" the viewer may read: a ward is not private,
    so a viewer from another ward gets 403."""
    return reach(viewer, lambda: selectors.clinical_area(pk), act="roledesign.view_ward_competence")
