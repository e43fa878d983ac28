"""Demo progress reviews.

- Second cohort (week 22 of 52 today, reviews every 12 weeks): a week-12 review for every
  trainee but one, rated from how far each has got (the share of competencies achieved runs from
  55% down to 4% in enrolment order), with agreed actions and nearly all confirmations.
  Rachel Stones has had no review yet, so hers was due at week 12 and is overdue; Hannah Price's
  and Kieran Murphy's reviews were held a few days early, so their next ones are due within 14
  days. Everyone else held theirs a little after week 12, so their next is not due yet.
- First cohort (finished): four reviews each, at about weeks 12, 24, 36 and 48, all confirmed.

Written with bulk inserts: the reviews are history, not something a person does today.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, DateTimeField, Q, Value, When
from django.utils import timezone

from cohorts.models import Enrolment, Review, ReviewAction, ReviewConfirmation
from competencies.models import CompetencyProgress, ProgressState
from pathway.models import Allocation

# Second cohort, by index in enrolment order.
OVERDUE_INDEX = 12  # no week-12 review: overdue
# Days the week-12 review was held after week 12 (negative: before). Next review due =
# held + 12 weeks = today + 14 + offset days: offsets <= 0 are due soon, >= 1 not due. Kept
# away from the boundary so the demo reads the same whatever time of day it is seeded.
WEEK_12_OFFSETS = [3, 5, 2, -2, 9, 4, -6, 7, 10, 6, 3, 8, None, 5, 4, 11]
# Confirmations still missing (index, party): the demo tutor and demo mentor each have one to do.
MISSING = {
    (2, ReviewConfirmation.Party.TUTOR),
    (6, ReviewConfirmation.Party.MENTOR),
    (10, ReviewConfirmation.Party.TRAINEE),
}

GREEN_FROM, AMBER_FROM = 0.35, 0.2


def seed(context, cohorts) -> None:
    enrolments = [*cohorts.first_enrolments, *cohorts.second_enrolments]
    if Review.objects.filter(enrolment__in=enrolments).exists():
        return
    people = _supporters(enrolments)
    lead = context.people["lead"]
    plans: list[tuple[Review, list[ReviewAction], list[tuple[str, object]]]] = []
    plans += _second_cohort(context, cohorts.second_enrolments, people, lead)
    plans += _first_cohort(cohorts.first_enrolments, people, lead)
    _write(plans)


def _supporters(enrolments: list[Enrolment]) -> dict[int, dict[str, object]]:
    """Each trainee's first mentor and tutor (from their allocations), by trainee id."""
    found: dict[int, dict[str, object]] = {}
    allocations = (
        Allocation.objects.filter(
            trainee_id__in=[e.trainee_id for e in enrolments],
            kind__in=[Allocation.Kind.MENTOR, Allocation.Kind.TUTOR],
        )
        .select_related("supporter")
        .order_by("pk")
    )
    for allocation in allocations:
        found.setdefault(allocation.trainee_id, {}).setdefault(
            allocation.kind, allocation.supporter
        )
    return found


def _rating(share: float) -> str:
    if share >= GREEN_FROM:
        return Review.Rag.GREEN
    if share >= AMBER_FROM:
        return Review.Rag.AMBER
    return Review.Rag.RED


