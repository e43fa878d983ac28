"""The integration API's operations (/api/v1/, ADR 0023). Thin: each checks its scope (the
auth), reads through api.selectors or writes through api.services, and presents the result.

Refusals are problem details (api/problems.py); the OpenAPI description is at
/api/v1/openapi.json and its documentation page at /api/v1/docs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.views.decorators.http import require_GET
from ninja import Header, NinjaAPI, Path, Query, Status
from ninja.openapi.schema import OpenAPISchema

from api import presenters, problems, schemas, selectors, services
from api.auth import ClientToken, PerClientRate
from api.scopes import Scope
from competencies.interchange import FrameworkExportError, framework_export
from competencies.interchange.services import export_filename

REFUSALS = {code: schemas.Problem for code in (400, 401, 403, 404, 422, 429)}


class PathwayApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs) -> OpenAPISchema:
        """Refusals are served as application/problem+json: say so in the description."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema["paths"].values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {problems.CONTENT_TYPE: content["application/json"]}
        return schema


api = PathwayApi(
    title="Pathway integration API",
    version="1",
    description=(
        "For the Electronic Staff Record, universities and rostering. Authenticate with the "
        "bearer token an administrator gave your client; each operation needs one scope."
    ),
    urls_namespace="api",
    # The description and its page are read, never posted to.
    docs_decorator=require_GET,
    throttle=[PerClientRate()],
)
problems.install(api)


