"""Reads for the integration API: one query per page for each list (two where a list carries
a many-to-many, read with prefetch), however long the page; pages by cursor (ADR 0023)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from api.models import ApiClient
from api.tokens import token_matches, token_prefix
from cohorts.models import Cohort, Enrolment
from competencies.models import CompetencyProgress, Framework, ProgressState, TrainingRecord
from pathway.models import IntegrationEvent, Module, Programme, User


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def page_after(queryset: QuerySet, *, after: int, limit: int) -> Page:
    """Rows with an id above `after`, in id order: the cursor is the last id given. A row
    added later has a higher id and turns up on a later page; none is given twice."""
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=str(rows[-1].pk) if more else None)


# Clients ------------------------------------------------------------------------------------


def api_clients() -> QuerySet[ApiClient]:
    return ApiClient.objects.select_related("created_by", "revoked_by").order_by(
        "revoked_at", "name"
    )


def api_client_by_pk(pk: int) -> ApiClient:
    return ApiClient.objects.select_related("created_by", "revoked_by").get(pk=pk)


def api_client_for_token(token: str) -> ApiClient | None:
    """The client this token belongs to, whatever its state (expired, revoked), or None."""
    prefix = token_prefix(token)
    if prefix is None:
        return None
    client = ApiClient.objects.filter(token_prefix=prefix).first()
    if client is None or not token_matches(token, client.token_hash):
        return None
    return client


# Resources ----------------------------------------------------------------------------------


def people() -> QuerySet[User]:
    return User.objects.select_related("clinical_area").prefetch_related("roles")


def person_by_employee_number(employee_number: str) -> User:
    return people().get(employee_number=employee_number, employee_number__gt="")


def programmes() -> QuerySet[Programme]:
    return Programme.objects.select_related("organisation", "university").prefetch_related(
        "modules"
    )


def cohorts() -> QuerySet[Cohort]:
    return Cohort.objects.select_related("programme", "framework").prefetch_related(
        "clinical_areas"
    )


def enrolments(*, cohort: int | None = None) -> QuerySet[Enrolment]:
    queryset = Enrolment.objects.select_related("trainee")
    return queryset if cohort is None else queryset.filter(cohort_id=cohort)


def training_records() -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.select_related("trainee", "framework", "clinical_area").annotate(
        competencies_total=Count("progress"),
        competencies_achieved=Count("progress", filter=Q(progress__state=ProgressState.ACHIEVED)),
    )


def training_record_by_pk(pk: int) -> TrainingRecord:
    return training_records().get(pk=pk)


def progress_of(record: TrainingRecord) -> QuerySet[CompetencyProgress]:
    return (
        CompetencyProgress.objects.filter(record=record)
        .select_related("competency")
        .with_display_state()
    )


def competence_register() -> QuerySet[CompetencyProgress]:
    """Who holds which competency today: achieved, not expired, on an active record (for
    rostering: who may be put on which shift)."""
    return (
        CompetencyProgress.objects.currently_achieved()
        .filter(record__is_active=True)
        .select_related("record__trainee", "record__framework", "competency")
    )


def events(kinds: Iterable[str] = ()) -> QuerySet[IntegrationEvent]:
    kinds = list(kinds)
    queryset = IntegrationEvent.objects.all()
    return queryset.filter(kind__in=kinds) if kinds else queryset


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.annotate(competency_count=Count("competencies"))


def framework_with_count(pk: int) -> Framework:
    return frameworks().get(pk=pk)


def framework_by_pk(pk: int) -> Framework:
    return Framework.objects.get(pk=pk)


def module_by_pk(pk: int) -> Module:
    return Module.objects.get(pk=pk)
