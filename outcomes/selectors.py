"""Reads for the outcomes pages. Each gathers facts in a fixed number of queries (whatever the
number of cohorts or people) and leaves the arithmetic to outcomes/calculations.py.

A person's stages come from two places (docs/adr/0012-outcomes-pathway-moves-from-enrolments.md):
- their cohort enrolments' status history: enrolled -> trainee assistant practitioner;
  qualified -> qualified assistant practitioner; withdrawn -> back to band 3 support worker;
- the moves recorded here (PathwayMove): everything else.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cohorts.models import Cohort, Enrolment, EnrolmentStatus, EnrolmentStatusChange
from outcomes import calculations
from outcomes.models import (
    BridgingEnrolment,
    BridgingModule,
    PathwayMove,
    Stage,
    StageCode,
)
from pathway.models import User

# Stages -------------------------------------------------------------------------------------


def stages_by_code() -> dict[str, Stage]:
    """Every stage by code: one query. They are always all there (migration 0002 seeds them,
    nobody may add or delete one, and services.stages_ensure puts them back after a flush)."""
    return {stage.code: stage for stage in Stage.objects.all()}


def stage_list() -> list[Stage]:
    return sorted(stages_by_code().values(), key=lambda s: s.order)


# A person's history -------------------------------------------------------------------------


@dataclass
class Entry:
    """One step of a person's timeline."""

    on: datetime.date
    stage: Stage
    area_name: str = ""
    area_id: int | None = None
    note: str = ""
    reason: str = ""
    source: str = "recorded"  # "recorded" here, or "cohort" (from an enrolment)
    move_pk: int | None = None
    sequence: int = 0

    @property
    def from_cohort(self) -> bool:
        return self.source == "cohort"


@dataclass
class History:
    person: User
    entries: list[Entry] = field(default_factory=list)
    bridging: list[BridgingEnrolment] = field(default_factory=list)

    @property
    def current(self) -> Entry | None:
        return self.entries[-1] if self.entries else None

    @property
    def current_area(self) -> str:
        for entry in reversed(self.entries):
            if entry.area_name:
                return entry.area_name
        return ""


_DERIVED = {
    EnrolmentStatus.ACTIVE: StageCode.TRAINEE,
    EnrolmentStatus.QUALIFIED: StageCode.QUALIFIED,
    EnrolmentStatus.WITHDRAWN: StageCode.SUPPORT_WORKER,
}


def _derived_entries(changes, stages) -> list[Entry]:
    entries = []
    for change in changes:
        code = _DERIVED.get(change.to_status)
        if code is None or (change.to_status == EnrolmentStatus.ACTIVE and change.from_status):
            continue  # back from a break, say: no move along the pathway
        enrolment = change.enrolment
        cohort = enrolment.cohort.name
        note = {
            StageCode.TRAINEE: f"Enrolled on {cohort}",
            StageCode.QUALIFIED: f"Qualified from {cohort}",
            StageCode.SUPPORT_WORKER: f"Withdrew from {cohort}",
        }[code]
        area = enrolment.record.clinical_area
        entries.append(
            Entry(
                on=change.on,
                stage=stages[code],
                area_name=area.name if area else "",
                area_id=area.pk if area else None,
                note=note,
                reason=change.reason if code != StageCode.TRAINEE else "",
                source="cohort",
                sequence=change.pk,
            )
        )
    return entries


def person_history(person: User) -> History:
    """Four queries, however long the history."""
    stages = stages_by_code()
    by_pk = {stage.pk: stage for stage in stages.values()}
    changes = EnrolmentStatusChange.objects.filter(enrolment__trainee=person).select_related(
        "enrolment__cohort", "enrolment__record__clinical_area"
    )
    entries = _derived_entries(changes, stages)
    for move in PathwayMove.objects.filter(person=person).select_related("clinical_area"):
        entries.append(
            Entry(
                on=move.on,
                stage=by_pk[move.stage_id],
                area_name=move.clinical_area.name if move.clinical_area else "",
                area_id=move.clinical_area_id,
                reason=move.reason,
                move_pk=move.pk,
                # Recorded moves sort after enrolment changes on the same day.
                sequence=10**12 + move.pk,
            )
        )
    entries.sort(key=lambda e: (e.on, e.sequence))
    bridging = list(
        BridgingEnrolment.objects.filter(person=person)
        .select_related("module__provider")
        .order_by("started_on", "module__title")
    )
    return History(person=person, entries=entries, bridging=bridging)


