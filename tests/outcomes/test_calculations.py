"""Outcome rates on known data, with their edges: the pure functions of outcomes/calculations.py."""

from __future__ import annotations

import datetime

import pytest

from outcomes.calculations import (
    Move,
    Trainee,
    add_months,
    cohort_outcomes,
    in_trust_on,
    reached,
)

D = datetime.date
TODAY = D(2026, 6, 1)
START = D(2024, 1, 8)
AREA, OTHER_AREA = 1, 2


def qualified(person_id, on, *moves, started=START):
    return Trainee(
        person_id=person_id,
        status="qualified",
        started_on=started,
        qualified_on=on,
        area_id=AREA,
        moves=tuple(moves),
    )


def trainee(person_id, status, **fields):
    return Trainee(person_id=person_id, status=status, started_on=START, **fields)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 15), 6, D(2025, 7, 15)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),  # February is shorter: its last day
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # a leap year
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 12, 1), 12, D(2026, 12, 1)),
        (D(2025, 7, 1), 24, D(2027, 7, 1)),
        (D(2025, 12, 31), 1, D(2026, 1, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_a_cohort_on_known_data():
    q = D(2025, 1, 6)  # 52 weeks after START: 364 days
    trainees = [
        qualified(1, q),  # stays, same area
        qualified(2, q, Move("qualified_ap", D(2025, 3, 1), OTHER_AREA)),  # moves area
        qualified(3, q, Move("left", D(2025, 5, 1), reason="Moved away")),  # left before 6 months
        qualified(
            4, q, Move("left", D(2025, 10, 1), reason="Promotion elsewhere")
        ),  # 6m < left < 12m
        qualified(
            5,
            D(2025, 3, 3),  # qualified later: 420 days
            Move("bridging", D(2025, 6, 1)),
            Move("pre_registration", D(2025, 9, 1)),
        ),
        trainee(6, "withdrawn", withdrawn_on=D(2024, 4, 1), withdrawal_reason="Caring duties"),
        trainee(7, "withdrawn", withdrawn_on=D(2024, 3, 1), withdrawal_reason="Ill health"),
        trainee(8, "completed"),
        trainee(9, "active"),
        trainee(10, "on_break"),
        trainee(11, "deferred"),  # counted in the later cohort, not here
    ]
    o = cohort_outcomes(trainees, today=TODAY)

    assert o.started == 10
    assert o.qualified == 5
    assert o.completed == 1
    assert o.still_training == 2
    assert o.withdrawn == 2
    assert o.completion_rate == pytest.approx(6 / 10)
    assert o.withdrawal_rate == pytest.approx(2 / 10)
    assert o.days_to_qualify == (364, 364, 364, 364, 420)
    assert o.median_days_to_qualify == 364
    assert (o.shortest_days_to_qualify, o.longest_days_to_qualify) == (364, 420)
    assert [(w.on, w.reason) for w in o.withdrawals] == [
        (D(2024, 3, 1), "Ill health"),
        (D(2024, 4, 1), "Caring duties"),
    ]
    six, twelve, twenty_four = o.retention
    # 6 months: all five qualifiers are past it; only number 3 had left by then.
    assert (six.months, six.eligible, six.retained) == (6, 5, 4)
    assert six.rate == pytest.approx(0.8)
    # 12 months: 6 Jan 2026 (four) and 3 Mar 2026 (one) have passed; 3 and 4 had left.
    assert (twelve.eligible, twelve.retained) == (5, 3)
    # 24 months: nobody there yet.
    assert twenty_four.not_yet and twenty_four.rate is None and twenty_four.waiting == 5
    assert o.left == 2
    assert o.moved_area == 1
    assert (o.bridging, o.pre_registration, o.registered) == (1, 1, 0)


def test_zero_trainees_gives_no_rates_not_zero():
    o = cohort_outcomes([], today=TODAY)
    assert o.started == 0
    assert o.completion_rate is None and o.withdrawal_rate is None
    assert o.median_days_to_qualify is None
    assert o.shortest_days_to_qualify is None and o.longest_days_to_qualify is None
    assert all(r.not_yet and r.rate is None for r in o.retention)


def test_zero_qualified():
    o = cohort_outcomes(
        [trainee(1, "active"), trainee(2, "withdrawn", withdrawal_reason="")], today=TODAY
    )
    assert o.qualified == 0
    assert o.completion_rate == 0
    assert o.withdrawal_rate == pytest.approx(0.5)
    assert o.days_to_qualify == ()
    assert all(r.not_yet for r in o.retention)
    assert (o.moved_area, o.left, o.bridging) == (0, 0, 0)


def test_none_eligible_yet_is_not_yet():
    recently = TODAY - datetime.timedelta(days=30)
    o = cohort_outcomes([qualified(1, recently), qualified(2, recently)], today=TODAY)
    assert [r.not_yet for r in o.retention] == [True, True, True]
    assert [r.waiting for r in o.retention] == [2, 2, 2]


def test_the_six_month_point_is_reached_on_its_day():
    q = D(2025, 12, 1)
    assert cohort_outcomes([qualified(1, q)], today=D(2026, 5, 31)).retention[0].not_yet
    at_day = cohort_outcomes([qualified(1, q)], today=D(2026, 6, 1)).retention[0]
    assert (at_day.eligible, at_day.retained) == (1, 1)


def test_leaving_on_the_day_counts_as_gone_and_coming_back_counts_as_in():
    q = D(2025, 1, 1)
    left_on_the_day = qualified(1, q, Move("left", add_months(q, 6), reason="Relocated"))
    assert not in_trust_on(left_on_the_day, add_months(q, 6))
    came_back = qualified(
        2, q, Move("left", D(2025, 2, 1), reason="Agency"), Move("qualified_ap", D(2025, 5, 1))
    )
    assert in_trust_on(came_back, add_months(q, 6))
    assert not in_trust_on(came_back, D(2025, 3, 1))
    o = cohort_outcomes([left_on_the_day, came_back], today=TODAY)
    assert (o.retention[0].eligible, o.retention[0].retained) == (2, 1)
    assert o.left == 1  # came back, so not counted as gone today


def test_moves_before_qualifying_do_not_count():
    q = D(2025, 1, 1)
    person = qualified(
        1,
        q,
        Move("support_worker", D(2023, 1, 1), OTHER_AREA),  # the band 3 post before training
        Move("left", D(2023, 6, 1), reason="Before training"),
    )
    o = cohort_outcomes([person], today=TODAY)
    assert o.moved_area == 0
    assert o.left == 0
    assert o.retention[0].retained == 1


def test_progression_counts_the_furthest_stage_reached():
    q = D(2025, 1, 1)
    registered = qualified(1, q, Move("registered_nurse", D(2026, 1, 1)))
    assert reached(registered, "bridging") and reached(registered, "pre_registration")
    o = cohort_outcomes([registered, qualified(2, q)], today=TODAY)
    assert (o.bridging, o.pre_registration, o.registered) == (1, 1, 1)


def test_an_area_move_with_no_area_or_to_leave_is_not_a_move_to_another_area():
    q = D(2025, 1, 1)
    person = qualified(
        1, q, Move("bridging", D(2025, 3, 1)), Move("left", D(2025, 9, 1), OTHER_AREA, "Gone")
    )
    assert cohort_outcomes([person], today=TODAY).moved_area == 0
