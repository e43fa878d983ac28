"""Each enrolment's stored next review date (Enrolment.review_due_on, cohorts/review_due.py),
which the reviews due list reads on its index (issue #18 point 5): every service that moves it
keeps it, and after any mix of changes it equals the date the schedule works out. The same for
its record's last review (Enrolment.record_last_review_on), which the dashboards read."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts.models import Enrolment, EnrolmentStatus, Review
from cohorts.selectors.reviews import DueStatus, review_schedule, reviews_due
from cohorts.services import reviews as review_services
from cohorts.services.cohorts import (
    cohort_update,
    enrolment_change_status,
    enrolment_defer,
)
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(weeks=1)


def truth(enrolment: Enrolment) -> datetime.date | None:
    """The date worked out from scratch: the last review (or the start) plus the cohort's
    interval, for a trainee active in a running cohort; nothing otherwise."""
    cohort = enrolment.cohort
    if enrolment.status != EnrolmentStatus.ACTIVE or cohort.status != "running":
        return None
    last = enrolment.reviews.aggregate(last=Max("held_on"))["last"]
    return (last or enrolment.start_date) + cohort.review_interval_weeks * WEEK


def record_truth(enrolment: Enrolment) -> datetime.date | None:
    """The latest review of the enrolment's record, in any of its enrolments."""
    return Review.objects.filter(enrolment__record=enrolment.record_id).aggregate(
        last=Max("held_on")
    )["last"]


def assert_all_right():
    for enrolment in Enrolment.objects.select_related("cohort"):
        assert enrolment.review_due_on == truth(enrolment), enrolment
        assert enrolment.record_last_review_on == record_truth(enrolment), enrolment


def stored(enrolment) -> datetime.date | None:
    return Enrolment.objects.values_list("review_due_on", flat=True).get(pk=enrolment.pk)


def record_last(enrolment) -> datetime.date | None:
    return Enrolment.objects.values_list("record_last_review_on", flat=True).get(pk=enrolment.pk)


def review(enrolment, held_on, lead):
    return review_services.review_record(
        actor=None,
        recorded_by=lead,
        enrolment=enrolment,
        held_on=held_on,
        progress_summary="Progress",
        rag="green",
        rag_reason="Fine",
    )


@pytest.fixture
def lead():
    return factories.LeadNurseFactory()


@pytest.fixture
def cohort():
    return factories.CohortFactory()  # running, started 20 weeks ago, reviews every 12 weeks


# Each service that moves it -------------------------------------------------------------------


def test_enrolling_on_a_running_cohort_sets_the_start_plus_the_interval(cohort):
    enrolment = factories.enrol(cohort)
    assert stored(enrolment) == enrolment.review_due_on == cohort.intake_date + 12 * WEEK


def test_enrolling_on_a_planned_cohort_sets_nothing(cohort):
    planned = factories.CohortFactory(status="planned", intake_date=TODAY() + 4 * WEEK)
    assert stored(factories.enrol(planned)) is None


def test_a_review_moves_it_and_an_older_one_recorded_later_does_not(cohort, lead):
    enrolment = factories.enrol(cohort)
    review(enrolment, TODAY() - 2 * WEEK, lead)
    assert stored(enrolment) == TODAY() + 10 * WEEK
    review(enrolment, TODAY() - 8 * WEEK, lead)  # a review written up late: the latest counts
    assert stored(enrolment) == TODAY() + 10 * WEEK


def test_a_break_clears_it_and_the_return_sets_it_again(cohort, lead):
    enrolment = factories.enrol(cohort)
    review(enrolment, TODAY() - 3 * WEEK, lead)
    enrolment_change_status(actor=None, enrolment=enrolment, status="on_break", reason="Leave")
    assert stored(enrolment) is None
    enrolment_change_status(actor=None, enrolment=enrolment, status="active")
    assert stored(enrolment) == TODAY() + 9 * WEEK


@pytest.mark.parametrize("status", ["withdrawn", "completed"])
def test_an_enrolment_that_ends_has_none(cohort, status):
    enrolment = factories.enrol(cohort)
    enrolment_change_status(actor=None, enrolment=enrolment, status=status, reason="Left")
    assert stored(enrolment) is None


def test_a_move_clears_the_old_enrolment_and_dates_the_new_one(cohort):
    later = factories.CohortFactory(
        programme=cohort.programme,
        framework=cohort.framework,
        intake_date=TODAY() - 2 * WEEK,
        review_interval_weeks=6,
    )
    enrolment = factories.enrol(cohort)
    moved = enrolment_defer(actor=None, enrolment=enrolment, to_cohort=later, reason="Leave")
    assert stored(enrolment) is None
    assert stored(moved) == moved.review_due_on == TODAY() + 6 * WEEK  # started today