def _second_cohort(context, enrolments, people, lead):
    today = context.today
    records = [e.record_id for e in enrolments]
    totals = {
        row["record_id"]: row
        for row in CompetencyProgress.objects.filter(record_id__in=records)
        .values("record_id")
        .annotate(
            total=Count("id"),
            achieved=Count("id", filter=Q(state=ProgressState.ACHIEVED)),
        )
    }
    achieved_on: dict[int, list[datetime.date]] = {}
    for record_id, day in CompetencyProgress.objects.filter(
        record_id__in=records, state=ProgressState.ACHIEVED, achieved_on__isnull=False
    ).values_list("record_id", "achieved_on"):
        achieved_on.setdefault(record_id, []).append(day)

    plans = []
    for index, enrolment in enumerate(enrolments):
        offset = WEEK_12_OFFSETS[index]
        if index == OVERDUE_INDEX or offset is None:
            continue
        trainee = enrolment.trainee
        mentor = people[trainee.pk][Allocation.Kind.MENTOR]
        tutor = people[trainee.pk][Allocation.Kind.TUTOR]
        held_on = enrolment.start_date + datetime.timedelta(weeks=12, days=offset)
        counts = totals.get(enrolment.record_id, {"total": 0, "achieved": 0})
        share = counts["achieved"] / counts["total"] if counts["total"] else 0
        by_review = sum(1 for day in achieved_on.get(enrolment.record_id, []) if day <= held_on)
        rag = _rating(share)
        review = Review(
            enrolment=enrolment,
            held_on=held_on,
            progress_summary=_summary(trainee, rag, by_review, counts["total"]),
            concerns=CONCERNS[rag],
            rag=rag,
            rag_reason=REASONS[rag].format(achieved=_competencies(by_review)),
            recorded_by=lead if rag == Review.Rag.RED else tutor,
        )
        owners = {"trainee": trainee, "mentor": mentor, "tutor": tutor, "lead": lead}
        actions = []
        for who, text, days, done_after in ACTIONS[rag]:
            due = held_on + datetime.timedelta(days=days)
            done = None
            if done_after is not None and due <= today:
                done = min(held_on + datetime.timedelta(days=done_after), today)
            actions.append(
                ReviewAction(description=text, owner=owners[who], due_date=due, done_on=done)
            )
        parties = [
            (party, person)
            for party, person in (
                (ReviewConfirmation.Party.TRAINEE, trainee),
                (ReviewConfirmation.Party.MENTOR, mentor),
                (ReviewConfirmation.Party.TUTOR, tutor),
            )
            if (index, party) not in MISSING
        ]
        plans.append((review, actions, parties))
    return plans


# (week, days after that week, rating) for each of the first cohort's four reviews, by trainee.
FIRST_COHORT = [
    [(12, 2, "green"), (24, 3, "green"), (36, 1, "green"), (48, 4, "green")],
    [(12, 5, "green"), (24, 2, "amber"), (36, 6, "green"), (48, 2, "green")],
    [(12, 1, "amber"), (24, 4, "green"), (36, 3, "green"), (48, 1, "green")],
    [(12, 3, "green"), (24, 6, "amber"), (36, 2, "amber"), (48, 3, "green")],
    [(12, 4, "red"), (24, 1, "amber"), (36, 5, "green"), (48, 2, "green")],
]


def _first_cohort(enrolments, people, lead):
    plans = []
    for enrolment, reviews in zip(enrolments, FIRST_COHORT, strict=False):
        trainee = enrolment.trainee
        mentor = people[trainee.pk][Allocation.Kind.MENTOR]
        tutor = people[trainee.pk][Allocation.Kind.TUTOR]
        owners = {"trainee": trainee, "mentor": mentor, "tutor": tutor, "lead": lead}
        for week, days, rag in reviews:
            held_on = enrolment.start_date + datetime.timedelta(weeks=week, days=days)
            review = Review(
                enrolment=enrolment,
                held_on=held_on,
                progress_summary=FIRST_COHORT_SUMMARIES[week].format(name=trainee.get_short_name()),
                concerns=CONCERNS[rag],
                rag=rag,
                rag_reason=FIRST_COHORT_REASONS[rag],
                recorded_by=tutor,
            )
            actions = [
                ReviewAction(
                    description=text,
                    owner=owners[who],
                    due_date=held_on + datetime.timedelta(days=due_days),
                    done_on=held_on + datetime.timedelta(days=due_days - 3),
                )
                for who, text, due_days in FIRST_COHORT_ACTIONS[week]
            ]
            parties = [
                (ReviewConfirmation.Party.TRAINEE, trainee),
                (ReviewConfirmation.Party.MENTOR, mentor),
                (ReviewConfirmation.Party.TUTOR, tutor),
            ]
            plans.append((review, actions, parties))
    return plans


def _write(plans) -> None:
    reviews = Review.objects.bulk_create([review for review, _, _ in plans])
    actions, confirmations = [], []
    for review, (_, review_actions, parties) in zip(reviews, plans, strict=True):
        for action in review_actions:
            action.review = review
            actions.append(action)
        for party, person in parties:
            confirmations.append(ReviewConfirmation(review=review, party=party, person=person))
    ReviewAction.objects.bulk_create(actions)
    ReviewConfirmation.objects.bulk_create(confirmations)
    # The timestamps of history: recorded the day after the review, confirmed within the week.
    recorded, confirmed = [], []
    for review in reviews:
        noon = timezone.make_aware(datetime.datetime.combine(review.held_on, datetime.time(12, 0)))
        recorded.append(When(pk=review.pk, then=Value(noon + datetime.timedelta(days=1))))
        confirmed.append(When(review_id=review.pk, then=Value(noon + datetime.timedelta(days=3))))
    if reviews:
        Review.objects.filter(pk__in=[r.pk for r in reviews]).update(
            created_at=Case(*recorded, output_field=DateTimeField())
        )
        ReviewConfirmation.objects.filter(review__in=reviews).update(
            confirmed_at=Case(*confirmed, output_field=DateTimeField())
        )


