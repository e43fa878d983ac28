"""Demo recruitment.

- The second cohort's recruitment history (a closed round): the sixteen who were enrolled,
  each an accepted offer that became their enrolment, and seven who were not (no manager's
  support, not shortlisted, not appointed, an offer declined, a withdrawal). Built directly,
  with past dates, since the services only act today.
- The third (planned) cohort open for applications now, moved on through the real services by
  the real people: one waiting for the ward manager's support (Angela Brooks, the demo ward
  manager, sees it), one supported, one not supported, one shortlisted, one interviewed, one
  offered, and one accepted waiting to be enrolled. Olivia Dunn, a band 3 support worker, can
  sign in and apply.

Safe to run twice: a cohort that already has a recruitment round is left alone.
"""

from __future__ import annotations

import datetime
import functools

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from pathway.demo import DEMO_PASSWORD, DOMAIN
from pathway.models import Allocation, User
from recruitment import services
from recruitment.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    CriterionAssessment,
    Interview,
    RecruitmentRound,
    SelectionCriterion,
)

S = ApplicationStatus
WEEK = datetime.timedelta(weeks=1)

CRITERIA = [
    ("Employed at band 3 in a clinical area of the trust for at least 12 months", True),
    ("Care Certificate completed", True),
    ("Functional skills level 2 in English and maths, or equivalent", True),
    ("The support of their line manager, with time released for study", True),
    ("Experience of caring for acutely unwell adults", False),
]

STATEMENT = (
    "I have worked as a healthcare assistant for {years} years. I take and record observations, "
    "escalate early warning scores and support patients through their stay. I want to become "
    "an assistant practitioner to take on more of the care I already help with, safely and "
    "with the right training."
)

# Third cohort: (name, years at band 3, manager index, state to reach).
THIRD_COHORT = [
    ("Zoe Fairbairn", 3, 0, S.AWAITING_SUPPORT),
    ("Yusuf Begum", 2, 1, S.SUPPORTED),
    ("Xena Marsh", 4, 1, S.NOT_SUPPORTED),
    ("Will Ashworth", 5, 0, S.SHORTLISTED),
    ("Rosie Tran", 6, 0, S.APPOINTABLE),
    ("Paul Kendrick", 3, 1, S.OFFERED),
    ("Nina Sowerby", 4, 0, S.ACCEPTED),
]
# Second cohort's applicants who were not enrolled: (name, final state).
SECOND_COHORT_UNSUCCESSFUL = [
    ("Alan Crowther", S.NOT_SUPPORTED),
    ("Bethany Lowe", S.NOT_SUPPORTED),
    ("Connor Platt", S.NOT_SHORTLISTED),
    ("Deborah Senior", S.NOT_SHORTLISTED),
    ("Elliot Marsden", S.NOT_APPOINTED),
    ("Farah Iqbal", S.DECLINED),
    ("Gemma Rowe", S.WITHDRAWN),
]
PATHS = {
    S.ENROLLED: [S.SUPPORTED, S.SHORTLISTED, S.APPOINTABLE, S.OFFERED, S.ACCEPTED, S.ENROLLED],
    S.NOT_SUPPORTED: [S.NOT_SUPPORTED],
    S.NOT_SHORTLISTED: [S.SUPPORTED, S.NOT_SHORTLISTED],
    S.NOT_APPOINTED: [S.SUPPORTED, S.SHORTLISTED, S.NOT_APPOINTED],
    S.DECLINED: [S.SUPPORTED, S.SHORTLISTED, S.APPOINTABLE, S.OFFERED, S.DECLINED],
    S.WITHDRAWN: [S.SUPPORTED, S.SHORTLISTED, S.WITHDRAWN],
}


@functools.cache
def _password() -> str:
    return make_password(DEMO_PASSWORD)


def _band_3(name: str, area) -> User:
    email = f"{name.lower().replace(' ', '.')}@{DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email,
            full_name=name,
            password=_password(),
            job_title="Healthcare assistant",
            band="3",
            clinical_area=area,
        )
    return user


