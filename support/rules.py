"""Who may do what with educators' caseloads, support logs, the mentor workload view.

- a practice educator sees their own caseload and logs their own support;
- the lead nurse sees every educator's caseload and logs, and adds mentors to caseloads;
- the mentor workload view: the lead nurse and practice educators (who support mentors).
The mentor register's permissions are the core's (pathway.rules): it belongs to the person.
"""

import rules

from pathway.rules import is_lead_nurse, is_practice_educator, is_self

rules.add_perm("support.view_own_caseload", is_practice_educator)
rules.add_perm("support.log_support", is_practice_educator)
rules.add_perm("support.view_all_caseloads", is_lead_nurse)
# With an educator as the object: the lead nurse, or that educator themself.
rules.add_perm("support.view_caseload", is_lead_nurse | (is_practice_educator & is_self))
rules.add_perm("support.manage_caseloads", is_lead_nurse)
rules.add_perm("support.view_mentor_workload", is_lead_nurse | is_practice_educator)
