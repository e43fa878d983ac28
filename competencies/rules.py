"""Who may do what with frameworks, records and sign-off."""

import rules
from django.utils import timezone

from pathway.models import Allocation
from pathway.rules import (
    is_administrator,
    is_lead_nurse,
    is_manager,
    is_mentor,
    is_practice_educator,
    is_tutor,
)


def remember_allocations(user) -> None:
    """Let the predicates below remember, on this user object, how they support each trainee
    today, so that a page checking several permissions on one record asks the database once.

    Only for the user of one request (views call it): on an object kept longer, an allocation
    changed meanwhile would not be seen.
    """
    if user is not None and user.is_authenticated:
        user._allocations_today = {}


def _currently_allocated(kind):
    """As pathway.rules' predicate of the same name, with remember_allocations' memory."""

    @rules.predicate(name=f"competencies_is_current_{kind}_of")
    def predicate(user, trainee):
        if not (user and user.is_authenticated and trainee is not None):
            return False
        if user.pk == trainee.pk:
            return False
        memory = getattr(user, "_allocations_today", None)
        if memory is None:
            return (
                Allocation.objects.current()
                .filter(supporter=user, trainee=trainee, kind=kind)
                .exists()
            )
        today = timezone.localdate()
        kinds = memory.get((trainee.pk, today))
        if kinds is None:
            kinds = memory[(trainee.pk, today)] = frozenset(
                Allocation.objects.current(today)
                .filter(supporter=user, trainee=trainee)
                .values_list("kind", flat=True)
            )
        return kind in kinds

    return predicate


is_current_mentor_of = _currently_allocated(Allocation.Kind.MENTOR) & is_mentor
is_current_tutor_of = _currently_allocated(Allocation.Kind.TUTOR) & is_tutor
is_current_educator_of = (
    _currently_allocated(Allocation.Kind.PRACTICE_EDUCATOR) & is_practice_educator
)
is_current_manager_of = _currently_allocated(Allocation.Kind.MANAGER) & is_manager


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
