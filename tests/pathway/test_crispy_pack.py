"""The crispy-forms "nhsuk" template pack, the {% error_summary %} tag and NHSDateField.

Forms are rendered through real templates ({% crispy form %}, {{ form|crispy }}) and the markup is
read with a small tree built on Python's html.parser, so the assertions are about elements,
classes and attributes rather than strings.
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import (
    HTML,
    Button,
    ButtonHolder,
    Column,
    Div,
    Fieldset,
    Hidden,
    Layout,
    Reset,
    Row,
    Submit,
)
from django import forms
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from pathway.fields import NHSDateField

# --- A small DOM ---------------------------------------------------------------------------

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def id(self):
        return self.attrs.get("id")

    def describedby(self) -> list[str]:
        return (self.attrs.get("aria-describedby") or "").split()

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        found = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            if cls and cls not in node.classes:
                continue
            if any(
                node.attrs.get(name.replace("_", "-")) != value for name, value in attrs.items()
            ):
                continue
            found.append(node)
        return found

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, (
            f"expected one <{tag or '*'} {cls or ''} {attrs}>, found {len(found)}"
        )
        return found[0]

    def by_id(self, element_id):
        return self.find(id=element_id)

    def ancestor(self, tag=None, cls=None):
        node = self.parent
        while node is not None and node.tag != "#root":
            if (not tag or node.tag == tag) and (not cls or cls in node.classes):
                return node
            node = node.parent
        raise AssertionError(f"no ancestor <{tag or '*'} class={cls}> of <{self.tag} id={self.id}>")


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID_ELEMENTS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"stray </{tag}>"
        self.current = node.parent

    def handle_data(self, data):
        if data.strip():
            self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, f"unclosed <{builder.current.tag}>"
    return builder.root


# --- Forms ---------------------------------------------------------------------------------

SHIFTS = [("early", "Early"), ("late", "Late"), ("night", "Night")]
SKILLS = [("cannula", "Cannulation"), ("ecg", "ECG"), ("venepuncture", "Venepuncture")]
WARDS = [("", "Select a ward"), ("a", "Ward A"), ("b", "Ward B")]


class EverythingForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        help_text="As it appears on your ID badge",
        error_messages={"required": "Enter your full name"},
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@nhs.net",
        },
    )
    years = forms.IntegerField(label="Years in post (optional)", required=False)
    secret = forms.CharField(
        label="Password",
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )
    notes = forms.CharField(
        label="Notes",
        widget=forms.Textarea,
        error_messages={"required": "Enter some notes"},
    )
    ward = forms.ChoiceField(
        label="Ward", choices=WARDS, error_messages={"required": "Select a ward"}
    )
    shift = forms.ChoiceField(
        label="Usual shift",
        choices=SHIFTS,
        widget=forms.RadioSelect,
        help_text="Select one",
        error_messages={"required": "Select a shift"},
    )
    skills = forms.MultipleChoiceField(
        label="Skills signed off",
        choices=SKILLS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one skill"},
    )
    confirm = forms.BooleanField(
        label="I confirm these details are correct",
        help_text="Your lead nurse will check them",
        error_messages={"required": "Confirm the details are correct"},
    )
    start_date = NHSDateField(label="Start date", help_text="For example, 15 9 2025")
    evidence = forms.FileField(label="Evidence (optional)", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, form_tag=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = form_tag
        self.helper.layout = Layout(
            Fieldset("About you", "full_name", "email", "years"),
            "secret",
            Div("notes", css_class="app-notes", css_id="notes-box"),
            "ward",
            "shift",
            "skills",
            "confirm",
            "start_date",
            "evidence",
            "token",
            HTML('<p class="nhsuk-body" id="raw-html">Check before saving.</p>'),
            ButtonHolder(
                Submit("submit", "Save details"),
                Button("cancel", "Cancel", css_class="secondary"),
            ),
        )


VALID_DATA = {
    "full_name": "Ada Okafor",
    "email": "ada@nhs.net",
    "years": "3",
    "secret": "correct horse",
    "notes": "Prefers <early> shifts",
    "ward": "b",
    "shift": "late",
    "skills": ["cannula", "venepuncture"],
    "confirm": "on",
    "start_date_day": "15",
    "start_date_month": "9",
    "start_date_year": "2025",
}


def crispy(form, context_class=Context, **extra) -> str:
    template = Template("{% load crispy_forms_tags %}{% crispy form %}")
    if context_class is RequestContext:
        request = RequestFactory().get("/")
        return template.render(RequestContext(request, {"form": form, **extra}))
    return template.render(Context({"form": form, **extra}))


def summary(*forms_to_summarise) -> str:
    names = [f"f{i}" for i in range(len(forms_to_summarise))]
    template = Template("{% load nhsuk %}{% error_summary " + " ".join(names) + " %}")
    return template.render(Context(dict(zip(names, forms_to_summarise, strict=True))))


def form_group_of(node: Node) -> Node:
    """The outermost nhsuk-form-group around a node (the date boxes have their own inside)."""
    group = node.ancestor(cls="nhsuk-form-group")
    while True:
        try:
            group = group.ancestor(cls="nhsuk-form-group")
        except AssertionError:
            return group


@pytest.fixture
def blank():
    return parse(crispy(EverythingForm()))


@pytest.fixture
def invalid_form():
    form = EverythingForm(
        data={
            "email": "not-an-email",
            "notes": "",
            "start_date_day": "31",
            "start_date_month": "2",
            "start_date_year": "2025",
        }
    )
    assert not form.is_valid()
    return form


# --- Each widget is its NHS.UK component ----------------------------------------------------


@pytest.mark.parametrize(
    ("element_id", "tag", "input_type", "css_class"),
    [
        ("id_full_name", "input", "text", "nhsuk-input"),
        ("id_email", "input", "email", "nhsuk-input"),
        ("id_years", "input", "number", "nhsuk-input"),
        ("id_secret", "input", "password", "nhsuk-input"),
        ("id_notes", "textarea", None, "nhsuk-textarea"),
        ("id_ward", "select", None, "nhsuk-select"),
        ("id_evidence", "input", "file", "nhsuk-file-upload__input"),
    ],
)
def test_single_inputs_have_their_nhsuk_class_and_a_label(
    blank, element_id, tag, input_type, css_class
):
    element = blank.by_id(element_id)
    assert element.tag == tag
    assert element.attrs.get("type") == input_type
    assert css_class in element.classes
    assert not {c for c in element.classes if c.endswith("--error")}
    label = blank.find("label", **{"for": element_id})
    assert "nhsuk-label" in label.classes
    assert "nhsuk-form-group" in form_group_of(element).classes


def test_labels_have_no_asterisks_and_keep_the_authors_optional(blank):
    labels = {label.attrs["for"]: label.text() for label in blank.find_all("label", "nhsuk-label")}
    assert labels["id_full_name"] == "Full name"
    assert labels["id_years"] == "Years in post (optional)"
    assert not any("*" in text for text in labels.values())


def test_password_uses_the_nhsuk_password_input(blank):
    group = form_group_of(blank.by_id("id_secret"))
    assert "nhsuk-password-input" in group.classes
    assert group.attrs["data-module"] == "nhsuk-password-input"
    toggle = group.find("button", "nhsuk-password-input__toggle")
    assert toggle.attrs["aria-controls"] == "id_secret"
    assert toggle.attrs["type"] == "button"


def test_file_upload_is_the_v10_file_upload(blank):
    group = form_group_of(blank.by_id("id_evidence"))
    assert "nhsuk-file-upload" in group.classes
    # The script's drop zone is left off on purpose (see templates/nhsuk/fields/file.html).
    assert "data-module" not in group.attrs
    # The v10 script takes the first input in the group as the file input.
    assert group.find_all("input")[0].id == "id_evidence"


def test_file_upload_with_a_current_file_is_still_a_single_file_input():
    class StoredFile:
        name = "evidence/ecg-sign-off.pdf"
        url = "/media-not-served/evidence/ecg-sign-off.pdf"

        def __str__(self):
            return self.name

    class UploadForm(forms.Form):
        evidence = forms.FileField(label="Evidence", required=False)

    tree = parse(crispy(UploadForm(initial={"evidence": StoredFile()})))
    group = form_group_of(tree.by_id("id_evidence"))
    assert [node.attrs["type"] for node in group.find_all("input")] == ["file"]


def test_hint_comes_from_help_text_and_describes_the_input(blank):
    hint = blank.by_id("id_full_name-hint")
    assert "nhsuk-hint" in hint.classes
    assert hint.text() == "As it appears on your ID badge"
    assert blank.by_id("id_full_name").describedby() == ["id_full_name-hint"]
    assert "aria-describedby" not in blank.by_id("id_email").attrs


@pytest.mark.parametrize(
    ("name", "kind", "choices", "legend"),
    [
        ("shift", "radios", SHIFTS, "Usual shift"),
        ("skills", "checkboxes", SKILLS, "Skills signed off"),
    ],
)
def test_radios_and_checkboxes_are_a_fieldset_of_items(blank, name, kind, choices, legend):
    container = blank.by_id(f"id_{name}_0").ancestor("div", f"nhsuk-{kind}")
    assert container.attrs["data-module"] == f"nhsuk-{kind}"
    fieldset = container.ancestor("fieldset")
    assert "nhsuk-fieldset" in fieldset.classes
    assert fieldset.find("legend", "nhsuk-fieldset__legend").text() == legend
    items = container.find_all("div", f"nhsuk-{kind}__item")
    assert len(items) == len(choices)
    for index, (item, (value, text)) in enumerate(zip(items, choices, strict=True)):
        box = item.find("input")
        assert box.id == f"id_{name}_{index}"
        assert box.attrs["type"] == ("radio" if kind == "radios" else "checkbox")
        assert box.attrs["name"] == name
        assert box.attrs["value"] == value
        assert f"nhsuk-{kind}__input" in box.classes
        label = item.find("label")
        assert label.classes == {"nhsuk-label", f"nhsuk-{kind}__label"}
        assert label.attrs["for"] == box.id
        assert label.text() == text


def test_radio_hint_describes_the_fieldset(blank):
    fieldset = blank.find("div", "nhsuk-radios").ancestor("fieldset")
    assert fieldset.describedby() == ["id_shift-hint"]
    assert blank.by_id("id_shift-hint").text() == "Select one"


def test_boolean_field_is_a_one_item_checkboxes(blank):
    box = blank.by_id("id_confirm")
    assert box.attrs["type"] == "checkbox"
    assert "nhsuk-checkboxes__input" in box.classes
    container = box.ancestor("div", "nhsuk-checkboxes")
    assert len(container.find_all("div", "nhsuk-checkboxes__item")) == 1
    label = container.find("label")
    assert label.attrs["for"] == "id_confirm"
    assert label.text() == "I confirm these details are correct"
    assert box.describedby() == ["id_confirm-hint"]
    assert "nhsuk-hint" in blank.by_id("id_confirm-hint").classes


def test_date_input_is_three_boxes_in_a_fieldset(blank):
    date_input = blank.find("div", "nhsuk-date-input")
    fieldset = date_input.ancestor("fieldset")
    assert "nhsuk-fieldset" in fieldset.classes
    assert fieldset.attrs.get("role") == "group"
    assert fieldset.find("legend").text() == "Start date"
    assert fieldset.describedby() == ["id_start_date-hint"]
    boxes = date_input.find_all("input")
    assert [box.id for box in boxes] == ["id_start_date_0", "id_start_date_1", "id_start_date_2"]
    assert [box.attrs["name"] for box in boxes] == [
        "start_date_day",
        "start_date_month",
        "start_date_year",
    ]
    widths = [c for box in boxes for c in box.classes if c.startswith("nhsuk-input--width-")]
    assert widths == ["nhsuk-input--width-2", "nhsuk-input--width-2", "nhsuk-input--width-4"]
    for box in boxes:
        assert {"nhsuk-input", "nhsuk-date-input__input"} <= box.classes
        assert box.attrs["inputmode"] == "numeric"
        assert "nhsuk-input--error" not in box.classes
    labels = [blank.find("label", **{"for": box.id}) for box in boxes]
    assert [label.text() for label in labels] == ["Day", "Month", "Year"]
    assert all("nhsuk-date-input__label" in label.classes for label in labels)


def test_date_widget_renders_on_its_own_too():
    form = EverythingForm(initial={"start_date": datetime.date(2024, 3, 7)})
    tree = parse(str(form["start_date"]))
    boxes = tree.find("div", "nhsuk-date-input").find_all("input")
    assert [box.attrs.get("value") for box in boxes] == ["7", "3", "2024"]


def test_ids_are_unique(blank):
    ids = [node.id for node in blank.iter() if node.id]
    assert len(ids) == len(set(ids))


def test_hidden_field_is_just_a_hidden_input(blank):
    token = blank.by_id("id_token")
    assert token.attrs["type"] == "hidden"
    with pytest.raises(AssertionError):
        token.ancestor(cls="nhsuk-form-group")


def test_container_modifier_classes_go_on_the_container():
    class InlineForm(forms.Form):
        answer = forms.ChoiceField(
            label="Answer",
            choices=[("yes", "Yes"), ("no", "No")],
            widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
        )

    tree = parse(crispy(InlineForm()))
    assert tree.find("div", "nhsuk-radios").classes == {"nhsuk-radios", "nhsuk-radios--inline"}
    assert tree.by_id("id_answer_0").classes == {"nhsuk-radios__input"}


# --- Form, layout objects and buttons -------------------------------------------------------


def test_form_tag_has_novalidate_csrf_and_multipart():
    tree = parse(crispy(EverythingForm(), context_class=RequestContext))
    form = tree.find("form")
    assert "novalidate" in form.attrs
    assert form.attrs["method"] == "post"
    assert form.attrs["enctype"] == "multipart/form-data"
    token = form.find("input", name="csrfmiddlewaretoken")
    assert token.attrs["type"] == "hidden"
    assert token.attrs["value"]


def test_without_form_tag_there_is_no_form_element():
    tree = parse(crispy(EverythingForm(form_tag=False), context_class=RequestContext))
    assert tree.find_all("form") == []
    assert tree.by_id("id_full_name")


def test_submit_and_secondary_button_are_nhsuk_buttons(blank):
    save = blank.find("button", name="submit")
    assert save.classes == {"nhsuk-button"}
    assert save.attrs["type"] == "submit"
    assert save.attrs["data-module"] == "nhsuk-button"
    assert save.text() == "Save details"
    cancel = blank.find("button", name="cancel")
    assert cancel.classes == {"nhsuk-button", "nhsuk-button--secondary"}
    assert cancel.attrs["type"] == "button"
    assert save.ancestor("div", "nhsuk-button-group") is cancel.ancestor(
        "div", "nhsuk-button-group"
    )


def test_reset_and_hidden_inputs():
    form = EverythingForm()
    form.helper.layout = Layout(Hidden("step", "2"), Reset("reset", "Start again"))
    tree = parse(crispy(form))
    assert tree.find("input", name="step").attrs["value"] == "2"
    assert tree.find("input", name="step").attrs["type"] == "hidden"
    reset = tree.find("button", name="reset")
    assert reset.attrs["type"] == "reset"
    assert reset.classes == {"nhsuk-button", "nhsuk-button--secondary"}


def test_fieldset_div_and_html_layout_objects(blank):
    [legend] = [node for node in blank.find_all("legend") if node.text() == "About you"]
    fieldset = legend.ancestor("fieldset")
    assert "nhsuk-fieldset__legend" in legend.classes
    assert "nhsuk-fieldset" in fieldset.classes
    assert {node.id for node in fieldset.find_all("input")} == {
        "id_full_name",
        "id_email",
        "id_years",
    }
    notes_box = blank.by_id("notes-box")
    assert notes_box.tag == "div"
    assert "app-notes" in notes_box.classes
    assert notes_box.find("textarea").id == "id_notes"
    assert blank.by_id("raw-html").text() == "Check before saving."


def test_row_and_column_are_nhsuk_grid():
    class TwoColumns(forms.Form):
        first = forms.CharField()
        second = forms.CharField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.layout = Layout(
                Row(Column("first", css_class="nhsuk-grid-column-one-half"), Column("second"))
            )

    tree = parse(crispy(TwoColumns()))
    row = tree.find("div", "nhsuk-grid-row")
    assert tree.by_id("id_first").ancestor("div", "nhsuk-grid-column-one-half").parent is row
    assert tree.by_id("id_second").ancestor("div", "nhsuk-grid-column-full").parent is row


def test_crispy_filter_renders_the_same_components_without_a_form_tag(invalid_form):
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(
        Context({"form": invalid_form})
    )
    tree = parse(html)
    assert tree.find_all("form") == []
    email = tree.by_id("id_email")
    assert {"nhsuk-input", "nhsuk-input--error"} <= email.classes
    assert tree.by_id("id_email-error").text() == (
        "Error: Enter an email address in the correct format, like name@nhs.net"
    )
    assert tree.find("div", "nhsuk-radios")
    assert tree.find("div", "nhsuk-date-input")


def test_form_show_labels_false_keeps_labels_for_screen_readers():
    form = EverythingForm()
    form.helper.form_show_labels = False
    tree = parse(crispy(form))
    assert "nhsuk-u-visually-hidden" in tree.find("label", **{"for": "id_full_name"}).classes
    legend = tree.find("div", "nhsuk-radios").ancestor("fieldset").find("legend")
    assert "nhsuk-u-visually-hidden" in legend.classes


# --- Bound values come back -----------------------------------------------------------------


def test_what_people_typed_is_rendered_back():
    form = EverythingForm(data={**VALID_DATA, "full_name": ""})
    assert not form.is_valid()
    tree = parse(crispy(form))
    assert "value" not in tree.by_id("id_full_name").attrs
    assert tree.by_id("id_email").attrs["value"] == "ada@nhs.net"
    assert tree.by_id("id_years").attrs["value"] == "3"
    assert tree.by_id("id_notes").text() == "Prefers <early> shifts"
    selected = [o for o in tree.by_id("id_ward").find_all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in selected] == ["b"]
    radios = tree.find("div", "nhsuk-radios").find_all("input")
    assert [r.attrs["value"] for r in radios if "checked" in r.attrs] == ["late"]
    boxes = tree.by_id("id_skills_0").ancestor("div", "nhsuk-checkboxes")
    ticked = [b.attrs["value"] for b in boxes.find_all("input") if "checked" in b.attrs]
    assert ticked == ["cannula", "venepuncture"]
    assert "checked" in tree.by_id("id_confirm").attrs
    date_boxes = tree.find("div", "nhsuk-date-input").find_all("input")
    assert [box.attrs.get("value") for box in date_boxes] == ["15", "9", "2025"]


def test_invalid_date_parts_are_rendered_back_as_typed(invalid_form):
    tree = parse(crispy(invalid_form))
    date_boxes = tree.find("div", "nhsuk-date-input").find_all("input")
    assert [box.attrs.get("value") for box in date_boxes] == ["31", "2", "2025"]


def test_nothing_is_checked_on_a_blank_form(blank):
    assert not [node for node in blank.find_all("input") if "checked" in node.attrs]


# --- Inline errors --------------------------------------------------------------------------


def assert_error_message(tree: Node, error_id: str, message: str):
    error = tree.by_id(error_id)
    assert error.tag == "span"
    assert "nhsuk-error-message" in error.classes
    hidden = error.find("span", "nhsuk-u-visually-hidden")
    assert hidden.text() == "Error:"
    assert error.text() == f"Error: {message}"


@pytest.mark.parametrize(
    ("element_id", "error_class", "message", "described_by"),
    [
        ("id_full_name", "nhsuk-input--error", "Enter your full name", ["id_full_name-hint"]),
        (
            "id_email",
            "nhsuk-input--error",
            "Enter an email address in the correct format, like name@nhs.net",
            [],
        ),
        ("id_secret", "nhsuk-input--error", "Enter your password", []),
        ("id_notes", "nhsuk-textarea--error", "Enter some notes", []),
        ("id_ward", "nhsuk-select--error", "Select a ward", []),
    ],
)
def test_single_input_errors(invalid_form, element_id, error_class, message, described_by):
    tree = parse(crispy(invalid_form))
    element = tree.by_id(element_id)
    assert error_class in element.classes
    assert element.describedby() == [*described_by, f"{element_id}-error"]
    assert_error_message(tree, f"{element_id}-error", message)
    assert "nhsuk-form-group--error" in form_group_of(element).classes


@pytest.mark.parametrize(
    ("first_input", "error_id", "message", "described_by"),
    [
        ("id_shift_0", "id_shift-error", "Select a shift", ["id_shift-hint", "id_shift-error"]),
        ("id_skills_0", "id_skills-error", "Select at least one skill", ["id_skills-error"]),
        (
            "id_start_date_0",
            "id_start_date-error",
            "The start date must be a real date",
            ["id_start_date-hint", "id_start_date-error"],
        ),
    ],
)
def test_fieldset_errors_describe_the_fieldset(
    invalid_form, first_input, error_id, message, described_by
):
    tree = parse(crispy(invalid_form))
    container = tree.by_id(first_input)
    fieldset = container.ancestor("fieldset")
    assert fieldset.describedby() == described_by
    assert_error_message(tree, error_id, message)
    assert fieldset.by_id(error_id)
    assert "nhsuk-form-group--error" in form_group_of(container).classes


def test_all_three_date_boxes_are_marked_in_error(invalid_form):
    tree = parse(crispy(invalid_form))
    boxes = tree.find("div", "nhsuk-date-input").find_all("input")
    assert len(boxes) == 3
    assert all("nhsuk-input--error" in box.classes for box in boxes)


def test_single_checkbox_error(invalid_form):
    tree = parse(crispy(invalid_form))
    box = tree.by_id("id_confirm")
    assert box.describedby() == ["id_confirm-hint", "id_confirm-error"]
    assert_error_message(tree, "id_confirm-error", "Confirm the details are correct")
    assert "nhsuk-form-group--error" in form_group_of(box).classes


def test_valid_fields_in_an_invalid_form_are_not_marked(invalid_form):
    tree = parse(crispy(invalid_form))
    years = tree.by_id("id_years")
    assert years.classes == {"nhsuk-input"}
    assert "aria-describedby" not in years.attrs
    assert "nhsuk-form-group--error" not in form_group_of(years).classes
    assert tree.find_all(id="id_years-error") == []


def test_helper_can_hide_inline_errors(invalid_form):
    invalid_form.helper.form_show_errors = False
    tree = parse(crispy(invalid_form))
    assert tree.find_all(cls="nhsuk-error-message") == []
    assert "nhsuk-input--error" not in tree.by_id("id_email").classes


# --- Error summary --------------------------------------------------------------------------


def test_no_summary_without_errors():
    assert summary(EverythingForm()).strip() == ""
    valid = EverythingForm(data=VALID_DATA)
    assert valid.is_valid(), valid.errors
    assert summary(valid).strip() == ""


def test_summary_is_the_v10_error_summary(invalid_form):
    tree = parse(summary(invalid_form))
    box = tree.find("div", "nhsuk-error-summary")
    assert box.attrs["data-module"] == "nhsuk-error-summary"
    assert box.attrs["tabindex"] == "-1"
    alert = box.find(role="alert")
    assert alert.find("h2", "nhsuk-error-summary__heading").text() == "There is a problem"
    assert alert.find("ul", "nhsuk-error-summary__list")


def test_summary_links_to_the_first_input_of_each_field_in_page_order(invalid_form):
    links = parse(summary(invalid_form)).find("ul", "nhsuk-error-summary__list").find_all("a")
    assert [(a.attrs["href"], a.text()) for a in links] == [
        ("#id_full_name", "Enter your full name"),
        ("#id_email", "Enter an email address in the correct format, like name@nhs.net"),
        ("#id_secret", "Enter your password"),
        ("#id_notes", "Enter some notes"),
        ("#id_ward", "Select a ward"),
        ("#id_shift_0", "Select a shift"),
        ("#id_skills_0", "Select at least one skill"),
        ("#id_confirm", "Confirm the details are correct"),
        ("#id_start_date_0", "The start date must be a real date"),
    ]


def test_every_summary_link_points_at_an_element_in_the_form(invalid_form):
    links = parse(summary(invalid_form)).find_all("a")
    form_tree = parse(crispy(invalid_form))
    assert links
    for link in links:
        target = form_tree.by_id(link.attrs["href"].removeprefix("#"))
        assert target.tag in {"input", "textarea", "select"}


def test_non_field_errors_are_summarised_and_shown_once_in_the_form():
    class SignInForm(forms.Form):
        email = forms.EmailField()
        password = forms.CharField(widget=forms.PasswordInput)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.add_input(Submit("submit", "Sign in"))

        def clean(self):
            raise forms.ValidationError("Enter a correct email address and password")

    form = SignInForm(data={"email": "a@nhs.net", "password": "x"})
    assert not form.is_valid()
    links = parse(summary(form)).find_all("a")
    assert [(a.attrs["href"], a.text()) for a in links] == [
        ("#non-field-errors", "Enter a correct email address and password")
    ]
    form_html = crispy(form)
    tree = parse(form_html)
    sign_in = tree.find("button", name="submit")
    assert sign_in.classes == {"nhsuk-button"}
    assert sign_in.ancestor("div", "nhsuk-button-group").ancestor("form")
    block = tree.by_id("non-field-errors")
    assert block.find("span", "nhsuk-error-message").text() == (
        "Error: Enter a correct email address and password"
    )
    # {% crispy %} never adds a second summary: the page's {% error_summary %} is the only one.
    assert tree.find_all(cls="nhsuk-error-summary") == []
    assert form_html.count("Enter a correct email address and password") == 1


def test_crispy_never_renders_a_summary(invalid_form):
    assert parse(crispy(invalid_form)).find_all(cls="nhsuk-error-summary") == []


def test_summary_covers_several_forms_with_prefixes():
    class NameForm(forms.Form):
        name = forms.CharField(error_messages={"required": "Enter a name"})

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.form_tag = False

    first = NameForm(data={})
    second = NameForm(data={}, prefix="other")
    assert not first.is_valid()
    assert not second.is_valid()
    links = parse(summary(first, second)).find_all("a")
    assert [a.attrs["href"] for a in links] == ["#id_name", "#id_other-name"]
    page = parse(crispy(first) + crispy(second))
    for link in links:
        assert page.by_id(link.attrs["href"][1:]).tag == "input"


def test_summary_ignores_missing_variables_and_unbound_forms(invalid_form):
    html = Template("{% load nhsuk %}{% error_summary form no_such_form blank %}").render(
        Context({"form": invalid_form, "blank": EverythingForm()})
    )
    assert len(parse(html).find_all("a")) == len(invalid_form.errors)


def test_summary_covers_formsets():
    class NameForm(forms.Form):
        name = forms.CharField(error_messages={"required": "Enter a name"})

    formset = forms.formset_factory(NameForm, extra=0, min_num=2, validate_min=True)(
        data={
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "0",
            "form-0-name": "Ada",
            "form-1-name": "",
        }
    )
    assert not formset.is_valid()
    links = parse(summary(formset)).find_all("a")
    assert [(a.attrs["href"], a.text()) for a in links] == [("#id_form-1-name", "Enter a name")]


def test_hidden_field_errors_are_shown_at_the_top_of_the_form():
    class WithToken(forms.Form):
        token = forms.CharField(
            widget=forms.HiddenInput, error_messages={"required": "Start again"}
        )

    form = WithToken(data={})
    assert not form.is_valid()
    links = parse(summary(form)).find_all("a")
    assert [(a.attrs["href"], a.text()) for a in links] == [("#non-field-errors", "Start again")]
    assert parse(crispy(form)).by_id("non-field-errors").text() == "Error: Start again"


# --- NHSDateField ---------------------------------------------------------------------------


class DateForm(forms.Form):
    start_date = NHSDateField(label="Start date")
    end_date = NHSDateField(label="End date (optional)", required=False)
    review_date = NHSDateField(
        label="Review date", required=False, error_messages={"required": "Enter when to review"}
    )


def date_errors(day, month, year, field="start_date"):
    data = {f"{field}_day": day, f"{field}_month": month, f"{field}_year": year}
    if field != "start_date":
        data.update({"start_date_day": "1", "start_date_month": "1", "start_date_year": "2025"})
    form = DateForm(data=data)
    form.is_valid()
    return form.errors.get(field, []), form.cleaned_data.get(field)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the start date"),
        ("", "9", "2025", "The start date must include a day"),
        ("15", "", "2025", "The start date must include a month"),
        ("15", "9", "", "The start date must include a year"),
        ("", "9", "", "The start date must include a day and year"),
        ("31", "2", "2025", "The start date must be a real date"),
        ("15", "13", "2025", "The start date must be a real date"),
        ("fifteen", "9", "2025", "The start date must be a real date, written in numbers"),
        ("15", "9", "25", "Year must include 4 numbers"),
        ("15", "9", "202500", "Year must include 4 numbers"),
    ],
)
def test_date_field_messages(day, month, year, message):
    errors, _ = date_errors(day, month, year)
    assert errors == [message]


def test_valid_date_is_a_date():
    errors, value = date_errors(" 5 ", "09", "2025")
    assert errors == []
    assert value == datetime.date(2025, 9, 5)
    assert type(value) is datetime.date


def test_optional_date_left_blank_is_none_and_its_label_drops_optional():
    errors, value = date_errors("", "", "", field="end_date")
    assert errors == []
    assert value is None
    errors, _ = date_errors("", "3", "2025", field="end_date")
    assert errors == ["The end date must include a day"]


def test_date_field_keeps_a_custom_required_message():
    field = DateForm.base_fields["review_date"]
    assert field.error_messages["required"] == "Enter when to review"
    required = NHSDateField(
        label="Review date", error_messages={"required": "Enter when to review"}
    )
    with pytest.raises(forms.ValidationError) as raised:
        required.clean(["", "", ""])
    assert raised.value.messages == ["Enter when to review"]


def test_a_required_date_of_only_spaces_is_missing():
    from django import forms as django_forms

    from pathway.fields import NHSDateField

    class Form(django_forms.Form):
        held_on = NHSDateField(label="Date held")

    form = Form({"held_on_day": " ", "held_on_month": "", "held_on_year": "  "})
    assert not form.is_valid()
    assert form.errors["held_on"] == ["Enter the date held"]


@pytest.mark.parametrize("year", ["0001", "1899", "2101", "9999"])
def test_a_date_far_outside_a_career_is_refused(year):
    from django import forms as django_forms

    from pathway.fields import NHSDateField

    class Form(django_forms.Form):
        held_on = NHSDateField(label="Date held")

    form = Form({"held_on_day": "1", "held_on_month": "1", "held_on_year": year})
    assert form.errors["held_on"] == ["The date held must be between 1900 and 2100"]


def test_superscript_digits_are_not_numbers():
    from django import forms as django_forms

    from pathway.fields import NHSDateField

    class Form(django_forms.Form):
        held_on = NHSDateField(label="Date held")

    form = Form({"held_on_day": "²", "held_on_month": "1", "held_on_year": "2026"})
    assert form.errors["held_on"] == ["The date held must be a real date, written in numbers"]
