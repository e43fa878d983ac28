"""Forms for recruitment, rendered with the NHS.UK crispy pack."""

from __future__ import annotations

from crispy_forms.layout import Fieldset
from django import forms

from pathway.fields import NHSDateField
from pathway.formtools import ModelChoiceField, nhsuk_helper
from pathway.models import Band, ClinicalArea, RoleCode, User
from recruitment.models import Interview

YES_NO = [("yes", "Yes"), ("no", "No")]


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class RoundForm(forms.Form):
    opens_on = NHSDateField(
        label="Applications open", error_messages={"required": "Enter the opening date"}
    )
    closes_on = NHSDateField(
        label="Closing date", error_messages={"required": "Enter the closing date"}
    )
    places = forms.IntegerField(
        label="Places (optional)",
        required=False,
        min_value=1,
        max_value=999,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
    )
    description = forms.CharField(
        label="About this intake (optional)",
        widget=_textarea(),
        required=False,
        max_length=5000,
        help_text="Shown to applicants: who can apply, what the course involves",
    )
    essential_criteria = forms.CharField(
        label="Essential criteria",
        widget=_textarea(5),
        max_length=10000,
        help_text="One criterion per line. Applicants are shortlisted against these.",
        error_messages={"required": "Enter at least one essential criterion"},
    )
    desirable_criteria = forms.CharField(
        label="Desirable criteria (optional)",
        widget=_textarea(4),
        max_length=10000,
        required=False,
        help_text="One criterion per line",
    )

    def __init__(self, *args, submit="Open for applications", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(
            "opens_on",
            "closes_on",
            "places",
            "description",
            Fieldset("Selection criteria", "essential_criteria", "desirable_criteria"),
            submit=submit,
        )

    def clean(self):
        data = super().clean()
        criteria = [(line, True) for line in _lines(data.get("essential_criteria"))]
        criteria += [(line, False) for line in _lines(data.get("desirable_criteria"))]
        for name in ("essential_criteria", "desirable_criteria"):
            if any(len(line) > 500 for line in _lines(data.get(name))):
                self.add_error(name, "Each criterion must be 500 characters or fewer")
        if "essential_criteria" in data and not _lines(data.get("essential_criteria")):
            self.add_error("essential_criteria", "Enter at least one essential criterion")
        data["criteria"] = criteria
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        return data

    @staticmethod
    def initial_for(recruitment) -> dict:
        criteria = list(recruitment.criteria.all())
        return {
            "opens_on": recruitment.opens_on,
            "closes_on": recruitment.closes_on,
            "places": recruitment.places,
            "description": recruitment.description,
            "essential_criteria": "\n".join(c.text for c in criteria if c.essential),
            "desirable_criteria": "\n".join(c.text for c in criteria if not c.essential),
        }

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("opens_on", "closes_on", "places", "description", "criteria")
        }


class PersonChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name}, {obj.job_title}" if obj.job_title else obj.full_name


