"""An issue's results as CSV and Excel, with the shared writer (pathway/spreadsheets.py).

One row per answer choice of each question (its count and share of the people who answered
it), one row per question with its number of answers and, for agreement scales, the mean and
median, and one row per free-text answer (sorted by text, never in order of submission). A
question of an anonymous issue that too few people answered has one "Not shown" row instead."""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.models import QuestionKind
from evaluation.selectors import IssueResults, anonymous_minimum
from pathway.spreadsheets import Column, Kind, Table, render


@dataclass
class Row:
    section: str
    number: int
    question: str
    kind: str
    row: str
    answer: str = ""
    count: int | None = None
    share: float | None = None
    mean: float | None = None
    median: float | None = None


COLUMNS = [
    Column("Section", lambda r: r.section, width=24),
    Column("Question number", lambda r: r.number, Kind.NUMBER, width=10),
    Column("Question", lambda r: r.question, width=40),
    Column("Type", lambda r: r.kind, width=16),
    Column("Row", lambda r: r.row, width=12),
    Column("Answer", lambda r: r.answer, width=40),
    Column("Count", lambda r: r.count, Kind.NUMBER, width=10),
    Column("Share of answers (%)", lambda r: r.share, Kind.PERCENT, width=12),
    # Mean and median: two decimals, not the whole-number format.
    Column("Mean", lambda r: r.mean, Kind.NUMBER, width=8, number_format="0.00"),
    Column("Median", lambda r: r.median, Kind.NUMBER, width=8, number_format="0.00"),
]


SUPPRESSED = "Fewer than {} people answered: not shown, so that no answer can be traced"


def results_rows(results: IssueResults) -> list[Row]:
    minimum = anonymous_minimum()
    rows = []
    number = 0
    for section in results.sections:
        for item in section.questions:
            number += 1
            base = {
                "section": section.section.title,
                "number": number,
                "question": item.question.text,
                "kind": item.question.get_kind_display(),
            }
            if item.suppressed:
                rows.append(Row(**base, row="Not shown", answer=SUPPRESSED.format(minimum)))
                continue
            rows.append(
                Row(
                    **base,
                    row="Answered",
                    count=item.answered,
                    mean=round(item.mean, 2) if item.mean is not None else None,
                    median=item.median,
                )
            )
            if item.kind == QuestionKind.TEXT:
                rows.extend(Row(**base, row="Free text", answer=text) for text in item.texts)
            else:
                rows.extend(
                    Row(
                        **base,
                        row="Choice",
                        answer=(
                            f"{option.value}: {option.label}"
                            if item.kind == QuestionKind.LIKERT
                            else option.label
                        ),
                        count=option.count,
                        share=option.share,
                    )
                    for option in item.options
                )
    return rows


def results_table(results: IssueResults) -> Table:
    return Table(title="Results", columns=COLUMNS, rows=results_rows(results))


def results_file(results: IssueResults, fmt: str) -> bytes:
    return render(results_table(results), fmt)
