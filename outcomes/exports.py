"""The outcomes dashboard as a CSV or Excel file: one row per cohort, typed values.

Written with the shared writer (pathway/spreadsheets.py), so the files look like the
other dashboards' downloads: bold frozen header, real dates, shares as percentages, text that
looks like a formula kept as text. A retention figure that is "not yet" is left blank, with
the number of qualifiers eligible so far (0) beside it.
"""

from __future__ import annotations

from outcomes.calculations import RETENTION_MONTHS
from outcomes.selectors import Dashboard
from pathway.spreadsheets import Column, Kind, Table


def _retention(months: int, attribute: str):
    def value(item):
        figure = item.outcomes.retention_at(months)
        return getattr(figure, attribute)

    return value


COLUMNS = [
    Column("Cohort", lambda i: i.cohort.name, width=24),
    Column("Programme", lambda i: i.cohort.programme.name, width=30),
    Column("Intake", lambda i: i.cohort.intake_date, Kind.DATE),
    Column("Started", lambda i: i.outcomes.started, Kind.NUMBER, width=10),
    Column("Still training", lambda i: i.outcomes.still_training, Kind.NUMBER, width=10),
    Column("Completed, not yet qualified", lambda i: i.outcomes.completed, Kind.NUMBER),
    Column("Qualified", lambda i: i.outcomes.qualified, Kind.NUMBER, width=10),
    Column("Completion rate (%)", lambda i: i.outcomes.completion_rate, Kind.PERCENT),
    Column("Withdrawn", lambda i: i.outcomes.withdrawn, Kind.NUMBER, width=10),
    Column("Withdrawal rate (%)", lambda i: i.outcomes.withdrawal_rate, Kind.PERCENT),
    Column(
        "Withdrawal reasons",
        lambda i: "; ".join(w.reason for w in i.outcomes.withdrawals if w.reason),
        width=40,
    ),
    Column("Median days to qualify", lambda i: i.outcomes.median_days_to_qualify, Kind.NUMBER),
    Column("Shortest days to qualify", lambda i: i.outcomes.shortest_days_to_qualify, Kind.NUMBER),
    Column("Longest days to qualify", lambda i: i.outcomes.longest_days_to_qualify, Kind.NUMBER),
    *[
        column
        for months in RETENTION_MONTHS
        for column in (
            Column(f"Qualifiers {months} months on", _retention(months, "eligible"), Kind.NUMBER),
            Column(
                f"Still in the trust at {months} months",
                _retention(months, "retained"),
                Kind.NUMBER,
            ),
            Column(
                f"Still in the trust at {months} months (%)",
                _retention(months, "rate"),
                Kind.PERCENT,
            ),
        )
    ],
    Column("Left the trust since qualifying", lambda i: i.outcomes.left, Kind.NUMBER),
    Column("Moved to another clinical area", lambda i: i.outcomes.moved_area, Kind.NUMBER),
    Column("Reached bridging modules", lambda i: i.outcomes.bridging, Kind.NUMBER),
    Column("Reached pre-registration nursing", lambda i: i.outcomes.pre_registration, Kind.NUMBER),
    Column("Registered nurses", lambda i: i.outcomes.registered, Kind.NUMBER),
]


def outcomes_table(dashboard: Dashboard) -> Table:
    return Table(title="Outcomes by cohort", columns=COLUMNS, rows=dashboard.cohorts)
