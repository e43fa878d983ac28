"""The permission matrix for the governance pages.

The clinical safety hazard log is read by the lead nurse and the administrator; everyone else
signed in is refused; it is read-only, so those allowed get 405 for a POST.
"""

from __future__ import annotations

from tests.matrix.common import ADMIN, ANON, LEAD, LOGIN


def _read(*people) -> dict:
    return {
        "GET": {"*": 403, ANON: LOGIN, **dict.fromkeys(people, 200)},
        "POST": {"*": 403, ANON: LOGIN, **dict.fromkeys(people, 405)},
    }


MATRIX = {
    # The governance areas page: links to the hazard log, the access log, retention, subject access.
    "governance:index": _read(LEAD, ADMIN),
    "governance:hazard_log": _read(LEAD, ADMIN),
    "governance:hazard_detail": _read(LEAD, ADMIN),
}

KWARGS = {
    "governance:hazard_detail": lambda w: {"hazard_id": "H-001"},
}
