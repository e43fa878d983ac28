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
    # The ledger's sealed checkpoint of where every sign-off chain ends, as the daily job writes.
    from django.core.management import call_command

    call_command("ledger_checkpoint", verbosity=0)
