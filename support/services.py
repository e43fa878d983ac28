"""Writes for the practice educator team. Each checks who is acting, in one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pathway import services as pathway_services
from pathway.concurrency import version_check
from pathway.models import MentorPreparation, RoleCode, User
from support import selectors
from support.models import MentorCaseload, SupportKind, SupportLog

# The same support logged again within this many seconds is taken as the same submission.
REPEAT_SECONDS = 60

# What the mentor preparation edit form changes, and so what its version covers.
PREPARATION_EDITED = ("prepared_on", "last_update_on")


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
    # The educator's row locked, so that a double press of "Save support" is in turn: the
    # second finds the first one's log, made moments ago with the same details, and is that
    # log rather than a second one.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    details = {"kind": kind, "on": on, "minutes": minutes, "person": person, "notes": notes.strip()}
    repeat = (
        SupportLog.objects.filter(
            educator=actor,
            created_at__gte=timezone.now() - datetime.timedelta(seconds=REPEAT_SECONDS),
            **details,
        )
        .order_by("-pk")
        .first()
    )
    if repeat is not None:
        return repeat
    log = SupportLog(educator=actor, **details)
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
    # The educator's row locked: a second press of the button (or a second lead nurse) waits
    # here and then finds the first one's entry, rather than failing on the unique constraint.
    User.objects.select_for_update().filter(pk=educator.pk).first()
    already = f"{mentor} is already in this caseload"
    if MentorCaseload.objects.current(start_date).filter(educator=educator, mentor=mentor).exists():
        raise ValidationError({"mentor": already})
    if MentorCaseload.objects.filter(educator=educator, mentor=mentor, end_date__isnull=True):
        raise ValidationError({"mentor": already})
    entry = MentorCaseload(educator=educator, mentor=mentor, start_date=start_date)
    # The constraints were checked above in words a person reads; the database has the last
    # say (its unique constraint), below.
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as clash:  # a database without row locks (SQLite) raced us
        raise ValidationError({"mentor": already}) from clash
    return entry


@transaction.atomic
def mentor_preparation_update(
    *,
    actor: User,
    mentor: User,
    prepared_on: datetime.date | None,
    last_update_on: datetime.date | None = None,
    version: str | None = None,
) -> MentorPreparation:
    """Record a mentor's preparation dates from the register's edit form. `version` is the
    form's (pathway/concurrency.py): a save from a form drawn before someone else recorded or
    changed the dates is refused with theirs shown."""
    if not actor.has_perm("pathway.record_mentor_preparation"):
        raise PermissionDenied("Only the lead nurse or a practice educator keeps the register")
    # The mentor's row locked, so that two first recordings of the dates are in turn too.
    User.objects.select_for_update().filter(pk=mentor.pk).first()
    version_check(selectors.mentor_preparation_of(mentor), version, fields=PREPARATION_EDITED)
    return pathway_services.mentor_preparation_record(
        actor=actor, mentor=mentor, prepared_on=prepared_on, last_update_on=last_update_on
    )


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
