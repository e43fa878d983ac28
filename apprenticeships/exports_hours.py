"""The off-the-job hours ledger and a cohort's hours as CSV and Excel files, written by the
shared writer (pathway/spreadsheets.py): typed columns, real dates, the formula guard."""

from __future__ import annotations

from apprenticeships.selectors.hours import Hours, Ledger, Source
from pathway.spreadsheets import FORMATS, Column, Kind, Table, filename, render

__all__ = ["FORMATS", "cohort_table", "filename", "ledger_table", "render"]

_HOURS = "0.00"


def ledger_table(ledger: Ledger) -> Table:
    return Table(
        title="Off-the-job hours",
        columns=[
            Column("Date", lambda line: line.on, Kind.DATE, width=12),
            Column("Source", lambda line: line.source, width=24),
            Column("What", lambda line: line.description, width=50),
            Column("Hours", lambda line: line.hours, Kind.NUMBER, number_format=_HOURS),
            Column("Counted", lambda line: "Yes" if line.counted else "No", width=9),
            Column("Note", lambda line: line.note, width=30),
        ],
        rows=ledger.lines,
    )


def cohort_table(rows: list[Hours], *, with_funding: bool) -> Table:
    columns = [
        Column("Apprentice", lambda h: h.enrolment.trainee.full_name, width=28),
        Column("Status", lambda h: h.enrolment.get_status_display(), width=14),
        Column("Practical period start", lambda h: h.plan.start, Kind.DATE),
        Column("Planned end (after breaks)", lambda h: h.plan.end, Kind.DATE),
        Column("Minimum hours", lambda h: h.plan.minimum_hours, Kind.NUMBER),
        Column("Planned hours", lambda h: h.plan.planned_hours, Kind.NUMBER),
        Column(
            "Minimum to date", lambda h: h.plan.minimum_to_date, Kind.NUMBER, number_format=_HOURS
        ),
        *[
            Column(name, lambda h, name=name: h.by_source[name], Kind.NUMBER, number_format=_HOURS)
            for name in Source.ORDER
        ],
        Column("Hours to date", lambda h: h.actual, Kind.NUMBER, number_format=_HOURS),
        Column(
            "Projected at planned end", lambda h: h.projected, Kind.NUMBER, number_format=_HOURS
        ),
        Column("Behind", lambda h: "Yes" if h.behind else "No", width=8),
        Column(
            "Waiting to be confirmed", lambda h: h.waiting_hours, Kind.NUMBER, number_format=_HOURS
        ),
    ]
    if with_funding:
        columns.append(
            Column(
                "Funding at risk (estimate, £)",
                lambda h: h.funding_at_risk,
                Kind.NUMBER,
                number_format="#,##0",
            )
        )
    return Table(title="Off-the-job hours", columns=columns, rows=rows)
