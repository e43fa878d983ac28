"""Who may see and record the career pathway and its outcomes.

- the lead nurse reads every outcome and history, and records moves, stages and bridging
  modules;
- a person reads their own pathway history;
- nobody else: not the administrator (who manages accounts, not people's careers or the reasons
  they left), nor the staff supporting a trainee today (a person's later career is not part of
  the training record they support).
"""

import rules

from pathway.rules import is_lead_nurse, is_self

rules.add_perm("outcomes.view_dashboard", is_lead_nurse)
rules.add_perm("outcomes.manage", is_lead_nurse)
rules.add_perm("outcomes.view_history", is_lead_nurse | is_self)
