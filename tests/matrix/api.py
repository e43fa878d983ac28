"""The integration API (ADR 0023): the administrator's pages for API clients, and the API's
own addresses as a signed-in browser meets them. A session is not a bearer token: every API
operation answers 401 (its method) or 405 (another method) to everyone. What each token scope
may do is tested operation by operation in tests/api/test_scope_matrix.py."""

from api import services as api_services
from tests.matrix.common import ADMIN, ANON, LOGIN, OK

ADMIN_PAGE = {"*": 403, ANON: LOGIN, ADMIN: 200}


def extend_world(world):
    import datetime

    from django.utils import timezone

    world.api_client, _token = api_services.api_client_create(
        actor=None,
        name="Matrix ESR feed",
        kind="esr",
        scopes=["read_people"],
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )


def _api(get, post):
    return {"GET": {"*": get}, "POST": {"*": post}}


MATRIX = {
    "api_clients:client_list": {"GET": ADMIN_PAGE, "POST": {"*": 405, ANON: LOGIN}},
    # An empty post: the form again, with its errors.
    "api_clients:client_create": {"GET": ADMIN_PAGE, "POST": {"*": 403, ANON: LOGIN, ADMIN: OK}},
    "api_clients:client_detail": {"GET": ADMIN_PAGE, "POST": {"*": 405, ANON: LOGIN}},
    "api_clients:client_revoke": {
        "GET": ADMIN_PAGE,
        "POST": {"*": 403, ANON: LOGIN, ADMIN: OK},
    },
    # The description and its page are public: they say how to ask, not what is there.
    "api:openapi-json": _api(200, 405),
    "api:openapi-view": _api(200, 405),
    "api:api-root": _api(404, 404),
    "api:people_list": _api(401, 405),
    "api:person_read": {"GET": {"*": 401}, "POST": {"*": 405}},
    "api:person_upsert": {"GET": {"*": 401}, "POST": {"*": 405}},
    "api:programme_list": _api(401, 405),
    "api:cohort_list": _api(401, 405),
    "api:enrolment_list": _api(401, 405),
    "api:record_list": _api(401, 405),
    "api:record_progress": _api(401, 405),
    "api:register_list": _api(401, 405),
    "api:module_result_create": _api(405, 401),
    "api:event_list": _api(401, 405),
    "api:framework_list": _api(401, 405),
    "api:framework_import": _api(405, 401),
    "api:framework_export_file": _api(401, 405),
}

KWARGS = {
    "api_clients:client_detail": lambda w: {"pk": w.api_client.pk},
    "api_clients:client_revoke": lambda w: {"pk": w.api_client.pk},
    "api:person_read": lambda w: {"employee_number": w.trainee.employee_number},
    "api:person_upsert": lambda w: {"employee_number": w.trainee.employee_number},
    "api:record_progress": lambda w: {"record_id": w.enrolment.record_id},
    "api:framework_export_file": lambda w: {"framework_id": w.framework.pk},
}
