"""The programme overview's kept numbers (cohorts/counts_kept.py) are always the numbers counted
from scratch: after every kind of change a service makes, on another day, with another plan;
and while nothing changes, the overview reads them instead of judging every trainee again."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, RunningCohortCounts
from cohorts.selectors.dashboards import (
    milestones_by_programme,
    overview_numbers_sql,
    programme_overview,
)
from cohorts.selectors.programme_counts import PROGRESS_FIELDS, RunningCounts, running_counts
from cohorts.services.cohorts import (
    cohort_update,
    enrolment_change_status,
    enrolment_create,
    enrolment_defer,
    programme_plan_save,
)
from cohorts.services.reviews import review_record
from competencies import services
from competencies.models import Assessment, CompetencyProgress
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
WEEK = datetime.timedelta(weeks=1)


def _numbers(by_status: dict, source) -> dict:
    return {"by_status": dict(by_status), **{n: getattr(source, n) for n in PROGRESS_FIELDS}}


def counted_from_scratch(today: datetime.date | None = None) -> dict[int, dict]:
    """Every running cohort's numbers, counted now by programme_counts, keeping nothing."""
    today = today or TODAY()
    running = list(Cohort.objects.filter(status=Cohort.Status.RUNNING))
    milestones = milestones_by_programme(c.programme_id for c in running)
    counted = running_counts(
        running, overview_numbers_sql(running, today=today), milestones=milestones, today=today
    )
    numbers = {c.pk: counted.get(c.pk) or RunningCounts() for c in running}
    return {pk: _numbers(counts.by_status, counts) for pk, counts in numbers.items()}


def shown(today: datetime.date | None = None) -> dict[int, dict]:
    """Every running cohort's numbers as the overview shows them."""
    overview = programme_overview(today=today)
    return {
        item.cohort.pk: _numbers(item.summary.by_status, item.summary) for item in overview.running
    }


@pytest.fixture
def scene():
    framework, area = factories.published_framework_with(core=3, specific=1)
    programme = factories.ProgrammeFactory()
    lead = factories.LeadNurseFactory()
    programme_plan_save(
        actor=None,
        programme=programme,
        framework=framework,
        review_interval_weeks=8,
        milestones=[(10, 1, 0), (30, 3, 1)],
    )
    first = factories.CohortFactory(programme=programme, framework=framework)
    later = factories.CohortFactory(
        programme=programme, framework=framework, intake_date=TODAY() - 4 * WEEK
    )
    mentor = factories.MentorFactory()
    trainees = [factories.enrol(first, area=area, mentor=mentor) for _ in range(3)]
    trainees.append(factories.enrol(later, area=area, mentor=mentor))
    return {
        "programme": programme,
        "framework": framework,
        "area": area,
        "lead": lead,
        "first": first,
        "later": later,
        "mentor": mentor,
        "trainees": trainees,
    }


def _ask(enrolment, mentor, n=0):
    progress = (
        CompetencyProgress.objects.filter(record=enrolment.record)
        .exclude(state="achieved")
        .select_related("competency")
        .order_by("competency_id")
    )
    return services.sign_off_request_create(
        actor=enrolment.trainee,
        record=enrolment.record,
        competency=progress[n].competency,
        mentor=mentor,
    )


