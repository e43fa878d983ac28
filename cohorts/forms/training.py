"""Forms for training days, the attendance register and module results (NHS.UK crispy pack)."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, LayoutObject, Submit
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.template.loader import render_to_string
from django.utils import timezone

from cohorts.models import Attendance, ModuleResult
from cohorts.services.training import TRAINING_DAY_EDITED, mark_key
from pathway import formtools
from pathway.concurrency import VersionedForm
from pathway.fields import NHSDateField
from pathway.formtools import nhsuk_helper


class TrainingDayForm(VersionedForm, forms.Form):
    versioned_fields = TRAINING_DAY_EDITED

    date = NHSDateField(
        label="Date of the training day",
        help_text="For example, 14 10 2026. Between the cohort's intake and its planned end.",
        error_messages={"required": "Enter the date of the training day"},
    )
    topic = forms.CharField(
        label="Topic",
        help_text="For example, Recognising the deteriorating patient: NEWS2 and escalation",
        max_length=200,
        error_messages={"required": "Enter the topic of the training day"},
    )
    location = forms.CharField(
        label="Location (optional)",
        help_text="For example, Clinical Skills Lab, Northfield General Infirmary",
        max_length=200,
        required=False,
    )
    duration_hours = forms.DecimalField(
        label="Length of the day in hours (optional)",
        help_text="The teaching time, 7.5 if you leave it empty. Apprentices who attend count "
        "it as off-the-job training.",
        required=False,
        min_value=Decimal("0.25"),
        max_value=Decimal("12"),
        max_digits=4,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "decimal"}),
        error_messages={
            "invalid": "The length must be a number of hours, like 7.5",
            "min_value": "The length must be 0.25 hours or more",
            "max_value": "The length must be 12 hours or fewer",
            "max_decimal_places": "The length can have up to 2 decimal places, like 7.25",
            "max_digits": "The length must be 12 hours or fewer",
            "max_whole_digits": "The length must be 12 hours or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The fields in order, with the hidden version when editing.
        self.helper = nhsuk_helper(*self.fields, submit="Save training day")


class DeleteTrainingDayForm(forms.Form):
    """The delete page's button; a refusal from the service shows as a non-field error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("delete", "Delete training day", css_class="warning"))


# The register ----------------------------------------------------------------------------

MARK_CHOICES = Attendance.Status.choices
MARK_EVERYONE = "mark_everyone"


class RegisterTable(LayoutObject):
    """The register as one NHS.UK table: a row per trainee, their name as the row header and
    their Present / Absent / Excused radios (the pack's radios, in a fieldset whose visually
    hidden legend is the trainee's name) in the next cell."""

    template = "cohorts/training_register_table.html"

    def __init__(self, *fields, caption: str):
        self.fields = list(fields)
        self.caption = caption

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        rows = []
        for name in self.fields:
            bound = form[name]
            rows.append({"field": bound, "enrolment": form.enrolments[name]})
            form.rendered_fields.add(name)
        return render_to_string(self.template, {"caption": self.caption, "rows": rows})


class AttendanceRegisterForm(forms.Form):
    """One required Present / Absent / Excused choice per trainee on the register, named
    ``mark_<enrolment id>`` and pre-filled with the mark already saved."""

    def __init__(self, *args, rows, caption: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = {}
        for enrolment in rows:
            name = mark_key(enrolment.pk)
            person = enrolment.trainee.full_name
            self.fields[name] = forms.ChoiceField(
                label=person,
                choices=MARK_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
                error_messages={
                    "required": f"Select whether {person} was present, absent or excused",
                    "invalid_choice": f"Select present, absent or excused for {person}",
                },
            )
            if getattr(enrolment, "mark", None):
                self.initial.setdefault(name, enrolment.mark)
            self.enrolments[name] = enrolment
        self.helper = FormHelper()
        self.helper.layout = Layout(
            HTML(
                '<p class="nhsuk-hint" id="mark-everyone-hint">Mark everyone present fills in '
                "Present for each trainee not marked yet and keeps the choices you have made. "
                "Nothing is saved until you select Save register.</p>"
            ),
            Submit(
                MARK_EVERYONE,
                "Mark everyone present",
                css_class="secondary",
                aria_describedby="mark-everyone-hint",
            ),
            RegisterTable(*self.enrolments, caption=caption),
        )
        self.helper.add_input(Submit("save", "Save register"))

    def marks(self) -> dict[int, str]:
        """The cleaned marks as {enrolment id: status}, for attendance_record."""
        return {
            enrolment.pk: self.cleaned_data[name] for name, enrolment in self.enrolments.items()
        }


def everyone_present(data, rows) -> dict[str, str]:
    """Initial values for the register after "Mark everyone present": each choice made in
    `data` is kept; every other trainee is marked present. Nothing is saved."""
    valid = set(Attendance.Status.values)
    initial = {}
    for enrolment in rows:
        name = mark_key(enrolment.pk)
        chosen = data.get(name)
        initial[name] = chosen if chosen in valid else Attendance.Status.PRESENT
    return initial


# Module results --------------------------------------------------------------------------


class ModuleChoiceField(formtools.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.credits} credits)" if obj.credits else obj.title


class ModuleResultForm(forms.Form):
    module = ModuleChoiceField(
        label="Module",
        queryset=None,
        empty_label="Choose a module",
        error_messages={"required": "Select the module"},
    )
    attempt = forms.IntegerField(
        label="Attempt",
        help_text="1 for the first attempt. A resit after a fail or referral is attempt 2.",
        min_value=1,
        max_value=9,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"}),
        error_messages={
            "required": "Enter the attempt number",
            "invalid": "The attempt must be a whole number, like 1 or 2",
            "min_value": "The attempt must be 1 or more",
            "max_value": "The attempt must be 9 or less",
        },
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ModuleResult.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    mark = forms.IntegerField(
        label="Mark (optional)",
        help_text="The percentage mark, from 0 to 100, if the university gave one",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
        error_messages={
            "invalid": "The mark must be a whole number from 0 to 100",
            "min_value": "The mark must be between 0 and 100",
            "max_value": "The mark must be between 0 and 100",
        },
    )
    date = NHSDateField(
        label="Date of the result",
        help_text="The date the university confirmed the result. Today or earlier.",
        error_messages={"required": "Enter the date of the result"},
    )

    def __init__(self, *args, modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules
        self.fields["date"].initial = timezone.localdate()
        self.helper = nhsuk_helper(
            "module", "attempt", "outcome", "mark", "date", submit="Save result"
        )
