"""Writes for funding: the lead nurse records funding sources and costs for a cohort."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction

from cohorts.models import Cohort
from funding.models import CostCategory, CostLine, FundingSource
from pathway.concurrency import locked, version_check
from pathway.models import Organisation, User

# What each edit form changes, and so what its version covers (pathway/concurrency.py).
SOURCE_EDITED = ("name", "organisation", "amount", "notes")
COST_EDITED = ("category", "description", "quantity", "unit", "unit_cost")


def _require(actor, perm="funding.manage"):
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied("Only the lead nurse can do this")


def _locked(thing, cohort, *, version, fields, what: str):
    """`thing` read afresh under a row lock, refused when someone saved it (or removed it)
    since the form was drawn."""
    try:
        found = locked(thing)
    except ObjectDoesNotExist:
        raise ValidationError(
            f"This {what} has been removed: it was not saved", code="gone"
        ) from None
    if found.cohort_id != cohort.pk:
        raise ValidationError(f"This {what} belongs to another cohort", code="cohort")
    version_check(found, version, fields=fields)
    return found


def _money(value, name: str, label: str) -> Decimal:
    if value is None:
        raise ValidationError({name: f"Enter the {label}"})
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise ValidationError({name: f"The {label} must be £0 or more"})
    return value


@transaction.atomic
def source_save(
    *,
    actor: User | None,
    cohort: Cohort,
    name: str,
    amount,
    organisation: Organisation | None = None,
    notes: str = "",
    source: FundingSource | None = None,
    version: str | None = None,
) -> FundingSource:
    """Add a funding source to a cohort, or change one (`source`). `version` is the edit
    form's: a save from a form drawn before someone else's save is refused with their change
    shown."""
    _require(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter the name of the funding source"})
    if source is not None:
        source = _locked(
            source,
            cohort,
            version=version,
            fields=SOURCE_EDITED,
            what="funding source",
        )
    else:
        source = FundingSource(cohort=cohort, recorded_by=actor)
    source.name = name
    source.amount = _money(amount, "amount", "amount")
    source.organisation = organisation
    source.notes = (notes or "").strip()
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def source_delete(*, actor: User | None, source: FundingSource) -> bool:
    """Remove a funding source. False when it had gone already (a second press of the button,
    or two people at once): nothing more is removed, and nothing is wrong."""
    _require(actor)
    removed, _ = FundingSource.objects.filter(pk=source.pk).delete()
    return bool(removed)


@transaction.atomic
def cost_save(
    *,
    actor: User | None,
    cohort: Cohort,
    category: str,
    description: str,
    quantity,
    unit_cost,
    unit: str = "item",
    cost: CostLine | None = None,
    version: str | None = None,
) -> CostLine:
    """Add a cost to a cohort, or change one (`cost`): quantity × unit cost. `version` as for
    source_save."""
    _require(actor)
    if category not in CostCategory.values:
        raise ValidationError({"category": "Select the kind of cost"})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Enter a description of the cost"})
    if cost is not None:
        cost = _locked(cost, cohort, version=version, fields=COST_EDITED, what="cost")
    else:
        cost = CostLine(cohort=cohort, recorded_by=actor)
    cost.category = category
    cost.description = description
    cost.quantity = _money(quantity, "quantity", "quantity")
    cost.unit_cost = _money(unit_cost, "unit_cost", "unit cost")
    cost.unit = (unit or "").strip() or "item"
    cost.full_clean()
    cost.save()
    return cost


@transaction.atomic
def cost_delete(*, actor: User | None, cost: CostLine) -> bool:
    """Remove a cost; False when it had gone already, as source_delete."""
    _require(actor)
    removed, _ = CostLine.objects.filter(pk=cost.pk).delete()
    return bool(removed)
