"""Every API operation against every scope: the one scope it names lets a client in; any other
scope alone, or every other scope together, is refused with 403; no token is 401. A new
operation without an entry here fails the test that compares this list with the description."""

from __future__ import annotations

import pytest
from django.utils import timezone

from api.scopes import Scope
from api.views.endpoints import api
from competencies.interchange.services import example_file
from pathway.models import Module
from tests import factories

pytestmark = pytest.mark.django_db


class World:
    def __init__(self):
        cohort = factories.CohortFactory()
        self.enrolment = factories.enrol(cohort)
        self.module = Module.objects.create(
            programme=cohort.programme, title="Module one", credits=20, order=1
        )
        self.framework = cohort.framework


# (operation id, method, path, the scope it needs, what a client with that scope gets)
OPERATIONS = [
    ("people_list", "get", lambda w: "/people", Scope.READ_PEOPLE, 200),
    (
        "person_read",
        "get",
        lambda w: f"/people/{w.enrolment.trainee.employee_number}",
        Scope.READ_PEOPLE,
        200,
    ),
    ("person_upsert", "put", lambda w: "/people/E777777", Scope.WRITE_PEOPLE, 201),
    ("programme_list", "get", lambda w: "/programmes", Scope.READ_RECORDS, 200),
    ("cohort_list", "get", lambda w: "/cohorts", Scope.READ_RECORDS, 200),
    ("enrolment_list", "get", lambda w: "/enrolments", Scope.READ_RECORDS, 200),
    ("record_list", "get", lambda w: "/records", Scope.READ_RECORDS, 200),
    (
        "record_progress",
        "get",
        lambda w: f"/records/{w.enrolment.record_id}/progress",
        Scope.READ_RECORDS,
        200,
    ),
    ("register_list", "get", lambda w: "/register", Scope.READ_REGISTER, 200),
    ("module_result_create", "post", lambda w: "/module-results", Scope.WRITE_MODULE_RESULTS, 201),
    ("event_list", "get", lambda w: "/events", Scope.READ_EVENTS, 200),
    ("framework_list", "get", lambda w: "/frameworks", Scope.READ_FRAMEWORKS, 200),
    ("framework_import", "post", lambda w: "/frameworks/import", Scope.WRITE_FRAMEWORKS, 201),
    (
        "framework_export_file",
        "get",
        lambda w: f"/frameworks/{w.framework.pk}/export",
        Scope.READ_FRAMEWORKS,
        200,
    ),
]


def _body(operation_id, world):
    if operation_id == "person_upsert":
        return {"full_name": "Ari Jones", "email": "ari.jones@trust.nhs.uk"}
    if operation_id == "module_result_create":
        return {
            "employee_number": world.enrolment.trainee.employee_number,
            "module_id": world.module.pk,
            "attempt": 1,
            "outcome": "pass",
            "date": timezone.localdate().isoformat(),
        }
    if operation_id == "framework_import":
        return {"layout": "pathway", "content": example_file("csv").decode("utf-8-sig")}
    return None


def _ask(client, method, path, token, body):
    headers = {"Idempotency-Key": "matrix"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is None:
        return getattr(client, method)(f"/api/v1{path}", headers=headers)
    return getattr(client, method)(
        f"/api/v1{path}", body, content_type="application/json", headers=headers
    )


def test_the_matrix_lists_every_operation_of_the_description():
    described = {
        operation["operationId"]
        for path in api.get_openapi_schema()["paths"].values()
        for operation in path.values()
    }
    listed = {f"api_views_endpoints_{entry[0]}" for entry in OPERATIONS}
    assert described == listed


@pytest.mark.parametrize("entry", OPERATIONS, ids=[entry[0] for entry in OPERATIONS])
def test_each_operation_for_each_scope(client, make_client, entry):
    operation_id, method, path_of, needed, success = entry
    world = World()
    path, body = path_of(world), _body(operation_id, world)
    wrong = []

    response = _ask(client, method, path, None, body)
    if response.status_code != 401:
        wrong.append(f"no token: {response.status_code}")

    for scope in Scope.values:
        if scope == needed:
            continue
        _c, token = make_client([scope])
        response = _ask(client, method, path, token, body)
        if response.status_code != 403:
            wrong.append(f"{scope} only: {response.status_code}")

    _c, token = make_client([s for s in Scope.values if s != needed])
    response = _ask(client, method, path, token, body)
    if response.status_code != 403:
        wrong.append(f"every scope but {needed}: {response.status_code}")

    _c, token = make_client([needed])
    response = _ask(client, method, path, token, body)
    if response.status_code != success:
        wrong.append(f"{needed}: {response.status_code} {response.content[:200]!r}")
    assert not wrong, f"{operation_id}: " + "; ".join(wrong)
