"""Forms for the training plan, the gateway checklist and inspection access (NHS.UK pack)."""

from __future__ import annotations

from django import forms

from apprenticeships.selectors import inspection as inspection_selectors
from apprenticeships.services.plan import TEXT_MAX
from pathway import formtools
from pathway.fields import NHSDateField
from pathway.formtools import nhsuk_helper

RESPONSIBILITY_ERRORS = {
    "required": "Enter the responsibilities",
    "max_length": f"Enter no more than {TEXT_MAX} characters",
}


class TrainingPlanForm(forms.Form):
    practical_period_start = NHSDateField(
        label="Practical period start",
        help_text="For example, 1 9 2025",
        error_messages={"required": "Enter the practical period start"},
    )
    planned_end_date = NHSDateField(
        label="Planned end of the practical period",
        help_text="For example, 31 8 2027",
        error_messages={"required": "Enter the planned end"},
    )
    planned_otj_hours = forms.IntegerField(
        label="Planned off-the-job training hours",
        min_value=0,
        max_value=10000,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the planned hours",
            "invalid": "Hours must be a whole number",
            "min_value": "Hours must be 0 or more",
            "max_value": "Hours must be 10000 or fewer",
        },
    )
    provider_responsibilities = forms.CharField(
        label="The training provider's responsibilities (the university)",
        help_text="Teaching, assessment, tutor support and progress reviews",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=RESPONSIBILITY_ERRORS,
    )
    employer_responsibilities = forms.CharField(
        label="The employer's responsibilities (the trust)",
        help_text="Protected off-the-job time, a mentor, supervised practice and the line"
        " manager's part",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=RESPONSIBILITY_ERRORS,
    )
    apprentice_responsibilities = forms.CharField(
        label="The apprentice's responsibilities",
        help_text="Attendance, keeping the portfolio and the hours log up to date, taking part"
        " in reviews",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=RESPONSIBILITY_ERRORS,
    )
    change_reason = forms.CharField(
        label="What changed and why",
        help_text="Needed for every version after the first. All three parties sign again.",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Enter no more than {TEXT_MAX} characters"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(
            "practical_period_start",
            "planned_end_date",
            "planned_otj_hours",
            "provider_responsibilities",
            "employer_responsibilities",
            "apprentice_responsibilities",
            "change_reason",
            submit="Save as a new version",
        )


class GatewayEvidenceForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        help_text="A certificate number, transcript or record reference",
        required=False,
        max_length=300,
        error_messages={"max_length": "Enter no more than 300 characters"},
    )
    upload = forms.FileField(
        label="File (optional)",
        help_text="PDF, Word document or image, up to 10MB",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("reference", "upload", submit="Save evidence")


class InspectionGrantForm(forms.Form):
    inspector = formtools.ModelChoiceField(
        label="An existing account",
        queryset=None,
        required=False,
        empty_label="Make a new account instead",
        error_messages={"invalid_choice": "Select a person from the list"},
    )
    full_name = forms.CharField(
        label="Full name (for a new account)", required=False, max_length=150
    )
    email = forms.EmailField(
        label="Email address (for a new account)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    cohorts = formtools.ModelMultipleChoiceField(
        label="Cohorts they may see",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one cohort",
            "invalid_choice": "Select cohorts from the list",
            "invalid_pk_value": "Select cohorts from the list",
        },
    )
    expires_on = NHSDateField(
        label="Access ends at the end of",
        help_text="No more than 90 days from today. For example, 31 1 2027",
        error_messages={"required": "Enter the date access ends"},
    )
    purpose = forms.CharField(
        label="Who they are and why they need access",
        help_text="For example, Ofsted inspector, monitoring visit",
        max_length=200,
        error_messages={
            "required": "Enter who they are and why they need access",
            "max_length": "Enter no more than 200 characters",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspection_selectors.inspector_choices()
        self.fields["cohorts"].queryset = inspection_selectors.cohort_choices()
        self.helper = nhsuk_helper(
            "inspector",
            "full_name",
            "email",
            "cohorts",
            "expires_on",
            "purpose",
            submit="Give access",
        )
