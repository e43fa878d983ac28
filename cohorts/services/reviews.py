"""Progress reviews: record one with its agreed actions, confirm it, complete an action."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrolment, Review, ReviewAction, ReviewConfirmation
from cohorts.review_due import review_due_keep
from cohorts.selectors.reviews import confirming_party
from notifications.services import notifications_settle
from pathway.models import Allocation, RoleCode, User

ACTION_DESCRIPTION_MAX = ReviewAction._meta.get_field("description").max_length


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _allowed_owner_ids(enrolment: Enrolment, today: datetime.date) -> set[int]:
    """The trainee and everyone supporting them today (lead nurses are checked by role)."""
    supporters = (
        Allocation.objects.current(today)
        .filter(trainee_id=enrolment.trainee_id)
        .values_list("supporter_id", flat=True)
    )
    return {enrolment.trainee_id, *supporters}


def _check_actions(
    actions: list[dict], *, enrolment: Enrolment, held_on: datetime.date | None, today
) -> list[str]:
    problems: list[str] = []
    allowed = _allowed_owner_ids(enrolment, today) if actions else set()
    for number, action in enumerate(actions, start=1):
        description = (action.get("description") or "").strip()
        owner = action.get("owner")
        due_date = action.get("due_date")
        if not description:
            problems.append(f"Enter what needs to be done for action {number}")
        elif len(description) > ACTION_DESCRIPTION_MAX:
            problems.append(
                f"The description of action {number} must be {ACTION_DESCRIPTION_MAX} "
                "characters or fewer"
            )
        if owner is None:
            problems.append(f"Select who will do action {number}")
        elif owner.pk not in allowed and not owner.has_role(RoleCode.LEAD_NURSE):
            problems.append(
                f"The owner of action {number} must be the trainee, one of their current "
                "supporters or the lead nurse"
            )
        if due_date is None:
            problems.append(f"Enter the due date for action {number}")
        elif held_on is not None and due_date < held_on:
            problems.append(
                f"The due date for action {number} must be the same as or after the date "
                "of the review"
            )
    return problems


@transaction.atomic
def review_record(
    *,
    actor: User | None,
    enrolment: Enrolment,
    held_on: datetime.date | None,
    progress_summary: str,
    concerns: str = "",
    rag: str,
    rag_reason: str,
    actions: Iterable[dict] = (),
    recorded_by: User | None = None,
) -> Review:
    """Record a progress review and its agreed actions, all or nothing.

    `actions` is a list of dicts with description, owner (a person) and due_date. An owner is
    the trainee, one of their current supporters or the lead nurse; due dates are on or after
    the review. `recorded_by` names the person when the system (actor None) records it.
    """
    if actor is not None and not actor.has_perm("cohorts.record_review", enrolment):
        raise PermissionDenied(
            "Only the trainee's tutor, mentors, practice educator or the lead nurse can record "
            "a review"
        )
    recorder = actor or recorded_by
    if recorder is None:
        raise ValueError("A review must be recorded by a person: pass actor or recorded_by")
    today = timezone.localdate()
    progress_summary = (progress_summary or "").strip()
    concerns = (concerns or "").strip()
    rag_reason = (rag_reason or "").strip()
    actions = list(actions)

    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Enter the date of the review"]
    elif held_on > today:
        errors["held_on"] = ["The date of the review must be today or in the past"]
    elif held_on < enrolment.start_date:
        errors["held_on"] = [
            f"The date of the review must be on or after the trainee started "
            f"({_day(enrolment.start_date)})"
        ]
    if not progress_summary:
        errors["progress_summary"] = ["Enter the progress since the last review"]
    if rag not in Review.Rag.values:
        errors["rag"] = ["Select a RAG rating"]
    if not rag_reason:
        errors["rag_reason"] = ["Enter the reason for the rating"]
    action_problems = _check_actions(
        actions, enrolment=enrolment, held_on=None if "held_on" in errors else held_on, today=today
    )
    if action_problems:
        errors["actions"] = action_problems
    if errors:
        raise ValidationError(errors)

    review = Review.objects.create(
        enrolment=enrolment,
        held_on=held_on,
        progress_summary=progress_summary,
        concerns=concerns,
        rag=rag,
        rag_reason=rag_reason,
        recorded_by=recorder,
    )
    ReviewAction.objects.bulk_create(
        ReviewAction(
            review=review,
            description=action["description"].strip(),
            owner=action["owner"],
            due_date=action["due_date"],
        )
        for action in actions
    )
    review_due_keep(enrolment)
    # The reminders that this review was due (or overdue) are dealt with.
    notifications_settle(
        actor=recorder,
        url=reverse("cohorts:review_list", args=[enrolment.pk]),
        did="recorded",
    )
    return review


def _already_confirmed_message(confirmation: ReviewConfirmation, actor: User) -> str:
    when = timezone.localtime(confirmation.confirmed_at)
    if confirmation.person_id == actor.pk:
        return f"You have already confirmed this review, on {_day(when)}"
    return (
        f"The {confirmation.get_party_display().lower()} has already confirmed this review: "
        f"{confirmation.person} on {_day(when)}"
    )


@transaction.atomic
def review_confirm(*, actor: User, review: Review) -> ReviewConfirmation:
    """The trainee, a current mentor or the current tutor confirms the review is right.

    Each party confirms once: a second confirmation for the same party (a second mentor, say)
    is refused."""
    if actor is None or not actor.has_perm("cohorts.confirm_review", review):
        raise PermissionDenied(
            "Only the trainee, one of their current mentors or their tutor can confirm this review"
        )
    party = confirming_party(actor, review.enrolment)
    if party is None:  # the rule and this lookup agree; kept in case they ever drift apart
        raise PermissionDenied("You cannot confirm this review")
    existing = (
        ReviewConfirmation.objects.filter(review=review, party=party)
        .select_related("person")
        .first()
    )
    if existing is not None:
        raise ValidationError(_already_confirmed_message(existing, actor))
    try:
        with transaction.atomic():
            return ReviewConfirmation.objects.create(review=review, party=party, person=actor)
    except IntegrityError as clash:  # someone confirmed for this party a moment ago
        existing = ReviewConfirmation.objects.select_related("person").get(
            review=review, party=party
        )
        raise ValidationError(_already_confirmed_message(existing, actor)) from clash


@transaction.atomic
def review_action_complete(
    *, actor: User | None, action: ReviewAction, done_on: datetime.date | None = None
) -> ReviewAction:
    """Mark an agreed action as done: by its owner or the lead nurse."""
    if actor is not None and not (
        action.owner_id == actor.pk or actor.has_role(RoleCode.LEAD_NURSE)
    ):
        raise PermissionDenied("Only the person who owns this action or the lead nurse can do this")
    action = ReviewAction.objects.select_for_update().select_related("review").get(pk=action.pk)
    today = timezone.localdate()
    done_on = done_on or today
    if action.done_on is not None:
        raise ValidationError(f"This action was already marked as done on {_day(action.done_on)}")
    if done_on > today:
        raise ValidationError({"done_on": "The date it was done must be today or in the past"})
    if done_on < action.review.held_on:
        raise ValidationError(
            {"done_on": "The date it was done must be the same as or after the date of the review"}
        )
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    return action
