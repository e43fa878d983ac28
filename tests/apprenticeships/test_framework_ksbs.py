"""Frameworks name an apprenticeship standard; the framework editor maps competencies to its
KSBs, new versions keep the mappings, and the framework file carries them (read back on
import, and fine without them)."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from competencies.interchange import services as interchange
from competencies.interchange.data import FrameworkImportError
from competencies.models import AssessmentMethod, Competency, Framework
from competencies.services import frameworks as framework_services
from tests import factories

pytestmark = pytest.mark.django_db


def _version_on(response) -> str:
    return re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)


def _competency_post(competency, **extra) -> dict:
    return {
        "code": competency.code,
        "title": competency.title,
        "description": "",
        "performance_criteria": "",
        "underpinning_knowledge": "",
        "applies_to": "core",
        "assessment_methods": [AssessmentMethod.DIRECT_OBSERVATION.value],
        "supervised_practices_required": "0",
        "reassessment_months": "",
        "domain": str(competency.domain_id),
        **extra,
    }


@pytest.fixture
def draft_with_standard():
    standard = factories.ApprenticeshipStandardFactory(reference="ST0215")
    k1 = factories.KsbFactory(standard=standard, code="K1", text="Anatomy")
    s1 = factories.KsbFactory(standard=standard, code="S1", kind="S", text="Observations")
    framework = factories.FrameworkFactory()
    competency = factories.CompetencyFactory(domain=factories.DomainFactory(framework=framework))
    return standard, framework, competency, k1, s1


def test_ksbs_appear_only_once_the_framework_names_a_standard(client, draft_with_standard):
    standard, framework, competency, k1, s1 = draft_with_standard
    client.force_login(factories.LeadNurseFactory())
    edit = reverse("competencies:competency_edit", args=[competency.pk])
    assert "KSBs of the apprenticeship standard" not in client.get(edit).content.decode()
    framework_edit = reverse("competencies:framework_edit", args=[framework.pk])
    response = client.post(
        framework_edit,
        {
            "name": framework.name,
            "description": "",
            "standard": standard.pk,
            "version": _version_on(client.get(framework_edit)),
        },
    )
    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.standard == standard
    response = client.get(edit)
    text = html.unescape(response.content.decode())
    assert "Knowledge this evidences" in text and "K1: Anatomy" in text
    assert "Skills this evidences" in text and "S1: Observations" in text
    assert "Behaviours this evidences" not in text  # the standard has none
    response = client.post(
        edit,
        _competency_post(
            competency,
            ksbs_knowledge=[k1.pk],
            ksbs_skill=[s1.pk],
            version=_version_on(response),
        ),
    )
    assert response.status_code == 302
    assert set(competency.ksbs.all()) == {k1, s1}
    page = client.get(reverse("competencies:framework_detail", args=[framework.pk]))
    text = page.content.decode()
    assert "KSBs: K1, S1" in text and str(standard) in html.unescape(text)


def test_another_standards_ksb_is_refused(client, draft_with_standard):
    standard, framework, competency, k1, s1 = draft_with_standard
    framework = framework_services.framework_update(
        actor=None, framework=framework, standard=standard
    )
    stranger = factories.KsbFactory()
    client.force_login(factories.LeadNurseFactory())
    edit = reverse("competencies:competency_edit", args=[competency.pk])
    response = client.post(
        edit,
        _competency_post(
            competency, ksbs_knowledge=[stranger.pk], version=_version_on(client.get(edit))
        ),
    )
    assert "Select KSBs from the list" in response.content.decode()
    assert not competency.ksbs.exists()


def test_changing_the_standard_drops_the_old_mappings(draft_with_standard):
    standard, framework, competency, k1, s1 = draft_with_standard
    framework = framework_services.framework_update(
        actor=None, framework=framework, standard=standard
    )
    framework_services.competency_update(actor=None, competency=competency, ksbs=[k1])
    framework_services.framework_update(
        actor=None, framework=framework, standard=factories.ApprenticeshipStandardFactory()
    )
    assert not competency.ksbs.exists()


def test_a_new_version_keeps_the_standard_and_the_mappings(draft_with_standard):
    standard, framework, competency, k1, s1 = draft_with_standard
    framework = framework_services.framework_update(
        actor=None, framework=framework, standard=standard
    )
    framework_services.competency_update(actor=None, competency=competency, ksbs=[k1, s1])
    framework = framework_services.framework_publish(actor=None, framework=framework)
    copy = framework_services.framework_new_version(actor=None, framework=framework)
    assert copy.standard == standard
    assert set(copy.competencies.get(code=competency.code).ksbs.all()) == {k1, s1}


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_framework_file_carries_the_ksbs_both_ways(draft_with_standard):
    standard, framework, competency, k1, s1 = draft_with_standard
    framework = framework_services.framework_update(
        actor=None, framework=framework, standard=standard
    )
    framework_services.competency_update(actor=None, competency=competency, ksbs=[s1, k1])
    content = interchange.framework_export(framework=framework, format="csv")
    rows = _rows(content)
    header = rows[0]
    standard_column, ksb_column = header.index("Apprenticeship standard"), header.index("KSBs")
    assert rows[1][standard_column] == "ST0215 v1.1"
    assert rows[3][ksb_column] == "K1;S1"
    for format, data in (
        ("csv", content),
        ("xlsx", interchange.framework_export(framework=framework, format="xlsx")),
    ):
        imported = interchange.framework_import(
            actor=None,
            source=io.BytesIO(data),
            format=format,
            on_existing="separate",
            new_code=f"copy-{format}",
        )
        assert imported.standard == standard
        assert set(imported.competencies.get().ksbs.all()) == {k1, s1}


def test_a_file_without_the_columns_still_imports(draft_with_standard):
    standard, framework, competency, k1, s1 = draft_with_standard
    rows = _rows(interchange.framework_export(framework=framework, format="csv"))
    drop = {rows[0].index("Apprenticeship standard"), rows[0].index("KSBs")}
    rows = [[cell for i, cell in enumerate(row) if i not in drop] for row in rows]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    imported = interchange.framework_import(
        actor=None,
        source=io.BytesIO(buffer.getvalue().encode()),
        format="csv",
        on_existing="separate",
        new_code="no-ksbs",
    )
    assert imported.standard is None and imported.competencies.count() == 1


def test_unknown_standard_and_codes_are_reported_by_row(draft_with_standard):
    standard, framework, competency, k1, s1 = draft_with_standard
    framework = framework_services.framework_update(
        actor=None, framework=framework, standard=standard
    )
    framework_services.competency_update(actor=None, competency=competency, ksbs=[k1])
    rows = _rows(interchange.framework_export(framework=framework, format="csv"))
    ksb_column = rows[0].index("KSBs")
    rows[3][ksb_column] = "K1;K99"
    before = Framework.objects.count(), Competency.objects.count()

    def attempt(rows):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        with pytest.raises(FrameworkImportError) as refused:
            interchange.framework_import(
                actor=None,
                source=io.BytesIO(buffer.getvalue().encode()),
                format="csv",
                on_existing="separate",
                new_code="bad",
            )
        return refused.value.errors

    assert (4, "ST0215 has no KSB 'K99'") in attempt(rows)
    rows[1][rows[0].index("Apprenticeship standard")] = "ST9999 v1.0"
    assert any("unknown apprenticeship standard 'ST9999 v1.0'" in m for _, m in attempt(rows))
    rows[1][rows[0].index("Apprenticeship standard")] = ""
    assert any("KSB codes need the apprenticeship standard" in m for _, m in attempt(rows))
    assert (Framework.objects.count(), Competency.objects.count()) == before
