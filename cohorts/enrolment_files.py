"""The enrolment file: a CSV file or an Excel spreadsheet (.xlsx) with one row per trainee.

This module reads the file (with the shared reader, pathway/spreadsheets.py) and checks what can
be checked without the database: the header,
names, email addresses, and repeats within the file. It also writes the downloadable templates.
cohorts.services.enrolment_import checks the rows against the database and enrols.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first trainee row 2.
A CSV cell may hold line breaks; a row is still one row. Blank rows are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pathway import spreadsheets

# Errors -------------------------------------------------------------------------------------


def format_error(row: int | None, message: str) -> str:
    return f"Row {row}: {message}" if row else message


class EnrolmentImportError(ValidationError):
    """Every problem found in an enrolment file, as (row number or None, message); None is a
    problem with the whole file. Nothing was written."""

    def __init__(self, errors: list[tuple[int | None, str]]):
        # Whole-file problems first, then by row; the order within a row is kept.
        self.errors: list[tuple[int | None, str]] = sorted(
            errors, key=lambda e: (e[0] is not None, e[0] or 0)
        )
        super().__init__(self.lines)

    @property
    def lines(self) -> list[str]:
        return [format_error(row, message) for row, message in self.errors]


# The columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool  # must the column be in the file?
    description: str
    example: str
    width: int


COLUMNS = [
    Column(
        "name",
        "Name",
        True,
        "The trainee's full name.",
        "Alex Morgan",
        24,
    ),
    Column(
        "email",
        "Email",
        True,
        "The trainee's work email address. If someone in Pathway already has it, that person is "
        "enrolled; otherwise they are added to Pathway as a band 3 trainee, and set their "
        "password with \u201cForgotten your password?\u201d on the sign-in page.",
        "alex.morgan@nhs.net",
        32,
    ),
    Column(
        "employee_number",
        "Employee number",
        True,
        "Their employee (assignment) number. Needed for someone new to Pathway; for someone "
        "already in Pathway it may be left empty, and must otherwise be the number Pathway "
        "holds for them.",
        "E123456",
        18,
    ),
    Column(
        "clinical_area",
        "Clinical area",
        True,
        "The code or the name of the clinical area they train in: one of the cohort's clinical "
        "areas. It may be left empty when the cohort has only one.",
        "critical-care",
        22,
    ),
    Column(
        "mentor_email",
        "Mentor email",
        False,
        "Optional. The email address of their mentor: someone already in Pathway with the "
        "mentor role and a professional registration.",
        "sam.patel@nhs.net",
        32,
    ),
    Column(
        "tutor_email",
        "Tutor email",
        False,
        "Optional. The email address of their university tutor: someone already in Pathway "
        "with the tutor role.",
        "j.okafor@university.ac.uk",
        32,
    ),
]
HEADERS = {column.key: column.header for column in COLUMNS}
REQUIRED_KEYS = [column.key for column in COLUMNS if column.required]


def _words(text: str) -> str:
    """A header as plain lower-case words: "E-mail address (optional)" -> "e mail address"."""
    text = text.lower().replace("(optional)", "")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_HEADER_KEYS = {_words(column.header): column.key for column in COLUMNS} | {
    "full name": "name",
    "trainee name": "name",
    "email address": "email",
    "e mail": "email",
    "e mail address": "email",
    "trainee email": "email",
    "employee no": "employee_number",
    "employee id": "employee_number",
    "assignment number": "employee_number",
    "clinical area code": "clinical_area",
    "area": "clinical_area",
    "mentor email address": "mentor_email",
    "mentor e mail": "mentor_email",
    "tutor email address": "tutor_email",
    "tutor e mail": "tutor_email",
}

NAME_MAX = 150
EMAIL_MAX = 254
EMPLOYEE_NUMBER_MAX = 32
ACCEPTED = "a CSV file or an Excel spreadsheet (.xlsx)"


@dataclass
class RowData:
    """One trainee row as read from the file: text, not yet looked up."""

    row: int
    name: str
    email: str  # lower case
    employee_number: str
    clinical_area: str
    mentor_email: str  # lower case, or ""
    tutor_email: str  # lower case, or ""


# Reading the file ---------------------------------------------------------------------------

LIMITS_USE = "enrolment"  # PATHWAY_SPREADSHEET_LIMITS["enrolment"]
ROWS_CALLED = "trainees"


def too_large_message() -> str:
    return spreadsheets.too_large_message(spreadsheets.limits(LIMITS_USE).max_bytes)


def _fail(message: str):
    raise EnrolmentImportError([(None, message)])


# The shared reader's refusals, said for this page where it has its own words.
_REFUSALS = {
    "not_xlsx": f"The selected file must be {ACCEPTED}: this file is not an Excel spreadsheet",
    "binary": f"The selected file must be {ACCEPTED}: this file holds binary data",
}


def _check_kind(source, filename: str) -> None:
    """The file's first bytes, and its name, must say it is CSV or XLSX: the rest is read only
    once it does."""
    first_bytes = spreadsheets.head(source, 8192)
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls" or spreadsheets.looks_like_old_excel(first_bytes):
        _fail(
            f"The selected file must be {ACCEPTED}: this is an old Excel file (.xls), "
            "so open it in Excel and save it as .xlsx"
        )
    if suffix not in ("", ".csv", ".xlsx", ".txt"):
        _fail(f"The selected file must be {ACCEPTED}")
    if spreadsheets.looks_like_xlsx(first_bytes):
        return
    if suffix == ".xlsx":
        _fail(_REFUSALS["not_xlsx"])
    kind = spreadsheets.other_file_kind(first_bytes)
    if kind is not None:
        _fail(f"The selected file must be {ACCEPTED}: this is a {kind} file")


def read_records(source, filename: str = "") -> list[tuple[int, list[str]]]:
    """The file's non-blank rows as (row number, cells). `source` is a path, bytes, or an
    uploaded or open binary file. The file's content decides whether it is read as a
    spreadsheet or as CSV; its name only has to say it is one of the two. The shared reader
    (pathway/spreadsheets.py) checks the size before reading and stops at the row limit."""
    limits = spreadsheets.limits(LIMITS_USE)
    filename = filename or spreadsheets.source_name(source)
    try:
        spreadsheets.check_size(source, limits)
        _check_kind(source, filename)
        return spreadsheets.read_table(
            source, limits=limits, sheet="Trainees", rows_called=ROWS_CALLED
        )
    except spreadsheets.SpreadsheetError as error:
        _fail(_REFUSALS.get(error.code, error.messages[0]))


# Reading rows -------------------------------------------------------------------------------


def _header(row: int, cells: list[str]) -> dict[str, int]:
    """Which cell holds which column. Raises for unknown, repeated or missing columns."""
    errors: list[tuple[int | None, str]] = []
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if not cell:
            continue
        key = _HEADER_KEYS.get(_words(cell))
        if key is None:
            errors.append(
                (
                    row,
                    f"unknown column '{cell}': the columns are "
                    + ", ".join(HEADERS.values())
                    + " (the last two are optional)",
                )
            )
        elif key in positions:
            errors.append((row, f"the column '{HEADERS[key]}' is there twice"))
        else:
            positions[key] = index
    for key in REQUIRED_KEYS:
        if key not in positions:
            errors.append((row, f"missing column '{HEADERS[key]}'"))
    if errors:
        raise EnrolmentImportError(errors)
    return positions


def is_email(value: str) -> bool:
    if len(value) > EMAIL_MAX:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def parse(records: list[tuple[int, list[str]]]) -> tuple[list[RowData], list]:
    """Check the rows without the database. Raises EnrolmentImportError when the file cannot be
    read at all (no header, wrong columns, no trainees); otherwise returns the rows and the
    problems found in them, as (row number, message)."""
    records = [(n, cells) for n, cells in records if any(cells)]
    if not records:
        _fail("The selected file is empty")
    (header_row, header_cells), body = records[0], records[1:]
    positions = _header(header_row, header_cells)
    if not body:
        _fail("The file has no trainees in it: add a row for each trainee below the header row")

    errors: list[tuple[int | None, str]] = []
    rows: list[RowData] = []
    seen_emails: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    for number, cells in body:
        problems = _stray_cells(cells, positions)
        data = _row_data(number, cells, positions)
        problems += _value_problems(data, seen_emails, seen_numbers)
        errors.extend((number, message) for message in problems)
        rows.append(data)
    return rows, errors


def _stray_cells(cells: list[str], positions: dict[str, int]) -> list[str]:
    used = set(positions.values())
    stray = [i for i, value in enumerate(cells) if value and i not in used]
    if not stray:
        return []
    letters = ", ".join(get_column_letter(i + 1) for i in stray)
    return [f"there is something in column {letters}, which has no heading"]


def _row_data(number: int, cells: list[str], positions: dict[str, int]) -> RowData:
    def cell(key: str) -> str:
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    return RowData(
        row=number,
        name=" ".join(cell("name").split()),
        email=cell("email").lower(),
        employee_number=cell("employee_number"),
        clinical_area=cell("clinical_area"),
        mentor_email=cell("mentor_email").lower(),
        tutor_email=cell("tutor_email").lower(),
    )


def _value_problems(data: RowData, seen_emails: dict, seen_numbers: dict) -> list[str]:
    """What is wrong with one row's values on their own, or repeated from an earlier row."""
    problems = []
    if not data.name:
        problems.append("enter the trainee's name")
    elif len(data.name) > NAME_MAX:
        problems.append(f"the name must be {NAME_MAX} characters or fewer")

    if not data.email:
        problems.append("enter the trainee's email address")
    elif not is_email(data.email):
        problems.append(f"bad email address '{data.email}': enter it like name@nhs.net")
    elif data.email in seen_emails:
        problems.append(
            f"the email address '{data.email}' is also on row {seen_emails[data.email]}"
        )
    else:
        seen_emails[data.email] = data.row

    number = data.employee_number
    if len(number) > EMPLOYEE_NUMBER_MAX:
        problems.append(f"the employee number must be {EMPLOYEE_NUMBER_MAX} characters or fewer")
    elif number in seen_numbers:
        problems.append(f"the employee number '{number}' is also on row {seen_numbers[number]}")
    elif number:
        seen_numbers[number] = data.row

    for role, value in (("mentor", data.mentor_email), ("tutor", data.tutor_email)):
        if not value:
            continue
        if not is_email(value):
            problems.append(f"bad {role} email address '{value}': enter it like name@nhs.net")
        elif value == data.email:
            problems.append(
                f"the {role} email is the trainee's own: no one can be their own {role}"
            )
    return problems