# Outcomes per cohort ------------------------------------------------------------------------


@dataclass
class PersonRow:
    person_pk: int
    name: str
    status: str
    started_on: datetime.date
    qualified_on: datetime.date | None
    current_stage: str

    @property
    def status_label(self) -> str:
        return EnrolmentStatus(self.status).label


@dataclass
class CohortOutcome:
    cohort: Cohort
    outcomes: calculations.Outcomes
    people: list[PersonRow] = field(default_factory=list)


@dataclass
class Dashboard:
    today: datetime.date
    cohorts: list[CohortOutcome]

    @property
    def months(self) -> tuple[int, ...]:
        return calculations.RETENTION_MONTHS

    @property
    def withdrawals(self) -> list[tuple[Cohort, calculations.Withdrawal]]:
        return [(item.cohort, w) for item in self.cohorts for w in item.outcomes.withdrawals]


def _last_change_on(status: str):
    return Subquery(
        EnrolmentStatusChange.objects.filter(enrolment=OuterRef("pk"), to_status=status)
        .order_by("-on", "-pk")
        .values("on")[:1]
    )


def _first_start():
    return Subquery(
        Enrolment.objects.filter(record=OuterRef("record"))
        .values("record")
        .annotate(first=Min("start_date"))
        .values("first")[:1]
    )


def _facts(cohorts: list[Cohort]):
    """(enrolment rows, moves by person): two queries for any number of cohorts."""
    rows = list(
        Enrolment.objects.filter(cohort__in=cohorts)
        .annotate(
            qualified_on=_last_change_on(EnrolmentStatus.QUALIFIED),
            withdrawn_on=_last_change_on(EnrolmentStatus.WITHDRAWN),
            first_start=_first_start(),
        )
        .values(
            "pk",
            "cohort_id",
            "trainee_id",
            "trainee__full_name",
            "status",
            "status_reason",
            "start_date",
            "end_date",
            "record__clinical_area_id",
            "qualified_on",
            "withdrawn_on",
            "first_start",
        )
        .order_by("trainee__full_name", "pk")
    )
    moves: dict[int, list[calculations.Move]] = defaultdict(list)
    for person_id, code, on, area_id, reason in (
        PathwayMove.objects.filter(person_id__in={row["trainee_id"] for row in rows})
        .order_by("on", "pk")
        .values_list("person_id", "stage__code", "on", "clinical_area_id", "reason")
    ):
        moves[person_id].append(calculations.Move(code, on, area_id, reason))
    return rows, moves


def _trainee(row, moves) -> calculations.Trainee:
    qualified_on = row["qualified_on"]
    if row["status"] == EnrolmentStatus.QUALIFIED and qualified_on is None:
        qualified_on = row["end_date"]  # qualified before status history was kept
    withdrawn_on = row["withdrawn_on"]
    if row["status"] == EnrolmentStatus.WITHDRAWN and withdrawn_on is None:
        withdrawn_on = row["end_date"]
    return calculations.Trainee(
        person_id=row["trainee_id"],
        status=row["status"],
        started_on=row["first_start"] or row["start_date"],
        qualified_on=qualified_on if row["status"] == EnrolmentStatus.QUALIFIED else None,
        withdrawn_on=withdrawn_on if row["status"] == EnrolmentStatus.WITHDRAWN else None,
        withdrawal_reason=row["status_reason"]
        if row["status"] == EnrolmentStatus.WITHDRAWN
        else "",
        area_id=row["record__clinical_area_id"],
        moves=tuple(moves.get(row["trainee_id"], ())),
    )


def _current_stage(trainee: calculations.Trainee, stages) -> str:
    """The stage a person is at today, from their enrolment on this cohort and their moves."""
    steps = [(trainee.started_on, 0, StageCode.TRAINEE)]
    if trainee.qualified_on:
        steps.append((trainee.qualified_on, 1, StageCode.QUALIFIED))
    if trainee.withdrawn_on:
        steps.append((trainee.withdrawn_on, 1, StageCode.SUPPORT_WORKER))
    steps += [(move.on, 2, move.stage) for move in trainee.moves if move.on >= trainee.started_on]
    return stages[max(steps)[2]].name


# The dashboard shows this many cohorts a page, the most recent intake first; the download has
# every cohort. So the page costs the same however many cohorts the programme has run.
COHORTS_PER_PAGE = 12


