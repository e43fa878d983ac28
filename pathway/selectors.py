"""Reads for the core domain."""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from pathway.memo import is_remembered, remember_answers, remembered, remembering
from pathway.models import (
    Allocation,
    BackgroundJob,
    ClinicalArea,
    MentorPreparation,
    RecordAccess,
    Role,
    RoleCode,
    User,
)
from pathway.paging import Counted
from pathway.preparation import (
    DUE_SOON_DAYS,
    UPDATE_EVERY_MONTHS,
    PreparationStatus,
    add_months,
    preparation_status,
    update_due_on,
)

# Who supports whom ---------------------------------------------------------------------------
# One definition of "supports a trainee today", used both by the rules (may this person open
# that record?) and by every list of supported trainees, so that a list never shows what its
# detail page would refuse.


def counting_allocations(
    supporter: User, *, kinds=None, on: datetime.date | None = None
) -> QuerySet[Allocation]:
    """The supporter's allocations that give them a part in a trainee's training on a day
    (today by default): in force, and of a kind whose role they still hold. An allocation as
    mentor stops counting when the mentor role is taken away, until it is given back."""
    held = [kind for kind, role in Allocation.ROLE_FOR_KIND.items() if supporter.has_role(role)]
    if kinds is not None:
        held = [kind for kind in held if kind in kinds]
    return Allocation.objects.current(on).filter(supporter=supporter, kind__in=held)


def supported_trainee_ids(supporter: User, *, kinds=None, on: datetime.date | None = None):
    """A subquery of the trainees this person supports (in any of `kinds`, or any capacity)."""
    return counting_allocations(supporter, kinds=kinds, on=on).values("trainee_id")


def allocation_kinds(supporter: User, trainee_id: int) -> frozenset[str]:
    """How this person supports this trainee today (remembered for the rest of the request)."""
    today = timezone.localdate()

    def ask() -> frozenset[str]:
        return frozenset(
            counting_allocations(supporter, on=today)
            .filter(trainee_id=trainee_id)
            .values_list("kind", flat=True)
        )

    return remembered(("allocations", supporter.pk, trainee_id, today), ask)


def allocation_kinds_preload(supporter: User, trainee_ids: Iterable[int]) -> None:
    """Ask in one query how this person supports each of these trainees today, so that the
    rules (allocation_kinds) answer from memory for the rest of the request: a page checking
    the same rules for many trainees asks no query per trainee. Nothing outside a request."""
    if not remembering():
        return
    today = timezone.localdate()
    wanted = {
        trainee_id
        for trainee_id in trainee_ids
        if not is_remembered(("allocations", supporter.pk, trainee_id, today))
    }
    if not wanted:
        return
    kinds: dict[int, set[str]] = {trainee_id: set() for trainee_id in wanted}
    for trainee_id, kind in (
        counting_allocations(supporter, on=today)
        .filter(trainee_id__in=wanted)
        .values_list("trainee_id", "kind")
    ):
        kinds[trainee_id].add(kind)
    remember_answers(
        {
            ("allocations", supporter.pk, trainee_id, today): frozenset(found)
            for trainee_id, found in kinds.items()
        }
    )


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


# The signed-in person ------------------------------------------------------------------------
# Read for every request (pathway.identity.backends.PersonBackend), so the one query is written
# once, from the models, rather than built and compiled by the ORM each time: that cost ~0.5 ms,
# a quarter of the lightest page. The values go through Django's own converters for each
# column and make the same model instances the ORM makes (tests/pathway/test_signed_in_floor.py
# compares them field for field).


@dataclass(frozen=True)
class _Column:
    sql: str
    expression: object  # what Django's converters are given
    converters: tuple

    def convert(self, value, connection):
        for converter in self.converters:
            value = converter(value, self.expression, connection)
        return value


@dataclass(frozen=True)
class _PersonRead:
    sql: str
    person: tuple[_Column, ...]
    area: tuple[_Column, ...]


def _columns(model, connection) -> tuple[_Column, ...]:
    """Each concrete field of `model`, with Django's converters of what the database gives
    back for it (SQLite gives times as text and booleans as numbers)."""
    quote, table = connection.ops.quote_name, model._meta.db_table
    columns = []
    for field in model._meta.concrete_fields:
        expression = field.get_col(table)
        converters = (
            *connection.ops.get_db_converters(expression),
            *expression.get_db_converters(connection),
        )
        columns.append(_Column(f"{quote(table)}.{quote(field.column)}", expression, converters))
    return tuple(columns)