def _competencies(count: int) -> str:
    return f"{count} competenc{'y' if count == 1 else 'ies'} achieved"


def _summary(trainee, rag, achieved, total) -> str:
    name = trainee.get_short_name()
    opening = (
        f"{name} has achieved {achieved} of {total} competencies in the first 12 weeks "
        f"and has attended all but one of the clinical training days so far."
    )
    return f"{opening} {SUMMARY_DETAIL[rag].format(name=name)}"


SUMMARY_DETAIL = {
    Review.Rag.GREEN: (
        "Mentors describe {name} as confident and well prepared; supervised practice is logged "
        "promptly and the module 1 assignment was submitted on time."
    ),
    Review.Rag.AMBER: (
        "{name} is settling into the role and the module 1 assignment was submitted on time, "
        "but sign-off requests have been slow: several competencies have practice logged and "
        "are not yet ready for assessment."
    ),
    Review.Rag.RED: (
        "{name} has found it hard to get supervised practice on shared shifts with a mentor and "
        "has logged little practice since week 6. The module 1 assignment needed an extension."
    ),
}

CONCERNS = {
    Review.Rag.GREEN: "",
    Review.Rag.AMBER: (
        "Few shifts shared with a mentor in the last month; specific critical care competencies "
        "not yet started."
    ),
    Review.Rag.RED: (
        "Progress has stalled since week 6. Confidence with clinical skills is low and the rota "
        "has left little protected learning time."
    ),
}

REASONS = {
    Review.Rag.GREEN: (
        "{achieved} by week 12, well ahead of the plan's 3 core competencies, with steady "
        "sign-offs."
    ),
    Review.Rag.AMBER: (
        "{achieved}: on the plan for now, but few others are ready for sign-off, so at risk of "
        "falling behind by week 24."
    ),
    Review.Rag.RED: (
        "{achieved}, with little practice logged since week 6: at this rate will fall behind the "
        "plan before the week-24 review, so needs support now."
    ),
}

# (owner, description, due days after the review, done days after the review or None)
ACTIONS = {
    Review.Rag.GREEN: [
        ("trainee", "Ask for sign-off of the next two clinical skills competencies", 28, 24),
        ("mentor", "Arrange two supervised shifts in the high-dependency bay", 21, 15),
    ],
    Review.Rag.AMBER: [
        ("mentor", "Roster at least two shared shifts a month with the trainee", 14, 10),
        ("trainee", "Log supervised practice after each shift and request sign-offs", 28, 27),
        ("tutor", "Check progress on the module 2 assignment plan", 35, 30),
    ],
    Review.Rag.RED: [
        ("lead", "Agree protected learning time with the ward manager", 14, 12),
        ("mentor", "Plan weekly supervised practice sessions for clinical skills", 7, 7),
        ("trainee", "Write a reflective account on recognising a deteriorating patient", 28, None),
        ("tutor", "Meet to plan the module 2 assignment and agree a study timetable", 21, 18),
    ],
}

FIRST_COHORT_SUMMARIES = {
    12: "{name} has settled well into the course and the first competencies are signed off.",
    24: "{name} has passed module 1 and is working through the clinical skills competencies.",
    36: "{name} has most core competencies signed off and has started the critical care ones.",
    48: "{name} has all competencies signed off or booked and is ready to finish the course.",
}

FIRST_COHORT_REASONS = {
    Review.Rag.GREEN: "On or ahead of the plan for this point in the course.",
    Review.Rag.AMBER: "A little behind the plan after a period of short staffing on the unit.",
    Review.Rag.RED: "Behind the plan: needs more supervised practice on shared shifts.",
}

FIRST_COHORT_ACTIONS = {
    12: [("mentor", "Arrange supervised practice for the vital signs competencies", 21)],
    24: [("trainee", "Request sign-off for the remaining clinical skills", 28)],
    36: [("tutor", "Agree the plan for the final module assignment", 21)],
    48: [("trainee", "Complete the end-of-course evaluation questionnaire", 14)],
}
