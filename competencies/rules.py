"""Who may do what with frameworks, records and sign-off."""

import rules

from pathway.rules import (
    is_administrator,
    is_current_educator_of,
    is_current_manager_of,
    is_current_mentor_of,
    is_current_tutor_of,
    is_lead_nurse,
    is_mentor,
)


@rules.predicate
def owns_record(user, record):
    return bool(user and user.is_authenticated and record and record.trainee_id == user.pk)


@rules.predicate
def mentors_record(user, record):
    return record is not None and is_current_mentor_of(user, record.trainee)


@rules.predicate
def supports_record(user, record):
    if record is None:
        return False
    trainee = record.trainee
    return (
        is_current_mentor_of(user, trainee)
        or is_current_tutor_of(user, trainee)
        or is_current_educator_of(user, trainee)
        or is_current_manager_of(user, trainee)
    )


@rules.predicate
def is_request_mentor(user, request):
    return bool(request and request.mentor_id == user.pk)


@rules.predicate
def can_decide_request(user, request):
    # Allocated as mentor today, named on the request, never on their own record.
    return (
        request is not None
        and request.status == "open"
        and request.mentor_id == user.pk
        and request.record.trainee_id != user.pk
        and is_current_mentor_of(user, request.record.trainee)
    )


@rules.predicate
def signed_assessment(user, assessment):
    return bool(assessment and assessment.assessor_id == user.pk)


@rules.predicate
def record_is_active(user, record):
    return bool(record and record.is_active)


can_view_record = owns_record | supports_record | is_lead_nurse

rules.add_perm("competencies.view_record", can_view_record)
rules.add_perm("competencies.act_on_record", owns_record & record_is_active)
rules.add_perm("competencies.decide_request", can_decide_request)
rules.add_perm("competencies.revoke_assessment", signed_assessment | is_lead_nurse)
rules.add_perm("competencies.view_mentor_queue", is_mentor)
rules.add_perm("competencies.manage_frameworks", is_lead_nurse)
rules.add_perm("competencies.view_frameworks", is_lead_nurse | is_administrator)
