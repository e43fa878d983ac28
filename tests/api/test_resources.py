"""People by employee number, the read resources, module results, frameworks: what each
answers, bad input as problem details naming the field, and nothing half-written."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from api.scopes import Scope
from cohorts.models import ModuleResult
from cohorts.selectors.audit import audit_log
from competencies.interchange.services import example_file
from competencies.models import Framework
from pathway.models import Module, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def put(client, bearer):
    def put(path, token, body):
        return client.put(
            f"/api/v1{path}", body, content_type="application/json", headers=bearer(token)
        )

    return put


@pytest.fixture
def post(client, bearer):
    def post(path, token, body, key="key-1"):
        headers = bearer(token) | ({"Idempotency-Key": key} if key else {})
        return client.post(f"/api/v1{path}", body, content_type="application/json", headers=headers)

    return post


def _fields(response) -> set[str]:
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"] for error in response.json()["errors"]}


# People -------------------------------------------------------------------------------------


def test_a_person_is_created_then_updated_by_employee_number(make_client, put, api_get):
    esr, token = make_client([Scope.WRITE_PEOPLE, Scope.READ_PEOPLE], name="ESR feed")
    area = factories.ClinicalAreaFactory(code="critical-care")
    body = {
        "full_name": "Priya Shah",
        "email": "Priya.Shah@trust.nhs.uk",
        "job_title": "Healthcare assistant",
        "band": "3",
        "clinical_area": "critical-care",
    }
    created = put("/people/E900001", token, body)
    assert created.status_code == 201, created.content
    person = User.objects.get(employee_number="E900001")
    assert person.email == "priya.shah@trust.nhs.uk" and person.clinical_area == area
    assert not person.has_usable_password()
    assert created.json()["employee_number"] == "E900001"

    updated = put("/people/E900001", token, {"job_title": "Senior healthcare assistant"})
    assert updated.status_code == 200
    person.refresh_from_db()
    assert person.job_title == "Senior healthcare assistant" and person.full_name == "Priya Shah"
    assert User.objects.filter(employee_number="E900001").count() == 1
    assert api_get("/people/E900001", token).json()["job_title"] == "Senior healthcare assistant"

    # The audit history names the client for both versions.
    entries = [e for e in audit_log(kind="person")[0:10] if e.record_id == person.pk]
    assert len(entries) == 2 and {e.by_client for e in entries} == {"API client: ESR feed"}
    assert all(e.who is None for e in entries)


def test_the_audit_page_shows_the_client_as_who_changed(client, make_client, put):
    _esr, token = make_client([Scope.WRITE_PEOPLE], name="ESR feed")
    put("/people/E900002", token, {"full_name": "Sam Lee", "email": "sam.lee@trust.nhs.uk"})
    client.force_login(factories.LeadNurseFactory())
    page = client.get("/audit/?kind=person").content.decode()
    assert "API client: ESR feed" in page


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "new@trust.nhs.uk"}, "full_name"),
        ({"full_name": "No Email"}, "email"),
        ({"full_name": "X", "email": "not an email"}, "email"),
        ({"full_name": "X", "email": "x@trust.nhs.uk", "band": "9"}, "band"),
        (
            {"full_name": "X", "email": "x@trust.nhs.uk", "clinical_area": "nowhere"},
            "clinical_area",
        ),
        ({"full_name": "X" * 151, "email": "x@trust.nhs.uk"}, "full_name"),
    ],
)
def test_bad_people_are_refused_naming_the_field(make_client, put, body, field):
    _esr, token = make_client([Scope.WRITE_PEOPLE])
    before = User.objects.count()
    response = put("/people/E900003", token, body)
    assert response.status_code == 422, response.content
    assert field in _fields(response)
    assert User.objects.count() == before


def test_someone_elses_email_is_refused(make_client, put):
    factories.UserFactory(email="taken@trust.nhs.uk")
    _esr, token = make_client([Scope.WRITE_PEOPLE])
    response = put("/people/E900004", token, {"full_name": "A", "email": "TAKEN@trust.nhs.uk"})
    assert response.status_code == 422 and _fields(response) == {"email"}


def test_a_body_that_is_not_json_is_a_400_problem(client, make_client, bearer):
    _esr, token = make_client([Scope.WRITE_PEOPLE])
    response = client.put(
        "/api/v1/people/E1", "{not json", content_type="application/json", headers=bearer(token)
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_person_is_404(make_client, api_get):
    _c, token = make_client()
    response = api_get("/people/NOPE", token)
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


# Lists: cursor pages, constant queries ---------------------------------------------------------


def test_people_pages_follow_the_cursor_without_gaps_or_repeats(make_client, api_get):
    _c, token = make_client()
    factories.UserFactory.create_batch(7)
    seen, cursor = [], None
    while True:
        page = api_get("/people", token, limit=3, **({"cursor": cursor} if cursor else {})).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(User.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/people", {"cursor": "abc"}, "cursor"),
        ("/people", {"limit": 0}, "limit"),
        ("/people", {"limit": 201}, "limit"),
        ("/enrolments", {"cohort": "x"}, "cohort"),
        ("/frameworks/1/export", {"layout": "excel"}, "layout"),
    ],
)
def test_bad_list_parameters_are_422_naming_the_parameter(
    make_client, api_get, path, params, field
):
    _c, token = make_client()
    response = api_get(path, token, **params)
    assert response.status_code == 422
    assert field in _fields(response)


def _world(trainees: int):
    cohort = factories.CohortFactory()
    area = factories.ClinicalAreaFactory()
    cohort.clinical_areas.set([area])
    framework = cohort.framework
    domain = factories.DomainFactory(framework=framework)
    competencies = [factories.CompetencyFactory(domain=domain) for _ in range(2)]
    enrolments = [factories.enrol(cohort, area=area) for _ in range(trainees)]
    for enrolment in enrolments:
        enrolment.record.progress.filter(competency=competencies[0]).update(
            state="achieved", achieved_on=timezone.localdate()
        )
    Module.objects.create(programme=cohort.programme, title="Module one", credits=20, order=1)
    return cohort, enrolments, competencies


LISTS = [
    "/people",
    "/programmes",
    "/cohorts",
    "/enrolments",
    "/records",
    "/register",
    "/events",
    "/frameworks",
]


@pytest.mark.parametrize("path", LISTS)
def test_a_page_costs_the_same_queries_however_long(
    make_client, api_get, path, django_assert_num_queries
):
    _c, token = make_client()
    _world(trainees=6)
    for cohort in factories.CohortFactory.create_batch(2):
        Module.objects.create(programme=cohort.programme, title="Module", credits=20, order=1)
    assert api_get(path, token).status_code == 200  # last use recorded: no write below

    def count(limit):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = api_get(path, token, limit=limit)
        assert response.status_code == 200
        assert len(response.json()["items"]) >= min(limit, 2)
        return len(queries)

    short, long = count(2), count(50)
    assert short == long
    with django_assert_num_queries(long):
        api_get(path, token, limit=50)


def test_records_progress_and_the_register(make_client, api_get):
    _c, token = make_client()
    _cohort, enrolments, competencies = _world(trainees=2)
    record = enrolments[0].record
    progress = api_get(f"/records/{record.pk}/progress", token).json()["items"]
    states = {item["code"]: item["state"] for item in progress}
    assert states[competencies[0].code] == "achieved"
    register = api_get("/register", token).json()["items"]
    held = {(entry["person_id"], entry["code"]) for entry in register}
    assert held == {(e.trainee_id, competencies[0].code) for e in enrolments}
    # An expired competency is not on the register.
    record.progress.filter(competency=competencies[0]).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    register = api_get("/register", token).json()["items"]
    assert enrolments[0].trainee_id not in {entry["person_id"] for entry in register}
    assert api_get("/records/999999/progress", token).status_code == 404


# Module results --------------------------------------------------------------------------------


def _result_body(enrolment, module, **changes):
    return {
        "employee_number": enrolment.trainee.employee_number,
        "module_id": module.pk,
        "attempt": 1,
        "outcome": "pass",
        "mark": 68,
        "date": timezone.localdate().isoformat(),
    } | changes


def test_a_module_result_is_recorded_once_per_key(make_client, post):
    university, token = make_client([Scope.WRITE_MODULE_RESULTS], name="University of Leeds")
    _cohort, enrolments, _c = _world(trainees=1)
    module = Module.objects.get()
    body = _result_body(enrolments[0], module)
    first = post("/module-results", token, body, key="leeds-2026-001")
    assert first.status_code == 201, first.content
    again = post("/module-results", token, body, key="leeds-2026-001")
    assert again.status_code == 201 and again.json() == first.json()
    assert ModuleResult.objects.count() == 1
    result = ModuleResult.objects.get()
    assert result.mark == 68 and result.enrolment == enrolments[0]
    assert result.history.get().history_change_reason == "API client: University of Leeds"
    # The same key with another body is a conflict, and changes nothing.
    other = post("/module-results", token, body | {"mark": 70}, key="leeds-2026-001")
    assert other.status_code == 409 and other["Content-Type"] == "application/problem+json"
    assert ModuleResult.objects.get().mark == 68
    # Another client's same key is its own.
    _other, other_token = make_client([Scope.WRITE_MODULE_RESULTS])
    refused = post("/module-results", other_token, body, key="leeds-2026-001")
    # (it reaches the domain's rules: that person has passed the module already)
    assert refused.status_code == 422 and _fields(refused) == {"module_id"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"employee_number": "NOBODY"}, "employee_number"),
        ({"module_id": 999999}, "module_id"),
        ({"attempt": 2}, "attempt"),
        ({"outcome": "merit"}, "outcome"),
        ({"mark": 101}, "mark"),
        ({"date": "2999-01-01"}, "date"),
        ({"date": "yesterday"}, "date"),
    ],
)
def test_bad_module_results_are_refused_and_the_key_can_be_used_again(
    make_client, post, changes, field
):
    _u, token = make_client([Scope.WRITE_MODULE_RESULTS])
    _cohort, enrolments, _c = _world(trainees=1)
    module = Module.objects.get()
    refused = post("/module-results", token, _result_body(enrolments[0], module, **changes))
    assert refused.status_code == 422, refused.content
    assert field in _fields(refused)
    assert not ModuleResult.objects.exists()
    good = post("/module-results", token, _result_body(enrolments[0], module))
    assert good.status_code == 201


def test_a_module_result_needs_an_idempotency_key(make_client, post):
    _u, token = make_client([Scope.WRITE_MODULE_RESULTS])
    _cohort, enrolments, _c = _world(trainees=1)
    response = post(
        "/module-results", token, _result_body(enrolments[0], Module.objects.get()), key=None
    )
    assert response.status_code == 422 and "Idempotency-Key" in _fields(response)


# Frameworks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["pathway", "moodle"])
def test_a_framework_is_exported_in_both_layouts(make_client, api_get, layout):
    _c, token = make_client([Scope.READ_FRAMEWORKS])
    framework, _area = factories.published_framework_with(core=2)
    response = api_get(f"/frameworks/{framework.pk}/export", token, layout=layout)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    for competency in framework.competencies.all():
        assert competency.code in text
    listed = api_get("/frameworks", token).json()["items"]
    assert {item["id"]: item["competency_count"] for item in listed}[framework.pk] == 2


def test_reading_needs_no_write_and_writes_need_no_read(make_client, put):
    """A write scope does not read, a read scope does not write."""
    _c, token = make_client([Scope.READ_PEOPLE])
    assert put("/people/E1", token, {"full_name": "A", "email": "a@b.c"}).status_code == 403
    assert not User.objects.filter(employee_number="E1").exists()


@pytest.mark.parametrize(("layout", "format"), [("pathway", "csv"), ("moodle", "moodle")])
def test_a_framework_file_is_imported_as_a_draft_in_both_layouts(
    client, make_client, bearer, layout, format
):
    _c, token = make_client([Scope.WRITE_FRAMEWORKS], name="University Moodle")
    content = example_file(format).decode("utf-8-sig")
    response = client.post(
        "/api/v1/frameworks/import",
        {"layout": layout, "content": content},
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 201, response.content
    framework = Framework.objects.get(pk=response.json()["id"])
    assert framework.status == Framework.Status.DRAFT
    assert response.json()["competency_count"] == framework.competencies.count() > 0
    assert framework.history.first().history_change_reason == "API client: University Moodle"


def test_a_bad_framework_file_writes_nothing_and_names_its_rows(client, make_client, bearer):
    _c, token = make_client([Scope.WRITE_FRAMEWORKS])
    content = example_file("csv").decode("utf-8-sig")
    broken = content.replace("competency,", "competency,,", 1)
    before = Framework.objects.count()
    response = client.post(
        "/api/v1/frameworks/import",
        {"layout": "pathway", "content": broken + "nonsense,row\n"},
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert errors and all(error["field"] == "content" for error in errors)
    assert any(error["message"].startswith("Row ") for error in errors)
    assert Framework.objects.count() == before


def test_a_framework_under_an_existing_id_number_asks_what_it_is(client, make_client, bearer):
    """The same file again writes nothing (200); a different file with the same ID number is a
    409 naming on_existing, then a new version or a separate framework as the client says."""
    _c, token = make_client([Scope.WRITE_FRAMEWORKS])
    content = example_file("csv").decode("utf-8-sig")

    def send(text, **extra):
        return client.post(
            "/api/v1/frameworks/import",
            {"layout": "pathway", "content": text, **extra},
            content_type="application/json",
            headers=bearer(token),
        )

    first = send(content)
    assert first.status_code == 201, first.content
    again = send(content)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    changed = content.replace("Communicates effectively with patients", "Communicates clearly", 1)
    assert changed != content
    before = Framework.objects.count()
    refused = send(changed)
    assert refused.status_code == 409, refused.content
    assert refused.json()["errors"][0]["field"] == "on_existing"
    assert Framework.objects.count() == before
    version = send(changed, on_existing="new_version")
    assert version.status_code == 201, version.content
    assert (
        Framework.objects.get(pk=version.json()["id"]).code
        == Framework.objects.get(pk=first.json()["id"]).code
    )
