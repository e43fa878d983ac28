"""Template tags for forms in the NHS.UK design system (nhsuk-frontend v10).

- ``{% error_summary form [other_form ...] %}``: the NHS.UK error summary for one or more forms
  (or formsets), to be called once at the top of the main content, above the h1.
- ``{% nhsuk_field field ... as nf %}``: used by the crispy ``nhsuk`` template pack
  (templates/nhsuk/field.html) to describe a bound field: which NHS.UK component it is, its ids,
  hint, errors, and the widget rendered with the NHS.UK classes.
- ``nhsuk_attrs``, ``nhsuk_button_class`` and ``nhsuk_top_errors`` filters, also for the pack.
"""

from __future__ import annotations

import copy
from functools import cached_property

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from pathway.fields import NHSDateWidget

register = template.Library()


def _merge_classes(*class_strings: str | None) -> str:
    seen: list[str] = []
    for value in class_strings:
        for name in (value or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


# Which template under templates/nhsuk/fields/ renders each kind of field.
_TEMPLATES = {
    "hidden": "hidden",
    "input": "input",
    "textarea": "input",
    "select": "input",
    "password": "password",
    "file": "file",
    "checkbox": "checkbox",
    "checkboxes": "checkboxes",
    "radios": "radios",
    "date": "date",
    "multi": "multi",
}

# Classes the widget itself gets, and the extra class when the field is in error.
_WIDGET_CLASSES = {
    "input": ("nhsuk-input", "nhsuk-input--error"),
    "textarea": ("nhsuk-textarea", "nhsuk-textarea--error"),
    "select": ("nhsuk-select", "nhsuk-select--error"),
    "password": (
        "nhsuk-input nhsuk-password-input__input nhsuk-js-password-input-input",
        "nhsuk-input--error",
    ),
    "file": ("nhsuk-file-upload__input", ""),
    "checkbox": ("nhsuk-checkboxes__input", ""),
    "date": ("nhsuk-input nhsuk-date-input__input", "nhsuk-input--error"),
    "multi": ("nhsuk-input", "nhsuk-input--error"),
}

# Kinds drawn as a fieldset with a legend: aria-describedby goes on the fieldset.
_FIELDSET_KINDS = {"radios", "checkboxes", "date", "multi"}


def field_kind(bound_field) -> str:
    """The NHS.UK component a bound field is drawn as."""
    widget = bound_field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, NHSDateWidget):
        return "date"
    if isinstance(widget, forms.MultiWidget):
        return "multi"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    return "input"


def field_base_id(bound_field) -> str:
    """The field's own id (``id_<prefixed name>``), or its name when the form has no ids."""
    return bound_field.field.widget.attrs.get("id") or bound_field.auto_id or bound_field.html_name


def first_input_id(bound_field) -> str:
    """The id of the first thing a person can focus in the field: what an error links to.

    Radios and checkboxes link to their first option (``id_<name>_0``), date inputs and other
    multi-part widgets to their first box (``id_<name>_0``), anything else to the field itself.
    """
    widget = bound_field.field.widget
    base = widget.attrs.get("id") or bound_field.auto_id
    if not base:
        return ""
    if isinstance(widget, forms.MultiWidget):
        return f"{base}_0"
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is a RadioSelect too
        for option in bound_field.subwidgets:
            if option.id_for_label:
                return option.id_for_label
        return base
    return bound_field.id_for_label or base


