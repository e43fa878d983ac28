"""Forms for the retention schedule and erasure (NHS.UK crispy pack)."""

from __future__ import annotations

from django import forms

from governance.models import MAX_DAYS, Disposal, Start, Unit
from governance.retention import ErasureBasis
from governance.services import OVERRIDE_MAX
from pathway.formtools import nhsuk_helper


class RetentionRuleForm(forms.Form):
    period = forms.IntegerField(
        label="How long",
        min_value=1,
        max_value=MAX_DAYS,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how long the records are kept",
            "invalid": "The period must be a whole number",
            "min_value": "The period must be 1 or more",
            "max_value": f"The period must be {MAX_DAYS} or less",
        },
    )
    unit = forms.ChoiceField(
        label="In",
        choices=Unit.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select days or years",
            "invalid_choice": "Select days or years",
        },
    )
    starts = forms.ChoiceField(
        label="Counted from",
        choices=Start.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select when the period starts",
            "invalid_choice": "Select when the period starts",
        },
    )
    disposal = forms.ChoiceField(
        label="At the end of the period",
        choices=Disposal.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what happens at the end of the period",
            "invalid_choice": "Select what happens at the end of the period",
        },
    )
    note = forms.CharField(
        label="Why this period (optional)",
        help_text="For example, the entry in the Records Management Code it follows.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The note must be 2000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(*self.fields, submit="Save")


class ErasureForm(forms.Form):
    basis = forms.ChoiceField(
        label="Legal basis for the erasure",
        choices=ErasureBasis.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the legal basis for the erasure",
            "invalid_choice": "Select the legal basis for the erasure",
        },
    )
    override_reason = forms.CharField(
        label="Reason for erasing within the retention period (only if it applies)",
        help_text=(
            "Needed only when the person's training records must still be kept. It is kept in"
            " the audit log, so do not put their name or other details in it; give a case"
            " reference instead."
        ),
        required=False,
        max_length=OVERRIDE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"The reason must be {OVERRIDE_MAX} characters or fewer"},
    )
    confirm = forms.BooleanField(
        label="I have checked who made the request and that the law allows this erasure",
        error_messages={"required": "Confirm that you have checked the request"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(*self.fields, submit="Erase this person", css_class="warning")
