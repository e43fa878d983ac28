"""Writes for setting up the apprenticeship route: standards and their KSBs, which programmes
are apprenticeships, and each apprentice's terms. Each checks who is acting (an `actor` of None
is the system itself: the demo, a command) and runs in one transaction.

The funding rules followed are the 2025 to 2026 ones (apprenticeships starting on or after
1 August 2025): each standard has its own published minimum of off-the-job training hours,
whatever the apprentice's duration or working hours, reduced only by accepted prior learning
and never below 187 hours for a funded apprenticeship; the practical period lasts at least
8 months (12 months for apprenticeships that started before August 2025).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apprenticeships import ksb_import
from apprenticeships.models import Apprenticeship, ApprenticeshipProgramme, SkillsScan
from cohorts.models import Enrolment
from competencies.models import ApprenticeshipStandard, Ksb
from pathway.concurrency import locked
from pathway.models import Programme, User

# The 2025 to 2026 funding rules, for apprenticeships starting from this date.
RULES_2025_FROM = datetime.date(2025, 8, 1)
MINIMUM_MONTHS = 8
MINIMUM_MONTHS_BEFORE_2025 = 12
# A funded apprenticeship has at least this many off-the-job hours, even after prior learning.
FUNDED_HOURS_FLOOR = 187

STANDARD_FIELDS = (
    "reference",
    "title",
    "level",
    "version",
    "typical_duration_months",
    "minimum_otj_hours",
    "funding_band",
)


def _require(actor: User | None, perm: str = "apprenticeships.manage_standards", thing=None):
    if actor is not None and not actor.has_perm(perm, thing):
        raise PermissionDenied("Only the lead nurse sets up apprenticeships")


# Standards ------------------------------------------------------------------------------------


def _check_unique(reference: str, version: str, exclude_pk=None) -> None:
    clash = ApprenticeshipStandard.objects.filter(
        reference__iexact=reference, version__iexact=version
    )
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"version": f"Version {version} of {reference} is already set up"})


@transaction.atomic
def standard_create(*, actor: User | None, **fields) -> ApprenticeshipStandard:
    _require(actor)
    values = {k: v for k, v in fields.items() if k in STANDARD_FIELDS}
    values["reference"] = values.get("reference", "").strip().upper()
    standard = ApprenticeshipStandard(**values)
    standard.full_clean(validate_unique=False, validate_constraints=False)
    _check_unique(standard.reference, standard.version)
    standard.save()
    return standard


@transaction.atomic
def standard_update(
    *, actor: User | None, standard: ApprenticeshipStandard, **fields
) -> ApprenticeshipStandard:
    _require(actor)
    standard = locked(standard)
    for name, value in fields.items():
        if name in STANDARD_FIELDS:
            setattr(standard, name, value.strip().upper() if name == "reference" else value)
    standard.full_clean(validate_unique=False, validate_constraints=False)
    _check_unique(standard.reference, standard.version, exclude_pk=standard.pk)
    standard.save()
    return standard


@transaction.atomic
def ksbs_import(*, actor: User | None, standard: ApprenticeshipStandard, upload) -> dict:
    """Add the file's KSBs to the standard, or change the kind and text of those it already has
    (by code); all of them or none. KSBs the file leaves out stay as they are (competencies may
    be mapped to them). Returns {"added": n, "changed": n}."""
    _require(actor)
    items = ksb_import.parse(upload)
    standard = locked(standard)
    existing = {k.code.upper(): k for k in standard.ksbs.all()}
    position = max((k.position for k in existing.values()), default=0)
    added, changed, errors = [], [], []
    for number, values in items:
        ksb = existing.get(values["code"].upper())
        if ksb is None:
            position += 1
            ksb = Ksb(standard=standard, position=position, **values)
            target = added
        else:
            if ksb.kind == values["kind"] and ksb.text == values["text"]:
                continue
            ksb.kind, ksb.text = values["kind"], values["text"]
            target = changed
        try:
            ksb.full_clean(exclude=["standard"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.extend(
                f"Row {number}: {field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            )
            continue
        target.append(ksb)
    if errors:
        raise ValidationError({"file": errors})
    Ksb.objects.bulk_create(added)
    Ksb.objects.bulk_update(changed, ["kind", "text"])
    return {"added": len(added), "changed": len(changed)}


# Programmes -----------------------------------------------------------------------------------


@transaction.atomic
def programme_standard_set(
    *, actor: User | None, programme: Programme, standard: ApprenticeshipStandard | None
) -> ApprenticeshipProgramme | None:
    """Make the programme an apprenticeship that delivers `standard` (None: no longer one).
    Once apprentices have terms on it, its standard stays."""
    _require(actor)
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    link = ApprenticeshipProgramme.objects.filter(programme=programme).first()
    changing = link is not None and (standard is None or link.standard_id != standard.pk)
    if changing and Apprenticeship.objects.filter(enrolment__cohort__programme=programme).exists():
        raise ValidationError(
            {
                "standard": "Apprentices on this programme already have terms for "
                f"{link.standard}: its standard cannot change"
            }
        )
    if standard is None:
        if link is not None:
            link.delete()
        return None
    if link is None:
        return ApprenticeshipProgramme.objects.create(programme=programme, standard=standard)
    link.standard = standard
    link.save(update_fields=["standard"])
    return link


# An apprentice's terms ------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def minimum_months(start: datetime.date) -> int:
    return MINIMUM_MONTHS if start >= RULES_2025_FROM else MINIMUM_MONTHS_BEFORE_2025


def default_otj_hours(standard: ApprenticeshipStandard, enrolment: Enrolment) -> int:
    """The standard's published minimum, less any reduction accepted prior learning made."""
    reduction = (
        SkillsScan.objects.filter(apprenticeship__enrolment=enrolment)
        .values_list("hours_reduction", flat=True)
        .first()
    ) or 0
    return max(standard.minimum_otj_hours - reduction, 0)


