"""The permission matrix for role design pages added after the core matrix (see
tests/matrix/common.py; the first roledesign pages are in tests/test_permission_matrix.py).

- the task import template (CSV or XLSX): the lead nurse's, like the import page it serves;
  a download, so POST is 405.
- the ward's "who can do it now" (issue #16): the ward's registered nurses (the other mentor,
  whom extend_world puts on the trainee's ward) and the lead nurse; read only, so POST is 405.
  "My ward" sends a ward nurse to their ward's page and shows the lead nurse a list of wards.
"""

from __future__ import annotations

from tests.matrix.common import ANON, LEAD, LOGIN, OTHER_MENTOR, lead_only


def extend_world(world):
    # A registered nurse on the trainee's ward who has no part in the trainee's training.
    world.other_mentor.clinical_area = world.record.clinical_area
    world.other_mentor.save(update_fields=["clinical_area"])


MATRIX = {
    "roledesign:task_import_template": lead_only(post=405),
    "roledesign:my_ward": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, OTHER_MENTOR: 302},
        "POST": {"*": 405, ANON: LOGIN},
    },
    "roledesign:ward_competence": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, OTHER_MENTOR: 200},
        "POST": {"*": 405, ANON: LOGIN},
    },
}

KWARGS = {
    "roledesign:task_import_template": lambda w: {"fmt": "xlsx"},
    "roledesign:ward_competence": lambda w: {"pk": w.record.clinical_area_id},
}