def seed(context) -> None:
    cohorts = {c.name: c for c in Cohort.objects.filter(programme=context.programme)}
    lead = context.people.get("lead")
    if lead is None or not context.managers:
        return
    critical_care = context.areas["critical-care"]
    olivia = _band_3("Olivia Dunn", critical_care)
    if ("Band 3 support worker", olivia.email) not in context.sign_ins:
        context.sign_ins.append(("Band 3 support worker", olivia.email))
    second, third = cohorts.get("Cohort 2"), cohorts.get("Cohort 3")
    if second is not None and not RecruitmentRound.objects.filter(cohort=second).exists():
        _second_cohort_history(context, second, lead, critical_care)
    if third is not None and not RecruitmentRound.objects.filter(cohort=third).exists():
        _third_cohort_open(context, third, lead, critical_care)


def _second_cohort_history(context, cohort, lead, area):
    start = cohort.intake_date
    recruitment = RecruitmentRound.objects.create(
        cohort=cohort,
        opens_on=start - 16 * WEEK,
        closes_on=start - 10 * WEEK,
        places=16,
        description="The second intake of the one-year assistant practitioner course.",
        created_by=lead,
    )
    criteria = SelectionCriterion.objects.bulk_create(
        SelectionCriterion(round=recruitment, text=text, essential=essential, order=order)
        for order, (text, essential) in enumerate(CRITERIA, start=1)
    )
    managers = {
        a.trainee_id: a.supporter
        for a in Allocation.objects.filter(
            trainee__in=context.cohort_two, kind=Allocation.Kind.MANAGER
        ).select_related("supporter")
    }
    enrolments = {
        e.trainee_id: e for e in Enrolment.objects.filter(cohort=cohort, moved_from__isnull=True)
    }
    people = [(t, S.ENROLLED) for t in context.cohort_two] + [
        (_band_3(name, area), state) for name, state in SECOND_COHORT_UNSUCCESSFUL
    ]
    for index, (person, final) in enumerate(people):
        manager = managers.get(person.pk) or context.managers[index % len(context.managers)]
        enrolment = enrolments.get(person.pk) if final == S.ENROLLED else None
        if final == S.ENROLLED and enrolment is None:
            continue
        _past_application(
            recruitment, criteria, person, manager, lead, area, final, enrolment, index
        )


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _past_application(recruitment, criteria, person, manager, lead, area, final, enrolment, n):
    start = recruitment.cohort.intake_date
    days = {
        S.AWAITING_SUPPORT: start - 13 * WEEK + datetime.timedelta(days=n % 5),
        S.SUPPORTED: start - 11 * WEEK,
        S.NOT_SUPPORTED: start - 11 * WEEK,
        S.SHORTLISTED: start - 9 * WEEK,
        S.NOT_SHORTLISTED: start - 9 * WEEK,
        S.APPOINTABLE: start - 8 * WEEK,
        S.NOT_APPOINTED: start - 8 * WEEK,
        S.OFFERED: start - 7 * WEEK,
        S.ACCEPTED: start - 6 * WEEK,
        S.DECLINED: start - 6 * WEEK,
        S.WITHDRAWN: start - 8 * WEEK - datetime.timedelta(days=2),
        S.ENROLLED: start - 2 * WEEK,
    }
    path = PATHS[final]
    reached = set(path)
    application = Application.objects.create(
        round=recruitment,
        applicant=person,
        manager=manager,
        status=final,
        job_title="Healthcare assistant",
        band="3",
        clinical_area=area,
        statement=STATEMENT.format(years=2 + n % 5),
        submitted_at=_at(days[S.AWAITING_SUPPORT]),
        recorded_by=person,
        support_comment=(
            "The unit cannot release another person for study this year."
            if final == S.NOT_SUPPORTED
            else "Fully supported; study days agreed with the rota coordinator."
        ),
        support_decided_at=_at(days[S.SUPPORTED]),
        shortlisted_on=days[S.SHORTLISTED] if S.SHORTLISTED in reached else None,
        offered_on=days[S.OFFERED] if S.OFFERED in reached else None,
        responded_on=days[S.ACCEPTED] if {S.ACCEPTED, S.DECLINED} & reached else None,
        enrolment=enrolment,
    )
    events = [
        ApplicationEvent(
            application=application,
            to_status=S.AWAITING_SUPPORT,
            by=person,
            at=_at(days[S.AWAITING_SUPPORT]),
        )
    ]
    previous = S.AWAITING_SUPPORT
    for state in path:
        by = {
            S.SUPPORTED: manager,
            S.NOT_SUPPORTED: manager,
            S.ACCEPTED: person,
            S.DECLINED: person,
            S.WITHDRAWN: person,
        }.get(state, lead)
        events.append(
            ApplicationEvent(
                application=application,
                from_status=previous,
                to_status=state,
                by=by,
                at=_at(days[state]),
            )
        )
        previous = state
    ApplicationEvent.objects.bulk_create(events)
    if {S.SHORTLISTED, S.NOT_SHORTLISTED} & reached:
        meets = final != S.NOT_SHORTLISTED
        CriterionAssessment.objects.bulk_create(
            CriterionAssessment(
                application=application,
                criterion=c,
                met=meets or not c.essential or c.order != 3,
                notes="" if meets or c.order != 3 else "No level 2 maths yet",
            )
            for c in criteria
        )
    if {S.APPOINTABLE, S.NOT_APPOINTED} & reached:
        Interview.objects.create(
            application=application,
            held_on=days[S.APPOINTABLE],
            panel="Joanne Whitaker (lead nurse); a ward manager; Dr Ruth Fielding (university)",
            score=38 if final == S.NOT_APPOINTED else 60 + (n * 7) % 35,
            outcome="not_appointable" if final == S.NOT_APPOINTED else "appointable",
            recorded_by=lead,
        )


