"""Every refusal as RFC 9457 problem details (application/problem+json), naming the field.

Installed on the NinjaAPI in place of ninja's own handlers, so that nothing the API refuses
answers in another shape: bad input (422, or 400 for a body that is not JSON), no or a bad
token (401), a missing scope (403), nothing there (404), an idempotency key reused with another
body (409), too many requests (429)."""

from __future__ import annotations

import json

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from api.services import IdempotencyConflict
from competencies.interchange import FrameworkExistsError, FrameworkImportError, format_error

CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid request",
    429: "Too many requests",
}
# Where a field came from that the client does not name: ninja's parameter names.
HIDDEN_LOCATIONS = {"body", "query", "path", "header", "payload", "filters"}


def problem(status: int, detail: str, errors: list[dict] | None = None) -> HttpResponse:
    body = {
        "type": f"https://pathway.invalid/problems/{status}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="pathway"'
    return response


def _field(location) -> str:
    parts = [str(part) for part in location]
    while parts and parts[0] in HIDDEN_LOCATIONS:
        parts.pop(0)
    return ".".join(parts) or "body"


def validation_problem(request, exc: NinjaValidationError) -> HttpResponse:
    errors = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    if any(e.get("type") == "json_invalid" for e in exc.errors):
        return problem(400, "The request body is not valid JSON", errors)
    return problem(422, "Some fields are not valid: see errors", errors)


def domain_problem(request, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "body" if name == "__all__" else name, "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "body", "message": message} for message in exc.messages]
    return problem(422, "; ".join(e["message"] for e in errors), errors)


def import_problem(request, exc: FrameworkImportError) -> HttpResponse:
    """Every problem in the file, each with its row when it has one. A different framework
    under an ID number that exists is a conflict: the client must say, with `on_existing`,
    whether the file is its new version or a separate framework."""
    if isinstance(exc, FrameworkExistsError):
        errors = [{"field": "on_existing", "message": message} for _row, message in exc.errors]
        return problem(409, errors[0]["message"], errors)
    errors = [
        {"field": "content", "message": format_error(row, message)} for row, message in exc.errors
    ]
    return problem(422, "The file cannot be imported: nothing was written", errors)


def http_problem(request, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return problem(401, "Send a valid, unexpired bearer token: Authorization: Bearer ...")
    if isinstance(exc, Throttled):
        return problem(429, "This client has made too many requests: wait and try again")
    return problem(exc.status_code, str(exc))


def not_found(request, exc) -> HttpResponse:
    return problem(404, "There is nothing at this address, or nothing with this key")


def forbidden(request, exc) -> HttpResponse:
    return problem(403, str(exc) or "This client may not do this")


def conflict(request, exc) -> HttpResponse:
    return problem(
        409, "This Idempotency-Key was used before with a different request: use a new key"
    )


def install(api) -> None:
    api.add_exception_handler(NinjaValidationError, validation_problem)
    api.add_exception_handler(DjangoValidationError, domain_problem)
    api.add_exception_handler(FrameworkImportError, import_problem)
    api.add_exception_handler(HttpError, http_problem)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(IdempotencyConflict, conflict)
