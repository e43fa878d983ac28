"""The competency grid, achievement over time, the cohort comparison, the staff view of one
trainee, and the SVG charts they draw."""

from __future__ import annotations

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.models import (
    Attendance,
    EnrolmentStatus,
    Milestone,
    ModuleResult,
    ProgrammePlan,
    Review,
    TrainingDay,
)
from cohorts.selectors.charts import (
    achievement_over_time,
    cohort_comparison,
    competency_grid,
    default_comparison_week,
)
from competencies.models import Assessment, CompetencyProgress, ProgressState
from pathway import charts
from pathway.inline_assets import STYLES, csp_hash, inline_text
from pathway.models import Allocation, Module
from tests import factories

SVG = "{http://www.w3.org/2000/svg}"
TODAY = timezone.localdate()
A, W, P, N, R, NS = (
    ProgressState.ACHIEVED,
    ProgressState.AWAITING_SIGN_OFF,
    ProgressState.IN_PROGRESS,
    ProgressState.NOT_YET_COMPETENT,
    ProgressState.REASSESSMENT_DUE,
    ProgressState.NOT_STARTED,
)


# SVG charts ---------------------------------------------------------------------------------


def _svg(markup) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    return root


def _texts(root, css) -> list[str]:
    return [
        "".join(el.itertext())
        for el in root.iter(f"{SVG}text")
        if css in (el.get("class") or "").split()
    ]


def _axis_frame(root) -> tuple[float, float, float, float]:
    """left, right, top, bottom of the plot, read from the two axis lines."""
    y_axis, x_axis = [el for el in root.iter(f"{SVG}line") if el.get("class") == "app-chart__axis"]
    return (
        float(y_axis.get("x1")),
        float(x_axis.get("x2")),
        float(y_axis.get("y1")),
        float(y_axis.get("y2")),
    )


def _points(polyline) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in polyline.get("points").split()]


def _line(**overrides):
    arguments = {
        "chart_id": "progress",
        "title": "Cohort 2: achieved over time",
        "description": "Achieved against the plan, week by week.",
        "x_title": "Week since intake",
        "y_title": "Competencies achieved",
        "xs": [0, 1, 2, 3, 4],
        "series": [
            charts.Series("Achieved", [0, 3, 5, 9, 10]),
            charts.Series("Plan", [0, 2.5, 5, 7.5, 10], plan=True),
        ],
    }
    return charts.line_chart(**(arguments | overrides))


def test_a_line_chart_is_an_accessible_scalable_image_with_its_title_and_description():
    root = _svg(_line())
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 720 420"
    assert root.get("width") is None and root.get("height") is None  # scales with its box
    labelled_by = root.get("aria-labelledby").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert labelled_by == [title.get("id"), desc.get("id")] == ["progress-title", "progress-desc"]
    assert title.text == "Cohort 2: achieved over time"
    assert desc.text == "Achieved against the plan, week by week."


def test_a_line_chart_has_axis_titles_tick_labels_and_one_point_per_x():
    root = _svg(_line())
    assert _texts(root, "app-chart__axis-title--x") == ["Week since intake"]
    assert _texts(root, "app-chart__axis-title--y") == ["Competencies achieved"]
    assert _texts(root, "app-chart__tick--y") == ["0", "2", "4", "6", "8", "10"]
    assert _texts(root, "app-chart__tick--x") == ["0", "1", "2", "3", "4"]
    achieved, plan = root.findall(f".//{SVG}polyline")
    assert len(_points(achieved)) == len(_points(plan)) == 5
    markers = [el for el in root.iter() if el.get("class") == "app-chart__marker"]
    assert len(markers) == 5  # the achieved line has markers; the plan has none


def test_line_chart_values_map_to_the_ends_of_the_axes():
    root = _svg(_line())
    left, right, top, bottom = _axis_frame(root)
    achieved, plan = (_points(p) for p in root.findall(f".//{SVG}polyline"))
    assert achieved[0] == (left, bottom)  # x 0, y 0: the bottom left corner
    assert achieved[-1] == (right, top)  # x 4, y 10 (the top tick): the top right corner
    assert plan[2] == pytest.approx(((left + right) / 2, (top + bottom) / 2))  # x 2, y 5


def test_a_missing_value_breaks_the_line():
    root = _svg(_line(series=[charts.Series("Achieved", [1, 2, None, 4, 5])]))
    assert [len(_points(p)) for p in root.findall(f".//{SVG}polyline")] == [2, 2]


def test_the_legend_names_each_series_and_tells_them_apart_without_colour():
    root = _svg(_line())
    legend = next(el for el in root.iter(f"{SVG}g") if el.get("class") == "app-chart__legend")
    items = [el for el in legend if el.get("class") == "app-chart__legend-item"]
    assert ["".join(item.find(f"{SVG}text").itertext()) for item in items] == [
        "Achieved",
        "Plan",
    ]
    achieved_sample, plan_sample = (item.find(f"{SVG}line") for item in items)
    assert achieved_sample.get("stroke-dasharray") == "none"
    assert plan_sample.get("stroke-dasharray") not in (None, "", "none")  # dashed
    assert items[0].find(f"{SVG}circle") is not None  # a marker as well as a solid line
    achieved_line, plan_line = root.findall(f".//{SVG}polyline")
    assert plan_line.get("stroke-dasharray") == plan_sample.get("stroke-dasharray")
    assert achieved_line.get("stroke-dasharray") == "none"
    colours = {el.get("stroke") for el in root.iter() if el.get("stroke")}
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert all(_is_grey(c) for c in colours)  # prints in black and white


