"""Reads for inspection access: the lead nurse's list of grants, and what an inspector sees."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from apprenticeships.models import InspectionGrant
from cohorts.models import Cohort
from pathway.models import User


def grants() -> list[InspectionGrant]:
    """Every grant, newest first, with `.active` worked out against now."""
    now = timezone.now()
    rows = list(
        InspectionGrant.objects.select_related("inspector", "granted_by", "revoked_by")
        .prefetch_related(Prefetch("cohorts", queryset=Cohort.objects.order_by("name")))
        .order_by("-created_at", "-id")
    )
    for grant in rows:
        grant.active = grant.is_active(now)
    return rows


def grant_by_pk(pk) -> InspectionGrant:
    return InspectionGrant.objects.select_related("inspector").get(pk=pk)


def inspector_choices() -> QuerySet[User]:
    """Existing accounts that may be given access: active people."""
    return User.objects.filter(is_active=True).order_by("full_name", "pk")


def cohort_choices() -> QuerySet[Cohort]:
    return Cohort.objects.select_related("programme").order_by("-intake_date", "name")


def my_grants(user) -> list[InspectionGrant]:
    now = timezone.now()
    return list(
        InspectionGrant.objects.filter(
            inspector_id=user.pk, revoked_at__isnull=True, expires_at__gt=now
        )
        .prefetch_related(Prefetch("cohorts", queryset=Cohort.objects.select_related("programme")))
        .order_by("expires_at", "pk")
    )