# Templates ----------------------------------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TEMPLATE_FILENAMES = {"csv": "enrolment-template.csv", "xlsx": "enrolment-template.xlsx"}


def template_rows() -> list[list[str]]:
    """The header row and one example row."""
    return [[c.header for c in COLUMNS], [c.example for c in COLUMNS]]


def template_csv() -> bytes:
    return spreadsheets.csv_bytes(template_rows())


def template_xlsx(areas=()) -> bytes:
    """The template as a workbook: sheet "Trainees" (bold header, widths, the example row) and,
    when `areas` are given, a sheet listing the clinical areas' codes and names."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Trainees"
    for r, values in enumerate(template_rows(), start=1):
        for c, value in enumerate(values, start=1):
            cell = spreadsheets.set_cell(sheet, r, c, value)  # text, never a formula
            if r == 1:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(vertical="top")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width

    areas = list(areas)
    if areas:
        codes = workbook.create_sheet("Clinical areas")
        codes.append(["Clinical area code", "Clinical area"])
        for row, area in enumerate(areas, start=2):
            spreadsheets.set_cell(codes, row, 1, area.code)
            spreadsheets.set_cell(codes, row, 2, area.name)
        for cell in codes[1]:
            cell.font = Font(bold=True)
        codes.column_dimensions["A"].width = 26
        codes.column_dimensions["B"].width = 50

    return spreadsheets.workbook_bytes(workbook)
