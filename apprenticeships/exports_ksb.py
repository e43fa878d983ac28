"""The KSB coverage tables, for download as CSV or XLSX (pathway/spreadsheets.py)."""

from __future__ import annotations

from apprenticeships.selectors.coverage import ApprenticeCoverage, FrameworkCoverage
from pathway.spreadsheets import Column, Table


def _codes(competencies) -> str:
    return "; ".join(f"{c.code} {c.title}" for c in competencies)


def framework_coverage_table(coverage: FrameworkCoverage) -> Table:
    return Table(
        f"KSB coverage of {coverage.standard.reference} by {coverage.framework}",
        [
            Column("KSB", lambda row: row.ksb.code, width=8),
            Column("Kind", lambda row: row.ksb.get_kind_display(), width=12),
            Column("Text", lambda row: row.ksb.text, width=60),
            Column("Covered", lambda row: "Yes" if row.covered else "No", width=10),
            Column("Competencies", lambda row: _codes(row.competencies), width=60),
        ],
        coverage.rows,
    )


def apprentice_coverage_table(coverage: ApprenticeCoverage) -> Table:
    return Table(
        "KSBs evidenced by signed-off competencies",
        [
            Column("KSB", lambda row: row.ksb.code, width=8),
            Column("Kind", lambda row: row.ksb.get_kind_display(), width=12),
            Column("Text", lambda row: row.ksb.text, width=60),
            Column("Status", lambda row: row.status, width=20),
            Column("Evidenced by", lambda row: _codes(row.held), width=50),
            Column("Competencies mapped", lambda row: _codes(row.mapped), width=50),
        ],
        coverage.rows,
    )
