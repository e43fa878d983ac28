"""Forms for logging support, caseloads and the mentor register (NHS.UK crispy pack)."""

from __future__ import annotations

from crispy_forms.layout import HTML
from django import forms

from pathway import formtools
from pathway.concurrency import VersionedForm
from pathway.fields import NHSDateField
from pathway.formtools import nhsuk_helper
from pathway.models import RoleCode, User
from support import selectors, services
from support.models import MAX_MINUTES, SupportKind


class SupportLogForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of support",
        choices=SupportKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of support",
            "invalid_choice": "Select the kind of support",
        },
    )
    person = formtools.ModelChoiceField(
        label="Who it was for (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not for one person",
        help_text="A trainee or mentor in your caseload, or a line manager of your trainees.",
        error_messages={"invalid_choice": "Select someone in your caseload"},
    )
    on = NHSDateField(
        label="Date",
        help_text="For example, 15 9 2025",
        error_messages={"required": "Enter the date"},
    )
    hours = forms.IntegerField(
        label="Hours",
        required=False,
        min_value=0,
        max_value=24,
        widget=forms.NumberInput(
            attrs={"class": "nhsuk-input--width-2 nhsuk-date-input__input", "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": "Hours must be a whole number",
            "min_value": "Hours must be 0 or more",
            "max_value": "Hours must be 24 or fewer",
        },
    )
    minutes = forms.IntegerField(
        label="Minutes",
        required=False,
        min_value=0,
        max_value=59,
        widget=forms.NumberInput(
            attrs={"class": "nhsuk-input--width-2 nhsuk-date-input__input", "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": "Minutes must be a whole number",
            "min_value": "Minutes must be 0 or more",
            "max_value": "Minutes must be 59 or fewer",
        },
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Notes must be 5000 characters or fewer"},
    )

    def __init__(self, *args, educator: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = selectors.caseload_people(educator)
        self.helper = nhsuk_helper(
            "kind",
            "person",
            "on",
            # Hours and minutes side by side in one "Time spent" fieldset.
            HTML('{% include "support/time_spent.html" %}'),
            "notes",
            submit="Save support",
        )

    def clean(self):
        cleaned = super().clean()
        hours, minutes = cleaned.get("hours"), cleaned.get("minutes")
        if "hours" in self.errors or "minutes" in self.errors:
            return cleaned
        total = (hours or 0) * 60 + (minutes or 0)
        if total <= 0:
            self.add_error("hours", "Enter the time spent, in hours and minutes")
        elif total > MAX_MINUTES:
            self.add_error("hours", "The time spent must be 24 hours or less")
        cleaned["total_minutes"] = total
        return cleaned


class MentorCaseloadForm(forms.Form):
    mentor = formtools.ModelChoiceField(
        label="Mentor",
        queryset=User.objects.none(),
        empty_label="Select a mentor",
        error_messages={
            "required": "Select a mentor",
            "invalid_choice": "Select a mentor from the list",
        },
    )
    start_date = NHSDateField(
        label="From",
        help_text="For example, 15 9 2025",
        error_messages={"required": "Enter the date the educator starts supporting them"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = User.objects.filter(
            roles__code=RoleCode.MENTOR, is_active=True
        ).order_by("full_name", "pk")
        self.helper = nhsuk_helper("mentor", "start_date", submit="Add to caseload")


class MentorPreparationForm(VersionedForm, forms.Form):
    versioned_fields = services.PREPARATION_EDITED

    prepared_on = NHSDateField(
        label="Date mentor preparation was completed",
        required=False,
        help_text="For example, 15 9 2024. Leave blank if they have not completed it.",
    )
    last_update_on = NHSDateField(
        label="Date of the last annual update (optional)",
        required=False,
        help_text="Leave blank if they have not had an update since their preparation.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(*self.fields, submit="Save")

    def clean(self):
        cleaned = super().clean()
        prepared, update = cleaned.get("prepared_on"), cleaned.get("last_update_on")
        if update and not prepared and "prepared_on" not in self.errors:
            self.add_error(
                "prepared_on", "Enter the date preparation was completed before an update"
            )
        elif update and prepared and update < prepared:
            self.add_error(
                "last_update_on", "The annual update must be on or after the preparation date"
            )
        return cleaned
