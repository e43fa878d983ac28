"""Writes for inspection access: the lead nurse gives an inspector or quality assurer read-only,
time-limited access to named cohorts, and may end it early. Every change is kept in the grant's
audit history. A grant ends by itself: every check compares its expiry with now."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apprenticeships.models import InspectionGrant
from cohorts.models import Cohort
from pathway.models import User

LONGEST = datetime.timedelta(days=90)


def _end_of(day: datetime.date) -> datetime.datetime:
    """The end of that day, local time: access lasts to the end of the expiry date."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


@transaction.atomic
def inspection_grant_create(
    *,
    actor: User,
    cohorts: list[Cohort],
    expires_on: datetime.date,
    purpose: str,
    inspector: User | None = None,
    full_name: str = "",
    email: str = "",
) -> InspectionGrant:
    """Access for an existing person (`inspector`) or a new account made for them (full name
    and email; they set a password with "Forgotten your password?")."""
    if not actor.has_perm("apprenticeships.manage_inspection"):
        raise PermissionDenied("Only the lead nurse gives inspection access")
    today = timezone.localdate()
    if expires_on < today:
        raise ValidationError({"expires_on": "The expiry date must be today or in the future"})
    if expires_on > today + LONGEST:
        raise ValidationError({"expires_on": "Access can last no more than 90 days"})
    if not cohorts:
        raise ValidationError({"cohorts": "Select at least one cohort"})
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": "Enter who they are and why they need access"})
    if inspector is None:
        inspector = _new_account(full_name, email)
    elif inspector.pk == actor.pk:
        raise ValidationError({"inspector": "You cannot give inspection access to yourself"})
    elif not inspector.is_active:
        raise ValidationError({"inspector": "This account is no longer active"})
    grant = InspectionGrant(
        inspector=inspector,
        purpose=purpose[:200],
        expires_at=_end_of(expires_on),
        granted_by=actor,
        created_at=timezone.now(),
    )
    grant.full_clean(exclude=["cohorts"])
    grant.save()
    grant.cohorts.set(cohorts)
    return grant


def _new_account(full_name: str, email: str) -> User:
    full_name, email = (full_name or "").strip(), (email or "").strip().lower()
    if not full_name or not email:
        raise ValidationError(
            {"inspector": "Select a person, or enter the full name and email of a new account"}
        )
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this email exists: select it instead"})
    user = User(email=email, full_name=full_name[:150], job_title="Inspector")
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def inspection_grant_revoke(*, actor: User, grant: InspectionGrant) -> InspectionGrant:
    if not actor.has_perm("apprenticeships.manage_inspection"):
        raise PermissionDenied("Only the lead nurse ends inspection access")
    grant = InspectionGrant.objects.select_for_update().get(pk=grant.pk)
    if not grant.is_active():
        raise ValidationError("This access has already ended")
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save()
    return grant
