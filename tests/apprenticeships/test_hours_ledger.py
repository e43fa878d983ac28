"""The off-the-job hours ledger: where the hours come from, the plan, breaks, who is behind."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apprenticeships.models import BreakInLearning, BreakStatus, OtjEntry, OtjEntryStatus
from apprenticeships.selectors import hours as selectors
from apprenticeships.selectors.hours import Break, Plan, Source
from cohorts.models import Attendance, Enrolment, ModuleResult, Review, TrainingDay
from competencies.models import PracticeEntry
from pathway.models import Module
from tests import factories
from tests.apprenticeships.hours_helpers import apprentice, apprenticeship_for, hours_world

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def w():
    return hours_world(weeks_in=20)


def _hours(w, today=None):
    return selectors.ledger(w.apprenticeship, today=today or timezone.localdate()).hours


def _day(w, days_ago, hours="7.5", topic="Sepsis"):
    return TrainingDay.objects.create(
        cohort=w.cohort,
        date=timezone.localdate() - days_ago * DAY,
        topic=topic,
        duration_hours=Decimal(hours),
    )


def _entry(w, *, days_ago=3, hours="2", status=OtjEntryStatus.WAITING, decided_by=None):
    fields = {}
    if status != OtjEntryStatus.WAITING:
        fields = {"decided_by": decided_by or w.manager, "decided_at": timezone.now()}
        if status == OtjEntryStatus.DECLINED:
            fields["decline_reason"] = "Not off the job"
    return OtjEntry.objects.create(
        apprenticeship=w.apprenticeship,
        on=timezone.localdate() - days_ago * DAY,
        hours=Decimal(hours),
        activity="theory",
        description="Read about sepsis",
        logged_by=w.apprentice,
        status=status,
        **fields,
    )


def _practice(w, *, days_ago=2, hours="1.5", confirmed=True, off_the_job=True):
    return PracticeEntry.objects.create(
        record=w.enrolment.record,
        practised_on=timezone.localdate() - days_ago * DAY,
        supervisor=w.mentor,
        supervisor_name=w.mentor.full_name,
        off_the_job=off_the_job,
        otj_hours=Decimal(hours) if off_the_job else None,
        confirmed_at=timezone.now() if confirmed else None,
        confirmed_by=w.mentor if confirmed else None,
    )


def test_training_days_count_their_length_when_present_only(w):
    present, absent, excused = _day(w, 10, "7.5", "A"), _day(w, 9, "6", "B"), _day(w, 8, "3", "C")
    Attendance.objects.create(training_day=present, enrolment=w.enrolment, status="present")
    Attendance.objects.create(training_day=absent, enrolment=w.enrolment, status="absent")
    Attendance.objects.create(training_day=excused, enrolment=w.enrolment, status="excused")
    hours = _hours(w)
    assert hours.by_source[Source.TRAINING_DAY] == Decimal("7.5")
    assert hours.actual == Decimal("7.5")


def test_training_days_default_to_seven_and_a_half_hours(w):
    day = TrainingDay.objects.create(cohort=w.cohort, date=timezone.localdate(), topic="Falls")
    assert day.duration_hours == Decimal("7.5")


def test_a_module_counts_its_teaching_hours_once_at_its_first_result(w):
    module = Module.objects.create(
        programme=w.cohort.programme, title="Anatomy", teaching_hours=Decimal("30")
    )
    today = timezone.localdate()
    ModuleResult.objects.create(
        enrolment=w.enrolment, module=module, attempt=1, outcome="fail", date=today - 20 * DAY
    )
    ModuleResult.objects.create(
        enrolment=w.enrolment, module=module, attempt=2, outcome="pass", date=today - 5 * DAY
    )
    ledger = selectors.ledger(w.apprenticeship, today=today)
    assert ledger.hours.by_source[Source.MODULE] == Decimal("30")
    (line,) = [line for line in ledger.lines if line.source == Source.MODULE]
    assert line.on == today - 20 * DAY


def test_only_confirmed_off_the_job_practice_counts(w):
    _practice(w, hours="1.5")
    _practice(w, hours="4", confirmed=False)
    _practice(w, off_the_job=False)
    ledger = selectors.ledger(w.apprenticeship, today=timezone.localdate())
    assert ledger.hours.by_source[Source.PRACTICE] == Decimal("1.5")
    practice_lines = [line for line in ledger.lines if line.source == Source.PRACTICE]
    assert sorted(line.counted for line in practice_lines) == [False, True]


def test_only_confirmed_logged_hours_count(w):
    _entry(w, hours="2", status=OtjEntryStatus.CONFIRMED)
    _entry(w, hours="3", status=OtjEntryStatus.WAITING)
    _entry(w, hours="5", status=OtjEntryStatus.DECLINED)
    hours = _hours(w)
    assert hours.by_source[Source.LOGGED] == Decimal("2")
    assert hours.waiting_hours == Decimal("3")
    assert hours.waiting_entries == 1


def test_hours_before_the_practical_period_or_in_the_future_do_not_count(w):
    start = w.apprenticeship.practical_period_start
    w.apprenticeship.practical_period_start = start + 7 * DAY
    w.apprenticeship.save()
    early = TrainingDay.objects.create(cohort=w.cohort, date=start + DAY, topic="Early")
    Attendance.objects.create(training_day=early, enrolment=w.enrolment, status="present")
    _entry(w, days_ago=-2, status=OtjEntryStatus.CONFIRMED)  # two days from now
    assert _hours(w).actual == 0


def test_progress_reviews_count_nothing_unless_configured(w, settings):
    Review.objects.create(
        enrolment=w.enrolment,
        held_on=timezone.localdate() - 3 * DAY,
        progress_summary="Fine",
        rag="green",
        rag_reason="On track",
        recorded_by=w.tutor,
    )
    assert _hours(w).by_source[Source.REVIEW] == 0
    settings.PATHWAY_OTJ_HOURS_PER_REVIEW = 1.5
    assert _hours(w).by_source[Source.REVIEW] == Decimal("1.5")


def test_the_ledger_totals_are_the_sum_of_its_counted_lines(w):
    day = _day(w, 4)
    Attendance.objects.create(training_day=day, enrolment=w.enrolment, status="present")
    _practice(w)
    _entry(w, status=OtjEntryStatus.CONFIRMED)
    _entry(w, hours="1")
    ledger = selectors.ledger(w.apprenticeship, today=timezone.localdate())
    assert ledger.hours.actual == sum(line.hours for line in ledger.counted_lines)
    assert ledger.hours.actual == Decimal("7.5") + Decimal("1.5") + Decimal("2")


# The plan ---------------------------------------------------------------------------------------


def _plan(today, breaks=()):
    start = datetime.date(2026, 1, 1)
    return Plan(
        start=start,
        planned_end=start + datetime.timedelta(days=100),
        minimum_hours=200,
        planned_hours=250,
        today=today,
        breaks=list(breaks),
    )


def test_the_minimum_to_date_is_spread_evenly_over_the_planned_days():
    plan = _plan(datetime.date(2026, 1, 1) + datetime.timedelta(days=49))  # 50 days gone
    assert plan.days_gone == 50
    assert plan.minimum_to_date == Decimal("100.00")
    assert plan.planned_to_date == Decimal("125.00")


def test_an_approved_break_stops_the_clock_and_moves_the_planned_end():
    start = datetime.date(2026, 1, 1)
    a_break = Break(starts_on=start + datetime.timedelta(days=20), returns_on=start + DAY * 40)
    plan = _plan(start + datetime.timedelta(days=49), [a_break])
    assert plan.break_days == 20
    assert plan.end == start + datetime.timedelta(days=120)
    assert plan.days_gone == 30
    assert plan.minimum_to_date == Decimal("60.00")


def test_during_a_break_the_minimum_to_date_stays_still():
    start = datetime.date(2026, 1, 1)
    a_break = Break(starts_on=start + DAY * 20, returns_on=start + DAY * 40)
    inside = [_plan(start + DAY * n, [a_break]).minimum_to_date for n in (20, 25, 39)]
    assert len(set(inside)) == 1
    assert _plan(start + DAY * 25, [a_break]).on_break


def test_the_minimum_to_date_stops_at_the_whole_minimum():
    assert _plan(datetime.date(2027, 6, 1)).minimum_to_date == Decimal("200.00")


def test_only_approved_breaks_change_the_plan(w):
    today = timezone.localdate()
    before = _hours(w).plan.minimum_to_date
    fields = {
        "apprenticeship": w.apprenticeship,
        "starts_on": today - 30 * DAY,
        "returns_on": today - 10 * DAY,
        "reason": "Sickness",
        "recorded_by": w.tutor,
    }
    waiting = BreakInLearning.objects.create(**fields)
    assert _hours(w).plan.minimum_to_date == before
    waiting.status, waiting.decided_by = BreakStatus.APPROVED, w.lead
    waiting.save()
    hours = _hours(w)
    assert hours.plan.break_days == 20
    assert hours.plan.end == w.apprenticeship.planned_end_date + 20 * DAY
    assert hours.plan.minimum_to_date < before


# Behind, projected, funding at risk ------------------------------------------------------------


def test_behind_when_below_the_minimum_to_date(w):
    hours = _hours(w)
    assert hours.plan.minimum_to_date > 0
    assert hours.behind
    assert hours.shortfall == hours.plan.minimum_to_date
    entry = _entry(w, hours="12", status=OtjEntryStatus.CONFIRMED)
    for _ in range(15):
        entry.pk = None
        entry.save()
    assert _hours(w).actual >= _hours(w).plan.minimum_to_date
    assert not _hours(w).behind


def test_someone_who_has_left_is_never_behind(w):
    w.enrolment.status = "withdrawn"
    w.enrolment.save()
    assert not _hours(w).behind
    assert _hours(w).funding_at_risk == 0


def test_projection_continues_the_rate_so_far(w):
    _entry(w, hours="10", status=OtjEntryStatus.CONFIRMED)
    hours = _hours(w)
    expected = Decimal("10") * hours.plan.planned_days / hours.plan.days_gone
    assert hours.projected == expected.quantize(Decimal("0.01"))


def test_no_projection_before_the_practical_period_starts():
    w = hours_world(weeks_in=0, start=timezone.localdate() + 10 * DAY)
    hours = _hours(w)
    assert hours.projected is None
    assert not hours.behind


def test_funding_at_risk_is_the_band_for_levy_payers_and_the_government_share_otherwise(w):
    _other, non_levy = apprentice(w.cohort, manager=w.manager, levy_funded=False)
    risks = selectors.funding_at_risk(today=timezone.localdate())
    (risk,) = [r for r in risks if r.cohort == w.cohort]
    assert risk.apprentices == 2
    assert risk.behind == 2
    assert risk.at_risk == Decimal("15000") + Decimal("15000") * Decimal("0.95")


def test_the_cohort_counts_agree_with_each_apprentices_ledger(w):
    _entry(w, hours="2", status=OtjEntryStatus.CONFIRMED)
    _other, other = apprentice(w.cohort, manager=w.manager)
    by_pk = {h.apprenticeship.pk: h for h in selectors.cohort_hours(w.cohort)}
    for a in (w.apprenticeship, other):
        assert by_pk[a.pk].actual == selectors.ledger(a).hours.actual


def test_practice_on_a_record_shared_by_two_enrolments_counts_once_for_each(w):
    """A trainee moved to a later cohort keeps their record: each apprenticeship counts the
    practice once (the joins through the record's enrolments are not multiplied)."""
    later = factories.CohortFactory(
        programme=w.cohort.programme,
        framework=w.cohort.framework,
        intake_date=w.cohort.intake_date + 7 * DAY,
    )
    w.enrolment.status = "deferred"
    w.enrolment.save()
    moved = Enrolment.objects.create(
        cohort=later,
        trainee=w.apprentice,
        record=w.enrolment.record,
        start_date=later.intake_date,
    )
    second = apprenticeship_for(moved)
    _practice(w, hours="1.5", days_ago=2)
    _practice(w, hours="2", days_ago=1)
    today = timezone.localdate()
    for apprenticeship in (w.apprenticeship, second):
        (hours,) = selectors.hours_for(
            [selectors.apprenticeship_by_pk(apprenticeship.pk)], today=today
        )
        assert hours.by_source[Source.PRACTICE] == Decimal("3.5")
