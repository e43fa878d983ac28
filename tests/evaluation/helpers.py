"""Shared helpers for the evaluation tests."""

from __future__ import annotations

from evaluation import services
from evaluation.models import Question


def questions_of(issue) -> dict[str, Question]:
    """The issue's questions by kind (the default questionnaire has one of each)."""
    return {
        q.kind: q
        for q in Question.objects.filter(section__questionnaire=issue.questionnaire).order_by(
            "section__order", "order"
        )
    }


def answer(issue, person, *, likert=None, single=None, multiple=None, text=None, submit=True):
    """Answer the default questionnaire as `person` through the services: option values as
    numbers (likert 1-5, single 1-3, multiple a list), and submit unless told not to."""
    q = questions_of(issue)
    answers = {}
    if likert is not None:
        answers[q["likert"].pk] = str(likert)
    if single is not None:
        answers[q["single"].pk] = str(single)
    if multiple is not None:
        answers[q["multiple"].pk] = [str(v) for v in multiple]
    if text is not None:
        answers[q["text"].pk] = text
    services.draft_save(actor=person, issue=issue, answers=answers)
    if submit:
        return services.response_submit(actor=person, issue=issue)
    return None
