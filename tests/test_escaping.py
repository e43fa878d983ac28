"""Text people type is shown to others as text, never as HTML.

A lead nurse's question hint was drawn as raw HTML to trainees (a link to a phishing page
rendered; the CSP only stops scripts). Three guards:

- the questionnaire a lead nurse writes, every free-text part of it, reaches the trainee who
  answers it and the people who read its results escaped;
- every free-text field in the database, filled with markup, comes out escaped on every page
  each kind of person can reach from their home page (a crawl of the demo programme);
- the code itself: every `mark_safe`, `SafeString`, `|safe`, `{% autoescape off %}` and every
  form label or help text not written as a plain string is on a reviewed list below, with why
  it is safe; a new one fails until someone has looked at it.
"""

from __future__ import annotations

import ast
import html
import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.html import escape, format_html

from competencies import services as competency_services
from competencies.models import SignOffRequest
from evaluation import services as evaluation_services
from pathway.demo import DEMO_PASSWORD
from pathway.models import User
from pathway.signatures import Signature
from tests import factories

# Pathway's own apps: their code, templates and tables.
APPS = [
    "pathway",
    "notifications",
    "competencies",
    "cohorts",
    "roledesign",
    "recruitment",
    "funding",
    "evaluation",
    "outcomes",
    "support",
    "apprenticeships",
    "governance",
]

PHISHING = '<a href="https://phish.example/sign-in">Sign in again</a>'
SCRIPT = "<script>alert(1)</script>"


def typed(label: str) -> str:
    """What a person types: their own words, with markup in them."""
    return f"{label} {PHISHING}{SCRIPT}"


def assert_shown_as_text(response, *texts):
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert "https://phish.example" in page, "the typed text is not on this page at all"
    assert PHISHING not in page and SCRIPT not in page, "markup people typed reached the page"
    for text in texts:
        assert escape(text) in page, f"{text!r} is not shown, as text"


@pytest.mark.django_db
def test_a_questionnaire_is_shown_as_its_author_typed_it(client, lead_nurse):
    questionnaire = evaluation_services.questionnaire_create(
        actor=lead_nurse, title=typed("Title"), description=typed("Description")
    )
    section = evaluation_services.section_add(
        actor=lead_nurse,
        questionnaire=questionnaire,
        title=typed("Section"),
        description=typed("About the section"),
    )
    for kind, options in (
        ("likert", ()),
        ("single", (typed("First choice"), typed("Second choice"))),
        ("multiple", (typed("Training days"), typed("Mentor"))),
        ("text", ()),
    ):
        evaluation_services.question_add(
            actor=lead_nurse,
            section=section,
            kind=kind,
            text=typed(f"A {kind} question"),
            hint=typed(f"Hint for the {kind} question"),
            required=True,
            options=options,
        )
    issue, (trainee, *_), _ = factories.issued_questionnaire(
        trainees=1, mentor=False, questionnaire=questionnaire
    )

    client.force_login(trainee)
    assert_shown_as_text(
        client.get(reverse("evaluation:respond_start", args=[issue.pk])),
        typed("Title"),
        typed("Description"),
    )
    assert_shown_as_text(
        client.get(reverse("evaluation:respond_section", args=[issue.pk, 1])),
        typed("Section"),
        typed("About the section"),
        typed("A likert question"),
        typed("Hint for the likert question"),
        typed("Hint for the single question"),
        typed("Hint for the multiple question"),
        typed("Hint for the text question"),
        typed("First choice"),
        typed("Mentor"),
    )
    # Sent without answers: the error summary names each question.
    assert_shown_as_text(
        client.post(reverse("evaluation:respond_section", args=[issue.pk, 1]), {"continue": "1"}),
        typed("A single question"),
    )
    assert_shown_as_text(client.get(reverse("evaluation:my_questionnaires")), typed("Title"))

    client.force_login(lead_nurse)
    for page in (
        reverse("evaluation:questionnaire_detail", args=[questionnaire.pk]),
        reverse("evaluation:issue_detail", args=[issue.pk]),
    ):
        assert_shown_as_text(client.get(page), typed("Title"))


