"""Competencies selectors, one module per concern: `records` (the trainee's record, sign-off
requests, the lists of those a person supports) and `frameworks` (the framework editor).

`from competencies import selectors` still offers every public selector of `records` (nothing
private), as it did when that was the module; the framework editor imports `frameworks`.
"""

from competencies.selectors.records import *  # noqa: F403
