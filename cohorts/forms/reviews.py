"""The progress review form, with a few rows for agreed actions (a formset inside the form)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.template.loader import render_to_string

from cohorts.models import Review
from pathway.fields import NHSDateField

ACTION_ROWS = 3


class _ActionDueDateField(NHSDateField):
    """The NHS.UK date input whose messages name the action: "The due date for action 2 must
    include a month"."""

    def __init__(self, *args, number: int, **kwargs):
        self.number = number
        super().__init__(*args, **kwargs)

    def _label_for_messages(self) -> str:
        return f"due date for action {self.number}"


class ActionForm(forms.Form):
    """One agreed action. A row left completely empty is ignored; a partly filled one is an
    error naming what is missing."""

    def __init__(self, *args, number: int, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self._owners = {str(user.pk): user for user, _ in owners}
        self.fields["description"] = forms.CharField(
            label="What needs to be done",
            max_length=500,
            error_messages={
                "required": f"Enter what needs to be done for action {number}",
                "max_length": f"The description of action {number} must be 500 characters or fewer",
            },
        )
        self.fields["owner"] = forms.ChoiceField(
            label="Who will do it",
            choices=[("", "Select a person")]
            + [(str(user.pk), f"{user.full_name} ({relation})") for user, relation in owners],
            error_messages={
                "required": f"Select who will do action {number}",
                "invalid_choice": f"Select who will do action {number} from the list",
            },
        )
        self.fields["due_date"] = _ActionDueDateField(
            label="Due date",
            number=number,
            help_text="For example, 27 3 2026",
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(f"Action {number}", "description", "owner", "due_date")
        )

    def clean_owner(self):
        return self._owners[self.cleaned_data["owner"]]


class BaseActionFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["number"] = (index or 0) + 1
        return kwargs


ActionFormSet = forms.formset_factory(
    ActionForm,
    formset=BaseActionFormSet,
    extra=ACTION_ROWS,
    max_num=ACTION_ROWS,
    absolute_max=ACTION_ROWS,
)


class ActionRows:
    """Crispy layout object: draws the form's action rows (its `actions` formset) in place."""

    template = "cohorts/review_action_rows.html"

    def __init__(self, attribute: str = "actions", legend: str = "Agreed actions"):
        self.attribute = attribute
        self.legend = legend

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return render_to_string(
            self.template, {"formset": getattr(form, self.attribute), "legend": self.legend}
        )


class ReviewForm(forms.Form):
    held_on = NHSDateField(
        label="Date of the review",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the review"},
    )
    progress_summary = forms.CharField(
        label="Progress since the last review",
        help_text="Competencies achieved, modules, training days and how practice is going",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": "Enter the progress since the last review"},
    )
    concerns = forms.CharField(
        label="Concerns (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        required=False,
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=[
            (Review.Rag.GREEN, "Green: on track"),
            (Review.Rag.AMBER, "Amber: at risk of falling behind"),
            (Review.Rag.RED, "Red: behind, needs support to catch up"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a RAG rating"},
    )
    rag_reason = forms.CharField(
        label="Reason for the rating",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Enter the reason for the rating"},
    )

    def __init__(self, data=None, *args, owners, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.actions = ActionFormSet(data, prefix="actions", form_kwargs={"owners": owners})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "held_on",
            "progress_summary",
            "concerns",
            "rag",
            "rag_reason",
            ActionRows(),
            Submit("submit", "Save review"),
        )

    def clean(self):
        cleaned = super().clean()
        held_on = cleaned.get("held_on")
        if self.actions.is_valid() and held_on:
            for action in self.actions.forms:
                due_date = action.cleaned_data.get("due_date")
                if due_date and due_date < held_on:
                    action.add_error(
                        "due_date",
                        f"The due date for action {action.number} must be the same as or after "
                        "the date of the review",
                    )
        return cleaned

    def is_valid(self) -> bool:
        form_ok = super().is_valid()  # validates the action rows too (see clean)
        return self.actions.is_valid() and form_ok

    @property
    def has_errors(self) -> bool:
        """Errors on the form or any action row (for the page title's "Error: ")."""
        if not self.is_bound:
            return False
        return bool(self.errors) or self.actions.total_error_count() > 0

    def cleaned_actions(self) -> list[dict]:
        """The filled-in action rows, in order; empty rows are left out."""
        return [
            {
                "description": action.cleaned_data["description"],
                "owner": action.cleaned_data["owner"],
                "due_date": action.cleaned_data["due_date"],
            }
            for action in self.actions.forms
            if action.cleaned_data
        ]

    def review_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("held_on", "progress_summary", "concerns", "rag", "rag_reason")
        }