def _check_terms(
    *,
    standard: ApprenticeshipStandard,
    start: datetime.date,
    end: datetime.date,
    hours: int,
    levy_funded: bool,
    least_hours: int,
) -> None:
    errors: dict[str, list[str]] = {}
    months = minimum_months(start)
    if end <= start:
        errors["planned_end_date"] = ["The planned end must be after the practical period start"]
    elif end < add_months(start, months):
        errors["planned_end_date"] = [
            f"The practical period must last at least {months} months: the planned end must be "
            f"on or after {add_months(start, months):%-d %B %Y}"
        ]
    if hours < least_hours:
        errors["planned_otj_hours"] = [
            f"The planned off-the-job hours must be at least {least_hours}: the minimum for "
            f"{standard.reference}, less any reduction for accepted prior learning"
        ]
    elif levy_funded and hours < FUNDED_HOURS_FLOOR:
        errors["planned_otj_hours"] = [
            f"A funded apprenticeship needs at least {FUNDED_HOURS_FLOOR} off-the-job hours"
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def apprenticeship_terms_save(
    *,
    actor: User | None,
    enrolment: Enrolment,
    practical_period_start: datetime.date,
    planned_end_date: datetime.date,
    planned_otj_hours: int | None = None,
    levy_funded: bool = True,
) -> Apprenticeship:
    """Record (or change) an enrolment's apprenticeship terms. The planned off-the-job hours
    default to the standard's published minimum less any accepted prior learning."""
    _require(actor)
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("cohort__programme")
        .get(pk=enrolment.pk)
    )
    link = ApprenticeshipProgramme.objects.filter(programme=enrolment.cohort.programme).first()
    if link is None:
        raise ValidationError(
            f"{enrolment.cohort.programme} is not an apprenticeship: name its standard first"
        )
    standard = link.standard
    least = default_otj_hours(standard, enrolment)
    hours = least if planned_otj_hours is None else planned_otj_hours
    _check_terms(
        standard=standard,
        start=practical_period_start,
        end=planned_end_date,
        hours=hours,
        levy_funded=levy_funded,
        least_hours=least,
    )
    terms = Apprenticeship.objects.filter(enrolment=enrolment).first() or Apprenticeship(
        enrolment=enrolment
    )
    terms.practical_period_start = practical_period_start
    terms.planned_end_date = planned_end_date
    terms.planned_otj_hours = hours
    terms.levy_funded = levy_funded
    terms.full_clean()
    terms.save()
    return terms
