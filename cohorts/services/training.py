"""Training days, their attendance register, and university module results."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cohorts.models import Attendance, Cohort, Enrolment, ModuleResult, TrainingDay
from cohorts.selectors.training import on_cohort_on, register_enrolments
from pathway.concurrency import version_check
from pathway.models import Module, User

# What the training day's edit form changes, and so what its version covers.
TRAINING_DAY_EDITED = ("date", "topic", "location", "duration_hours")

# A register's errors are keyed by row: "mark_<enrolment id>", the field names of the
# register form, so a page can show each problem against its row.
MARK_KEY = "mark_{}"


def mark_key(enrolment_id: int) -> str:
    return MARK_KEY.format(enrolment_id)


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _require(actor: User | None, perm: str, obj=None, message="Only the lead nurse can do this"):
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


# Training days ---------------------------------------------------------------------------


def _check_day(cohort: Cohort, date: datetime.date, topic: str, exclude_pk=None) -> None:
    errors = {}
    if not topic:
        errors["topic"] = "Enter the topic of the training day"
    if not date:
        errors["date"] = "Enter the date of the training day"
    elif not cohort.intake_date <= date <= cohort.planned_end_date:
        errors["date"] = (
            f"The date must be between the cohort's intake ({_long(cohort.intake_date)}) "
            f"and its planned end ({_long(cohort.planned_end_date)})"
        )
    if (
        not errors
        and TrainingDay.objects.filter(cohort=cohort, date=date, topic__iexact=topic)
        .exclude(pk=exclude_pk)
        .exists()
    ):
        errors["topic"] = "This cohort already has a training day on that date with that topic"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def training_day_create(
    *,
    actor: User | None,
    cohort: Cohort,
    date: datetime.date,
    topic: str,
    location: str = "",
    duration_hours: Decimal | None = None,
) -> TrainingDay:
    _require(actor, "cohorts.manage_cohorts")
    topic, location = (topic or "").strip(), (location or "").strip()
    _check_day(cohort, date, topic)
    day = TrainingDay(cohort=cohort, date=date, topic=topic, location=location)
    if duration_hours is not None:
        day.duration_hours = duration_hours
    day.full_clean()
    day.save()
    return day


@transaction.atomic
def training_day_update(
    *, actor: User | None, training_day: TrainingDay, version: str | None = None, **fields
) -> TrainingDay:
    """Change a day's date, topic or location. Once the register is taken the day cannot move
    into the future, nor to a date when someone marked on it was not on the cohort. `version`
    is the edit form's (pathway/concurrency.py): a stale save is refused."""
    _require(actor, "cohorts.manage_cohorts")
    day = TrainingDay.objects.select_for_update().select_related("cohort").get(pk=training_day.pk)
    version_check(day, version, fields=TRAINING_DAY_EDITED)
    date = fields.get("date", day.date)
    topic = (fields.get("topic", day.topic) or "").strip()
    location = (fields.get("location", day.location) or "").strip()
    duration_hours = fields.get("duration_hours") or day.duration_hours
    _check_day(day.cohort, date, topic, exclude_pk=day.pk)
    if date != day.date and day.attendance.exists():
        if date > timezone.localdate():
            raise ValidationError(
                {"date": "The register has been taken: the day cannot move into the future"}
            )
        not_then = (
            Enrolment.objects.filter(attendance__training_day=day)
            .exclude(on_cohort_on(date))
            .select_related("trainee")
            .order_by("trainee__full_name")
        )
        names = [enrolment.trainee.full_name for enrolment in not_then]
        if names:
            raise ValidationError(
                {"date": f"{', '.join(names)} were not on the cohort on that date"}
            )
    day.date, day.topic, day.location = date, topic, location
    day.duration_hours = duration_hours
    day.full_clean()
    day.save(update_fields=["date", "topic", "location", "duration_hours"])
    training_day.date, training_day.topic, training_day.location = date, topic, location
    return day


@transaction.atomic
def training_day_delete(*, actor: User | None, training_day: TrainingDay) -> None:
    """Remove a day put in by mistake. Once its register is taken it is part of the record."""
    _require(actor, "cohorts.manage_cohorts")
    day = TrainingDay.objects.select_for_update().get(pk=training_day.pk)
    if day.attendance.exists():
        raise ValidationError(
            "The register for this day has been taken, so it cannot be deleted. "
            "Change its details instead."
        )
    day.delete()


