"""The permission matrix: who may see and do what, on every page of Pathway.

Every URL pattern of the project (walked from the URL configuration, Django's admin aside) must
have an entry in MATRIX below, which says, for GET and for POST, what each of ten people gets:

    200       the page
    302       a redirect somewhere other than the sign-in page (a landing page, the next step)
    OK        for POST: 200 (a form shown again with its errors) or 302 (the action was done);
              never a redirect to sign in
    LOGIN     a redirect to /sign-in/?next=... (anonymous people)
    401       not authenticated the way this address asks (the integration API wants a bearer
              token, not a session: tests/matrix/api.py)
    400       a request that cannot be answered (a sign-in callback with no sign-in under way,
              a passkey challenge asked for an incomplete decision): a clear page or answer
    403       refused: signed in, but not allowed
    404       refused without saying the thing exists (a trainee's private record)
    405       method not allowed
    503       a service Pathway depends on cannot be reached (the NHS sign-in service)

"*" is the answer for everyone not named. A pattern is named "namespace:name" (an unnamed one
by its route). A page added without an entry here makes its test fail, so that nobody can add a
page without deciding who may see it. The ten people: anonymous, the trainee, another trainee,
the trainee's mentor, another mentor, and the trainee's tutor, practice educator and line
manager, the lead nurse and an administrator.

The world (class World): a published framework with core and specific competencies, a running
cohort with the trainee enrolled and allocated a mentor, a tutor, a practice educator and a line
manager; another trainee with another mentor in another cohort; practice, evidence (a real PDF),
an open sign-off request, a decided assessment, a training day, a module, a programme plan, a
review with an action owned by the mentor, and a draft framework for the framework editor. It is
built once, through the factories and the real services, inside a transaction; each test (one
per URL name) runs in a savepoint within it that is rolled back afterwards, so every URL meets
the same, unchanged world. Within a test, POSTs carry an empty body (forms show their errors,
actions are done) and come after every GET and every refusal, so that a POST that succeeds
cannot change what a later check sees.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cohorts.services import reviews as review_services
from cohorts.services import training as training_services
from cohorts.services.cohorts import programme_plan_save
from competencies import services as competency_services
from competencies.models import Assessment
from pathway.models import Allocation, Module
from roledesign import services as roledesign_services
from tests import factories
from tests.matrix import parts
from tests.matrix.common import (
    ADMIN,
    ANON,
    EDUCATOR,
    LEAD,
    LOGIN,
    MANAGER,
    MENTOR,
    METHODS,
    OK,
    OTHER_MENTOR,
    OTHER_TRAINEE,
    PEOPLE,
    RECORD_READERS,
    SUPPORTERS,
    TRAINEE,
    TUTOR,
    each,
    lead_only,
)
from tests.roledesign.helpers import make_jd

pytestmark = pytest.mark.django_db

EVIDENCE_PDF = Path(__file__).resolve().parent / "fixtures" / "evidence" / "reflection.pdf"

# The matrix ----------------------------------------------------------------------------------

MATRIX: dict[str, dict[str, dict[str, object]]] = {
    # Signing in and out, public pages, the account -----------------------------------------
    "home": {
        # Each role is sent to its landing page; the administrator has none, so sees home.
        "GET": {"*": 302, ANON: LOGIN, ADMIN: 200},
        "POST": {"*": OK, ANON: LOGIN},
    },
    "login": {
        "GET": {"*": 302, ANON: 200},  # someone signed in is sent home
        "POST": {"*": OK},
    },
    "logout": {
        "GET": {"*": 405},  # signing out is a POST only
        "POST": {"*": 302},  # back to the sign-in page
    },
    "password_reset": {"GET": {"*": 200}, "POST": {"*": OK}},
    "password_reset_done": {"GET": {"*": 200}, "POST": {"*": 405}},
    # The link in the world is not valid: everyone gets the page that says so.
    "password_reset_confirm": {"GET": {"*": 200}, "POST": {"*": 200}},
    "password_reset_complete": {"GET": {"*": 200}, "POST": {"*": 405}},
    "pathway:accessibility": {"GET": {"*": 200}, "POST": {"*": OK}},
    "pathway:privacy": {"GET": {"*": 200}, "POST": {"*": OK}},
    "pathway:account": {
        "GET": {"*": 200, ANON: LOGIN},
        "POST": {"*": OK, ANON: LOGIN},
    },
    "pathway:password_change": {
        "GET": {"*": 200, ANON: LOGIN},
        "POST": {"*": OK, ANON: LOGIN},
    },
    # People and allocations --------------------------------------------------------------------
    "pathway:people": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: OK, ADMIN: OK},
    },
    # The ESR staff-extract import: for those who manage people (an unknown token sends them
    # back to upload the file).
    "pathway:esr_import": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: OK, ADMIN: OK},
    },
    "pathway:esr_import_preview": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 302, ADMIN: 302},
        "POST": {"*": 403, ANON: LOGIN, LEAD: 302, ADMIN: 302},
    },
    "pathway:person_detail": {
        # The trainee's own page: the trainee, the staff supporting them now, the lead nurse,
        # and the administrator, who manages accounts. To anyone else it does not exist.
        "GET": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 200), ADMIN: 200},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, OK), ADMIN: OK},
    },
    "pathway:allocation_add": lead_only(),
    # The framework editor: the lead nurse changes; the administrator may look --------------
    "competencies:framework_list": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: 405, ADMIN: 405},
    },
    "competencies:framework_detail": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: 405, ADMIN: 405},
    },
    "competencies:framework_create": lead_only(),
    "competencies:framework_edit": lead_only(),
    "competencies:framework_publish": lead_only(),
    "competencies:framework_new_version": lead_only(),
    "competencies:framework_retire": lead_only(),
    "competencies:domain_add": lead_only(),
    "competencies:domain_edit": lead_only(),
    "competencies:domain_delete": lead_only(),
    "competencies:domain_move": lead_only(get=405),
    "competencies:competency_add": lead_only(),
    "competencies:competency_edit": lead_only(),
    "competencies:competency_delete": lead_only(),
    "competencies:competency_move": lead_only(get=405),
    "competencies:framework_import": lead_only(),
    # A token this session does not hold: the lead nurse is sent back to upload the file.
    "competencies:framework_import_preview": lead_only(get=302, post=302),
    "competencies:framework_import_example": lead_only(post=405),
    "competencies:framework_export": lead_only(post=405),
    # The trainee's record: private; people with no part in it get 404 ------------------------
    "competencies:my_progress": {
        # Anyone with a record sees their own; staff without one are refused.
        "GET": {"*": 403, ANON: LOGIN, TRAINEE: 200, OTHER_TRAINEE: 200},
        "POST": {"*": 403, ANON: LOGIN, TRAINEE: OK, OTHER_TRAINEE: OK},
    },
    "competencies:record_detail": {
        "GET": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 200)},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, OK)},
    },
    "competencies:competency_detail": {
        "GET": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 200)},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, OK)},
    },
    "competencies:evidence_download": {
        "GET": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 200)},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, OK)},
    },
    # Only the trainee adds to the record; readers who are not the trainee get 403.
    "competencies:request_sign_off": {
        "GET": {"*": 404, ANON: LOGIN, **each((*SUPPORTERS, LEAD), 403), TRAINEE: 200},
        "POST": {"*": 404, ANON: LOGIN, **each((*SUPPORTERS, LEAD), 403), TRAINEE: OK},
    },
    "competencies:practice_add": {
        "GET": {"*": 404, ANON: LOGIN, **each((*SUPPORTERS, LEAD), 403), TRAINEE: 200},
        "POST": {"*": 404, ANON: LOGIN, **each((*SUPPORTERS, LEAD), 403), TRAINEE: OK},
    },
    # Practice: the supervisor the trainee named (the mentor, in the world) confirms it; the
    # list of practice to confirm is for whoever may be named (registered staff, mentors,
    # practice educators), empty when nobody named them.
    "competencies:practice_queue": {
        "GET": {"*": 200, ANON: LOGIN, **each((TRAINEE, OTHER_TRAINEE, TUTOR, ADMIN), 403)},
        "POST": {"*": OK, ANON: LOGIN, **each((TRAINEE, OTHER_TRAINEE, TUTOR, ADMIN), 403)},
    },
    "competencies:practice_confirm": {
        "GET": {"*": 405, ANON: LOGIN},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 403), MENTOR: OK},
    },
    "competencies:evidence_add": {
        "GET": {"*": 404, ANON: LOGIN, **each((*SUPPORTERS, LEAD), 403), TRAINEE: 200},
        "POST": {"*": 404, ANON: LOGIN, **each((*SUPPORTERS, LEAD), 403), TRAINEE: OK},
    },
    "competencies:request_withdraw": {
        "GET": {"*": 405, ANON: LOGIN},
        "POST": {"*": 404, ANON: LOGIN, **each((*SUPPORTERS, LEAD), 403), TRAINEE: OK},
    },
    # Sign-off: the mentor the request was sent to decides; the signer or lead nurse revokes --
    "competencies:my_trainees": {
        "GET": {"*": 403, ANON: LOGIN, **each((*SUPPORTERS, OTHER_MENTOR), 200)},
        "POST": {"*": 403, ANON: LOGIN, **each((*SUPPORTERS, OTHER_MENTOR), OK)},
    },
    "competencies:sign_off": {
        "GET": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 403), MENTOR: 200},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 403), MENTOR: OK},
    },
    "competencies:revoke": {
        "GET": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 403), MENTOR: 200, LEAD: 200},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 403), MENTOR: OK, LEAD: OK},
    },
    # Cohort administration: the lead nurse ---------------------------------------------------
    "cohorts:cohort_list": {
        # Practice educators see the cohorts they support; the lead nurse sees all.
        "GET": {"*": 403, ANON: LOGIN, EDUCATOR: 200, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, EDUCATOR: OK, LEAD: OK},
    },
    "cohorts:cohort_create": lead_only(),
    "cohorts:cohort_edit": lead_only(),
    "cohorts:enrolment_add": lead_only(),
    "cohorts:enrolment_status": lead_only(),
    "cohorts:enrolment_move": lead_only(),
    "cohorts:programme_plan": lead_only(),
    "cohorts:enrolment_import": lead_only(),
    # The blank templates: GET only, checked before anything else.
    "cohorts:enrolment_template_csv": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200},
        "POST": {"*": 405},
    },
    "cohorts:enrolment_template_xlsx": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200},
        "POST": {"*": 405},
    },
    # Training days and the register: the lead nurse, and the practice educator of the cohort --
    "cohorts:training_days": {
        "GET": {"*": 403, ANON: LOGIN, EDUCATOR: 200, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, EDUCATOR: OK, LEAD: OK},
    },
    "cohorts:attendance_register": {
        "GET": {"*": 403, ANON: LOGIN, EDUCATOR: 200, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, EDUCATOR: OK, LEAD: OK},
    },
    "cohorts:training_day_add": lead_only(),
    "cohorts:training_day_edit": lead_only(),
    "cohorts:training_day_delete": lead_only(),
    "cohorts:module_result_add": {
        "GET": {"*": 403, ANON: LOGIN, TUTOR: 200, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, TUTOR: OK, LEAD: OK},
    },
    # Reviews: refusals are 403, whoever asks (see cohorts/views/reviews.py) --------------------
    "cohorts:review_list": {
        "GET": {"*": 403, ANON: LOGIN, **each(RECORD_READERS, 200)},
        "POST": {"*": 403, ANON: LOGIN, **each(RECORD_READERS, OK)},
    },
    "cohorts:review_detail": {
        "GET": {"*": 403, ANON: LOGIN, **each(RECORD_READERS, 200)},
        "POST": {"*": 403, ANON: LOGIN, **each(RECORD_READERS, OK)},
    },
    "cohorts:review_add": {
        # The manager reads reviews but does not record them.
        "GET": {"*": 403, ANON: LOGIN, **each((MENTOR, TUTOR, EDUCATOR, LEAD), 200)},
        "POST": {"*": 403, ANON: LOGIN, **each((MENTOR, TUTOR, EDUCATOR, LEAD), OK)},
    },
    "cohorts:review_confirm": {
        "GET": {"*": 405},
        "POST": {"*": 403, ANON: LOGIN, **each((TRAINEE, MENTOR, TUTOR), OK)},
    },
    "cohorts:review_action_complete": {
        "GET": {"*": 405},
        "POST": {"*": 403, ANON: LOGIN, MENTOR: OK, LEAD: OK},  # the owner, the lead nurse
    },
    "cohorts:reviews_due": {
        "GET": {"*": 403, ANON: LOGIN, **each((MENTOR, OTHER_MENTOR, TUTOR, EDUCATOR, LEAD), 200)},
        "POST": {"*": 403, ANON: LOGIN, **each((MENTOR, OTHER_MENTOR, TUTOR, EDUCATOR, LEAD), OK)},
    },
    # Dashboards, charts and exports ----------------------------------------------------------
    "cohorts:programme_overview": lead_only(),
    "cohorts:programme_overview_export": lead_only(),
    "cohorts:cohort_comparison": lead_only(post=405),
    "cohorts:cohort_detail": {
        "GET": {"*": 403, ANON: LOGIN, EDUCATOR: 200, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, EDUCATOR: OK, LEAD: OK},
    },
    "cohorts:cohort_export": {
        "GET": {"*": 403, ANON: LOGIN, EDUCATOR: 200, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, EDUCATOR: OK, LEAD: OK},
    },
    "cohorts:cohort_grid": {
        "GET": {"*": 403, ANON: LOGIN, EDUCATOR: 200, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, EDUCATOR: 405, LEAD: 405},
    },
    "cohorts:cohort_grid_export": {
        "GET": {"*": 403, ANON: LOGIN, EDUCATOR: 200, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, EDUCATOR: 405, LEAD: 405},
    },
    "cohorts:cohort_progress_chart": {
        "GET": {"*": 403, ANON: LOGIN, EDUCATOR: 200, LEAD: 200},
        "POST": {"*": 403, ANON: LOGIN, EDUCATOR: 405, LEAD: 405},
    },
    "cohorts:trainee_overview": {
        "GET": {"*": 403, ANON: LOGIN, **each(RECORD_READERS, 200)},
        "POST": {"*": 403, ANON: LOGIN, **each(RECORD_READERS, 405)},
    },
    # The audit history: the lead nurse and the administrator; read-only pages.
    "cohorts:audit_log": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: OK, ADMIN: OK},
    },
    "cohorts:audit_record": {
        "GET": {"*": 403, ANON: LOGIN, LEAD: 200, ADMIN: 200},
        "POST": {"*": 403, ANON: LOGIN, LEAD: OK, ADMIN: OK},
    },
    "cohorts:my_programme": {
        # A trainee is sent to their own overview; someone never enrolled has none.
        "GET": {"*": 404, ANON: LOGIN, TRAINEE: 302, OTHER_TRAINEE: 302},
        "POST": {"*": 404, ANON: LOGIN, TRAINEE: OK, OTHER_TRAINEE: OK},
    },
    # Role design and job descriptions: the lead nurse builds; the administrator reads ---------
    **{
        f"roledesign:{name}": {
            "GET": {"*": 403, ANON: LOGIN, LEAD: 200, ADMIN: 200},
            "POST": {"*": 403, ANON: LOGIN, LEAD: OK, ADMIN: OK},
        }
        for name in (
            "jd_list",
            "jd_detail",
            "jd_print",
            "jd_download",
            "project_list",
            "project_detail",
            "task_detail",
        )
    },
    **{
        f"roledesign:{name}": lead_only()
        for name in (
            "jd_create",
            "jd_edit",
            "jd_approve",
            "jd_new_version",
            "project_create",
            "stage_edit",
            "task_create",
            "task_edit",
            "task_import",
            "task_make_competency",
            "competency_provenance",
        )
    },
    "roledesign:my_job_description": {
        # Any trainee: their own job description, or a clear message that there is none yet.
        "GET": {"*": 403, ANON: LOGIN, TRAINEE: 200, OTHER_TRAINEE: 200},
        "POST": {"*": 403, ANON: LOGIN, TRAINEE: OK, OTHER_TRAINEE: OK},
    },
    "roledesign:record_job_description": {
        # Staff supporting the trainee now; the trainee reads theirs at my_job_description.
        "GET": {"*": 403, ANON: LOGIN, **each((*SUPPORTERS, LEAD), 200), OTHER_MENTOR: 404},
        "POST": {"*": 403, ANON: LOGIN, **each((*SUPPORTERS, LEAD), OK), OTHER_MENTOR: 404},
    },
    "roledesign:current_competence": {
        # What this person may do: themself, their line manager now, the lead nurse, and a
        # registered nurse working on the same ward (the other mentor: tests/matrix/roledesign.py
        # puts them there). Nobody else learns the person is training (404). Read only.
        "GET": {"*": 404, ANON: LOGIN, TRAINEE: 200, MANAGER: 200, LEAD: 200, OTHER_MENTOR: 200},
        "POST": {"*": 405, ANON: LOGIN},
    },
}

# What each URL is called with: the pattern's arguments, from the world -------------------------

KWARGS = {
    "roledesign:jd_detail": lambda w: {"pk": w.jd.pk},
    "roledesign:jd_print": lambda w: {"pk": w.jd.pk},
    "roledesign:jd_download": lambda w: {"pk": w.jd.pk},
    "roledesign:jd_edit": lambda w: {"pk": w.jd.pk},
    "roledesign:jd_approve": lambda w: {"pk": w.jd.pk},
    "roledesign:jd_new_version": lambda w: {"pk": w.jd.pk},
    "roledesign:project_detail": lambda w: {"pk": w.project.pk},
    "roledesign:stage_edit": lambda w: {"pk": w.stage.pk},
    "roledesign:task_create": lambda w: {"pk": w.project.pk},
    "roledesign:task_import": lambda w: {"pk": w.project.pk},
    "roledesign:task_detail": lambda w: {"pk": w.task.pk},
    "roledesign:task_edit": lambda w: {"pk": w.task.pk},
    "roledesign:task_make_competency": lambda w: {"pk": w.task.pk},
    "roledesign:competency_provenance": lambda w: {"competency_pk": w.task_competency.pk},
    "roledesign:record_job_description": lambda w: {"record_pk": w.record.pk},
    "roledesign:current_competence": lambda w: {"pk": w.trainee.pk},
    "password_reset_confirm": lambda w: {
        "uidb64": urlsafe_base64_encode(force_bytes(w.trainee.pk)),
        "token": "not-a-valid-token",
    },
    "pathway:person_detail": lambda w: {"pk": w.trainee.pk},
    "pathway:esr_import_preview": lambda w: {"token": "x" * 32},
    "pathway:allocation_add": lambda w: {"pk": w.trainee.pk},
    "competencies:framework_detail": lambda w: {"pk": w.framework.pk},
    "competencies:framework_edit": lambda w: {"pk": w.draft.pk},
    "competencies:framework_publish": lambda w: {"pk": w.draft.pk},
    "competencies:framework_new_version": lambda w: {"pk": w.framework.pk},
    "competencies:framework_retire": lambda w: {"pk": w.framework.pk},
    "competencies:domain_add": lambda w: {"pk": w.draft.pk},
    "competencies:domain_edit": lambda w: {"pk": w.draft_domain.pk},
    "competencies:domain_delete": lambda w: {"pk": w.draft_domain.pk},
    "competencies:domain_move": lambda w: {"pk": w.draft_domain.pk},
    "competencies:competency_add": lambda w: {"pk": w.draft_domain.pk},
    "competencies:competency_edit": lambda w: {"pk": w.draft_competency.pk},
    "competencies:competency_delete": lambda w: {"pk": w.draft_competency.pk},
    "competencies:competency_move": lambda w: {"pk": w.draft_competency.pk},
    "competencies:framework_import_example": lambda w: {"fmt": "csv"},
    "competencies:framework_import_preview": lambda w: {"token": "x" * 32},
    "competencies:framework_export": lambda w: {"pk": w.framework.pk, "fmt": "csv"},
    "competencies:record_detail": lambda w: {"record_pk": w.record.pk},
    "competencies:competency_detail": lambda w: {
        "record_pk": w.record.pk,
        "competency_pk": w.achieved.pk,
    },
    "competencies:request_sign_off": lambda w: {
        "record_pk": w.record.pk,
        "competency_pk": w.not_started.pk,
    },
    "competencies:practice_add": lambda w: {"record_pk": w.record.pk},
    "competencies:evidence_add": lambda w: {"record_pk": w.record.pk},
    "competencies:practice_confirm": lambda w: {"pk": w.practice.pk},
    "competencies:evidence_download": lambda w: {"uuid": w.evidence.uuid},
    "competencies:request_withdraw": lambda w: {"pk": w.open_request.pk},
    "competencies:sign_off": lambda w: {"pk": w.open_request.pk},
    "competencies:revoke": lambda w: {"pk": w.assessment.pk},
    "cohorts:cohort_edit": lambda w: {"pk": w.cohort.pk},
    "cohorts:enrolment_add": lambda w: {"pk": w.cohort.pk},
    "cohorts:enrolment_status": lambda w: {"pk": w.enrolment.pk},
    "cohorts:enrolment_move": lambda w: {"pk": w.enrolment.pk},
    "cohorts:programme_plan": lambda w: {"pk": w.programme.pk},
    "cohorts:enrolment_import": lambda w: {"pk": w.cohort.pk},
    "cohorts:training_days": lambda w: {"pk": w.cohort.pk},
    "cohorts:training_day_add": lambda w: {"pk": w.cohort.pk},
    "cohorts:training_day_edit": lambda w: {"pk": w.training_day.pk},
    "cohorts:training_day_delete": lambda w: {"pk": w.training_day.pk},
    "cohorts:attendance_register": lambda w: {"pk": w.training_day.pk},
    "cohorts:module_result_add": lambda w: {"pk": w.enrolment.pk},
    "cohorts:review_list": lambda w: {"pk": w.enrolment.pk},
    "cohorts:review_add": lambda w: {"pk": w.enrolment.pk},
    "cohorts:review_detail": lambda w: {"pk": w.review.pk},
    "cohorts:review_confirm": lambda w: {"pk": w.review.pk},
    "cohorts:review_action_complete": lambda w: {"pk": w.action.pk},
    "cohorts:programme_overview_export": lambda w: {"fmt": "csv"},
    "cohorts:cohort_detail": lambda w: {"pk": w.cohort.pk},
    "cohorts:cohort_export": lambda w: {"pk": w.cohort.pk, "fmt": "csv"},
    "cohorts:cohort_grid": lambda w: {"pk": w.cohort.pk},
    "cohorts:cohort_grid_export": lambda w: {"pk": w.cohort.pk, "fmt": "csv"},
    "cohorts:cohort_progress_chart": lambda w: {"pk": w.cohort.pk},
    "cohorts:trainee_overview": lambda w: {"pk": w.enrolment.pk},
    "cohorts:audit_record": lambda w: {"kind": "enrolment", "pk": w.enrolment.pk},
}

# The few POSTs that need a body to be a real request (an empty one is a 400 Bad Request).
POST_DATA = {
    "competencies:domain_move": {"direction": "up"},
    "competencies:competency_move": {"direction": "up"},
}


# The parts of the matrix that later apps add (tests/matrix/<app>.py).
for _part in parts():
    for _name in set(_part.MATRIX) & set(MATRIX):
        raise AssertionError(f"{_name} is in the matrix twice ({_part.__name__})")
    MATRIX.update(_part.MATRIX)
    KWARGS.update(_part.KWARGS)
    POST_DATA.update(getattr(_part, "POST_DATA", {}))


# Enumerating the URL configuration ----------------------------------------------------------


def _skipped(namespace: str | None, route: str) -> bool:
    """Django's admin (it has its own staff check, tested below) and static or media files."""
    if namespace and namespace.split(":")[0] == "admin":
        return True
    prefixes = [(url or "").strip("/") for url in (settings.STATIC_URL, settings.MEDIA_URL)]
    return any(prefix and route.startswith(prefix + "/") for prefix in prefixes)


