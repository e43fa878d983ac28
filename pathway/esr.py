"""People from an ESR (Electronic Staff Record) "staff in post" extract: a CSV or XLSX file with
one row per person, mapped by its header, previewed, and imported all or nothing, creating or
updating each person by their employee number.

Columns, found by their header (case, spaces and punctuation aside; ESR's usual names and a few
others): employee number, first name and last name (or a full name), email address, position
(job title), band, organisation, area of work. Other columns of an extract (assignment number,
working hours...) are listed in the preview and not imported.

A person is found by their employee number, else by their email address (someone already in
Pathway without one); otherwise they are added, without a password (they sign in with their
NHS account or are invited). An empty cell leaves what Pathway has. The area is matched to a
clinical area by name or code; one Pathway does not know is reported and left unset. Pathway
does not record a person's organisation: the column is checked for nothing and not kept.

The one place that writes a person is `person_upsert_by_employee_number`, so that the API's
people endpoint and this import write people the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from pathway import spreadsheets
from pathway.jobs import job_start
from pathway.models import Band, ClinicalArea, User

LIMITS_USE = "esr"
MANAGE_PEOPLE = "pathway.manage_people"

COLUMNS = {
    "employee_number": ("Employee number", {"employee number", "employee no", "emp no",
                                            "staff number", "employee id"}),
    "first_name": ("First name", {"first name", "forename", "forenames", "first names",
                                  "given name"}),
    "last_name": ("Last name", {"last name", "surname", "family name"}),
    "full_name": ("Full name", {"full name", "name", "employee name"}),
    "email": ("Email address", {"email", "email address", "work email", "work email address",
                                "e mail", "e mail address"}),
    "position": ("Position", {"position", "position title", "position name", "job title",
                              "job role", "role"}),
    "band": ("Band", {"band", "pay band", "payband", "afc band", "grade", "pay grade"}),
    "organisation": ("Organisation", {"organisation", "organisation name", "org",
                                      "org name", "employing organisation", "organization"}),
    "area": ("Area of work", {"area", "area of work", "clinical area", "department", "ward",
                              "work area"}),
}  # fmt: skip
REQUIRED = ("employee_number", "email")
_KEYS = {alias: key for key, (_label, aliases) in COLUMNS.items() for alias in aliases}
_BANDS = {b.value: b.value for b in Band} | {"8 a": "8a", "8 b": "8b"}


class EsrImportError(ValidationError):
    """Every problem in the file, as (row or None, message). Nothing was written."""

    def __init__(self, errors: list[tuple[int | None, str]]):
        self.errors = sorted(errors, key=lambda e: (e[0] is not None, e[0] or 0))
        super().__init__(self.lines)

    @property
    def lines(self) -> list[str]:
        return [f"Row {row}: {message}" if row else message for row, message in self.errors]


@dataclass
class EsrRow:
    row: int
    employee_number: str
    email: str
    full_name: str
    job_title: str
    band: str
    area_name: str
    area: ClinicalArea | None = None
    person: User | None = None  # who this row updates; None: a new person

    @property
    def outcome(self) -> str:
        if self.person is None:
            return "Added"
        return "Updated" if _differs(self) else "No change"

    def changes(self) -> dict:
        """The fields this row sets (an empty cell sets nothing)."""
        values = {
            "employee_number": self.employee_number,
            "email": self.email,
            "full_name": self.full_name,
            "job_title": self.job_title,
            "band": self.band,
        }
        changes = {name: value for name, value in values.items() if value}
        if self.area is not None:
            changes["clinical_area"] = self.area
        return changes


@dataclass
class EsrPreview:
    rows: list[EsrRow]
    columns: list[str]  # the labels of the columns found
    ignored_columns: list[str]
    not_kept: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def new(self) -> list[EsrRow]:
        return [r for r in self.rows if r.person is None]

    @property
    def updated(self) -> list[EsrRow]:
        return [r for r in self.rows if r.person is not None and _differs(r)]

    @property
    def unchanged(self) -> list[EsrRow]:
        return [r for r in self.rows if r.person is not None and not _differs(r)]


def _differs(row: EsrRow) -> bool:
    return any(getattr(row.person, name) != value for name, value in row.changes().items())


# Reading -----------------------------------------------------------------------------------


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _columns(header_row: int, header: list[str]) -> tuple[dict[str, int], list[str]]:
    positions: dict[str, int] = {}
    ignored, errors = [], []
    for index, name in enumerate(header):
        key = _KEYS.get(_words(name))
        if key is None:
            if name.strip():
                ignored.append(name.strip())
        elif key in positions:
            errors.append((header_row, f"column '{name}' appears twice"))
        else:
            positions[key] = index
    for key in REQUIRED:
        if key not in positions:
            errors.append((header_row, f"missing column '{COLUMNS[key][0]}'"))
    if "full_name" not in positions and not {"first_name", "last_name"} <= set(positions):
        errors.append((header_row, "missing columns 'First name' and 'Last name' (or 'Full name')"))
    if errors:
        raise EsrImportError(errors)
    return positions, ignored


def band_value(text: str) -> str | None:
    """Pathway's band for an ESR pay band ("Band 3", "AfC Band 8A", "3"); "" for none; None
    when it is not a band Pathway knows."""
    cleaned = _words(text).replace("agenda for change", "").replace("afc", "")
    cleaned = cleaned.replace("band", "").strip()
    if not cleaned:
        return ""
    return _BANDS.get(cleaned)


def _read_row(number: int, cells: list[str], positions: dict[str, int], errors: list) -> EsrRow:
    def cell(key: str) -> str:
        index = positions.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    full_name = cell("full_name") or " ".join(
        p for p in (cell("first_name"), cell("last_name")) if p
    )
    email = cell("email").lower()
    if not cell("employee_number"):
        errors.append((number, "missing employee number"))
    if not email:
        errors.append((number, "missing email address"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append((number, f"'{cell('email')}' is not an email address"))
    band = band_value(cell("band"))
    if band is None:
        errors.append((number, f"unknown band '{cell('band')}': use a band from 2 to 8b"))
    return EsrRow(
        row=number,
        employee_number=cell("employee_number"),
        email=email,
        full_name=full_name,
        job_title=cell("position"),
        band=band or "",
        area_name=cell("area"),
    )


def read(source) -> tuple[list[EsrRow], list[str], list[str], list]:
    """The rows of an extract (a path, bytes or a binary file, CSV or XLSX), the columns found,
    the columns left out, and the problems in the rows."""
    try:
        records = spreadsheets.read_table(
            source, limits=spreadsheets.limits(LIMITS_USE), rows_called="people"
        )
    except spreadsheets.SpreadsheetError as error:
        raise EsrImportError([(None, error.messages[0])]) from None
    header_row, header = records[0]
    positions, ignored = _columns(header_row, header)
    errors: list = []
    rows = [_read_row(number, cells, positions, errors) for number, cells in records[1:]]
    if not rows:
        errors.append((None, "The file has no people in it, only its header row"))
    _check_repeats(rows, errors)
    found = [COLUMNS[key][0] for key in COLUMNS if key in positions]
    return rows, found, ignored, errors


def _check_repeats(rows: list[EsrRow], errors: list) -> None:
    for attribute, label in (("employee_number", "employee number"), ("email", "email address")):
        seen: dict[str, int] = {}
        for row in rows:
            value = getattr(row, attribute)
            if value and value in seen:
                errors.append((row.row, f"the {label} '{value}' is also in row {seen[value]}"))
            elif value:
                seen[value] = row.row


# Against the database ----------------------------------------------------------------------


def _match(rows: list[EsrRow], errors: list, not_kept: list) -> None:
    numbers = {r.employee_number for r in rows if r.employee_number}
    emails = {r.email for r in rows if r.email}
    people = list(
        User.objects.annotate(lowered=Lower("email")).filter(
            Q(employee_number__in=numbers) | Q(lowered__in=emails)
        )
    )
    by_number = {p.employee_number: p for p in people if p.employee_number}
    by_email = {p.email.lower(): p for p in people}
    areas = {}
    for area in ClinicalArea.objects.all():
        areas[area.name.lower()] = area
        areas[area.code.lower()] = area
    for row in rows:
        row.person = _matched_person(row, by_number, by_email, errors)
        if row.person is None and not row.full_name:
            errors.append((row.row, "missing name for a person new to Pathway"))
        if row.area_name:
            row.area = areas.get(row.area_name.lower())
            if row.area is None:
                not_kept.append(
                    (
                        row.row,
                        f"area '{row.area_name}' is not a clinical area in Pathway, so it is "
                        "not set (an administrator can add it)",
                    )
                )


def _matched_person(row: EsrRow, by_number: dict, by_email: dict, errors: list) -> User | None:
    """Who the row is: by employee number, else by email (someone without a number yet)."""
    person = by_number.get(row.employee_number)
    holder = by_email.get(row.email)
    if holder is None or holder == person:
        return person
    if person is not None:
        errors.append(
            (row.row, f"the email address '{row.email}' belongs to another person in Pathway")
        )
    elif holder.employee_number and holder.employee_number != row.employee_number:
        errors.append(
            (
                row.row,
                f"the email address '{row.email}' belongs to employee number "
                f"{holder.employee_number} in Pathway",
            )
        )
    return person or holder


def esr_preview(*, actor, source) -> EsrPreview:
    """Read and check a whole extract, writing nothing. Raises EsrImportError listing every
    problem."""
    _check_may_import(actor)
    rows, found, ignored, errors = read(source)
    not_kept: list = []
    if "Organisation" in found:
        not_kept.append((None, "Organisation: Pathway does not record a person's organisation"))
    if not errors:
        _match(rows, errors, not_kept)
    if errors:
        raise EsrImportError(errors)
    return EsrPreview(rows=rows, columns=found, ignored_columns=ignored, not_kept=not_kept)


def _check_may_import(actor) -> None:
    if actor is not None and not actor.has_perm(MANAGE_PEOPLE):
        raise PermissionDenied("Only the lead nurse or an administrator can import staff")


# Writing -----------------------------------------------------------------------------------


def person_upsert_by_employee_number(
    *, employee_number: str, person: User | None, **fields
) -> User:
    """Create or update one person from a staff record: the one place this import writes a
    person. (The API's people endpoint, api/services.py, takes one person at a time and checks
    each field as it comes.) `person` is who the record was matched to (None: a new person)."""
    if person is None:
        return User.objects.create_user(employee_number=employee_number, **fields)
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    if person.employee_number != employee_number:
        person.employee_number = employee_number
        changed.append("employee_number")
    for name in changed:
        if name != "employee_number":
            setattr(person, name, fields[name])
    if changed:
        person.save(update_fields=changed)
    return person


def esr_import_in_background(preview: EsrPreview) -> bool:
    """Whether an extract this long is imported by a worker, not while the person waits."""
    return len(preview.rows) > settings.PATHWAY_IMPORT_IN_BACKGROUND_OVER


def esr_import_queue(*, actor, stored_name: str, file_name: str, key: str):
    """Queue the import of a held extract (pathway/held_uploads.py) as a background job, which
    deletes the file once done. The same key while it is unfinished is the same job."""
    _check_may_import(actor)
    return job_start(
        actor=actor,
        kind="pathway.esr_import",
        title=f"Staff extract import: {file_name}",
        key=key,
        params={
            "stored": stored_name,
            "back": reverse("pathway:people"),
            "back_label": "Back to people",
        },
    )


@dataclass
class EsrResult:
    created: int
    updated: int
    unchanged: int

    @property
    def summary(self) -> str:
        return (
            f"Imported the staff extract: {self.created} new "
            f"{'person' if self.created == 1 else 'people'}, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )


def esr_import(*, actor, source) -> EsrResult:
    """Import an extract: all of it, or nothing (EsrImportError lists every problem)."""
    preview = esr_preview(actor=actor, source=source)
    result = EsrResult(len(preview.new), len(preview.updated), len(preview.unchanged))
    try:
        with transaction.atomic():
            for row in preview.new + preview.updated:
                fields = row.changes()
                employee_number = fields.pop("employee_number")
                person_upsert_by_employee_number(
                    employee_number=employee_number, person=row.person, **fields
                )
    except IntegrityError:
        raise EsrImportError(
            [
                (
                    None,
                    "The people could not be saved: someone changed them at the same moment. "
                    "Try again",
                )
            ]
        ) from None
    return result
