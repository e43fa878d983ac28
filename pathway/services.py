"""Writes for the core domain. Each checks who is acting, then changes data in one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pathway.models import Allocation, RoleCode, User

ROLE_FOR_ALLOCATION = {
    Allocation.Kind.MENTOR: RoleCode.MENTOR,
    Allocation.Kind.TUTOR: RoleCode.TUTOR,
    Allocation.Kind.PRACTICE_EDUCATOR: RoleCode.PRACTICE_EDUCATOR,
    Allocation.Kind.MANAGER: RoleCode.MANAGER,
}


@transaction.atomic
def allocation_create(
    *,
    actor: User | None,
    trainee: User,
    supporter: User,
    kind: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> Allocation:
    """Allocate a supporter to a trainee. `actor` None means the system (imports, seeding)."""
    if actor is not None and not actor.has_perm("pathway.manage_allocations"):
        raise PermissionDenied("Only the lead nurse can allocate supporters")
    if not trainee.has_role(RoleCode.TRAINEE):
        raise ValidationError({"trainee": "This person is not a trainee"})
    if not supporter.has_role(ROLE_FOR_ALLOCATION[kind]):
        raise ValidationError(
            {"supporter": f"{supporter} does not hold the role of {kind.replace('_', ' ')}"}
        )
    if kind == Allocation.Kind.MENTOR and not supporter.is_registered_professional:
        raise ValidationError(
            {"supporter": "A mentor must be a registered nurse with a registration number"}
        )
    allocation = Allocation(
        trainee=trainee, supporter=supporter, kind=kind, start_date=start_date, end_date=end_date
    )
    allocation.full_clean()
    allocation.save()
    return allocation


@transaction.atomic
def allocation_end(*, actor: User | None, allocation: Allocation, end_date: datetime.date):
    if actor is not None and not actor.has_perm("pathway.manage_allocations"):
        raise PermissionDenied("Only the lead nurse can end an allocation")
    allocation.end_date = end_date
    allocation.full_clean()
    allocation.save(update_fields=["end_date"])
    return allocation
