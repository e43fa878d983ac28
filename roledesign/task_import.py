"""Reading a project's task analysis from a CSV file or an Excel spreadsheet (.xlsx); the
service roledesign.services.task_import writes it.

The first row is the header. Column names (any order, any letter case):

    Task                 required   the task's name
    Delegation decision  required   Suitable / Suitable with conditions / Not suitable
    Likelihood           required   1 to 5
    Impact               required   1 to 5
    Conditions                      required when the decision is "Suitable with conditions"
    Description, Who does it now, How often, Which patients, Training needed, Notes

All or nothing: if any row has a problem, nothing is saved and every problem is reported with
its row number as a spreadsheet shows it (the header is row 1). Blank rows are skipped.

`template_file("csv" | "xlsx")` is a file to start from: every column, in this order, with three
example tasks (one for each delegation decision) that import as they are.
"""

from __future__ import annotations

import openpyxl
import openpyxl.styles
from django.core.exceptions import ValidationError

from pathway import spreadsheets
from roledesign.models import DelegationDecision

COLUMNS = {
    "task": "name",
    "delegation decision": "decision",
    "likelihood": "likelihood",
    "impact": "impact",
    "conditions": "conditions",
    "description": "description",
    "who does it now": "done_by_now",
    "how often": "frequency",
    "which patients": "patients",
    "training needed": "training_needed",
    "notes": "notes",
}
REQUIRED = ["Task", "Delegation decision", "Likelihood", "Impact"]
DECISIONS = {label.lower(): value for value, label in DelegationDecision.choices}


# The template: every column, in the order people fill them in, and three example tasks.
TEMPLATE_HEADER = [
    "Task",
    "Description",
    "Who does it now",
    "How often",
    "Which patients",
    "Delegation decision",
    "Conditions",
    "Likelihood",
    "Impact",
    "Training needed",
    "Notes",
]
TEMPLATE_ROWS = [
    [
        "Record early warning score observations",
        "Measure and record vital signs and calculate the NEWS2 score",
        "Registered nurses",
        "Every 4 hours, more often if unwell",
        "All adult patients",
        "Suitable",
        "",
        "2",
        "3",
        "NEWS2 e-learning and supervised practice",
        "",
    ],
    [
        "Tracheostomy suctioning",
        "Open suctioning of an established tracheostomy",
        "Registered nurses and physiotherapists",
        "Several times a shift",
        "Patients with an established tracheostomy",
        "Suitable with conditions",
        "Established tracheostomy only (more than 7 days); a registered nurse on the unit",
        "3",
        "4",
        "Tracheostomy competency workbook",
        "Review after six months",
    ],
    [
        "Titrate vasoactive infusions",
        "Adjust noradrenaline to a target blood pressure",
        "Registered nurses",
        "Continuously",
        "Patients on vasopressors",
        "Not suitable",
        "",
        "4",
        "5",
        "",
        "Stays with registered nurses",
    ],
]
TEMPLATE_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "task-import-template.csv"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "task-import-template.xlsx",
    ),
}


def template_file(fmt: str) -> bytes:
    """The task import template as a CSV file (UTF-8 with a byte order mark, so that Excel reads
    accents right) or an Excel workbook. KeyError for any other format."""
    content_type, _filename = TEMPLATE_FORMATS[fmt]
    if fmt == "csv":
        return spreadsheets.csv_bytes([TEMPLATE_HEADER, *TEMPLATE_ROWS])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tasks"
    sheet.append(TEMPLATE_HEADER)
    for row in TEMPLATE_ROWS:
        sheet.append([int(v) if v.isdigit() else (v or None) for v in row])
    for cell in sheet[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJK", (40, 50, 30, 25, 30, 25, 50, 12, 10, 35, 30), strict=True
    ):
        sheet.column_dimensions[column].width = width
    return spreadsheets.workbook_bytes(book)


LIMITS_USE = "task"  # PATHWAY_SPREADSHEET_LIMITS["task"]


def _file_error(message) -> ValidationError:
    return ValidationError({"file": message})


def _records(upload) -> list[tuple[int, list[str]]]:
    """The file's non-blank rows, read by the shared reader (pathway/spreadsheets.py): the size
    is checked before reading, and reading stops at the first row over the limit."""
    name = (getattr(upload, "name", "") or "").lower()
    limits = spreadsheets.limits(LIMITS_USE)
    try:
        if name.endswith(".csv"):
            return spreadsheets.read_csv(upload, limits=limits, rows_called="tasks")
        if name.endswith(".xlsx"):
            return spreadsheets.read_xlsx(upload, limits=limits, rows_called="tasks")
    except spreadsheets.SpreadsheetError as error:
        if error.code == "not_xlsx":
            raise _file_error("The file could not be read as a spreadsheet") from None
        if error.code == "empty":
            raise _file_error("The file is empty") from None
        raise _file_error(error.messages[0]) from None
    raise _file_error("The selected file must be a CSV or an Excel (.xlsx) file")


def _int(value: str):
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _header_index(cells: list[str]) -> dict[str, int]:
    """Which cell holds which task field. Raises when a required column is missing."""
    header = [h.strip().lower() for h in cells]
    missing = [name for name in REQUIRED if name.lower() not in header]
    if missing:
        raise _file_error(f"The header is missing: {', '.join(missing)}")
    return {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}


def _row_values(cells: list[str], index: dict[str, int]) -> dict:
    return {f: (cells[i] if i < len(cells) else "") for f, i in index.items()}


def _row_problems(number: int, values: dict, seen: dict[str, int]) -> list[str]:
    """What is wrong with one row on its own, or repeated from an earlier row. Turns the
    decision and the numbers in `values` into what a Task holds."""
    problems = []
    name = values["name"].lower()
    if not name:
        problems.append("enter the task")
    elif name in seen:
        problems.append(f"the task repeats row {seen[name]}")
    else:
        seen[name] = number
    decision = DECISIONS.get(values["decision"].lower())
    if decision is None:
        problems.append(
            "the delegation decision must be Suitable, Suitable with conditions or Not suitable"
        )
    for field in ("likelihood", "impact"):
        number_value = _int(values[field])
        if number_value is None or not 1 <= number_value <= 5:
            problems.append(f"the {field} must be a whole number from 1 to 5")
        values[field] = number_value
    if decision == DelegationDecision.WITH_CONDITIONS and not values.get("conditions"):
        problems.append("enter the conditions for a task suitable with conditions")
    values["decision"] = decision
    return problems


def parse(upload) -> list[tuple[int, dict]]:
    """The rows as (row number, task fields), or a ValidationError listing every problem."""
    records = _records(upload)
    (_, header), body = records[0], records[1:]
    index = _header_index(header)
    items, errors, seen = [], [], {}
    for number, cells in body:
        values = _row_values(cells, index)
        errors.extend(f"Row {number}: {problem}" for problem in _row_problems(number, values, seen))
        items.append((number, values))
    if not items:
        raise _file_error("The file has no tasks")
    if errors:
        raise _file_error(errors)
    return items
