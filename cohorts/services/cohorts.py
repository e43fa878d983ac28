"""Cohorts and enrolment: create, enrol, change status, move to a later cohort."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cohorts.models import (
    CURRENT_STATUSES,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
)
from cohorts.review_due import review_due_keep, review_due_refresh
from competencies import services as competency_services
from competencies.models import Framework, TrainingRecord
from pathway.concurrency import locked, version_check
from pathway.models import ClinicalArea, Programme, Role, RoleCode, User


def _require(actor: User | None, perm: str, obj=None, message="Only the lead nurse can do this"):
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


@transaction.atomic
def cohort_create(
    *,
    actor: User | None,
    programme: Programme,
    name: str,
    intake_date: datetime.date,
    planned_end_date: datetime.date,
    clinical_areas: Iterable[ClinicalArea] = (),
    framework: Framework | None = None,
    review_interval_weeks: int | None = None,
    status: str = Cohort.Status.PLANNED,
) -> Cohort:
    _require(actor, "cohorts.manage_cohorts")
    plan = getattr(programme, "plan", None)
    framework = framework or (plan.framework if plan else None)
    if framework is None:
        raise ValidationError({"framework": "Choose the framework this cohort trains against"})
    if framework.status != Framework.Status.PUBLISHED:
        raise ValidationError({"framework": "Choose a published framework"})
    if programme.cohorts.filter(name=name).exists():
        raise ValidationError({"name": "This programme already has a cohort with that name"})
    cohort = Cohort(
        programme=programme,
        name=name,
        intake_date=intake_date,
        planned_end_date=planned_end_date,
        framework=framework,
        status=status,
        review_interval_weeks=review_interval_weeks or (plan.review_interval_weeks if plan else 12),
    )
    cohort.full_clean()
    cohort.save()
    cohort.clinical_areas.set(list(clinical_areas))
    return cohort


# What the cohort edit form changes, and so what its version covers.
COHORT_EDITED = (
    "name",
    "intake_date",
    "planned_end_date",
    "clinical_areas",
    "status",
    "review_interval_weeks",
)


@transaction.atomic
def cohort_update(
    *, actor: User | None, cohort: Cohort, clinical_areas=None, version=None, **fields
) -> Cohort:
    """Save a cohort's details. `version` is the edit form's (pathway/concurrency.py): a save
    from a form drawn before someone else's save is refused with their change shown."""
    _require(actor, "cohorts.manage_cohorts")
    cohort = locked(cohort)
    version_check(cohort, version, fields=COHORT_EDITED)
    cohort._history_user = actor  # the audit history names who, outside a request too
    for name in ("name", "intake_date", "planned_end_date", "status", "review_interval_weeks"):
        if name in fields:
            setattr(cohort, name, fields[name])
    if cohort.programme.cohorts.filter(name=cohort.name).exclude(pk=cohort.pk).exists():
        raise ValidationError({"name": "This programme already has a cohort with that name"})
    cohort.full_clean()
    cohort.save()
    if clinical_areas is not None:
        cohort.clinical_areas.set(list(clinical_areas))
    # Its status and review interval decide when (and whether) its trainees' reviews are due.
    review_due_refresh(cohort.enrolments.all())
    return cohort


def _log(enrolment, from_status, to_status, on, reason, actor):
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment,
        from_status=from_status,
        to_status=to_status,
        on=on,
        reason=reason,
        changed_by=actor,
    )


@transaction.atomic
def enrolment_create(
    *,
    actor: User | None,
    cohort: Cohort,
    trainee: User,
    clinical_area: ClinicalArea,
    start_date: datetime.date | None = None,
) -> Enrolment:
    """Enrol a trainee: their training record on the cohort's framework, and the enrolment."""
    _require(actor, "cohorts.manage_cohorts")
    if cohort.status == Cohort.Status.FINISHED:
        raise ValidationError("This cohort has finished: enrol the trainee on a later cohort")
    if not trainee.has_role(RoleCode.TRAINEE):
        trainee.grant_roles(RoleCode.TRAINEE)
    if Enrolment.objects.filter(trainee=trainee, status__in=CURRENT_STATUSES).exists():
        raise ValidationError({"trainee": f"{trainee} is already enrolled on a current cohort"})
    start_date = start_date or cohort.intake_date
    record = competency_services.record_create(
        actor=None,  # the lead nurse's permission was checked above
        trainee=trainee,
        framework=cohort.framework,
        clinical_area=clinical_area,
        start_date=start_date,
    )
    if trainee.clinical_area_id != clinical_area.pk:
        trainee.clinical_area = clinical_area
        trainee.save(update_fields=["clinical_area"])
    enrolment = Enrolment.objects.create(
        cohort=cohort, trainee=trainee, record=record, start_date=start_date
    )
    _log(enrolment, "", EnrolmentStatus.ACTIVE, start_date, "Enrolled", actor)
    review_due_keep(enrolment)
    return enrolment


# Which status may follow which. Deferral has its own service (it makes a new enrolment).
ALLOWED_CHANGES = {
    EnrolmentStatus.ACTIVE: {
        EnrolmentStatus.ON_BREAK,
        EnrolmentStatus.WITHDRAWN,
        EnrolmentStatus.COMPLETED,
    },
    EnrolmentStatus.ON_BREAK: {EnrolmentStatus.ACTIVE, EnrolmentStatus.WITHDRAWN},
    EnrolmentStatus.COMPLETED: {EnrolmentStatus.QUALIFIED},
    EnrolmentStatus.WITHDRAWN: set(),
    EnrolmentStatus.QUALIFIED: set(),
    EnrolmentStatus.DEFERRED: set(),
}
NEEDS_REASON = {EnrolmentStatus.ON_BREAK, EnrolmentStatus.WITHDRAWN}
ENDS_ENROLMENT = {EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED}


