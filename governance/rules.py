"""Who may do what in governance (issue #20).

- The clinical safety hazard log (DCB0129): the lead nurse and the administrator read it; it is
  changed only in the repository (docs/clinical-safety/hazard-log.toml), never in Pathway.
- Subject access: the administrator may produce everything held about anyone; each person may
  produce it about themself. Nobody else, the lead nurse included: it is the whole record, not
  the part of it their work needs.
- Retention: the administrator edits the schedule and erases people on request; the lead nurse
  reads the schedule and the disposal log (no personal data in it).
"""

import rules

from pathway.rules import is_administrator, is_lead_nurse, is_self, is_signed_in

rules.add_perm("governance.view_index", is_lead_nurse | is_administrator)
rules.add_perm("governance.view_hazard_log", is_lead_nurse | is_administrator)
rules.add_perm("governance.produce_subject_access", is_administrator | (is_signed_in & is_self))
rules.add_perm("governance.find_people_for_subject_access", is_administrator)
rules.add_perm("governance.view_retention", is_administrator | is_lead_nurse)
rules.add_perm("governance.change_retention", is_administrator)
# With the person as the object: never one's own record (another administrator does it).
rules.add_perm("governance.erase_person", is_administrator & ~is_self)