def _roles_held_sql(connection) -> str:
    """A person's roles as one text, "id:code" for each, comma-separated (codes are
    identifiers): a subquery on the person's row."""
    quote = connection.ops.quote_name
    aggregate = "GROUP_CONCAT" if connection.vendor == "sqlite" else "STRING_AGG"
    link = User.roles.through._meta
    role, role_pk = quote(Role._meta.db_table), quote(Role._meta.pk.column)
    held = quote(link.db_table)
    return (
        f"SELECT {aggregate}({role}.{role_pk} || ':' || {role}.{quote('code')}, ',')"
        f" FROM {held} INNER JOIN {role}"
        f" ON ({role}.{role_pk} = {held}.{quote(link.get_field('role').column)})"
        f" WHERE {held}.{quote(link.get_field('user').column)}"
        f" = {quote(User._meta.db_table)}.{quote(User._meta.pk.column)}"
    )


# For each database connection (each thread has its own: the converters belong to it).
_person_reads: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _person_read(connection) -> _PersonRead:
    read = _person_reads.get(connection)
    if read is None:
        read = _person_reads[connection] = _person_read_for(connection)
    return read


def _person_read_for(connection) -> _PersonRead:
    """The person, their clinical area and their roles: one row, by the person's key."""
    quote = connection.ops.quote_name
    person, area = _columns(User, connection), _columns(ClinicalArea, connection)
    people, areas = quote(User._meta.db_table), quote(ClinicalArea._meta.db_table)
    works_in = quote(User._meta.get_field("clinical_area").column)
    sql = (
        f"SELECT {', '.join(column.sql for column in person + area)},"
        f" ({_roles_held_sql(connection)})"
        f" FROM {people} LEFT OUTER JOIN {areas}"
        f" ON ({people}.{works_in} = {areas}.{quote(ClinicalArea._meta.pk.column)})"
        f" WHERE {people}.{quote(User._meta.pk.column)} = %s"
    )
    return _PersonRead(sql, person, area)


def _instance(model, alias: str, columns, values, connection):
    """A model instance as the ORM makes one from a row."""
    names = [field.attname for field in model._meta.concrete_fields]
    converted = [
        column.convert(value, connection) for column, value in zip(columns, values, strict=True)
    ]
    return model.from_db(alias, names, converted)


def _held_roles(alias: str, text: str | None) -> list[Role]:
    pairs = (held.split(":", 1) for held in (text or "").split(",") if held)
    return [Role.from_db(alias, ["id", "code"], [int(pk), code]) for pk, code in pairs]


def signed_in_person(pk) -> User | None:
    """The person a session is signed in as (pathway.identity.backends.PersonBackend), read
    afresh for every request with their clinical area and roles in one query: the page's
    menu, permission checks and text then ask nothing more about them. None when there is no
    such person (whether they may sign in is for the backend to say)."""
    alias = User.objects.db
    connection = connections[alias]
    read = _person_read(connection)
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [User._meta.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    people, areas = len(read.person), len(read.area)
    person = _instance(User, alias, read.person, row[:people], connection)
    if person.clinical_area_id is not None:
        area = row[people : people + areas]
        person.clinical_area = _instance(ClinicalArea, alias, read.area, area, connection)
    person.remember_roles(_held_roles(alias, row[-1]))
    return person


def person_by_pk(pk) -> User:
    """One person, with the clinical area their page shows (DoesNotExist when there is none)."""
    return User.objects.select_related("clinical_area").get(pk=pk)


def people_matching(text: str = "") -> QuerySet[User]:
    """Everyone whose name, email or employee number contains each word of `text` (any case);
    everyone when it is empty."""
    people = User.objects.all()
    for word in text.split():
        people = people.filter(
            Q(full_name__icontains=word)
            | Q(email__icontains=word)
            | Q(employee_number__icontains=word)
        )
    return people


def people_directory(text: str = "") -> QuerySet[User]:
    """The people list, by name: one page of it is read at a time (pathway/paging.py)."""
    return (
        people_matching(text)
        .select_related("clinical_area")
        .prefetch_related("roles")
        .order_by("full_name", "email")  # an index (User.Meta): a page without sorting all
    )


def allocations_for(*, trainee: User) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(trainee=trainee)
        .select_related("supporter")
        .order_by("kind", "-start_date")
    )


# The mentor register ------------------------------------------------------------------------


