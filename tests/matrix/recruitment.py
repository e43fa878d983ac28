"""The permission matrix for recruitment (see tests/matrix/common.py).

The world gains a planned cohort open for applications, with:
- the trainee's own application, offered a place, naming the world's manager (made with the
  ORM: the trainee is enrolled already, which the service would refuse; here it stands for
  "an applicant's own application");
- applications by other band 3 staff at each stage the lead nurse acts on, and one waiting
  for the world's manager to confirm support.
Band 3 staff (the two trainees in this world) may apply; managers see requests naming them.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from recruitment.models import Application, ApplicationStatus
from tests import factories
from tests.matrix.common import (
    ANON,
    LEAD,
    LOGIN,
    MANAGER,
    OK,
    OTHER_TRAINEE,
    TRAINEE,
    lead_only,
)

S = ApplicationStatus


def extend_world(w):
    today = timezone.localdate()
    w.next_cohort = factories.CohortFactory(
        programme=w.programme,
        framework=w.framework,
        name="Next intake",
        status="planned",
        intake_date=today + datetime.timedelta(weeks=10),
    )
    w.next_cohort.clinical_areas.set(w.cohort.clinical_areas.all())
    w.recruitment = factories.open_round(w.next_cohort)
    w.own_application = Application.objects.create(
        round=w.recruitment,
        applicant=w.trainee,
        manager=w.manager,
        status=S.OFFERED,
        job_title="Healthcare assistant",
        band="3",
        clinical_area=w.next_cohort.clinical_areas.first(),
        statement="My own application",
        offered_on=today,
    )
    for status in (S.AWAITING_SUPPORT, S.SUPPORTED, S.SHORTLISTED, S.APPOINTABLE, S.ACCEPTED):
        application = factories.make_application(w.recruitment, status=status, manager=w.manager)
        setattr(w, f"application_{status}", application)
    # A cohort with no recruitment yet, to open.
    w.unrecruited_cohort = w.cohort


def _private(**allowed):
    """An applicant's application: strangers are told nothing (404)."""
    get = {"*": 404, ANON: LOGIN, **{who: 200 if a == OK else a for who, a in allowed.items()}}
    post = {"*": 404, ANON: LOGIN, **allowed}
    return {"GET": get, "POST": post}


MATRIX = {
    "recruitment:index": lead_only(),
    "recruitment:round_open": lead_only(),
    "recruitment:round_detail": lead_only(),
    "recruitment:round_edit": lead_only(),
    "recruitment:application_add": lead_only(),
    "recruitment:shortlist": lead_only(),
    "recruitment:interview": lead_only(),
    "recruitment:offer": lead_only(),
    "recruitment:enrol": lead_only(),
    # Band 3 staff apply; the trainee has applied already and is sent to their application.
    "recruitment:apply": {
        "GET": {"*": 403, ANON: LOGIN, TRAINEE: 302, OTHER_TRAINEE: 200},
        "POST": {"*": 403, ANON: LOGIN, TRAINEE: 302, OTHER_TRAINEE: OK},
    },
    "recruitment:my_applications": {
        "GET": {"*": 403, ANON: LOGIN, TRAINEE: 200, OTHER_TRAINEE: 200},
        "POST": {"*": 403, ANON: LOGIN, TRAINEE: OK, OTHER_TRAINEE: OK},
    },
    "recruitment:support_requests": {
        "GET": {"*": 403, ANON: LOGIN, MANAGER: 200},
        "POST": {"*": 403, ANON: LOGIN, MANAGER: OK},
    },
    # The applicant, the manager they named, and the lead nurse.
    "recruitment:application_detail": _private(**{TRAINEE: OK, MANAGER: OK, LEAD: OK}),
    # Only the named manager answers; the lead nurse may read it but not answer.
    "recruitment:support_decide": _private(**{MANAGER: OK, LEAD: 403}),
    # Only the applicant answers their offer.
    "recruitment:respond": _private(**{TRAINEE: OK, MANAGER: 403, LEAD: 403}),
    # The applicant withdraws, or the lead nurse records it.
    "recruitment:withdraw": _private(**{TRAINEE: OK, MANAGER: 403, LEAD: OK}),
}

KWARGS = {
    "recruitment:round_open": lambda w: {"cohort_pk": w.unrecruited_cohort.pk},
    "recruitment:round_detail": lambda w: {"pk": w.recruitment.pk},
    "recruitment:round_edit": lambda w: {"pk": w.recruitment.pk},
    "recruitment:apply": lambda w: {"pk": w.recruitment.pk},
    "recruitment:application_add": lambda w: {"pk": w.recruitment.pk},
    "recruitment:application_detail": lambda w: {"pk": w.own_application.pk},
    "recruitment:support_decide": lambda w: {"pk": w.application_awaiting_support.pk},
    "recruitment:shortlist": lambda w: {"pk": w.application_supported.pk},
    "recruitment:interview": lambda w: {"pk": w.application_shortlisted.pk},
    "recruitment:offer": lambda w: {"pk": w.application_appointable.pk},
    "recruitment:respond": lambda w: {"pk": w.own_application.pk},
    "recruitment:enrol": lambda w: {"pk": w.application_accepted.pk},
    "recruitment:withdraw": lambda w: {"pk": w.own_application.pk},
}
