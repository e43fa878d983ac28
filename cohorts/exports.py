"""The dashboards and the competency grid as CSV and Excel files: the same columns as the
pages, typed values, written by the shared writer (pathway/spreadsheets.py).

In the Excel file the header row is bold and frozen, columns have widths, dates are real dates
and percentages are numbers (a share from 0 to 1, shown as a percentage). In the CSV file dates
are ISO dates (2026-03-27) and percentages numbers from 0 to 100. Text that a spreadsheet would
run as a formula is kept as text (the shared formula guard).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import openpyxl
from django.utils.text import slugify
from openpyxl.styles import Font

from cohorts.models import Cohort
from cohorts.progress import Rag
from cohorts.selectors import charts
from cohorts.selectors.dashboards import CohortOverview, ProgrammeOverview, TraineeRow
from pathway.spreadsheets import (
    FORMATS,
    Column,
    Kind,
    Table,
    csv_bytes,
    filename,
    render,
    set_cell,
    workbook_bytes,
)

__all__ = [
    "FORMATS",
    "Column",
    "Kind",
    "Table",
    "cohort_table",
    "filename",
    "grid_file",
    "grid_filename",
    "programme_table",
    "render",
]


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


# The competency grid -------------------------------------------------------------------------


def grid_file(rows: list[list[str]], fmt: str, *, title: str, progress=None) -> bytes:
    """The grid's table (cohorts.selectors.charts.grid_table) as CSV, or as a workbook whose
    every cell is text, with the trainee columns frozen."""
    if fmt == "csv":
        return csv_bytes(rows)
    if fmt != "xlsx":
        raise ValueError(f"Unknown export format: {fmt}")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Competencies"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = set_cell(sheet, r, c, value)
            if r == 1:
                cell.font = Font(bold=True)
        if progress is not None:
            progress(r, len(rows))
    sheet.freeze_panes = "E2"
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["C"].width = 20
    workbook.properties.title = f"{title}: competencies"
    return workbook_bytes(workbook)


def grid_filename(cohort: Cohort, fmt: str, day) -> str:
    return f"{slugify(cohort.name) or 'cohort'}-competencies-{day}.{fmt}"


def grid_download(cohort: Cohort, fmt: str, *, today, progress=None) -> tuple[bytes, str]:
    """The cohort's competency grid as a file to download, and its file name."""
    rows = charts.grid_table(charts.competency_grid(cohort, today=today))
    content = grid_file(rows, fmt, title=cohort.name, progress=progress)
    return content, grid_filename(cohort, fmt, today)