def _after(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    if not cursor.isdecimal() or len(cursor) > 18:
        raise ValidationError({"cursor": "Use the next_cursor of the page before, as it was"})
    return int(cursor)


def _page(queryset, present, cursor, limit) -> dict:
    return presenters.page(
        selectors.page_after(queryset, after=_after(cursor), limit=limit), present
    )


Limit = Query(50, ge=1, le=200, description="Items on a page")
Cursor = Query(None, max_length=20, description="next_cursor from the page before")


# People ---------------------------------------------------------------------------------------


@api.get(
    "/people",
    response={200: schemas.page_of(schemas.Person), **REFUSALS},
    auth=ClientToken(Scope.READ_PEOPLE),
    tags=["people"],
)
def people_list(request, cursor: str | None = Cursor, limit: int = Limit):
    return _page(selectors.people(), presenters.person, cursor, limit)


@api.get(
    "/people/{employee_number}",
    response={200: schemas.Person, **REFUSALS},
    auth=ClientToken(Scope.READ_PEOPLE),
    tags=["people"],
)
def person_read(request, employee_number: str):
    return presenters.person(selectors.person_by_employee_number(employee_number))


@api.put(
    "/people/{employee_number}",
    response={200: schemas.Person, 201: schemas.Person, **REFUSALS},
    auth=ClientToken(Scope.WRITE_PEOPLE),
    tags=["people"],
    summary="Create or update a person by employee number (ESR)",
)
def person_upsert(request, employee_number: str, payload: schemas.PersonIn):
    done = services.person_upsert(
        client=request.auth,
        employee_number=employee_number,
        data=payload.model_dump(exclude_unset=True),
    )
    person = selectors.person_by_employee_number(done.person.employee_number)
    return Status(201 if done.created else 200, presenters.person(person))


# Programmes, cohorts, enrolments, records -------------------------------------------------------


@api.get(
    "/programmes",
    response={200: schemas.page_of(schemas.Programme), **REFUSALS},
    auth=ClientToken(Scope.READ_RECORDS),
    tags=["programmes"],
)
def programme_list(request, cursor: str | None = Cursor, limit: int = Limit):
    return _page(selectors.programmes(), presenters.programme, cursor, limit)


@api.get(
    "/cohorts",
    response={200: schemas.page_of(schemas.Cohort), **REFUSALS},
    auth=ClientToken(Scope.READ_RECORDS),
    tags=["programmes"],
)
def cohort_list(request, cursor: str | None = Cursor, limit: int = Limit):
    return _page(selectors.cohorts(), presenters.cohort, cursor, limit)


@api.get(
    "/enrolments",
    response={200: schemas.page_of(schemas.Enrolment), **REFUSALS},
    auth=ClientToken(Scope.READ_RECORDS),
    tags=["programmes"],
)
def enrolment_list(
    request,
    cursor: str | None = Cursor,
    limit: int = Limit,
    cohort: int | None = Query(None, ge=1, le=schemas.BIGGEST_ID),
):
    return _page(selectors.enrolments(cohort=cohort), presenters.enrolment, cursor, limit)


@api.get(
    "/records",
    response={200: schemas.page_of(schemas.TrainingRecord), **REFUSALS},
    auth=ClientToken(Scope.READ_RECORDS),
    tags=["records"],
)
def record_list(request, cursor: str | None = Cursor, limit: int = Limit):
    return _page(selectors.training_records(), presenters.training_record, cursor, limit)


@api.get(
    "/records/{record_id}/progress",
    response={200: schemas.page_of(schemas.Progress), **REFUSALS},
    auth=ClientToken(Scope.READ_RECORDS),
    tags=["records"],
)
def record_progress(
    request,
    record_id: int = Path(..., ge=1, le=schemas.BIGGEST_ID),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    record = selectors.training_record_by_pk(record_id)
    return _page(selectors.progress_of(record), presenters.progress, cursor, limit)


@api.get(
    "/register",
    response={200: schemas.page_of(schemas.RegisterEntry), **REFUSALS},
    auth=ClientToken(Scope.READ_REGISTER),
    tags=["register"],
    summary="The current-competence register: who holds which competency today",
)
def register_list(request, cursor: str | None = Cursor, limit: int = Limit):
    return _page(selectors.competence_register(), presenters.register_entry, cursor, limit)


# Module results ---------------------------------------------------------------------------------


@api.post(
    "/module-results",
    response={201: schemas.ModuleResult, 409: schemas.Problem, **REFUSALS},
    auth=ClientToken(Scope.WRITE_MODULE_RESULTS),
    tags=["module results"],
    summary="Record an attempt at a module (from the university), once per Idempotency-Key",
)
def module_result_create(
    request,
    payload: schemas.ModuleResultIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=200),
):
    data = payload.model_dump()
    status, answer, _replayed = services.idempotent(
        client=request.auth,
        operation="module_result_create",
        key=idempotency_key,
        body=data,
        perform=lambda: services.module_result_submit(client=request.auth, data=data),
    )
    return Status(status, answer)


# Events -----------------------------------------------------------------------------------------


@api.get(
    "/events",
    response={200: schemas.EventPage, **REFUSALS},
    auth=ClientToken(Scope.READ_EVENTS),
    tags=["events"],
    summary="What changed, oldest first, after the cursor",
)
def event_list(request, cursor: str | None = Cursor, limit: int = Limit):
    after = _after(cursor)
    found = selectors.page_after(selectors.events(), after=after, limit=limit)
    last = found.items[-1].pk if found.items else after
    return {
        "items": [presenters.event(item) for item in found.items],
        "next_cursor": str(last),
        "more": found.next_cursor is not None,
    }


# Frameworks -------------------------------------------------------------------------------------


@api.get(
    "/frameworks",
    response={200: schemas.page_of(schemas.Framework), **REFUSALS},
    auth=ClientToken(Scope.READ_FRAMEWORKS),
    tags=["frameworks"],
)
def framework_list(request, cursor: str | None = Cursor, limit: int = Limit):
    return _page(selectors.frameworks(), presenters.framework, cursor, limit)


@api.post(
    "/frameworks/import",
    response={200: schemas.Framework, 201: schemas.Framework, 409: schemas.Problem, **REFUSALS},
    auth=ClientToken(Scope.WRITE_FRAMEWORKS),
    tags=["frameworks"],
    summary="Import a whole framework file as a new draft: all or nothing",
    description=(
        "201 with the new draft. 200 with the existing framework when the file is the same as "
        "its latest version (nothing is written). 409 when a framework with the file's ID "
        "number exists and the file differs: send it again with on_existing."
    ),
)
def framework_import(request, payload: schemas.FrameworkIn):
    framework = services.framework_import_file(
        client=request.auth,
        layout=payload.layout,
        content=payload.content,
        on_existing=payload.on_existing,
        new_code=payload.new_code,
    )
    status = 200 if getattr(framework, "import_unchanged", False) else 201
    return Status(status, presenters.framework(selectors.framework_with_count(framework.pk)))


@api.get(
    "/frameworks/{framework_id}/export",
    response={**REFUSALS},
    auth=ClientToken(Scope.READ_FRAMEWORKS),
    tags=["frameworks"],
    summary="The whole framework as a file: Pathway's CSV or Moodle's",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The framework file",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def framework_export_file(
    request,
    framework_id: int = Path(..., ge=1, le=schemas.BIGGEST_ID),
    layout: str = Query("pathway", pattern="^(pathway|moodle)$"),
):
    framework = selectors.framework_by_pk(framework_id)
    format = services.LAYOUTS[layout]
    try:
        data = framework_export(framework=framework, format=format)
    except FrameworkExportError as error:
        raise ValidationError({"framework_id": error.messages}) from error
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(framework, format)}"'
    return response