def test_after_every_kind_of_change_the_overview_shows_the_numbers_counted_from_scratch(
    scene, django_capture_on_commit_callbacks
):
    one, two, three, four = scene["trainees"]
    mentor, lead = scene["mentor"], scene["lead"]
    waiting = {}

    def review():
        review_record(
            actor=None,
            recorded_by=lead,
            enrolment=one,
            held_on=TODAY(),
            progress_summary="Progress",
            rag="green",
            rag_reason="Fine",
        )

    steps = {
        "a sign-off asked for": lambda: waiting.update(request=_ask(one, mentor)),
        "signed off": lambda: factories.decide_achieved(waiting["request"], mentor),
        "another signed off": lambda: factories.decide_achieved(_ask(two, mentor), mentor),
        "revoked": lambda: services.assessment_revoke(
            actor=lead,
            assessment=Assessment.objects.filter(record=two.record).latest("pk"),
            reason="Signed for the wrong trainee",
            signature=factories.signature(),
        ),
        "asked for again": lambda: waiting.update(again=_ask(three, mentor)),
        "withdrawn": lambda: services.sign_off_request_withdraw(
            actor=three.trainee, sign_off_request=waiting["again"]
        ),
        "a review recorded": review,
        "a break": lambda: enrolment_change_status(
            actor=None, enrolment=two, status="on_break", reason="Leave"
        ),
        "a trainee enrolled": lambda: enrolment_create(
            actor=None,
            cohort=scene["later"],
            trainee=factories.TraineeFactory(),
            clinical_area=scene["area"],
        ),
        "moved to a later cohort": lambda: enrolment_defer(
            actor=None, enrolment=two, to_cohort=scene["later"], reason="Leave"
        ),
        "the plan changed": lambda: programme_plan_save(
            actor=None,
            programme=scene["programme"],
            framework=scene["framework"],
            review_interval_weeks=8,
            milestones=[(4, 2, 1)],
        ),
        "the review interval changed": lambda: cohort_update(
            actor=None, cohort=scene["first"], review_interval_weeks=26
        ),
        "a withdrawal": lambda: enrolment_change_status(
            actor=None, enrolment=four, status="withdrawn", reason="Left"
        ),
        "a summary rebuilt": lambda: services_rebuild(three),
    }
    seen = [shown()]
    for name, step in steps.items():
        shown()  # kept as they stand before the change
        with django_capture_on_commit_callbacks(execute=True):
            step()
        assert shown() == counted_from_scratch(), name
        seen.append(shown())
    # Every step moved something: none of the checks above compared numbers that stood still.
    still = [n for n, before, after in zip(steps, seen, seen[1:], strict=False) if before == after]
    assert still == []


def services_rebuild(enrolment):
    """A progress row changed behind the services' back, then its summary rebuilt (as the
    command does after a load)."""
    from competencies.summaries import record_summaries_rebuild

    CompetencyProgress.objects.filter(record=enrolment.record).update(
        state="achieved", achieved_on=TODAY()
    )
    record_summaries_rebuild([enrolment.record_id])


def test_while_nothing_changes_the_overview_reads_the_kept_numbers(client, scene):
    client.force_login(scene["lead"])
    url = reverse("cohorts:programme_overview")

    def judged(response_queries) -> bool:
        return any("FROM judged GROUP BY cohort_id" in q["sql"] for q in response_queries)

    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    assert judged(first.captured_queries)
    assert RunningCohortCounts.objects.filter(counted_on=TODAY()).count() == 2
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert not judged(second.captured_queries)
    assert len(second.captured_queries) < len(first.captured_queries)


def test_another_day_is_counted_again(scene, django_capture_on_commit_callbacks):
    shown()
    for days in (1, 40, 400):
        later = TODAY() + datetime.timedelta(days=days)
        assert shown(later) == counted_from_scratch(later)
    assert shown() == counted_from_scratch()


def test_numbers_counted_before_a_change_are_counted_again(
    scene, django_capture_on_commit_callbacks
):
    """A view that counted while a change was being made kept the version from before it: the
    change's raise makes the next view count again."""
    one = scene["trainees"][0]
    kept_before = shown()
    # The change, committed; its raise not yet run (as if the view had counted in between).
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.sign_off_request_create(
            actor=one.trainee,
            record=one.record,
            competency=CompetencyProgress.objects.filter(record=one.record).first().competency,
            mentor=scene["mentor"],
        )
    assert shown() == kept_before  # the moment between the commit and the raise
    for callback in callbacks:
        callback()
    assert shown() == counted_from_scratch() != kept_before