@pytest.mark.django_db
def test_a_name_is_not_run_as_a_template(client, lead_nurse):
    """crispy's HTML() layout object renders its text as a Django template: a mentor's name put
    in one (the mentor preparation warning) was run as template code, so a name containing
    {{ request.user.email }} showed whoever was looking at the page."""
    name = "Sam {{ request.user.email }} {% now 'Y' %} Patel " + PHISHING
    trainee = factories.TraineeFactory()
    mentor = factories.UnpreparedMentorFactory(full_name=name)
    client.force_login(lead_nurse)
    today = timezone.localdate()
    response = client.post(
        reverse("pathway:allocation_add", args=[trainee.pk]),
        {"kind": "mentor", "supporter": mentor.pk, **factories.date_fields("start_date", today)},
    )
    assert 'data-testid="unprepared-warning"' in response.content.decode()
    assert_shown_as_text(response, f"{name} has no mentor preparation")
    assert lead_nurse.email not in response.content.decode()


def test_the_nhsuk_pack_escapes_help_text_unless_it_was_built_as_html():
    class Form(forms.Form):
        typed_hint = forms.CharField(help_text=typed("Typed"))
        built_hint = forms.CharField(help_text=format_html('<a href="{}">CSV template</a>', "/t"))

    page = render_crispy_form(Form())
    assert escape(typed("Typed")) in page and PHISHING not in page
    assert '<a href="/t">CSV template</a>' in page


# Every free-text field, on every page each kind of person reaches --------------------------

SHORT_MARKUP = "<u-x>"  # for fields too short for the link and the script
RAW_MARKUP = ('<a href="https://phish.example', "<script>alert(", SHORT_MARKUP)
# Text the application writes itself, not a person: keys, addresses, hashes, file types.
NOT_TYPED = {
    "pathway.User.password",
    "notifications.Notification.url",
    "notifications.Notification.key",
    "competencies.Evidence.content_type",
    "competencies.Assessment.previous_hash",
    "competencies.Assessment.record_hash",
}
# The few lists of typed text kept as JSON.
TYPED_LISTS = {"competencies.Competency.performance_criteria"}
# Not pages: files, and the way out.
NOT_PAGES = re.compile(r"export|download|template|example|logout")


def _typed_fields(model):
    """The model's free-text columns (its history model's too): text without fixed choices."""
    base = getattr(model, "instance_type", model)  # a history model: the audited model's rules
    for field in model._meta.concrete_fields:
        label = f"{base._meta.label}.{field.name}"
        if field.primary_key or field.choices or label in NOT_TYPED:
            continue
        if isinstance(field, models.EmailField | models.URLField | models.SlugField):
            continue
        if isinstance(field, models.CharField | models.TextField) or label in TYPED_LISTS:
            yield field


# Where each chain ends (written only by the sign-off service): hashes, not typed text.
LEDGER_BOOKKEEPING = {"competencies.ChainHead"}


def fill_every_free_text_field_with_markup() -> int:
    """Every free-text value in the database becomes markup (with the row's id, for the unique
    ones), as if everyone had typed it. Sign-off records cannot be changed: one is added."""
    filled = 0
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if getattr(model, "append_only", False) or model._meta.label in LEDGER_BOOKKEEPING:
                continue
            for field in _typed_fields(model):
                rows = model._base_manager.all()
                if isinstance(field, models.JSONField):
                    rows = list(rows)
                    for row in rows:
                        setattr(row, field.name, [typed("Criterion"), typed("Another")])
                    filled += model._base_manager.bulk_update(rows, [field.name])
                    continue
                markup = typed(field.name)
                if field.max_length and len(markup) + 21 > field.max_length:  # and " <the id>"
                    markup = SHORT_MARKUP
                text = Concat(
                    Value(f"{markup} "), Cast("pk", models.CharField()), output_field=field
                )
                try:
                    # Blank ones too, as if everything optional had been filled in...
                    with transaction.atomic():
                        filled += rows.update(**{field.name: text})
                except IntegrityError:
                    # ...unless a rule needs some blank (an answer is a choice or a text).
                    filled += rows.exclude(**{field.name: ""}).update(**{field.name: text})
    sign_off_request = SignOffRequest.objects.filter(status=SignOffRequest.Status.OPEN).first()
    competency_services.sign_off_request_decide(
        actor=sign_off_request.mentor,
        sign_off_request=sign_off_request,
        signature=Signature.with_password(DEMO_PASSWORD),
        outcome="not_yet_competent",
        method=sign_off_request.competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
        feedback=typed("Feedback"),
    )
    return filled


