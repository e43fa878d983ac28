"""Who manages API clients: the administrator, who manages accounts."""

import rules

from pathway.rules import is_administrator

rules.add_perm("api.manage_clients", is_administrator)
