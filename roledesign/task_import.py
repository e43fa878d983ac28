"""Import a project's task analysis from a CSV file or an Excel spreadsheet (.xlsx).

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

import csv
import io

import openpyxl
import openpyxl.styles
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pathway.models import User
from roledesign.models import DelegationDecision, RoleDesignProject, Task

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500

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
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(TEMPLATE_HEADER)
        writer.writerows(TEMPLATE_ROWS)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
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
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(upload) -> list[list[str]]:
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": "The file must be smaller than 2 MB"})
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError({"file": "The CSV file must be saved as UTF-8"}) from error
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    if name.endswith(".xlsx"):
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(
                {"file": "The file could not be read as a spreadsheet"}
            ) from error
        sheet = book.worksheets[0]
        return [
            ["" if v is None else str(v).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    raise ValidationError({"file": "The selected file must be a CSV or an Excel (.xlsx) file"})


def _int(value: str):
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def parse(upload) -> list[dict]:
    """The rows as task fields, or a ValidationError listing every problem."""
    rows = _rows(upload)
    if not rows or not any(rows[0]):
        raise ValidationError({"file": "The file is empty"})
    header = [h.strip().lower() for h in rows[0]]
    missing = [name for name in REQUIRED if name.lower() not in header]
    if missing:
        raise ValidationError({"file": f"The header is missing: {', '.join(missing)}"})
    index = {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}
    items, errors, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = {f: (row[i] if i < len(row) else "") for f, i in index.items()}
        problems = []
        if not values["name"]:
            problems.append("enter the task")
        elif values["name"].lower() in seen:
            problems.append(f"the task repeats row {seen[values['name'].lower()]}")
        else:
            seen[values["name"].lower()] = number
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
        errors.extend(f"Row {number}: {problem}" for problem in problems)
        items.append((number, values))
    if len(items) > MAX_ROWS:
        raise ValidationError({"file": f"The file can have at most {MAX_ROWS} tasks"})
    if not items and not errors:
        raise ValidationError({"file": "The file has no tasks"})
    if errors:
        raise ValidationError({"file": errors})
    return items


@transaction.atomic
def task_import(*, actor: User | None, project: RoleDesignProject, upload) -> list[Task]:
    """Add every task in the file to the project, or none of them."""
    if actor is not None and not actor.has_perm("roledesign.manage"):
        raise PermissionDenied("Only the lead nurse can do this")
    items = parse(upload)
    existing = {n.lower() for n in project.tasks.values_list("name", flat=True)}
    errors, tasks = [], []
    for number, values in items:
        task = Task(project=project, **{k: v for k, v in values.items() if v is not None})
        if task.name.lower() in existing:
            errors.append(f"Row {number}: the project already has a task called {task.name}")
            continue
        try:
            task.full_clean(exclude=["project"])
        except ValidationError as error:
            errors.extend(
                f"Row {number}: {field.replace('_', ' ')}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            )
            continue
        tasks.append(task)
    if errors:
        raise ValidationError({"file": errors})
    return Task.objects.bulk_create(tasks)
