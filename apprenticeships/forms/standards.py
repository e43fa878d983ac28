"""Forms for setting up the apprenticeship route and the skills scan (NHS.UK crispy pack). The
services still check every rule; their refusals show on the form."""

from __future__ import annotations

from django import forms

from apprenticeships.models import ScanOutcome
from competencies.models import ApprenticeshipStandard
from pathway import formtools
from pathway.fields import NHSDateField
from pathway.formtools import nhsuk_helper


def _number(width: int = 4) -> forms.TextInput:
    # NHS.UK: whole numbers are typed into a text input with a numeric keyboard.
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "spellcheck": "false",
            "class": f"nhsuk-input--width-{width}",
        }
    )


def _whole(label, *, minimum, maximum, what, help_text="", width=4, required=True):
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        required=required,
        help_text=help_text,
        widget=_number(width),
        error_messages={
            "required": f"Enter the {what}",
            "invalid": f"The {what} must be a whole number",
            "min_value": f"The {what} must be {minimum:,} or more",
            "max_value": f"The {what} must be {maximum:,} or fewer",
        },
    )


class StandardForm(forms.Form):
    reference = forms.RegexField(
        label="Reference",
        regex=r"^\s*[A-Za-z]{2}\d{4}\s*$",
        max_length=10,
        help_text="For example, ST0215",
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "nhsuk-input--width-10"}),
        error_messages={
            "required": "Enter the reference",
            "invalid": "Enter a reference like ST0215: 2 letters then 4 numbers",
            "max_length": "Enter a reference like ST0215: 2 letters then 4 numbers",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Assistant practitioner (health)",
        error_messages={
            "required": "Enter the title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    level = _whole("Level", minimum=2, maximum=7, what="level", help_text="From 2 to 7", width=2)
    version = forms.RegexField(
        label="Version",
        regex=r"^\s*\d{1,3}(\.\d{1,3})?\s*$",
        max_length=10,
        help_text="For example, 1.1",
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "nhsuk-input--width-5"}),
        error_messages={
            "required": "Enter the version",
            "invalid": "Enter a version like 1.1",
            "max_length": "Enter a version like 1.1",
        },
    )
    typical_duration_months = _whole(
        "Typical duration in months",
        minimum=12,
        maximum=72,
        what="typical duration",
        help_text="As the standard publishes it, from 12 to 72 months",
        width=3,
    )
    minimum_otj_hours = _whole(
        "Minimum off-the-job training hours",
        minimum=187,
        maximum=5000,
        what="minimum off-the-job hours",
        help_text=(
            "The minimum the funding rules publish for this standard. Since August 2025 it is "
            "set for each standard, not 20% of working hours."
        ),
        width=5,
    )
    funding_band = _whole(
        "Funding band maximum in pounds",
        minimum=1,
        maximum=100_000,
        what="funding band",
        help_text="The most the levy pays for training and end-point assessment, like 12000",
        width=10,
    )

    def __init__(self, *args, standard: ApprenticeshipStandard | None = None, **kwargs):
        if standard is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(standard, name) for name in self.base_fields},
            )
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(
            *self.fields, submit="Save standard" if standard else "Add standard"
        )

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()

    def clean_version(self):
        return self.cleaned_data["version"].strip()

    def clean_title(self):
        return self.cleaned_data["title"].strip()


class KsbImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV or Excel (.xlsx) file",
        help_text="With the columns Code, Kind and Text: the template has them",
        error_messages={"required": "Select a CSV or Excel file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("file", submit="Import KSBs")
        self.helper.form_enctype = "multipart/form-data"


class ProgrammeStandardForm(forms.Form):
    standard = formtools.ModelChoiceField(
        label="Apprenticeship standard",
        queryset=ApprenticeshipStandard.objects.none(),
        required=False,
        empty_label="Not an apprenticeship",
        error_messages={"invalid_choice": "Select a standard from the list"},
    )

    def __init__(self, *args, standards=None, current=None, **kwargs):
        kwargs.setdefault("initial", {"standard": current.pk if current else None})
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards
        self.helper = nhsuk_helper("standard", submit="Save")


class TermsForm(forms.Form):
    practical_period_start = NHSDateField(
        label="Practical period start",
        help_text="For example, 1 9 2025",
        error_messages={"required": "Enter the practical period start"},
    )
    planned_end_date = NHSDateField(
        label="Planned end of the practical period",
        help_text="At least 8 months after the start (12 months for starts before August 2025)",
        error_messages={"required": "Enter the planned end"},
    )
    planned_otj_hours = _whole(
        "Planned off-the-job training hours (optional)",
        minimum=0,
        maximum=10_000,
        what="planned off-the-job hours",
        width=5,
        required=False,
    )
    levy_funded = forms.TypedChoiceField(
        label="Is the apprenticeship funded by the levy?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the levy funds it",
            "invalid_choice": "Select whether the levy funds it",
        },
    )

    def __init__(self, *args, terms=None, default_hours: int = 0, **kwargs):
        if terms is not None:
            kwargs.setdefault(
                "initial",
                {
                    "practical_period_start": terms.practical_period_start,
                    "planned_end_date": terms.planned_end_date,
                    "planned_otj_hours": terms.planned_otj_hours,
                    "levy_funded": "yes" if terms.levy_funded else "no",
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["planned_otj_hours"].help_text = (
            f"Leave blank for {default_hours:,} hours: the standard's published minimum, less any "
            "reduction for accepted prior learning"
        )
        self.helper = nhsuk_helper(*self.fields, submit="Save terms")


class ScanItemForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Is prior learning accepted?",
        choices=[
            (ScanOutcome.ACCEPTED, "Yes, prior learning is accepted"),
            (ScanOutcome.TO_LEARN, "No, it is to be learned on the programme"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether prior learning is accepted",
            "invalid_choice": "Select whether prior learning is accepted",
        },
    )
    evidence = forms.CharField(
        label="Evidence of prior learning",
        required=False,
        max_length=5000,
        help_text="What shows it: a qualification, a sign-off, a witness. Needed when accepted.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The evidence must be 5,000 characters or fewer"},
    )
    upload = forms.FileField(
        label="A file of evidence (optional)",
        required=False,
        help_text="A PDF, a Word document or an image",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        help_text="Why you accept it, or why it is to be learned",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, item=None, **kwargs):
        if item is not None and item.decided_at is not None:
            kwargs.setdefault(
                "initial",
                {"outcome": item.outcome, "evidence": item.evidence, "reason": item.reason},
            )
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(
            "outcome", "evidence", "upload", "reason", submit="Save decision"
        )
        self.helper.form_enctype = "multipart/form-data"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == ScanOutcome.ACCEPTED:
            if not (cleaned.get("evidence") or "").strip() and "evidence" not in self.errors:
                self.add_error("evidence", "Enter the evidence of prior learning")
            if not (cleaned.get("reason") or "").strip() and "reason" not in self.errors:
                self.add_error("reason", "Enter the reason for accepting it")
        return cleaned


class ScanCompleteForm(forms.Form):
    hours_reduction = _whole(
        "Reduction in planned off-the-job hours",
        minimum=0,
        maximum=10_000,
        what="reduction",
        help_text="The hours of training the accepted prior learning makes unnecessary. 0 if none.",
        width=5,
    )
    reason = forms.CharField(
        label="Reason for the reduction",
        required=False,
        max_length=2000,
        help_text="Needed when there is a reduction: which prior learning it reflects",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("hours_reduction", "reason", submit="Complete the skills scan")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hours_reduction") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for the reduction")
        return cleaned
