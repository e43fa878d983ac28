"""Competencies services, one module per concern: `frameworks` (the framework editor),
`records` (training records, practice, evidence, sign-off) and `ledger` (chain heads and
checkpoints of the sign-off ledger).

`from competencies import services` still offers every public service of `frameworks` and
`records` (nothing private), so callers need not know which module holds one; a module that
uses one concern only imports it by name, as the framework editor's views do.
"""

from competencies.services.frameworks import *  # noqa: F403
from competencies.services.records import *  # noqa: F403
