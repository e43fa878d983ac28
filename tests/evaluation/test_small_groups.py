"""Small groups: an anonymous questionnaire's results are shown only when at least the minimum
(settings.PATHWAY_ANONYMOUS_RESULTS_MINIMUM) answered, and a question of it that fewer people
answered has its counts held back on the results page, in the CSV and Excel files and in the
comparison across cohorts."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import selectors, services
from evaluation.models import Issue
from tests import factories
from tests.evaluation.helpers import answer, questions_of

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def minimum_of_five(settings):
    settings.PATHWAY_ANONYMOUS_RESULTS_MINIMUM = 5


def _close(issue):
    today = timezone.localdate()
    Issue.objects.filter(pk=issue.pk).update(opens_on=today - 20 * DAY, closes_on=today - DAY)
    issue.refresh_from_db()


def _answered(*, respondents, choosing_several, anonymous=True, questionnaire=None):
    """`respondents` people answer; only the first `choosing_several` answer the optional
    "several choices" question. The issue is then closed."""
    issue, trainees, _ = factories.issued_questionnaire(
        trainees=respondents + 1, mentor=False, anonymous=anonymous, questionnaire=questionnaire
    )
    for n, person in enumerate(trainees[:respondents]):
        answer(
            issue,
            person,
            likert=n % 5 + 1,
            single=1,
            multiple=[3] if n < choosing_several else None,
            text=f"Comment {n}",
        )
    _close(issue)
    return issue


def _csv(client, issue):
    response = client.get(reverse("evaluation:issue_export", args=[issue.pk, "csv"]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_minimum_is_a_setting_and_never_under_three(settings):
    assert selectors.anonymous_minimum() == 5
    settings.PATHWAY_ANONYMOUS_RESULTS_MINIMUM = 1
    assert selectors.anonymous_minimum() == 3


def test_fewer_than_the_minimum_hides_every_result_and_export(client, lead_nurse):
    issue = _answered(respondents=4, choosing_several=4)
    results = selectors.issue_results(issue, timezone.localdate())
    assert not results.visible and "at least 5 people" in results.hidden_reason
    assert results.sections == []
    client.force_login(lead_nurse)
    body = client.get(reverse("evaluation:issue_detail", args=[issue.pk])).content.decode()
    assert "at least 5 people answered" in body
    assert "Comment 0" not in body
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("evaluation:issue_export", args=[issue.pk, fmt]))
        assert response.status_code == 302


def test_a_question_few_answered_is_held_back_on_the_page_and_in_the_files(client, lead_nurse):
    issue = _answered(respondents=6, choosing_several=2)
    questions = questions_of(issue)
    several, scale = questions["multiple"], questions["likert"]
    results = selectors.issue_results(issue, timezone.localdate())
    assert results.visible
    items = {item.kind: item for s in results.sections for item in s.questions}
    assert items["multiple"].suppressed and items["multiple"].options == []
    assert items["multiple"].answered == 0  # not even how few
    assert not items["likert"].suppressed and items["likert"].answered == 6

    client.force_login(lead_nurse)
    body = client.get(reverse("evaluation:issue_detail", args=[issue.pk])).content.decode()
    assert f'data-testid="suppressed-{several.pk}"' in body
    assert "Fewer than 5 people answered this question" in body
    assert f'data-testid="distribution-{several.pk}"' not in body
    assert f'data-testid="distribution-{scale.pk}"' in body
    assert f'id="question-{several.pk}-title"' not in body
    assert f'id="question-{scale.pk}-title"' in body

    rows = _csv(client, issue)
    several_rows = [r for r in rows if r["Question"] == several.text]
    assert [r["Row"] for r in several_rows] == ["Not shown"]
    assert several_rows[0]["Count"] == "" and "Fewer than 5" in several_rows[0]["Answer"]
    scale_rows = [r for r in rows if r["Question"] == scale.text]
    assert scale_rows[0]["Count"] == "6"


def test_the_comparison_leaves_out_a_question_few_answered(lead_nurse):
    first = _answered(respondents=5, choosing_several=5)
    copy = services.questionnaire_copy(
        actor=lead_nurse, questionnaire=first.questionnaire, title="Next year"
    )
    second = _answered(respondents=5, choosing_several=1, questionnaire=copy)
    comparison = selectors.comparison(copy, timezone.localdate())
    assert {c.issue for c in comparison.issues} == {first, second}
    several = next(q for q in comparison.questions if q.kind == "multiple")
    assert [row["issue"] for row in several.rows] == [first]
    scale = next(q for q in comparison.questions if q.kind == "likert")
    assert {row["issue"] for row in scale.rows} == {first, second}


def test_named_questionnaires_show_small_groups(client, lead_nurse):
    issue = _answered(respondents=2, choosing_several=1, anonymous=False)
    results = selectors.issue_results(issue, timezone.localdate())
    items = {item.kind: item for s in results.sections for item in s.questions}
    assert results.visible and not items["multiple"].suppressed
    assert items["multiple"].answered == 1
