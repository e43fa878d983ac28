"""Writes for the core domain. Each checks who is acting, then changes data in one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pathway.memo import forget
from pathway.models import Allocation, MentorPreparation, RecordAccess, RoleCode, User
from pathway.preparation import confirmation_message
from pathway.requestids import current_request_id
from pathway.selectors import allocation_check_day, mentor_preparation_status


@transaction.atomic
def allocation_create(
    *,
    actor: User | None,
    trainee: User,
    supporter: User,
    kind: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    confirm_unprepared: bool = False,
) -> Allocation:
    """Allocate a supporter to a trainee. `actor` None means the system (imports, seeding).

    A mentor who is not prepared, or whose annual update is out of date on the start date
    (pathway/preparation.py), is allocated only with `confirm_unprepared`: otherwise a
    ValidationError on "confirm_unprepared" says why.
    """
    if actor is not None and not actor.has_perm("pathway.manage_allocations"):
        raise PermissionDenied("Only the lead nurse can allocate supporters")
    if not trainee.has_role(RoleCode.TRAINEE):
        raise ValidationError({"trainee": "This person is not a trainee"})
    if not supporter.has_role(Allocation.ROLE_FOR_KIND[kind]):
        raise ValidationError(
            {"supporter": f"{supporter} does not hold the role of {kind.replace('_', ' ')}"}
        )
    if kind == Allocation.Kind.MENTOR and not supporter.is_registered_professional:
        raise ValidationError(
            {"supporter": "A mentor must be a registered nurse with a registration number"}
        )
    if kind == Allocation.Kind.MENTOR and not confirm_unprepared:
        status = mentor_preparation_status(supporter, on=allocation_check_day(start_date))
        if status.needs_confirmation:
            raise ValidationError(
                {
                    "confirm_unprepared": (
                        f"{confirmation_message(str(supporter), status)}: confirm that you "
                        "understand before allocating them"
                    )
                }
            )
    allocation = Allocation(
        trainee=trainee, supporter=supporter, kind=kind, start_date=start_date, end_date=end_date
    )
    allocation.full_clean()
    allocation.save()
    forget("allocations")
    return allocation


@transaction.atomic
def allocation_end(*, actor: User | None, allocation: Allocation, end_date: datetime.date):
    if actor is not None and not actor.has_perm("pathway.manage_allocations"):
        raise PermissionDenied("Only the lead nurse can end an allocation")
    allocation.end_date = end_date
    allocation.full_clean()
    allocation.save(update_fields=["end_date"])
    forget("allocations")
    return allocation


@transaction.atomic
def mentor_preparation_record(
    *,
    actor: User | None,
    mentor: User,
    prepared_on: datetime.date | None,
    last_update_on: datetime.date | None = None,
) -> MentorPreparation:
    """Record (or correct) a mentor's preparation date and last annual update."""
    if actor is not None and not actor.has_perm("pathway.record_mentor_preparation"):
        raise PermissionDenied("Only the lead nurse or a practice educator keeps the register")
    if not mentor.has_role(RoleCode.MENTOR):
        raise ValidationError({"mentor": f"{mentor} is not a mentor"})
    today = timezone.localdate()
    for name, day in (("prepared_on", prepared_on), ("last_update_on", last_update_on)):
        if day is not None and day > today:
            raise ValidationError({name: "The date must be today or in the past"})
    entry = MentorPreparation.objects.select_for_update().filter(mentor=mentor).first()
    entry = entry or MentorPreparation(mentor=mentor)
    entry.prepared_on, entry.last_update_on = prepared_on, last_update_on
    entry.recorded_by = actor
    entry.full_clean()
    entry.save()
    return entry


# Who looked (issue #20, part 5) ---------------------------------------------------------------


def record_access_log(
    *, viewer: User, subject_id: int, kind: str, what: str = "", object_id: object = ""
) -> RecordAccess | None:
    """Keep one look by `viewer` at `subject_id`'s record: one INSERT, no reads, so every page
    that reads a record pays one query for it. Called after the access layer has allowed the
    read (there is nothing more to check: it records what was done, it does not allow it). A
    person reading their own record is not logged (None). Not in a transaction of its own: the
    look happened even if the page then fails."""
    if viewer.pk == subject_id:
        return None
    return RecordAccess.objects.create(
        viewer=viewer,
        subject_id=subject_id,
        kind=kind,
        what=what[:200],
        object_id=str(object_id)[:64],
        request_id=current_request_id.get() if current_request_id.get() != "-" else "",
    )
