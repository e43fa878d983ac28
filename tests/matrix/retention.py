"""The permission matrix for retention and erasure (governance).

The retention schedule is read by the lead nurse and the administrator, changed by the
administrator only; only the administrator erases a person (an empty POST shows the form's
errors and erases nobody).
"""

from __future__ import annotations

from tests.matrix.common import ADMIN, ANON, LEAD, LOGIN, OK

MATRIX = {
    "governance:retention": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: 405, ADMIN: 405},
    },
    "governance:retention_rule_edit": {
        "GET": {"*": 403, ANON: LOGIN, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, ADMIN: OK},
    },
    "governance:person_erase": {
        "GET": {"*": 403, ANON: LOGIN, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, ADMIN: OK},
    },
}

KWARGS = {
    "governance:retention_rule_edit": lambda w: {"kind": "notifications"},
    "governance:person_erase": lambda w: {"pk": w.trainee.pk},
}