def crawl(client, person, problems: list[str]) -> int:
    """Every page `person` reaches by following links from their home page, one of each kind."""
    client.force_login(person)
    seen_routes, queue, pages = set(), ["/"], 0
    while queue:
        path = queue.pop(0)
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            continue
        # One page of each kind: by its route, and by any word in it (the kind of audit record).
        words = tuple(sorted((k, v) for k, v in match.kwargs.items() if isinstance(v, str)))
        route = (match.namespace, match.url_name, words)
        if route in seen_routes or NOT_PAGES.search(match.url_name or ""):
            continue
        seen_routes.add(route)
        try:
            response = client.get(path)
        except Exception as error:  # noqa: BLE001 - reported with the page that raised it
            problems.append(f"{person.email} {path}: raised {error!r}")
            continue
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        page = response.content.decode()
        for markup in RAW_MARKUP:
            if markup in page:
                at = page.index(markup)
                problems.append(f"{person.email} {path}: {page[max(0, at - 80) : at + 40]!r}")
        for link in re.findall(r'href="(/[^"]*)"', page):
            if not link.startswith(("/admin", "/assets", "/static", "/media")):
                queue.append(html.unescape(link))
    return pages


@pytest.mark.django_db
def test_every_free_text_field_comes_out_escaped_on_every_page(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    people = re.findall(r"\S+@\S+", out.getvalue())
    assert fill_every_free_text_field_with_markup() > 1000
    problems, pages = [], 0
    for email in people:
        pages += crawl(client, User.objects.get(email=email), problems)
    assert not problems, "\n".join(problems)
    assert pages > 100, pages


# The code: where text could be marked safe, with the reviewed uses ----------------------------

# Each reviewed use: (file, its first line as written) -> why no typed text reaches it unescaped.
REVIEWED = {
    # Descriptions imported as HTML (from Moodle): nh3 output, or text escaped first.
    (
        "competencies/richtext.py",
        "return SafeString(html)",
    ): "nh3.clean with a fixed list of tags, attributes and URL schemes, or escape() then "
    "linebreaks; tested in tests/competencies/test_moodle_frameworks.py",
    # Markup built in Python, then joined.
    (
        "pathway/charts.py",
        'return mark_safe("".join(parts))  # noqa: S308 - every part was built with format_html',
    ): "chart parts, each made by format_html, which escapes every value",
    (
        "pathway/charts.py",
        'return mark_safe("".join(parts))  # noqa: S308 - built with format_html',
    ): "chart parts, each made by format_html",
    (
        "pathway/charts.py",
        'return mark_safe("".join(legend))  # noqa: S308 - built with format_html',
    ): "legend entries, each made by format_html",
    (
        "pathway/charts.py",
        'parts.append(mark_safe("".join(legend)))  # noqa: S308 - built with format_html',
    ): "legend entries, each made by format_html",
    (
        "pathway/charts.py",
        'return mark_safe("".join(group))  # noqa: S308 - built with format_html',
    ): "a chart's bars, each made by format_html",
    (
        "cohorts/templatetags/chart_tags.py",
        'return mark_safe("".join(_cell(state) for state in states))  # noqa: S308 - built by'
        " format_html",
    ): "grid cells, each made by format_html",
    (
        "cohorts/forms/dashboards.py",
        "return mark_safe(  # noqa: S308 - every value above is escaped",
    ): "a select drawn in Python: every name, value and label goes through _text (escaped)",
    # Static files put inline (pathway/inline_assets.py): ours, listed there, never typed text.
    (
        "pathway/templatetags/inline_assets.py",
        'return mark_safe(f"<style>{inline_text(name)}</style>")  # noqa: S308 - our file',
    ): "one of the static files inline_assets lists (a stylesheet), refused if it has </style>",
    (
        "pathway/templatetags/inline_assets.py",
        'return mark_safe(f"<script>{inline_text(name)}</script>")  # noqa: S308 - our file',
    ): "one of the static files inline_assets lists (a script), refused if it has </script>",
    # crispy's HTML() runs its text as a template: only markup with no data in it.
    ("cohorts/views/audit.py", "HTML("): "a link to the audit page: a reversed URL, no data",
    # Labels: Django (label_tag, legend_tag) and the NHS.UK pack escape a plain-text label.
    ("cohorts/forms/training.py", "label=person,"): "a trainee's name: plain text, escaped",
    (
        "recruitment/forms.py",
        'label=f"{kind} criterion {index}: {criterion.text}",',
    ): "a person specification's words: plain text, escaped",
    (
        "recruitment/forms.py",
        'label=f"Notes on criterion {index} (optional)",',
    ): "a number",
    ("recruitment/forms.py", 'self.fields["notes"].label = label'): "the calling view's words",
    (
        "roledesign/forms.py",
        "label=f\"{label}: {'essential' if essential else 'desirable'} (optional)\",",
    ): "CRITERION_FIELDS, written in the code",
    ("evaluation/forms.py", "field.label = label"): "a question's text: plain text, escaped",
    (
        "cohorts/views/charts.py",
        'help_text=f"Each cohort\'s trainees at the end of this week, from 1 to {MAX_WEEK}",',
    ): "a number",
    ("apprenticeships/forms/standards.py", "label=label,"): "_whole's callers: written in the code",
    (
        "apprenticeships/forms/standards.py",
        "help_text=help_text,",
    ): "_whole's callers: written in the code",
    (
        "apprenticeships/forms/standards.py",
        'self.fields["planned_otj_hours"].help_text = (',
    ): "a number of hours",
    # Templates.
    (
        "templates/registration/password_reset_email.html",
        "{% autoescape off %}Hello {{ user.full_name }},",
    ): "a plain-text email, not HTML: escaping would show &amp; for & in a name",
}
MARKING_SAFE = {"mark_safe", "SafeString", "SafeText"}
ESCAPING = {"escape", "format_html"}  # help text built with these is escaped
TEMPLATE_MARKING_SAFE = re.compile(
    r"\|\s*safe(seq)?\b|{%\s*autoescape\s+off|{%\s*filter\s[^%]*\bsafe"
)


def _called(node) -> str:
    function = node.func
    return getattr(function, "id", None) or getattr(function, "attr", "")


def _module_strings(tree) -> set[str]:
    """Names given a plain string at module level (format strings, labels written once)."""
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and _is_text(node.value, set())
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _is_text(node, constants) -> bool:
    """Written in the code: a string literal, or a module-level name holding one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return isinstance(node, ast.Name) and node.id in constants


def _python_uses(path: Path, source: str):
    """(line number, why it needs a look) for each place text may reach a page as HTML."""
    tree = ast.parse(source)
    constants = _module_strings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "__html__":
            yield node.lineno, "defines __html__"
        if isinstance(node, ast.ClassDef) and any(
            getattr(d, "id", getattr(d, "attr", "")) == "html_safe" for d in node.decorator_list
        ):
            yield node.lineno, "a class marked html_safe"
        if isinstance(node, ast.Call):
            called = _called(node)
            first = node.args[0] if node.args else None
            if called in MARKING_SAFE and not (first is None or _is_text(first, constants)):
                yield node.lineno, f"{called} of something not written in the code"
            if called in {"HTML", "format_html"} and not _is_text(first, constants):
                yield node.lineno, f"{called} of a text not written in the code"
            if called.endswith("Field"):
                for keyword in node.keywords:
                    if keyword.arg in {"label", "help_text"}:
                        yield from _form_text(keyword.arg, keyword.value, constants)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in {"label", "help_text"}:
                    yield from _form_text(target.attr, node.value, constants, node.lineno)


def _form_text(kind, value, constants, line=None):
    if _is_text(value, constants):
        return
    if kind == "help_text" and isinstance(value, ast.Call) and _called(value) in ESCAPING:
        return
    yield line or value.lineno, f"a form field's {kind} not written in the code"


def _found_in_code():
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            lines = source.splitlines()
            for line, why in _python_uses(path, source):
                yield (str(path.relative_to(root)), lines[line - 1].strip()), why
    for path in sorted((root / "templates").rglob("*")):
        if path.suffix in {".html", ".txt", ".xml", ".svg"}:
            for line in path.read_text().splitlines():
                if TEMPLATE_MARKING_SAFE.search(line):
                    yield (str(path.relative_to(root)), line.strip()), "turns escaping off"


def test_every_place_text_could_reach_a_page_unescaped_has_been_reviewed():
    found = dict(_found_in_code())
    new = [
        f"{path}: {line}  ({why})"
        for (path, line), why in found.items()
        if (path, line) not in REVIEWED
    ]
    assert not new, (
        "Text could reach a page as HTML here. Escape it (format_html, escape, or a plain-text "
        "label), or review it and add it to REVIEWED with why it is safe:\n" + "\n".join(new)
    )
    gone = [f"{path}: {line}" for path, line in REVIEWED if (path, line) not in found]
    assert not gone, "Reviewed uses no longer in the code: take them off REVIEWED:\n" + "\n".join(
        gone
    )
