"""Each enrolment's next review date, kept for the reviews due list (Enrolment.review_due_on),
and its record's last review, kept for the dashboards (Enrolment.record_last_review_on).

The list judges a review due exactly as the schedule does (cohorts/selectors/reviews.py): the
last review, or the start when there is none, plus the cohort's interval, for a trainee active
in a running cohort. Kept on the enrolment, the list is a range of one index, however many
trainees are running. The date does not depend on the day, only on what the services change:

- a review recorded (review_record);
- the enrolment made, its status changed, or moved to a later cohort (enrolment_create,
  enrolment_change_status, enrolment_defer);
- the cohort's status or review interval (cohort_update).

Each of them calls `review_due_refresh` in its own transaction: a recount from the truth (the
reviews, the enrolment, its cohort), never an increment. The record's last review is recounted
at the same time for every enrolment of the records touched: a review counts for the record.
`manage.py rebuild_review_due_dates` recounts every enrolment after data was loaded other than
through the services (the scale seed and the demo call it themselves); the migrations that
added the fields filled them.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet, Subquery

from cohorts.counts_kept import counts_stale
from cohorts.models import Cohort, Enrolment, EnrolmentStatus
from cohorts.selectors.reviews import last_review_subquery, latest_review, next_review_due

BATCH = 1000


def review_due_on(
    *,
    status: str,
    cohort_status: str,
    start: datetime.date,
    interval_weeks: int,
    last_review_on: datetime.date | None,
) -> datetime.date | None:
    """The date the reviews due list judges an enrolment by; None when it is never listed."""
    if status != EnrolmentStatus.ACTIVE or cohort_status != Cohort.Status.RUNNING:
        return None
    return next_review_due(
        last_review_on=last_review_on, start=start, interval_weeks=interval_weeks
    )


def record_last_review_subquery() -> Subquery:
    """The latest review of the enrolment's record, in any of its enrolments (the dashboards')."""
    return latest_review("enrolment__record", "record")


def review_due_refresh(
    enrolments: QuerySet[Enrolment] | None = None,
) -> dict[int, datetime.date | None]:
    """Recount (see _refresh); each enrolment's due date by pk."""
    return {pk: due for pk, (due, _) in _refresh(enrolments).items()}


@transaction.atomic
def _refresh(
    enrolments: QuerySet[Enrolment] | None,
) -> dict[int, tuple[datetime.date | None, datetime.date | None]]:
    """Recount the review due date of these enrolments (every one when None), and the last
    review of their records in every enrolment of those records, writing those that changed;
    returns each one's due date and record's last review by pk. Locks them first, so that what
    it then reads includes a change committed meanwhile by a transaction that held one of them
    (a review recorded while the cohort's interval changes: whichever comes second counts
    both)."""
    everyone = enrolments is None
    if everyone:
        enrolments = Enrolment.objects.all()
    else:
        # A review counts for the record: its other enrolments (an earlier cohort, a later
        # one) share the record's last review.
        enrolments = Enrolment.objects.filter(record__in=enrolments.values("record"))
    ids = list(
        enrolments.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True)
    )
    dues, changed = {}, []
    for start in range(0, len(ids), BATCH):
        rows = (
            Enrolment.objects.filter(pk__in=ids[start : start + BATCH])
            .annotate(
                last_review_on=last_review_subquery(),
                record_last=record_last_review_subquery(),
            )
            .values_list(
                "pk",
                "status",
                "start_date",
                "cohort__status",
                "cohort__review_interval_weeks",
                "last_review_on",
                "review_due_on",
                "record_last",
                "record_last_review_on",
            )
        )
        for pk, status, start_date, cohort_status, weeks, last, stored, record_last, kept in rows:
            due = review_due_on(
                status=status,
                cohort_status=cohort_status,
                start=start_date,
                interval_weeks=weeks,
                last_review_on=last,
            )
            dues[pk] = (due, record_last)
            if due != stored or record_last != kept:
                changed.append(
                    Enrolment(pk=pk, review_due_on=due, record_last_review_on=record_last)
                )
    Enrolment.objects.bulk_update(
        changed, ["review_due_on", "record_last_review_on"], batch_size=BATCH
    )
    # What these dates follow (reviews, statuses, cohorts) moves the overview's numbers too.
    counts_stale(
        None
        if everyone
        else Enrolment.objects.filter(pk__in=ids).values_list("cohort_id", flat=True)
    )
    return dues


def review_due_keep(*enrolments: Enrolment) -> None:
    """Refresh these enrolments' dates, and the instances too: the caller may save them again."""
    dates = _refresh(Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]))
    for enrolment in enrolments:
        enrolment.review_due_on, enrolment.record_last_review_on = dates[enrolment.pk]