class NHSField:
    """What templates/nhsuk/fields/*.html need to draw one bound field."""

    def __init__(
        self,
        bound_field,
        *,
        show_errors=True,
        show_label=True,
        label_class="",
        wrapper_class="",
    ):
        self.field = bound_field
        self.kind = field_kind(bound_field)
        self.template = f"nhsuk/fields/{_TEMPLATES[self.kind]}.html"
        # Only an explicit False hides them: a missing context variable renders as "".
        self.show_errors = show_errors is not False
        self.show_label = show_label is not False
        self.extra_label_class = label_class or ""
        self.wrapper_class = wrapper_class or ""
        self.id = field_base_id(bound_field)
        self.hint_id = f"{self.id}-hint"
        self.error_id = f"{self.id}-error"
        self.is_fieldset = self.kind in _FIELDSET_KINDS

    # Text ----------------------------------------------------------------

    @property
    def label(self):
        return self.field.label

    @property
    def hint(self):
        # Escaped unless it was built as HTML on purpose (format_html): unlike Django's own
        # form templates, which trust help_text, because some of ours comes from what people
        # typed (a questionnaire's hints, for one).
        return conditional_escape(self.field.help_text) if self.field.help_text else ""

    @cached_property
    def errors(self) -> list[str]:
        return list(self.field.errors) if self.show_errors else []

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @cached_property
    def described_by(self) -> str:
        ids = [self.field.field.widget.attrs.get("aria-describedby", "")]
        if self.hint:
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(part for part in ids if part)

    # Classes -------------------------------------------------------------

    @property
    def form_group_class(self) -> str:
        return _merge_classes(
            "nhsuk-form-group",
            "nhsuk-form-group--error" if self.errors else "",
            self.wrapper_class,
        )

    @property
    def label_class(self) -> str:
        hidden = "" if self.show_label else "nhsuk-u-visually-hidden"
        return _merge_classes("nhsuk-label", self.extra_label_class, hidden)

    @property
    def legend_class(self) -> str:
        sizes = " ".join(
            name.replace("nhsuk-label--", "nhsuk-fieldset__legend--")
            for name in self.extra_label_class.split()
        )
        hidden = "" if self.show_label else "nhsuk-u-visually-hidden"
        return _merge_classes("nhsuk-fieldset__legend", sizes, hidden)

    @cached_property
    def _widget_class_parts(self) -> tuple[str, str]:
        """(classes for the container, classes for each input) for radios and checkboxes.

        Modifier classes such as ``nhsuk-radios--inline`` or ``nhsuk-checkboxes--small`` set on
        the widget's ``class`` attribute belong on the container, not on every input.
        """
        own = (self.field.field.widget.attrs.get("class") or "").split()
        prefix = "nhsuk-radios" if self.kind == "radios" else "nhsuk-checkboxes"
        container = [name for name in own if name.startswith(prefix)]
        inputs = [name for name in own if not name.startswith(prefix)]
        return " ".join(container), " ".join(inputs)

    @property
    def container_class(self) -> str:
        base = "nhsuk-radios" if self.kind == "radios" else "nhsuk-checkboxes"
        return _merge_classes(base, self._widget_class_parts[0])

    # Markup --------------------------------------------------------------

    @property
    def id_for_label(self) -> str:
        return self.field.id_for_label or self.id

    @property
    def first_input_id(self) -> str:
        return first_input_id(self.field) or self.id

    @cached_property
    def widget(self) -> SafeString:
        """The widget rendered by Django (so bound values come back) with NHS.UK classes."""
        if self.kind == "hidden":
            return self.field.as_widget()
        base_class, error_class = _WIDGET_CLASSES.get(self.kind, ("", ""))
        own_class = self.field.field.widget.attrs.get("class")
        if self.kind == "checkbox":
            own_class = self._widget_class_parts[1]
        attrs = {
            "class": _merge_classes(base_class, own_class, error_class if self.errors else ""),
        }
        if self.described_by and not self.is_fieldset:
            attrs["aria-describedby"] = self.described_by
        widget = None
        if self.kind == "password":
            widget_attrs = self.field.field.widget.attrs
            attrs.setdefault("spellcheck", widget_attrs.get("spellcheck", "false"))
            attrs.setdefault("autocapitalize", widget_attrs.get("autocapitalize", "none"))
        if self.kind == "file" and isinstance(self.field.field.widget, forms.ClearableFileInput):
            # The NHS.UK file upload script needs the file input to be the only input: draw a
            # plain file input rather than Django's "Currently / Clear / Change" block.
            widget = copy.copy(self.field.field.widget)
            widget.template_name = forms.FileInput.template_name
        return self.field.as_widget(widget=widget, attrs=attrs)

    @cached_property
    def options(self) -> list[dict]:
        """Radios and checkboxes: each option's input, id, label and whether it is selected."""
        input_classes = _merge_classes(
            "nhsuk-radios__input" if self.kind == "radios" else "nhsuk-checkboxes__input",
            self._widget_class_parts[1],
        )
        options = []
        for option in self.field.subwidgets:
            data = option.data
            attrs = dict(data["attrs"])
            attrs["class"] = input_classes
            value = "" if data["value"] is None else str(data["value"])
            options.append(
                {
                    "id": attrs.get("id", ""),
                    "label": data["label"],
                    "selected": bool(data.get("selected")),
                    "input": format_html(
                        '<input type="{}" name="{}" value="{}"{}>',
                        data["type"],
                        data["name"],
                        value,
                        flatatt(attrs),
                    ),
                }
            )
        return options


