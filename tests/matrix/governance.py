"""The permission matrix for who looked (the access log) and subject access (issue #20).

Everyone signed in sees who has looked at their own record and may download everything held
about themself; the lead nurse and the administrator search the access log; only the
administrator finds another person and downloads everything held about them.
"""

from __future__ import annotations

from tests.matrix.common import ADMIN, ANON, LEAD, LOGIN, OK

MATRIX = {
    "pathway:my_record_accesses": {
        "GET": {"*": 200, ANON: LOGIN},
        "POST": {"*": OK, ANON: LOGIN},
    },
    "pathway:record_access_log": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: OK, ADMIN: OK},
    },
    "governance:subject_access": {
        "GET": {"*": 403, ANON: LOGIN, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, ADMIN: OK},
    },
    # The archive is made by a POST (it is logged); a GET is refused before anything is made.
    "governance:subject_access_produce": {
        "GET": {"*": 403, ANON: LOGIN, ADMIN: 405},
        "POST": {"*": 403, ANON: LOGIN, ADMIN: 200},
    },
    # Each person's own: the page, and the archive it makes (a small record: made at once).
    "governance:my_data": {
        "GET": {"*": 200, ANON: LOGIN},
        "POST": {"*": 200, ANON: LOGIN},
    },
}

KWARGS = {
    "governance:subject_access_produce": lambda w: {"pk": w.trainee.pk},
}
