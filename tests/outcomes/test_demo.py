"""The demo: pathway moves for the demo cohorts, a qualified AP on bridging modules, one who
left, one who moved area; running seed_demo twice adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from outcomes import selectors
from outcomes.models import BridgingEnrolment, BridgingModule, PathwayMove
from pathway.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_pathway_moves_and_bridging_and_is_safe_twice():
    call_command("seed_demo", stdout=StringIO())
    counts = (
        PathwayMove.objects.count(),
        BridgingModule.objects.count(),
        BridgingEnrolment.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert counts == (
        PathwayMove.objects.count(),
        BridgingModule.objects.count(),
        BridgingEnrolment.objects.count(),
    )
    assert counts[1:] == (2, 2)

    aisha = User.objects.get(full_name="Aisha Khan")
    history = selectors.person_history(aisha)
    assert [e.stage.code for e in history.entries] == [
        "support_worker",
        "trainee_ap",
        "qualified_ap",
        "bridging",
    ]
    assert sorted(e.result for e in history.bridging) == ["", "pass"]
    daniel = selectors.person_history(User.objects.get(full_name="Daniel Okafor"))
    assert daniel.current.stage.code == "left" and daniel.current.reason

    board = selectors.dashboard()
    first = next(item for item in board.cohorts if item.cohort.name == "Cohort 1")
    assert (first.outcomes.qualified, first.outcomes.left, first.outcomes.moved_area) == (5, 1, 1)
    assert first.outcomes.bridging == 1
    # Qualified 22 weeks ago: no retention point reached yet.
    assert all(r.not_yet for r in first.outcomes.retention)