# The register ----------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    actor: User | None,
    training_day: TrainingDay,
    marks: Mapping[int, str],
) -> list[Attendance]:
    """Write a day's whole register at once: one mark (present, absent or excused) for every
    trainee on it. A missing or unknown mark is an error naming the trainee, keyed
    ``mark_<enrolment id>``; nothing is written unless the whole register is right."""
    _require(
        actor,
        "cohorts.take_attendance",
        training_day.cohort,
        "Only the lead nurse and practice educators supporting this cohort can take the register",
    )
    # Lock the day: two people saving the same register take turns.
    day = TrainingDay.objects.select_for_update().select_related("cohort").get(pk=training_day.pk)
    if day.date > timezone.localdate():
        raise ValidationError("You can take the register on the day of the training or after it")
    marks = {int(enrolment_id): status for enrolment_id, status in marks.items()}
    rows = list(register_enrolments(day))
    known = {enrolment.pk for enrolment in rows}
    if set(marks) - known:
        raise ValidationError(
            "Attendance can only be recorded for trainees on this cohort on the day"
        )
    errors = {}
    for enrolment in rows:
        status = marks.get(enrolment.pk)
        if not status:
            errors[mark_key(enrolment.pk)] = (
                f"Select whether {enrolment.trainee.full_name} was present, absent or excused"
            )
        elif status not in Attendance.Status.values:
            errors[mark_key(enrolment.pk)] = (
                f"Select present, absent or excused for {enrolment.trainee.full_name}"
            )
    if errors:
        raise ValidationError(errors)

    existing = {a.enrolment_id: a for a in Attendance.objects.filter(training_day=day)}
    changed, new = [], []
    for enrolment in rows:
        status = marks[enrolment.pk]
        mark = existing.get(enrolment.pk)
        if mark is None:
            new.append(Attendance(training_day=day, enrolment=enrolment, status=status))
        elif mark.status != status:
            mark.status = status
            changed.append(mark)
    if changed:
        Attendance.objects.bulk_update(changed, ["status"])
    if new:
        Attendance.objects.bulk_create(new)
    return list(
        Attendance.objects.filter(training_day=day)
        .select_related("enrolment__trainee")
        .order_by("enrolment__trainee__full_name")
    )


# Module results --------------------------------------------------------------------------


@transaction.atomic
def module_result_record(
    *,
    actor: User | None,
    enrolment: Enrolment,
    module: Module,
    attempt: int,
    outcome: str,
    mark: int | None = None,
    date: datetime.date,
) -> ModuleResult:
    """Record one attempt at a university module.

    Attempts follow on: attempt 1, then attempt 2 only after attempt 1 was failed or referred,
    and so on. A pass closes the module: no attempt after it. The mark (0 to 100) is optional.
    """
    _require(
        actor,
        "cohorts.record_module_result",
        enrolment,
        "Only the lead nurse and the trainee's tutor can record module results",
    )
    # Lock the enrolment: two results for the same trainee are recorded one after the other.
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("cohort", "trainee")
        .get(pk=enrolment.pk)
    )
    errors = {}
    if module.programme_id != enrolment.cohort.programme_id:
        errors["module"] = "Select a module of this trainee's programme"
    if outcome not in ModuleResult.Outcome.values:
        errors["outcome"] = "Select pass, fail or referred"
    if mark is not None and not 0 <= mark <= 100:
        errors["mark"] = "The mark must be between 0 and 100"
    if date is None:
        errors["date"] = "Enter the date of the result"
    elif date > timezone.localdate():
        errors["date"] = "The date of the result must be today or in the past"
    elif date < enrolment.start_date:
        errors["date"] = (
            f"The date must be on or after the trainee started ({_long(enrolment.start_date)})"
        )
    if attempt is None or attempt < 1:
        errors["attempt"] = "The attempt must be 1 or more"
    if errors:
        raise ValidationError(errors)

    earlier = list(
        ModuleResult.objects.filter(enrolment=enrolment, module=module).order_by("attempt")
    )
    passed = next((r for r in earlier if r.outcome == ModuleResult.Outcome.PASS), None)
    name = enrolment.trainee.full_name
    if passed is not None:
        raise ValidationError(
            {
                "module": f"{name} passed {module.title} on attempt {passed.attempt}: "
                "no further attempts can be recorded"
            }
        )
    following = len(earlier) + 1
    if attempt < following:
        raise ValidationError(
            {
                "attempt": f"Attempt {attempt} at {module.title} is already recorded. "
                f"The next is attempt {following}"
            }
        )
    if attempt > following:
        if following == 1:
            message = f"{name} has no result for {module.title} yet: this is attempt 1"
        else:
            message = (
                f"Attempts follow on: after attempt {following - 1} the next is attempt {following}"
            )
        raise ValidationError({"attempt": message})
    if earlier and date < earlier[-1].date:
        raise ValidationError(
            {
                "date": f"The date must be on or after attempt {earlier[-1].attempt} "
                f"({_long(earlier[-1].date)})"
            }
        )
    result = ModuleResult(
        enrolment=enrolment,
        module=module,
        attempt=attempt,
        outcome=outcome,
        mark=mark,
        date=date,
        recorded_by=actor,
    )
    result.full_clean()
    result.save()
    return result
