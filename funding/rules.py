"""Funding and costs are the lead nurse's: nobody else reads or changes them."""

import rules

from pathway.rules import is_lead_nurse

rules.add_perm("funding.view", is_lead_nurse)
rules.add_perm("funding.manage", is_lead_nurse)
