"""A competency needing no supervised practice says "None needed" wherever practice is counted,
never "0" or "0 logged of 0 needed" (issue 16, point 7)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from competencies.templatetags.competency_tags import practice_needed
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_framework_page_says_none_needed(client, lead_nurse):
    framework = factories.PublishedFrameworkFactory()
    domain = factories.DomainFactory(framework=framework)
    factories.CompetencyFactory(domain=domain, supervised_practices_required=0)
    factories.CompetencyFactory(domain=domain, supervised_practices_required=3)
    client.force_login(lead_nurse)
    html = client.get(reverse("competencies:framework_detail", args=[framework.pk])).content
    cells = [
        cell.split("</span>", 1)[1].split("</td>", 1)[0]
        for cell in html.decode().split('aria-hidden="true">Supervised practices ')[1:]
    ]
    assert sorted(cells) == ["3", "None needed"]


def test_the_practice_count_says_none_needed():
    assert practice_needed(0, 0) == "None needed"
    assert practice_needed(2, 0) == "None needed (2 logged)"
    assert practice_needed(1, 3) == "1 logged of 3 needed"
