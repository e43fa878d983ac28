"""Forms for cohorts, enrolment, status changes, moves and the programme plan."""

from __future__ import annotations

from django import forms

from cohorts.models import Cohort, EnrolmentStatus
from cohorts.services.cohorts import ALLOWED_CHANGES, COHORT_EDITED
from competencies.models import Framework
from pathway import formtools
from pathway.concurrency import VersionedForm
from pathway.fields import NHSDateField
from pathway.formtools import nhsuk_helper
from pathway.models import ClinicalArea, Programme


class CohortForm(VersionedForm, forms.Form):
    versioned_fields = COHORT_EDITED

    programme = formtools.ModelChoiceField(
        queryset=Programme.objects.order_by("name"),
        empty_label=None,
        error_messages={"required": "Select the programme"},
    )
    name = forms.CharField(
        max_length=120,
        help_text="For example, Cohort 3 (September 2027)",
        error_messages={"required": "Enter a name for the cohort"},
    )
    intake_date = NHSDateField(
        label="Intake date",
        help_text="For example, 1 9 2027",
        error_messages={"required": "Enter the intake date"},
    )
    planned_end_date = NHSDateField(
        label="Planned end date",
        help_text="Usually a year after the intake",
        error_messages={"required": "Enter the planned end date"},
    )
    clinical_areas = formtools.ModelMultipleChoiceField(
        queryset=ClinicalArea.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        label="Clinical areas",
        error_messages={"required": "Select at least one clinical area"},
    )
    framework = formtools.ModelChoiceField(
        label="Competency framework",
        queryset=Framework.objects.filter(status=Framework.Status.PUBLISHED).order_by(
            "name", "-version"
        ),
        help_text="Only published frameworks can be used",
        empty_label="Select a framework",
        error_messages={"required": "Select the competency framework"},
    )
    status = forms.ChoiceField(
        choices=Cohort.Status.choices,
        widget=forms.RadioSelect,
        initial=Cohort.Status.PLANNED,
        error_messages={"required": "Select the cohort's status"},
    )
    review_interval_weeks = forms.IntegerField(
        label="Weeks between progress reviews",
        min_value=1,
        max_value=52,
        initial=12,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the number of weeks between reviews",
            "invalid": "Weeks between reviews must be a whole number",
            "min_value": "Weeks between reviews must be 1 or more",
            "max_value": "Weeks between reviews must be 52 or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            # A cohort's programme and framework are fixed once trainees may be on it.
            del self.fields["programme"]
            del self.fields["framework"]
        fields = [name for name in self.fields]
        self.helper = nhsuk_helper(*fields, submit="Save cohort")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("intake_date"), cleaned.get("planned_end_date")
        if start and end and end <= start:
            self.add_error("planned_end_date", "The planned end date must be after the intake date")
        return cleaned


class EnrolmentForm(forms.Form):
    trainee = formtools.ModelChoiceField(
        label="Person to enrol",
        queryset=None,
        empty_label="Select a person",
        help_text="To enrol many people, or people without an account yet, upload a file instead",
        error_messages={"required": "Select the person to enrol"},
    )
    clinical_area = formtools.ModelChoiceField(
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the trainee's clinical area"},
    )
    start_date = NHSDateField(
        label="Start date (optional)",
        required=False,
        help_text="Leave blank to use the cohort's intake date",
    )

    def __init__(self, *args, people, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].queryset = people
        self.fields["clinical_area"].queryset = areas
        self.helper = nhsuk_helper("trainee", "clinical_area", "start_date", submit="Enrol trainee")


class EnrolmentStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="New status",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the new status"},
    )
    on = NHSDateField(label="Date of the change", error_messages={"required": "Enter the date"})
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Required for a break or a withdrawal",
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_CHANGES[EnrolmentStatus(current)]
        self.fields["status"].choices = [
            (value, label) for value, label in EnrolmentStatus.choices if value in allowed
        ]
        self.helper = nhsuk_helper("status", "on", "reason", submit="Save status")


class EnrolmentMoveForm(forms.Form):
    to_cohort = formtools.ModelChoiceField(
        label="Move to which cohort?",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the cohort to move to"},
    )
    on = NHSDateField(label="Date of the move", error_messages={"required": "Enter the date"})
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Give the reason for the move"},
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cohort"].queryset = cohorts
        self.helper = nhsuk_helper("to_cohort", "on", "reason", submit="Move trainee")


class PlanForm(forms.Form):
    framework = formtools.ModelChoiceField(
        label="Competency framework for new cohorts",
        queryset=Framework.objects.filter(status=Framework.Status.PUBLISHED).order_by(
            "name", "-version"
        ),
        empty_label="Select a framework",
        error_messages={"required": "Select the competency framework"},
    )
    review_interval_weeks = forms.IntegerField(
        label="Weeks between progress reviews",
        min_value=1,
        max_value=52,
        initial=12,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the number of weeks between reviews",
            "invalid": "Weeks between reviews must be a whole number",
            "min_value": "Weeks between reviews must be 1 or more",
            "max_value": "Weeks between reviews must be 52 or fewer",
        },
    )
    milestones = forms.CharField(
        label="Planned milestones (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=(
            "One line per milestone: week, core competencies, specific competencies. "
            "For example, 12, 3, 0. Leave empty for a straight line from intake to planned end."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(
            "framework", "review_interval_weeks", "milestones", submit="Save plan"
        )

    def clean_milestones(self):
        """Parse 'week, core, specific' lines into tuples, naming the line of any mistake."""
        parsed, weeks = [], set()
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(",")]
            if len(parts) != 3 or not all(p.isdecimal() and len(p) <= 6 for p in parts):
                raise forms.ValidationError(
                    f"Line {number}: write three whole numbers separated by commas: "
                    "week, core, specific"
                )
            week, core, specific = (int(part) for part in parts)
            if week > 520 or core > 1000 or specific > 1000:
                raise forms.ValidationError(
                    f"Line {number}: weeks go up to 520 and targets up to 1000"
                )
            if week < 1:
                raise forms.ValidationError(f"Line {number}: the week must be 1 or more")
            if week in weeks:
                raise forms.ValidationError(f"Line {number}: week {week} is listed twice")
            weeks.add(week)
            parsed.append((week, core, specific))
        parsed.sort()
        for (w1, c1, s1), (w2, c2, s2) in zip(parsed, parsed[1:], strict=False):
            if c2 < c1 or s2 < s1:
                raise forms.ValidationError(
                    f"Week {w2} plans fewer competencies than week {w1}: a plan cannot go down"
                )
        return parsed
