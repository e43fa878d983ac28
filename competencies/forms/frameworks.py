"""Forms for the framework editor, drawn with the crispy ``nhsuk`` template pack.

The forms check what a person typed and turn it into the values the services take; the services
(competencies/services/frameworks.py) still enforce every rule, and the views add their errors
to the form.
"""

from __future__ import annotations

from crispy_forms.layout import Fieldset
from django import forms

from competencies.models import (
    ApprenticeshipStandard,
    AssessmentMethod,
    Competency,
    Domain,
    Framework,
    Ksb,
    KsbKind,
)
from competencies.selectors import frameworks as selectors
from competencies.services.frameworks import COMPETENCY_EDITED, DOMAIN_EDITED, FRAMEWORK_EDITED
from pathway import formtools
from pathway.concurrency import VersionedForm
from pathway.formtools import nhsuk_helper

CORE = "core"
SPECIFIC = "specific"

DUPLICATE_ID = "ID number must be unique in this framework"

# Each kind of KSB and the competency form's field for it.
KSB_FIELDS = {
    KsbKind.KNOWLEDGE: "ksbs_knowledge",
    KsbKind.SKILL: "ksbs_skill",
    KsbKind.BEHAVIOUR: "ksbs_behaviour",
}


def _whole_number_widget(width: int = 3) -> forms.TextInput:
    # NHS.UK: numbers are typed into a text input with a numeric keyboard, never type=number.
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "spellcheck": "false",
            "class": f"nhsuk-input--width-{width}",
        }
    )


def _too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit} characters or fewer"


# Frameworks ---------------------------------------------------------------------------------


