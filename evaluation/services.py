"""Writes for questionnaires. Keyword-only, `actor` first (None = the system), permission
checked, transactional; ValidationErrors name the field at fault."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, Value, When
from django.urls import reverse
from django.utils import timezone

from evaluation import selectors
from evaluation.models import (
    LIKERT_LABELS,
    Answer,
    Audience,
    Draft,
    Invitation,
    Issue,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    Section,
)
from notifications.models import Kind
from notifications.services import notify
from pathway.models import User

MAX_TEXT_ANSWER = 5000
MAX_OPTIONS = 20


def _require(actor: User | None, perm: str = "evaluation.manage", obj=None):
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied("Only the lead nurse can do this")


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _require_unlocked(questionnaire: Questionnaire) -> None:
    if selectors.is_locked(questionnaire):
        raise ValidationError(
            "This questionnaire has been issued, so its questions cannot change: copy it to "
            "make a new version"
        )


def _clean_text(value: str, field: str, message: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > max_length:
        raise ValidationError({field: f"Must be {max_length} characters or fewer"})
    return value


# Questionnaires ----------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_create(*, actor: User | None, title: str, description: str = "") -> Questionnaire:
    _require(actor)
    questionnaire = Questionnaire(
        title=_clean_text(title, "title", "Enter a title", 200),
        description=(description or "").strip(),
        created_by=actor,
    )
    questionnaire.full_clean()
    questionnaire.save()
    return questionnaire


@transaction.atomic
def questionnaire_update(
    *, actor: User | None, questionnaire: Questionnaire, title: str, description: str = ""
) -> Questionnaire:
    """Title and description may change even once issued: they do not change the answers."""
    _require(actor)
    questionnaire.title = _clean_text(title, "title", "Enter a title", 200)
    questionnaire.description = (description or "").strip()
    questionnaire.full_clean()
    questionnaire.save(update_fields=["title", "description"])
    return questionnaire


@transaction.atomic
def questionnaire_copy(
    *, actor: User | None, questionnaire: Questionnaire, title: str
) -> Questionnaire:
    """A new, unissued questionnaire with the same sections, questions and options. It stays in
    the original's family, and each question keeps its key, so results compare across cohorts."""
    _require(actor)
    copy = Questionnaire.objects.create(
        title=_clean_text(title, "title", "Enter a title for the copy", 200),
        description=questionnaire.description,
        family=questionnaire.family,
        copied_from=questionnaire,
        created_by=actor,
    )
    sections = Section.objects.filter(questionnaire=questionnaire).prefetch_related(
        "questions__options"
    )
    for section in sections:
        new_section = Section.objects.create(
            questionnaire=copy,
            title=section.title,
            description=section.description,
            order=section.order,
        )
        for question in section.questions.all():
            new_question = Question.objects.create(
                section=new_section,
                text=question.text,
                hint=question.hint,
                kind=question.kind,
                required=question.required,
                order=question.order,
                key=question.key,
            )
            Option.objects.bulk_create(
                Option(question=new_question, label=o.label, value=o.value)
                for o in question.options.all()
            )
    return copy


