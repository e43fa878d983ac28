"""Who may see and change the retention schedule, and erase a person.

- the administrator edits the schedule and erases people on request;
- the lead nurse reads the schedule and the disposal log (no personal data in it).
"""

import rules

from pathway.rules import is_administrator, is_lead_nurse, is_self

rules.add_perm("governance.view_retention", is_administrator | is_lead_nurse)
rules.add_perm("governance.change_retention", is_administrator)
# With the person as the object: never one's own record (another administrator does it).
rules.add_perm("governance.erase_person", is_administrator & ~is_self)
