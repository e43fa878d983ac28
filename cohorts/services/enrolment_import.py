"""Enrol a whole cohort from a file: one row per trainee (see cohorts.enrolment_files).

All or nothing. Every row is read and checked first, against the file and then against the
database, and every problem is collected as (row number, message). If there is any, nothing is
written and EnrolmentImportError lists them all. Otherwise, in one transaction, each row's
trainee is found by email or added to Pathway, enrolled through the enrolment service, and
allocated their mentor and tutor; a failure there rolls everything back and is reported too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from cohorts import enrolment_files
from cohorts.enrolment_files import EnrolmentImportError, RowData
from cohorts.models import CURRENT_STATUSES, Cohort, Enrolment, EnrolmentStatusChange
from cohorts.services import cohorts as cohort_services
from competencies.models import Framework, TrainingRecord
from pathway import selectors as pathway_selectors
from pathway import services as pathway_services
from pathway.models import Allocation, Band, ClinicalArea, RoleCode, User
from pathway.preparation import confirmation_message

__all__ = ["EnrolmentImportError", "ImportResult", "area_choices", "enrolment_import"]


@dataclass
class ImportResult:
    created: list[User] = field(default_factory=list)  # people added to Pathway
    matched: list[User] = field(default_factory=list)  # people already in Pathway
    enrolments: list[Enrolment] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """For example "Enrolled 16 trainees (12 new people)"."""
        enrolled, new = len(self.enrolments), len(self.created)
        return (
            f"Enrolled {enrolled} trainee{'' if enrolled == 1 else 's'} "
            f"({new} new {'person' if new == 1 else 'people'})"
        )


@dataclass
class _Plan:
    """What to write for one row, once every check has passed."""

    data: RowData
    person: User | None  # None: add them to Pathway
    area: ClinicalArea | None
    supporters: list[tuple[str, User]] = field(default_factory=list)  # (allocation kind, person)


def area_choices(cohort: Cohort | None = None) -> list[ClinicalArea]:
    """The clinical areas a row may name: the cohort's, or any when the cohort has none (or
    when no cohort is given, as for the templates)."""
    areas = list(cohort.clinical_areas.order_by("name")) if cohort is not None else []
    return areas or list(ClinicalArea.objects.order_by("name"))


def enrolment_import(
    *,
    actor: User | None,
    cohort: Cohort,
    source,
    filename: str = "",
    confirm_unprepared: bool = False,
) -> ImportResult:
    """Enrol the trainees listed in `source` (a path, bytes, or an uploaded or open binary
    file) on `cohort`. Returns an ImportResult; raises EnrolmentImportError listing every
    problem, with nothing written. `actor` None is the system; anyone else must be the lead
    nurse.

    A mentor not prepared, or out of date, in the mentor register (pathway/preparation.py) is
    allocated only with `confirm_unprepared`; otherwise the error lists them, with
    `needs_confirmation` set so the page can ask."""
    if actor is not None and not actor.has_perm("cohorts.manage_cohorts"):
        raise PermissionDenied("Only the lead nurse can enrol trainees")
    records = enrolment_files.read_records(source, filename)
    _check_cohort(cohort)
    rows, errors = enrolment_files.parse(records)
    plans = _check_against_database(cohort, rows, errors)
    if errors:
        raise EnrolmentImportError(errors)
    if not confirm_unprepared:
        _check_mentor_preparation(cohort, plans)
    return _write(cohort, plans, actor)


def _check_mentor_preparation(cohort: Cohort, plans: list[_Plan]) -> None:
    """Refuse, asking for confirmation, when any mentor to allocate is not prepared or is out
    of date on the allocations' start (one query)."""
    mentors = {s.pk: s for p in plans for kind, s in p.supporters if kind == Allocation.Kind.MENTOR}
    unprepared = pathway_selectors.mentors_needing_confirmation(
        mentors.values(), on=_allocation_start(cohort)
    )
    if not unprepared:
        return
    problems = [
        (
            plan.data.row,
            f"{confirmation_message(str(supporter), unprepared[supporter.pk])}: confirm that "
            "you understand to allocate them",
        )
        for plan in plans
        for kind, supporter in plan.supporters
        if kind == Allocation.Kind.MENTOR and supporter.pk in unprepared
    ]
    error = EnrolmentImportError(problems)
    error.needs_confirmation = True
    error.unprepared_mentors = [
        confirmation_message(str(mentors[pk]), status) for pk, status in unprepared.items()
    ]
    raise error


