"""Reads for the audit history: who changed what, and when (docs/adr/0010-audit-history.md).

django-simple-history keeps a historical table per audited model. The audit log reads them as
one list, newest first: a UNION of (date, id, kind) rows gives the order and the count, then a
page of rows is filled in with a fixed number of queries whatever its length: per kind on the
page, one for the rows (with who made the change) and one for the versions just before them;
one for the people's roles at those versions; one per kind of related record whose name is
shown. The change itself is simple-history's `diff_against` on the version just before.

A model joins the audit by having `history = AuditHistory()` (pathway/history.py: simple-history's
HistoricalRecords, leaving restores alone) and an entry in AUDITED. An app
built on cohorts (which cohorts must not import) joins with `register(...)` from its AppConfig's
ready(): roledesign registers job descriptions and their person specification that way.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import CharField, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from cohorts.models import Cohort, Enrolment, ModuleResult
from competencies.models import AssessmentMethod, Competency, Domain, Framework, TrainingRecord
from pathway.models import Allocation, ClinicalArea, ExternalIdentity, Module, Passkey, User
from pathway.selectors import people_matching

PAGE_SIZE = 50
# The most changes listed (a hundred pages): the count and the deepest page read at most this
# many, however long the history grows; older ones are found by kind, person or record.
LISTED_MOST = 5000
# How the API names its clients in a history row's change reason (api/views: acting_for).
API_CLIENT = "API client: "

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
CHANGE_TYPES = {"+": CREATED, "~": CHANGED, "-": DELETED}


@dataclass(frozen=True)
class AuditedKind:
    """A kind of record in the audit: `key` in addresses and the filter, `subject` the field
    naming the person a record is about (for the person filter), if any."""

    key: str
    label: str
    model: type[models.Model]
    subject: str | None = None
    m2m: tuple[str, ...] = ()
    # How a version of the record is named, for a kind registered by another app:
    # describe(history_row, names) -> str.
    describe: Callable[..., str] | None = None

    @property
    def history_model(self) -> type[models.Model]:
        return self.model.history.model


AUDITED: tuple[AuditedKind, ...] = (
    AuditedKind("person", "Person", User, subject="id", m2m=("roles",)),
    AuditedKind("allocation", "Allocation", Allocation, subject="trainee_id"),
    AuditedKind("cohort", "Cohort", Cohort),
    AuditedKind("enrolment", "Enrolment", Enrolment, subject="trainee_id"),
    AuditedKind("framework", "Framework", Framework),
    AuditedKind("domain", "Domain", Domain),
    AuditedKind("competency", "Competency", Competency),
    # How people sign in and sign records (pathway/identity): their passkeys and NHS accounts.
    AuditedKind(
        "passkey",
        "Passkey",
        Passkey,
        subject="person_id",
        describe=lambda row, names: f"Passkey {row.name} of {names.get(User, row.person_id)}",
    ),
    # Results come from the tutor's page and from the university's API client.
    AuditedKind(
        "module_result",
        "Module result",
        ModuleResult,
        describe=lambda row, names: (
            f"{names.get(Module, row.module_id)} attempt {row.attempt}: "
            f"{names.get(Enrolment, row.enrolment_id)}"
        ),
    ),
    AuditedKind(
        "nhs_account",
        "NHS account link",
        ExternalIdentity,
        subject="person_id",
        describe=lambda row, names: f"NHS account of {names.get(User, row.person_id)}",
    ),
)
KINDS = {kind.key: kind for kind in AUDITED}


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.label) for kind in AUDITED]


# What a related record is called, read in one query per model for a whole page. A model not
# listed here is shown as "#id".
RELATED_NAMES: dict[type[models.Model], tuple[tuple[str, ...], Callable[..., str]]] = {
    User: (("full_name", "email"), lambda full_name, email: full_name or email),
    ClinicalArea: (("name",), str),
    Cohort: (("name",), str),
    Module: (("title",), str),
    Framework: (("name", "version"), lambda name, version: f"{name} (version {version})"),
    Domain: (("title",), str),
    Competency: (("code", "title"), lambda code, title: f"{code} {title}"),
    TrainingRecord: (
        ("trainee__full_name", "framework__name", "framework__version"),
        lambda trainee, name, version: f"{trainee}'s record on {name} (version {version})",
    ),
    Enrolment: (
        ("trainee__full_name", "cohort__name"),
        lambda trainee, cohort: f"{trainee} in {cohort}",
    ),
}


class Names:
    """Names of related records by (model, pk), looked up together for a page."""

    def __init__(self):
        self._wanted: dict[type[models.Model], set] = defaultdict(set)
        self._names: dict[tuple[type[models.Model], object], str] = {}

    def want(self, model, pk) -> None:
        if pk is not None and model in RELATED_NAMES:
            self._wanted[model].add(pk)

    def load(self) -> None:
        for model, pks in self._wanted.items():
            fields, build = RELATED_NAMES[model]
            for pk, *values in (
                model._default_manager.filter(pk__in=pks).order_by().values_list("pk", *fields)
            ):
                self._names[(model, pk)] = build(*values)
        self._wanted.clear()

    def get(self, model, pk) -> str:
        return self._names.get((model, pk), f"#{pk}")


def register(kind: AuditedKind, *, related_names=None) -> None:
    """Add a kind of record from an app built on cohorts (called from its AppConfig.ready()).
    `related_names` maps models to (fields, build) like RELATED_NAMES, for how a record is
    named when another points at it. Registering the same key again replaces it."""
    global AUDITED
    AUDITED = (*(k for k in AUDITED if k.key != kind.key), kind)
    KINDS[kind.key] = kind
    RELATED_NAMES.update(related_names or {})


# The record's own name, from the version itself and the names of what it points at.
def _record_name(kind: AuditedKind, row, names: Names) -> str:
    if kind.describe is not None:
        return kind.describe(row, names)
    if kind.model is User:
        return row.full_name or row.email
    if kind.model is Allocation:
        label = dict(Allocation.Kind.choices).get(row.kind, row.kind).lower()
        return f"{names.get(User, row.supporter_id)} — {label} of {names.get(User, row.trainee_id)}"
    if kind.model is Enrolment:
        return f"{names.get(User, row.trainee_id)} in {names.get(Cohort, row.cohort_id)}"
    if kind.model is Framework:
        return f"{row.name} (version {row.version})"
    if kind.model is Domain:
        return row.title
    if kind.model is Competency:
        return f"{row.code} {row.title}"
    return f"#{row.id}"


# The presenter: field names and values as people read them ---------------------------------


NOT_SET = "Not set"
VALUE_LABELS = {
    (Competency, "assessment_methods"): dict(AssessmentMethod.choices),
}


def field_label(model_field) -> str:
    return capfirst(str(model_field.verbose_name))


def present_value(model, model_field, value, names: Names) -> str:
    """One value of a field: choices by their label, related records by name, dates in words."""
    if value is None or value == "" or value == []:
        return NOT_SET
    if isinstance(model_field, models.ForeignKey):
        return names.get(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, list | tuple):
        labels = VALUE_LABELS.get((model, model_field.name), {})
        return "; ".join(str(labels.get(item, item)) for item in value)
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class AuditEntry:
    kind: AuditedKind
    record_id: int
    name: str
    when: datetime.datetime
    who: User | None
    change: str  # created / changed / deleted
    changes: list[FieldChange] = field(default_factory=list)
    # False for a "changed" row with no version before it (history started after the record).
    compared: bool = True
    subject_id: int | None = None
    # An integration that made the change through the API (pathway.history.acting_for).
    by_client: str = ""


# The log ------------------------------------------------------------------------------------


class AuditLog:
    """The audit rows chosen by the filters, newest first, the latest LISTED_MOST of them.
    Paginator-friendly: `count()` is one query, and a slice reads and fills in only that page."""

    def __init__(self, kinds, *, people: list[int] | None = None, record: int | None = None):
        self.kinds = list(kinds)
        self.people = people
        self.record = record
        # Whether more than LISTED_MOST match, once counted.
        self.more = False

    def _history(self, kind: AuditedKind):
        queryset = kind.history_model.objects.order_by()
        if self.people is not None:
            queryset = queryset.filter(**{f"{kind.subject}__in": self.people})
        if self.record is not None:
            queryset = queryset.filter(id=self.record)
        return queryset

    def _union(self):
        parts = [
            self._history(kind)
            .annotate(audit_kind=Value(kind.key, output_field=CharField()))
            .values_list("history_date", "history_id", "audit_kind")
            for kind in self.kinds
        ]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return parts[0].union(*parts[1:], all=True)

    def count(self) -> int:
        """How many match, up to LISTED_MOST: counting them all would read the whole history
        on every page."""
        union = self._union()
        if union is None:
            return 0
        found = union[: LISTED_MOST + 1].count()
        self.more = found > LISTED_MOST
        return min(found, LISTED_MOST)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        union = self._union()
        if union is None:
            return []
        keys = list(union.order_by("-history_date", "-audit_kind", "-history_id")[index])
        return _entries([(kind, history_id) for _date, history_id, kind in keys])


def audit_log(*, kind: str | None = None, people: list[int] | None = None) -> AuditLog:
    """The latest changes, newest first; only one kind of record, or only those about some
    people (their own details, allocations and enrolments), when asked."""
    kinds = [KINDS[kind]] if kind else AUDITED
    if people is not None:
        kinds = [k for k in kinds if k.subject]
    return AuditLog(kinds, people=people)


def record_history(kind: str, pk: int) -> AuditLog:
    """Every version of one record, newest first. KeyError for a kind not audited."""
    return AuditLog([KINDS[kind]], record=pk)


def _entries(keys: list[tuple[str, int]]) -> list[AuditEntry]:
    """Fill in a page of (kind key, history id), keeping its order."""
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for key, history_id in keys:
        ids_by_kind[key].append(history_id)

    rows, previous = {}, {}
    for key, ids in ids_by_kind.items():
        model = KINDS[key].history_model
        before = (
            model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        found = (
            model.objects.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_history_id=Subquery(before))
        )
        for row in found:
            rows[(key, row.history_id)] = row
        previous_ids = [row.previous_history_id for row in found if row.previous_history_id]
        if previous_ids:
            for row in model.objects.filter(history_id__in=previous_ids):
                previous[(key, row.history_id)] = row

    m2m_values = _m2m_values(rows, previous)
    names = Names()
    for (key, _id), row in [*rows.items(), *previous.items()]:
        for model_field in _tracked_fields(KINDS[key]):
            if isinstance(model_field, models.ForeignKey):
                names.want(model_field.related_model, getattr(row, model_field.attname))
    names.load()

    entries = []
    for key, history_id in keys:
        row = rows.get((key, history_id))
        if row is None:  # removed between the count and the read
            continue
        kind = KINDS[key]
        before = previous.get((key, row.previous_history_id))
        entry = AuditEntry(
            kind=kind,
            record_id=row.id,
            name=_record_name(kind, row, names),
            when=row.history_date,
            who=row.history_user,
            change=CHANGE_TYPES.get(row.history_type, CHANGED),
            subject_id=getattr(row, kind.subject) if kind.subject else None,
            by_client=_client_label(row),
        )
        if entry.change == CHANGED:
            if before is None:
                entry.compared = False
            else:
                entry.changes = _changes(kind, row, before, names, m2m_values)
        entries.append(entry)
    return entries


def _client_label(row) -> str:
    reason = row.history_change_reason or ""
    return reason if row.history_user_id is None and reason.startswith(API_CLIENT) else ""


def _tracked_fields(kind: AuditedKind) -> list[models.Field]:
    """The audited model's own fields that its history keeps, in the model's order."""
    kept = {f.name for f in kind.history_model.tracked_fields}
    return [f for f in kind.model._meta.fields if f.name in kept]


def _m2m_values(rows, previous) -> dict[tuple[str, int, str], str]:
    """Each many-to-many field's value at each version on the page, as text: one query per
    field (a person's roles), whatever the number of rows."""
    values: dict[tuple[str, int, str], list[str]] = {}
    for kind in AUDITED:
        for name in kind.m2m:
            ids = [hid for (key, hid) in [*rows, *previous] if key == kind.key]
            if not ids:
                continue
            through = getattr(kind.history_model, name).model
            target = kind.model._meta.get_field(name).related_model
            target_field = next(
                f.attname
                for f in through._meta.fields
                if isinstance(f, models.ForeignKey) and f.related_model is target
            )
            labels = {obj.pk: str(obj) for obj in target._default_manager.all()}
            for hid in ids:
                values[(kind.key, hid, name)] = []
            for hid, target_pk in through.objects.filter(history_id__in=ids).values_list(
                "history_id", target_field
            ):
                values[(kind.key, hid, name)].append(labels.get(target_pk, f"#{target_pk}"))
    return {key: "; ".join(sorted(items)) or "None" for key, items in values.items()}


def _changes(kind, row, before, names: Names, m2m_values) -> list[FieldChange]:
    delta = row.diff_against(before, excluded_fields=list(kind.m2m))
    changed = set(delta.changed_fields)
    changes = [
        FieldChange(
            field=field_label(model_field),
            old=present_value(kind.model, model_field, getattr(before, model_field.attname), names),
            new=present_value(kind.model, model_field, getattr(row, model_field.attname), names),
        )
        for model_field in _tracked_fields(kind)
        if model_field.name in changed or model_field.attname in changed
    ]
    for name in kind.m2m:
        old = m2m_values.get((kind.key, before.history_id, name), NOT_SET)
        new = m2m_values.get((kind.key, row.history_id, name), NOT_SET)
        if old != new:
            label = field_label(kind.model._meta.get_field(name))
            changes.append(FieldChange(field=label, old=old, new=new))
    return changes


def people_named(*, text: str = "", pk: int | None = None, most: int) -> list[tuple[int, str]]:
    """Up to `most` people, by name, for the person filter: those whose name, email address or
    employee number contains the words of `text`, or the one with this pk."""
    people = people_matching(text) if pk is None else User.objects.filter(pk=pk)
    return [
        (pk, full_name or email)
        for pk, full_name, email in people.order_by("full_name", "email").values_list(
            "pk", "full_name", "email"
        )[:most]
    ]
