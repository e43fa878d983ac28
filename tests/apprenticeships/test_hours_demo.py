"""The demo's off-the-job hours (apprenticeships/demo/hours.py) on an apprenticeship cohort."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apprenticeships.demo.hours import seed_hours
from apprenticeships.models import BreakInLearning, BreakStatus, OtjEntry, OtjEntryStatus
from apprenticeships.selectors import hours as selectors
from tests import factories
from tests.apprenticeships.hours_helpers import hours_world

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_cohort_hours_with_some_apprentices_behind():
    w = hours_world(weeks_in=22)
    for _ in range(5):
        enrolment = factories.enrol(w.cohort, tutor=w.tutor)
        factories.AllocationFactory(
            trainee=enrolment.trainee,
            supporter=w.manager,
            kind="manager",
            start_date=w.cohort.intake_date,
        )
    on_break = w.cohort.enrolments.order_by("pk").last()
    on_break.status, on_break.status_reason = "on_break", "Maternity leave"
    on_break.save()

    made = seed_hours(w.cohort, lead=w.lead, today=timezone.localdate())

    assert made > 0
    statuses = set(OtjEntry.objects.values_list("status", flat=True))
    assert statuses == {OtjEntryStatus.CONFIRMED, OtjEntryStatus.WAITING, OtjEntryStatus.DECLINED}
    rows = selectors.cohort_hours(w.cohort)
    assert len(rows) == 6  # every enrolment got apprenticeship terms
    assert 0 < sum(row.behind for row in rows) < len(rows)
    a_break = BreakInLearning.objects.get()
    assert a_break.status == BreakStatus.APPROVED
    assert a_break.recorded_by != a_break.decided_by
    assert seed_hours(w.cohort, lead=w.lead) == 0


def test_the_demo_leaves_a_cohort_that_is_not_an_apprenticeship_alone():
    cohort = factories.CohortFactory()
    factories.enrol(cohort)
    assert seed_hours(cohort, lead=factories.LeadNurseFactory()) == 0
    assert not OtjEntry.objects.exists()