class FrameworkForm(forms.Form):
    """Create a framework: name, ID number and description."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, Assistant practitioner: critical care",
        error_messages={"required": "Enter a name", "max_length": _too_long("Name", 200)},
    )
    code = forms.SlugField(
        label="ID number",
        max_length=100,
        help_text=(
            "A short reference that stays the same across versions, for example "
            "ap-critical-care. Use letters, numbers and hyphens only."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "nhsuk-input--width-20"}),
        error_messages={
            "required": "Enter an ID number",
            "invalid": "ID number must only include letters, numbers, hyphens and underscores",
            "max_length": _too_long("ID number", 100),
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("name", "code", "description", submit="Save framework")

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if selectors.framework_code_in_use(code):
            raise forms.ValidationError("A framework with this ID number already exists")
        return code


class FrameworkEditForm(VersionedForm, FrameworkForm):
    """Change a draft's name, description and apprenticeship standard. The ID number stays: it
    links the versions. It carries the version of the framework it was drawn from
    (pathway/concurrency.py)."""

    versioned_fields = FRAMEWORK_EDITED

    standard = formtools.ModelChoiceField(
        label="Apprenticeship standard (optional)",
        required=False,
        queryset=ApprenticeshipStandard.objects.none(),
        empty_label="None",
        help_text=(
            "The standard whose knowledge, skills and behaviours (KSBs) the competencies "
            "evidence. Changing it removes the competencies' links to the old standard's KSBs."
        ),
        error_messages={"invalid_choice": "Select a standard from the list"},
    )

    def __init__(self, *args, framework: Framework, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": framework.name,
                "description": framework.description,
                "standard": framework.standard_id,
            },
        )
        super().__init__(*args, versioned=framework, **kwargs)
        del self.fields["code"]
        self.fields["standard"].queryset = selectors.apprenticeship_standards()
        self.helper = nhsuk_helper(
            "name", "description", "standard", "version", submit="Save framework"
        )


# Domains ------------------------------------------------------------------------------------


class DomainForm(VersionedForm, forms.Form):
    """Add a domain, or change one (then carrying the version it was drawn from)."""

    versioned_fields = DOMAIN_EDITED

    code = forms.CharField(
        label="ID number",
        max_length=100,
        help_text="For example, D1 or COMM",
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "nhsuk-input--width-10"}),
        error_messages={
            "required": "Enter an ID number",
            "max_length": _too_long("ID number", 100),
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Communication",
        error_messages={"required": "Enter a title", "max_length": _too_long("Title", 200)},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, framework: Framework, domain: Domain | None = None, **kwargs):
        self.framework = framework
        self.domain = domain
        if domain is not None:
            kwargs.setdefault(
                "initial",
                {"code": domain.code, "title": domain.title, "description": domain.description},
            )
        super().__init__(*args, versioned=domain, **kwargs)
        self.helper = nhsuk_helper(
            "code",
            "title",
            "description",
            *(["version"] if domain is not None else []),
            submit="Save domain" if domain is not None else "Add domain",
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        exclude = self.domain.pk if self.domain is not None else None
        if selectors.domain_code_in_use(self.framework, code, exclude_pk=exclude):
            raise forms.ValidationError(DUPLICATE_ID)
        return code

    def clean_title(self):
        return self.cleaned_data["title"].strip()


# Competencies -------------------------------------------------------------------------------


class CompetencyForm(VersionedForm, forms.Form):
    """Add a competency, or change one (then carrying the version it was drawn from)."""

    versioned_fields = COMPETENCY_EDITED

    code = forms.CharField(
        label="ID number",
        max_length=100,
        help_text="For example, COMM-01",
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "nhsuk-input--width-10"}),
        error_messages={
            "required": "Enter an ID number",
            "max_length": _too_long("ID number", 100),
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=255,
        help_text="What the trainee can do, for example Record a 12-lead ECG",
        error_messages={"required": "Enter a title", "max_length": _too_long("Title", 255)},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    performance_criteria = forms.CharField(
        label="Performance criteria (optional)",
        required=False,
        help_text="What the assessor looks for. Write each criterion on a new line.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    underpinning_knowledge = forms.CharField(
        label="Underpinning knowledge (optional)",
        required=False,
        help_text="What the trainee needs to know to do this safely",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    applies_to = forms.ChoiceField(
        label="Who does this apply to?",
        choices=[
            (CORE, "Core: every trainee"),
            (SPECIFIC, "Specific to clinical areas"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who this competency applies to"},
    )
    clinical_areas = formtools.ModelMultipleChoiceField(
        label="Clinical areas",
        required=False,
        queryset=selectors.clinical_areas(),
        widget=forms.CheckboxSelectMultiple,
        help_text="For a specific competency: select all the areas it applies to",
        error_messages={"invalid_choice": "Select clinical areas from the list"},
    )
    assessment_methods = forms.MultipleChoiceField(
        label="How can it be assessed?",
        choices=AssessmentMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all the assessment methods allowed",
        error_messages={
            "required": "Select at least one assessment method",
            "invalid_choice": "Select assessment methods from the list",
        },
    )
    supervised_practices_required = forms.IntegerField(
        label="Supervised practices required before assessment",
        min_value=0,
        max_value=50,
        initial=0,
        help_text="A whole number from 0 to 50",
        widget=_whole_number_widget(2),
        error_messages={
            "required": "Enter the number of supervised practices required",
            "invalid": "Supervised practices must be a whole number, like 3",
            "min_value": "Supervised practices must be 0 or more",
            "max_value": "Supervised practices must be 50 or fewer",
        },
    )
    reassessment_months = forms.IntegerField(
        label="Reassessment interval in months (optional)",
        required=False,
        min_value=1,
        max_value=120,
        help_text="A whole number from 1 to 120. Leave blank if it never needs reassessing.",
        widget=_whole_number_widget(3),
        error_messages={
            "invalid": "Reassessment interval must be a whole number of months, like 12",
            "min_value": "Reassessment interval must be 1 month or more",
            "max_value": "Reassessment interval must be 120 months or fewer",
        },
    )
    # The standard's KSBs in three groups, one checkbox list each: knowledge, skills, behaviours.
    ksbs_knowledge = formtools.ModelMultipleChoiceField(
        label="Knowledge this evidences (optional)",
        required=False,
        queryset=Ksb.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="From the apprenticeship standard. Select all that apply.",
        error_messages={"invalid_choice": "Select KSBs from the list"},
    )
    ksbs_skill = formtools.ModelMultipleChoiceField(
        label="Skills this evidences (optional)",
        required=False,
        queryset=Ksb.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select KSBs from the list"},
    )
    ksbs_behaviour = formtools.ModelMultipleChoiceField(
        label="Behaviours this evidences (optional)",
        required=False,
        queryset=Ksb.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select KSBs from the list"},
    )
    domain = formtools.ModelChoiceField(
        label="Domain",
        queryset=Domain.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Select a domain",
            "invalid_choice": "Select a domain from the list",
        },
    )

    def __init__(
        self,
        *args,
        framework: Framework,
        competency: Competency | None = None,
        **kwargs,
    ):
        self.framework = framework
        self.competency = competency
        if competency is not None:
            kwargs.setdefault("initial", self.initial_for(competency))
        super().__init__(*args, versioned=competency, **kwargs)
        if competency is None:
            del self.fields["domain"]
        else:
            self.fields["domain"].queryset = selectors.domains_of(framework)
        # KSBs only when the framework names an apprenticeship standard, and only the kinds
        # it has.
        kinds = selectors.ksb_kinds_of_standard(framework.standard_id)
        for kind, name in KSB_FIELDS.items():
            if kind not in kinds:
                del self.fields[name]
                continue
            field = self.fields[name]
            field.queryset = selectors.ksbs_of_standard(framework.standard_id).filter(kind=kind)
            field.label_from_instance = lambda ksb: f"{ksb.code}: {ksb.text}"
        self.helper = nhsuk_helper(
            Fieldset(
                "About the competency",
                "code",
                "title",
                "description",
                "performance_criteria",
                "underpinning_knowledge",
            ),
            "applies_to",
            "clinical_areas",
            *[name for name in KSB_FIELDS.values() if name in self.fields],
            "assessment_methods",
            Fieldset(
                "Assessment",
                "supervised_practices_required",
                "reassessment_months",
            ),
            *(["domain", "version"] if competency is not None else []),
            submit="Save competency" if competency is not None else "Add competency",
        )

    @staticmethod
    def initial_for(competency: Competency) -> dict:
        return {
            "code": competency.code,
            "title": competency.title,
            "description": competency.description,
            "performance_criteria": "\n".join(competency.performance_criteria or []),
            "underpinning_knowledge": competency.underpinning_knowledge,
            "applies_to": CORE if competency.is_core else SPECIFIC,
            "clinical_areas": [area.pk for area in competency.clinical_areas.all()],
            "assessment_methods": list(competency.assessment_methods or []),
            "supervised_practices_required": competency.supervised_practices_required,
            "reassessment_months": competency.reassessment_months,
            "domain": competency.domain_id,
            **{
                name: [ksb.pk for ksb in competency.ksbs.all() if ksb.kind == kind]
                for kind, name in KSB_FIELDS.items()
            },
        }

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        exclude = self.competency.pk if self.competency is not None else None
        if selectors.competency_code_in_use(self.framework, code, exclude_pk=exclude):
            raise forms.ValidationError(DUPLICATE_ID)
        return code

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_performance_criteria(self) -> list[str]:
        text = self.cleaned_data.get("performance_criteria") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        # Only when the areas themselves were valid: a bad choice already has its error.
        if (
            cleaned.get("applies_to") == SPECIFIC
            and not cleaned.get("clinical_areas")
            and "clinical_areas" not in self.errors
        ):
            self.add_error("clinical_areas", "Select the clinical areas this competency applies to")
        return cleaned

    def service_arguments(self) -> dict:
        """What competency_create / competency_update take, from the cleaned data."""
        data = self.cleaned_data
        is_core = data["applies_to"] == CORE
        arguments = {
            "code": data["code"],
            "title": data["title"],
            "description": data["description"],
            "performance_criteria": data["performance_criteria"],
            "underpinning_knowledge": data["underpinning_knowledge"],
            "is_core": is_core,
            "assessment_methods": list(data["assessment_methods"]),
            "supervised_practices_required": data["supervised_practices_required"],
            "reassessment_months": data["reassessment_months"],
            "clinical_areas": [] if is_core else list(data["clinical_areas"]),
        }
        if "domain" in self.fields:
            arguments["domain"] = data["domain"]
        if self.framework.standard_id is not None:
            arguments["ksbs"] = [
                ksb
                for name in KSB_FIELDS.values()
                if name in self.fields
                for ksb in data.get(name) or []
            ]
        if "version" in self.fields:
            arguments["version"] = data["version"]
        return arguments
