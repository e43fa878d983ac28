"""Apprenticeship standards, the standard a programme follows, and apprentices' terms in the
audit history: who changed what, old and new values."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from apprenticeships.models import Apprenticeship
from apprenticeships.services import standards as services
from tests import factories

pytestmark = pytest.mark.django_db

AUDIT = reverse("cohorts:audit_log")


def _audit(client, kind: str) -> str:
    client.force_login(factories.LeadNurseFactory())
    response = client.get(AUDIT, {"kind": kind})
    assert response.status_code == 200
    return response.content.decode()


def test_a_change_to_a_standard_shows_in_the_audit_log(client):
    lead = factories.LeadNurseFactory(full_name="Lena Lead")
    standard = factories.ApprenticeshipStandardFactory(
        reference="ST0215", version="1.1", minimum_otj_hours=500
    )
    client.force_login(lead)
    fields = {
        "reference": "ST0215",
        "title": standard.title,
        "level": standard.level,
        "version": "1.1",
        "typical_duration_months": standard.typical_duration_months,
        "minimum_otj_hours": 587,
        "funding_band": standard.funding_band,
    }
    response = client.post(reverse("apprenticeships:standard_edit", args=[standard.pk]), fields)
    assert response.status_code == 302
    latest = standard.history.first()
    assert (latest.history_type, latest.history_user, latest.minimum_otj_hours) == ("~", lead, 587)
    page = _audit(client, "apprenticeship_standard")
    assert "Apprenticeship standard ST0215 version 1.1" in page
    assert "Lena Lead" in page and "587" in page and "500" in page


def test_a_change_to_an_apprentices_terms_shows_in_the_audit_log(client):
    lead = factories.LeadNurseFactory(full_name="Lena Lead")
    standard = factories.ApprenticeshipStandardFactory(minimum_otj_hours=600)
    cohort = factories.CohortFactory()
    enrolment = factories.enrol(cohort)
    services.programme_standard_set(actor=None, programme=cohort.programme, standard=standard)
    client.force_login(lead)
    url = reverse("apprenticeships:terms_edit", args=[enrolment.pk])
    for hours in ("", "640"):
        response = client.post(
            url,
            {
                **factories.date_fields("practical_period_start", datetime.date(2025, 9, 1)),
                **factories.date_fields("planned_end_date", datetime.date(2027, 3, 1)),
                "planned_otj_hours": hours,
                "levy_funded": "yes",
            },
        )
        assert response.status_code == 302
    terms = Apprenticeship.objects.get()
    created, changed = terms.history.order_by("history_id")
    assert (created.history_type, created.planned_otj_hours) == ("+", 600)
    assert (changed.history_type, changed.history_user, changed.planned_otj_hours) == (
        "~",
        lead,
        640,
    )
    page = _audit(client, "apprenticeship_terms")
    assert f"Apprenticeship terms: {enrolment.trainee.full_name}" in page
    assert "Lena Lead" in page and "640" in page
    # The programme's standard has its history too.
    page = _audit(client, "apprenticeship_programme")
    assert f"Apprenticeship standard of {cohort.programme.name}" in page
