"""Writes for the off-the-job hours ledger. Each checks who is acting, in one transaction.

Separation of duties: logged hours are confirmed by the apprentice's line manager, never by
whoever logged them; a break in learning is approved by the lead nurse, never by whoever
recorded it. The services refuse both, whatever the permissions say, and the database refuses
a break decided by its recorder (a check constraint).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apprenticeships.models import (
    OTJ_ENTRY_MAX_HOURS,
    Apprenticeship,
    BreakInLearning,
    BreakStatus,
    OtjActivity,
    OtjEntry,
    OtjEntryStatus,
)
from pathway.models import User


def _require(actor: User, perm: str, thing, message: str) -> None:
    if actor is None or not actor.has_perm(perm, thing):
        raise PermissionDenied(message)


@transaction.atomic
def otj_entry_log(
    *,
    actor: User,
    apprenticeship: Apprenticeship,
    on: datetime.date,
    hours: Decimal,
    activity: str,
    description: str,
) -> OtjEntry:
    """The apprentice logs off-the-job training; it waits for their line manager."""
    _require(
        actor,
        "apprenticeships.log_hours",
        apprenticeship,
        "Only the apprentice logs their off-the-job hours",
    )
    errors = {}
    description = (description or "").strip()
    if activity not in OtjActivity.values:
        errors["activity"] = "Select the kind of training"
    if on is None:
        errors["on"] = "Enter the date of the training"
    elif on > timezone.localdate():
        errors["on"] = "The date must be today or in the past"
    elif on < apprenticeship.practical_period_start:
        errors["on"] = (
            "The date must be on or after the start of your practical period "
            f"({apprenticeship.practical_period_start:%-d %B %Y})"
        )
    if hours is None or not Decimal("0.25") <= hours <= OTJ_ENTRY_MAX_HOURS:
        errors["hours"] = f"Hours must be between 0.25 and {OTJ_ENTRY_MAX_HOURS:g}"
    if not description:
        errors["description"] = "Enter what you did and learned"
    if errors:
        raise ValidationError(errors)
    entry = OtjEntry(
        apprenticeship=apprenticeship,
        on=on,
        hours=hours,
        activity=activity,
        description=description,
        logged_by=actor,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def otj_entry_decide(*, actor: User, entry: OtjEntry, confirm: bool, reason: str = "") -> OtjEntry:
    """The line manager confirms the hours (they then count) or declines them with a reason."""
    _require(
        actor,
        "apprenticeships.decide_hours",
        entry,
        "Only the apprentice's line manager confirms their off-the-job hours",
    )
    if entry.logged_by_id == actor.pk:
        raise PermissionDenied("You cannot confirm hours you logged yourself")
    locked = OtjEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != OtjEntryStatus.WAITING:
        raise ValidationError(
            f"These hours have already been {locked.get_status_display().lower()}"
        )
    reason = (reason or "").strip()
    if not confirm and not reason:
        raise ValidationError({"reason": "Enter why you are declining these hours"})
    locked.status = OtjEntryStatus.CONFIRMED if confirm else OtjEntryStatus.DECLINED
    locked.decline_reason = "" if confirm else reason
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    return locked


@transaction.atomic
def break_record(
    *,
    actor: User,
    apprenticeship: Apprenticeship,
    starts_on: datetime.date,
    returns_on: datetime.date,
    reason: str,
) -> BreakInLearning:
    """A tutor, line manager or the lead nurse records a break; it waits for approval."""
    _require(
        actor,
        "apprenticeships.record_break",
        apprenticeship,
        "Only the apprentice's tutor or line manager, or the lead nurse, records a break",
    )
    reason = (reason or "").strip()
    errors = {}
    if starts_on is None:
        errors["starts_on"] = "Enter the first day of the break"
    elif starts_on < apprenticeship.practical_period_start:
        errors["starts_on"] = "The break must start on or after the practical period starts"
    if returns_on is None:
        errors["returns_on"] = "Enter the date the apprentice is expected back"
    elif starts_on is not None and returns_on <= starts_on:
        errors["returns_on"] = "The return must be after the first day of the break"
    if not reason:
        errors["reason"] = "Enter the reason for the break"
    if not errors:
        # Lock the apprenticeship: two breaks recorded at once are checked in turn.
        Apprenticeship.objects.select_for_update().filter(pk=apprenticeship.pk).first()
        if _overlaps(apprenticeship, starts_on, returns_on):
            errors["starts_on"] = "This break overlaps another break in learning"
    if errors:
        raise ValidationError(errors)
    a_break = BreakInLearning(
        apprenticeship=apprenticeship,
        starts_on=starts_on,
        returns_on=returns_on,
        reason=reason,
        recorded_by=actor,
    )
    a_break.full_clean()
    a_break.save()
    return a_break


def _overlaps(apprenticeship, starts_on, returns_on) -> bool:
    others = BreakInLearning.objects.filter(apprenticeship=apprenticeship).exclude(
        status=BreakStatus.REFUSED
    )
    for other in others:
        other_end = other.returns_on or datetime.date.max
        end = returns_on or datetime.date.max
        if starts_on < other_end and other.starts_on < end:
            return True
    return False


@transaction.atomic
def break_decide(
    *, actor: User, a_break: BreakInLearning, approve: bool, note: str = ""
) -> BreakInLearning:
    """The lead nurse approves a break (the plan then moves) or does not, with a note. Never
    the person who recorded it."""
    if actor is not None and a_break.recorded_by_id == actor.pk:
        raise PermissionDenied("You recorded this break, so someone else must approve it")
    _require(
        actor,
        "apprenticeships.approve_break",
        a_break,
        "Only the lead nurse approves a break in learning",
    )
    locked = BreakInLearning.objects.select_for_update().get(pk=a_break.pk)
    if locked.status != BreakStatus.WAITING:
        raise ValidationError(f"This break has already been {locked.get_status_display().lower()}")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "Enter why the break is not approved"})
    locked.status = BreakStatus.APPROVED if approve else BreakStatus.REFUSED
    locked.decision_note = note
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
    return locked
