"""Forms for the off-the-job hours ledger (NHS.UK crispy pack)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from apprenticeships.models import OTJ_ENTRY_MAX_HOURS, OtjActivity
from pathway.fields import NHSDateField
from pathway.formtools import nhsuk_helper

_HOURS_ERRORS = {
    "required": "Enter the hours",
    "invalid": "Hours must be a number, like 1.5",
    "min_value": "Hours must be 0.25 or more",
    "max_value": f"Hours must be {OTJ_ENTRY_MAX_HOURS:g} or fewer",
    "max_decimal_places": "Hours can have up to 2 decimal places, like 1.25",
    "max_digits": f"Hours must be {OTJ_ENTRY_MAX_HOURS:g} or fewer",
    "max_whole_digits": f"Hours must be {OTJ_ENTRY_MAX_HOURS:g} or fewer",
}


class OtjEntryForm(forms.Form):
    on = NHSDateField(
        label="Date of the training",
        help_text="For example, 15 9 2026",
        error_messages={"required": "Enter the date of the training"},
    )
    hours = forms.DecimalField(
        label="Hours",
        help_text="For example, 1.5 for an hour and a half",
        min_value=Decimal("0.25"),
        max_value=OTJ_ENTRY_MAX_HOURS,
        max_digits=4,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "decimal"}),
        error_messages=_HOURS_ERRORS,
    )
    activity = forms.ChoiceField(
        label="Kind of training",
        choices=OtjActivity.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of training",
            "invalid_choice": "Select the kind of training",
        },
    )
    description = forms.CharField(
        label="What you did and learned",
        help_text="Off-the-job training is new learning for your apprenticeship, in your paid "
        "hours, away from your normal duties.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": "Enter what you did and learned",
            "max_length": "What you did and learned must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(*self.fields, submit="Send to my line manager")


_DECISION_ERRORS = {"required": "Select your decision", "invalid_choice": "Select your decision"}


class DecisionForm(forms.Form):
    """Yes or no, with a reason needed for no: the two decisions below."""

    YES, NO = "yes", "no"

    reason = forms.CharField(
        label="Reason",
        help_text="Needed when the answer is no. The apprentice will see it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        error_messages={"max_length": "The reason must be 2000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("decision", "reason", submit="Save decision")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.NO and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason")
        return cleaned

    @property
    def said_yes(self) -> bool:
        return self.cleaned_data["decision"] == self.YES


class EntryDecisionForm(DecisionForm):
    decision = forms.ChoiceField(
        label="Do you confirm these off-the-job hours?",
        choices=[
            (DecisionForm.YES, "Yes, confirm them: they count towards the apprenticeship"),
            (DecisionForm.NO, "No, decline them"),
        ],
        widget=forms.RadioSelect,
        error_messages=_DECISION_ERRORS,
    )
    field_order = ["decision", "reason"]


class BreakDecisionForm(DecisionForm):
    decision = forms.ChoiceField(
        label="Do you approve this break in learning?",
        choices=[
            (DecisionForm.YES, "Yes, approve it: the plan moves on by the days of the break"),
            (DecisionForm.NO, "No, do not approve it"),
        ],
        widget=forms.RadioSelect,
        error_messages=_DECISION_ERRORS,
    )
    field_order = ["decision", "reason"]


class BreakForm(forms.Form):
    starts_on = NHSDateField(
        label="First day of the break",
        help_text="For example, 1 3 2027",
        error_messages={"required": "Enter the first day of the break"},
    )
    returns_on = NHSDateField(
        label="Date the apprentice is expected back",
        help_text="The plan is moved on by the days of the break, once it is approved.",
        error_messages={"required": "Enter the date the apprentice is expected back"},
    )
    reason = forms.CharField(
        label="Reason for the break",
        help_text="For example, long-term sickness, parental leave, a change of role",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": "Enter the reason for the break",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(*self.fields, submit="Send for approval")

    def clean(self):
        cleaned = super().clean()
        starts, returns = cleaned.get("starts_on"), cleaned.get("returns_on")
        if starts and returns and returns <= starts:
            self.add_error("returns_on", "The return must be after the first day of the break")
        return cleaned