def _is_grey(colour: str) -> bool:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return max(red, green, blue) - min(red, green, blue) <= 0x40


def test_every_label_is_escaped():
    nasty = '<script>alert("x")</script> & Sons'
    markup = _line(
        title=nasty,
        description=nasty,
        x_title=nasty,
        series=[charts.Series(nasty, [1, 2, 3, 4, 5])],
        chart_id="c1",
    )
    assert "<script>" not in markup
    root = _svg(markup)  # still well-formed XML
    assert root.find(f"{SVG}title").text == nasty
    assert _texts(root, "app-chart__axis-title--x") == [nasty]
    bars = charts.bar_chart(
        chart_id="c2",
        title="T",
        description="D",
        x_title="Cohort",
        y_title="Average",
        categories=[nasty],
        series=[charts.Series(nasty, [2])],
    )
    assert "<script>" not in bars
    assert _texts(_svg(bars), "app-chart__tick--x") == [nasty]


def _bars(**overrides):
    arguments = {
        "chart_id": "compare",
        "title": "Cohorts at week 20",
        "description": "Average achieved per trainee.",
        "x_title": "Cohort",
        "y_title": "Average per trainee",
        "categories": ["Cohort 1", "Cohort 2", "Cohort 3"],
        "series": [
            charts.Series("Achieved", [4, 2, None]),
            charts.Series("Plan", [3, 3, 1.5]),
        ],
    }
    return charts.bar_chart(**(arguments | overrides))


def test_a_bar_chart_has_a_bar_per_value_with_its_value_and_axis_labels():
    root = _svg(_bars())
    assert root.get("role") == "img" and root.get("viewBox") == "0 0 720 420"
    assert root.get("aria-labelledby") == "compare-title compare-desc"
    assert root.find(f"{SVG}desc").text == "Average achieved per trainee."
    bars = [el for el in root.iter(f"{SVG}rect") if el.get("class") == "app-chart__bar"]
    assert len(bars) == 5  # 3 categories x 2 series, less the missing value
    assert _texts(root, "app-chart__value") == ["4", "3", "2", "3", "1.5"]
    assert _texts(root, "app-chart__tick--x") == ["Cohort 1", "Cohort 2", "Cohort 3"]
    assert _texts(root, "app-chart__tick--y") == ["0", "1", "2", "3", "4"]
    assert _texts(root, "app-chart__axis-title--y") == ["Average per trainee"]


def test_bar_heights_map_to_the_ends_of_the_axis():
    root = _svg(_bars())
    left, right, top, bottom = _axis_frame(root)
    bars = [el for el in root.iter(f"{SVG}rect") if el.get("class") == "app-chart__bar"]
    tallest = bars[0]  # 4: the top tick
    assert float(tallest.get("y")) == top
    for bar in bars:
        assert float(bar.get("y")) + float(bar.get("height")) == pytest.approx(bottom)
        assert left < float(bar.get("x")) < right
    half = bars[1]  # 3 of 4
    assert float(half.get("height")) == pytest.approx(0.75 * (bottom - top))


def test_bar_series_differ_by_pattern_and_are_named_in_the_legend():
    root = _svg(_bars())
    items = [el for el in root.iter(f"{SVG}g") if el.get("class") == "app-chart__legend-item"]
    assert ["".join(i.find(f"{SVG}text").itertext()) for i in items] == ["Achieved", "Plan"]
    fills = [i.find(f"{SVG}rect").get("fill") for i in items]
    assert fills[0] != fills[1] and fills[1] == "url(#compare-hatch)"
    assert root.find(f".//{SVG}pattern[@id='compare-hatch']") is not None


