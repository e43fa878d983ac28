"""Lost updates refused: an edit form carries the version of what it showed, and a save of a
stale version is refused with the other person's change shown (issue 14, point 9).

The version is a signed token holding a short digest of each field the form edits, taken when
the form was drawn. On save, under a row lock, the service compares the token with the row as
it now is. Nothing changed since: the save goes ahead. Something changed: `StaleEdit` is
raised naming each changed field with its value now and who changed it (from the audit
history, when the model keeps one); the form is shown again with what was typed kept and a
fresh version, so a second press of save is a deliberate overwrite.

No migration is needed for a model to take part, and a change by a command, the admin site or
an import is seen exactly as one by a form.

    # the form (pathway.concurrency.VersionedForm):
    form = CohortForm(posted_data(request), initial=..., versioned=cohort)
    # the service:
    version_check(cohort, version, fields=CohortForm.versioned_fields)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

SALT = "pathway.concurrency.version"


def _value(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        if instance.pk is None:
            return ""
        return ",".join(
            str(pk) for pk in sorted(getattr(instance, name).values_list("pk", flat=True))
        )
    value = field.value_to_string(instance)
    # A JSONField gives back its value (a list, a dict) rather than text.
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def version_of(instance: models.Model, fields: tuple[str, ...] | list[str]) -> str:
    """The version token for these fields of `instance` as it is now."""
    return signing.dumps(
        {"pk": instance.pk, "f": {name: _digest(_value(instance, name)) for name in fields}},
        salt=SALT,
        compress=True,
    )


@dataclass(frozen=True)
class Change:
    label: str
    now: str


class StaleEdit(ValidationError):
    """Someone saved this thing after the form was drawn. `changes` says what they changed."""

    def __init__(self, message: str, *, changes: list[Change], by: str, version: str):
        super().__init__(message, code="stale")
        self.changes = changes
        self.by = by
        self.version = version


def _label(instance: models.Model, name: str) -> str:
    return str(instance._meta.get_field(name).verbose_name).capitalize()


def _shown(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(item) for item in getattr(instance, name).all()) or "none"
    # Choices, and a model's own get_<name>_display (a list of choices kept as JSON), are
    # shown in words rather than as stored.
    display = getattr(instance, f"get_{name}_display", None)
    value = display() if callable(display) else getattr(instance, name)
    if value in (None, "", []):
        return "blank"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        value = ", ".join(str(item) for item in value)
    if hasattr(value, "strftime"):
        return date_format(value, "j F Y")
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _last_changed_by(instance: models.Model) -> str:
    history = getattr(instance, "history", None)
    if history is None:
        return "someone else"
    latest = history.order_by("-history_date").select_related("history_user").first()
    if latest is None or latest.history_user is None:
        return "someone else"
    when = timezone.localtime(latest.history_date)
    return f"{latest.history_user} at {date_format(when, 'H:i')} on {date_format(when, 'j F Y')}"


def version_check(instance: models.Model, version: str | None, *, fields) -> None:
    """Refuse a save of `instance` made from a form drawn before someone else's save.

    Call it inside the service's transaction, on a row fetched with select_for_update (or
    refetch with `locked`), before applying the new values. `version` None means the caller
    drew no form (a command, an import): nothing to compare."""
    if version is None:
        return
    try:
        token = signing.loads(version, salt=SALT)
        seen = token["f"]
        assert token["pk"] == instance.pk
    except (signing.BadSignature, KeyError, TypeError, AssertionError) as bad:
        raise ValidationError(
            "This page was out of date. Check the details below and save again.", code="stale"
        ) from bad
    changed = [
        name for name in fields if name in seen and seen[name] != _digest(_value(instance, name))
    ]
    if not changed:
        return
    by = _last_changed_by(instance)
    raise StaleEdit(
        f"{by[0].upper()}{by[1:]} changed this while you were editing it. Your changes are "
        "below, not saved yet: check them against theirs, then save again to keep yours.",
        changes=[Change(_label(instance, name), _shown(instance, name)) for name in changed],
        by=by,
        version=version_of(instance, fields),
    )


def locked(instance: models.Model) -> models.Model:
    """The same row again, read afresh under a row lock (for the rest of the transaction)."""
    return type(instance)._base_manager.select_for_update().get(pk=instance.pk)


class VersionedForm:
    """Mixin for an edit form (a Form or a ModelForm): a hidden `version` field holding what
    the form was drawn from. Subclasses name `versioned_fields` (model field names). Pass
    `versioned=instance` when editing; leave it out on a create form and there is no field."""

    versioned_fields: tuple[str, ...] = ()

    def __init__(self, *args, versioned: models.Model | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stale_changes: list[Change] = []
        if versioned is None:
            return
        self.fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.fields["version"].initial = version_of(versioned, self.versioned_fields)

    def show_stale(self, stale: StaleEdit) -> None:
        """Show the refusal: the summary's message, the changes, and the version now, so the
        next save (with what was typed kept) overwrites deliberately."""
        self.add_error(None, stale.messages[0])
        self.stale_changes = stale.changes
        data = self.data.copy()
        data["version"] = stale.version
        self.data = data
