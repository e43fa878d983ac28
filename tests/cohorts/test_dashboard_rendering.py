"""The cohort dashboard's table and filter form are drawn in Python for speed: they must give
exactly the markup the templates gave, which these tests keep as the reference (the row loop of
templates/cohorts/includes/dashboard_table.html, the sort header include, crispy's nhsuk pack
and Django's select widget templates)."""

from __future__ import annotations

import datetime
import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Layout, Row, Submit
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from cohorts.forms.dashboards import DashboardFilterForm, Select
from cohorts.progress import Rag
from cohorts.selectors.dashboards import Mentor, TraineeRow
from cohorts.templatetags import dashboard_tags

# The row loop as the template had it, before trainee_rows drew the rows.
REFERENCE_ROWS = """{% load dashboard_tags %}{% for row in rows %}
    <tr class="nhsuk-table__row" data-testid="trainee-row" data-enrolment="{{ row.enrolment_pk }}">
      <th class="nhsuk-table__header app-row-header" scope="row"><a href="{% url 'cohorts:trainee_overview' row.enrolment_pk %}">{{ row.trainee_name }}</a>
        <span class="app-secondary" data-testid="mentors">{% if row.mentors %}Mentor{{ row.mentors|length|pluralize }}: {% for mentor in row.mentors %}{{ mentor.name }}{% if not forloop.last %}, {% endif %}{% endfor %}{% else %}No mentor allocated{% endif %}</span></th>
      <td class="nhsuk-table__cell">{{ row.area_name }}</td>
      <td class="nhsuk-table__cell" data-testid="status">{{ row.status_label }}</td>
      <td class="nhsuk-table__cell app-nowrap" data-testid="core"><span data-testid="core-count">{{ row.core_achieved }} of {{ row.core_required }}</span>{% if row.is_current %} <span class="app-plan">(plan {{ row.core_planned_whole }})</span><span class="app-tag-block">{% rag_tag row.core_rag %}</span>{% endif %}</td>
      <td class="nhsuk-table__cell app-nowrap" data-testid="specific"><span data-testid="specific-count">{{ row.specific_achieved }} of {{ row.specific_required }}</span>{% if row.is_current %} <span class="app-plan">(plan {{ row.specific_planned_whole }})</span><span class="app-tag-block">{% rag_tag row.specific_rag %}</span>{% endif %}</td>
      <td class="nhsuk-table__cell" data-testid="rag">{% rag_tag row.rag %}</td>
      <td class="nhsuk-table__cell app-nowrap" data-testid="predicted">{% if row.predicted_completion %}{{ row.predicted_completion|date:"j M Y" }}{% elif row.is_current %}<span class="nhsuk-body-s">{% if row.achieved %}Not predictable yet: too little signed off to forecast{% else %}Nothing achieved yet{% endif %}</span>{% else %}<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">Not applicable</span>{% endif %}</td>
      <td class="nhsuk-table__cell app-nowrap" data-testid="last-review">{% if row.last_review %}{{ row.last_review|date:"j M Y" }}{% else %}<span class="nhsuk-body-s">None yet</span>{% endif %}</td>
      <td class="nhsuk-table__cell app-nowrap" data-testid="next-due">{% if row.next_review_due %}{{ row.next_review_due|date:"j M Y" }}{% if row.review_overdue %}<span class="app-tag-block"><strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong></span>{% endif %}{% else %}<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">Not applicable</span>{% endif %}</td>
      <td class="nhsuk-table__cell nhsuk-table__cell--numeric" data-testid="attendance">{{ row.attendance_percent|percent:"No attendance recorded" }}</td>
      <td class="nhsuk-table__cell" data-testid="requests">{% if row.open_requests %}{{ row.open_requests }} waiting<span class="nhsuk-body-s nhsuk-u-display-block">oldest {{ row.oldest_request_days }} day{{ row.oldest_request_days|pluralize }}</span>{% else %}None{% endif %}</td>
    </tr>
    {% empty %}
    <tr class="nhsuk-table__row"><td class="nhsuk-table__cell" colspan="11">{% if all_rows %}No trainees match these filters.{% else %}Nobody is enrolled on this cohort yet.{% endif %}</td></tr>
    {% endfor %}"""  # noqa: E501

# The sort header include (templates/cohorts/includes/dashboard_sort_header.html) as it was.
REFERENCE_SORT_HEADER = """
<th class="nhsuk-table__header{% if numeric %} nhsuk-table__header--numeric{% endif %}" scope="col"{% if aria_sort %} aria-sort="{{ aria_sort }}"{% endif %}>
  <a class="app-sort-link" href="{{ href }}">{{ label }}<span class="nhsuk-u-visually-hidden"> (sort {{ next_label }})</span></a>{% if is_sorted %}<span class="app-sort-indicator" aria-hidden="true">{% if descending %} ▼{% else %} ▲{% endif %}</span>{% endif %}
</th>
"""  # noqa: E501

DAY = datetime.date(2026, 3, 9)