@pytest.mark.parametrize(
    ("maximum", "integer", "expected"),
    [
        (10, True, [0, 2, 4, 6, 8, 10]),
        (7, True, [0, 2, 4, 6, 8]),
        (3, True, [0, 1, 2, 3]),
        (0, True, [0, 1]),
        (4, False, [0, 1, 2, 3, 4]),
        (0.9, False, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (352, True, [0, 100, 200, 300, 400]),
    ],
)
def test_value_ticks_are_round_and_reach_the_maximum(maximum, integer, expected):
    assert charts.value_ticks(maximum, integer=integer) == pytest.approx(expected)


# Building cohorts ---------------------------------------------------------------------------


def _framework(*, extra_core=0):
    """Two domains: K1, K2 core (Care); S1 specific to critical care, S2 to the emergency
    department (Clinical skills). Returns (framework, {code: competency}, area_x, area_y)."""
    framework = factories.PublishedFrameworkFactory()
    care = factories.DomainFactory(framework=framework, title="Care", order=1)
    skills = factories.DomainFactory(framework=framework, title="Clinical skills", order=2)
    area_x = factories.ClinicalAreaFactory(name="Critical care", code="critical-care")
    area_y = factories.ClinicalAreaFactory(name="Emergency department", code="emergency")
    items = {}
    for order, (code, title) in enumerate([("K1", "Hand hygiene"), ("K2", "Observations")]):
        items[code] = factories.CompetencyFactory(domain=care, code=code, title=title, order=order)
    for n in range(extra_core):
        code = f"K{n + 3}"
        items[code] = factories.CompetencyFactory(domain=care, code=code, order=10 + n)
    items["S1"] = factories.CompetencyFactory(
        domain=skills, code="S1", title="Arterial blood gas", is_core=False, order=1,
        clinical_areas=[area_x],
    )  # fmt: skip
    items["S2"] = factories.CompetencyFactory(
        domain=skills, code="S2", title="Triage", is_core=False, order=2, clinical_areas=[area_y]
    )
    return framework, items, area_x, area_y


def _cohort(framework, *, weeks_ago=26, length_weeks=52, programme=None, **fields):
    intake = TODAY - datetime.timedelta(weeks=weeks_ago)
    extra = {"programme": programme} if programme else {}
    return factories.CohortFactory(
        framework=framework,
        intake_date=intake,
        planned_end_date=intake + datetime.timedelta(weeks=length_weeks),
        **extra,
        **fields,
    )


def _enrol(cohort, area, name, **supporters):
    return factories.enrol(
        cohort, trainee=factories.TraineeFactory(full_name=name), area=area, **supporters
    )


def _set(enrolment, competency, state, **fields):
    updated = CompetencyProgress.objects.filter(
        record_id=enrolment.record_id, competency=competency
    ).update(state=state, **fields)
    assert updated == 1


def _assess(enrolment, competency, on, *, outcome=Assessment.Outcome.ACHIEVED, revokes=None):
    record = enrolment.record
    assessor = factories.MentorFactory()
    return Assessment.objects.create(
        trainee_id=record.trainee_id,
        record=record,
        competency=competency,
        outcome=outcome,
        method="direct_observation",
        assessed_on=on,
        revokes=revokes,
        assessor=assessor,
        assessor_name=assessor.full_name,
        assessor_role="Mentor",
        sequence=Assessment.objects.filter(trainee_id=record.trainee_id).count() + 1,
    )


def _milestone(programme, framework, week, core, specific):
    plan, _ = ProgrammePlan.objects.get_or_create(
        programme=programme, defaults={"framework": framework}
    )
    Milestone.objects.create(plan=plan, week=week, core_target=core, specific_target=specific)


def _defer(enrolment):
    type(enrolment).objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.DEFERRED)


@pytest.fixture
def known_cohort(db):
    """Halfway through a year with a straight-line plan. Amy (critical care) and Ben (emergency
    department) are on it; Cal moved to a later cohort."""
    framework, c, area_x, area_y = _framework()
    cohort = _cohort(framework, weeks_ago=26, length_weeks=52, name="Cohort 7")
    amy = _enrol(cohort, area_x, "Amy Adams")
    ben = _enrol(cohort, area_y, "Ben Brown")
    cal = _enrol(cohort, area_x, "Cal Clark")
    _set(amy, c["K1"], A, achieved_on=TODAY)
    _set(amy, c["K2"], W)
    _set(amy, c["S1"], N)
    _set(ben, c["K1"], A, achieved_on=TODAY, expires_on=TODAY)  # expired today
    _set(ben, c["K2"], P)
    _set(cal, c["K1"], A, achieved_on=TODAY)
    _defer(cal)
    return cohort, c, {"amy": amy, "ben": ben, "cal": cal}


# The competency grid ------------------------------------------------------------------------


def test_the_grid_has_the_current_trainees_against_competencies_grouped_by_domain(known_cohort):
    cohort, c, _ = known_cohort
    grid = competency_grid(cohort, today=TODAY)
    assert [(d.domain.title, [x.code for x in d.competencies]) for d in grid.domains] == [
        ("Care", ["K1", "K2"]),
        ("Clinical skills", ["S1", "S2"]),
    ]
    assert [x.code for x in grid.competencies] == ["K1", "K2", "S1", "S2"]
    assert [(row.enrolment.trainee.full_name, row.states) for row in grid.rows] == [
        ("Amy Adams", [A, W, N, None]),  # S2 is not on her record: not applicable
        ("Ben Brown", [R, P, None, NS]),  # his K1 expired: reassessment due
    ]


def test_the_grid_counts_each_competency_and_ranks_where_the_cohort_is_stuck(known_cohort):
    cohort, c, _ = known_cohort
    grid = competency_grid(cohort, today=TODAY)
    k1, k2, s1, s2 = grid.summaries
    assert (k1.applicable, k1.achieved, k1.reassessment_due, k1.not_started) == (2, 1, 1, 0)
    assert (k2.applicable, k2.achieved, k2.awaiting_sign_off, k2.in_progress) == (2, 0, 1, 1)
    assert (s1.applicable, s1.not_yet_competent, s2.applicable, s2.not_started) == (1, 1, 1, 1)
    # Halfway through a straight-line plan each trainee should have half of their core and
    # half of their specific competencies: K1 and K2 are expected of 1 trainee, S1 and S2 of 0.5.
    assert [s.expected for s in grid.summaries] == pytest.approx([1, 1, 0.5, 0.5])
    # Furthest behind first; between S1 and S2 (both 0.5 behind) the one with a trainee not
    # yet competent first; K1 (achieved as planned) last.
    assert [s.competency.code for s in grid.stuck()] == ["K2", "S1", "S2", "K1"]