def url_patterns(patterns=None, prefix="", namespace=None):
    """(key, route) for every URL pattern: its full name, else (unnamed) its route."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and not _skipped(namespace, route):
            if entry.name:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), route
            else:
                yield route, route


ROUTES = dict(url_patterns())


# The world ----------------------------------------------------------------------------------


class World:
    """One realistic world: see the module's docstring."""

    def __init__(self):
        today = timezone.localdate()
        week = datetime.timedelta(weeks=1)
        self.framework, area = factories.published_framework_with(core=3, specific=2)
        self.programme = factories.ProgrammeFactory()
        self.module = Module.objects.create(
            programme=self.programme, title="Foundations of clinical care", credits=20, order=1
        )
        programme_plan_save(
            actor=None,
            programme=self.programme,
            framework=self.framework,
            review_interval_weeks=12,
            milestones=[(12, 2, 0), (26, 3, 1), (52, 3, 2)],
        )
        self.cohort = factories.CohortFactory(
            programme=self.programme, framework=self.framework, name="September intake"
        )
        self.cohort.clinical_areas.set([area])
        other_cohort = factories.CohortFactory(
            programme=self.programme,
            framework=self.framework,
            name="March intake",
            intake_date=today - 8 * week,
        )
        other_cohort.clinical_areas.set([area])

        self.trainee = factories.TraineeFactory(full_name="Tess Trainee")
        self.mentor = factories.MentorFactory(full_name="Mona Mentor")
        self.tutor = factories.TutorFactory(full_name="Tara Tutor")
        self.educator = factories.PracticeEducatorFactory(full_name="Ed Educator")
        self.manager = factories.ManagerFactory(full_name="Max Manager")
        self.enrolment = factories.enrol(
            self.cohort,
            trainee=self.trainee,
            area=area,
            mentor=self.mentor,
            tutor=self.tutor,
            educator=self.educator,
        )
        factories.AllocationFactory(
            trainee=self.trainee,
            supporter=self.manager,
            kind=Allocation.Kind.MANAGER,
            start_date=self.cohort.intake_date,
        )
        self.other_trainee = factories.TraineeFactory(full_name="Omar Other")
        self.other_mentor = factories.MentorFactory(full_name="Olive Othermentor")
        factories.enrol(
            other_cohort, trainee=self.other_trainee, area=area, mentor=self.other_mentor
        )
        self.lead_nurse = factories.LeadNurseFactory(full_name="Lena Lead")
        self.administrator = factories.AdministratorFactory(full_name="Adam Admin")

        # The trainee's record: practice, evidence, a decided assessment, an open request.
        self.record = self.enrolment.record
        achieved, awaiting, not_started, *_ = [
            p.competency for p in self.record.progress.select_related("competency")
        ]
        self.achieved, self.not_started = achieved, not_started
        self.practice = competency_services.practice_log(
            actor=self.trainee,
            record=self.record,
            competencies=[achieved, awaiting],
            practised_on=today - week,
            supervisor=self.mentor,
            supervisor_name=self.mentor.full_name,
            activity="Took and recorded a full set of observations",
        )
        self.evidence = competency_services.evidence_add(
            actor=self.trainee,
            record=self.record,
            competencies=[achieved],
            kind="file",
            title="Reflection on an early warning score",
            upload=SimpleUploadedFile("reflection.pdf", EVIDENCE_PDF.read_bytes()),
        )
        decided = competency_services.sign_off_request_create(
            actor=self.trainee, record=self.record, competency=achieved, mentor=self.mentor
        )
        self.assessment = competency_services.sign_off_request_decide(
            actor=self.mentor,
            sign_off_request=decided,
            signature=factories.signature(),
            outcome=Assessment.Outcome.ACHIEVED,
            method=achieved.assessment_methods[0],
            assessed_on=today,
        )
        self.open_request = competency_services.sign_off_request_create(
            actor=self.trainee, record=self.record, competency=awaiting, mentor=self.mentor
        )

        # The cohort: a training day held last week, a review with an action for the mentor.
        self.training_day = training_services.training_day_create(
            actor=None,
            cohort=self.cohort,
            date=today - week,
            topic="Recognising the deteriorating patient",
            location="Education centre",
        )
        self.review = review_services.review_record(
            actor=self.tutor,
            enrolment=self.enrolment,
            held_on=today - week,
            progress_summary="One competency signed off; practice logged.",
            rag="green",
            rag_reason="On track with the plan.",
            actions=[
                {
                    "description": "Arrange a shared shift",
                    "owner": self.mentor,
                    "due_date": today + week,
                }
            ],
        )
        self.action = self.review.actions.get()

        # A draft framework for the editor's pages.
        self.draft = factories.FrameworkFactory(name="Draft framework")
        self.draft_domain = factories.DomainFactory(framework=self.draft)
        self.draft_competency = factories.CompetencyFactory(domain=self.draft_domain)

        # Role design: a draft job description, a project with a task made into a competency.
        self.jd = make_jd(framework=self.framework, area=area, lead=self.lead_nurse)
        self.project = roledesign_services.project_create(
            actor=None, name="Assistant practitioner role", clinical_area=area, lead=self.lead_nurse
        )
        self.stage = self.project.stages.first()
        self.task = roledesign_services.task_create(
            actor=None,
            project=self.project,
            name="Tracheostomy care",
            decision="suitable",
            likelihood=2,
            impact=3,
        )
        self.task_competency = roledesign_services.task_make_competency(
            actor=None,
            task=self.task,
            domain=self.draft_domain,
            code="RD1",
            title="Care for a patient with a tracheostomy",
        )

        for part in parts():
            if hasattr(part, "extend_world"):
                part.extend_world(self)

    def person(self, who: str):
        return None if who == ANON else getattr(self, who)


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction. Each test's own transaction
    nests in it as a savepoint that is rolled back after the test, so every test starts from
    this same, unchanged world, as if built afresh (and the module runs in half the time)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield World()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(built_world, db):
    return built_world


