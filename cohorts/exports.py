"""The dashboards as CSV and Excel files: the same columns as the pages, typed values.

In the Excel file the header row is bold and frozen, columns have widths, dates are real dates
and percentages are numbers (a share from 0 to 1, shown as a percentage). In the CSV file dates
are ISO dates (2026-03-27) and percentages numbers from 0 to 100.

Text that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
return) gets a leading apostrophe, so a name typed as a formula stays text.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cohorts.models import Cohort
from cohorts.progress import Rag
from cohorts.selectors.dashboards import CohortOverview, ProgrammeOverview, TraineeRow


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    PERCENT = "percent"  # a share from 0 to 1


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    kind: Kind = Kind.TEXT
    width: int = 14


@dataclass
class Table:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Any]

    def values(self) -> Iterable[list]:
        for row in self.rows:
            yield [column.value(row) for column in self.columns]


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _rag_label(value: Rag | None) -> str:
    return value.label if value is not None else ""


# The cohort dashboard ------------------------------------------------------------------------

COHORT_COLUMNS = [
    Column("Trainee", lambda r: r.trainee_name, width=28),
    Column("Clinical area", lambda r: r.area_name, width=22),
    Column("Status", lambda r: r.status_label, width=14),
    Column("Core achieved", lambda r: r.core_achieved, Kind.NUMBER),
    Column("Core required", lambda r: r.core_required, Kind.NUMBER),
    Column("Core planned by today", lambda r: r.core_planned_whole, Kind.NUMBER, width=12),
    Column("Core achieved (%)", lambda r: r.core_share, Kind.PERCENT),
    Column("Specific achieved", lambda r: r.specific_achieved, Kind.NUMBER),
    Column("Specific required", lambda r: r.specific_required, Kind.NUMBER),
    Column("Specific planned by today", lambda r: r.specific_planned_whole, Kind.NUMBER),
    Column("Specific achieved (%)", lambda r: r.specific_share, Kind.PERCENT),
    Column("Core progress", lambda r: _rag_label(r.core_rag)),
    Column("Specific progress", lambda r: _rag_label(r.specific_rag)),
    Column("Overall progress", lambda r: _rag_label(r.rag)),
    Column("Predicted completion", lambda r: r.predicted_completion, Kind.DATE),
    Column("Last review", lambda r: r.last_review, Kind.DATE),
    Column("Next review due", lambda r: r.next_review_due, Kind.DATE),
    Column("Attendance (%)", lambda r: r.attendance_share, Kind.PERCENT),
    Column("Mentors", lambda r: r.mentor_names, width=30),
    Column("Open sign-off requests", lambda r: r.open_requests, Kind.NUMBER),
    Column("Oldest request waiting (days)", lambda r: r.oldest_request_days, Kind.NUMBER),
]


def cohort_table(cohort, rows: Sequence[TraineeRow]) -> Table:
    return Table(title=cohort.name, columns=COHORT_COLUMNS, rows=rows)


# The programme overview ----------------------------------------------------------------------


def _if_running(getter: Callable[[CohortOverview], Any]) -> Callable[[CohortOverview], Any]:
    """Progress numbers mean something only for a running cohort: blank for the others."""
    return lambda o: getter(o) if o.cohort.status == Cohort.Status.RUNNING else None


PROGRAMME_COLUMNS = [
    Column("Cohort", lambda o: o.cohort.name, width=24),
    Column("Programme", lambda o: o.cohort.programme.name, width=30),
    Column("Status", lambda o: o.cohort.get_status_display()),
    Column("Intake", lambda o: o.cohort.intake_date, Kind.DATE),
    Column("Planned end", lambda o: o.cohort.planned_end_date, Kind.DATE),
    Column("Week", _if_running(lambda o: o.week), Kind.NUMBER, width=8),
    Column("Trainees", lambda o: o.size, Kind.NUMBER, width=10),
    *[
        Column(label, lambda o, status=status: o.summary.by_status[status], Kind.NUMBER, width=11)
        for status, label in (
            ("active", "Active"),
            ("on_break", "On a break"),
            ("withdrawn", "Withdrawn"),
            ("completed", "Completed"),
            ("qualified", "Qualified"),
        )
    ],
    Column("Competencies achieved", _if_running(lambda o: o.summary.achieved), Kind.NUMBER),
    Column("On track", _if_running(lambda o: o.summary.on_track), Kind.NUMBER, width=10),
    Column("At risk", _if_running(lambda o: o.summary.at_risk), Kind.NUMBER, width=10),
    Column("Behind", _if_running(lambda o: o.summary.behind), Kind.NUMBER, width=10),
    Column("Reviews overdue", _if_running(lambda o: o.summary.overdue_reviews), Kind.NUMBER),
    Column(
        "Sign-off requests waiting more than 14 days",
        _if_running(lambda o: o.summary.stale_requests),
        Kind.NUMBER,
        width=18,
    ),
]


def programme_table(overview: ProgrammeOverview) -> Table:
    return Table(
        title="Programme overview",
        columns=PROGRAMME_COLUMNS,
        rows=[*overview.running, *overview.planned, *overview.finished],
    )


# Writers -------------------------------------------------------------------------------------


def _csv_value(value, kind: Kind):
    if value is None:
        return ""
    if kind == Kind.DATE:
        return value.isoformat()
    if kind == Kind.PERCENT:
        return round(100 * value, 1)
    if kind == Kind.NUMBER:
        return value
    return _safe_text(value)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads names with accents correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in table.columns])
    for values in table.values():
        writer.writerow([_csv_value(v, c.kind) for v, c in zip(values, table.columns, strict=True)])
    return out.getvalue().encode("utf-8-sig")


_XLSX_FORMATS = {Kind.DATE: "dd/mm/yyyy", Kind.PERCENT: "0%", Kind.NUMBER: "0"}


def _sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title.strip()[:31] or "Sheet"


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    sheet.append([c.header for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in table.values():
        sheet.append(
            [
                _safe_text(v) if c.kind == Kind.TEXT and v is not None else v
                for v, c in zip(values, table.columns, strict=True)
            ]
        )
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(column.width, 8)
        number_format = _XLSX_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(table: Table, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(table)
    if fmt == "xlsx":
        return to_xlsx(table)
    raise ValueError(f"Unknown export format: {fmt}")


def filename(stem: str, fmt: str, day: datetime.date) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in stem.lower()).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe or 'export'}-{day.isoformat()}.{fmt}"
