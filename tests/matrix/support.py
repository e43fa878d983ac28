"""The permission matrix for the practice educator team (support) pages.

Practice educators see their own caseload and log their support; the lead nurse sees every
educator's caseload and logs and adds mentors to caseloads; the mentor register and the
mentor workload are for the lead nurse and practice educators; a mentor reads their own entry.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from support.models import MentorCaseload, SupportKind, SupportLog
from tests.matrix.common import ANON, EDUCATOR, LEAD, LOGIN, MENTOR, OK, lead_only


def _read(*people, post=405) -> dict:
    return {
        "GET": {"*": 403, ANON: LOGIN, **dict.fromkeys(people, 200)},
        "POST": {"*": 403, ANON: LOGIN, **dict.fromkeys(people, post)},
    }


MATRIX = {
    "support:caseload": _read(EDUCATOR),
    "support:support_log_add": _read(EDUCATOR, post=OK),
    "support:educator_list": _read(LEAD),
    # The lead nurse, or the educator whose caseload it is.
    "support:educator_caseload": _read(EDUCATOR, LEAD),
    "support:support_log_list": _read(EDUCATOR, LEAD),
    "support:mentor_caseload_add": lead_only(),
    "support:mentor_register": _read(EDUCATOR, LEAD),
    "support:mentor_workload": _read(EDUCATOR, LEAD),
    # A mentor reads their own entry; the world's other mentor is refused.
    "support:mentor_entry": _read(MENTOR, EDUCATOR, LEAD),
    "support:mentor_preparation_edit": _read(EDUCATOR, LEAD, post=OK),
}

KWARGS = {
    "support:educator_caseload": lambda w: {"pk": w.educator.pk},
    "support:support_log_list": lambda w: {"pk": w.educator.pk},
    "support:mentor_caseload_add": lambda w: {"pk": w.educator.pk},
    "support:mentor_entry": lambda w: {"pk": w.mentor.pk},
    "support:mentor_preparation_edit": lambda w: {"pk": w.mentor.pk},
}


def extend_world(world) -> None:
    today = timezone.localdate()
    MentorCaseload.objects.create(
        educator=world.educator, mentor=world.mentor, start_date=today - datetime.timedelta(days=30)
    )
    SupportLog.objects.create(
        educator=world.educator,
        kind=SupportKind.MENTORS,
        person=world.mentor,
        on=today,
        minutes=45,
    )