def _row(n: int, **changes) -> TraineeRow:
    values = {
        "enrolment_pk": 100 + n,
        "cohort_pk": 7,
        "trainee_pk": 200 + n,
        "trainee_name": f"Trainee {n}",
        "area_pk": 1,
        "area_name": "Emergency department (A&E)",
        "status": "active",
        "start_date": DAY,
        "core_achieved": 5,
        "core_required": 10,
        "specific_achieved": 1,
        "specific_required": 4,
        "last_achieved_on": DAY,
        "last_review": DAY,
        "present": 2,
        "absent": 1,
        "excused": 0,
        "open_requests": 0,
        "oldest_request_at": None,
        "stale_requests": 0,
        "mentors": [Mentor(1, "Mona Mentor")],
        "core_planned": 5.0,
        "specific_planned": 2.0,
        "core_rag": Rag.ON_TRACK,
        "specific_rag": Rag.BEHIND,
        "rag": Rag.BEHIND,
        "predicted_completion": DAY + datetime.timedelta(days=200),
        "next_review_due": DAY + datetime.timedelta(weeks=12),
        "oldest_request_days": None,
        "review_overdue": False,
    }
    values.update(changes)
    return TraineeRow(**values)


def _every_kind_of_row() -> list[TraineeRow]:
    """A row for every branch the table has."""
    not_current = {
        "core_rag": None,
        "specific_rag": None,
        "rag": None,
        "predicted_completion": None,
        "next_review_due": None,
    }
    return [
        _row(1),
        _row(
            2,
            trainee_name="Siân O'Neill <b>&</b>",
            mentors=[Mentor(2, 'Nick "Nurse" & Co'), Mentor(3, "<i>Olly</i>")],
            core_rag=Rag.AT_RISK,
            rag=Rag.AT_RISK,
            open_requests=1,
            oldest_request_days=1,
            review_overdue=True,
            present=0,
            absent=0,
        ),
        _row(3, mentors=[], last_review=None, open_requests=3, oldest_request_days=15),
        _row(4, predicted_completion=None, core_achieved=0, specific_achieved=0),
        _row(5, predicted_completion=None),  # achieved some: too early to tell
        _row(6, status="withdrawn", **not_current),
        _row(7, status="qualified", open_requests=2, oldest_request_days=0, **not_current),
        _row(8, status="on_break", core_planned=4.9999999999, specific_planned=0.2),
        _row(9, present=1, absent=2, predicted_completion=datetime.date(2027, 12, 31)),
    ]


def _reference_rows(rows, all_rows) -> str:
    return Template(REFERENCE_ROWS).render(Context({"rows": rows, "all_rows": all_rows}))


def test_trainee_rows_give_the_markup_the_row_template_gave():
    rows = _every_kind_of_row()
    assert dashboard_tags.trainee_rows(rows, rows) == _reference_rows(rows, rows)


def test_trainee_rows_escape_names_and_link_each_trainee():
    html = dashboard_tags.trainee_rows(_every_kind_of_row(), [])
    assert "Siân O&#x27;Neill &lt;b&gt;&amp;&lt;/b&gt;" in html
    assert "Mentors: Nick &quot;Nurse&quot; &amp; Co, &lt;i&gt;Olly&lt;/i&gt;<" in html
    assert "<b>" not in html and "<i>" not in html
    assert f'href="{reverse("cohorts:trainee_overview", args=[103])}"' in html
    assert "oldest 1 day<" in html and "oldest 15 days<" in html and "oldest 0 days<" in html


@pytest.mark.parametrize("all_rows", [[], ["someone filtered out"]])
def test_an_empty_table_says_why(all_rows):
    html = dashboard_tags.trainee_rows([], all_rows)
    assert html == _reference_rows([], all_rows)
    expected = "No trainees match these filters." if all_rows else "Nobody is enrolled"
    assert expected in html


def test_dates_are_shown_as_the_date_filter_shows_them():
    short_date = dashboard_tags._short_dates()
    days = [datetime.date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)]
    days += [datetime.date(999, 1, 2), datetime.date(2030, 12, 31)]
    for day in days:
        assert short_date(day) == date_filter(day, "j M Y")
    with translation.override("fr"):
        french = dashboard_tags._short_dates()
        assert french(DAY) == date_filter(DAY, "j M Y")


@pytest.mark.parametrize(
    ("query", "key", "sort", "descending", "numeric"),
    [
        ("", "name", "name", False, False),
        ("", "core", "name", False, False),
        ("mentor=4&apply=Apply", "core", "core", False, False),
        ("mentor=4&sort=core&order=desc", "core", "core", True, False),
        ("area=1", "attendance", "attendance", True, True),
        ("", "attendance", "name", False, True),
    ],
)
def test_sort_headers_give_the_markup_the_include_gave(query, key, sort, descending, numeric):
    request = RequestFactory().get("/cohorts/1/", QueryDict(query))
    context = Context({"request": request})
    html = dashboard_tags.sort_header(context, "A & B", key, sort, descending, numeric)
    is_sorted = key == sort
    next_order = "desc" if is_sorted and not descending else "asc"
    reference = Template(REFERENCE_SORT_HEADER).render(
        Context(
            {
                "label": "A & B",
                "numeric": numeric,
                "is_sorted": is_sorted,
                "descending": descending,
                "aria_sort": ("descending" if descending else "ascending") if is_sorted else "",
                "href": dashboard_tags.current_query(context, sort=key, order=next_order),
                "next_label": "descending" if next_order == "desc" else "ascending",
            }
        )
    )
    assert html == reference


