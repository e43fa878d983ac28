"""Who may do what with role design and job descriptions.

- the lead nurse edits and approves everything;
- administrators read job descriptions and role design projects;
- trainees see the job description they are working towards; the staff supporting a trainee see
  that trainee's (the view checks competencies.view_record on the record as well);
- a person's current competence is seen by the person, their current line manager and the lead
  nurse.
"""

import rules

from pathway.rules import (
    is_administrator,
    is_current_manager_of,
    is_lead_nurse,
    is_manager,
    is_mentor,
    is_practice_educator,
    is_self,
    is_trainee,
    is_tutor,
)

can_read = is_lead_nurse | is_administrator

rules.add_perm("roledesign.manage", is_lead_nurse)
rules.add_perm("roledesign.view", can_read)
rules.add_perm("roledesign.view_own_job_description", is_trainee)
rules.add_perm(
    "roledesign.view_record_job_description",
    is_mentor | is_tutor | is_practice_educator | is_manager | is_lead_nurse,
)
rules.add_perm(
    "roledesign.view_current_competence", is_self | is_current_manager_of | is_lead_nurse
)
