"""Who may do what with the governance pages.

- the clinical safety hazard log (DCB0129): the lead nurse and the administrator read it; it is
  changed only in the repository (docs/clinical-safety/hazard-log.toml), never in Pathway.
"""

import rules

from pathway.rules import is_administrator, is_lead_nurse

rules.add_perm("governance.view_hazard_log", is_lead_nurse | is_administrator)
