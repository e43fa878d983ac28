"""Who may do what with role design and job descriptions.

- the lead nurse edits and approves everything;
- administrators read job descriptions and role design projects;
- trainees see the job description they are working towards; the staff supporting a trainee see
  that trainee's (the view checks competencies.view_record on the record as well);
- what a trainee or qualified assistant practitioner may do (their current competence) is seen
  by the person, their current line manager, the lead nurse, and any registered nurse
  working in the same clinical area today. Pathway has no "nurse in charge" role: the nurse in
  charge of a shift is one of the ward's registered nurses and changes shift by shift, so the
  ward's registered nurses (and its ward manager) are exactly the people who may be in charge;
- "who on this ward can do X now" is seen by the ward's registered nurses and manager, and by
  the lead nurse for any ward.
"""

import rules

from pathway.models import RegistrationBody
from pathway.rules import (
    is_administrator,
    is_assistant_practitioner,
    is_current_manager_of,
    is_lead_nurse,
    is_manager,
    is_mentor,
    is_practice_educator,
    is_self,
    is_trainee,
    is_tutor,
)
from roledesign.selectors import has_training_record

can_read = is_lead_nurse | is_administrator

rules.add_perm("roledesign.manage", is_lead_nurse)
rules.add_perm("roledesign.view", can_read)
# The assistant practitioner's job description: worked towards, then held once qualified.
rules.add_perm("roledesign.view_own_job_description", is_trainee | is_assistant_practitioner)
rules.add_perm(
    "roledesign.view_record_job_description",
    is_mentor | is_tutor | is_practice_educator | is_manager | is_lead_nurse,
)


@rules.predicate
def is_registered_nurse(user):
    """On the NMC register (nurses and nursing associates), as recorded on their account."""
    return bool(
        user
        and user.is_authenticated
        and user.registration_body == RegistrationBody.NMC
        and user.registration_number
    )


@rules.predicate
def works_in_same_area(user, person):
    """Both work in the same clinical area now (the area on each account)."""
    return bool(
        user
        and person is not None
        and user.clinical_area_id is not None
        and user.clinical_area_id == person.clinical_area_id
    )


@rules.predicate
def works_in_area(user, area):
    return bool(user and area is not None and user.clinical_area_id == area.pk)


@rules.predicate
def trains_or_trained(user, person):
    """The person has a training record: a trainee, or an assistant practitioner who has
    finished the course (whose allocations, and so their supporters' access, have ended)."""
    return person is not None and has_training_record(person)


ward_nurse = is_registered_nurse | is_manager

rules.add_perm(
    "roledesign.view_current_competence",
    is_self
    | is_current_manager_of
    | is_lead_nurse
    | (ward_nurse & works_in_same_area & trains_or_trained),
)
rules.add_perm("roledesign.view_ward_competence", is_lead_nurse | (ward_nurse & works_in_area))
rules.add_perm("roledesign.view_any_ward_competence", is_lead_nurse)
