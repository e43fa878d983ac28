"""KSB coverage: by a framework (which KSBs no competency covers) and by an apprentice (which
KSBs their current sign-offs evidence), on the page and in CSV and XLSX."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprenticeships.selectors import coverage as selectors
from competencies.models import CompetencyProgress, ProgressState
from tests import factories

pytestmark = pytest.mark.django_db


def _achieve(apprenticeship, competency):
    CompetencyProgress.objects.filter(
        record=apprenticeship.enrolment.record, competency=competency
    ).update(state=ProgressState.ACHIEVED)


def test_framework_coverage_lists_the_uncovered_ksbs():
    terms, standard, ksbs, competencies = factories.apprentice_on_standard(ksbs=4, competencies=2)
    framework = terms.enrolment.record.framework
    coverage = selectors.framework_coverage(standard, framework)
    assert [row.ksb.code for row in coverage.uncovered] == ["K3", "K4"]
    assert coverage.rows[0].competencies == [competencies[0]]
    # A competency of another framework mapped to K3 does not cover it here.
    factories.CompetencyFactory().ksbs.add(ksbs[2])
    assert len(selectors.framework_coverage(standard, framework).uncovered) == 2


def test_apprentice_coverage_counts_current_sign_offs_only():
    terms, standard, ksbs, competencies = factories.apprentice_on_standard(ksbs=3)
    _achieve(terms, competencies[0])
    CompetencyProgress.objects.filter(
        record=terms.enrolment.record, competency=competencies[1]
    ).update(state=ProgressState.AWAITING_SIGN_OFF)
    coverage = selectors.apprentice_coverage(terms)
    assert [row.ksb.code for row in coverage.evidenced] == ["K1"]
    assert [row.status for row in coverage.rows] == [
        "Evidenced",
        "Not yet evidenced",
        "Not yet evidenced",
    ]
    # Expired: no longer current.
    import datetime

    from django.utils import timezone

    CompetencyProgress.objects.filter(
        record=terms.enrolment.record, competency=competencies[0]
    ).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    assert selectors.apprentice_coverage(terms).evidenced == []


def _table_rows(content: bytes, fmt: str) -> list[list]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [
        [("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_coverage_exports(client, fmt):
    terms, standard, ksbs, competencies = factories.apprentice_on_standard(ksbs=2, competencies=1)
    _achieve(terms, competencies[0])
    client.force_login(factories.LeadNurseFactory())
    framework = terms.enrolment.record.framework
    response = client.get(
        reverse("apprenticeships:framework_coverage_export", args=[standard.pk, framework.pk, fmt])
    )
    rows = _table_rows(response.content, fmt)
    assert rows[0][:4] == ["KSB", "Kind", "Text", "Covered"]
    assert [r[3] for r in rows[1:]] == ["Yes", "No"]
    response = client.get(reverse("apprenticeships:apprentice_ksb_export", args=[terms.pk, fmt]))
    rows = _table_rows(response.content, fmt)
    assert [r[3] for r in rows[1:]] == ["Evidenced", "No competency mapped"]
    assert rows[1][4].startswith(competencies[0].code)


def test_coverage_page_and_unknown_format(client):
    terms, standard, ksbs, competencies = factories.apprentice_on_standard(ksbs=2, competencies=1)
    client.force_login(factories.LeadNurseFactory())
    framework = terms.enrolment.record.framework
    page = client.get(
        reverse("apprenticeships:framework_coverage", args=[standard.pk, framework.pk])
    ).content.decode()
    assert "1 of 2 KSBs are covered" in page
    assert (
        client.get(
            reverse(
                "apprenticeships:framework_coverage_export", args=[standard.pk, framework.pk, "pdf"]
            )
        ).status_code
        == 404
    )
    # A framework not linked to the standard has no coverage page.
    other = factories.PublishedFrameworkFactory()
    assert (
        client.get(
            reverse("apprenticeships:framework_coverage", args=[standard.pk, other.pk])
        ).status_code
        == 404
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_make_the_same_number_of_queries_however_many_ksbs(client):
    lead = factories.LeadNurseFactory()
    client.force_login(lead)
    client.get(reverse("apprenticeships:standard_list"))  # the session's first queries
    counts = []
    for size in (2, 6):
        terms, standard, ksbs, competencies = factories.apprentice_on_standard(
            ksbs=size, competencies=size
        )
        for competency in competencies:
            _achieve(terms, competency)
        framework = terms.enrolment.record.framework
        counts.append(
            (
                _count(client, reverse("apprenticeships:standard_list")),
                _count(client, reverse("apprenticeships:standard_detail", args=[standard.pk])),
                _count(
                    client,
                    reverse("apprenticeships:framework_coverage", args=[standard.pk, framework.pk]),
                ),
                _count(client, reverse("apprenticeships:apprentice", args=[terms.pk])),
                _count(
                    client,
                    reverse(
                        "apprenticeships:programme_standard",
                        args=[terms.enrolment.cohort.programme.pk],
                    ),
                ),
                _count(client, reverse("apprenticeships:programme_list")),
            )
        )
    assert counts[0] == counts[1]


def test_the_apprentice_sees_their_page_and_others_do_not(client):
    terms, *_ = factories.apprentice_on_standard()
    url = reverse("apprenticeships:apprentice", args=[terms.pk])
    client.force_login(terms.enrolment.trainee)
    assert client.get(url).status_code == 200
    client.force_login(factories.TraineeFactory())
    assert client.get(url).status_code == 404
    client.force_login(factories.AdministratorFactory())
    assert client.get(url).status_code == 404