# The filter form's lists ------------------------------------------------------------------------

CHOICES = [
    ("", "All mentors"),
    (4, "Dev <Chapman>"),
    (9, "Amir O'Walsh & co"),
    (10, mark_safe("<b>Farah</b>")),
    ("x&y", gettext_lazy("Not applicable")),
]


@pytest.mark.parametrize("value", [None, "", "4", 9, "99999", "x&y"])
@pytest.mark.parametrize(
    "attrs",
    [
        {"id": "id_mentor"},
        {
            "class": "nhsuk-select nhsuk-select--error",
            "aria-describedby": "id_mentor-error",
            "aria-invalid": "true",
            "id": "id_mentor",
            "required": True,
            "disabled": False,
            "data-note": mark_safe('<i title="x">safe</i>'),
            "data-n": 3,
        },
    ],
)
def test_the_filter_lists_give_the_markup_of_djangos_select(value, attrs):
    ours, django = Select(choices=CHOICES), forms.Select(choices=CHOICES)
    assert ours.render("mentor", value, attrs) == django.render("mentor", value, attrs)


def test_lists_with_option_groups_are_left_to_django():
    choices = [("Wards", [(1, "Ward 1"), (2, "Ward 2")]), (3, "Clinic")]
    ours, django = Select(choices=choices), forms.Select(choices=choices)
    attrs = {"id": "id_area"}
    assert ours.render("area", "2", attrs) == django.render("area", "2", attrs)


def _crispy_reference(form) -> str:
    """The filter form as {% crispy %} drew it with the layout the form used to carry."""
    form.helper = FormHelper()
    form.helper.form_method = "get"
    form.helper.form_id = "dashboard-filters"
    form.helper.form_class = "app-no-print app-dashboard-filters"
    quarter = "nhsuk-grid-column-one-quarter"
    form.helper.layout = Layout(
        Row(*(Column(name, css_class=quarter) for name in ("area", "mentor", "status", "rag"))),
        "sort",
        "order",
        Div(
            Submit("apply", "Apply filters", css_class="secondary"),
            HTML(format_html('<a class="nhsuk-link" href="{}">Clear filters</a>', form.clear_url)),
            css_class="nhsuk-button-group",
        ),
    )
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def _tags_only(html: str) -> str:
    """Markup with the whitespace between tags (and runs of it) taken out."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def _filter_form(query: str) -> DashboardFilterForm:
    return DashboardFilterForm(
        QueryDict(query),
        areas=[(1, "Critical care"), (2, "Emergency department (A&E)")],
        mentors=[(4, "Dev <Chapman>"), (9, "Amir O'Walsh")],
        clear_url="/cohorts/1/?a=1&b=2",
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "area=2&mentor=9&status=active&rag=behind&sort=core&order=desc",
        "mentor=99999&status=active&sort=nonsense",
        "area=x&mentor=&status=gone&rag=nonsense&order=sideways",
        "area=1&area=2&sort=<b>",
    ],
)
def test_the_filter_form_is_the_markup_crispy_gave(query):
    html = dashboard_tags.dashboard_filters(_filter_form(query))
    assert _tags_only(html) == _tags_only(_crispy_reference(_filter_form(query)))


def test_errors_not_on_a_list_show_above_the_lists_as_crispy_showed_them():
    form = _filter_form("mentor=99999")
    form.add_error(None, "Something about the <whole> form")
    reference = _filter_form("mentor=99999")
    reference.add_error(None, "Something about the <whole> form")
    html = dashboard_tags.dashboard_filters(form)
    assert "Something about the &lt;whole&gt; form" in html
    assert _tags_only(html) == _tags_only(_crispy_reference(reference))


def test_the_filter_form_shows_errors_on_the_lists_it_draws():
    html = dashboard_tags.dashboard_filters(_filter_form("mentor=99999&status=active&rag=x"))
    assert (
        '<select name="mentor" class="nhsuk-select nhsuk-select--error" '
        'aria-describedby="id_mentor-error" aria-invalid="true" id="id_mentor">'
    ) in html
    assert (
        '<span class="nhsuk-error-message" id="id_mentor-error">'
        '<span class="nhsuk-u-visually-hidden">Error: </span>Select a mentor from the list</span>'
    ) in html
    assert '<option value="active" selected>Active</option>' in html
    assert '<option value="" selected>All clinical areas</option>' in html
    assert '<option value="4">Dev &lt;Chapman&gt;</option>' in html
    assert "Select on track, at risk or behind" in html
    assert '<select name="status" class="nhsuk-select" id="id_status">' in html
    assert '<input type="hidden" name="sort" id="id_sort">' in html
    assert '<a class="nhsuk-link" href="/cohorts/1/?a=1&amp;b=2">Clear filters</a>' in html