@dataclass(frozen=True)
class MentorRegisterEntry:
    """One mentor in the register, with the status their dates give today."""

    mentor: User
    prepared_on: datetime.date | None
    last_update_on: datetime.date | None
    update_due_on: datetime.date | None
    status: PreparationStatus

    @property
    def due_within_30_days(self) -> bool:
        return self.status == PreparationStatus.DUE_SOON


def mentor_preparation_status(
    mentor: User, *, on: datetime.date | None = None
) -> PreparationStatus:
    """One mentor's preparation status on a day (one query)."""
    on = on or timezone.localdate()
    entry = MentorPreparation.objects.filter(mentor=mentor).first()
    if entry is None:
        return PreparationStatus.NOT_PREPARED
    return preparation_status(entry.prepared_on, entry.last_update_on, on)


def allocation_check_day(start_date: datetime.date) -> datetime.date:
    """The day a new mentor allocation is checked on: its start, or today if that is later
    (a back-dated allocation is still made today)."""
    return max(start_date, timezone.localdate())


def mentors_needing_confirmation(
    mentors: Iterable[User], *, on: datetime.date | None = None
) -> dict[int, PreparationStatus]:
    """Of these mentors, those not prepared or out of date on a day, by pk (one query)."""
    on = on or timezone.localdate()
    mentors = list(mentors)
    entries = {
        e.mentor_id: e for e in MentorPreparation.objects.filter(mentor__in=[m.pk for m in mentors])
    }
    found = {}
    for mentor in mentors:
        entry = entries.get(mentor.pk)
        status = (
            preparation_status(entry.prepared_on, entry.last_update_on, on)
            if entry
            else PreparationStatus.NOT_PREPARED
        )
        if status.needs_confirmation:
            found[mentor.pk] = status
    return found


