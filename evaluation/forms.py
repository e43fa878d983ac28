"""Forms for building, issuing and answering questionnaires (NHS.UK crispy pack)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.html import escape

from evaluation.models import Audience, QuestionKind
from evaluation.services import MAX_TEXT_ANSWER
from pathway.fields import NHSDateField
from pathway.formtools import ModelChoiceField, nhsuk_helper

YES_NO = [("yes", "Yes"), ("no", "No")]


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


class QuestionnaireForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="For example, End of programme evaluation",
        error_messages={"required": "Enter a title"},
    )
    description = forms.CharField(
        label="Introduction (optional)",
        help_text="Shown to people before they answer",
        widget=_textarea(),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, submit="Save questionnaire", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("title", "description", submit=submit)


class CopyForm(forms.Form):
    title = forms.CharField(
        label="Title of the copy",
        max_length=200,
        error_messages={"required": "Enter a title for the copy"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("title", submit="Copy questionnaire")


class SectionForm(forms.Form):
    title = forms.CharField(
        label="Section title", max_length=200, error_messages={"required": "Enter a title"}
    )
    description = forms.CharField(
        label="Introduction to the section (optional)",
        widget=_textarea(3),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("title", "description", submit="Save section")


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question", max_length=500, error_messages={"required": "Enter the question"}
    )
    hint = forms.CharField(
        label="Hint (optional)",
        max_length=500,
        required=False,
        help_text="Help for answering, shown under the question",
    )
    kind = forms.ChoiceField(
        label="Type of answer",
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of answer"},
    )
    options = forms.CharField(
        label="Choices",
        widget=_textarea(6),
        required=False,
        max_length=10000,
        help_text=(
            "One per line. For one or several choices, at least 2. For an agreement scale, "
            "leave empty for Strongly disagree to Strongly agree, or give 5 labels from 1 to 5."
        ),
    )
    required = forms.ChoiceField(
        label="Must people answer it?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if people must answer this question"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(
            "text", "hint", "kind", "options", "required", submit="Save question"
        )

    @staticmethod
    def initial_for(question) -> dict:
        labels = [o.label for o in question.options.all()]
        return {
            "text": question.text,
            "hint": question.hint,
            "kind": question.kind,
            "options": "\n".join(labels),
            "required": "yes" if question.required else "no",
        }

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "hint": data["hint"],
            "kind": data["kind"],
            "required": data["required"] == "yes",
            "options": (data.get("options") or "").splitlines(),
        }


class IssueForm(forms.Form):
    cohort = ModelChoiceField(
        queryset=None,
        empty_label="Select a cohort",
        error_messages={"required": "Select the cohort"},
    )
    audience = forms.ChoiceField(
        label="Who should answer?",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        help_text="Mentors are those allocated to the cohort's trainees today",
        error_messages={"required": "Select who should answer"},
    )
    opens_on = NHSDateField(label="Opening date", help_text="For example, 15 3 2026")
    closes_on = NHSDateField(
        label="Closing date",
        help_text="The last day answers are accepted. For example, 31 3 2026",
    )
    anonymous = forms.ChoiceField(
        label="Should answers be anonymous?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=(
            "Anonymous answers cannot be traced to anyone, not even by an administrator. "
            "Results are then shown only after closing and when at least 3 people answered."
        ),
        error_messages={"required": "Select yes if answers should be anonymous"},
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.helper = nhsuk_helper(
            "cohort", "audience", "opens_on", "closes_on", "anonymous", submit="Issue questionnaire"
        )

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on", "The closing date must be the same as or after the opening date"
            )
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["anonymous"] = data["anonymous"] == "yes"
        return data


class SectionAnswerForm(forms.Form):
    """One section's questions, as the NHS.UK question pattern: each question a fieldset (or a
    labelled text area) with its hint. Required answers are checked only on "Save and continue";
    "Save and finish later" keeps whatever was answered."""

    def __init__(self, *args, questions, strict: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        names = []
        for question in self.questions:
            label = question.text if question.required else f"{question.text} (optional)"
            required = strict and question.required
            options = [(str(o.value), o.label) for o in question.options.all()]
            messages = {
                "required": (
                    f"Enter your answer to: {question.text}"
                    if question.kind == QuestionKind.TEXT
                    else f"Select your answer to: {question.text}"
                ),
                "invalid_choice": "Select one of the choices given",
            }
            if question.kind == QuestionKind.TEXT:
                field = forms.CharField(widget=_textarea(5), max_length=MAX_TEXT_ANSWER, strip=True)
            elif question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=options, widget=forms.CheckboxSelectMultiple
                )
                messages["invalid_choice"] = "Select only the choices given"
                if question.required:
                    label = f"{question.text} Select all that apply."
            else:
                if question.kind == QuestionKind.LIKERT:
                    options = [(value, f"{value}: {text}") for value, text in options]
                field = forms.ChoiceField(choices=options, widget=forms.RadioSelect)
            field.label = label
            # The lead nurse's words, shown as text: Django's own form templates put help_text
            # in the page as HTML, so it is escaped here rather than trusting every renderer.
            field.help_text = escape(question.hint)
            field.required = required
            field.error_messages.update(messages)
            self.fields[question.field_name] = field
            names.append(question.field_name)
        # The page draws the form tag and its two buttons (continue; finish later).
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*names)

    def answers(self) -> dict:
        """question id -> value, for every question of the section (empty means unanswered)."""
        return {q.pk: self.cleaned_data.get(q.field_name) for q in self.questions}

    @staticmethod
    def initial_from(questions, stored: dict) -> dict:
        return {q.field_name: stored[str(q.pk)] for q in questions if str(q.pk) in stored}
