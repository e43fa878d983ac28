"""Demo questionnaires: the end-of-programme evaluation, answered anonymously by the first
cohort (closed), and its copy issued to the second cohort (open today, some answers in). Safe
to run twice: nothing is made when the evaluation questionnaire already exists."""

from __future__ import annotations

import datetime

from cohorts.models import Cohort
from evaluation import services
from evaluation.models import Question, Questionnaire

TITLE = "End of programme evaluation"

SECTIONS = [
    (
        "Your mentor",
        [
            ("likert", "My mentors gave me enough time to practise under supervision", True, ()),
            ("likert", "My mentors' feedback helped me improve", True, ()),
            (
                "single",
                "How often did you work a shift with one of your mentors?",
                True,
                ("Every week", "Every two weeks", "Once a month", "Less often"),
            ),
        ],
    ),
    (
        "Training days and the university",
        [
            ("likert", "The clinical training days prepared me for practice", True, ()),
            (
                "multiple",
                "Which parts of the programme helped you most?",
                False,
                ("Training days", "University modules", "Mentors", "Practice educators"),
            ),
        ],
    ),
    (
        "Overall",
        [
            ("likert", "I would recommend the programme to a colleague", True, ()),
            ("text", "What one thing would you change about the programme?", False, ()),
        ],
    ),
]

# Each answer set: likert 1, likert 2, single, likert 3, multiple, likert 4, text.
COHORT_ONE_ANSWERS = [
    (5, 4, 1, 4, [1, 3], 5, "More time with the practice educator in the first month."),
    (4, 4, 2, 3, [3], 4, "Training days earlier in the year, before the first placements."),
    (3, 2, 3, 4, [1, 2], 3, ""),
    (4, 5, 1, 5, [1, 3, 4], 5, "Protected study time on the rota."),
    (2, 3, 4, 3, [2], 3, "Mentors on the same shifts as me more often."),
    (5, 5, 1, 4, [3, 4], 5, ""),
    (4, 3, 2, 4, [], 4, "Clearer guidance on the competency booklet."),
]
COHORT_TWO_ANSWERS = [
    (4, 4, 1, 5, [1, 3], 5, "Nothing yet: it has been good so far."),
    (5, 4, 2, 4, [3], 4, ""),
    (3, 4, 2, 3, [1], 4, "More training days on the deteriorating patient."),
]


def seed(context) -> None:
    if Questionnaire.objects.filter(title=TITLE).exists():
        return
    first = Cohort.objects.filter(programme=context.programme, name="Cohort 1").first()
    second = Cohort.objects.filter(programme=context.programme, name="Cohort 2").first()
    if first is None or second is None:
        return
    lead = context.people["lead"]
    questionnaire = _build(lead)

    # The first cohort answered in its last weeks, anonymously: trainees and their mentors.
    asked_on = first.planned_end_date - datetime.timedelta(days=21)
    closed = services.issue_create(
        actor=lead,
        questionnaire=questionnaire,
        cohort=first,
        audience="both",
        opens_on=asked_on,
        closes_on=asked_on + datetime.timedelta(days=14),
        anonymous=True,
        today=asked_on,
    )
    people = [i.person for i in closed.invitations.order_by("invited_as", "person__full_name")]
    for person, answers in zip(people, COHORT_ONE_ANSWERS, strict=False):
        _answer(closed, person, answers, on=asked_on + datetime.timedelta(days=3))

    # Its copy for the second cohort: open today; three have answered, one has a draft, and the
    # demo trainee (the first of the cohort) has not started.
    copy = services.questionnaire_copy(
        actor=lead, questionnaire=questionnaire, title=f"{TITLE} ({second.name})"
    )
    today = context.today
    open_issue = services.issue_create(
        actor=lead,
        questionnaire=copy,
        cohort=second,
        audience="trainees",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=14),
        anonymous=True,
        today=today,
    )
    respondents = [p for p in context.cohort_two[1:] if open_issue.invitations.filter(person=p)]
    for person, answers in zip(respondents, COHORT_TWO_ANSWERS, strict=False):
        _answer(open_issue, person, answers, on=today)
    if len(respondents) > len(COHORT_TWO_ANSWERS):
        _answer(
            open_issue,
            respondents[len(COHORT_TWO_ANSWERS)],
            COHORT_TWO_ANSWERS[0],
            on=today,
            submit=False,
        )


def _build(lead) -> Questionnaire:
    questionnaire = services.questionnaire_create(
        actor=lead,
        title=TITLE,
        description=(
            "Tell us how the assistant practitioner programme worked for you, so that we can "
            "improve it for the next cohort. It takes about 5 minutes."
        ),
    )
    for title, questions in SECTIONS:
        section = services.section_add(actor=lead, questionnaire=questionnaire, title=title)
        for kind, text, required, options in questions:
            services.question_add(
                actor=lead,
                section=section,
                kind=kind,
                text=text,
                required=required,
                options=options,
            )
    return questionnaire


def _answer(issue, person, values, *, on, submit=True) -> None:
    questions = list(
        Question.objects.filter(section__questionnaire=issue.questionnaire).order_by(
            "section__order", "order"
        )
    )
    answers = {}
    for question, value in zip(questions, values, strict=True):
        if isinstance(value, list):
            answers[question.pk] = [str(v) for v in value]
        else:
            answers[question.pk] = str(value) if value != "" else ""
    services.draft_save(actor=person, issue=issue, answers=answers, today=on)
    if submit:
        services.response_submit(actor=person, issue=issue, today=on)
