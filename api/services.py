"""Writes for the integration API (ADR 0023): API clients, and what clients write.

Clients are made and revoked by an administrator (`actor`, checked here). What a client writes
goes through the domain's own services where there is one (module results), inside
pathway.history.acting_for, so that every history row names the client.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiClient, IdempotencyKey
from api.scopes import Scope
from api.tokens import token_new
from cohorts.models import CURRENT_STATUSES, Enrolment
from cohorts.services.training import module_result_record
from competencies.interchange.services import framework_import
from pathway.history import acting_for
from pathway.models import Band, ClinicalArea, Module, User

# How long a token may live, at most: an integration is renewed at least once a year or so.
MAX_LIFETIME_DAYS = 400
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def _require_manager(actor: User | None) -> None:
    if actor is not None and not actor.has_perm("api.manage_clients"):
        raise PermissionDenied("Only the administrator manages API clients")


@transaction.atomic
def api_client_create(
    *, actor: User | None, name: str, kind: str, scopes: list[str], expires_on: datetime.date
) -> tuple[ApiClient, str]:
    """A new client and its token. The token is returned here only: it is not stored."""
    _require_manager(actor)
    name = (name or "").strip()
    errors = {}
    if ApiClient.objects.filter(name__iexact=name).exists():
        errors["name"] = "There is already an API client with this name"
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        errors["scopes"] = "Select at least one thing this client may do"
    today = timezone.localdate()
    if expires_on <= today:
        errors["expires_on"] = "The expiry date must be in the future"
    elif (expires_on - today).days > MAX_LIFETIME_DAYS:
        errors["expires_on"] = f"The expiry date must be within {MAX_LIFETIME_DAYS} days"
    if errors:
        raise ValidationError(errors)
    new = token_new()
    expires_at = timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))
    client = ApiClient(
        name=name,
        kind=kind,
        scopes=[scope for scope in Scope.values if scope in scopes],
        token_prefix=new.prefix,
        token_hash=new.hash,
        expires_at=expires_at,
        created_by=actor,
    )
    client.full_clean()
    client.save()
    return client, new.token


@transaction.atomic
def api_client_revoke(*, actor: User | None, client: ApiClient) -> ApiClient:
    _require_manager(actor)
    revoked = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    if not revoked:
        raise ValidationError("This client's token has already been revoked")
    client.refresh_from_db()
    return client


def api_client_used(client: ApiClient) -> None:
    """Record the client's last use: at most one write a minute, whatever the traffic."""
    now = timezone.now()
    if client.last_used_at and now - client.last_used_at < LAST_USED_EVERY:
        return
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    client.last_used_at = now


# People --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upserted:
    person: User
    created: bool


PERSON_FIELDS = ("full_name", "email", "job_title", "band", "is_active")


@transaction.atomic
def person_upsert(*, client: ApiClient, employee_number: str, data: dict) -> Upserted:
    """Create or update the person with this employee number (from ESR). Fields left out of
    `data` are left as they are; a new person needs a name and an email address. Roles,
    passwords and allocations are Pathway's own: the API does not touch them."""
    employee_number = employee_number.strip()
    if not employee_number or len(employee_number) > 32:
        raise ValidationError({"employee_number": "Give an employee number of 1 to 32 characters"})
    person = User.objects.select_for_update().filter(employee_number=employee_number).first()
    created = person is None
    if created:
        missing = {
            name: "A new person needs this" for name in ("full_name", "email") if not data.get(name)
        }
        if missing:
            raise ValidationError(missing)
        person = User(employee_number=employee_number)
        person.set_unusable_password()
    for name in PERSON_FIELDS:
        if name in data and data[name] is not None:
            setattr(person, name, data[name].strip() if isinstance(data[name], str) else data[name])
    if "email" in data and data["email"]:
        person.email = person.email.lower()
        owner = User.objects.filter(email__iexact=person.email).exclude(pk=person.pk).first()
        if owner is not None:
            raise ValidationError({"email": "Another person already has this email address"})
    if "band" in data and data["band"] not in (None, "") and data["band"] not in Band.values:
        raise ValidationError({"band": f"Give one of {', '.join(Band.values)}"})
    if "clinical_area" in data:
        person.clinical_area = _clinical_area(data["clinical_area"])
    person.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    with acting_for(client.label):
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as clash:  # another request made the same person a moment ago
            raise ValidationError(
                {"employee_number": "This person was changed at the same time: try again"}
            ) from clash
    return Upserted(person=person, created=created)


