"""Small shared pieces for every app's forms and form views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

# A page with a form answers GET (the form) and POST (its submission), nothing else.
get_or_post = require_http_methods(["GET", "POST"])


def posted_data(request):
    """The submitted data on a POST (even an empty one), None on a GET: the form is unbound."""
    return request.POST if request.method == "POST" else None


def nhsuk_helper(*fields, submit: str, css_class: str = "", form_tag: bool = True) -> FormHelper:
    """A crispy helper laying out `fields` and one submit button, for the `nhsuk` pack."""
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.layout = Layout(*fields, Submit("submit", submit, css_class=css_class))
    return helper


class Markup:
    """A crispy layout object drawing HTML built in Python (with format_html) as it is.

    Use it instead of crispy's HTML() for anything with data in it: HTML() runs its text as a
    Django template, so a name containing {{ ... }} or {% ... %} would be run as template code
    (format_html escapes < and &, not braces). Anything not already safe is escaped."""

    def __init__(self, html: SafeString | str):
        self.html = conditional_escape(html)

    def render(self, form, context, template_pack=None, **kwargs) -> SafeString:
        return self.html


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when it names one (or the
    field the form shows it on: `service_error_fields`, e.g. a service's "signature" on the
    password box), else above the form, so the error summary lists it. A stale edit (someone
    else saved first) is shown with their changes, by a versioned form."""
    if hasattr(error, "changes") and hasattr(form, "show_stale"):
        form.show_stale(error)
        return
    if hasattr(error, "error_dict"):
        aliases = getattr(form, "service_error_fields", {})
        for name, problems in error.message_dict.items():
            name = aliases.get(name, name)
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)


@dataclass(frozen=True)
class Done:
    """A form was submitted and its service accepted it; `result` is what the service gave."""

    result: Any


def submit(request, form, perform: Callable[[dict], Any]) -> Done | None:
    """The form page's one shape. On a POST whose form is valid, call `perform` with the
    cleaned data (a service call) and return Done with its result. When the form or the
    service refuses (a ValidationError, shown on the form), or on a GET, return None: the view
    renders the form again, with what was typed kept and the errors in the summary.

        if done := submit(request, form, lambda data: services.thing_create(actor=..., **data)):
            messages.success(request, "Saved")
            return redirect(...)
        return render(request, "...", {"form": form})
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return Done(perform(form.cleaned_data))
    except ValidationError as error:
        add_service_errors(form, error)
        return None


class ConfirmForm(forms.Form):
    """A confirmation page's one button. A service's refusal shows above it, in the error
    summary. `warning` makes it the red button of an action that removes something."""

    def __init__(self, *args, submit: str, warning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(submit=submit, css_class="warning" if warning else "")


BIGGEST_ID = 2**63 - 1


def _too_big(value) -> bool:
    """A submitted id no database integer can hold (SQLite raises OverflowError on it)."""
    text = str(value).strip().lstrip("+-")
    return text.isdecimal() and (len(text) > 19 or int(text) > BIGGEST_ID)


def parse_id(value) -> int | None:
    """A database id from an address's query string, or None when it cannot be one."""
    text = str(value or "").strip()
    if not text.isdecimal() or len(text) > 18:
        return None
    return int(text)


class ModelChoiceField(forms.ModelChoiceField):
    """Refuses an out-of-range id as an invalid choice rather than failing in the database."""

    def to_python(self, value):
        if value not in self.empty_values and _too_big(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses out-of-range ids as invalid choices rather than failing in the database."""

    def _check_values(self, value):
        for item in value or []:
            if _too_big(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)