class ApplicationForm(forms.Form):
    """The applicant's details, their manager and their statement. The lead nurse's version
    (`on_behalf=True`) also asks who is applying."""

    applicant = PersonChoiceField(
        queryset=User.objects.none(),
        empty_label="Select the applicant",
        help_text="Band 3 staff only",
        error_messages={"required": "Select who is applying"},
    )
    job_title = forms.CharField(
        label="Job title",
        max_length=150,
        help_text="For example, Healthcare assistant",
        error_messages={"required": "Enter the job title"},
    )
    clinical_area = ModelChoiceField(
        label="Where you work now",
        queryset=ClinicalArea.objects.order_by("name"),
        empty_label="Select a clinical area",
        error_messages={"required": "Select where you work now"},
    )
    employee_number = forms.CharField(
        label="Employee number (optional)",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    phone = forms.CharField(
        label="Telephone (optional)",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20", "type": "tel"}),
    )
    manager = PersonChoiceField(
        label="Your line manager",
        queryset=User.objects.none(),
        empty_label="Select your manager",
        help_text="They will be asked to confirm their support in Pathway",
        error_messages={"required": "Select your line manager"},
    )
    statement = forms.CharField(
        label="Supporting statement",
        widget=_textarea(10),
        max_length=10000,
        help_text="Why you want to become an assistant practitioner, and the experience "
        "you bring. Address the selection criteria.",
        error_messages={"required": "Enter your supporting statement"},
    )

    def __init__(self, *args, on_behalf=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = (
            User.objects.filter(is_active=True, roles__code=RoleCode.MANAGER)
            .distinct()
            .order_by("full_name")
        )
        fields = ["job_title", "clinical_area", "employee_number", "phone", "manager", "statement"]
        if on_behalf:
            self.fields["applicant"].queryset = User.objects.filter(
                is_active=True, band=Band.BAND_3
            ).order_by("full_name")
            self.fields["manager"].label = "Their line manager"
            self.fields["clinical_area"].label = "Where they work now"
            fields.insert(0, "applicant")
        else:
            del self.fields["applicant"]
        self.helper = nhsuk_helper(*fields, submit="Send application")

    @staticmethod
    def initial_for(person) -> dict:
        return {
            "job_title": person.job_title,
            "clinical_area": person.clinical_area_id,
            "employee_number": person.employee_number,
        }


class SupportForm(forms.Form):
    supports = forms.ChoiceField(
        label="Do you support this application?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you support this application"},
    )
    comment = forms.CharField(
        label="Comment",
        widget=_textarea(),
        required=False,
        max_length=5000,
        help_text="Needed if you do not support the application. The applicant and the lead "
        "nurse will see it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("supports", "comment", submit="Send your answer")

    def clean(self):
        data = super().clean()
        if data.get("supports") == "no" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say why you cannot support this application")
        return data


class ShortlistForm(forms.Form):
    """One met / not met question and notes per selection criterion, then the decision."""

    decision = forms.ChoiceField(
        label="Shortlist for interview?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes to shortlist the applicant"},
    )
    notes = forms.CharField(
        label="Notes (optional)", widget=_textarea(3), required=False, max_length=5000
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        layout = []
        for index, criterion in enumerate(self.criteria, start=1):
            kind = "Essential" if criterion.essential else "Desirable"
            self.fields[f"met_{criterion.pk}"] = forms.ChoiceField(
                label=f"{kind} criterion {index}: {criterion.text}",
                choices=[("yes", "Met"), ("no", "Not met")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Say whether criterion {index} is met"},
            )
            self.fields[f"notes_{criterion.pk}"] = forms.CharField(
                label=f"Notes on criterion {index} (optional)",
                widget=_textarea(2),
                required=False,
                max_length=5000,
            )
            layout += [f"met_{criterion.pk}", f"notes_{criterion.pk}"]
        self.helper = nhsuk_helper(*layout, "decision", "notes", submit="Save shortlisting")

    def clean(self):
        data = super().clean()
        data["assessments"] = {
            c.pk: (data.get(f"met_{c.pk}") == "yes", data.get(f"notes_{c.pk}") or "")
            for c in self.criteria
            if data.get(f"met_{c.pk}")
        }
        return data


class InterviewForm(forms.Form):
    held_on = NHSDateField(
        label="Date of the interview", error_messages={"required": "Enter the date"}
    )
    panel = forms.CharField(
        label="Panel",
        max_length=300,
        help_text="The names and roles of the panel members",
        error_messages={"required": "Enter who sat on the panel"},
    )
    score = forms.IntegerField(
        label="Score out of 100 (optional)",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )
    outcome = forms.ChoiceField(
        choices=Interview.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    notes = forms.CharField(
        label="Notes (optional)", widget=_textarea(), required=False, max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(
            "held_on", "panel", "score", "outcome", "notes", submit="Save interview"
        )


class NotesForm(forms.Form):
    """A confirmation with an optional note: make an offer, withdraw."""

    notes = forms.CharField(
        label="Notes (optional)", widget=_textarea(3), required=False, max_length=5000
    )

    def __init__(self, *args, submit: str, label: str = "Notes (optional)", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].label = label
        self.helper = nhsuk_helper("notes", submit=submit)


class RespondForm(forms.Form):
    accept = forms.ChoiceField(
        label="Do you accept the offer of a place?",
        choices=[("yes", "Yes, I accept"), ("no", "No, I decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you accept the offer"},
    )
    comment = forms.CharField(
        label="Comment (optional)", widget=_textarea(3), required=False, max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("accept", "comment", submit="Send your answer")


class EnrolForm(forms.Form):
    clinical_area = ModelChoiceField(
        label="Clinical area they will train in",
        queryset=ClinicalArea.objects.none(),
        empty_label="Select a clinical area",
        error_messages={"required": "Select the clinical area"},
    )
    start_date = NHSDateField(
        label="Start date (optional)",
        required=False,
        help_text="Leave blank to start on the cohort's intake date",
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        areas = cohort.clinical_areas.order_by("name")
        self.fields["clinical_area"].queryset = (
            areas if areas.exists() else ClinicalArea.objects.order_by("name")
        )
        self.helper = nhsuk_helper("clinical_area", "start_date", submit="Enrol on the cohort")
