"""Reads for the core domain."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from pathway.models import Allocation, RoleCode, User


def people_supported_by(
    *, supporter: User, kind: str, on: datetime.date | None = None
) -> QuerySet[User]:
    """The trainees a supporter is allocated to, in one capacity, on a day (today by default)."""
    allocations = Allocation.objects.current(on).filter(supporter=supporter, kind=kind)
    return (
        User.objects.filter(pk__in=allocations.values("trainee_id"), is_active=True)
        .select_related("clinical_area")
        .order_by("full_name")
    )


def current_supporters(*, trainee: User, on: datetime.date | None = None) -> QuerySet[Allocation]:
    return (
        Allocation.objects.current(on)
        .filter(trainee=trainee)
        .select_related("supporter")
        .order_by("kind", "supporter__full_name")
    )


def people_with_role(*, role: str) -> QuerySet[User]:
    return User.objects.filter(roles__code=role, is_active=True).order_by("full_name")


def trainees_with_supporters(*, on: datetime.date | None = None) -> QuerySet[User]:
    """Every active trainee with their current allocations prefetched (two queries)."""
    return (
        people_with_role(role=RoleCode.TRAINEE)
        .select_related("clinical_area")
        .prefetch_related(
            Prefetch(
                "supported_by",
                queryset=Allocation.objects.current(on).select_related("supporter"),
                to_attr="current_allocations",
            )
        )
    )


def people_directory() -> QuerySet[User]:
    return (
        User.objects.select_related("clinical_area").prefetch_related("roles").order_by("full_name")
    )


def allocations_for(*, trainee: User) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(trainee=trainee)
        .select_related("supporter")
        .order_by("kind", "-start_date")
    )