def _third_cohort_open(context, cohort, lead, area):
    today = context.today
    recruitment = services.round_open(
        actor=lead,
        cohort=cohort,
        opens_on=today - 3 * WEEK,
        closes_on=min(today + 3 * WEEK, cohort.intake_date - datetime.timedelta(days=1)),
        criteria=CRITERIA,
        places=16,
        description=(
            "The third intake, in critical care and the emergency department. Talk to your ward "
            "manager before you apply: you will need their support and time for study."
        ),
    )
    criteria = list(recruitment.criteria.all())
    for name, years, manager_index, state in THIRD_COHORT:
        person = _band_3(name, area)
        manager = context.managers[manager_index % len(context.managers)]
        application = services.application_submit(
            actor=person,
            recruitment=recruitment,
            applicant=person,
            manager=manager,
            job_title=person.job_title,
            clinical_area=area,
            statement=STATEMENT.format(years=years),
            today=today,
        )
        if state == S.AWAITING_SUPPORT:
            continue
        services.support_decide(
            actor=manager,
            application=application,
            supports=state != S.NOT_SUPPORTED,
            comment=(
                "We are three staff down this winter: please apply for the next intake."
                if state == S.NOT_SUPPORTED
                else "Happy to support; I will release study days."
            ),
        )
        if state in (S.SUPPORTED, S.NOT_SUPPORTED):
            continue
        services.shortlist_decide(
            actor=lead,
            application=application,
            assessments={c.pk: (True, "") for c in criteria},
            shortlist=True,
            notes="Meets every essential criterion",
        )
        if state == S.SHORTLISTED:
            continue
        services.interview_record(
            actor=lead,
            application=application,
            held_on=today,
            panel="Joanne Whitaker (lead nurse); Angela Brooks (ward manager)",
            outcome="appointable",
            score=60 + years * 4,
            notes="Clear on the limits of the role and when to escalate",
        )
        if state == S.APPOINTABLE:
            continue
        services.offer_make(actor=lead, application=application, notes="A place on Cohort 3")
        if state == S.OFFERED:
            continue
        services.offer_respond(actor=person, application=application, accept=True)