def test_an_empty_cohort_has_an_empty_grid(db):
    framework, *_ = _framework()
    grid = competency_grid(_cohort(framework), today=TODAY)
    assert grid.rows == [] and grid.competencies == [] and grid.stuck() == []


# Achievement over time ----------------------------------------------------------------------


def test_achievement_over_time_counts_first_achievements_and_never_revoked_ones(db):
    framework, c, area_x, area_y = _framework()
    cohort = _cohort(framework, weeks_ago=4, length_weeks=52)
    intake = cohort.intake_date
    today = intake + datetime.timedelta(weeks=3, days=2)  # in week 4
    _milestone(cohort.programme, framework, week=4, core=2, specific=1)
    amy = _enrol(cohort, area_x, "Amy Adams")
    ben = _enrol(cohort, area_y, "Ben Brown")
    cal = _enrol(cohort, area_x, "Cal Clark")

    def day(n):
        return intake + datetime.timedelta(days=n)

    _assess(amy, c["K1"], day(2))  # week 1
    mistaken = _assess(amy, c["K2"], day(8))  # week 2, then revoked: never counts
    _assess(amy, c["K2"], day(10), outcome=Assessment.Outcome.REVOKED, revokes=mistaken)
    _assess(ben, c["K2"], day(9), outcome=Assessment.Outcome.NOT_YET_COMPETENT)
    _assess(ben, c["K1"], day(15))  # week 3
    _assess(ben, c["K1"], day(20))  # achieved again: still one competency
    _assess(ben, c["S2"], day(22))  # week 4, so far
    _assess(cal, c["K1"], day(3))  # moved to a later cohort: not counted here
    _defer(cal)

    progress = achievement_over_time(cohort, today=today)
    assert progress.trainees == 2 and progress.required == 6
    assert [(p.week, p.achieved) for p in progress.points] == [
        (0, 0),
        (1, 1),
        (2, 1),
        (3, 2),
        (4, 3),
    ]
    assert [p.up_to for p in progress.points] == [day(-1), day(6), day(13), day(20), today]
    # The plan: 2 core and 1 specific each by week 4, a straight line from nothing.
    assert [p.planned for p in progress.points] == pytest.approx(
        [0, 1.5, 3, 4.5, 2 * 3 * (24 / 7) / 4]
    )


def test_a_cohort_that_has_not_started_has_no_points(db):
    framework, c, area_x, _ = _framework()
    cohort = _cohort(framework, weeks_ago=-2, status="planned")
    _enrol(cohort, area_x, "Amy Adams")
    progress = achievement_over_time(cohort, today=TODAY)
    assert progress.points == [] and progress.trainees == 1


# Comparing cohorts --------------------------------------------------------------------------


def test_cohorts_are_compared_at_the_same_week(db):
    framework, c, area_x, area_y = _framework()
    first = _cohort(framework, weeks_ago=40, name="Cohort 1")
    second = _cohort(framework, weeks_ago=10, programme=first.programme, name="Cohort 2")
    _cohort(framework, weeks_ago=-5, programme=first.programme, name="Cohort 3", status="planned")
    _milestone(first.programme, framework, week=10, core=2, specific=1)

    def on(cohort, weeks, days=0):
        return cohort.intake_date + datetime.timedelta(weeks=weeks, days=days)

    amy = _enrol(first, area_x, "Amy Adams")
    ben = _enrol(first, area_y, "Ben Brown")
    _assess(amy, c["K1"], on(first, 1))
    _assess(amy, c["K2"], on(first, 6))  # after week 5
    _assess(ben, c["K1"], on(first, 4, 6))  # the last day of week 5
    cal = _enrol(second, area_x, "Cal Clark")
    dee = _enrol(second, area_y, "Dee Dunn")
    _assess(cal, c["K1"], on(second, 2))
    _assess(cal, c["K2"], on(second, 3))
    _assess(cal, c["S1"], on(second, 4))
    _assess(dee, c["K1"], on(second, 5))  # the first day of week 6
    revoked = _assess(dee, c["K2"], on(second, 1))
    _assess(dee, c["K2"], on(second, 2), outcome=Assessment.Outcome.REVOKED, revokes=revoked)

    comparison = cohort_comparison(first.programme, week=5, today=TODAY)
    assert comparison.week == 5
    assert [
        (row.cohort.name, row.trainees, row.achieved, row.average, row.reached)
        for row in comparison.cohorts
    ] == [("Cohort 1", 2, 2, 1.0, True), ("Cohort 2", 2, 3, 1.5, True)]
    # By week 5 of 10 the plan asks each trainee for half of 2 core and half of 1 specific.
    assert [row.planned_average for row in comparison.cohorts] == pytest.approx([1.5, 1.5])

    # By default: the week the newest running cohort is in today.
    assert default_comparison_week(first.programme, today=TODAY) == 11
    assert cohort_comparison(first.programme, today=TODAY).week == 11
    later = cohort_comparison(first.programme, week=20, today=TODAY)
    assert [(row.achieved, row.reached) for row in later.cohorts] == [(3, True), (4, False)]


