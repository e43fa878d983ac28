"""Two lead nurses editing the same framework, domain or competency: the second save is refused
with the first one's change shown, what the second typed is kept, and saving again is a
deliberate overwrite (issue 14, point 9; pathway/concurrency.py)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from competencies.models import AssessmentMethod, Competency, Domain, Framework
from competencies.services import frameworks as services
from pathway.concurrency import StaleEdit, version_of
from tests import factories

pytestmark = pytest.mark.django_db

REFUSED = "changed this while you were editing it"


def _version_on_page(response) -> str:
    return re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _competency_data(competency, **changes) -> dict:
    data = {
        "code": competency.code,
        "title": competency.title,
        "description": competency.description,
        "performance_criteria": "\n".join(competency.performance_criteria),
        "underpinning_knowledge": competency.underpinning_knowledge,
        "applies_to": "core" if competency.is_core else "specific",
        "clinical_areas": [area.pk for area in competency.clinical_areas.all()],
        "assessment_methods": list(competency.assessment_methods),
        "supervised_practices_required": str(competency.supervised_practices_required),
        "reassessment_months": competency.reassessment_months or "",
        "domain": competency.domain_id,
    }
    data.update(changes)
    return data


@pytest.fixture
def leads(db):
    return factories.LeadNurseFactory(full_name="Asha Patel"), factories.LeadNurseFactory()


def _both_open(client, url, first, second) -> tuple[str, str]:
    """Each lead nurse opens the edit page before either saves: the versions they were shown."""
    client.force_login(second)
    seen_by_second = _version_on_page(client.get(url))
    client.force_login(first)
    seen_by_first = _version_on_page(client.get(url))
    return seen_by_first, seen_by_second


def test_two_people_editing_one_framework_the_second_is_refused_and_loses_nothing(client, leads):
    first, second = leads
    framework = factories.FrameworkFactory(name="AP critical care", description="Band 4")
    url = reverse("competencies:framework_edit", args=[framework.pk])
    seen_by_first, seen_by_second = _both_open(client, url, first, second)

    saved = client.post(
        url, {"name": "AP critical care (2027)", "description": "Band 4", "version": seen_by_first}
    )
    assert saved.status_code == 302

    client.force_login(second)
    refused = client.post(
        url,
        {
            "name": "AP critical care",
            "description": "Band 4 role in adult critical care",
            "version": seen_by_second,
        },
    )
    text = _text(refused)
    assert refused.status_code == 200
    assert "There is a problem" in text and "Asha Patel" in text and REFUSED in text
    assert "What they changed" in text and "Now: AP critical care (2027)" in text
    assert "Band 4 role in adult critical care" in text  # what the second person typed
    framework.refresh_from_db()
    assert (framework.name, framework.description) == ("AP critical care (2027)", "Band 4")

    # Saving again, having seen theirs, is a deliberate overwrite.
    again = client.post(
        url,
        {
            "name": "AP critical care (2027)",
            "description": "Band 4 role in adult critical care",
            "version": _version_on_page(refused),
        },
    )
    assert again.status_code == 302
    framework.refresh_from_db()
    assert framework.description == "Band 4 role in adult critical care"
    assert framework.history.first().history_user == second


def test_two_people_editing_one_domain_the_second_is_refused_and_loses_nothing(client, leads):
    first, second = leads
    domain = factories.DomainFactory(code="COMM", title="Communication")
    url = reverse("competencies:domain_edit", args=[domain.pk])
    seen_by_first, seen_by_second = _both_open(client, url, first, second)

    data = {"code": "COMM", "title": "Communication", "description": ""}
    saved = client.post(url, {**data, "title": "Communication skills", "version": seen_by_first})
    assert saved.status_code == 302

    client.force_login(second)
    refused = client.post(
        url, {**data, "description": "Talking and writing", "version": seen_by_second}
    )
    text = _text(refused)
    assert refused.status_code == 200
    assert REFUSED in text and "Now: Communication skills" in text
    assert "Talking and writing" in text
    domain.refresh_from_db()
    assert (domain.title, domain.description) == ("Communication skills", "")


def test_two_people_editing_one_competency_the_second_is_refused_and_loses_nothing(client, leads):
    first, second = leads
    competency = factories.CompetencyFactory(code="COMM-01", title="Handover")
    url = reverse("competencies:competency_edit", args=[competency.pk])
    seen_by_first, seen_by_second = _both_open(client, url, first, second)

    saved = client.post(
        url,
        _competency_data(
            competency,
            title="Safe handover",
            assessment_methods=[AssessmentMethod.SIMULATION.value],
            version=seen_by_first,
        ),
    )
    assert saved.status_code == 302

    client.force_login(second)
    refused = client.post(
        url,
        _competency_data(
            competency,
            supervised_practices_required="4",
            underpinning_knowledge="The trust's SBAR guide",
            version=seen_by_second,
        ),
    )
    text = _text(refused)
    assert refused.status_code == 200
    assert "Asha Patel" in text and REFUSED in text
    assert "Now: Safe handover" in text and "Now: Simulation" in text  # in words, not codes
    assert 'value="4"' in text and "The trust's SBAR guide" in text
    competency.refresh_from_db()
    assert (competency.title, competency.supervised_practices_required) == ("Safe handover", 0)
    assert competency.underpinning_knowledge != "The trust's SBAR guide"

    again = client.post(
        url,
        _competency_data(
            competency,
            supervised_practices_required="4",
            version=_version_on_page(refused),
        ),
    )
    assert again.status_code == 302
    competency.refresh_from_db()
    assert (competency.title, competency.supervised_practices_required) == ("Safe handover", 4)


def test_a_change_of_clinical_areas_alone_makes_a_competency_form_stale(client, leads):
    first, second = leads
    area = factories.ClinicalAreaFactory(name="Critical care")
    competency = factories.CompetencyFactory(is_core=True)
    url = reverse("competencies:competency_edit", args=[competency.pk])
    seen_by_first, seen_by_second = _both_open(client, url, first, second)
    saved = client.post(
        url,
        _competency_data(
            competency, applies_to="specific", clinical_areas=[area.pk], version=seen_by_first
        ),
    )
    assert saved.status_code == 302

    client.force_login(second)
    refused = client.post(
        url, _competency_data(competency, title="Renamed", version=seen_by_second)
    )
    text = _text(refused)
    assert REFUSED in text and "Now: Critical care" in text and "Now: No" in text
    assert Competency.objects.get(pk=competency.pk).title != "Renamed"


@pytest.mark.parametrize("version", ["", "forged", "other"])
def test_a_version_that_is_not_ours_is_refused_plainly(client, version):
    framework = factories.FrameworkFactory(name="Before")
    if version == "other":
        version = version_of(factories.FrameworkFactory(), services.FRAMEWORK_EDITED)
    client.force_login(factories.LeadNurseFactory())
    url = reverse("competencies:framework_edit", args=[framework.pk])
    response = client.post(url, {"name": "Renamed", "description": "", "version": version})
    assert response.status_code == 200
    assert "This page was out of date" in _text(response)
    assert 'value="Renamed"' in _text(response)
    assert Framework.objects.get(pk=framework.pk).name == "Before"


# The services refuse a stale version from any caller ----------------------------------------


def test_the_framework_service_refuses_a_stale_version():
    framework = factories.FrameworkFactory(name="Before")
    lead = factories.LeadNurseFactory()
    version = version_of(framework, services.FRAMEWORK_EDITED)
    services.framework_update(actor=lead, framework=framework, name="First", version=version)
    with pytest.raises(StaleEdit) as refused:
        services.framework_update(actor=lead, framework=framework, name="Second", version=version)
    assert [(c.label, c.now) for c in refused.value.changes] == [("Name", "First")]
    assert Framework.objects.get(pk=framework.pk).name == "First"
    latest = framework.history.order_by("-history_date").first()
    assert (latest.name, latest.history_user) == ("First", lead)


def test_the_domain_service_refuses_a_stale_version():
    domain = factories.DomainFactory(title="Before")
    lead = factories.LeadNurseFactory()
    version = version_of(domain, services.DOMAIN_EDITED)
    saved = services.domain_update(actor=lead, domain=domain, title="First", version=version)
    assert saved.title == "First"
    with pytest.raises(StaleEdit) as refused:
        services.domain_update(actor=lead, domain=domain, description="Second", version=version)
    assert [(c.label, c.now) for c in refused.value.changes] == [("Title", "First")]
    assert Domain.objects.get(pk=domain.pk).description == ""
    assert domain.history.order_by("-history_date").first().history_user == lead


def test_the_competency_service_refuses_a_stale_version():
    competency = factories.CompetencyFactory(title="Before")
    other_domain = factories.DomainFactory(framework=competency.framework, title="Skills")
    lead = factories.LeadNurseFactory()
    version = version_of(competency, services.COMPETENCY_EDITED)
    services.competency_update(
        actor=lead, competency=competency, domain=other_domain, version=version
    )
    with pytest.raises(StaleEdit) as refused:
        services.competency_update(
            actor=lead, competency=competency, title="Second", version=version
        )
    assert [(c.label, c.now) for c in refused.value.changes] == [("Domain", "Skills")]
    assert Competency.objects.get(pk=competency.pk).title == "Before"
    assert competency.history.order_by("-history_date").first().history_user == lead


def test_without_a_version_a_caller_that_drew_no_form_is_not_checked():
    # A command or an import draws no form: version None means nothing to compare.
    framework = factories.FrameworkFactory(name="Before")
    services.framework_update(actor=None, framework=framework, name="By a command")
    assert Framework.objects.get(pk=framework.pk).name == "By a command"
