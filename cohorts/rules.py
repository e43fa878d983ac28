"""Who may do what with cohorts, enrolments, training days, module results and reviews."""

import rules

from pathway.models import Allocation
from pathway.rules import (
    is_administrator,
    is_current_educator_of,
    is_current_mentor_of,
    is_current_tutor_of,
    is_lead_nurse,
    is_mentor,
    is_practice_educator,
    is_tutor,
)


@rules.predicate
def supports_someone_in_cohort(user, cohort):
    """A practice educator supports a cohort when allocated today to any trainee in it."""
    if cohort is None or not user.is_authenticated:
        return False
    return (
        Allocation.objects.current()
        .filter(
            supporter=user,
            kind=Allocation.Kind.PRACTICE_EDUCATOR,
            trainee__enrolments__cohort=cohort,
        )
        .exists()
    )


@rules.predicate
def enrolment_trainee(user, enrolment):
    return bool(enrolment and enrolment.trainee_id == user.pk)


@rules.predicate
def tutors_enrolment(user, enrolment):
    return enrolment is not None and is_current_tutor_of(user, enrolment.trainee)


@rules.predicate
def mentors_enrolment(user, enrolment):
    return enrolment is not None and is_current_mentor_of(user, enrolment.trainee)


@rules.predicate
def educates_enrolment(user, enrolment):
    return enrolment is not None and is_current_educator_of(user, enrolment.trainee)


# The lead nurse runs every cohort; practice educators see the cohorts they support.
can_view_cohort = is_lead_nurse | (is_practice_educator & supports_someone_in_cohort)

rules.add_perm("cohorts.manage_cohorts", is_lead_nurse)
rules.add_perm("cohorts.view_cohort_list", is_lead_nurse | is_practice_educator)
rules.add_perm("cohorts.view_cohort", can_view_cohort)
rules.add_perm("cohorts.view_programme", is_lead_nurse)
rules.add_perm(
    "cohorts.take_attendance", is_lead_nurse | (is_practice_educator & supports_someone_in_cohort)
)
rules.add_perm("cohorts.record_module_result", is_lead_nurse | tutors_enrolment)
rules.add_perm(
    "cohorts.record_review",
    is_lead_nurse | tutors_enrolment | mentors_enrolment | educates_enrolment,
)


@rules.predicate
def confirms_for_review(user, review):
    """The review's trainee, a current mentor or the current tutor of that trainee."""
    if review is None:
        return False
    enrolment = review.enrolment
    return (
        enrolment.trainee_id == user.pk
        or is_current_mentor_of(user, enrolment.trainee)
        or is_current_tutor_of(user, enrolment.trainee)
    )


@rules.predicate
def sees_enrolment(user, enrolment):
    from competencies.rules import can_view_record

    return enrolment is not None and can_view_record(user, enrolment.record)


rules.add_perm("cohorts.confirm_review", confirms_for_review)
# Reviews, attendance and module results of one trainee: whoever may read their record.
rules.add_perm("cohorts.view_enrolment", sees_enrolment)


@rules.predicate
def owns_review_action(user, action):
    return bool(action and action.owner_id == user.pk)


rules.add_perm(
    "cohorts.view_reviews_due", is_lead_nurse | is_practice_educator | is_tutor | is_mentor
)
rules.add_perm("cohorts.complete_review_action", owns_review_action | is_lead_nurse)
rules.add_perm("cohorts.view_audit_log", is_lead_nurse | is_administrator)