@register.simple_tag
def nhsuk_field(
    bound_field, show_errors=True, show_label=True, label_class="", wrapper_class=""
) -> NHSField:
    """``{% nhsuk_field field show_errors=form_show_errors as nf %}``: see NHSField."""
    return NHSField(
        bound_field,
        show_errors=show_errors,
        show_label=show_label,
        label_class=label_class,
        wrapper_class=wrapper_class,
    )


@register.filter
def nhsuk_attrs(attrs) -> SafeString:
    """HTML attributes from a dict: ` name="value"`, True gives the name only, None nothing."""
    return flatatt(attrs or {})


# Classes crispy puts on its Submit / Button / Reset / Hidden inputs for Bootstrap.
_CRISPY_BUTTON_CLASSES = {"btn", "btn-primary", "btn-default", "btn-inverse", "hidden"}
_BUTTON_VARIANTS = ("secondary-solid", "secondary", "warning", "reverse", "login", "brand")


@register.filter
def nhsuk_button_class(crispy_input) -> str:
    """NHS.UK button classes for a crispy Submit / Button / Reset.

    Any class containing "secondary" (or "warning", "reverse"...) picks that NHS.UK variant, so
    ``Button("cancel", "Cancel", css_class="secondary")`` gets
    ``nhsuk-button nhsuk-button--secondary``.
    A Reset button is drawn as a secondary button.
    """
    classes = ["nhsuk-button"]
    given = (getattr(crispy_input, "field_classes", "") or "").split()
    if getattr(crispy_input, "input_type", "") == "reset":
        given.append("secondary")
    for name in given:
        if name in _CRISPY_BUTTON_CLASSES:
            continue
        variant = next((v for v in _BUTTON_VARIANTS if v in name), None)
        classes.append(f"nhsuk-button--{variant}" if variant else name)
    return _merge_classes(*classes)


def non_field_errors_id(form) -> str:
    """The id of the block where crispy's nhsuk pack shows a form's non-field errors."""
    return f"{form.prefix}-non-field-errors" if form.prefix else "non-field-errors"


def _top_errors(form) -> list[str]:
    """Non-field errors plus errors on hidden fields (which have nowhere else to show)."""
    errors = list(form.non_field_errors())
    for bound_field in form.hidden_fields():
        errors.extend(bound_field.errors)
    return errors


@register.simple_tag
def nhsuk_top_errors(form) -> dict:
    """``{% nhsuk_top_errors form as top %}``: ``top.id`` and ``top.errors`` for errors.html."""
    return {"id": non_field_errors_id(form), "errors": _top_errors(form)}


def _form_error_items(form) -> list[dict]:
    items = []
    top_href = f"#{non_field_errors_id(form)}"
    for message in _top_errors(form):
        items.append({"text": message, "href": top_href})
    for bound_field in form.visible_fields():
        href = f"#{first_input_id(bound_field)}" if first_input_id(bound_field) else ""
        for message in bound_field.errors:
            items.append({"text": message, "href": href})
    return items


def error_summary_items(*forms_or_formsets) -> list[dict]:
    """Each error in the forms, in page order, with the ``#id`` it links to."""
    items: list[dict] = []
    for candidate in forms_or_formsets:
        if isinstance(candidate, BaseFormSet):
            if not candidate.is_bound:
                continue
            for message in candidate.non_form_errors():
                items.append({"text": message, "href": ""})
            for form in candidate.forms:
                items.extend(_form_error_items(form))
        elif isinstance(candidate, forms.BaseForm) and candidate.is_bound:
            items.extend(_form_error_items(candidate))
    return items


@register.simple_tag
def error_summary(*forms_or_formsets) -> str:
    """``{% error_summary form [other_form ...] %}``: the NHS.UK error summary, or nothing.

    Put it once at the top of the main content, above the h1. Each field error links to the
    field's first input; non-field errors link to where the form shows them. Arguments that
    are not forms (for example a missing context variable) are ignored.
    """
    items = error_summary_items(*forms_or_formsets)
    if not items:
        return ""
    # A versioned form refused as stale (pathway/concurrency.py) lists the other person's
    # changes under the summary, so the two versions can be compared before saving again.
    changes = [
        change
        for candidate in forms_or_formsets
        for change in getattr(candidate, "stale_changes", None) or []
    ]
    return render_to_string(
        "includes/error_summary.html", {"error_list": items, "stale_changes": changes}
    )


@register.inclusion_tag("includes/things_to_do.html", takes_context=True)
def things_to_do(context) -> dict:
    """``{% things_to_do %}``: the reader's "Things to do" panel (pathway/things_to_do.py)."""
    from pathway.things_to_do import things_to_do as collect

    return {"items": collect(context["request"].user)}