def test_a_review_in_either_cohort_is_the_last_review_of_both_enrolments(cohort, lead):
    """The dashboards judge by the record's last review: a trainee moved to a later cohort
    brings their reviews with them, and one in the later cohort is the earlier enrolment's
    record's last review too."""
    later = factories.CohortFactory(
        programme=cohort.programme, framework=cohort.framework, intake_date=TODAY() - 2 * WEEK
    )
    enrolment = factories.enrol(cohort)
    review(enrolment, TODAY() - 6 * WEEK, lead)
    moved = enrolment_defer(actor=None, enrolment=enrolment, to_cohort=later, reason="Leave")
    assert moved.record_last_review_on == TODAY() - 6 * WEEK
    assert stored(moved) == TODAY() + 12 * WEEK  # the due date counts from the new start
    review(moved, TODAY(), lead)
    assert record_last(enrolment) == record_last(moved) == TODAY()
    assert_all_right()


def test_the_cohorts_interval_and_status_move_every_trainees_date(cohort, lead):
    reviewed, new = factories.enrol(cohort), factories.enrol(cohort)
    review(reviewed, TODAY() - WEEK, lead)
    cohort_update(actor=None, cohort=cohort, review_interval_weeks=4)
    assert (stored(reviewed), stored(new)) == (TODAY() + 3 * WEEK, cohort.intake_date + 4 * WEEK)
    cohort_update(actor=None, cohort=cohort, status="finished")
    assert (stored(reviewed), stored(new)) == (None, None)
    cohort_update(actor=None, cohort=cohort, status="running")
    assert (stored(reviewed), stored(new)) == (TODAY() + 3 * WEEK, cohort.intake_date + 4 * WEEK)


def test_a_planned_cohort_that_starts_running_dates_its_trainees():
    planned = factories.CohortFactory(status="planned", intake_date=TODAY() - DAY)
    enrolment = factories.enrol(planned)
    cohort_update(actor=None, cohort=planned, status="running")
    assert stored(enrolment) == planned.intake_date + 12 * WEEK


# Always right ---------------------------------------------------------------------------------


def test_after_a_mix_of_changes_every_date_is_the_one_worked_out_from_scratch(cohort, lead):
    programme, framework = cohort.programme, cohort.framework
    later = factories.CohortFactory(
        programme=programme,
        framework=framework,
        status="planned",
        intake_date=TODAY() - 3 * DAY,
        review_interval_weeks=8,
    )
    elsewhere = factories.CohortFactory(review_interval_weeks=10)
    first, second, third = (factories.enrol(cohort) for _ in range(3))
    waiting = factories.enrol(later)
    other = factories.enrol(elsewhere)
    steps = [
        lambda: review(first, TODAY() - 5 * WEEK, lead),
        lambda: review(first, TODAY() - 9 * WEEK, lead),
        lambda: review(other, TODAY() - DAY, lead),
        lambda: enrolment_change_status(
            actor=None, enrolment=second, status="on_break", reason="Leave"
        ),
        lambda: review(second, TODAY() - 2 * DAY, lead),  # on a break, and reviewed
        lambda: enrolment_change_status(actor=None, enrolment=second, status="active"),
        lambda: enrolment_change_status(
            actor=None, enrolment=third, status="withdrawn", reason="Left"
        ),
        lambda: enrolment_defer(actor=None, enrolment=first, to_cohort=later, reason="Leave"),
        lambda: cohort_update(actor=None, cohort=later, status="running"),
        lambda: review(Enrolment.objects.get(trainee=first.trainee, cohort=later), TODAY(), lead),
        lambda: cohort_update(actor=None, cohort=later, review_interval_weeks=5),
        lambda: cohort_update(actor=None, cohort=cohort, review_interval_weeks=7),
        lambda: enrolment_change_status(actor=None, enrolment=other, status="completed"),
        lambda: cohort_update(actor=None, cohort=cohort, status="finished"),
    ]
    for step in steps:
        step()
        assert_all_right()
    assert stored(waiting) == later.intake_date + 5 * WEEK


def test_the_list_flags_exactly_what_the_schedule_flags(cohort, lead):
    """The stored dates against the schedule, which still works the date out from the reviews."""
    enrolments = [factories.enrol(cohort) for _ in range(6)]
    for days, enrolment in zip((1, 60, 75, 84, 90), enrolments, strict=False):
        review(enrolment, TODAY() - days * DAY, lead)
    enrolment_change_status(actor=None, enrolment=enrolments[5], status="on_break", reason="x")
    schedule = {row.enrolment.pk: row for row in review_schedule(cohort)}
    rows = list(reviews_due())
    assert {row.enrolment.pk for row in rows} == {
        pk for pk, row in schedule.items() if row.is_flagged
    }
    for row in rows:
        assert (row.next_due, row.status, row.last_review_on) == (
            schedule[row.enrolment.pk].next_due,
            schedule[row.enrolment.pk].status,
            schedule[row.enrolment.pk].last_review_on,
        )


def test_the_command_rebuilds_dates_written_behind_the_services_back(cohort, lead):
    enrolments = [factories.enrol(cohort) for _ in range(3)]
    review(enrolments[0], TODAY() - WEEK, lead)
    Enrolment.objects.update(review_due_on=None, record_last_review_on=TODAY())
    Enrolment.objects.filter(pk=enrolments[1].pk).update(status=EnrolmentStatus.ON_BREAK)
    out = StringIO()
    call_command("rebuild_review_due_dates", stdout=out)
    assert "Recounted 3 enrolments: 2 with a review to come" in out.getvalue()
    assert_all_right()


