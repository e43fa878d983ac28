"""Who may do what with frameworks, records and sign-off."""

import rules

from pathway.rules import (
    is_administrator,
    is_current_mentor_of,
    is_lead_nurse,
    is_manager,
    is_mentor,
    is_practice_educator,
    is_tutor,
    supports_trainee,
)


@rules.predicate
def owns_record(user, record):
    return bool(user and user.is_authenticated and record and record.trainee_id == user.pk)


@rules.predicate
def supports_record(user, record):
    return record is not None and supports_trainee(user, record.trainee)


@rules.predicate
def can_decide_request(user, sign_off_request):
    # Allocated as mentor today, named on the request, never on their own record, and still
    # registered: a registration recorded as lapsed (its number taken off the person) stops
    # their sign-offs at once, though the allocation stands (docs/clinical-safety, H-008).
    return (
        sign_off_request is not None
        and sign_off_request.status == "open"
        and sign_off_request.mentor_id == user.pk
        and sign_off_request.record.trainee_id != user.pk
        and user.is_registered_professional
        and is_current_mentor_of(user, sign_off_request.record.trainee)
    )


@rules.predicate
def decided_own_request(user, sign_off_request):
    # The mentor the request was sent to, once it is decided: the page after signing.
    return bool(
        sign_off_request is not None
        and sign_off_request.status == "decided"
        and sign_off_request.mentor_id == user.pk
    )


@rules.predicate
def signed_assessment(user, assessment):
    return bool(assessment and assessment.assessor_id == user.pk)


@rules.predicate
def record_is_active(user, record):
    return bool(record and record.is_active)


@rules.predicate
def owns_open_request(user, sign_off_request):
    return sign_off_request is not None and bool(
        owns_record(user, sign_off_request.record) and sign_off_request.record.is_active
    )


@rules.predicate
def is_named_supervisor(user, practice):
    # Only the person the trainee named, and never the trainee on their own practice.
    return bool(
        user
        and user.is_authenticated
        and practice is not None
        and practice.supervisor_id == user.pk
        and practice.record.trainee_id != user.pk
    )


@rules.predicate
def is_registered_professional(user):
    return bool(user and user.is_authenticated and user.is_registered_professional)


can_view_record = owns_record | supports_record | is_lead_nurse


@rules.predicate
def can_view_record_of(user, practice):
    return practice is not None and can_view_record(user, practice.record)


rules.add_perm("competencies.view_record", can_view_record)
rules.add_perm("competencies.act_on_record", owns_record & record_is_active)
rules.add_perm("competencies.decide_request", can_decide_request)
rules.add_perm("competencies.withdraw_request", owns_open_request)
rules.add_perm("competencies.see_own_decision", decided_own_request)
rules.add_perm("competencies.revoke_assessment", signed_assessment | is_lead_nurse)
rules.add_perm("competencies.view_mentor_queue", is_mentor)
# Practice: the supervisor the trainee named may see that entry (in their queue) and confirm it.
rules.add_perm("competencies.view_practice", can_view_record_of | is_named_supervisor)
rules.add_perm("competencies.confirm_practice", is_named_supervisor)
# The "practice to confirm" page: whoever can be named as a supervisor (selectors'
# practice_supervisors: registered staff, allocated mentors and practice educators).
rules.add_perm(
    "competencies.view_practice_queue",
    is_registered_professional | is_mentor | is_practice_educator,
)
rules.add_perm("competencies.manage_frameworks", is_lead_nurse)
rules.add_perm("competencies.view_frameworks", is_lead_nurse | is_administrator)
# In the header menu only for registered staff without "My trainees" (which lists it for
# supporters) and not for the lead nurse, whose menu is long; both can open it all the same.
rules.add_perm(
    "competencies.practice_queue_in_menu",
    is_registered_professional
    & ~(is_mentor | is_tutor | is_practice_educator | is_manager | is_lead_nurse),
)

# Replacing personal text in sign-off records by the tombstone (ADR 0007, erasure): the
# administrator, through the governance app's erasure, which checks the law allows it.
rules.add_perm("competencies.redact_sign_off_records", is_administrator)
