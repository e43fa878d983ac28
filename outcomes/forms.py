"""Forms for recording moves, rewording stages and running bridging modules (NHS.UK crispy)."""

from __future__ import annotations

from django import forms

from outcomes.models import BridgingResult, Stage, StageCode
from outcomes.services import STAGE_EDITED
from pathway.concurrency import VersionedForm
from pathway.fields import NHSDateField
from pathway.formtools import ModelChoiceField, nhsuk_helper
from pathway.models import ClinicalArea, Organisation


class MoveForm(forms.Form):
    stage = ModelChoiceField(
        queryset=Stage.objects.exclude(code=StageCode.TRAINEE).order_by("order"),
        widget=forms.RadioSelect,
        label="Where did they move to?",
        help_text="Training on the programme is recorded by enrolling the person on a cohort.",
        error_messages={
            "required": "Select the stage they moved to",
            "invalid_choice": "Select the stage they moved to",
        },
    )
    on = NHSDateField(
        label="Date of the move",
        help_text="For example, 15 3 2026",
        error_messages={"required": "Enter the date of the move"},
    )
    clinical_area = ModelChoiceField(
        queryset=ClinicalArea.objects.order_by("name"),
        required=False,
        label="Clinical area (optional)",
        help_text="Where they work after the move, if it matters: a move to another clinical "
        "area is counted on the outcomes dashboard.",
        empty_label="No clinical area",
        error_messages={"invalid_choice": "Select a clinical area from the list"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label="Reason or note (optional)",
        help_text="Required when the person left the trust.",
        error_messages={"max_length": "The reason must be 2000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("stage", "on", "clinical_area", "reason", submit="Record move")

    def clean(self):
        data = super().clean()
        stage = data.get("stage")
        if (
            stage is not None
            and stage.code == StageCode.LEFT
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", "Give the reason the person left")
        return data


class StageForm(VersionedForm, forms.Form):
    versioned_fields = STAGE_EDITED

    name = forms.CharField(
        max_length=120,
        error_messages={
            "required": "Enter the stage's name",
            "max_length": "The name must be 120 characters or fewer",
        },
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label="Description (optional)",
        error_messages={"max_length": "The description must be 2000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(*self.fields, submit="Save stage")


class BridgingModuleForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter the module's title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    credits = forms.IntegerField(
        min_value=0,
        max_value=200,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
        error_messages={
            "required": "Enter the module's credits",
            "invalid": "Enter the credits as a whole number, like 20",
            "min_value": "Credits must be between 0 and 200",
            "max_value": "Credits must be between 0 and 200",
        },
    )
    provider = ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        label="Provider",
        help_text="The university or organisation that runs the module.",
        empty_label="Select a provider",
        error_messages={
            "required": "Select the provider",
            "invalid_choice": "Select a provider from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("title", "credits", "provider", submit="Add module")


class BridgingEnrolForm(forms.Form):
    person = ModelChoiceField(
        queryset=None,
        label="Qualified assistant practitioner",
        empty_label="Select a person",
        error_messages={
            "required": "Select the person to enrol",
            "invalid_choice": "Select a qualified assistant practitioner from the list",
        },
    )
    started_on = NHSDateField(
        label="Start date",
        help_text="For example, 15 3 2026",
        error_messages={"required": "Enter the start date"},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.helper = nhsuk_helper("person", "started_on", submit="Enrol")


class BridgingResultForm(forms.Form):
    result = forms.ChoiceField(
        choices=BridgingResult.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the result",
            "invalid_choice": "Select the result",
        },
    )
    on = NHSDateField(
        label="Date of the result",
        help_text="For example, 15 3 2026",
        error_messages={"required": "Enter the date of the result"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("result", "on", submit="Save result")