def test_the_demo_dates_are_right():
    call_command("seed_demo", stdout=StringIO())
    assert_all_right()
    statuses = [row.status for row in reviews_due()]
    assert statuses.count(DueStatus.OVERDUE) == 1


# The list reads what it shows -----------------------------------------------------------------


def test_the_list_is_most_urgent_first_then_by_name_and_a_slice_is_one_query(cohort, lead):
    names = ["Cara", "Abel", "Bea"]
    enrolments = [
        factories.enrol(cohort, trainee=factories.TraineeFactory(full_name=name)) for name in names
    ]
    review(enrolments[0], TODAY() - 11 * WEEK, lead)  # due in a week: last
    rows = reviews_due()
    with CaptureQueriesContext(connection) as queries:
        count, page = rows.count(), rows[0:3]
    assert len(queries) == 2
    assert count == 3
    assert [row.enrolment.trainee.full_name for row in page] == ["Abel", "Bea", "Cara"]
    assert [row.status for row in page] == [DueStatus.OVERDUE] * 2 + [DueStatus.DUE_SOON]
    assert page[0].days_overdue == 56 and page[2].last_review_on == TODAY() - 11 * WEEK


# The Django admin, where a cohort and reviews can be changed too ------------------------------


def _cohort_form(cohort, **changes) -> dict:
    data = {
        "programme": cohort.programme_id,
        "name": cohort.name,
        "intake_date": cohort.intake_date.isoformat(),
        "planned_end_date": cohort.planned_end_date.isoformat(),
        "status": cohort.status,
        "framework": cohort.framework_id,
        "review_interval_weeks": cohort.review_interval_weeks,
        "_save": "Save",
    }
    return {**data, **changes}


def test_a_cohort_changed_in_the_admin_moves_its_trainees_dates(client, cohort):
    from django.urls import reverse

    enrolment = factories.enrol(cohort)
    client.force_login(factories.AdministratorFactory())
    url = reverse("admin:cohorts_cohort_change", args=[cohort.pk])
    response = client.post(url, _cohort_form(cohort, review_interval_weeks=6))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(enrolment) == cohort.intake_date + 6 * WEEK
    client.post(url, _cohort_form(cohort, review_interval_weeks=6, status="finished"))
    assert stored(enrolment) is None


def test_reviews_added_moved_and_deleted_in_the_admin_move_the_dates(client, cohort, lead):
    from django.urls import reverse

    from cohorts.models import Review

    first, second = factories.enrol(cohort), factories.enrol(cohort)
    client.force_login(factories.AdministratorFactory())
    form = {
        "enrolment": first.pk,
        "held_on": (TODAY() - WEEK).isoformat(),
        "progress_summary": "Progress",
        "concerns": "",
        "rag": "green",
        "rag_reason": "Fine",
        "recorded_by": lead.pk,
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    added = client.post(reverse("admin:cohorts_review_add"), form)
    assert added.status_code == 302, added.content.decode()[:2000]
    review = Review.objects.get()
    assert stored(first) == TODAY() + 11 * WEEK
    client.post(reverse("admin:cohorts_review_change", args=[review.pk]), {
        **form, "enrolment": second.pk})  # fmt: skip
    assert (stored(first), stored(second)) == (truth(first), TODAY() + 11 * WEEK)
    assert stored(first) == cohort.intake_date + 12 * WEEK
    client.post(reverse("admin:cohorts_review_delete", args=[review.pk]), {"post": "yes"})
    assert not Review.objects.exists()
    assert stored(second) == cohort.intake_date + 12 * WEEK
    assert_all_right()


def test_reviews_deleted_together_in_the_admin_move_the_dates(client, cohort, lead):
    from django.urls import reverse

    enrolment = factories.enrol(cohort)
    reviews = [review(enrolment, TODAY() - days * DAY, lead) for days in (3, 30)]
    client.force_login(factories.AdministratorFactory())
    response = client.post(
        reverse("admin:cohorts_review_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in reviews], "post": "yes"},
    )
    assert response.status_code == 302
    assert stored(enrolment) == cohort.intake_date + 12 * WEEK


def test_the_migration_fills_every_enrolments_record_last_review(cohort, lead):
    import importlib

    from django.apps import apps

    later = factories.CohortFactory(
        programme=cohort.programme, framework=cohort.framework, intake_date=TODAY() - 2 * WEEK
    )
    enrolment, unreviewed = factories.enrol(cohort), factories.enrol(cohort)
    review(enrolment, TODAY() - 4 * WEEK, lead)
    moved = enrolment_defer(actor=None, enrolment=enrolment, to_cohort=later, reason="Leave")
    review(moved, TODAY(), lead)
    Enrolment.objects.update(record_last_review_on=None)
    migration = importlib.import_module("cohorts.migrations.0010_enrolment_record_last_review")
    migration.fill(apps, None)
    assert (record_last(enrolment), record_last(moved), record_last(unreviewed)) == (
        TODAY(),
        TODAY(),
        None,
    )
    assert_all_right()
