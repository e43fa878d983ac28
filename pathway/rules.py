"""Who may do what, for the core domain. Other apps build on these predicates."""

import rules

from pathway.models import Allocation, RoleCode
from pathway.selectors import allocation_kinds


def _has_role(code):
    @rules.predicate(name=f"has_role_{code}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.has_role(code))

    return predicate


is_trainee = _has_role(RoleCode.TRAINEE)
is_assistant_practitioner = _has_role(RoleCode.ASSISTANT_PRACTITIONER)
is_mentor = _has_role(RoleCode.MENTOR)
is_tutor = _has_role(RoleCode.TUTOR)
is_practice_educator = _has_role(RoleCode.PRACTICE_EDUCATOR)
is_lead_nurse = _has_role(RoleCode.LEAD_NURSE)
is_manager = _has_role(RoleCode.MANAGER)
is_administrator = _has_role(RoleCode.ADMINISTRATOR)


def _currently_allocated(kind):
    """Allocated today, in this capacity, holding its role (pathway.selectors'
    counting_allocations: the same definition every list of supported trainees uses). Asked
    of the database once per request, however many checks a page makes."""

    @rules.predicate(name=f"is_current_{kind}_of")
    def predicate(user, trainee):
        if not (user and user.is_authenticated and trainee is not None):
            return False
        if user.pk == trainee.pk:
            return False
        return kind in allocation_kinds(user, trainee.pk)

    return predicate


is_current_mentor_of = _currently_allocated(Allocation.Kind.MENTOR)
is_current_tutor_of = _currently_allocated(Allocation.Kind.TUTOR)
is_current_educator_of = _currently_allocated(Allocation.Kind.PRACTICE_EDUCATOR)
is_current_manager_of = _currently_allocated(Allocation.Kind.MANAGER)


@rules.predicate
def supports_trainee(user, trainee):
    """Supports this trainee today in any capacity."""
    if not (user and user.is_authenticated and trainee is not None) or user.pk == trainee.pk:
        return False
    return bool(allocation_kinds(user, trainee.pk))


@rules.predicate
def is_self(user, person):
    return bool(user and person is not None and user.pk == person.pk)


# A person's profile and allocations are readable by the person, the staff supporting them
# now, the lead nurse, and the administrator who manages accounts (not their training record).
can_view_person = (
    is_administrator
    | is_self
    | is_current_mentor_of
    | is_current_tutor_of
    | is_current_educator_of
    | is_current_manager_of
    | is_lead_nurse
)

rules.add_perm("pathway.view_person", can_view_person)
rules.add_perm("pathway.manage_people", is_lead_nurse | is_administrator)
rules.add_perm("pathway.manage_allocations", is_lead_nurse)

# The mentor register: the lead nurse and practice educators keep it (educators support
# mentors); a mentor may read their own entry.
can_keep_mentor_register = is_lead_nurse | is_practice_educator
rules.add_perm("pathway.view_mentor_register", can_keep_mentor_register)
rules.add_perm("pathway.record_mentor_preparation", can_keep_mentor_register)
rules.add_perm("pathway.view_mentor_preparation", can_keep_mentor_register | (is_self & is_mentor))

# Which ways of signing a programme's records allows (pathway/identity): the lead nurse.
rules.add_perm("pathway.set_signature_methods", is_lead_nurse)


@rules.predicate
def started_the_job(user, job) -> bool:
    return job is not None and job.started_by_id == user.pk


# A background job's progress and result (an export of trainees' records) are for the person
# who asked for it only.
rules.add_perm("pathway.view_background_job", started_the_job)


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


# Who looked at a record (issue #20, part 5): everyone may see who has looked at their own;
# the lead nurse and the administrator may search the whole log.
rules.add_perm("pathway.view_own_record_accesses", is_signed_in)
rules.add_perm("pathway.search_record_accesses", is_lead_nurse | is_administrator)