@pytest.fixture(autouse=True)
def part_settings(settings):
    """Settings a part asks for (SETTINGS in tests/matrix/<app>.py): its features turned on,
    so that its pages are checked as a deployment using them serves them."""
    for part in parts():
        for name, value in getattr(part, "SETTINGS", {}).items():
            setattr(settings, name, value)


@pytest.fixture(autouse=True)
def quiet_refusals():
    """Hundreds of 403s and 404s are expected here: log only errors (500s still show)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


# Asking, and judging the answer -------------------------------------------------------------


def answer(response) -> object:
    """LOGIN for a redirect to sign in; otherwise the status code."""
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/sign-in/") and "next=" in location:
        return LOGIN
    return response.status_code


def matches(expected, got) -> bool:
    if expected == OK:
        return got in (200, 302)
    return expected == got


def describe(response, got) -> str:
    if got == 302:
        return f"302 to {response['Location']}"
    if got == 500 and getattr(response, "exc_info", None):
        return f"500 ({response.exc_info[1]!r})"
    return str(got)


def expected_for(name: str, method: str, who: str):
    spec = MATRIX[name][method]
    return spec.get(who, spec.get("*"))


def checks_in_order(name: str):
    """Every GET, then the POSTs that must be refused, then those that may succeed: a POST that
    changes the world comes after every check that must see it unchanged."""
    refusals, successes = [], []
    for who in PEOPLE:
        expected = expected_for(name, "POST", who)
        (successes if expected in (200, 302, OK) else refusals).append(("POST", who))
    return [("GET", who) for who in PEOPLE] + refusals + successes


def client_for(person) -> Client:
    """A browser for one person: signed in, unless anonymous. A server error comes back as
    the 500 page (rather than an exception), to be reported with the other answers."""
    client = Client(raise_request_exception=False)
    if person is not None:
        client.force_login(person)
    return client


def ask(client: Client, method: str, url: str, data: dict):
    response = client.get(url) if method == "GET" else client.post(url, data)
    if response.streaming:
        # Read the file, as a browser would: the test client closes it at the end. (Never call
        # response.close() here: outside the client it closes the database connection.)
        b"".join(response.streaming_content)
    return response


# The tests ----------------------------------------------------------------------------------


def test_the_matrix_names_only_real_people_methods_and_answers():
    allowed = {200, 302, OK, LOGIN, 400, 401, 403, 404, 405, 503}
    problems = []
    for name, spec in MATRIX.items():
        if set(spec) != set(METHODS):
            problems.append(f"{name}: give GET and POST (has {sorted(spec)})")
        for method, answers in spec.items():
            if "*" not in answers:
                problems.append(f"{name} {method}: give a default '*'")
            for who, expected in answers.items():
                if who != "*" and who not in PEOPLE:
                    problems.append(f"{name} {method}: no such person {who!r}")
                if expected not in allowed:
                    problems.append(f"{name} {method} {who}: no such answer {expected!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(set(ROUTES) | set(MATRIX)))
def test_who_gets_what(name, world):
    assert name in ROUTES, f"{name} is in the matrix but not in the URL configuration"
    assert name in MATRIX, (
        f"The URL pattern {name} ({ROUTES[name]}) has no entry in the permission matrix: "
        "decide who may see it and add it to the matrix in tests/test_permission_matrix.py"
    )
    kwargs = KWARGS.get(name, lambda w: {})(world)
    url = reverse(name, kwargs=kwargs)
    data = POST_DATA.get(name, {})
    mismatches, server_errors = [], 0
    clients = {}
    for method, who in checks_in_order(name):
        if who not in clients:
            clients[who] = client_for(world.person(who))
        response = ask(clients[who], method, url, data)
        if settings.SESSION_COOKIE_NAME in response.cookies:
            del clients[who]  # signed out (or the session changed): sign in afresh next time
        got = answer(response)
        expected = expected_for(name, method, who)
        server_errors += got == 500
        if got == 500 or not matches(expected, got):
            mismatches.append(
                f"{name} {method} as {who}: expected {expected}, got {describe(response, got)}"
            )
    if mismatches:
        heading = f"{len(mismatches)} answers differ from the matrix on {url}"
        if server_errors:
            heading += f", {server_errors} of them server errors (500), which are never right"
        pytest.fail(heading + ":\n" + "\n".join(mismatches), pytrace=False)


def test_the_admin_site_is_for_the_administrator_only(world):
    """Django's admin has its own check (is_staff): everyone else is sent to its sign-in."""
    url = reverse("admin:index")
    wrong = []
    for who in PEOPLE:
        response = client_for(world.person(who)).get(url)
        if who == ADMIN:
            ok = response.status_code == 200
        else:
            ok = response.status_code == 302 and response["Location"].startswith(
                reverse("admin:login")
            )
        if not ok:
            wrong.append(f"{who}: {response.status_code} {response.get('Location', '')}")
    if wrong:
        pytest.fail("admin:index answered wrongly:\n" + "\n".join(wrong), pytrace=False)
