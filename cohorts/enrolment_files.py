"""The enrolment file: a CSV file or an Excel spreadsheet (.xlsx) with one row per trainee.

This module reads the file and checks what can be checked without the database: the header,
names, email addresses, and repeats within the file. It also writes the downloadable templates.
cohorts.services.enrolment_import checks the rows against the database and enrols.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first trainee row 2.
A CSV cell may hold line breaks; a row is still one row. Blank rows are skipped.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import filetype
import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

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
MAX_ROWS = 1000
UNZIPPED_MAX = 100 * 1024 * 1024
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


# Reading bytes ------------------------------------------------------------------------------


def read_source(source) -> tuple[bytes, str]:
    """The bytes and file name of a path, bytes or a (binary or uploaded) file object."""
    if isinstance(source, str | PathLike):
        path = Path(source)
        return path.read_bytes(), path.name
    if isinstance(source, bytes | bytearray):
        return bytes(source), ""
    name = Path(str(getattr(source, "name", "") or "")).name
    if hasattr(source, "seek"):
        with contextlib.suppress(OSError, ValueError):
            source.seek(0)
    data = b"".join(source.chunks()) if hasattr(source, "chunks") else source.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data, name


def too_large_message() -> str:
    limit = filesizeformat(settings.PATHWAY_MAX_UPLOAD_BYTES)
    return f"The selected file must be smaller than {limit}"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ZIP = b"PK\x03\x04"
_OLE = bytes.fromhex("d0cf11e0a1b11ae1")  # old Office files: .xls, .doc


def _fail(message: str):
    raise EnrolmentImportError([(None, message)])


def _clean_cell(value) -> str:
    """A cell as text: whole-number floats without ".0", control characters dropped, outer
    spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _collect(rows, records: list[tuple[int, list[str]]]) -> None:
    """Append (row number, cells) for each row to `records`. Stops once there are more rows
    than an import may have: parse() then says so without reading the rest."""
    filled = 0
    for number, values in enumerate(rows, start=1):
        cells = [_clean_cell(v) for v in values]
        records.append((number, cells))
        filled += any(cells)
        if filled > MAX_ROWS + 1:
            break


def _decode_text(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        _fail(f"The selected file must be {ACCEPTED}: this file holds binary data")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel's plain "CSV (Comma delimited)" on Windows.
            text = data.decode("cp1252", errors="replace")
    if len(_CONTROL.findall(text)) > len(text) // 100:  # a stray one is tidied away
        _fail(f"The selected file must be {ACCEPTED}: this file holds binary data")
    return text


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    """(row number, cells) for each CSV record. Spreadsheets in some countries save with
    semicolons: the first line tells which separator the file uses."""
    text = _decode_text(data)
    first_line = text.lstrip("\n").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: (first_line.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        _collect(reader, records)
    except csv.Error as exc:
        raise EnrolmentImportError(
            [(len(records) + 1, f"this row cannot be read as CSV ({exc})")]
        ) from None
    return records


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    # A small file may unzip to a huge one: refuse that before openpyxl unzips anything.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except Exception:  # noqa: BLE001 - a damaged zip fails in many ways; all mean "not a workbook"
        _fail(f"The selected file must be {ACCEPTED}: this file is not an Excel spreadsheet")
    if unzipped > UNZIPPED_MAX:
        _fail("The spreadsheet is too large to read: copy the trainees into a new spreadsheet")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        _fail(f"The selected file must be {ACCEPTED}: this file is not an Excel spreadsheet")
    try:
        if not workbook.worksheets:
            _fail("The spreadsheet has no sheets")
        sheet = (
            workbook["Trainees"] if "Trainees" in workbook.sheetnames else workbook.worksheets[0]
        )
        records: list[tuple[int, list[str]]] = []
        _collect(sheet.iter_rows(values_only=True), records)
    finally:
        workbook.close()
    return records


def read_records(data: bytes, filename: str = "") -> list[tuple[int, list[str]]]:
    """The file's rows as (row number, cells). The file's content decides whether it is read
    as a spreadsheet or as CSV; its name only has to say it is one of the two."""
    if len(data) > settings.PATHWAY_MAX_UPLOAD_BYTES:
        _fail(too_large_message())
    if not data.strip():
        _fail("The selected file is empty")
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls" or data.startswith(_OLE):
        _fail(
            f"The selected file must be {ACCEPTED}: this is an old Excel file (.xls), "
            "so open it in Excel and save it as .xlsx"
        )
    if suffix not in ("", ".csv", ".xlsx", ".txt"):
        _fail(f"The selected file must be {ACCEPTED}")
    if data.startswith(_ZIP):
        return _xlsx_records(data)
    if suffix == ".xlsx":
        _fail(f"The selected file must be {ACCEPTED}: this file is not an Excel spreadsheet")
    kind = filetype.guess(data[:8192])
    if kind is not None:
        _fail(f"The selected file must be {ACCEPTED}: this is a {kind.extension.upper()} file")
    return _csv_records(data)


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
    if len(body) > MAX_ROWS:
        _fail(f"The file has more than {MAX_ROWS} trainees: split it into smaller files")

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
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(template_rows())
    # With a byte order mark, Excel opens the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(areas=()) -> bytes:
    """The template as a workbook: sheet "Trainees" (bold header, widths, the example row) and,
    when `areas` are given, a sheet listing the clinical areas' codes and names."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Trainees"
    for r, values in enumerate(template_rows(), start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.data_type = "s"  # text, never a formula or a number
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
        for area in areas:
            codes.append([area.code, area.name])
        for cell in codes[1]:
            cell.font = Font(bold=True)
        codes.column_dimensions["A"].width = 26
        codes.column_dimensions["B"].width = 50

    workbook.properties.creator = "Pathway"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
