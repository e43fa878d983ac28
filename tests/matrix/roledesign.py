"""The permission matrix for role design pages added after the core matrix (see
tests/matrix/common.py; the first roledesign pages are in tests/test_permission_matrix.py).

- the task import template (CSV or XLSX): the lead nurse's, like the import page it serves;
  a download, so POST is 405.
"""

from __future__ import annotations

from tests.matrix.common import lead_only

MATRIX = {
    "roledesign:task_import_template": lead_only(post=405),
}

KWARGS = {
    "roledesign:task_import_template": lambda w: {"fmt": "xlsx"},
}
