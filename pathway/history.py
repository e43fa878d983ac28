"""Audit history (django-simple-history, docs/adr/0010-audit-history.md) and signal receivers that
leave restores alone.

Loading a backup (`loaddata`, docs/operations.md) saves each row "raw" and then sets its
many-to-many fields. The backup already holds every history row, so nothing may be written in
reply: simple-history skips the raw save itself, but not the many-to-many change that follows,
which wrote a history row of its own (a duplicate key on PostgreSQL, an extra "changed" row on
SQLite). So:

- `mark_rows_loaded_from_fixture` (connected to pre_save for every model by PathwayConfig)
  marks each instance saved raw; `loaded_from_fixture(instance)` asks;
- `AuditHistory` is HistoricalRecords that records nothing for a marked instance: every audited
  model in Pathway uses it (or a subclass);
- `skips_fixture_loads` wraps any other pre_save, post_save or m2m_changed receiver the same way.

tests/test_backup_restore.py fails on a receiver that is neither.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from simple_history.models import HistoricalRecords

_LOADED = "_pathway_loaded_from_fixture"


def loaded_from_fixture(instance) -> bool:
    """True for an instance `loaddata` is writing: saved raw, its many-to-many still being set."""
    return getattr(instance, _LOADED, False)


def mark_rows_loaded_from_fixture(sender, instance, raw=False, **kwargs):
    if raw:
        setattr(instance, _LOADED, True)


mark_rows_loaded_from_fixture.skips_fixture_loads = True


def skips_fixture_loads(receiver):
    """For a pre_save, post_save or m2m_changed receiver: do nothing while a backup is loaded."""

    @functools.wraps(receiver)
    def receive(sender, instance, **kwargs):
        if kwargs.get("raw") or loaded_from_fixture(instance):
            return None
        return receiver(sender, instance=instance, **kwargs)

    receive.skips_fixture_loads = True
    return receive


# Who a change is made for when no person makes it: an integration's API client
# ("API client: ESR feed"). Kept in each history row's change reason, which the audit log shows
# as who made the change (docs/adr/0023-integration-api.md).
_acting_for: ContextVar[str] = ContextVar("pathway_history_acting_for", default="")
ACTING_FOR_MAX = 100  # simple-history's change reason column


@contextmanager
def acting_for(label: str):
    """Every history row written inside is recorded as made by `label`."""
    token = _acting_for.set(label[:ACTING_FOR_MAX])
    try:
        yield
    finally:
        _acting_for.reset(token)


class AuditHistory(HistoricalRecords):
    """HistoricalRecords that adds no row while a backup is loaded (the backup has them all).

    `event`: an IntegrationEvent kind recorded with every version (pathway/events.py), in the
    same transaction, for the events feed: a person or an enrolment changed, however it was
    changed (a page, an import, the admin, the API).
    """

    def __init__(self, *args, event: str | None = None, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw") or loaded_from_fixture(instance):
            return
        super().post_save(instance, created, using=using, **kwargs)
        self.record_event(instance)

    def record_event(self, instance) -> None:
        if self.event is None:
            return
        from pathway.events import event_data, event_record

        event_record(self.event, subject_id=instance.pk, data=event_data(self.event, instance))

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        return reason or _acting_for.get() or None

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if loaded_from_fixture(instance):
            return
        super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
