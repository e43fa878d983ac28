"""Results on known answers: response rate, distributions, mean and median, free texts, the
anonymity threshold, comparison across cohorts, and the CSV and Excel files."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evaluation import selectors, services
from tests import factories
from tests.evaluation.helpers import answer

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def answered():
    """Five trainees and a mentor asked (named); four trainees answered."""
    issue, trainees, mentor = factories.issued_questionnaire(trainees=5)
    answer(issue, trainees[0], likert=1, single=1, multiple=[1, 2], text="Banana")
    answer(issue, trainees[1], likert=4, single=1, multiple=[2], text="apple")
    answer(issue, trainees[2], likert=5, single=2, multiple=[])
    answer(issue, trainees[3], likert=4, single=3, text="Cherry")
    return issue, trainees, mentor


def _by_kind(results):
    return {item.kind: item for section in results.sections for item in section.questions}


def test_results_on_known_answers(answered):
    issue, *_ = answered
    results = selectors.issue_results(issue, timezone.localdate())
    assert (results.invited, results.responded) == (6, 4)
    assert results.rate == pytest.approx(4 / 6)
    items = _by_kind(results)
    likert = items["likert"]
    assert [(o.value, o.count) for o in likert.options] == [(1, 1), (2, 0), (3, 0), (4, 2), (5, 1)]
    assert likert.answered == 4
    assert likert.mean == pytest.approx(3.5)  # (1 + 4 + 4 + 5) / 4
    assert likert.median == 4.0
    assert [o.share for o in likert.options] == [0.25, 0, 0, 0.5, 0.25]
    single = items["single"]
    assert [(o.label, o.count) for o in single.options] == [
        ("Weekly", 2),
        ("Monthly", 1),
        ("Rarely", 1),
    ]
    assert single.mean is None
    multiple = items["multiple"]
    assert multiple.answered == 2  # the two who chose something
    assert [(o.label, o.count) for o in multiple.options] == [
        ("Training days", 1),
        ("Mentor", 2),
        ("Tutor", 0),
    ]
    assert items["text"].texts == ["Banana", "Cherry", "apple"]  # sorted, not by submission
    assert results.not_responded == sorted([answered[1][4].full_name, answered[2].full_name])


def test_median_of_an_even_count_is_the_middle_two_averaged():
    issue, trainees, _ = factories.issued_questionnaire(trainees=2, mentor=False)
    answer(issue, trainees[0], likert=2, single=1)
    answer(issue, trainees[1], likert=5, single=1)
    likert = _by_kind(selectors.issue_results(issue, timezone.localdate()))["likert"]
    assert (likert.mean, likert.median) == (3.5, 3.5)


def test_results_use_a_constant_number_of_queries(django_assert_max_num_queries):
    issue, trainees, _ = factories.issued_questionnaire(trainees=6)
    for n, person in enumerate(trainees):
        answer(issue, person, likert=n % 5 + 1, single=1, multiple=[1, 3], text=f"t{n}")
    with django_assert_max_num_queries(9):
        selectors.issue_results(issue, timezone.localdate())


def test_the_results_page_shows_charts_with_their_tables(client, lead_nurse, answered):
    issue, *_ = answered
    client.force_login(lead_nurse)
    body = client.get(reverse("evaluation:issue_detail", args=[issue.pk])).content.decode()
    assert "4 of 6 (66.7%)" in body
    assert body.count('class="app-chart app-chart--bar"') == 3  # likert, single, multiple
    assert body.count('class="nhsuk-table app-table--numeric"') == 3
    assert "Banana" in body
    assert ">3.5<" in body


def test_anonymous_results_wait_for_closing_and_the_minimum_of_answers(
    client, lead_nurse, settings
):
    settings.PATHWAY_ANONYMOUS_RESULTS_MINIMUM = 3
    today = timezone.localdate()
    issue, trainees, _ = factories.issued_questionnaire(
        trainees=3, mentor=False, anonymous=True, closes_on=today + DAY
    )
    answer(issue, trainees[0], likert=4, single=1)
    answer(issue, trainees[1], likert=2, single=1)
    open_results = selectors.issue_results(issue, today)
    assert not open_results.visible and "once it closes" in open_results.hidden_reason
    assert open_results.sections == []
    after = today + 2 * DAY
    few = selectors.issue_results(issue, after)
    assert not few.visible and "at least 3" in few.hidden_reason
    issue.closes_on = today
    issue.save()
    answer(issue, trainees[2], likert=3, single=2)
    # Closed today: the exports are refused while the page says why.
    client.force_login(lead_nurse)
    response = client.get(reverse("evaluation:issue_export", args=[issue.pk, "csv"]))
    assert response.status_code == 302
    enough = selectors.issue_results(issue, after)
    assert enough.visible and _by_kind(enough)["likert"].mean == 3
    assert enough.not_responded == []  # anonymous issues never list names


def test_comparison_across_cohorts_uses_copies(client, lead_nurse):
    first, trainees_1, _ = factories.issued_questionnaire(trainees=2, mentor=False)
    answer(first, trainees_1[0], likert=5, single=1)
    answer(first, trainees_1[1], likert=3, single=2)
    copy = services.questionnaire_copy(
        actor=lead_nurse, questionnaire=first.questionnaire, title="Next year"
    )
    second, trainees_2, _ = factories.issued_questionnaire(
        trainees=1, mentor=False, questionnaire=copy
    )
    answer(second, trainees_2[0], likert=2, single=3)
    unrelated, *_ = factories.issued_questionnaire(trainees=1, mentor=False)
    comparison = selectors.comparison(copy, timezone.localdate())
    assert [c.issue for c in comparison.issues] == [first, second] or [
        c.issue for c in comparison.issues
    ] == [second, first]
    assert unrelated not in [c.issue for c in comparison.issues]
    likert = next(q for q in comparison.questions if q.kind == "likert")
    means = {row["issue"]: row["mean"] for row in likert.rows}
    assert means == {first: 4.0, second: 2.0}
    single = next(q for q in comparison.questions if q.kind == "single")
    shares = {row["issue"]: row["shares"] for row in single.rows}
    assert shares[first] == [0.5, 0.5, 0]
    assert shares[second] == [0, 0, 1.0]
    client.force_login(lead_nurse)
    body = client.get(
        reverse("evaluation:questionnaire_comparison", args=[first.questionnaire_id])
    ).content.decode()
    assert "Mean answer by cohort" in body and first.cohort.name in body


def test_csv_export(client, lead_nurse, answered):
    issue, *_ = answered
    client.force_login(lead_nurse)
    response = client.get(reverse("evaluation:issue_export", args=[issue.pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    likert = [r for r in rows if r["Question number"] == "1"]
    assert likert[0]["Row"] == "Answered" and likert[0]["Count"] == "4"
    assert likert[0]["Mean"] == "3.5" and likert[0]["Median"] == "4.0"
    assert [r["Count"] for r in likert[1:]] == ["1", "0", "0", "2", "1"]
    assert likert[4]["Share of answers (%)"] == "50.0"
    texts = [r["Answer"] for r in rows if r["Row"] == "Free text"]
    assert texts == ["Banana", "Cherry", "apple"]


def test_xlsx_export_reads_back(client, lead_nurse, answered):
    issue, *_ = answered
    client.force_login(lead_nurse)
    response = client.get(reverse("evaluation:issue_export", args=[issue.pk, "xlsx"]))
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Section", "Question number", "Question")
    data = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    answered_row = next(r for r in data if r["Question number"] == 1 and r["Row"] == "Answered")
    assert answered_row["Mean"] == 3.5 and answered_row["Median"] == 4
    single = [r for r in data if r["Question number"] == 2 and r["Row"] == "Choice"]
    assert [(r["Answer"], r["Count"]) for r in single] == [
        ("Weekly", 2),
        ("Monthly", 1),
        ("Rarely", 1),
    ]
    assert single[0]["Share of answers (%)"] == 0.5
    assert sheet["I2"].number_format == "0.00"


def test_export_of_an_unknown_format_is_404(client, lead_nurse, answered):
    issue, *_ = answered
    client.force_login(lead_nurse)
    assert client.get(f"/evaluation/issues/{issue.pk}/results.pdf").status_code == 404
