"""Evaluation questionnaires: the lead nurse builds, issues and reads results; trainees and
mentors answer only the issues sent to them (another's issue is a 404); everyone else is
refused. Administrators do not read results (docs/adr/0014-anonymous-questionnaires.md).

The world gets an issued questionnaire (open today, named, to the trainee's cohort: the trainee
and their mentor are asked) and a questionnaire still being built, for the builder's pages."""

import datetime

from django.utils import timezone

from evaluation import services
from tests import factories
from tests.matrix.common import (
    ANON,
    LEAD,
    LOGIN,
    MENTOR,
    OK,
    OTHER_MENTOR,
    OTHER_TRAINEE,
    TRAINEE,
    each,
    lead_only,
)

ANSWERERS = (TRAINEE, OTHER_TRAINEE, MENTOR, OTHER_MENTOR)
ASKED = (TRAINEE, MENTOR)
NOT_ASKED = (OTHER_TRAINEE, OTHER_MENTOR)


def _respond(get=200, post=OK) -> dict:
    """A page of the issue sent to the trainee and mentor: other trainees and mentors get 404."""
    return {
        "GET": {"*": 403, ANON: LOGIN, **each(ASKED, get), **each(NOT_ASKED, 404)},
        "POST": {"*": 403, ANON: LOGIN, **each(ASKED, post), **each(NOT_ASKED, 404)},
    }


MATRIX = {
    "evaluation:index": {
        # The lead nurse goes to the questionnaires; trainees and mentors to theirs.
        "GET": {"*": 403, ANON: LOGIN, **each((*ANSWERERS, LEAD), 302)},
        "POST": {"*": 403, ANON: LOGIN, **each((*ANSWERERS, LEAD), 302)},
    },
    **{
        f"evaluation:{name}": lead_only(post=405)
        for name in (
            "questionnaire_list",
            "questionnaire_detail",
            "issue_detail",
            "issue_export",
            "questionnaire_comparison",
        )
    },
    **{
        f"evaluation:{name}": lead_only()
        for name in (
            "questionnaire_create",
            "questionnaire_edit",
            "questionnaire_copy",
            "section_add",
            "section_edit",
            "section_delete",
            "question_add",
            "question_edit",
            "question_delete",
            "issue_create",
        )
    },
    "evaluation:section_move": lead_only(get=405),
    "evaluation:question_move": lead_only(get=405),
    "evaluation:my_questionnaires": {
        "GET": {"*": 403, ANON: LOGIN, **each(ANSWERERS, 200)},
        "POST": {"*": 403, ANON: LOGIN, **each(ANSWERERS, 405)},
    },
    "evaluation:respond_start": {
        "GET": _respond()["GET"],
        "POST": {"*": 403, ANON: LOGIN, **each(ANSWERERS, 405)},
    },
    "evaluation:respond_section": _respond(),
    "evaluation:respond_check": _respond(),
    "evaluation:respond_done": {
        # Not submitted yet: sent to the start of the questionnaire.
        "GET": _respond(get=302)["GET"],
        "POST": {"*": 403, ANON: LOGIN, **each(ANSWERERS, 405)},
    },
}


def _draft_pk(w):
    return w.draft_questionnaire.pk


KWARGS = {
    "evaluation:questionnaire_detail": lambda w: {"pk": w.issue.questionnaire_id},
    "evaluation:questionnaire_edit": lambda w: {"pk": w.issue.questionnaire_id},
    "evaluation:questionnaire_copy": lambda w: {"pk": w.issue.questionnaire_id},
    "evaluation:questionnaire_comparison": lambda w: {"pk": w.issue.questionnaire_id},
    "evaluation:issue_create": lambda w: {"pk": w.issue.questionnaire_id},
    "evaluation:section_add": lambda w: {"pk": _draft_pk(w)},
    "evaluation:section_edit": lambda w: {"pk": w.draft_section.pk},
    "evaluation:section_delete": lambda w: {"pk": w.draft_section.pk},
    "evaluation:section_move": lambda w: {"pk": w.draft_section.pk},
    "evaluation:question_add": lambda w: {"pk": w.draft_section.pk},
    "evaluation:question_edit": lambda w: {"pk": w.draft_question.pk},
    "evaluation:question_delete": lambda w: {"pk": w.draft_question.pk},
    "evaluation:question_move": lambda w: {"pk": w.draft_question.pk},
    "evaluation:issue_detail": lambda w: {"pk": w.issue.pk},
    "evaluation:issue_export": lambda w: {"pk": w.issue.pk, "fmt": "xlsx"},
    "evaluation:respond_start": lambda w: {"issue_pk": w.issue.pk},
    "evaluation:respond_section": lambda w: {"issue_pk": w.issue.pk, "number": 1},
    "evaluation:respond_check": lambda w: {"issue_pk": w.issue.pk},
    "evaluation:respond_done": lambda w: {"issue_pk": w.issue.pk},
}

POST_DATA = {
    "evaluation:section_move": {"direction": "down"},
    "evaluation:question_move": {"direction": "down"},
}


def extend_world(world):
    today = timezone.localdate()
    questionnaire = factories.questionnaire_with(title="Mentor support")
    world.issue = services.issue_create(
        actor=None,
        questionnaire=questionnaire,
        cohort=world.cohort,
        audience="both",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=365),
        anonymous=False,
    )
    world.draft_questionnaire = factories.questionnaire_with(title="Being built", sections=2)
    world.draft_section = world.draft_questionnaire.sections.order_by("order").first()
    world.draft_question = world.draft_section.questions.order_by("order").first()
