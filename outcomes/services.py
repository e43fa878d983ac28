"""Writes for the career pathway: moves, stage wording, bridging modules and their results.

Every function checks the actor's permission (actor=None: a trusted caller such as the demo
or a test that has checked already) and raises ValidationError naming the field at fault.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction

from outcomes import selectors
from outcomes.models import (
    DEFAULT_DESCRIPTIONS,
    NURSING_STAGES,
    BridgingEnrolment,
    BridgingModule,
    BridgingResult,
    PathwayMove,
    Stage,
    StageCode,
)
from pathway.concurrency import locked, version_check
from pathway.models import ClinicalArea, Organisation, User

# What the stage's edit form changes, and so what its version covers.
STAGE_EDITED = ("name", "description")


def _require(actor: User | None, perm: str, obj=None) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied("Only the lead nurse can do this")


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _clean_text(value: str, *, limit: int, field: str, label: str) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError({field: f"The {label} must not contain a null character"})
    if len(text) > limit:
        raise ValidationError({field: f"The {label} must be {limit} characters or fewer"})
    return text


@transaction.atomic
def move_record(
    *,
    actor: User | None,
    person: User,
    stage: Stage,
    on: datetime.date,
    clinical_area: ClinicalArea | None = None,
    reason: str = "",
) -> PathwayMove:
    """Record that a person moved to a stage (or to another clinical area) on a day."""
    _require(actor, "outcomes.manage")
    reason = _clean_text(reason, limit=2000, field="reason", label="reason")
    if stage.code in (StageCode.TRAINEE,):
        raise ValidationError(
            {"stage": "Training comes from cohort enrolment: enrol the person on a cohort instead"}
        )
    if stage.code == StageCode.QUALIFIED:
        # Qualifying by hand is for someone Pathway has no qualification for; after it, a
        # "qualified" move is a move to another clinical area, or coming back after leaving.
        qualified = selectors.qualified_on(person)
        if qualified is not None and on < qualified:
            raise ValidationError({"on": f"{person} qualified on {_day(qualified)}"})
    if stage.code == StageCode.LEFT and not reason:
        raise ValidationError({"reason": "Give the reason the person left"})
    duplicate = PathwayMove.objects.filter(
        person=person, stage=stage, on=on, clinical_area=clinical_area
    )
    if duplicate.exists():
        raise ValidationError("This move is already recorded")
    move = PathwayMove(
        person=person,
        stage=stage,
        on=on,
        clinical_area=clinical_area,
        reason=reason,
        recorded_by=actor,
    )
    move.full_clean()
    move.save()
    return move


@transaction.atomic
def move_delete(*, actor: User | None, move: PathwayMove) -> None:
    """Remove a move recorded by mistake."""
    _require(actor, "outcomes.manage")
    PathwayMove.objects.filter(pk=move.pk).delete()


def stages_ensure(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, Stage]:
    """Create any of the pathway's stages that is missing, with its default name, description
    and place, leaving the others and their wording alone; every stage by code.

    Nobody's action, so no actor: migration 0002 seeds the stages, and outcomes/apps.py runs
    this after every migrate and flush (post_migrate), so a database emptied by a flush (as
    tests' transactional runs do) has them back. Reads never write (selectors.stages_by_code).

    A stage put back gets the id a freshly migrated database gives it (its place, 1 to 7), as
    Django's sites framework does for its default site: a backup restored over it
    (docs/operations.md) then finds the same ids, never a second stage in the same place.
    """
    stages = {stage.code: stage for stage in Stage.objects.using(using)}
    taken = {stage.pk for stage in stages.values()}
    missing = [
        (order, code) for order, code in enumerate(StageCode, start=1) if code.value not in stages
    ]
    with transaction.atomic(using=using):
        for order, code in missing:
            stages[code.value] = Stage.objects.using(using).create(
                pk=None if order in taken else order,
                code=code.value,
                name=code.label,
                description=DEFAULT_DESCRIPTIONS[code],
                order=order,
            )
        if missing:
            _reset_id_sequence(Stage, using)
    return stages


def _reset_id_sequence(model, using: str) -> None:
    """After rows written with ids of our choosing: the next id the database hands out is
    past them (PostgreSQL's sequences do not see such ids; SQLite needs nothing)."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@transaction.atomic
def stage_update(
    *,
    actor: User | None,
    stage: Stage,
    name: str,
    description: str = "",
    version: str | None = None,
) -> Stage:
    """Reword a stage. Its code (which the outcome calculations use) never changes. `version`
    is the edit form's (pathway/concurrency.py): a stale save is refused with the change shown."""
    _require(actor, "outcomes.manage")
    stage = locked(stage)
    version_check(stage, version, fields=STAGE_EDITED)
    name = _clean_text(name, limit=120, field="name", label="name")
    if not name:
        raise ValidationError({"name": "Enter the stage's name"})
    if Stage.objects.filter(name__iexact=name).exclude(pk=stage.pk).exists():
        raise ValidationError({"name": "Another stage already has that name"})
    stage.name = name
    stage.description = _clean_text(
        description, limit=2000, field="description", label="description"
    )
    stage.save(update_fields=["name", "description"])
    return stage


@transaction.atomic
def bridging_module_create(
    *, actor: User | None, title: str, credits: int, provider: Organisation
) -> BridgingModule:
    _require(actor, "outcomes.manage")
    title = _clean_text(title, limit=200, field="title", label="title")
    if not title:
        raise ValidationError({"title": "Enter the module's title"})
    if BridgingModule.objects.filter(title__iexact=title).exists():
        raise ValidationError({"title": "There is already a bridging module with that title"})
    if not 0 <= credits <= 200:
        raise ValidationError({"credits": "Credits must be between 0 and 200"})
    module = BridgingModule(title=title, credits=credits, provider=provider)
    module.full_clean()
    module.save()
    return module


@transaction.atomic
def bridging_enrol(
    *, actor: User | None, module: BridgingModule, person: User, started_on: datetime.date
) -> BridgingEnrolment:
    """Enrol a qualified assistant practitioner on a bridging module. Their first bridging
    module also records their move to the bridging stage, on the day it starts."""
    _require(actor, "outcomes.manage")
    qualified = selectors.qualified_on(person)
    if qualified is None:
        raise ValidationError({"person": f"{person} is not a qualified assistant practitioner yet"})
    if started_on < qualified:
        raise ValidationError(
            {"started_on": f"The start must be on or after {person} qualified ({_day(qualified)})"}
        )
    if BridgingEnrolment.objects.filter(module=module, person=person).exists():
        raise ValidationError({"person": f"{person} is already enrolled on {module}"})
    history = selectors.person_history(person)
    current = history.current
    if current is not None and current.stage.code == StageCode.LEFT and current.on <= started_on:
        raise ValidationError({"person": f"{person} has left the trust"})
    try:
        with transaction.atomic():
            enrolment = BridgingEnrolment.objects.create(
                module=module, person=person, started_on=started_on, recorded_by=actor
            )
    except IntegrityError as clash:
        raise ValidationError({"person": f"{person} is already enrolled on {module}"}) from clash
    on_the_way = {code.value for code in NURSING_STAGES}
    if not any(entry.stage.code in on_the_way for entry in history.entries):
        stages = selectors.stages_by_code()
        PathwayMove.objects.create(
            person=person,
            stage=stages[StageCode.BRIDGING],
            on=started_on,
            reason=f"Started {module.title}",
            recorded_by=actor,
        )
    return enrolment


@transaction.atomic
def bridging_result_record(
    *, actor: User | None, enrolment: BridgingEnrolment, result: str, on: datetime.date
) -> BridgingEnrolment:
    """Record (or correct) a bridging module's result."""
    _require(actor, "outcomes.manage")
    if result not in BridgingResult.values:
        raise ValidationError({"result": "Select the result"})
    if on < enrolment.started_on:
        raise ValidationError(
            {
                "on": "The date must be on or after the module started "
                f"({_day(enrolment.started_on)})"
            }
        )
    enrolment.result = result
    enrolment.result_on = on
    enrolment.recorded_by = actor or enrolment.recorded_by
    enrolment.full_clean()
    enrolment.save(update_fields=["result", "result_on", "recorded_by"])
    return enrolment
