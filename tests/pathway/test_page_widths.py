"""One page width everywhere, and charts that give way to their tables on a phone (issue 16,
point 7). The cohort's competency grid is the only full-width page (tests/cohorts/test_charts.py);
tests/e2e checks the result in a browser at 390 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CSS = Path(settings.BASE_DIR) / "static" / "css"


def _screen_rules(css: str) -> str:
    """The stylesheet without its print rules (everything from the first @media print on is
    print-only in these files, which keep print rules last)."""
    return css.split("@media print", 1)[0]


def test_the_dashboards_keep_the_usual_page_width():
    # They once widened the container to 1360 px; their wide tables scroll in regions instead.
    dashboards = (CSS / "dashboards.css").read_text()
    assert ".nhsuk-width-container" not in _screen_rules(dashboards)


@pytest.mark.django_db
def test_the_programme_overview_uses_the_usual_container(client, lead_nurse):
    client.force_login(lead_nurse)
    html = client.get(reverse("cohorts:programme_overview")).content.decode()
    around_main = html.split('<main class="nhsuk-main-wrapper"', 1)[0].rsplit("<div ", 1)[1]
    assert around_main.startswith('class="nhsuk-width-container">')
    assert "nhsuk-width-container-fluid" not in html


def test_only_the_grid_widens_the_page():
    widened = sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "{% block page_width %}" in path.read_text() and path.name != "base.html"
    )
    assert widened == ["cohorts/cohort_grid.html"]


def test_every_chart_gives_way_to_its_table_on_a_phone():
    figures = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for figure in re.findall(r"<figure[^>]*>", text):
            figures.append((path.name, figure))
            # The same figures follow in a table on the same page.
            assert "the chart's data" in text, path
    assert len(figures) >= 8
    assert all("app-chart-figure" in tag for _, tag in figures), figures
    css = (CSS / "pathway.css").read_text()
    phone = re.search(
        r"@media \(max-width: 40\.0525em\) \{\s*\.app-chart-figure \{\s*display: none;", css
    )
    assert phone, "charts are not hidden on a phone"


@pytest.mark.django_db
def test_the_cohort_dashboard_links_to_its_grid_and_chart(client, lead_nurse):
    from tests import factories

    cohort = factories.CohortFactory()
    client.force_login(lead_nurse)
    html = client.get(reverse("cohorts:cohort_detail", args=[cohort.pk])).content.decode()
    links = html.split('data-testid="grid-links"', 1)[1].split("</ul>", 1)[0]
    assert reverse("cohorts:cohort_grid", args=[cohort.pk]) in links
    assert reverse("cohorts:cohort_progress_chart", args=[cohort.pk]) in links
