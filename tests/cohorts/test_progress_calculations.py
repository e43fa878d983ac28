"""Milestones, RAG and predicted completion, with their boundaries."""

import datetime

import pytest

from cohorts.progress import Point, Rag, planned_by, predicted_completion, rag, worst

START = datetime.date(2026, 1, 5)
END = START + datetime.timedelta(weeks=52)


def _on(weeks):
    return START + datetime.timedelta(weeks=weeks)


def _planned(weeks, milestones=(), core=20, specific=6):
    return planned_by(
        milestones=list(milestones),
        start=START,
        planned_end=END,
        on=_on(weeks),
        core_required=core,
        specific_required=specific,
    )


def test_without_milestones_a_straight_line_to_the_planned_end():
    assert _planned(0) == (0, 0)
    assert _planned(26) == pytest.approx((10, 3))
    assert _planned(52) == pytest.approx((20, 6))
    assert _planned(70) == pytest.approx((20, 6))  # never more than everything


def test_before_the_start_nothing_is_planned():
    assert planned_by(
        milestones=[],
        start=START,
        planned_end=END,
        on=START - datetime.timedelta(days=10),
        core_required=5,
        specific_required=1,
    ) == (0, 0)


def test_milestones_interpolate_and_hold_after_the_last():
    milestones = [Point(10, 4, 0), Point(20, 10, 2)]
    assert _planned(5, milestones) == pytest.approx((2, 0))
    assert _planned(10, milestones) == pytest.approx((4, 0))
    assert _planned(15, milestones) == pytest.approx((7, 1))
    assert _planned(40, milestones) == pytest.approx((10, 2))


def test_milestones_are_capped_at_what_the_trainee_must_achieve():
    assert _planned(20, [Point(20, 30, 9)], core=12, specific=3) == (12, 3)


@pytest.mark.parametrize(
    ("achieved", "planned", "expected"),
    [
        (0, 0, Rag.ON_TRACK),  # nothing planned yet
        (0, 0.9, Rag.ON_TRACK),  # less than one whole competency planned
        (8, 8, Rag.ON_TRACK),  # exactly on plan
        (9, 8, Rag.ON_TRACK),
        (6, 8, Rag.AT_RISK),  # exactly 75%
        (7, 8.6, Rag.AT_RISK),
        (5, 8, Rag.BEHIND),  # just under 75%
        (0, 4, Rag.BEHIND),
    ],
)
def test_rag_boundaries(achieved, planned, expected):
    assert rag(achieved, planned) is expected


def test_overall_status_is_the_worse_one():
    assert worst(Rag.ON_TRACK, Rag.AT_RISK) is Rag.AT_RISK
    assert worst(Rag.BEHIND, Rag.ON_TRACK) is Rag.BEHIND
    assert worst(Rag.ON_TRACK, Rag.ON_TRACK) is Rag.ON_TRACK
    assert Rag.AT_RISK.label == "At risk"


def test_predicted_completion_from_the_rate_so_far():
    # 10 of 20 in 70 days: 10 more take another 70 days.
    assert predicted_completion(
        start=START, on=START + datetime.timedelta(days=70), achieved=10, required=20
    ) == START + datetime.timedelta(days=140)


def test_predicted_completion_rounds_up_to_whole_days():
    assert predicted_completion(
        start=START, on=START + datetime.timedelta(days=10), achieved=3, required=4
    ) == START + datetime.timedelta(days=14)


def test_predicted_completion_without_a_rate_or_when_finished():
    assert predicted_completion(start=START, on=_on(10), achieved=0, required=20) is None
    assert predicted_completion(start=START, on=START, achieved=1, required=20) is None
    finished = datetime.date(2026, 6, 1)
    assert (
        predicted_completion(
            start=START, on=_on(30), achieved=20, required=20, last_achieved_on=finished
        )
        == finished
    )


def test_a_prediction_past_the_programmes_plausible_end_is_not_made():
    start, planned_end = datetime.date(2026, 1, 5), datetime.date(2027, 1, 4)
    on = datetime.date(2026, 4, 5)  # 90 days in
    # Two of forty in 90 days points to 2035: not a forecast anyone should plan by.
    assert (
        predicted_completion(start=start, on=on, achieved=2, required=40, planned_end=planned_end)
        is None
    )
    # Twenty of forty in 90 days: a plausible date, shown.
    assert predicted_completion(
        start=start, on=on, achieved=20, required=40, planned_end=planned_end
    ) == on + datetime.timedelta(days=90)