# Sections ----------------------------------------------------------------------------------------


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def section_add(
    *, actor: User | None, questionnaire: Questionnaire, title: str, description: str = ""
) -> Section:
    _require(actor)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _require_unlocked(questionnaire)
    section = Section(
        questionnaire=questionnaire,
        title=_clean_text(title, "title", "Enter the section's title", 200),
        description=(description or "").strip(),
        order=_next_order(questionnaire.sections.all()),
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_update(
    *, actor: User | None, section: Section, title: str, description: str = ""
) -> Section:
    _require(actor)
    _require_unlocked(section.questionnaire)
    section.title = _clean_text(title, "title", "Enter the section's title", 200)
    section.description = (description or "").strip()
    section.full_clean()
    section.save(update_fields=["title", "description"])
    return section


@transaction.atomic
def section_remove(*, actor: User | None, section: Section) -> None:
    _require(actor)
    _require_unlocked(section.questionnaire)
    section.delete()


def _move(item, siblings, direction: str) -> None:
    if direction not in ("up", "down"):
        raise ValidationError("Choose up or down")
    ordered = list(siblings.select_for_update().order_by("order", "id"))
    index = next(i for i, other in enumerate(ordered) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for order, other in enumerate(ordered, start=1):
        if other.order != order:
            other.order = order
            other.save(update_fields=["order"])


@transaction.atomic
def section_move(*, actor: User | None, section: Section, direction: str) -> None:
    _require(actor)
    _require_unlocked(section.questionnaire)
    _move(section, Section.objects.filter(questionnaire_id=section.questionnaire_id), direction)


# Questions ---------------------------------------------------------------------------------------


def _clean_options(kind: str, options) -> list[str]:
    labels = [(label or "").strip() for label in (options or [])]
    labels = [label for label in labels if label]
    if kind == QuestionKind.TEXT:
        return []
    if kind == QuestionKind.LIKERT:
        if not labels:
            return list(LIKERT_LABELS)
        if len(labels) != 5:
            raise ValidationError(
                {"options": "Give exactly 5 labels for the scale, one per line, from 1 to 5"}
            )
    elif len(labels) < 2:
        raise ValidationError({"options": "Give at least 2 choices, one per line"})
    if len(labels) > MAX_OPTIONS:
        raise ValidationError({"options": f"Give {MAX_OPTIONS} choices or fewer"})
    if any(len(label) > 200 for label in labels):
        raise ValidationError({"options": "Each choice must be 200 characters or fewer"})
    if len({label.casefold() for label in labels}) != len(labels):
        raise ValidationError({"options": "Each choice must be different"})
    return labels


def _set_question(question: Question, *, text, hint, kind, required, options) -> Question:
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": "Select the type of question"})
    question.text = _clean_text(text, "text", "Enter the question", 500)
    question.hint = (hint or "").strip()
    question.kind = kind
    question.required = bool(required)
    labels = _clean_options(kind, options)
    question.full_clean()
    question.save()
    question.options.all().delete()
    Option.objects.bulk_create(
        Option(question=question, label=label, value=value)
        for value, label in enumerate(labels, start=1)
    )
    return question


@transaction.atomic
def question_add(
    *,
    actor: User | None,
    section: Section,
    text: str,
    kind: str,
    required: bool = True,
    hint: str = "",
    options=(),
) -> Question:
    _require(actor)
    Questionnaire.objects.select_for_update().get(pk=section.questionnaire_id)
    _require_unlocked(section.questionnaire)
    question = Question(section=section, order=_next_order(section.questions.all()))
    return _set_question(
        question, text=text, hint=hint, kind=kind, required=required, options=options
    )


@transaction.atomic
def question_update(
    *,
    actor: User | None,
    question: Question,
    text: str,
    kind: str,
    required: bool = True,
    hint: str = "",
    options=(),
) -> Question:
    _require(actor)
    _require_unlocked(question.section.questionnaire)
    return _set_question(
        question, text=text, hint=hint, kind=kind, required=required, options=options
    )


@transaction.atomic
def question_remove(*, actor: User | None, question: Question) -> None:
    _require(actor)
    _require_unlocked(question.section.questionnaire)
    question.delete()


@transaction.atomic
def question_move(*, actor: User | None, question: Question, direction: str) -> None:
    _require(actor)
    _require_unlocked(question.section.questionnaire)
    _move(question, Question.objects.filter(section_id=question.section_id), direction)


# Issuing -----------------------------------------------------------------------------------------


def issued_notice(issue: Issue, person: User) -> dict:
    return {
        "recipient": person,
        "kind": Kind.QUESTIONNAIRE_ISSUED,
        "subject": (f"Please answer “{issue.questionnaire.title}” by {issue.closes_on:%-d %B %Y}"),
        "body": (
            f"Please answer the questionnaire “{issue.questionnaire.title}” for "
            f"{issue.cohort.name} by {issue.closes_on:%-d %B %Y}."
            + (" Your answers are anonymous." if issue.anonymous else "")
        ),
        "url": reverse("evaluation:respond_start", args=[issue.pk]),
        "key": f"questionnaire-issued:{issue.pk}",
    }


def notify_issue_opened(issue: Issue) -> int:
    """Tell each person who has not answered yet that the questionnaire is open. Sent once per
    person and issue (the key), so the daily reminders may call it again safely."""
    sent = 0
    for invitation in issue.invitations.select_related("person").filter(submitted=False):
        if notify(**issued_notice(issue, invitation.person)) is not None:
            sent += 1
    return sent


@transaction.atomic
def issue_create(
    *,
    actor: User | None,
    questionnaire: Questionnaire,
    cohort,
    audience: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    anonymous: bool = False,
    today: datetime.date | None = None,
) -> Issue:
    """Issue a questionnaire to a cohort: the invitations are fixed now (the trainees, and the
    mentors allocated to them today). People are told when it opens: now if it opens today or
    before, else by the daily reminders on the opening day."""
    _require(actor)
    today = _today(today)
    if audience not in Audience.values:
        raise ValidationError({"audience": "Select who should answer"})
    if closes_on < opens_on:
        raise ValidationError(
            {"closes_on": "The closing date must be the same as or after the opening date"}
        )
    if closes_on < today:
        raise ValidationError({"closes_on": "The closing date must be today or in the future"})
    if not Question.objects.filter(section__questionnaire=questionnaire).exists():
        raise ValidationError("Add at least one question before issuing this questionnaire")
    people = selectors.respondents_for(cohort, audience, today)
    if not people:
        raise ValidationError(
            {"audience": f"{cohort.name} has nobody to ask: no trainees or mentors to send it to"}
        )
    issue = Issue(
        questionnaire=questionnaire,
        cohort=cohort,
        audience=audience,
        opens_on=opens_on,
        closes_on=closes_on,
        anonymous=bool(anonymous),
        created_by=actor,
    )
    issue.full_clean()
    issue.save()
    Invitation.objects.bulk_create(
        Invitation(issue=issue, person=person, invited_as=invited_as)
        for person, invited_as in people
    )
    if opens_on <= today:
        # One notification and email per person, a cohort at a time: done by a worker once
        # this commits (evaluation/tasks.py), not while the lead nurse waits.
        transaction.on_commit(lambda: _queue_issue_opened(issue.pk))
    return issue


def _queue_issue_opened(issue_id: int) -> None:
    from evaluation.tasks import notify_questionnaire_opened  # it imports this module

    notify_questionnaire_opened.delay(issue_id)


# Answering ---------------------------------------------------------------------------------------


def _invitation_for_answering(actor: User, issue: Issue, today: datetime.date) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update().filter(issue=issue, person=actor).first()
        if actor is not None
        else None
    )
    if invitation is None:
        raise PermissionDenied("This questionnaire was not sent to you")
    if invitation.submitted:
        raise ValidationError("You have already submitted your answers to this questionnaire")
    if today < issue.opens_on:
        raise ValidationError(
            f"This questionnaire opens on {issue.opens_on:%-d %B %Y}: answers are not accepted yet"
        )
    if issue.has_closed(today):
        raise ValidationError(
            f"This questionnaire closed on {issue.closes_on:%-d %B %Y}: answers are no longer "
            "accepted"
        )
    return invitation


def _receipt_mark(issue: Issue, invitation: Invitation) -> None:
    """Mark the receipt submitted. For an anonymous issue, every receipt of the issue is written
    in the same statement, so that the database's own bookkeeping does not point at the one that
    changed: on PostgreSQL, a row written in this transaction carries its id (`xmin`), as the
    response does, and an updated row moves to the end of the table; with only the submitter's
    receipt rewritten, either would join the response to its author (ADR 0014)."""
    if issue.anonymous:
        Invitation.objects.filter(issue=issue).update(
            submitted=Case(When(pk=invitation.pk, then=Value(True)), default=F("submitted"))
        )
    else:
        Invitation.objects.filter(pk=invitation.pk).update(submitted=True)
    invitation.submitted = True


def clean_answer(question: Question, value) -> list[str] | str | None:
    """A submitted answer as stored in a draft: the chosen option values as text (a list for
    several choices), or the text; None when not answered. Raises on an impossible answer."""
    if question.kind == QuestionKind.TEXT:
        text = (value or "").strip() if isinstance(value, str) else ""
        if len(text) > MAX_TEXT_ANSWER:
            raise ValidationError(
                {question.field_name: f"Your answer must be {MAX_TEXT_ANSWER} characters or fewer"}
            )
        return text or None
    allowed = {str(o.value) for o in question.options.all()}
    chosen = value if isinstance(value, list | tuple) else ([value] if value else [])
    chosen = [str(c) for c in chosen if str(c)]
    if any(c not in allowed for c in chosen):
        raise ValidationError({question.field_name: "Select one of the choices given"})
    if not chosen:
        return None
    if question.kind == QuestionKind.MULTIPLE:
        return sorted(set(chosen), key=int)
    if len(chosen) > 1:
        raise ValidationError({question.field_name: "Select only one answer"})
    return chosen[0]


@transaction.atomic
def draft_save(
    *,
    actor: User,
    issue: Issue,
    answers: dict,
    today: datetime.date | None = None,
) -> Draft:
    """Save answers to some questions (a section's) to finish later. `answers` maps question
    ids to values; questions of other questionnaires are refused."""
    _invitation_for_answering(actor, issue, _today(today))
    questions = {
        q.pk: q
        for q in Question.objects.filter(section__questionnaire=issue.questionnaire_id)
        .select_related("section")
        .prefetch_related("options")
    }
    draft, _ = Draft.objects.select_for_update().get_or_create(issue=issue, person=actor)
    stored = dict(draft.answers)
    for question_id, value in answers.items():
        question = questions.get(int(question_id))
        if question is None:
            raise ValidationError("That question is not part of this questionnaire")
        cleaned = clean_answer(question, value)
        if cleaned is None:
            stored.pop(str(question.pk), None)
        else:
            stored[str(question.pk)] = cleaned
    draft.answers = stored
    draft.save()
    return draft


def missing_required(questions, stored: dict) -> list[Question]:
    return [q for q in questions if q.required and str(q.pk) not in stored]


@transaction.atomic
def response_submit(*, actor: User, issue: Issue, today: datetime.date | None = None) -> Response:
    """Turn the person's draft into their response, once. For an anonymous issue the response
    and its answers carry no person and no time, and the draft (the only link) is deleted in
    the same transaction."""
    today = _today(today)
    if issue.anonymous:
        # Every receipt of the issue is rewritten below: lock them all, in one order, first.
        list(Invitation.objects.select_for_update().filter(issue=issue).order_by("pk"))
    invitation = _invitation_for_answering(actor, issue, today)
    questions = list(
        Question.objects.filter(section__questionnaire=issue.questionnaire_id)
        .order_by("section__order", "section_id", "order", "id")
        .prefetch_related("options")
    )
    draft = Draft.objects.select_for_update().filter(issue=issue, person=actor).first()
    stored = dict(draft.answers) if draft else {}
    missing = missing_required(questions, stored)
    if missing:
        raise ValidationError(
            [f"Answer the question “{q.text}”" for q in missing[:5]]
            + ([f"and {len(missing) - 5} more"] if len(missing) > 5 else [])
        )
    response = Response.objects.create(
        issue=issue,
        respondent=None if issue.anonymous else actor,
        submitted_at=None if issue.anonymous else timezone.now(),
    )
    rows = []
    for question in questions:
        value = stored.get(str(question.pk))
        try:
            value = clean_answer(question, value)
        except ValidationError:
            value = None  # a draft made impossible since cannot happen: questions are locked
        if value is None:
            continue
        if question.kind == QuestionKind.TEXT:
            rows.append(Answer(response=response, question=question, text=value))
            continue
        by_value = {str(o.value): o for o in question.options.all()}
        for chosen in value if isinstance(value, list) else [value]:
            rows.append(Answer(response=response, question=question, option=by_value[chosen]))
    Answer.objects.bulk_create(rows)
    _receipt_mark(issue, invitation)
    if draft is not None:
        draft.delete()
    return response
