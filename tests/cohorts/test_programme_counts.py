"""The programme overview's counts judged by the database agree with cohorts/progress.py.

The overview counts its running cohorts' trainees on track, at risk and behind, and their
reviews overdue, in SQL (cohorts/selectors/programme_counts.py). Here the same numbers go to the
database and to the Python rules, for many plans, days and trainees, on SQLite and PostgreSQL
alike (floating point included: the plan's share of the course is a fraction).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohorts.models import CURRENT_STATUSES, Cohort
from cohorts.progress import Point, Rag, planned_by, rag, worst
from cohorts.selectors.programme_counts import (
    COUNTED_STATUSES,
    RunningCounts,
    behind_text,
    running_counts,
)

pytestmark = pytest.mark.django_db

FIRST_INTAKE = datetime.date(2024, 1, 1)

milestone_plans = st.one_of(
    st.just([]),
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=104),
            st.integers(min_value=0, max_value=60),
            st.integers(min_value=0, max_value=30),
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda point: point[0],
    ),
)


@st.composite
def trainees(draw):
    core_required = draw(st.integers(min_value=0, max_value=60))
    specific_required = draw(st.integers(min_value=0, max_value=30))
    start_offset = draw(st.integers(min_value=0, max_value=60))
    reviewed = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=800)))
    open_requests = draw(st.integers(min_value=0, max_value=4))
    return {
        "status": draw(st.sampled_from(COUNTED_STATUSES)),
        "open_requests": open_requests,
        "stale_requests": draw(st.integers(min_value=0, max_value=open_requests)),
        "core_required": core_required,
        "specific_required": specific_required,
        "core_achieved": draw(st.integers(min_value=0, max_value=core_required)),
        "specific_achieved": draw(st.integers(min_value=0, max_value=specific_required)),
        "start": FIRST_INTAKE + datetime.timedelta(days=start_offset),
        "last_review": None if reviewed is None else FIRST_INTAKE + datetime.timedelta(reviewed),
    }


@st.composite
def cohorts(draw, pk: int):
    intake = FIRST_INTAKE + datetime.timedelta(days=draw(st.integers(0, 60)))
    return Cohort(
        pk=pk,
        programme_id=pk,
        name=f"Cohort {pk}",
        intake_date=intake,
        planned_end_date=intake + datetime.timedelta(days=draw(st.integers(1, 800))),
        review_interval_weeks=draw(st.integers(min_value=1, max_value=16)),
    )


def _trainees_sql(rows: list[tuple[int, dict]]) -> tuple[str, list]:
    """The overview's trainee numbers as a VALUES list, in the columns programme_counts reads."""
    date = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    sql = " UNION ALL ".join(
        f"SELECT %s, %s, {date}, %s, %s, %s, %s, %s, {date}, %s, %s" for _ in rows
    )
    params = []
    for number, (cohort_pk, t) in enumerate(rows):
        params += [
            cohort_pk,
            t["status"],
            t["start"],
            number + 1,
            t["core_required"],
            t["specific_required"],
            t["core_achieved"],
            t["specific_achieved"],
            t["last_review"],
            t["open_requests"],
            t["stale_requests"],
        ]
    return sql, params


def _judged_in_python(cohort: Cohort, milestones, t: dict, today) -> tuple[Rag, bool]:
    core_planned, specific_planned = planned_by(
        milestones=milestones,
        start=cohort.intake_date,
        planned_end=cohort.planned_end_date,
        on=today,
        core_required=t["core_required"],
        specific_required=t["specific_required"],
    )
    judged = worst(
        rag(t["core_achieved"], core_planned), rag(t["specific_achieved"], specific_planned)
    )
    reviewed = t["last_review"] or t["start"]
    overdue = reviewed + datetime.timedelta(weeks=cohort.review_interval_weeks) < today
    return judged, overdue


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=cohorts(pk=1),
    second=cohorts(pk=2),
    first_plan=milestone_plans,
    second_plan=milestone_plans,
    people=st.lists(st.tuples(st.sampled_from([1, 2]), trainees()), min_size=1, max_size=12),
    days_on=st.integers(min_value=0, max_value=900),
)
def test_the_database_judges_as_the_python_rules_do(
    first, second, first_plan, second_plan, people, days_on
):
    today = FIRST_INTAKE + datetime.timedelta(days=days_on)
    milestones = {
        1: [Point(*point) for point in first_plan],
        2: [Point(*point) for point in second_plan],
    }
    by_pk = {1: first, 2: second}
    expected: dict[int, RunningCounts] = {}
    behind: dict[int, list[tuple[int, int, int]]] = {1: [], 2: []}
    for number, (cohort_pk, t) in enumerate(people, start=1):
        counts = expected.setdefault(cohort_pk, RunningCounts())
        counts.by_status[t["status"]] += 1
        if t["status"] not in CURRENT_STATUSES:
            continue
        judged, overdue = _judged_in_python(by_pk[cohort_pk], milestones[cohort_pk], t, today)
        setattr(counts, judged.value, getattr(counts, judged.value) + 1)
        if judged == Rag.BEHIND:
            achieved = t["core_achieved"] + t["specific_achieved"]
            required = t["core_required"] + t["specific_required"]
            behind[cohort_pk].append((number, achieved, required))
        counts.overdue_reviews += overdue
        counts.open_requests += t["open_requests"]
        counts.stale_requests += t["stale_requests"]
        counts.achieved += t["core_achieved"] + t["specific_achieved"]
    for cohort_pk, counts in expected.items():
        counts.behind_list = behind_text(behind[cohort_pk])

    counted = running_counts(
        [first, second], _trainees_sql(people), milestones=milestones, today=today
    )

    assert counted == expected


def test_no_running_cohorts_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert running_counts([], ("", []), milestones={}, today=FIRST_INTAKE) == {}
