"""Writes for the practice educator team. Each checks who is acting, in one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pathway.models import RoleCode, User
from support import selectors
from support.models import MentorCaseload, SupportKind, SupportLog


@transaction.atomic
def support_log_create(
    *,
    actor: User,
    kind: str,
    on: datetime.date,
    minutes: int,
    person: User | None = None,
    notes: str = "",
) -> SupportLog:
    """A practice educator logs support they gave. The person it was for, if any, must be in
    their caseload (a trainee, a mentor, or a trainee's line manager)."""
    if not actor.has_perm("support.log_support"):
        raise PermissionDenied("Only a practice educator logs their support")
    if kind not in SupportKind.values:
        raise ValidationError({"kind": "Select the kind of support"})
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if person is not None and not selectors.caseload_people(actor).filter(pk=person.pk).exists():
        raise ValidationError({"person": f"{person} is not in your caseload"})
    log = SupportLog(
        educator=actor, kind=kind, on=on, minutes=minutes, person=person, notes=notes.strip()
    )
    log.full_clean()
    log.save()
    return log


@transaction.atomic
def mentor_caseload_add(
    *, actor: User, educator: User, mentor: User, start_date: datetime.date
) -> MentorCaseload:
    """The lead nurse adds a mentor to a practice educator's caseload."""
    if not actor.has_perm("support.manage_caseloads"):
        raise PermissionDenied("Only the lead nurse changes educators' caseloads")
    if not educator.has_role(RoleCode.PRACTICE_EDUCATOR):
        raise ValidationError({"educator": f"{educator} is not a practice educator"})
    if not mentor.has_role(RoleCode.MENTOR):
        raise ValidationError({"mentor": f"{mentor} is not a mentor"})
    if mentor.pk == educator.pk:
        raise ValidationError({"mentor": "A practice educator cannot be in their own caseload"})
    if MentorCaseload.objects.current(start_date).filter(educator=educator, mentor=mentor).exists():
        raise ValidationError({"mentor": f"{mentor} is already in this caseload"})
    if MentorCaseload.objects.filter(educator=educator, mentor=mentor, end_date__isnull=True):
        raise ValidationError({"mentor": f"{mentor} is already in this caseload"})
    entry = MentorCaseload(educator=educator, mentor=mentor, start_date=start_date)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def mentor_caseload_end(
    *, actor: User, entry: MentorCaseload, end_date: datetime.date
) -> MentorCaseload:
    if not actor.has_perm("support.manage_caseloads"):
        raise PermissionDenied("Only the lead nurse changes educators' caseloads")
    entry.end_date = end_date
    entry.full_clean()
    entry.save(update_fields=["end_date"])
    return entry