def started_cohorts_newest_first(today: datetime.date) -> QuerySet[Cohort]:
    """Every cohort that has started, the latest intake first: the dashboard's pages."""
    return (
        Cohort.objects.filter(intake_date__lte=today)
        .select_related("programme")
        .order_by("-intake_date", "name", "pk")
    )


def started_cohorts(today: datetime.date) -> list[Cohort]:
    return list(
        Cohort.objects.filter(intake_date__lte=today)
        .select_related("programme")
        .order_by("intake_date", "name")
    )


def dashboard(*, today: datetime.date | None = None, cohorts=None) -> Dashboard:
    """Every cohort that has started, oldest first, with its outcomes: four queries."""
    today = today or timezone.localdate()
    cohorts = started_cohorts(today) if cohorts is None else list(cohorts)
    rows, moves = _facts(cohorts)
    stages = stages_by_code()
    by_cohort: dict[int, list] = defaultdict(list)
    for row in rows:
        by_cohort[row["cohort_id"]].append(row)
    items = []
    for cohort in cohorts:
        facts = [(row, _trainee(row, moves)) for row in by_cohort[cohort.pk]]
        outcome = calculations.cohort_outcomes([t for _, t in facts], today=today)
        people = [
            PersonRow(
                person_pk=row["trainee_id"],
                name=row["trainee__full_name"],
                status=row["status"],
                started_on=trainee.started_on,
                qualified_on=trainee.qualified_on,
                current_stage=_current_stage(trainee, stages),
            )
            for row, trainee in facts
            if row["status"] != EnrolmentStatus.DEFERRED
        ]
        items.append(CohortOutcome(cohort=cohort, outcomes=outcome, people=people))
    return Dashboard(today=today, cohorts=items)


def cohort_outcome(cohort: Cohort, *, today: datetime.date | None = None) -> CohortOutcome:
    return dashboard(today=today, cohorts=[cohort]).cohorts[0]


def cohort_by_pk(pk: int) -> Cohort:
    return Cohort.objects.select_related("programme").get(pk=pk)


# Bridging modules ---------------------------------------------------------------------------


def bridging_modules():
    return BridgingModule.objects.select_related("provider").annotate(
        enrolled=Count("enrolments"),
        in_progress=Count("enrolments", filter=Q(enrolments__result="")),
        passed=Count("enrolments", filter=Q(enrolments__result="pass")),
    )


def bridging_module(pk: int) -> BridgingModule:
    return BridgingModule.objects.select_related("provider").get(pk=pk)


def bridging_enrolments(module: BridgingModule):
    return module.enrolments.select_related("person").order_by("person__full_name", "pk")


def bridging_enrolment(pk: int) -> BridgingEnrolment:
    return BridgingEnrolment.objects.select_related("module__provider", "person").get(pk=pk)


def qualified_people():
    """People who have qualified as assistant practitioners: from a cohort, or recorded here."""
    return (
        User.objects.filter(
            Q(enrolments__status=EnrolmentStatus.QUALIFIED)
            | Q(pathway_moves__stage__code=StageCode.QUALIFIED)
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def qualified_on(person: User) -> datetime.date | None:
    """The first day this person was a qualified assistant practitioner, if they are one: from
    a cohort's status history (or, without one, the enrolment's end) or a recorded move."""
    qualified = Enrolment.objects.filter(trainee=person, status=EnrolmentStatus.QUALIFIED)
    from_cohort = (
        EnrolmentStatusChange.objects.filter(
            enrolment__in=qualified, to_status=EnrolmentStatus.QUALIFIED
        ).aggregate(first=Min("on"))["first"]
        or qualified.aggregate(first=Max("end_date"))["first"]
    )
    recorded = PathwayMove.objects.filter(person=person, stage__code=StageCode.QUALIFIED).aggregate(
        first=Min("on")
    )["first"]
    dates = [day for day in (from_cohort, recorded) if day]
    return min(dates) if dates else None


# One thing, for the access functions ---------------------------------------------------------


def person_by_pk(pk) -> User:
    return User.objects.get(pk=pk)


def move_by_pk(pk) -> PathwayMove:
    return PathwayMove.objects.select_related("person", "stage").get(pk=pk)


def stage_by_pk(pk) -> Stage:
    return Stage.objects.get(pk=pk)
