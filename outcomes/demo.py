"""Demo pathway moves and bridging modules for the cohorts in cohorts/demo/.

- Everyone in the first and second cohorts was a band 3 support worker in critical care before
  training (a recorded move, a year or two before their intake).
- First cohort (qualified 22 weeks ago): Aisha Khan is on bridging modules towards nursing
  (passed the first, on the second now); Emma Walsh moved to the emergency department six
  weeks after qualifying; Daniel Okafor left the trust twelve weeks after qualifying.
- Two bridging modules with the University of Northfield.

Safe to run twice: nothing is added once the first cohort's moves exist.
"""

from __future__ import annotations

import datetime

from outcomes import selectors, services
from outcomes.models import BridgingModule, BridgingResult, PathwayMove, StageCode

WEEK = datetime.timedelta(weeks=1)
MODULES = [
    ("Foundations for nursing practice", 20),
    ("Pharmacology and medicines management for nursing", 20),
]


def seed(context) -> None:
    people = [*context.cohort_one, *context.cohort_two]
    if not context.cohort_one or not context.university:
        return
    if PathwayMove.objects.filter(person__in=people).exists():
        return  # already seeded
    stages = selectors.stages_by_code()
    critical_care = context.areas["critical-care"]
    lead = context.people["lead"]

    band_3 = []
    for index, person in enumerate(context.cohort_one):
        band_3.append((person, context.cohort_one_start - (104 - 6 * index) * WEEK))
    for index, person in enumerate(context.cohort_two):
        band_3.append((person, context.cohort_two_start - (60 + 3 * index) * WEEK))
    PathwayMove.objects.bulk_create(
        PathwayMove(
            person=person,
            stage=stages[StageCode.SUPPORT_WORKER],
            on=on,
            clinical_area=critical_care,
            reason="Healthcare support worker, critical care",
            recorded_by=lead,
        )
        for person, on in band_3
    )

    modules = [
        BridgingModule.objects.get_or_create(
            title=title, defaults={"credits": credits, "provider": context.university}
        )[0]
        for title, credits in MODULES
    ]
    by_name = {person.full_name: person for person in context.cohort_one}
    aisha, emma, daniel = by_name["Aisha Khan"], by_name["Emma Walsh"], by_name["Daniel Okafor"]
    qualified = selectors.qualified_on(aisha) or context.cohort_one_end

    first = services.bridging_enrol(
        actor=None, module=modules[0], person=aisha, started_on=qualified + 8 * WEEK
    )
    services.bridging_result_record(
        actor=None, enrolment=first, result=BridgingResult.PASS, on=qualified + 16 * WEEK
    )
    services.bridging_enrol(
        actor=None, module=modules[1], person=aisha, started_on=qualified + 18 * WEEK
    )
    services.move_record(
        actor=None,
        person=emma,
        stage=stages[StageCode.QUALIFIED],
        on=qualified + 6 * WEEK,
        clinical_area=context.areas["emergency-department"],
        reason="Assistant practitioner post in the emergency department",
    )
    services.move_record(
        actor=None,
        person=daniel,
        stage=stages[StageCode.LEFT],
        on=qualified + 12 * WEEK,
        reason="Moved to a band 4 post at a trust nearer home",
    )
