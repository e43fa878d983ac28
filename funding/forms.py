"""Forms for funding and costs. Amounts are typed in pounds; "£" and thousands commas are
allowed ("£4,500.00")."""

from __future__ import annotations

from django import forms

from funding.models import CostCategory
from funding.services import COST_EDITED, SOURCE_EDITED
from pathway.concurrency import VersionedForm
from pathway.formtools import ModelChoiceField, nhsuk_helper
from pathway.models import Organisation


class MoneyField(forms.DecimalField):
    """Pounds and pence: accepts "£1,250.50", refuses negatives and fractions of a penny."""

    def __init__(self, *, max_digits=12, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
        )
        super().__init__(max_digits=max_digits, decimal_places=2, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", "").removeprefix("£").strip()
        return super().to_python(value)


class FundingSourceForm(VersionedForm, forms.Form):
    """Adds a funding source, or (given `versioned=source`) changes one: then a save made from a
    page drawn before someone else's save is refused with their change shown."""

    versioned_fields = SOURCE_EDITED

    name = forms.CharField(
        max_length=200,
        help_text="For example, Education commissioner grant",
        error_messages={"required": "Enter the name of the funding source"},
    )
    organisation = ModelChoiceField(
        label="From (optional)",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Not from a particular organisation",
    )
    amount = MoneyField(
        label="Amount in pounds",
        help_text="For example, 45,000.00",
        error_messages={
            "required": "Enter the amount",
            "invalid": "Enter the amount in pounds, like 45000 or 45,000.00",
            "min_value": "The amount must be £0 or more",
            "max_digits": "The amount is too large",
            "max_whole_digits": "The amount is too large",
            "max_decimal_places": "Enter the amount to the nearest penny",
        },
    )
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(*self.fields, submit="Save funding source")


class CostLineForm(VersionedForm, forms.Form):
    """Adds a cost, or (given `versioned=cost`) changes one, refusing a stale save as above."""

    versioned_fields = COST_EDITED

    category = forms.ChoiceField(
        label="Kind of cost",
        choices=CostCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of cost"},
    )
    description = forms.CharField(
        max_length=200,
        help_text="For example, University module fees, 16 trainees",
        error_messages={"required": "Enter a description of the cost"},
    )
    quantity = MoneyField(
        label="Quantity",
        max_digits=10,
        help_text="Hours for backfill and educator time; trainees for fees; 1 for a single sum",
        error_messages={
            "required": "Enter the quantity",
            "invalid": "Enter the quantity as a number, like 120 or 7.5",
            "min_value": "The quantity must be 0 or more",
            "max_digits": "The quantity is too large",
            "max_whole_digits": "The quantity is too large",
            "max_decimal_places": "Enter the quantity to 2 decimal places at most",
        },
    )
    unit = forms.CharField(
        label="Unit (optional)",
        max_length=40,
        required=False,
        help_text="hours, trainees, items",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    unit_cost = MoneyField(
        label="Cost of each, in pounds",
        help_text="The hourly rate for backfill and educator time; the fee per trainee",
        error_messages={
            "required": "Enter the cost of each",
            "invalid": "Enter the cost in pounds, like 13.50",
            "min_value": "The cost must be £0 or more",
            "max_digits": "The cost is too large",
            "max_whole_digits": "The cost is too large",
            "max_decimal_places": "Enter the cost to the nearest penny",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(*self.fields, submit="Save cost")