def _clinical_area(code: str | None) -> ClinicalArea | None:
    if not code:
        return None
    area = ClinicalArea.objects.filter(code=code).first()
    if area is None:
        raise ValidationError({"clinical_area": f"No clinical area has the code {code!r}"})
    return area


# Frameworks ----------------------------------------------------------------------------------

# The API's names for the two layouts, and competencies.interchange's.
LAYOUTS = {"pathway": "csv", "moodle": "moodle"}


def framework_import_file(
    *,
    client: ApiClient,
    layout: str,
    content: str,
    on_existing: str | None = None,
    new_code: str | None = None,
):
    """Import a whole framework as a draft, all or nothing, through the same service the
    import page and `import_framework` use; its history names the client."""
    with acting_for(client.label), transaction.atomic():
        return framework_import(
            actor=None,  # the client's scope was checked by the API
            source=content.encode("utf-8", "surrogatepass"),
            format=LAYOUTS[layout],
            on_existing=on_existing,
            new_code=new_code,
        )


# Module results ------------------------------------------------------------------------------


class IdempotencyConflict(Exception):
    """The key was used before with a different request."""


def body_digest(body: dict) -> str:
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()


def idempotent(
    *, client: ApiClient, operation: str, key: str, body: dict, perform: Callable[[], dict]
) -> tuple[int, dict, bool]:
    """Run `perform` once per (client, operation, key): (status, answer, replayed).

    The key's row is written first, in the same transaction as the work: a second request with
    the same key at the same moment waits on it, then finds the answer. A request that fails
    (a ValidationError) leaves no key behind, so it can be corrected and sent again."""
    digest = body_digest(body)
    performed = False
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                client=client,
                operation=operation,
                key=key,
                body_hash=digest,
                status_code=0,
                response={},
            )
            performed = True
            answer = perform()
            row.status_code, row.response = 201, answer
            row.save(update_fields=["status_code", "response"])
            return 201, answer, False
    except IntegrityError:
        if performed:
            raise
    earlier = IdempotencyKey.objects.get(client=client, operation=operation, key=key)
    if earlier.body_hash != digest:
        raise IdempotencyConflict
    return earlier.status_code, earlier.response, True


def _enrolment_for(person: User, module: Module) -> Enrolment:
    enrolments = Enrolment.objects.filter(trainee=person, cohort__programme_id=module.programme_id)
    found = (
        enrolments.filter(status__in=CURRENT_STATUSES).first()
        or enrolments.order_by("-start_date").first()
    )
    if found is None:
        raise ValidationError(
            {"employee_number": "This person is not enrolled on the module's programme"}
        )
    return found


def module_result_submit(*, client: ApiClient, data: dict) -> dict:
    """Record one attempt at a module for the person with this employee number (from the
    university), through cohorts' own service and its rules on attempts."""
    person = User.objects.filter(employee_number=data["employee_number"]).first()
    if person is None or not data["employee_number"]:
        raise ValidationError({"employee_number": "No person has this employee number"})
    module = Module.objects.filter(pk=data["module_id"]).first()
    if module is None:
        raise ValidationError({"module_id": "No module has this id"})
    enrolment = _enrolment_for(person, module)
    try:
        with acting_for(client.label):
            result = module_result_record(
                actor=None,  # the client's scope was checked by the API
                enrolment=enrolment,
                module=module,
                attempt=data["attempt"],
                outcome=data["outcome"],
                mark=data.get("mark"),
                date=data["date"],
            )
    except ValidationError as error:
        # The service names its form's fields; the API's are named a little differently.
        raise ValidationError(
            {
                {"module": "module_id"}.get(name, name): messages
                for name, messages in getattr(
                    error, "message_dict", {"__all__": error.messages}
                ).items()
            }
        ) from error
    return {
        "id": result.pk,
        "employee_number": person.employee_number,
        "enrolment_id": enrolment.pk,
        "module_id": module.pk,
        "attempt": result.attempt,
        "outcome": result.outcome,
        "mark": result.mark,
        "date": result.date.isoformat(),
    }
