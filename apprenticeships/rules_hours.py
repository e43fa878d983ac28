"""Who may do what with the off-the-job hours ledger (the object is an Apprenticeship, an
OtjEntry or a BreakInLearning as named).

- the ledger: the apprentice, their line manager, tutor and practice educator today, and the
  lead nurse (not mentors: hours are between the apprentice, employer and provider);
- logging hours: the apprentice, on their own current apprenticeship;
- confirming or declining logged hours: the apprentice's line manager today, never the person
  who logged them;
- recording a break in learning: the apprentice's tutor or line manager today, or the lead nurse;
- approving it: the lead nurse, never the person who recorded it (separation of duties);
- a cohort's hours: whoever sees the cohort's dashboard; the funding at risk: the lead nurse.
"""

import rules

from cohorts.models import CURRENT_STATUSES
from cohorts.rules import can_view_cohort
from pathway.rules import (
    is_current_educator_of,
    is_current_manager_of,
    is_current_tutor_of,
    is_lead_nurse,
    is_manager,
)


def _trainee(thing):
    """The apprentice of an Apprenticeship, or of an entry or break of one."""
    apprenticeship = getattr(thing, "apprenticeship", thing)
    return apprenticeship.enrolment.trainee


@rules.predicate
def is_the_apprentice(user, thing):
    return thing is not None and _trainee(thing).pk == user.pk


@rules.predicate
def is_current_apprenticeship(user, apprenticeship):
    return apprenticeship is not None and apprenticeship.enrolment.status in CURRENT_STATUSES


@rules.predicate
def manages_apprentice(user, thing):
    return thing is not None and is_current_manager_of(user, _trainee(thing))


@rules.predicate
def tutors_apprentice(user, thing):
    return thing is not None and is_current_tutor_of(user, _trainee(thing))


@rules.predicate
def educates_apprentice(user, thing):
    return thing is not None and is_current_educator_of(user, _trainee(thing))


@rules.predicate
def logged_it(user, entry):
    return entry is not None and entry.logged_by_id == user.pk


@rules.predicate
def recorded_it(user, a_break):
    return a_break is not None and a_break.recorded_by_id == user.pk


rules.add_perm(
    "apprenticeships.view_hours",
    is_the_apprentice
    | manages_apprentice
    | tutors_apprentice
    | educates_apprentice
    | is_lead_nurse,
)
rules.add_perm("apprenticeships.log_hours", is_the_apprentice & is_current_apprenticeship)
rules.add_perm("apprenticeships.decide_hours", manages_apprentice & ~logged_it)
rules.add_perm("apprenticeships.view_hours_to_confirm", is_manager)
rules.add_perm(
    "apprenticeships.record_break", tutors_apprentice | manages_apprentice | is_lead_nurse
)
rules.add_perm("apprenticeships.approve_break", is_lead_nurse & ~recorded_it)
rules.add_perm("apprenticeships.view_breaks_to_approve", is_lead_nurse)
rules.add_perm("apprenticeships.view_cohort_hours", can_view_cohort)
rules.add_perm("apprenticeships.view_funding_at_risk", is_lead_nurse)