@transaction.atomic
def enrolment_change_status(
    *,
    actor: User | None,
    enrolment: Enrolment,
    status: str,
    on: datetime.date | None = None,
    reason: str = "",
) -> Enrolment:
    _require(actor, "cohorts.manage_cohorts")
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    current = EnrolmentStatus(enrolment.status)
    if status not in ALLOWED_CHANGES[current]:
        raise ValidationError(
            {
                "status": f"A trainee who is {current.label.lower()} cannot become "
                f"{EnrolmentStatus(status).label.lower()}"
            }
        )
    if status in NEEDS_REASON and not reason:
        raise ValidationError({"reason": "Give the reason for the break or withdrawal"})
    if on < enrolment.start_date:
        raise ValidationError({"on": "The date must be on or after the enrolment started"})
    enrolment.status = status
    enrolment.status_reason = reason
    if status in ENDS_ENROLMENT:
        enrolment.end_date = on
    elif status == EnrolmentStatus.ACTIVE:
        enrolment.end_date = None
    enrolment.save(update_fields=["status", "status_reason", "end_date"])
    if status in {EnrolmentStatus.WITHDRAWN}:
        TrainingRecord.objects.filter(pk=enrolment.record_id).update(is_active=False)
    if status == EnrolmentStatus.QUALIFIED:
        roles_on_qualifying(enrolment.trainee)
    _log(enrolment, current, status, on, reason, actor)
    review_due_keep(enrolment)
    return enrolment


def roles_on_qualifying(person: User) -> None:
    """A trainee who qualifies is an assistant practitioner from then on, no longer a trainee
    (issue 16): their pages, menus and who can see them follow the role. Someone still on a
    current enrolment elsewhere keeps the trainee role for it. Part of enrolment_change_status
    (and the demo, which writes its history directly); it checks no permission itself."""
    if not Enrolment.objects.filter(trainee=person, status__in=CURRENT_STATUSES).exists():
        person.roles.remove(*Role.objects.filter(code=RoleCode.TRAINEE))
    person.grant_roles(RoleCode.ASSISTANT_PRACTITIONER)


@transaction.atomic
def enrolment_defer(
    *,
    actor: User | None,
    enrolment: Enrolment,
    to_cohort: Cohort,
    on: datetime.date | None = None,
    reason: str = "",
) -> Enrolment:
    """Move a trainee to a later cohort. Their record (practice, evidence, sign-offs) moves
    with them unchanged: both enrolments point at the same training record."""
    _require(actor, "cohorts.manage_cohorts")
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if enrolment.status not in CURRENT_STATUSES:
        raise ValidationError("Only a current trainee can move to a later cohort")
    if to_cohort.pk == enrolment.cohort_id or to_cohort.intake_date <= enrolment.cohort.intake_date:
        raise ValidationError({"to_cohort": "Choose a cohort that starts later"})
    if to_cohort.programme_id != enrolment.cohort.programme_id:
        raise ValidationError({"to_cohort": "Choose a cohort of the same programme"})
    if to_cohort.status == Cohort.Status.FINISHED:
        raise ValidationError({"to_cohort": "That cohort has finished"})
    if not reason:
        raise ValidationError({"reason": "Give the reason for the move"})
    previous = enrolment.status
    enrolment.status = EnrolmentStatus.DEFERRED
    enrolment.status_reason = reason
    enrolment.end_date = on
    enrolment.save(update_fields=["status", "status_reason", "end_date"])
    _log(enrolment, previous, EnrolmentStatus.DEFERRED, on, reason, actor)
    moved = Enrolment.objects.create(
        cohort=to_cohort,
        trainee=enrolment.trainee,
        record=enrolment.record,
        start_date=max(on, to_cohort.intake_date),
    )
    enrolment.moved_to = moved
    enrolment.save(update_fields=["moved_to"])
    _log(
        moved, "", EnrolmentStatus.ACTIVE, moved.start_date, f"Moved from {enrolment.cohort}", actor
    )
    review_due_keep(enrolment, moved)
    return moved


@transaction.atomic
def programme_plan_save(
    *,
    actor: User | None,
    programme: Programme,
    framework: Framework,
    review_interval_weeks: int,
    milestones: list[tuple[int, int, int]],
):
    """Set how a programme runs: its framework, review interval and milestones (replaced)."""
    from cohorts.models import Milestone, ProgrammePlan

    _require(actor, "cohorts.manage_cohorts")
    if framework.status != Framework.Status.PUBLISHED:
        raise ValidationError({"framework": "Choose a published framework"})
    plan, _ = ProgrammePlan.objects.select_for_update().get_or_create(
        programme=programme,
        defaults={"framework": framework, "review_interval_weeks": review_interval_weeks},
    )
    plan.framework = framework
    plan.review_interval_weeks = review_interval_weeks
    plan.full_clean()
    plan.save()
    plan.milestones.all().delete()
    Milestone.objects.bulk_create(
        Milestone(plan=plan, week=week, core_target=core, specific_target=specific)
        for week, core, specific in milestones
    )
    return plan
