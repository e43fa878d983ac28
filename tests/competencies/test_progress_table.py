"""The progress page's table rows (built by the `progress_rows` tag rather than a template loop):
each competency's link, core or specific, the supervised practice count, and the status tag
with its words, including an expiry date and a reassessment that has fallen due."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from competencies.models import CompetencyProgress, ProgressState
from tests import factories

pytestmark = pytest.mark.django_db


def _rows(client, record):
    client.force_login(record.trainee)
    page = lxml_html.fromstring(client.get(reverse("competencies:my_progress")).content)
    rows = {}
    for tr in page.xpath("//h2[.='Competencies by domain']/following::table[1]/tbody/tr"):
        cells = tr.xpath("./td")
        link = cells[0].xpath(".//a")[0]
        rows[link.text_content().split(" ")[0]] = {
            "href": link.get("href"),
            "cells": [" ".join(" ".join(td.itertext()).split()) for td in cells],
            "tag": cells[3].xpath(".//strong[contains(@class, 'nhsuk-tag')]")[0],
        }
    return rows


def test_each_row_shows_the_competency_its_practice_and_a_worded_tag(client):
    today = timezone.localdate()
    area = factories.ClinicalAreaFactory()
    framework = factories.PublishedFrameworkFactory()
    domain = factories.DomainFactory(framework=framework)
    practising = factories.CompetencyFactory(
        domain=domain, code="C1", title="Take a blood pressure", supervised_practices_required=3
    )
    expiring = factories.CompetencyFactory(
        domain=domain, code="C2", title="Basic life support", supervised_practices_required=0
    )
    expired = factories.CompetencyFactory(
        domain=domain,
        code="C3",
        title="Moving & handling",
        is_core=False,
        clinical_areas=[area],
        supervised_practices_required=0,
    )
    record = factories.TrainingRecordFactory(framework=framework, clinical_area=area)
    CompetencyProgress.objects.create(
        record=record, competency=practising, state=ProgressState.IN_PROGRESS, practice_count=1
    )
    CompetencyProgress.objects.create(
        record=record,
        competency=expiring,
        state=ProgressState.ACHIEVED,
        achieved_on=today - datetime.timedelta(days=30),
        expires_on=datetime.date(today.year + 1, 3, 7),
    )
    CompetencyProgress.objects.create(
        record=record,
        competency=expired,
        state=ProgressState.ACHIEVED,
        achieved_on=today - datetime.timedelta(days=400),
        expires_on=today,
    )

    rows = _rows(client, record)

    assert list(rows) == ["C1", "C2", "C3"]
    for code, competency in (("C1", practising), ("C2", expiring), ("C3", expired)):
        assert rows[code]["href"] == reverse(
            "competencies:competency_detail", args=[record.pk, competency.pk]
        )
    assert rows["C1"]["cells"] == [
        "Competency C1 Take a blood pressure",
        "Core or specific Core",
        "Supervised practice 1 of 3 needed",
        "Status In progress",
    ]
    assert rows["C2"]["cells"][2] == "Supervised practice None needed"
    assert rows["C2"]["cells"][3] == f"Status Achieved Expires 7 Mar {today.year + 1}"
    assert "nhsuk-tag--green" in rows["C2"]["tag"].get("class")
    # Escaped once, not twice.
    assert rows["C3"]["cells"][0] == "Competency C3 Moving & handling"
    assert rows["C3"]["cells"][1] == "Core or specific Specific"
    assert rows["C3"]["cells"][3] == f"Status Reassessment due Expires {today:%-d %b %Y}"
    assert "nhsuk-tag--orange" in rows["C3"]["tag"].get("class")
    assert rows["C1"]["tag"].text_content() == "In progress"
