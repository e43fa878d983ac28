"""The permission matrix for the off-the-job hours ledger (apprenticeships/urls_hours.py).

The world's programme is made an apprenticeship and the trainee an apprentice, with hours they
logged waiting for their line manager and a break in learning the tutor recorded, waiting for
the lead nurse. An apprentice's hours are private: the apprentice, their line manager, tutor and
practice educator, and the lead nurse read them; anyone else gets 404. The apprentice logs;
the line manager confirms; the tutor, line manager or lead nurse records a break; the lead nurse
(not the recorder) approves it. A cohort's hours: whoever sees its dashboard.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from apprenticeships.models import Apprenticeship, BreakInLearning, OtjEntry
from tests.apprenticeships.hours_helpers import make_apprenticeship_programme
from tests.matrix.common import (
    ANON,
    EDUCATOR,
    LEAD,
    LOGIN,
    MANAGER,
    OK,
    TRAINEE,
    TUTOR,
    each,
)

READERS = (TRAINEE, MANAGER, TUTOR, EDUCATOR, LEAD)


def _private(allowed, *, get=200, post=OK) -> dict:
    """A page of the apprentice's hours: 404 for those who may not read them, 403 for readers
    who may not do this, `get`/`post` for `allowed`."""
    return {
        "GET": {"*": 404, ANON: LOGIN, **each(READERS, 403), **each(allowed, get)},
        "POST": {"*": 404, ANON: LOGIN, **each(READERS, 403), **each(allowed, post)},
    }


def _read(*people, refused=403) -> dict:
    return {
        "GET": {"*": refused, ANON: LOGIN, **each(people, 200)},
        "POST": {"*": refused, ANON: LOGIN, **each(people, 405)},
    }


MATRIX = {
    "apprenticeships:my_hours": {
        "GET": {"*": 404, ANON: LOGIN, TRAINEE: 302},
        "POST": {"*": 405, ANON: LOGIN},
    },
    "apprenticeships:hours_to_confirm": _read(MANAGER),
    "apprenticeships:breaks_to_approve": _read(LEAD),
    "apprenticeships:funding_at_risk": _read(LEAD),
    "apprenticeships:hours": _private(READERS, post=405),
    "apprenticeships:hours_export": _private(READERS, post=405),
    "apprenticeships:hours_log": _private((TRAINEE,)),
    "apprenticeships:break_add": _private((TUTOR, MANAGER, LEAD)),
    "apprenticeships:entry_decide": _private((MANAGER,)),
    "apprenticeships:break_decide": _private((LEAD,)),
    "apprenticeships:cohort_hours": _read(LEAD, EDUCATOR),
    "apprenticeships:cohort_hours_export": _read(LEAD, EDUCATOR),
}

KWARGS = {
    "apprenticeships:hours": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:hours_export": lambda w: {"pk": w.apprenticeship.pk, "fmt": "csv"},
    "apprenticeships:hours_log": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:break_add": lambda w: {"pk": w.apprenticeship.pk},
    "apprenticeships:entry_decide": lambda w: {"pk": w.otj_entry.pk},
    "apprenticeships:break_decide": lambda w: {"pk": w.learning_break.pk},
    "apprenticeships:cohort_hours": lambda w: {"pk": w.cohort.pk},
    "apprenticeships:cohort_hours_export": lambda w: {"pk": w.cohort.pk, "fmt": "xlsx"},
}


def extend_world(world) -> None:
    today = timezone.localdate()
    make_apprenticeship_programme(world.programme)
    world.apprenticeship = Apprenticeship.objects.create(
        enrolment=world.enrolment,
        practical_period_start=world.cohort.intake_date,
        planned_end_date=world.cohort.intake_date + datetime.timedelta(days=540),
        planned_otj_hours=400,
    )
    world.otj_entry = OtjEntry.objects.create(
        apprenticeship=world.apprenticeship,
        on=today,
        hours=Decimal("2"),
        activity="theory",
        description="Online module on infection control",
        logged_by=world.trainee,
    )
    world.learning_break = BreakInLearning.objects.create(
        apprenticeship=world.apprenticeship,
        starts_on=today + datetime.timedelta(days=7),
        returns_on=today + datetime.timedelta(days=37),
        reason="Planned surgery",
        recorded_by=world.tutor,
    )
