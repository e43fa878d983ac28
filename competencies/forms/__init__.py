"""Competencies forms, one module per concern, as services and selectors are: `records`
(practice, evidence, asking for and signing sign-off), `frameworks` (the framework editor)
and `interchange` (importing a framework file).

`from competencies import forms` offers the record forms, which the trainee's and mentor's
pages use; the framework editor and the import page name their module.
"""

from competencies.forms.records import *  # noqa: F403