# Pages --------------------------------------------------------------------------------------


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _grid_cells(html: str) -> dict[str, list[tuple[str, str, str]]]:
    """Each trainee's row of the grid: [(code, cell class, colour class), ...]."""
    table = html.split('data-testid="competency-grid"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        name = re.search(r'<th[^>]*scope="row"[^>]*><a [^>]*>([^<]*)</a>', row).group(1)
        rows[name] = [
            (code, cell.split()[-1], colour.split()[1] if "nhsuk-tag" in colour else colour)
            for cell, colour, code in re.findall(
                r'<td class="([^"]*)"[^>]*><(?:strong|span) class="([^"]*)" aria-hidden="true">'
                r"([^<]*)<",
                row,
            )
        ]
    return rows


def _no_inline_style(html: str) -> None:
    """The Content Security Policy allows only the site's own stylesheets: no style attribute,
    and no <style> but the site's own, carried inline by every page and allowed by their hashes
    (pathway/inline_assets.py)."""
    hashes = {csp_hash(inline_text(name)) for name in STYLES}
    blocks = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert {csp_hash(block) for block in blocks} <= hashes
    assert html.count("<style") == len(blocks) and " style=" not in html


def test_the_grid_page_shows_the_key_the_cells_and_where_the_cohort_is_stuck(
    client, lead_nurse, known_cohort
):
    cohort, c, people = known_cohort
    response = _get(client, lead_nurse, reverse("cohorts:cohort_grid", args=[cohort.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # NHS.UK's scroll component: the table scrolls both ways in a labelled region a keyboard
    # reaches, whose heading row and first column stick (app-grid-scroll in pathway.css).
    assert re.search(
        r'<div class="nhsuk-scroll__content app-grid-scroll" tabindex="0" role="region" '
        r'aria-label="Competency grid for Cohort 7, scrolls both ways; the heading row and the '
        r'trainee column stay in view"[^>]*>\s*<table class="nhsuk-table app-grid"',
        html,
    )
    # The only page that uses the whole width of the screen.
    main = html.split('<main class="nhsuk-main-wrapper"', 1)[0].rsplit("<div ", 1)[1]
    assert main.startswith('class="nhsuk-width-container-fluid">')
    assert '<caption class="nhsuk-table__caption">Each trainee\'s competencies in Cohort 7' in html
    key = html.split('data-testid="grid-key"', 1)[1].split("</ul>", 1)[0]
    for code, label in [
        ("A", "Achieved"),
        ("W", "Awaiting sign-off"),
        ("P", "In progress"),
        ("N", "Not yet competent"),
        ("R", "Reassessment due"),
        ("–", "Not started"),
        ("n/a", "Not applicable"),
    ]:
        assert f'aria-hidden="true">{code}</' in key and label in key
    assert html.index('data-testid="grid-key"') < html.index('data-testid="competency-grid"')
    assert '<abbr title="Hand hygiene">K1</abbr>' in html
    assert '<span class="nhsuk-u-visually-hidden"> Triage (specific)</span>' in html
    assert (
        '<th class="nhsuk-table__header app-grid__domain" scope="colgroup" colspan="2">Care' in html
    )
    na = ("n/a", "app-grid--not-applicable", "nhsuk-u-secondary-text-colour")
    assert _grid_cells(html) == {
        "Amy Adams": [
            ("A", "app-grid--achieved", "nhsuk-tag--green"),
            ("W", "app-grid--awaiting", "nhsuk-tag--yellow"),
            ("N", "app-grid--not-yet-competent", "nhsuk-tag--red"),
            na,
        ],
        "Ben Brown": [
            ("R", "app-grid--reassessment-due", "nhsuk-tag--orange"),
            ("P", "app-grid--in-progress", "nhsuk-tag--blue"),
            na,
            ("–", "app-grid--not-started", "nhsuk-tag--grey"),
        ],
    }
    _no_inline_style(html)
    assert "Cal Clark" not in html
    assert '<span class="nhsuk-u-visually-hidden">Reassessment due</span>' in html
    totals = html.split('data-testid="grid-totals"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r">(\d+)<span aria-hidden", totals) == ["1", "0", "0", "0"]
    stuck = html.split('data-testid="stuck"', 1)[1].split("</table>", 1)[0]
    assert "<caption" in stuck
    assert re.findall(r'scope="row">(\w+) ', stuck) == ["K2", "S1", "S2", "K1"]
    overview = reverse("cohorts:trainee_overview", args=[people["amy"].pk])
    assert f'href="{overview}"' in html


def _svg_in(html: str) -> ET.Element:
    return _svg(re.search(r"<svg xmlns=.*?</svg>", html, re.S).group(0))


def test_the_progress_chart_page_has_the_chart_and_its_data_table(client, lead_nurse, db):
    framework, c, area_x, _ = _framework()
    cohort = _cohort(framework, weeks_ago=3, name="Cohort 9")
    amy = _enrol(cohort, area_x, "Amy Adams")
    _assess(amy, c["K1"], cohort.intake_date + datetime.timedelta(days=3))
    _assess(amy, c["K2"], cohort.intake_date + datetime.timedelta(days=10))
    response = _get(client, lead_nurse, reverse("cohorts:cohort_progress_chart", args=[cohort.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    _no_inline_style(html)
    root = _svg_in(html)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text.startswith("Cohort 9: competencies achieved over time")
    achieved, plan = root.findall(f".//{SVG}polyline")
    weeks = cohort.week_on(TODAY) + 1  # the intake and each week since
    assert len(_points(achieved)) == len(_points(plan)) == weeks
    assert _texts(root, "app-chart__axis-title--x") == ["Week since intake"]
    table = html.split('data-testid="chart-data"', 1)[1].split("</table>", 1)[0]
    assert "<caption" in table and "(the chart's data)" in table
    rows = re.findall(r'<th class="nhsuk-table__header" scope="row">([^<]*)</th>', table)
    assert rows[0] == "Intake" and rows[1:3] == ["Week 1", "Week 2"] and len(rows) == weeks
    assert re.findall(r'app-num">(\d+)</td>\s*<td class="nhsuk-table__cell app-num">', table)[
        :3
    ] == ["0", "1", "2"]


def test_the_comparison_page_has_the_chart_its_table_and_a_week_form(client, lead_nurse, db):
    framework, c, area_x, _ = _framework()
    first = _cohort(framework, weeks_ago=40, name="Cohort 1")
    second = _cohort(framework, weeks_ago=10, programme=first.programme, name="Cohort 2")
    amy = _enrol(first, area_x, "Amy Adams")
    _enrol(second, area_x, "Ben Brown")
    _assess(amy, c["K1"], first.intake_date + datetime.timedelta(days=3))
    url = reverse("cohorts:cohort_comparison")
    html = _get(client, lead_nurse, url + "?week=4").content.decode()
    assert "Compare cohorts at week 4" in html
    _no_inline_style(html)
    root = _svg_in(html)
    bars = [el for el in root.iter(f"{SVG}rect") if el.get("class") == "app-chart__bar"]
    assert len(bars) == 4  # 2 cohorts x (achieved, plan)
    assert _texts(root, "app-chart__tick--x") == ["Cohort 1", "Cohort 2"]
    table = html.split('data-testid="chart-data"', 1)[1].split("</table>", 1)[0]
    assert "<caption" in table
    assert re.findall(r'scope="row">([^<]*)</th>', table) == ["Cohort 1", "Cohort 2"]
    assert 'name="week"' in html and 'method="get"' in html

    default = _get(client, lead_nurse, url).content.decode()
    assert "Compare cohorts at week 11" in default and 'value="11"' in default

    wrong = _get(client, lead_nurse, url + "?week=abc")
    assert wrong.status_code == 200
    wrong_html = wrong.content.decode()
    assert "<title>Error: " in wrong_html and "nhsuk-error-summary" in wrong_html
    assert "Enter the week as a number from 1 to 104" in wrong_html
    assert 'value="abc"' in wrong_html  # what was typed is kept
    assert (
        "Enter a week from 1 to 104" in _get(client, lead_nurse, url + "?week=0").content.decode()
    )


def test_the_grid_exports_as_csv_and_as_a_workbook(client, lead_nurse, known_cohort):
    cohort, c, _ = known_cohort
    client.force_login(lead_nurse)
    response = client.get(reverse("cohorts:cohort_grid_export", args=[cohort.pk, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][4:] == ["K1", "K2", "S1", "S2"]
    assert [row[0] for row in rows[1:]] == ["Amy Adams", "Ben Brown"]
    assert rows[1][4:] == ["Achieved", "Awaiting sign-off", "Not yet competent", "Not applicable"]
    assert rows[2][4:] == ["Reassessment due", "In progress", "Not applicable", "Not started"]

    response = client.get(reverse("cohorts:cohort_grid_export", args=[cohort.pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][4:] == ["K1", "K2", "S1", "S2"] and lines[1][0] == "Amy Adams"
    assert client.get(f"/cohorts/{cohort.pk}/grid/export.pdf").status_code == 404


def test_an_exported_name_is_never_a_formula(client, lead_nurse, db):
    framework, c, area_x, _ = _framework()
    cohort = _cohort(framework)
    _enrol(cohort, area_x, '=HYPERLINK("http://example.com")')
    client.force_login(lead_nurse)
    response = client.get(reverse("cohorts:cohort_grid_export", args=[cohort.pk, "csv"]))
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")
    response = client.get(reverse("cohorts:cohort_grid_export", args=[cohort.pk, "xlsx"]))
    cell = openpyxl.load_workbook(io.BytesIO(response.content)).active["A2"]
    assert cell.data_type == "s"


def _overview_data(enrolment, *, size):
    """Reviews, training days with marks, module results and past allocations for one trainee."""
    cohort = enrolment.cohort
    lead = factories.LeadNurseFactory()
    statuses = list(Attendance.Status)
    for n in range(size):
        Review.objects.create(
            enrolment=enrolment,
            held_on=TODAY - datetime.timedelta(days=10 + n),
            progress_summary="Steady progress",
            rag=Review.Rag.GREEN if n else Review.Rag.AMBER,
            rag_reason=f"Reason {n}",
            recorded_by=lead,
        )
        day = TrainingDay.objects.create(
            cohort=cohort, date=TODAY - datetime.timedelta(days=20 + n), topic=f"Topic {n}"
        )
        Attendance.objects.create(
            training_day=day, enrolment=enrolment, status=statuses[n % len(statuses)]
        )
        module = Module.objects.create(programme=cohort.programme, title=f"Module {n}", order=n)
        ModuleResult.objects.create(
            enrolment=enrolment, module=module, outcome="pass", mark=60 + n, date=TODAY
        )
        factories.AllocationFactory(
            trainee=enrolment.trainee,
            supporter=factories.MentorFactory(),
            start_date=TODAY - datetime.timedelta(days=100),
            end_date=TODAY - datetime.timedelta(days=50 + n),
        )
    TrainingDay.objects.create(cohort=cohort, date=TODAY + datetime.timedelta(days=5), topic="Soon")


def test_the_trainee_overview_shows_everything_on_one_page(client, lead_nurse, db):
    framework, c, area_x, _ = _framework()
    first = _cohort(framework, weeks_ago=30, name="Cohort 1")
    second = _cohort(framework, weeks_ago=4, programme=first.programme, name="Cohort 2")
    mentor, tutor, educator = (
        factories.MentorFactory(full_name="Mo Mentor"),
        factories.TutorFactory(full_name="Tu Tutor"),
        factories.PracticeEducatorFactory(full_name="Ed Educator"),
    )
    before = _enrol(first, area_x, "Amy Adams", mentor=mentor, tutor=tutor, educator=educator)
    from cohorts.services.cohorts import enrolment_defer

    enrolment = enrolment_defer(
        actor=None, enrolment=before, to_cohort=second, reason="Long-term sickness"
    )
    _set(enrolment, c["K1"], A, achieved_on=TODAY)
    _set(enrolment, c["K2"], W)
    _overview_data(enrolment, size=2)

    response = _get(client, lead_nurse, reverse("cohorts:trainee_overview", args=[enrolment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Amy Adams" in html and "Cohort 2" in html
    assert "Moved from" in html and "Long-term sickness" in html
    assert "Mo Mentor" in html and "Tu Tutor" in html and "Ed Educator" in html
    assert 'data-testid="past-allocations"' in html
    progress = html.split('data-testid="progress"', 1)[1].split("</dl>", 1)[0]
    assert "1 of 2 achieved" in progress and "0 of 1 achieved" in progress
    record_url = reverse("competencies:record_detail", args=[enrolment.record_id])
    assert f'href="{record_url}"' in html
    reviews = html.split('data-testid="reviews"', 1)[1].split("</table>", 1)[0]
    assert "<caption" in reviews and ">Amber</strong>" in reviews and ">Green</strong>" in reviews
    attendance = html.split('data-testid="attendance-summary"', 1)[1].split("</dl>", 1)[0]
    assert "50%" in attendance and "1 present, 1 absent, 0 excused" in attendance
    assert "Topic 0" in html and "Topic 1" in html and "Training days to come" in html
    results = html.split('data-testid="results"', 1)[1].split("</table>", 1)[0]
    assert "Module 0" in results and "60%" in results and ">Pass</strong>" in results
    assert html.count("<caption") >= 5
    _no_inline_style(html)


def test_the_overview_counts_attendance_leaving_excused_days_out(client, lead_nurse, db):
    framework, c, area_x, _ = _framework()
    enrolment = _enrol(_cohort(framework), area_x, "Amy Adams")
    _overview_data(enrolment, size=3)  # present, absent, excused
    html = _get(
        client, lead_nurse, reverse("cohorts:trainee_overview", args=[enrolment.pk])
    ).content.decode()
    attendance = html.split('data-testid="attendance-summary"', 1)[1].split("</dl>", 1)[0]
    assert "50%" in attendance and "1 present, 1 absent, 1 excused" in attendance


# Query counts -------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _busy_cohort(trainees: int, extra_core: int):
    framework, c, area_x, area_y = _framework(extra_core=extra_core)
    cohort = _cohort(framework, weeks_ago=10)
    enrolments = [
        _enrol(cohort, area_x if n % 2 else area_y, f"Trainee {n:02d}") for n in range(trainees)
    ]
    for n, enrolment in enumerate(enrolments):
        for competency in list(c.values())[: n % 4 + 1]:
            if CompetencyProgress.objects.filter(
                record_id=enrolment.record_id, competency=competency
            ).exists():
                _assess(enrolment, competency, cohort.intake_date + datetime.timedelta(days=n))
                _set(enrolment, competency, A, achieved_on=cohort.intake_date)
    return cohort, enrolments


@pytest.mark.parametrize(
    "url_name", ["cohorts:cohort_grid", "cohorts:cohort_progress_chart", "cohorts:trainee_overview"]
)
def test_page_queries_do_not_grow_with_trainees_or_competencies(client, lead_nurse, url_name):
    client.force_login(lead_nurse)
    client.get(
        reverse("pathway:account")
    )  # the first page counts the header's unread notifications (then cached)
    counts = []
    for trainees, extra_core, size in ((2, 0, 1), (20, 8, 6)):
        cohort, enrolments = _busy_cohort(trainees, extra_core)
        _overview_data(enrolments[0], size=size)
        pk = enrolments[0].pk if url_name == "cohorts:trainee_overview" else cohort.pk
        counts.append(_count(client, reverse(url_name, args=[pk])))
    assert counts[0] == counts[1], counts


def test_comparison_queries_do_not_grow_with_cohorts_or_trainees(client, lead_nurse):
    client.force_login(lead_nurse)
    url = reverse("cohorts:cohort_comparison") + "?week=5"
    client.get(
        reverse("pathway:account")
    )  # the first page counts the header's unread notifications (then cached)
    small, _ = _busy_cohort(2, 0)
    first = _count(client, url)
    for _ in range(2):
        framework, *_rest = _framework()
        cohort = _cohort(framework, weeks_ago=5, programme=small.programme)
        for n in range(10):
            _enrol(cohort, _rest[1], f"Extra {cohort.pk}-{n}")
    assert _count(client, url) == first


# Who may see these pages --------------------------------------------------------------------


@pytest.fixture
def setting(known_cohort):
    """The known cohort, with Amy's supporters, and people who have no part in it."""
    cohort, c, people = known_cohort
    amy = people["amy"]
    mentor, tutor = factories.MentorFactory(), factories.TutorFactory()
    educator, manager = factories.PracticeEducatorFactory(), factories.ManagerFactory()
    for person, kind in (
        (mentor, Allocation.Kind.MENTOR),
        (tutor, Allocation.Kind.TUTOR),
        (educator, Allocation.Kind.PRACTICE_EDUCATOR),
        (manager, Allocation.Kind.MANAGER),
    ):
        factories.AllocationFactory(trainee=amy.trainee, supporter=person, kind=kind)
    urls = {
        "grid": reverse("cohorts:cohort_grid", args=[cohort.pk]),
        "chart": reverse("cohorts:cohort_progress_chart", args=[cohort.pk]),
        "export": reverse("cohorts:cohort_grid_export", args=[cohort.pk, "xlsx"]),
        "comparison": reverse("cohorts:cohort_comparison"),
        "overview": reverse("cohorts:trainee_overview", args=[amy.pk]),
    }
    return {
        "urls": urls,
        "amy": amy,
        "ben": people["ben"],
        "mentor": mentor,
        "tutor": tutor,
        "educator": educator,
        "manager": manager,
    }


REFUSED = {
    "trainee": lambda s: s["ben"].trainee,  # another trainee, of the same cohort
    "mentor": lambda s: factories.MentorFactory(),
    "tutor": lambda s: factories.TutorFactory(),
    "manager": lambda s: factories.ManagerFactory(),
    "practice educator": lambda s: factories.PracticeEducatorFactory(),  # supports nobody here
}


@pytest.mark.parametrize("screen", ["grid", "chart", "export", "comparison", "overview"])
def test_anonymous_people_are_sent_to_sign_in(client, setting, screen):
    url = setting["urls"][screen]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("screen", ["grid", "chart", "export", "comparison", "overview"])
@pytest.mark.parametrize("role", list(REFUSED))
def test_people_with_no_part_are_refused(client, setting, screen, role):
    assert _get(client, REFUSED[role](setting), setting["urls"][screen]).status_code == 403


@pytest.mark.parametrize(
    ("who", "screen", "expected"),
    [
        ("educator", "grid", 200),  # supports a trainee in the cohort
        ("educator", "chart", 200),
        ("educator", "export", 200),
        ("educator", "overview", 200),
        ("educator", "comparison", 403),  # the programme is the lead nurse's
        ("mentor", "overview", 200),
        ("tutor", "overview", 200),
        ("manager", "overview", 200),
        ("mentor", "grid", 403),
        ("amy", "overview", 200),  # her own
        ("amy", "grid", 403),
    ],
)
def test_who_sees_what(client, setting, who, screen, expected):
    person = setting[who].trainee if who == "amy" else setting[who]
    assert _get(client, person, setting["urls"][screen]).status_code == expected


def test_a_supporter_whose_allocation_ended_is_refused_the_overview(client, setting):
    Allocation.objects.filter(supporter=setting["mentor"]).update(
        start_date=TODAY - datetime.timedelta(days=60), end_date=TODAY - datetime.timedelta(days=1)
    )
    assert _get(client, setting["mentor"], setting["urls"]["overview"]).status_code == 403


def test_the_lead_nurse_sees_every_page(client, lead_nurse, setting):
    for url in setting["urls"].values():
        assert _get(client, lead_nurse, url).status_code == 200, url


def test_with_several_programmes_the_lead_nurse_chooses_which_to_compare(client, lead_nurse, db):
    framework, c, area_x, _ = _framework()
    ours = _cohort(framework, weeks_ago=10, name="Spring intake")
    theirs = _cohort(framework, weeks_ago=30, name="Autumn intake")
    _enrol(ours, area_x, "Amy Adams")
    _enrol(theirs, area_x, "Ben Brown")
    url = reverse("cohorts:cohort_comparison")
    html = _get(client, lead_nurse, url).content.decode()
    assert 'name="programme"' in html
    assert re.findall(r'scope="row">([^<]*)</th>', html) == ["Spring intake"]  # newest running
    html = _get(client, lead_nurse, f"{url}?programme={theirs.programme_id}&week=3").content
    assert re.findall(r'scope="row">([^<]*)</th>', html.decode()) == ["Autumn intake"]
    wrong = _get(client, lead_nurse, f"{url}?programme=999999").content.decode()
    assert "Select a programme from the list" in wrong
