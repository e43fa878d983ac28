"""The demo: a closed questionnaire answered by the first cohort, an open copy for the second;
twice is safe."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from evaluation import selectors
from evaluation.models import Issue, Questionnaire, Response

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_a_closed_and_an_open_questionnaire_and_is_safe_twice():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    assert Questionnaire.objects.count() == 2
    closed, open_issue = Issue.objects.order_by("opens_on")
    assert closed.cohort.name == "Cohort 1" and closed.state(today) == "closed"
    assert open_issue.cohort.name == "Cohort 2" and open_issue.state(today) == "open"
    assert closed.questionnaire.family == open_issue.questionnaire.family
    results = selectors.issue_results(closed, today)
    assert results.visible and results.responded == 7
    assert Response.objects.filter(issue=open_issue).count() == 3
    assert not Response.objects.filter(respondent__isnull=False).exists()  # all anonymous
