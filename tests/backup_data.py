"""What the demo programme leaves empty, added so that a backup test has rows in every table.

Run against a demo database by tests/test_backup_restore.py, the way an operator would run code:
`manage.py shell -c "from tests.backup_data import top_up; top_up()"`. Everything goes through
the services (or, for groups and permissions, what the Django admin itself does).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction


@transaction.atomic
def top_up() -> None:
    from competencies import services as competency_services
    from competencies.models import Evidence, TrainingRecord
    from notifications import selectors as notification_selectors
    from notifications import services as notification_services

    record = (
        TrainingRecord.objects.select_related("trainee", "framework")
        .filter(is_active=True, progress__isnull=False)
        .order_by("pk")
        .first()
    )
    competency = record.progress.order_by("pk").first().competency
    # A witness statement, and evidence that backs a competency: a many-to-many of its own.
    competency_services.evidence_add(
        actor=record.trainee,
        record=record,
        competencies=[competency],
        kind=Evidence.Kind.WITNESS_STATEMENT,
        title="Fluid balance audit on the ward",
        text="Completed the audit for every bed in the bay, checked by the nurse in charge.",
        witness_name="Sam Patel",
        witness_role="Staff nurse",
    )
    # A person who has turned off the emails they were offered.
    person = record.trainee
    notification_services.email_preferences_save(
        actor=person,
        email_kinds=set(),
        offered_kinds=notification_selectors.kinds_for(person),
    )
    # A group with a permission, and a person in it with a permission of their own (the admin).
    group = Group.objects.create(name="Practice development team")
    group.permissions.add(Permission.objects.get(codename="view_organisation"))
    person.groups.add(group)
    person.user_permissions.add(Permission.objects.get(codename="view_site"))
    # A passkey (added through the service, answered by the software authenticator the identity
    # tests use), a challenge still waiting for its answer, and an NHS account linked at a
    # first single sign-on: each with its audit history.
    _identity_rows(mentor=_a_mentor(record))
    # The lead nurse looking at what the trainee may do: a look kept in the audit history.
    _competence_look(record.trainee)
    # An integration's API client, and a module result it sent with an idempotency key: the
    # result's history names the client.
    _api_rows()
    # A finished background job: the lead nurse's export, its file in the file storage.
    _background_job()
    # An apprentice's gateway evidenced and declared, and an inspector's access to a cohort.
    _apprenticeship_plan_rows()
    # Retention: a rule the administrator changed, sign-off records redacted for an erasure,
    # and a disposal by the nightly job, each in its log.
    _governance_rows(record)
    # The ledger's sealed checkpoint of where every sign-off chain ends, as the daily job writes.
    from django.core.management import call_command

    call_command("ledger_checkpoint", verbosity=0)


def _governance_rows(record) -> None:
    import datetime

    from django.utils import timezone

    from competencies.models import Assessment
    from competencies.services.ledger import sign_off_records_redact
    from governance import services
    from notifications.models import Notification
    from pathway.models import RoleCode, User

    admin = User.objects.filter(roles__code=RoleCode.ADMINISTRATOR).order_by("pk").first()
    services.retention_rule_update(
        actor=admin,
        kind="notifications",
        period=1,
        unit="years",
        starts="made",
        disposal="automatic",
        note="As the Code's transitory records",
    )
    redacted = (
        Assessment.objects.exclude(trainee=record.trainee)
        .exclude(feedback="")
        .order_by("pk")
        .values_list("trainee_id", flat=True)
        .first()
    )
    sign_off_records_redact(
        actor=admin, person=User.objects.get(pk=redacted), rule="UK GDPR Article 17(1)(c)"
    )
    old = Notification.objects.order_by("pk").values_list("pk", flat=True).first()
    Notification.objects.filter(pk=old).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    services.retention_dispose(actor=admin)


def _background_job() -> None:
    from cohorts.models import Cohort
    from pathway.jobs import job_run, job_start
    from pathway.models import RoleCode, User

    lead = User.objects.filter(roles__code=RoleCode.LEAD_NURSE, is_active=True).order_by("pk")
    cohort = Cohort.objects.order_by("pk").first()
    job = job_start(
        actor=lead.first(),
        kind="cohorts.grid_export",
        title=f"{cohort.name}: competency grid (CSV)",
        key=f"backup:{cohort.pk}",
        params={"cohort": cohort.pk, "format": "csv"},
    )
    job_run(job_id=job.pk)


def _competence_look(person) -> None:
    from pathway.models import RoleCode, User
    from roledesign import services as roledesign_services

    lead = User.objects.filter(roles__code=RoleCode.LEAD_NURSE, is_active=True).order_by("pk")
    roledesign_services.competence_view_record(actor=lead.first(), person=person)


def _api_rows() -> None:
    import datetime

    from django.utils import timezone

    from api import services as api_services
    from cohorts.models import Enrolment, ModuleResult
    from pathway.models import Module

    today = timezone.localdate()
    client, _token = api_services.api_client_create(
        actor=None,
        name="University results feed",
        kind="university",
        scopes=["write_module_results"],
        expires_on=today + datetime.timedelta(days=30),
    )
    enrolments = Enrolment.objects.filter(status="active", trainee__employee_number__gt="")
    for enrolment in enrolments.select_related("trainee", "cohort").order_by("pk"):
        for module in Module.objects.filter(programme_id=enrolment.cohort.programme_id):
            if ModuleResult.objects.filter(enrolment=enrolment, module=module).exists():
                continue
            data = {
                "employee_number": enrolment.trainee.employee_number,
                "module_id": module.pk,
                "attempt": 1,
                "outcome": "pass",
                "mark": 64,
                "date": today,
            }
            api_services.idempotent(
                client=client,
                operation="module_result_create",
                key="results-2026-0001",
                body=data,
                perform=lambda data=data: api_services.module_result_submit(
                    client=client, data=data
                ),
            )
            return
    raise AssertionError("no enrolment without a module result to add one to")


def _a_mentor(record):
    from pathway.models import User

    return User.objects.exclude(pk=record.trainee_id).filter(is_active=True).order_by("pk").first()


def _identity_rows(*, mentor) -> None:
    from django.test import override_settings

    from pathway.identity import passkeys as passkey_protocol
    from pathway.identity import services as identity_services
    from tests.identity.authenticator import SoftAuthenticator

    with override_settings(
        PATHWAY_PASSKEYS=True, PATHWAY_PASSKEY_RP_ID="", PATHWAY_BASE_URL="http://testserver"
    ):
        authenticator = SoftAuthenticator()
        options = passkey_protocol.registration_options(mentor)
        identity_services.passkey_register(
            actor=mentor, name="Ward 7 computer", response_json=authenticator.create(options)
        )
        passkey_protocol.registration_options(mentor)  # left waiting, as an abandoned ceremony
    with override_settings(
        PATHWAY_OIDC_ISSUER="https://login.example.nhs.uk", PATHWAY_OIDC_CLIENT_ID="pathway"
    ):
        identity_services.sso_sign_in(
            claims={"sub": "nhs-subject-1", "email": mentor.email, "email_verified": True},
            issuer="https://login.example.nhs.uk",
        )


def _apprenticeship_plan_rows() -> None:
    """A training plan signed by all three (the demo's, when it made one), the gateway evidenced
    and declared by all three, and an inspector's time-limited access (with its audit history
    and its cohorts, a many-to-many of its own)."""
    import datetime

    from django.utils import timezone

    from apprenticeships.demo.plan import seed_plans
    from apprenticeships.models import Apprenticeship, ApprenticeshipProgramme
    from apprenticeships.rules_plan import plan_party
    from apprenticeships.selectors.gateway import gateway
    from apprenticeships.services import gateway as gateway_services
    from apprenticeships.services import inspection as inspection_services
    from cohorts.models import Enrolment, EnrolmentStatus
    from competencies.models import ApprenticeshipStandard
    from pathway.models import Allocation, RoleCode, User

    lead = User.objects.filter(roles__code=RoleCode.LEAD_NURSE, is_active=True).order_by("pk")
    lead = lead.first()
    apprenticeship = Apprenticeship.objects.order_by("pk").first()
    if apprenticeship is None:
        enrolment = Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE).order_by("pk").first()
        standard, _ = ApprenticeshipStandard.objects.get_or_create(
            reference="ST0215",
            version="1.0",
            defaults={
                "title": "Assistant Practitioner (Health)",
                "level": 5,
                "typical_duration_months": 24,
                "minimum_otj_hours": 370,
                "funding_band": 15000,
            },
        )
        ApprenticeshipProgramme.objects.get_or_create(
            programme=enrolment.cohort.programme, defaults={"standard": standard}
        )
        apprenticeship = Apprenticeship.objects.create(
            enrolment=enrolment,
            practical_period_start=enrolment.start_date,
            planned_end_date=enrolment.start_date + datetime.timedelta(days=730),
            planned_otj_hours=400,
        )
    enrolment = apprenticeship.enrolment
    seed_plans([enrolment], lead=lead)
    today = timezone.localdate()
    tutor = (
        Allocation.objects.current(today)
        .filter(trainee=enrolment.trainee, kind=Allocation.Kind.TUTOR)
        .order_by("pk")
        .first()
    )
    people = [enrolment.trainee, lead, tutor.supporter if tutor else None]
    state = gateway(apprenticeship)
    if not state.declared:
        for item in state.items:
            if not item.done:
                gateway_services.gateway_evidence_record(
                    actor=lead,
                    apprenticeship=apprenticeship,
                    code=item.requirement.code,
                    reference=f"Backup test: {item.requirement.label}",
                )
        for person in people:
            if person is not None and plan_party(person, apprenticeship) is not None:
                gateway_services.gateway_declaration_sign(
                    actor=person, apprenticeship=apprenticeship
                )
    inspector = User.objects.create_user(email="inspector@example.org", full_name="Ines Inspector")
    inspection_services.inspection_grant_create(
        actor=lead,
        inspector=inspector,
        cohorts=[enrolment.cohort],
        expires_on=today + datetime.timedelta(days=30),
        purpose="Ofsted monitoring visit",
    )
