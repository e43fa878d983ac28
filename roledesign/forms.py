"""Forms for job descriptions and role design, rendered with the NHS.UK crispy pack."""

from __future__ import annotations

from crispy_forms.layout import Fieldset
from django import forms

from competencies.models import Framework
from pathway.concurrency import VersionedForm
from pathway.fields import NHSDateField
from pathway.formtools import ModelChoiceField, ModelMultipleChoiceField, nhsuk_helper
from pathway.models import Band, ClinicalArea, User
from roledesign.models import CriterionCategory, DelegationDecision, Stage
from roledesign.services import TASK_FIELDS

_helper = nhsuk_helper


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


RISK_CHOICES = [(n, str(n)) for n in range(1, 6)]


# Job descriptions -------------------------------------------------------------------------------


def criterion_field_name(category: str, essential: bool) -> str:
    return f"{category}_{'essential' if essential else 'desirable'}"


CRITERION_FIELDS = [
    (criterion_field_name(category, essential), category, essential, label)
    for category, label in CriterionCategory.choices
    for essential in (True, False)
]


class JobDescriptionForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="For example, Assistant practitioner (critical care)",
        error_messages={"required": "Enter the job title"},
    )
    band = forms.ChoiceField(
        choices=[("", "Select a band"), *Band.choices],
        error_messages={"required": "Select the band"},
    )
    clinical_areas = ModelMultipleChoiceField(
        queryset=ClinicalArea.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        label="Clinical areas",
        error_messages={"required": "Select at least one clinical area"},
    )
    framework = ModelChoiceField(
        label="Competency framework",
        queryset=Framework.objects.filter(status=Framework.Status.PUBLISHED).order_by(
            "name", "-version"
        ),
        help_text="The competency section is taken from this framework. Only published "
        "frameworks can be used.",
        empty_label="Select a framework",
        error_messages={"required": "Select the competency framework"},
    )
    reports_to = forms.CharField(
        max_length=200,
        help_text="For example, Ward manager, critical care",
        error_messages={"required": "Enter who the role reports to"},
    )
    job_purpose = forms.CharField(
        widget=_textarea(), error_messages={"required": "Enter the job purpose"}
    )
    key_responsibilities = forms.CharField(
        widget=_textarea(8),
        help_text="One responsibility per line",
        error_messages={"required": "Enter at least one key responsibility"},
    )
    working_relationships = forms.CharField(widget=_textarea(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, _category, essential, label in CRITERION_FIELDS:
            self.fields[name] = forms.CharField(
                label=f"{label}: {'essential' if essential else 'desirable'} (optional)",
                widget=_textarea(3),
                required=False,
                help_text="One criterion per line",
            )
        self.helper = _helper(
            "title",
            "band",
            "clinical_areas",
            "framework",
            "reports_to",
            "job_purpose",
            "key_responsibilities",
            "working_relationships",
            Fieldset(
                "Person specification",
                *[name for name, *_ in CRITERION_FIELDS],
            ),
            submit="Save job description",
        )

    def clean(self):
        data = super().clean()
        criteria = []
        for name, category, essential, _label in CRITERION_FIELDS:
            for line in (data.get(name) or "").splitlines():
                line = line.strip()
                if len(line) > 500:
                    self.add_error(name, "Each criterion must be 500 characters or fewer")
                elif line:
                    criteria.append((category, essential, line))
        if not criteria and not any(n in self.errors for n, *_ in CRITERION_FIELDS):
            self.add_error(
                CRITERION_FIELDS[0][0], "Enter at least one essential or desirable criterion"
            )
        data["criteria"] = criteria
        return data

    @staticmethod
    def initial_for(jd) -> dict:
        initial = {
            "title": jd.title,
            "band": jd.band,
            "clinical_areas": list(jd.clinical_areas.all()),
            "framework": jd.framework_id,
            "reports_to": jd.reports_to,
            "job_purpose": jd.job_purpose,
            "key_responsibilities": jd.key_responsibilities,
            "working_relationships": jd.working_relationships,
        }
        for criterion in jd.criteria.all():
            name = criterion_field_name(criterion.category, criterion.essential)
            initial[name] = "\n".join(filter(None, [initial.get(name, ""), criterion.text]))
        return initial


class NewVersionForm(forms.Form):
    framework = ModelChoiceField(
        label="Framework version for the new draft",
        queryset=Framework.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the framework version"},
    )

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks
        self.helper = _helper("framework", submit="Make a new draft version")


# Role design ------------------------------------------------------------------------------------


class ProjectForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        help_text="For example, Assistant practitioner, critical care",
        error_messages={"required": "Enter a name for the project"},
    )
    clinical_area = ModelChoiceField(
        queryset=ClinicalArea.objects.order_by("name"),
        empty_label="Select a clinical area",
        error_messages={"required": "Select the clinical area"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("name", "clinical_area", submit="Create project")


class StageForm(forms.Form):
    # "Cannot start yet" is worked out from the earlier stages, never chosen.
    status = forms.ChoiceField(
        choices=[c for c in Stage.Status.choices if c[0] != Stage.Status.CANNOT_START],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the stage's status"},
    )
    owner = ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("full_name"),
        required=False,
        label="Owner (optional)",
        empty_label="No owner",
    )
    start_date = NHSDateField(label="Start date (optional)", required=False)
    end_date = NHSDateField(label="End date (optional)", required=False)
    notes = forms.CharField(widget=_textarea(), required=False, label="Notes (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "status", "owner", "start_date", "end_date", "notes", submit="Save stage"
        )


class TaskForm(VersionedForm, forms.Form):
    """Adds a task, or (given `versioned=task`) changes one: then a save made from a page drawn
    before someone else's save is refused with their change shown."""

    versioned_fields = TASK_FIELDS

    name = forms.CharField(
        label="Task", max_length=200, error_messages={"required": "Enter the task's name"}
    )
    description = forms.CharField(
        widget=_textarea(), required=False, label="Description (optional)"
    )
    done_by_now = forms.CharField(
        max_length=200, required=False, label="Who does it now (optional)"
    )
    frequency = forms.CharField(max_length=200, required=False, label="How often (optional)")
    patients = forms.CharField(max_length=200, required=False, label="Which patients (optional)")
    decision = forms.ChoiceField(
        label="Delegation decision",
        choices=DelegationDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the delegation decision"},
    )
    conditions = forms.CharField(
        widget=_textarea(3),
        required=False,
        help_text="Needed when the task is suitable with conditions",
    )
    likelihood = forms.TypedChoiceField(
        label="Likelihood of harm",
        choices=RISK_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
        help_text="From 1 (rare) to 5 (almost certain)",
        error_messages={"required": "Select the likelihood of harm"},
    )
    impact = forms.TypedChoiceField(
        label="Impact of harm",
        choices=RISK_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
        help_text="From 1 (negligible) to 5 (catastrophic)",
        error_messages={"required": "Select the impact of harm"},
    )
    training_needed = forms.CharField(
        widget=_textarea(3), required=False, label="Training needed (optional)"
    )
    notes = forms.CharField(widget=_textarea(3), required=False, label="Notes (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(*self.fields, submit="Save task")

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == DelegationDecision.WITH_CONDITIONS
            and not (data.get("conditions") or "").strip()
        ):
            self.add_error("conditions", "Enter the conditions for delegating this task")
        return data


class DomainChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.framework} – {obj.title}"


class MakeCompetencyForm(forms.Form):
    domain = DomainChoiceField(
        queryset=None,
        label="Draft framework and domain",
        empty_label="Select a domain",
        help_text="Only draft frameworks can take a new competency",
        error_messages={"required": "Select the framework and domain"},
    )
    code = forms.CharField(
        label="ID number",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
        error_messages={"required": "Enter an ID number"},
    )
    title = forms.CharField(max_length=255, error_messages={"required": "Enter a title"})
    description = forms.CharField(widget=_textarea(), required=False)

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = domains
        self.helper = _helper("domain", "code", "title", "description", submit="Make competency")


class TaskImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV or Excel (.xlsx) file",
        help_text="With the columns described above: the template has them all",
        error_messages={"required": "Select a CSV or Excel file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("file", submit="Import tasks")
        self.helper.form_enctype = "multipart/form-data"


class WardQuestionForm(forms.Form):
    """The ward's question, "who can do this now?": a competency someone on the ward is
    training for or holds, or a task from the ward's role design. Always a GET, so the answer
    can be bookmarked and printed."""

    competency = forms.ChoiceField(
        label="Competency or task",
        help_text="The competencies people on this ward train for, then the role design's tasks",
        error_messages={
            "required": "Select a competency or task",
            "invalid_choice": "Select a competency or task from the list",
        },
    )

    def __init__(self, data=None, *, choices=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["competency"].choices = [("", "Select a competency or task"), *choices]
        self.helper = nhsuk_helper("competency", submit="Show who can do it")
        self.helper.form_method = "get"
        self.helper.form_id = "ward-question"
