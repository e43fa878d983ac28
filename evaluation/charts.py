"""The results' bar charts, drawn by pathway/charts.py. Each chart sits beside a table with the
same numbers on the page (templates/evaluation/includes/question_result.html)."""

from __future__ import annotations

from evaluation.models import QuestionKind
from evaluation.selectors import Comparison, IssueResults
from pathway import charts
from pathway.charts import number


def question_chart(item, chart_id: str):
    labels = [
        f"{o.value}: {o.label}" if item.kind == QuestionKind.LIKERT else o.label
        for o in item.options
    ]
    counts = [o.count for o in item.options]
    summary = "; ".join(f"{label} {count}" for label, count in zip(labels, counts, strict=True))
    return charts.bar_chart(
        chart_id=chart_id,
        title=f"Answers to: {item.question.text}",
        description=(
            f"Bar chart of how many people chose each answer, of {item.answered} who answered: "
            f"{summary}. The table after the chart gives the same numbers."
        ),
        x_title="Answer",
        y_title="People",
        categories=labels,
        series=[charts.Series("People who chose it", counts)],
        integer_y=True,
    )


def question_charts(results: IssueResults) -> dict[int, str]:
    """question id -> its chart, for every question with choices."""
    out = {}
    for section in results.sections:
        for item in section.questions:
            if item.kind != QuestionKind.TEXT and item.answered:
                out[item.question.pk] = question_chart(item, f"question-{item.question.pk}")
    return out


def comparison_charts(comparison: Comparison) -> dict[str, str]:
    """question key -> a chart of the mean by cohort, for agreement-scale questions."""
    out = {}
    for index, question in enumerate(comparison.questions):
        if question.kind != QuestionKind.LIKERT:
            continue
        rows = [row for row in question.rows if row["mean"] is not None]
        if not rows:
            continue
        names = [f"{row['issue'].cohort.name} ({row['issue'].opens_on:%b %Y})" for row in rows]
        means = [round(row["mean"], 2) for row in rows]
        summary = "; ".join(f"{n} {number(m)}" for n, m in zip(names, means, strict=True))
        out[question.key] = charts.bar_chart(
            chart_id=f"compare-{index}",
            title=f"Mean answer by cohort: {question.text}",
            description=(
                "Bar chart of the mean answer on the scale from 1 (strongly disagree) to 5 "
                f"(strongly agree), by cohort: {summary}. The table after the chart gives the "
                "same numbers."
            ),
            x_title="Cohort",
            y_title="Mean (1 to 5)",
            categories=names,
            series=[charts.Series("Mean answer", means)],
        )
    return out
