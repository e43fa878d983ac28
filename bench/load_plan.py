"""Who the load test signs in as and what they open (bench/locustfile.py reads it as JSON).

Current trainees of running cohorts with a few competencies of their record; their mentors
with their mentees' records and open requests; the lead nurse with the running cohorts. Each
person also gets a session made here, as if they had signed in earlier: in one minute of a
real day few of fifty people sign in (a session lasts 30 minutes idle), so fifty sign-ins at
once would measure a morning rush, not a working hour. The locust file still signs a share of
them in through the real form.
"""

from __future__ import annotations

import json
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from bench.scale import EMAIL_DOMAIN, PROGRAMME_NAME, SCALE_PASSWORD
from cohorts.models import Cohort, Enrolment, EnrolmentStatus
from competencies.models import CompetencyProgress, SignOffRequest
from pathway.models import Allocation, User

TRAINEES = 60
MENTORS = 20


def _session(user: User) -> str:
    """A signed-in session for this person, stored as the sign-in form would store it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "pathway.identity.backends.PersonBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def write_plan(path: Path) -> dict:
    today = timezone.localdate()
    running = list(
        Cohort.objects.filter(programme__name=PROGRAMME_NAME, status=Cohort.Status.RUNNING)
    )
    enrolments = list(
        Enrolment.objects.filter(cohort__in=running, status=EnrolmentStatus.ACTIVE)
        .select_related("trainee")
        .order_by("trainee__email")[:TRAINEES]
    )
    competencies: dict[int, list[int]] = {}
    for record_id, competency_id in (
        CompetencyProgress.objects.filter(record_id__in=[e.record_id for e in enrolments])
        .order_by("record_id", "-practice_count", "competency_id")
        .values_list("record_id", "competency_id")
    ):
        picked = competencies.setdefault(record_id, [])
        if len(picked) < 5:
            picked.append(competency_id)
    trainees = [
        {
            "email": e.trainee.email,
            "session": _session(e.trainee),
            "pages": [reverse("competencies:my_progress"), reverse("cohorts:my_programme")]
            + [
                reverse("competencies:competency_detail", args=[e.record_id, c])
                for c in competencies.get(e.record_id, [])
            ],
        }
        for e in enrolments
    ]
    mentors, supporters = {}, {}
    for allocation in (
        Allocation.objects.current(today)
        .filter(kind=Allocation.Kind.MENTOR, trainee__in=[e.trainee_id for e in enrolments])
        .select_related("supporter")
    ):
        mentors.setdefault(allocation.supporter.email, set()).add(allocation.trainee_id)
        supporters[allocation.supporter.email] = allocation.supporter
    records = {e.trainee_id: e.record_id for e in enrolments}
    requests = {}
    for pk, mentor_email in SignOffRequest.objects.filter(
        status=SignOffRequest.Status.OPEN, record_id__in=records.values()
    ).values_list("pk", "mentor__email"):
        requests.setdefault(mentor_email, []).append(pk)
    lead = User.objects.get(email=f"lead00001@{EMAIL_DOMAIN}")
    plan = {
        "password": SCALE_PASSWORD,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "trainees": trainees,
        "mentors": [
            {
                "email": email,
                "session": _session(supporters[email]),
                "pages": [reverse("competencies:my_trainees")]
                + [reverse("competencies:record_detail", args=[records[t]]) for t in mentees]
                + [reverse("competencies:sign_off", args=[r]) for r in requests.get(email, [])],
            }
            for email, mentees in sorted(mentors.items())[:MENTORS]
        ],
        "lead": {
            "email": lead.email,
            "session": _session(lead),
            "pages": [reverse("cohorts:programme_overview")]
            + [reverse("cohorts:cohort_detail", args=[c.pk]) for c in running]
            + [reverse("cohorts:cohort_grid", args=[c.pk]) for c in running[:2]],
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plan, indent=1))
    return plan