def mentor_register_people() -> QuerySet[User]:
    """Every active mentor with their preparation (a left join), by name: the register's
    pages are read from this a page at a time, in the order of the name index."""
    # People are read in name order, each checked against the mentors' ids read once into a
    # hashed list. Inside a CASE the test stays that list: as a plain filter PostgreSQL makes
    # it a join to the roles, an index probe for each person read (about 20 for each mentor).
    mentor_ids = User.roles.through.objects.filter(role__code=RoleCode.MENTOR).values("user_id")
    is_mentor = Case(
        When(pk__in=mentor_ids, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    return (
        User.objects.filter(is_active=True)
        .alias(is_mentor=is_mentor)
        .filter(is_mentor=True)
        .select_related("mentor_preparation")
        .order_by("full_name", "email")
    )


def _count(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def active_holders_count(role: str) -> int:
    """How many active people hold a role, in one query that never reads every person: the
    role's memberships (on the role's index) less those of people who have left (on the small
    index of the inactive)."""
    memberships = User.roles.through.objects.filter(role_id=OuterRef("pk"))
    counts = (
        Role.objects.filter(code=role)
        .annotate(held=_count(memberships), left=_count(memberships.filter(user__is_active=False)))
        .values_list("held", "left")
        .first()
    )
    return counts[0] - counts[1] if counts else 0


def mentor_register_pages() -> Counted:
    """The register for page_of: a page is read in name order, and the mentors are counted
    by active_holders_count."""
    return Counted(mentor_register_people(), lambda: active_holders_count(RoleCode.MENTOR))


def mentor_register(
    *, today: datetime.date | None = None, mentors: QuerySet[User] | None = None
) -> list[MentorRegisterEntry]:
    """Every active mentor (or those given) with their preparation dates and status, by name.

    One query: the preparation is a left join (select_related on the reverse one-to-one).
    """
    if mentors is None:
        mentors = mentor_register_people()
    else:
        mentors = mentors.select_related("mentor_preparation").order_by("full_name", "email")
    return register_entries(mentors, today=today)


# How many mentors due an update the register names before "and N more" (a link to them all).
DUE_SOON_SHOWN = 10


def _latest_between(
    first_due: datetime.date, last_due: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The latest dates (of preparation or update) whose annual update falls due between two
    days, both included. The update falls due UPDATE_EVERY_MONTHS later (a 29 February's on the
    28th), so a later date never brings it earlier: the dates are one range, found from a
    guess a year back, a day at a time."""

    def due(latest: datetime.date) -> datetime.date:
        return update_due_on(latest, None)

    low = add_months(first_due, -UPDATE_EVERY_MONTHS) - datetime.timedelta(days=3)
    while due(low) < first_due:
        low += datetime.timedelta(days=1)
    high = add_months(last_due, -UPDATE_EVERY_MONTHS) + datetime.timedelta(days=3)
    while due(high) > last_due:
        high -= datetime.timedelta(days=1)
    return low, high


def mentors_due_soon(*, today: datetime.date | None = None) -> QuerySet[User]:
    """The active mentors whose annual update falls due within 30 days (today included), the
    soonest first: a range of the index on each preparation's latest date, exactly the
    mentors preparation_status finds due soon."""
    today = today or timezone.localdate()
    low, high = _latest_between(today, today + datetime.timedelta(days=DUE_SOON_DAYS))
    # An update is never before the preparation (a constraint): the later of the two is the
    # update when there is one, which is the index's expression.
    latest = Coalesce("mentor_preparation__last_update_on", "mentor_preparation__prepared_on")
    # Driven by the preparations in range, each person's role checked by its own index.
    return (
        people_with_role(role=RoleCode.MENTOR)
        .select_related("mentor_preparation")
        .filter(mentor_preparation__isnull=False)
        .alias(latest=latest)
        .filter(latest__range=(low, high))
        .order_by("latest", "full_name", "email")
    )


@dataclass(frozen=True)
class UpdatesDueSoon:
    """The first mentors due an update within 30 days, and how many there are."""

    entries: list[MentorRegisterEntry]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.entries)


def mentor_updates_due_soon(
    *, today: datetime.date | None = None, first: int = DUE_SOON_SHOWN
) -> UpdatesDueSoon:
    """The first mentors due an update within 30 days, the soonest first, with how many are
    due: one query (the number is a window over the same rows), reading only those due."""
    today = today or timezone.localdate()
    people = list(mentors_due_soon(today=today).annotate(total=Window(Count("pk")))[:first])
    return UpdatesDueSoon(
        entries=register_entries(people, today=today), total=people[0].total if people else 0
    )


def register_entries(
    mentors: Iterable[User], *, today: datetime.date | None = None
) -> list[MentorRegisterEntry]:
    """The register's entries for these mentors (their preparation already joined)."""
    today = today or timezone.localdate()
    entries = []
    for mentor in mentors:
        preparation = getattr(mentor, "mentor_preparation", None)
        prepared_on = preparation.prepared_on if preparation else None
        last_update_on = preparation.last_update_on if preparation else None
        entries.append(
            MentorRegisterEntry(
                mentor=mentor,
                prepared_on=prepared_on,
                last_update_on=last_update_on,
                update_due_on=update_due_on(prepared_on, last_update_on),
                status=preparation_status(prepared_on, last_update_on, today),
            )
        )
    return entries


def background_job_by_pk(pk):
    return BackgroundJob.objects.select_related("started_by").get(pk=pk)


# Who looked (issue #20, part 5) ---------------------------------------------------------------


def accesses_to(subject: User) -> QuerySet[RecordAccess]:
    """Who has looked at this person's record, newest first: a page of it costs two queries
    (its count and its rows, with the viewers), however long the log."""
    return (
        RecordAccess.objects.filter(subject=subject).select_related("viewer").order_by("-at", "-id")
    )


def access_log_search(
    *,
    viewed: str = "",
    viewer: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[RecordAccess]:
    """The access log for the lead nurse and administrator, newest first, narrowed to looks at
    people whose name, email address or employee number has the words of `viewed`, by people
    matching `viewer`, between two days (inclusive, local time). The names are matched in
    the same query (subqueries), so a page costs the same however many people match."""
    log = RecordAccess.objects.select_related("viewer", "subject").order_by("-at", "-id")
    if viewed:
        log = log.filter(subject_id__in=people_matching(viewed).values("pk"))
    if viewer:
        log = log.filter(viewer_id__in=people_matching(viewer).values("pk"))
    if since is not None:
        log = log.filter(at__gte=_start_of(since))
    if until is not None:
        log = log.filter(at__lt=_start_of(until + datetime.timedelta(days=1)))
    return log


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def record_accesses_due_for_disposal(*, before: datetime.datetime) -> QuerySet[RecordAccess]:
    """The retention hook: looks older than `before`, for the retention schedule's disposal
    job to delete (queryset.delete() is allowed; update is not). The schedule decides how long
    the access log is kept (issue #20, part 4); nothing here deletes on its own."""
    return RecordAccess.objects.filter(at__lt=before)
