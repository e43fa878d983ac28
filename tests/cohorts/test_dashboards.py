"""The lead nurse's dashboards: exact numbers, filters and sorting, the programme overview,
exports, refusals and query counts."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cohorts.models import (
    CURRENT_STATUSES,
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Milestone,
    ProgrammePlan,
    Review,
    TrainingDay,
)
from cohorts.progress import Rag
from cohorts.review_due import review_due_refresh
from cohorts.selectors import dashboards, programme_counts
from cohorts.selectors.dashboards import Filters
from cohorts.services.cohorts import enrolment_change_status, enrolment_defer
from cohorts.templatetags import dashboard_tags
from competencies import services as competency_services
from competencies.models import CompetencyProgress, ProgressState, SignOffRequest
from competencies.summaries import record_summaries_rebuild
from pathway.models import Allocation
from tests import factories

pytestmark = pytest.mark.django_db

WEEKS = 26  # the cohort is half way through its 52 weeks: the straight-line plan asks for half


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


# Building cohorts with known progress ---------------------------------------------------------


def _achieve(enrolment, *, core=0, specific=0, on=None, expired_core=0):
    """Mark competencies achieved directly (dashboards only read CompetencyProgress)."""
    today = timezone.localdate()
    on = on or today - _days(7)
    progress = CompetencyProgress.objects.filter(record=enrolment.record).order_by("competency_id")
    core_ids = list(progress.filter(competency__is_core=True).values_list("pk", flat=True))
    specific_ids = list(progress.filter(competency__is_core=False).values_list("pk", flat=True))
    CompetencyProgress.objects.filter(pk__in=core_ids[:core] + specific_ids[:specific]).update(
        state=ProgressState.ACHIEVED, achieved_on=on
    )
    # Achieved once, but the reassessment date has passed: not counted.
    CompetencyProgress.objects.filter(pk__in=core_ids[core : core + expired_core]).update(
        state=ProgressState.ACHIEVED, achieved_on=on - _days(400), expires_on=today
    )
    # Written behind the services' back: the record's summary is recounted as a load would be.
    record_summaries_rebuild([enrolment.record_id])


def _mark(enrolment, days, statuses):
    for day, status in zip(days, statuses, strict=False):
        Attendance.objects.create(training_day=day, enrolment=enrolment, status=status)


def _review(enrolment, held_on, recorder):
    review = Review.objects.create(
        enrolment=enrolment,
        held_on=held_on,
        progress_summary="Steady progress",
        rag=Review.Rag.GREEN,
        rag_reason="On plan",
        recorded_by=recorder,
    )
    # Written behind the services' back: the enrolment's review due date is recounted.
    review_due_refresh(Enrolment.objects.filter(pk=enrolment.pk))
    return review


def _request(enrolment, mentor, *, days_ago, status=SignOffRequest.Status.OPEN):
    """A sign-off request made `days_ago` days ago (created_at set with a queryset update)."""
    taken = SignOffRequest.objects.filter(record=enrolment.record).values("competency_id")
    progress = (
        CompetencyProgress.objects.filter(record=enrolment.record)
        .exclude(state=ProgressState.ACHIEVED)
        .exclude(competency_id__in=taken)
        .order_by("competency_id")
        .first()
    )
    request = SignOffRequest.objects.create(
        record=enrolment.record, competency=progress.competency, mentor=mentor, status=status
    )
    SignOffRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - _days(days_ago))
    # Made behind the services' back: the summary is recounted as a load would be.
    record_summaries_rebuild([enrolment.record_id])
    return request


@dataclass
class World:
    cohort: object
    later: object
    area: object
    other_area: object
    mentor_1: object
    mentor_2: object
    amy: object  # on track
    ben: object  # at risk
    cara: object  # behind
    dan: object  # withdrawn
    eve: object  # on a break, on track
    fay: object  # moved to the later cohort


@pytest.fixture
def world(lead_nurse) -> World:
    """A cohort in week 27 (26 weeks done) of 52, on a framework with 10 core competencies,
    4 specific to critical care and 2 specific to the emergency department. Without milestones
    the plan asks today for 5 core, and 2 critical care (or 1 emergency) specific."""
    today = timezone.localdate()
    area = factories.ClinicalAreaFactory(name="Critical care", code="critical-care")
    other_area = factories.ClinicalAreaFactory(name="Emergency department", code="emergency")
    framework, _ = factories.published_framework_with(core=10, specific=4, area=area)
    domain = framework.domains.get()
    for _ in range(2):
        factories.CompetencyFactory(domain=domain, is_core=False, clinical_areas=[other_area])
    intake = today - datetime.timedelta(weeks=WEEKS)
    cohort = factories.CohortFactory(
        name="Cohort 2026",
        framework=framework,
        intake_date=intake,
        planned_end_date=intake + datetime.timedelta(weeks=52),
    )
    later = factories.CohortFactory(
        name="Cohort 2027",
        programme=cohort.programme,
        framework=framework,
        status="planned",
        intake_date=today + datetime.timedelta(weeks=10),
        planned_end_date=today + datetime.timedelta(weeks=62),
    )
    mentor_1 = factories.MentorFactory(full_name="Mona Mentor")
    mentor_2 = factories.MentorFactory(full_name="Nick Nurse")
    old_mentor = factories.MentorFactory(full_name="Olly Old")

    def trainee(name, where=area, mentor=None):
        return factories.enrol(
            cohort,
            trainee=factories.TraineeFactory(full_name=name),
            area=where,
            mentor=mentor,
        )

    amy = trainee("Amy Ashworth", mentor=mentor_1)
    ben = trainee("Ben Brook", mentor=mentor_1)
    factories.AllocationFactory(
        trainee=ben.trainee, supporter=mentor_2, kind=Allocation.Kind.MENTOR, start_date=intake
    )
    cara = trainee("Cara Cole", where=other_area)
    factories.AllocationFactory(  # ended yesterday: not a current mentor
        trainee=cara.trainee,
        supporter=old_mentor,
        kind=Allocation.Kind.MENTOR,
        start_date=intake,
        end_date=today - _days(1),
    )
    dan = trainee("Dan Dale")
    eve = trainee("Eve Earl", mentor=mentor_2)
    fay = trainee("Fay Ford")

    _achieve(amy, core=5, specific=2, expired_core=1)
    _achieve(ben, core=4, specific=2)
    _achieve(cara, core=3)
    _achieve(dan, core=1)
    _achieve(eve, core=5, specific=2)
    _achieve(fay, core=9, specific=4)

    days = [
        TrainingDay.objects.create(cohort=cohort, date=intake + _days(7 * n), topic=f"Day {n}")
        for n in range(1, 5)
    ]
    _mark(amy, days, ["present", "present", "absent", "excused"])
    _mark(ben, days, ["present"] * 4)
    _mark(eve, days, ["absent"])

    _review(amy, today - _days(100), lead_nurse)
    _review(amy, today - _days(30), lead_nurse)
    _review(cara, today - _days(90), lead_nurse)
    _review(eve, today - _days(10), lead_nurse)
    _review(fay, today - _days(40), lead_nurse)  # before she moved cohort

    _request(amy, mentor_1, days_ago=20)
    _request(amy, mentor_1, days_ago=30, status=SignOffRequest.Status.DECIDED)
    _request(ben, mentor_1, days_ago=3)
    _request(ben, mentor_2, days_ago=16)
    _request(cara, mentor_1, days_ago=14)  # exactly 14 days: not "more than 14"

    enrolment_change_status(
        actor=None, enrolment=dan, status=EnrolmentStatus.WITHDRAWN, reason="Left the trust"
    )
    enrolment_change_status(
        actor=None, enrolment=eve, status=EnrolmentStatus.ON_BREAK, reason="Maternity leave"
    )
    enrolment_defer(actor=None, enrolment=fay, to_cohort=later, reason="Long-term sickness")
    return World(cohort, later, area, other_area, mentor_1, mentor_2, amy, ben, cara, dan, eve, fay)


def _by_name(rows):
    return {row.trainee_name: row for row in rows}


# The cohort rows: exact numbers ---------------------------------------------------------------


def test_rows_count_achieved_and_required_and_leave_out_deferred(world):
    rows = _by_name(dashboards.cohort_rows(world.cohort, today=timezone.localdate()))
    assert set(rows) == {"Amy Ashworth", "Ben Brook", "Cara Cole", "Dan Dale", "Eve Earl"}
    amy, ben, cara = rows["Amy Ashworth"], rows["Ben Brook"], rows["Cara Cole"]
    # Amy has 6 core signed off, but one has expired: 5 count.
    assert (amy.core_achieved, amy.core_required) == (5, 10)
    assert (amy.specific_achieved, amy.specific_required) == (2, 4)
    assert (ben.core_achieved, ben.specific_achieved) == (4, 2)
    assert (cara.core_achieved, cara.core_required) == (3, 10)
    assert (cara.specific_achieved, cara.specific_required) == (0, 2)
    assert cara.area_name == "Emergency department"
    assert rows["Dan Dale"].status == EnrolmentStatus.WITHDRAWN
    assert rows["Eve Earl"].status == EnrolmentStatus.ON_BREAK
    # Fay moved with her record to the later cohort and shows there.
    later = dashboards.cohort_rows(world.later, today=timezone.localdate())
    assert [(r.trainee_name, r.core_achieved, r.specific_achieved) for r in later] == [
        ("Fay Ford", 9, 4)
    ]
    # Her reviews follow her record: the last one was in her first cohort.
    assert later[0].last_review == timezone.localdate() - _days(40)


def test_rows_plan_rag_and_predicted_completion(world):
    today = timezone.localdate()
    rows = _by_name(dashboards.cohort_rows(world.cohort, today=today))
    amy, ben, cara = rows["Amy Ashworth"], rows["Ben Brook"], rows["Cara Cole"]
    assert (amy.core_planned, amy.specific_planned) == (5, 2)
    assert (cara.core_planned_whole, cara.specific_planned_whole) == (5, 1)
    assert (amy.core_rag, amy.specific_rag, amy.rag) == (Rag.ON_TRACK,) * 3
    # 4 of a planned 5 is at least 75%: at risk.
    assert (ben.core_rag, ben.specific_rag, ben.rag) == (Rag.AT_RISK, Rag.ON_TRACK, Rag.AT_RISK)
    # 3 of 5 is under 75%; 0 of 1 too.
    assert (cara.core_rag, cara.specific_rag, cara.rag) == (Rag.BEHIND,) * 3
    assert rows["Eve Earl"].rag == Rag.ON_TRACK  # on a break but still measured
    assert rows["Dan Dale"].rag is None  # withdrawn: not measured against the plan
    # Amy: 7 of 14 in 182 days, so 7 more take another 182 days.
    assert amy.predicted_completion == today + _days(182)
    # Ben: 6 of 14 in 182 days: 8 more at 6/182 a day is 242.7, so 243 days.
    assert ben.predicted_completion == today + _days(243)
    assert rows["Dan Dale"].predicted_completion is None


def test_milestones_of_the_programme_plan_set_the_plan(world):
    plan = ProgrammePlan.objects.create(
        programme=world.cohort.programme, framework=world.cohort.framework
    )
    Milestone.objects.create(plan=plan, week=10, core_target=4, specific_target=1)
    Milestone.objects.create(plan=plan, week=30, core_target=10, specific_target=3)
    rows = _by_name(dashboards.cohort_rows(world.cohort, today=timezone.localdate()))
    amy = rows["Amy Ashworth"]
    # Week 26 is 80% of the way from week 10 to week 30: 8.8 core and 2.6 specific.
    assert amy.core_planned == pytest.approx(8.8)
    assert amy.specific_planned == pytest.approx(2.6)
    assert (amy.core_planned_whole, amy.specific_planned_whole) == (8, 2)
    assert amy.core_rag == Rag.BEHIND  # 5 is under 75% of 8
    assert amy.rag == Rag.BEHIND


def test_rows_attendance_reviews_mentors_and_requests(world):
    today = timezone.localdate()
    rows = _by_name(dashboards.cohort_rows(world.cohort, today=today))
    amy, ben, cara, eve = (rows[n] for n in ("Amy Ashworth", "Ben Brook", "Cara Cole", "Eve Earl"))
    # Present 2, absent 1, excused 1: the excused day does not count either way.
    assert amy.attendance_percent == pytest.approx(200 / 3)
    assert ben.attendance_percent == 100
    assert eve.attendance_percent == 0
    assert cara.attendance_percent is None  # no marks at all

    assert amy.last_review == today - _days(30)
    assert amy.next_review_due == today - _days(30) + datetime.timedelta(weeks=12)
    assert not amy.review_overdue
    assert ben.last_review is None
    assert ben.next_review_due == world.cohort.intake_date + datetime.timedelta(weeks=12)
    assert ben.review_overdue
    assert cara.next_review_due == today - _days(90) + datetime.timedelta(weeks=12)
    assert cara.review_overdue
    assert rows["Dan Dale"].next_review_due is None

    assert [m.name for m in amy.mentors] == ["Mona Mentor"]
    assert [m.name for m in ben.mentors] == ["Mona Mentor", "Nick Nurse"]
    assert cara.mentors == []  # her mentor's allocation ended yesterday

    assert (amy.open_requests, amy.oldest_request_days, amy.stale_requests) == (1, 20, 1)
    assert (ben.open_requests, ben.oldest_request_days, ben.stale_requests) == (2, 16, 1)
    assert (cara.open_requests, cara.oldest_request_days, cara.stale_requests) == (1, 14, 0)
    assert (eve.open_requests, eve.oldest_request_days) == (0, None)


def test_only_current_mentors_who_are_active_are_shown(world):
    today = timezone.localdate()
    amy = world.amy.trainee

    def allocate(supporter, kind=Allocation.Kind.MENTOR, start=today, end=None):
        factories.AllocationFactory(
            trainee=amy, supporter=supporter, kind=kind, start_date=start, end_date=end
        )

    allocate(factories.MentorFactory(full_name="Ivy Inactive", is_active=False))
    allocate(factories.TutorFactory(full_name="Tom Tutor"), kind=Allocation.Kind.TUTOR)
    allocate(factories.MentorFactory(full_name="Fred Future"), start=today + _days(1))
    allocate(factories.MentorFactory(full_name="Lou Last-day"), start=today - _days(9), end=today)
    allocate(factories.MentorFactory(full_name="Abe Again"))
    rows = _by_name(dashboards.cohort_rows(world.cohort, today=today))
    assert [m.name for m in rows["Amy Ashworth"].mentors] == [
        "Abe Again",
        "Lou Last-day",
        "Mona Mentor",
    ]
    # Each trainee once, however many mentors they have.
    assert sorted(rows) == ["Amy Ashworth", "Ben Brook", "Cara Cole", "Dan Dale", "Eve Earl"]
    assert len(dashboards.cohort_rows(world.cohort, today=today)) == 5


def test_the_subqueries_built_once_are_never_changed_by_the_queries_that_use_them(world):
    def sql():
        numbers = dashboards._numbers_any_day()
        return str(world.cohort.enrolments.order_by("pk").values("pk").annotate(**numbers).query)

    before = sql()
    for day in (timezone.localdate(), timezone.localdate() + _days(40)):
        dashboards.cohort_rows(world.cohort, today=day)
        dashboards.programme_overview(today=day)
    assert sql() == before


def test_trainee_rows_judge_each_enrolment_against_its_own_cohort(world, django_assert_num_queries):
    """trainee_rows is the one public way to build a dashboard row (support's caseloads call it
    too): enrolments from two cohorts at once, each row with its own cohort's name and plan, in
    four queries; a cohort's rows are exactly its dashboard's."""
    today = timezone.localdate()
    enrolments = Enrolment.objects.filter(cohort__in=[world.cohort, world.later]).exclude(
        status=EnrolmentStatus.DEFERRED
    )
    with django_assert_num_queries(4):
        rows = dashboards.trainee_rows(enrolments, today=today)
    by_cohort = {(row.cohort_name, row.trainee_name): row for row in rows}
    assert len(rows) == len(by_cohort) == 6
    fay = by_cohort[("Cohort 2027", "Fay Ford")]
    # The later cohort has not started: its plan asks for nothing yet, so Fay is on track.
    assert (fay.cohort_pk, fay.core_planned, fay.rag) == (world.later.pk, 0, Rag.ON_TRACK)
    assert by_cohort[("Cohort 2026", "Cara Cole")].rag == Rag.BEHIND
    assert [row for row in rows if row.cohort_pk == world.cohort.pk] == dashboards.cohort_rows(
        world.cohort, today=today
    )


def test_a_real_sign_off_counts_and_a_finished_trainee_is_predicted_on_the_last_sign_off():
    today = timezone.localdate()
    framework, area = factories.published_framework_with(core=2)
    cohort = factories.CohortFactory(framework=framework)
    mentor = factories.MentorFactory()
    enrolment = factories.enrol(cohort, area=area, mentor=mentor)
    first, second = (p.competency for p in enrolment.record.progress.order_by("competency_id"))
    row = dashboards.cohort_rows(cohort, today=today)[0]
    assert row.predicted_completion is None  # nothing achieved yet: no rate to go on

    for competency, day in ((first, today - _days(20)), (second, today - _days(5))):
        competency_services.practice_log(
            actor=enrolment.trainee,
            record=enrolment.record,
            competencies=[competency],
            practised_on=day,
            supervisor_name="Mona Mentor",
            activity="Observed",
        )
        request = competency_services.sign_off_request_create(
            actor=enrolment.trainee, record=enrolment.record, competency=competency, mentor=mentor
        )
        row = dashboards.cohort_rows(cohort, today=today)[0]
        assert row.open_requests == 1
        competency_services.sign_off_request_decide(
            actor=mentor,
            sign_off_request=request,
            signature=factories.signature(),
            outcome="achieved",
            method=competency.assessment_methods[0],
            assessed_on=day,
        )
    row = dashboards.cohort_rows(cohort, today=today)[0]
    assert (row.core_achieved, row.core_required, row.open_requests) == (2, 2, 0)
    assert row.predicted_completion == today - _days(5)


# Filters and sorting --------------------------------------------------------------------------


def _names(rows):
    return [r.trainee_name for r in rows]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["Amy Ashworth", "Ben Brook", "Cara Cole", "Dan Dale", "Eve Earl"]),
        ({"status": "on_break"}, ["Eve Earl"]),
        ({"rag": "on_track"}, ["Amy Ashworth", "Eve Earl"]),
        ({"rag": "behind"}, ["Cara Cole"]),
        ({"rag": "at_risk", "status": "active"}, ["Ben Brook"]),
    ],
)
def test_filters_by_status_and_rag(world, filters, expected):
    rows = dashboards.cohort_rows(
        world.cohort, today=timezone.localdate(), filters=Filters(**filters)
    )
    assert _names(rows) == expected


def test_filters_by_area_and_mentor(world):
    today = timezone.localdate()
    by_area = dashboards.cohort_rows(
        world.cohort, today=today, filters=Filters(area=world.other_area.pk)
    )
    assert _names(by_area) == ["Cara Cole"]
    by_mentor = dashboards.cohort_rows(
        world.cohort, today=today, filters=Filters(mentor=world.mentor_2.pk)
    )
    assert _names(by_mentor) == ["Ben Brook", "Eve Earl"]


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("name", True, ["Eve Earl", "Dan Dale", "Cara Cole", "Ben Brook", "Amy Ashworth"]),
        ("core", True, ["Amy Ashworth", "Eve Earl", "Ben Brook", "Cara Cole", "Dan Dale"]),
        ("core", False, ["Dan Dale", "Cara Cole", "Ben Brook", "Amy Ashworth", "Eve Earl"]),
        # Not measured (withdrawn) and no data always go last.
        ("rag", False, ["Amy Ashworth", "Eve Earl", "Ben Brook", "Cara Cole", "Dan Dale"]),
        ("rag", True, ["Cara Cole", "Ben Brook", "Amy Ashworth", "Eve Earl", "Dan Dale"]),
        ("attendance", True, ["Ben Brook", "Amy Ashworth", "Eve Earl", "Cara Cole", "Dan Dale"]),
        ("next_due", False, ["Ben Brook", "Cara Cole", "Amy Ashworth", "Eve Earl", "Dan Dale"]),
        ("area", True, ["Cara Cole", "Amy Ashworth", "Ben Brook", "Dan Dale", "Eve Earl"]),
        ("status", False, ["Amy Ashworth", "Ben Brook", "Cara Cole", "Eve Earl", "Dan Dale"]),
    ],
)
def test_sorting(world, sort, descending, expected):
    rows = dashboards.cohort_rows(
        world.cohort, today=timezone.localdate(), sort=sort, descending=descending
    )
    assert _names(rows) == expected


# The programme overview -----------------------------------------------------------------------


def test_programme_overview_counts(world):
    other = factories.CohortFactory(name="Cohort 2025")
    factories.enrol(other)
    finished = factories.CohortFactory(name="Cohort 2024", status="finished")
    overview = dashboards.programme_overview(today=timezone.localdate())

    running = {item.cohort.name: item for item in overview.running}
    assert set(running) == {"Cohort 2026", "Cohort 2025"}
    summary = running["Cohort 2026"].summary
    assert summary.by_status == {
        "active": 3,
        "on_break": 1,
        "withdrawn": 1,
        "completed": 0,
        "qualified": 0,
    }
    # Current trainees only: Amy 7, Ben 6, Cara 3, Eve 7 (not Dan, who withdrew; not Fay).
    assert summary.achieved == 23
    assert (summary.on_track, summary.at_risk, summary.behind) == (2, 1, 1)
    assert summary.overdue_reviews == 2  # Ben (never reviewed) and Cara
    assert summary.stale_requests == 2  # Amy's 20 days and Ben's 16; Cara's 14 is not over
    assert running["Cohort 2025"].summary.behind == 0
    assert [(o.cohort.name, o.size) for o in overview.planned] == [("Cohort 2027", 1)]
    assert [o.cohort.name for o in overview.finished] == [finished.name]
    assert overview.totals.stale_requests == 2


def test_programme_overview_page(client, lead_nurse, world):
    client.force_login(lead_nurse)
    response = client.get(reverse("cohorts:programme_overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("cohorts:cohort_detail", args=[world.cohort.pk]) in page
    assert reverse("cohorts:cohort_detail", args=[world.later.pk]) in page
    assert "<caption" in page
    status = page.split(f'"running-cohort-status" data-cohort="{world.cohort.pk}"')[1]
    status = status.split("</tr>")[0]
    assert 'data-testid="count-active">3<' in status
    assert 'data-testid="count-on_break">1<' in status
    assert 'data-testid="count-withdrawn">1<' in status
    row = page.split(f'"running-cohort" data-cohort="{world.cohort.pk}"')[1].split("</tr>")[0]
    assert 'data-testid="achieved">23<' in row
    assert 'data-testid="on-track">2<' in row
    assert 'data-testid="overdue">2<' in row
    assert 'data-testid="stale">2<' in row
    assert reverse("cohorts:programme_overview_export", args=["xlsx"]) in page
    assert reverse("cohorts:reviews_due") in page
    assert reverse("cohorts:cohort_list") in page


def test_the_overview_from_summaries_matches_the_trainee_rows_on_any_day(world):
    """The overview reads record summaries (ADR 0026); the cohort dashboard counts progress
    rows. They agree today, and on later days when achievements have expired."""
    today = timezone.localdate()
    # Amy's achievements expire in ten days: counted today, not after.
    amy = world.cohort.enrolments.get(trainee__full_name__startswith="Amy")
    CompetencyProgress.objects.filter(
        record=amy.record, state=ProgressState.ACHIEVED, expires_on__isnull=True
    ).update(expires_on=today + _days(10))
    record_summaries_rebuild([amy.record_id])
    for day in (today, today + _days(10), today + _days(40)):
        overview = dashboards.programme_overview(today=day)
        behind = []
        for item in overview.running:
            rows = dashboards.trainee_rows(
                Enrolment.objects.filter(cohort=item.cohort, status__in=CURRENT_STATUSES),
                today=day,
                cohorts=[item.cohort],
            )
            expected = dashboards.summarise(rows)
            for name in programme_counts.PROGRESS_FIELDS:
                assert getattr(item.summary, name) == getattr(expected, name), (day, name)
            behind += [(r.cohort_name, r.trainee_name) for r in rows if r.rag == Rag.BEHIND]
        assert overview.behind_count == len(behind)
        shown = [(b.cohort_name, b.trainee_name) for b in overview.behind_shown]
        assert shown == sorted(behind)[: dashboards.BEHIND_SHOWN]
    later = dashboards.programme_overview(today=today + _days(10))
    first = {item.cohort.pk: item for item in later.running}[world.cohort.pk]
    now = {item.cohort.pk: item for item in dashboards.programme_overview(today=today).running}
    assert first.summary.achieved < now[world.cohort.pk].summary.achieved


def test_the_overview_page_names_a_few_behind_and_the_latest_finished(
    client, lead_nurse, world, monkeypatch
):
    """What the page draws does not grow with the programme (issue #18): the first trainees
    behind by name and the most recently finished cohorts; the download has every cohort."""
    monkeypatch.setattr(dashboards, "BEHIND_SHOWN", 0)
    monkeypatch.setattr(dashboards, "FINISHED_SHOWN", 2)
    finished = [
        factories.CohortFactory(
            name=f"Finished {n}",
            status="finished",
            intake_date=datetime.date(2020 + n, 1, 1),
            planned_end_date=datetime.date(2021 + n, 1, 1),
        )
        for n in range(3)
    ]
    client.force_login(lead_nurse)
    page = client.get(reverse("cohorts:programme_overview")).content.decode()
    assert "1 trainee behind the plan" in page
    assert 'data-testid="trainees-behind-more">And 1 more.' in page
    assert "Finished 2" in page and "Finished 1" in page and "Finished 0" not in page
    download = client.get(reverse("cohorts:programme_overview_export", args=["csv"]))
    assert all(cohort.name in download.content.decode() for cohort in finished)


def test_lead_nurse_lands_on_the_programme_overview(client, lead_nurse):
    client.force_login(lead_nurse)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("cohorts:programme_overview")


# The cohort dashboard page --------------------------------------------------------------------


def _row_html(page, enrolment):
    return page.split(f'data-enrolment="{enrolment.pk}"')[1].split("</tr>")[0]


def test_cohort_dashboard_page(client, lead_nurse, world):
    client.force_login(lead_nurse)
    response = client.get(reverse("cohorts:cohort_detail", args=[world.cohort.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Week 27 of the programme" in page
    assert world.cohort.programme.name in page
    amy = _row_html(page, world.amy)
    assert "5 of 10" in amy and "(plan 5)" in amy
    assert "2 of 4" in amy and "(plan 2)" in amy
    assert '<strong class="nhsuk-tag nhsuk-tag--green">On track</strong>' in amy
    assert "67%" in amy
    assert "Mona Mentor" in amy
    ben = _row_html(page, world.ben)
    assert '<strong class="nhsuk-tag nhsuk-tag--orange">At risk</strong>' in ben
    assert "Overdue" in ben
    cara = _row_html(page, world.cara)
    assert '<strong class="nhsuk-tag nhsuk-tag--red">Behind</strong>' in cara
    assert "No attendance recorded" in cara
    assert f'data-enrolment="{world.fay.pk}"' not in page  # moved to the later cohort
    # Column headers sort; the sorted one says so.
    assert 'aria-sort="ascending"' in page
    assert "?sort=core&amp;order=asc" in page
    for name in ("enrolment_add", "enrolment_import", "training_days", "cohort_edit"):
        assert reverse(f"cohorts:{name}", args=[world.cohort.pk]) in page
    assert reverse("cohorts:trainee_overview", args=[world.amy.pk]) in amy


def test_cohort_dashboard_filters_and_sort_through_the_query_string(client, lead_nurse, world):
    client.force_login(lead_nurse)
    url = reverse("cohorts:cohort_detail", args=[world.cohort.pk])
    response = client.get(url, {"mentor": world.mentor_1.pk, "sort": "core", "order": "desc"})
    assert response.status_code == 200
    assert _names(response.context["rows"]) == ["Amy Ashworth", "Ben Brook"]
    page = response.content.decode()
    assert 'aria-sort="descending"' in page
    # The sort links keep the filter; clicking the sorted column turns it round.
    assert f"?mentor={world.mentor_1.pk}&amp;sort=core&amp;order=asc" in page
    # So do the downloads.
    export = reverse("cohorts:cohort_export", args=[world.cohort.pk, "csv"])
    assert f"{export}?mentor={world.mentor_1.pk}&amp;sort=core&amp;order=desc" in page
    assert "Clear filters" in page and "Apply filters" in page


def test_a_filter_value_not_in_the_list_shows_an_error_and_the_others_still_apply(
    client, lead_nurse, world
):
    client.force_login(lead_nurse)
    response = client.get(
        reverse("cohorts:cohort_detail", args=[world.cohort.pk]),
        {"mentor": "99999", "status": "active", "sort": "nonsense"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "Select a mentor from the list" in page
    assert _names(response.context["rows"]) == ["Amy Ashworth", "Ben Brook", "Cara Cole"]


def test_cohort_dashboard_summary_counts(client, lead_nurse, world):
    client.force_login(lead_nurse)
    response = client.get(reverse("cohorts:cohort_detail", args=[world.cohort.pk]))
    summary = response.content.decode().split('data-testid="cohort-summary"')[1].split("</dl>")[0]
    assert "3 active, 1 on a break, 1 withdrawn, 0 completed, 0 qualified" in summary
    assert "On track</strong> 2<" in summary
    assert "At risk</strong> 1<" in summary
    assert "Behind</strong> 1<" in summary
    assert 'data-testid="summary-achieved">23 by current trainees<' in summary
    assert 'data-testid="summary-overdue">2<' in summary
    assert 'data-testid="summary-requests">4, 2 for more than 14 days<' in summary


def test_a_planned_cohort_says_when_it_starts_and_nothing_is_predicted_yet(client, lead_nurse):
    today = timezone.localdate()
    framework, _ = factories.published_framework_with(core=2)
    cohort = factories.CohortFactory(
        framework=framework,
        status="planned",
        intake_date=today + _days(30),
        planned_end_date=today + _days(400),
    )
    enrolment = factories.enrol(cohort)
    client.force_login(lead_nurse)
    page = client.get(reverse("cohorts:cohort_detail", args=[cohort.pk])).content.decode()
    assert f"Starts on {cohort.intake_date:%-d %B %Y}" in page
    row = _row_html(page, enrolment)
    assert "Nothing achieved yet" in row
    assert '<strong class="nhsuk-tag nhsuk-tag--green">On track</strong>' in row  # nothing planned


def test_the_dashboard_prints_without_its_controls(client, lead_nurse, world):
    client.force_login(lead_nurse)
    response = client.get(
        reverse("cohorts:cohort_detail", args=[world.cohort.pk]), {"mentor": world.mentor_2.pk}
    )
    page = response.content.decode()
    assert "css/dashboards.css" in page
    assert 'class="app-no-print app-dashboard-filters"' in page
    assert 'class="nhsuk-list app-no-print app-dashboard-downloads"' in page
    assert 'class="nhsuk-list app-no-print" data-testid="manage-links"' in page
    assert "app-dashboard-table" in page
    # The filter form does not print, so the printed page says which filters were applied.
    printed = page.split('data-testid="print-filters">')[1].split("</p>")[0]
    assert printed == "Filtered: Mentor: Nick Nurse"


@pytest.mark.parametrize(
    ("value", "css", "label"),
    [
        (Rag.ON_TRACK, "nhsuk-tag--green", "On track"),
        ("at_risk", "nhsuk-tag--orange", "At risk"),
        (Rag.BEHIND, "nhsuk-tag--red", "Behind"),
    ],
)
def test_rag_tags_carry_their_name_as_text(value, css, label):
    assert dashboard_tags.rag_tag(value) == f'<strong class="nhsuk-tag {css}">{label}</strong>'


def test_no_rag_is_a_dash_with_words_for_screen_readers():
    html = dashboard_tags.rag_tag(None)
    assert "Not applicable" in html and "nhsuk-u-visually-hidden" in html
    assert "nhsuk-tag" not in html


# Exports --------------------------------------------------------------------------------------


def test_cohort_export_xlsx(client, lead_nurse, world):
    client.force_login(lead_nurse)
    response = client.get(
        reverse("cohorts:cohort_export", args=[world.cohort.pk, "xlsx"]),
        {"area": world.area.pk, "sort": "core", "order": "desc"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Trainee", "Clinical area", "Status", "Core achieved"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 20
    # Filtered to critical care, sorted by core % descending: Amy, Eve, Ben, Dan.
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert names == ["Amy Ashworth", "Eve Earl", "Ben Brook", "Dan Dale"]
    amy = {h: cell for h, cell in zip(header, sheet[2], strict=True)}
    assert amy["Core achieved"].value == 5
    assert amy["Core required"].value == 10
    assert amy["Core achieved (%)"].value == pytest.approx(0.5)
    assert amy["Core achieved (%)"].number_format == "0%"
    assert amy["Attendance (%)"].value == pytest.approx(2 / 3)
    assert amy["Overall progress"].value == "On track"
    today = timezone.localdate()
    assert amy["Last review"].value.date() == today - _days(30)  # a real date
    assert amy["Predicted completion"].value.date() == today + _days(182)
    assert amy["Mentors"].value == "Mona Mentor"
    assert amy["Open sign-off requests"].value == 1


def test_cohort_export_csv(client, lead_nurse, world):
    client.force_login(lead_nurse)
    response = client.get(
        reverse("cohorts:cohort_export", args=[world.cohort.pk, "csv"]), {"rag": "behind"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["Trainee"] for r in rows] == ["Cara Cole"]
    cara = rows[0]
    assert cara["Core achieved"] == "3"
    assert cara["Core achieved (%)"] == "30.0"
    assert cara["Specific planned by today"] == "1"
    assert cara["Overall progress"] == "Behind"
    assert cara["Attendance (%)"] == ""
    due = timezone.localdate() - _days(90) + datetime.timedelta(weeks=12)
    assert cara["Next review due"] == due.isoformat()


def test_export_keeps_a_formula_like_name_as_text(client, lead_nurse):
    cohort = factories.CohortFactory()
    factories.enrol(cohort, trainee=factories.TraineeFactory(full_name="=HYPERLINK(1)"))
    client.force_login(lead_nurse)
    url = reverse("cohorts:cohort_export", args=[cohort.pk, "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    # A text cell, never a formula, with Excel's quote prefix: the name shows as it was typed.
    assert sheet["A2"].value == "=HYPERLINK(1)"
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].quotePrefix
    csv_url = reverse("cohorts:cohort_export", args=[cohort.pk, "csv"])
    assert "\r\n'=HYPERLINK(1)," in client.get(csv_url).content.decode("utf-8-sig")


def test_programme_export_xlsx_and_csv(client, lead_nurse, world):
    client.force_login(lead_nurse)
    response = client.get(reverse("cohorts:programme_overview_export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    running = rows["Cohort 2026"]
    assert running["Active"] == 3 and running["On a break"] == 1 and running["Withdrawn"] == 1
    assert running["Competencies achieved"] == 23
    assert (running["On track"], running["At risk"], running["Behind"]) == (2, 1, 1)
    assert running["Reviews overdue"] == 2
    assert running["Sign-off requests waiting more than 14 days"] == 2
    assert running["Intake"].date() == world.cohort.intake_date
    assert rows["Cohort 2027"]["Status"] == "Planned"
    assert rows["Cohort 2027"]["Trainees"] == 1
    assert rows["Cohort 2027"]["On track"] is None  # not running: no progress numbers

    response = client.get(reverse("cohorts:programme_overview_export", args=["csv"]))
    parsed = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["Cohort"]: r["Behind"] for r in parsed} == {"Cohort 2026": "1", "Cohort 2027": ""}


@pytest.mark.parametrize("fmt", ["pdf", "xls", "CSV"])
def test_unknown_export_formats_are_not_found(client, lead_nurse, fmt):
    cohort = factories.CohortFactory()
    client.force_login(lead_nurse)
    assert client.get(reverse("cohorts:cohort_export", args=[cohort.pk, fmt])).status_code == 404
    assert client.get(reverse("cohorts:programme_overview_export", args=[fmt])).status_code == 404


def test_a_missing_cohort_is_not_found(client, lead_nurse):
    client.force_login(lead_nurse)
    assert client.get(reverse("cohorts:cohort_detail", args=[987654])).status_code == 404


# Who may see the dashboards -------------------------------------------------------------------


def _pages(cohort):
    return [
        reverse("cohorts:cohort_detail", args=[cohort.pk]),
        reverse("cohorts:cohort_export", args=[cohort.pk, "csv"]),
        reverse("cohorts:programme_overview"),
        reverse("cohorts:programme_overview_export", args=["xlsx"]),
    ]


def test_anonymous_people_are_sent_to_sign_in(client):
    cohort = factories.CohortFactory()
    for url in _pages(cohort):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/sign-in/")


@pytest.mark.parametrize(
    "make",
    [
        factories.TraineeFactory,
        factories.MentorFactory,
        factories.TutorFactory,
        factories.ManagerFactory,
        factories.AdministratorFactory,
    ],
    ids=["trainee", "mentor", "tutor", "manager", "administrator"],
)
def test_other_roles_are_refused(client, make):
    cohort = factories.CohortFactory()
    person = make()
    # Even supporting a trainee in the cohort does not open the dashboards to these roles.
    if not person.has_role("trainee"):
        factories.enrol(cohort, mentor=person)
    else:
        factories.enrol(cohort, trainee=person)
    client.force_login(person)
    for url in _pages(cohort):
        assert client.get(url).status_code == 403, url


def test_practice_educator_sees_only_cohorts_they_support(client):
    supported, other = factories.CohortFactory(), factories.CohortFactory()
    educator = factories.PracticeEducatorFactory()
    factories.enrol(supported, educator=educator)
    factories.enrol(other)
    client.force_login(educator)
    assert client.get(reverse("cohorts:cohort_detail", args=[supported.pk])).status_code == 200
    export = reverse("cohorts:cohort_export", args=[supported.pk, "xlsx"])
    assert client.get(export).status_code == 200
    assert client.get(reverse("cohorts:cohort_detail", args=[other.pk])).status_code == 403
    assert client.get(reverse("cohorts:cohort_export", args=[other.pk, "csv"])).status_code == 403
    # The programme overview is the lead nurse's alone.
    assert client.get(reverse("cohorts:programme_overview")).status_code == 403


def test_practice_educator_does_not_get_the_lead_nurses_links(client):
    cohort = factories.CohortFactory()
    educator = factories.PracticeEducatorFactory()
    factories.enrol(cohort, educator=educator)
    client.force_login(educator)
    page = client.get(reverse("cohorts:cohort_detail", args=[cohort.pk])).content.decode()
    assert 'data-testid="manage-links"' not in page
    assert reverse("cohorts:cohort_edit", args=[cohort.pk]) not in page


# Query counts ---------------------------------------------------------------------------------


def _busy_cohort(size: int, *, programme=None):
    """A running cohort of `size` trainees, each with a mentor, an attendance mark, a review
    and an open sign-off request, on a programme with a plan."""
    framework, area = factories.published_framework_with(core=3, specific=2)
    programme = programme or factories.ProgrammeFactory()
    plan = ProgrammePlan.objects.create(programme=programme, framework=framework)
    Milestone.objects.create(plan=plan, week=10, core_target=1, specific_target=1)
    cohort = factories.CohortFactory(programme=programme, framework=framework)
    day = TrainingDay.objects.create(cohort=cohort, date=cohort.intake_date, topic="Induction")
    lead = factories.LeadNurseFactory()
    for n in range(size):
        mentor = factories.MentorFactory()
        enrolment = factories.enrol(cohort, area=area, mentor=mentor)
        _achieve(enrolment, core=n % 3, specific=n % 2)
        Attendance.objects.create(training_day=day, enrolment=enrolment, status="present")
        _review(enrolment, timezone.localdate() - _days(n), lead)
        _request(enrolment, mentor, days_ago=n)
    return cohort


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["cohort_detail", "cohort_export"])
def test_cohort_dashboard_queries_do_not_grow_with_trainees(client, lead_nurse, url_name):
    small, large = _busy_cohort(2), _busy_cohort(40)
    client.force_login(lead_nurse)

    def url(cohort):
        args = [cohort.pk] if url_name == "cohort_detail" else [cohort.pk, "xlsx"]
        return reverse(f"cohorts:{url_name}", args=args)

    _count_queries(client, url(small))  # warm up the session and the sign-in
    counts = [_count_queries(client, url(small)), _count_queries(client, url(large))]
    assert counts[0] == counts[1]
    # The session, the person and their roles (one query), the cohort; the enrolments with their
    # numbers and mentors, their progress counts (grouped in a query of their own, see
    # docs/performance.md) and the plan's milestones. The header's unread notifications were
    # counted by the first request and are kept in the cache since (issue #18). (One fewer
    # than before the mentors were joined to the enrolments, one fewer again for the cache.)
    # One more for the row notes other apps add (apprenticeships: is this cohort's programme an
    # apprenticeship, to tag those behind on off-the-job hours). The page (not the download) one
    # more for the links other apps add to the rows shown (cohorts/selectors/trainee_links.py:
    # apprenticeships asks which rows are apprentices).
    assert counts[1] == (8 if url_name == "cohort_detail" else 7)


def test_programme_overview_queries_do_not_grow_with_cohorts(client, lead_nurse):
    client.force_login(lead_nurse)
    url = reverse("cohorts:programme_overview")
    _busy_cohort(3)
    _count_queries(client, url)
    one = _count_queries(client, url)
    for size in (2, 5, 4):
        _busy_cohort(size)
    factories.CohortFactory(status="planned")
    factories.CohortFactory(status="finished")
    # The three new running cohorts are counted and their numbers kept (cohorts/counts_kept.py):
    # their rows made and read back, the count, the numbers written.
    assert _count_queries(client, url) == one + 4
    four = _count_queries(client, url)
    assert one == four
    assert four <= 11  # the progress counts are grouped in a query of their own


def test_the_overview_shows_running_cohorts_a_page_at_a_time_and_counts_them_all(
    client, lead_nurse, monkeypatch
):
    """At national scale a programme runs dozens of cohorts: the tables show a page of them in
    order of intake, while the totals and the trainees behind count every running cohort."""
    monkeypatch.setattr(dashboards, "RUNNING_PER_PAGE", 2)
    busy = [_busy_cohort(size) for size in (2, 3, 1)]
    client.force_login(lead_nurse)
    url = reverse("cohorts:programme_overview")
    first = client.get(url).content.decode()
    last = client.get(url + "?page=2").content.decode()
    overview = dashboards.programme_overview()
    in_order = [item.cohort for item in overview.running]
    assert len(in_order) == len(busy)

    def shown(page):
        return [c.name for c in in_order if f'data-cohort="{c.pk}"' in page]

    assert shown(first) == [c.name for c in in_order[:2]]
    assert shown(last) == [in_order[2].name]
    assert "Cohorts 1 to 2 of 3, by intake date." in first
    assert 'aria-label="Page 2"' in first
    totals = overview.totals
    for page in (first, last):
        assert f"Across running cohorts: {totals.current} current trainees" in page
        assert "Running cohorts (3)" in page
