"""Fetch-and-authorise for the practice educator team's pages (pathway/access.py's policy).

Caseloads and the mentor register are not a trainee's private record: someone who is not a
practice educator (or a mentor) is 404, as there is no such caseload (or entry); anyone
without `act` on a real one gets 403.
"""

from __future__ import annotations

from pathway.access import reach
from pathway.models import RoleCode, User
from support import selectors


def access_educator(viewer, pk, *, act: str = "support.view_caseload") -> User:
    return reach(
        viewer, lambda: selectors.person_with_role(pk, RoleCode.PRACTICE_EDUCATOR), act=act
    )


def access_mentor(viewer, pk, *, act: str = "pathway.view_mentor_preparation") -> User:
    return reach(viewer, lambda: selectors.person_with_role(pk, RoleCode.MENTOR), act=act)