def _check_cohort(cohort: Cohort) -> None:
    if cohort.status == Cohort.Status.FINISHED:
        raise EnrolmentImportError(
            [(None, "This cohort has finished: enrol the trainees on a later cohort")]
        )
    framework = Framework.objects.only("status", "name", "version").get(pk=cohort.framework_id)
    if framework.status != Framework.Status.PUBLISHED:
        raise EnrolmentImportError(
            [
                (
                    None,
                    f"This cohort trains against {framework}, which is not published: trainees "
                    "can only be enrolled on a published framework",
                )
            ]
        )


# Checks against the database ----------------------------------------------------------------


def _people_by_email(emails: set[str]) -> dict[str, User]:
    """People with these email addresses (any case), with their role codes read in one go."""
    if not emails:
        return {}
    people = list(User.objects.annotate(lowered=Lower("email")).filter(lowered__in=emails))
    codes: dict[int, set[str]] = defaultdict(set)
    for user_id, code in User.roles.through.objects.filter(
        user_id__in=[p.pk for p in people]
    ).values_list("user_id", "role__code"):
        codes[user_id].add(code)
    for person in people:
        person._role_codes = frozenset(codes[person.pk])  # what User.role_codes caches
    return {person.lowered: person for person in people}


def _words(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class _Areas:
    """The clinical areas rows may name, by lower-case code and by lower-case name."""

    of_cohort: list[ClinicalArea]
    lookup: dict[str, ClinicalArea]

    @classmethod
    def for_cohort(cls, cohort: Cohort) -> _Areas:
        of_cohort = list(cohort.clinical_areas.order_by("name"))
        lookup: dict[str, ClinicalArea] = {}
        for area in of_cohort or ClinicalArea.objects.all():
            lookup[area.code.lower()] = area
            lookup[_words(area.name)] = area
        return cls(of_cohort=of_cohort, lookup=lookup)


def _find_area(data: RowData, areas: _Areas, problems: list[str]) -> ClinicalArea | None:
    given = data.clinical_area
    if not given:
        if len(areas.of_cohort) == 1:
            return areas.of_cohort[0]
        problems.append("enter the clinical area")
        return None
    area = areas.lookup.get(_words(given))
    if area is not None:
        return area
    if areas.of_cohort:
        names = ", ".join(f"{a.code} ({a.name})" for a in areas.of_cohort)
        problems.append(
            f"unknown clinical area '{given}': use the code or name of one of this cohort's "
            f"clinical areas: {names}"
        )
    else:
        problems.append(
            f"unknown clinical area '{given}': use the code or name of a clinical area in Pathway"
        )
    return None


def _supporter(role: str, email: str, people: dict[str, User], problems: list[str]) -> User | None:
    if not email:
        return None
    person = people.get(email)
    if person is None:
        problems.append(f"unknown {role} email '{email}': no one in Pathway has this email address")
        return None
    if not person.is_active:
        problems.append(f"the {role} {person.full_name} ({email}) can no longer sign in to Pathway")
        return None
    if not person.has_role(role):
        problems.append(f"{person.full_name} ({email}) is not a {role} in Pathway")
        return None
    if role == RoleCode.MENTOR and not person.is_registered_professional:
        problems.append(
            f"the mentor {person.full_name} ({email}) is not a registered professional: a "
            "mentor needs a professional registration body and number in Pathway"
        )
        return None
    return person


@dataclass
class _Lookups:
    """What the database holds about the people a file names, read in a handful of queries."""

    people: dict[str, User]  # by lower-case email: trainees, mentors and tutors
    number_owners: dict[str, User]  # by employee number
    current: dict[int, Enrolment]  # trainee id -> their current enrolment on any cohort
    here: dict[int, Enrolment]  # trainee id -> their enrolment on this cohort
    other_records: dict[int, TrainingRecord]  # trainee id -> active record on another framework
    already_allocated: set[tuple[int, int, str]]  # (trainee id, supporter id, kind)
    areas: _Areas

    @classmethod
    def for_rows(cls, cohort: Cohort, rows: list[RowData]) -> _Lookups:
        people = _people_by_email(
            {r.email for r in rows if r.email}
            | {r.mentor_email for r in rows if r.mentor_email}
            | {r.tutor_email for r in rows if r.tutor_email}
        )
        numbers = {r.employee_number for r in rows if r.employee_number}
        trainees = [people[r.email] for r in rows if r.email in people]
        return cls(
            people=people,
            number_owners={
                person.employee_number: person
                for person in User.objects.filter(employee_number__in=numbers).only(
                    "email", "full_name", "employee_number"
                )
            },
            current={
                e.trainee_id: e
                for e in Enrolment.objects.filter(
                    trainee__in=trainees, status__in=CURRENT_STATUSES
                ).select_related("cohort")
            },
            here={
                e.trainee_id: e
                for e in Enrolment.objects.filter(cohort=cohort, trainee__in=trainees)
            },
            other_records={
                r.trainee_id: r
                for r in TrainingRecord.objects.filter(trainee__in=trainees, is_active=True)
                .exclude(framework_id=cohort.framework_id)
                .select_related("framework")
            },
            already_allocated=set(
                Allocation.objects.current(_allocation_start(cohort))
                .filter(trainee__in=trainees)
                .values_list("trainee_id", "supporter_id", "kind")
            ),
            areas=_Areas.for_cohort(cohort),
        )


def _check_against_database(
    cohort: Cohort, rows: list[RowData], errors: list[tuple[int | None, str]]
) -> list[_Plan]:
    """Look every row up (a handful of queries for the whole file) and add its problems."""
    lookups = _Lookups.for_rows(cohort, rows)
    plans = []
    for data in rows:
        problems: list[str] = []
        plans.append(_plan_row(data, lookups, problems))
        errors.extend((data.row, message) for message in problems)
    return plans


def _plan_row(data: RowData, lookups: _Lookups, problems: list[str]) -> _Plan:
    """What to write for one row, adding what is wrong with it to `problems`."""
    person = lookups.people.get(data.email)
    if person is not None:
        problems += _matched_person_problems(
            data,
            person,
            lookups.number_owners,
            lookups.current,
            lookups.here,
            lookups.other_records,
        )
    elif data.name and enrolment_files.is_email(data.email):
        problems += _new_person_problems(data, lookups.number_owners)
    area = _find_area(data, lookups.areas, problems)
    plan = _Plan(data=data, person=person, area=area)
    plan.supporters = _supporters_to_allocate(data, person, lookups, problems)
    return plan


def _supporters_to_allocate(
    data: RowData, person: User | None, lookups: _Lookups, problems: list[str]
) -> list[tuple[str, User]]:
    """The row's mentor and tutor, less any they already have."""
    supporters = []
    for role, kind, email in (
        (RoleCode.MENTOR, Allocation.Kind.MENTOR, data.mentor_email),
        (RoleCode.TUTOR, Allocation.Kind.TUTOR, data.tutor_email),
    ):
        if email == data.email:
            continue  # reported while reading the file
        supporter = _supporter(role, email, lookups.people, problems)
        if supporter is None:
            continue
        if person is not None and (person.pk, supporter.pk, kind) in lookups.already_allocated:
            continue  # already their mentor or tutor: nothing to add
        supporters.append((kind, supporter))
    return supporters


def _new_person_problems(data: RowData, number_owners: dict[str, User]) -> list[str]:
    if not data.employee_number:
        return [f"enter the employee number: {data.email} is new to Pathway"]
    owner = number_owners.get(data.employee_number)
    if owner is not None:
        return [
            f"the employee number '{data.employee_number}' belongs to {owner.full_name} "
            f"({owner.email}) in Pathway, not to a new person"
        ]
    return []


def _matched_person_problems(
    data: RowData, person: User, number_owners, current, here, other_records
) -> list[str]:
    """Someone already in Pathway: can they be enrolled, and is the row about them?"""
    problems = []
    who = f"{person.full_name} ({person.email})"
    if not person.is_active:
        problems.append(f"{who} can no longer sign in to Pathway: ask an administrator")
    number = data.employee_number
    if number and number != person.employee_number:
        owner = number_owners.get(number)
        if owner is not None and owner.pk != person.pk:
            problems.append(
                f"the employee number '{number}' belongs to {owner.full_name} ({owner.email}), "
                f"not to {who}"
            )
        elif person.employee_number:
            problems.append(
                f"the employee number '{number}' is not the one Pathway holds for {who} "
                f"('{person.employee_number}')"
            )
    if person.pk in here:
        enrolment = here[person.pk]
        problems.append(
            f"{who} is already enrolled on this cohort ({enrolment.get_status_display().lower()})"
        )
    elif person.pk in current:
        problems.append(f"{who} is already on a current cohort: {current[person.pk].cohort}")
    elif person.pk in other_records:
        problems.append(
            f"{who} already has an active training record on {other_records[person.pk].framework}"
        )
    return problems


# Writing ------------------------------------------------------------------------------------


def _allocation_start(cohort: Cohort):
    return max(cohort.intake_date, timezone.localdate())


def _write(cohort: Cohort, plans: list[_Plan], actor: User | None) -> ImportResult:
    result = ImportResult()
    start = _allocation_start(cohort)
    row = None
    try:
        with transaction.atomic():
            for plan in plans:
                row = plan.data.row
                trainee = _trainee(plan, result)
                result.enrolments.append(
                    cohort_services.enrolment_create(
                        actor=None,  # the lead nurse's permission was checked at the start
                        cohort=cohort,
                        trainee=trainee,
                        clinical_area=plan.area,
                    )
                )
                for kind, supporter in plan.supporters:
                    result.allocations.append(
                        pathway_services.allocation_create(
                            actor=None,
                            trainee=trainee,
                            supporter=supporter,
                            kind=kind,
                            start_date=start,
                            confirm_unprepared=True,  # checked (or confirmed) above
                        )
                    )
            row = None
            # The enrolment service was called as the system; the history says who enrolled.
            EnrolmentStatusChange.objects.filter(enrolment__in=result.enrolments).update(
                changed_by=actor
            )
    except ValidationError as error:
        raise EnrolmentImportError(
            [
                (row, f"this trainee could not be enrolled, so no one was: {message}")
                for message in error.messages
            ]
        ) from error
    except IntegrityError as error:
        raise EnrolmentImportError(
            [
                (
                    row,
                    "this trainee could not be saved, so no one was enrolled: someone may have "
                    "changed the same people at the same moment. Try again",
                )
            ]
        ) from error
    return result


def _trainee(plan: _Plan, result: ImportResult) -> User:
    data, person = plan.data, plan.person
    if person is None:
        # No password they could use: they set one with "Forgotten your password?".
        person = User.objects.create_user(
            email=data.email,
            password=None,
            full_name=data.name,
            employee_number=data.employee_number,
            band=Band.BAND_3,
        )
        person.grant_roles(RoleCode.TRAINEE)
        result.created.append(person)
        return person
    if data.employee_number and not person.employee_number:
        person.employee_number = data.employee_number
        person.save(update_fields=["employee_number"])
    result.matched.append(person)
    return person
