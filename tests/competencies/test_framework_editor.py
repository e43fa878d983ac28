"""The framework editor, through the test client: what the lead nurse does in the browser.

- the whole flow: create, add domains and competencies, reorder, edit, delete, publish, make a
  new version, retire;
- bad input on each form: the error summary and the message, what was typed kept, nothing saved;
- a framework that is no longer a draft cannot be changed, whatever URL is typed;
- who may see and do what: anonymous people are sent to sign in, other roles get a 403;
- the framework page runs the same number of queries for 3 competencies as for 30.
"""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.models import AssessmentMethod, Competency, Domain, Framework, ProgressState
from competencies.services import frameworks as services
from competencies.templatetags.competency_tags import framework_status_tag, progress_state_tag
from tests import factories

pytestmark = pytest.mark.django_db

PROBLEM = "There is a problem"
LOCKED = "This framework cannot be changed"


def url(name, *args):
    return reverse(f"competencies:{name}", args=args)


def page(response) -> str:
    return html.unescape(response.content.decode())


def version_on(response) -> str:
    """The version an edit page carries (pathway/concurrency.py), as a browser sends it back."""
    return re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)


def counts() -> tuple[int, int, int]:
    return (Framework.objects.count(), Domain.objects.count(), Competency.objects.count())


@pytest.fixture
def nurse_client(client, lead_nurse):
    client.force_login(lead_nurse)
    return client


@pytest.fixture
def areas(db):
    return [
        factories.ClinicalAreaFactory(name="Critical care", code="critical-care"),
        factories.ClinicalAreaFactory(name="Emergency department", code="ed"),
        factories.ClinicalAreaFactory(name="Coronary care", code="ccu"),
    ]


@pytest.fixture
def draft(db):
    """A draft with two domains; the first holds two competencies, the second one."""
    framework = factories.FrameworkFactory(name="Assistant practitioner", code="ap-core")
    first = factories.DomainFactory(
        framework=framework, code="COMM", title="Communication", order=1
    )
    second = factories.DomainFactory(framework=framework, code="SKILL", title="Skills", order=2)
    factories.CompetencyFactory(domain=first, code="COMM-01", title="Handover", order=1)
    factories.CompetencyFactory(domain=first, code="COMM-02", title="Consent", order=2)
    factories.CompetencyFactory(domain=second, code="SKILL-01", title="Observations", order=1)
    return framework


def competency_data(**overrides) -> dict:
    data = {
        "code": "COMM-03",
        "title": "Breaking bad news",
        "description": "Supports the nurse in difficult conversations.",
        "performance_criteria": "Finds a private space\n\n  Checks understanding  \n",
        "underpinning_knowledge": "The trust's communication policy.",
        "applies_to": "core",
        "assessment_methods": [AssessmentMethod.DIRECT_OBSERVATION.value],
        "supervised_practices_required": "3",
        "reassessment_months": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# The whole flow -----------------------------------------------------------------------------


def test_lead_nurse_builds_publishes_versions_and_retires_a_framework(
    nurse_client, lead_nurse, areas
):
    client = nurse_client
    response = client.get(url("framework_list"))
    assert response.status_code == 200
    assert "Create a framework" in page(response)
    assert url("framework_import") in page(response)

    # Create the framework.
    assert client.get(url("framework_create")).status_code == 200
    response = client.post(
        url("framework_create"),
        {"name": "AP critical care", "code": "ap-critical-care", "description": "Band 4"},
    )
    framework = Framework.objects.get(code="ap-critical-care")
    assert response.status_code == 302
    assert response["Location"] == url("framework_detail", framework.pk)
    assert (framework.status, framework.version, framework.name) == ("draft", 1, "AP critical care")

    # Two domains.
    assert client.get(url("domain_add", framework.pk)).status_code == 200
    for code, title in [("COMM", "Communication"), ("CLIN", "Clinical skills")]:
        response = client.post(url("domain_add", framework.pk), {"code": code, "title": title})
        assert response.status_code == 302
    communication = framework.domains.get(code="COMM")
    clinical = framework.domains.get(code="CLIN")
    assert [d.code for d in framework.domains.order_by("order")] == ["COMM", "CLIN"]

    # A core competency and a specific one in Communication, one more in Clinical skills.
    assert client.get(url("competency_add", communication.pk)).status_code == 200
    response = client.post(
        url("competency_add", communication.pk),
        competency_data(
            code="COMM-01",
            title="Handover",
            assessment_methods=["direct_observation", "questioning"],
            reassessment_months="12",
        ),
    )
    assert response.status_code == 302
    core = Competency.objects.get(framework=framework, code="COMM-01")
    assert core.is_core and core.domain == communication
    assert core.performance_criteria == ["Finds a private space", "Checks understanding"]
    assert core.assessment_methods == ["direct_observation", "questioning"]
    assert (core.supervised_practices_required, core.reassessment_months) == (3, 12)
    assert list(core.clinical_areas.all()) == []

    response = client.post(
        url("competency_add", communication.pk),
        competency_data(
            code="COMM-02",
            title="Talking to relatives in critical care",
            applies_to="specific",
            clinical_areas=[areas[0].pk, areas[2].pk],
            supervised_practices_required="0",
        ),
    )
    assert response.status_code == 302
    specific = Competency.objects.get(framework=framework, code="COMM-02")
    assert not specific.is_core
    assert set(specific.clinical_areas.all()) == {areas[0], areas[2]}
    assert specific.reassessment_months is None

    response = client.post(
        url("competency_add", clinical.pk),
        competency_data(code="CLIN-01", title="Record a 12-lead ECG"),
    )
    assert response.status_code == 302

    # The framework page shows it all, with the editing controls of a draft.
    response = client.get(url("framework_detail", framework.pk))
    assert response.status_code == 200
    text = page(response)
    for expected in [
        "AP critical care",
        "ap-critical-care",
        "COMM-01",
        "Talking to relatives in critical care",
        "Core: every trainee",
        "Specific: Coronary care, Critical care",
        "Every 12 months",
        'Move down<span class="nhsuk-u-visually-hidden"> Communication</span>',
        'Move up<span class="nhsuk-u-visually-hidden"> Clinical skills</span>',
        'Move down<span class="nhsuk-u-visually-hidden"> COMM-01 Handover</span>',
        "Publish framework",
        url("competency_add", clinical.pk),
        url("domain_edit", communication.pk),
        url("domain_delete", communication.pk),
        url("competency_edit", core.pk),
        url("competency_delete", core.pk),
        url("framework_edit", framework.pk),
    ]:
        assert expected in text, expected
    # The first item cannot move up, the last cannot move down.
    assert 'Move up<span class="nhsuk-u-visually-hidden"> Communication</span>' not in text
    assert 'Move down<span class="nhsuk-u-visually-hidden"> Clinical skills</span>' not in text

    # Reorder: Clinical skills up above Communication, the specific competency above the core.
    response = client.post(url("domain_move", clinical.pk), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#domain-{clinical.pk}")
    assert [d.code for d in framework.domains.order_by("order", "id")] == ["CLIN", "COMM"]
    client.post(url("competency_move", specific.pk), {"direction": "up"})
    assert [c.code for c in communication.competencies.order_by("order", "id")] == [
        "COMM-02",
        "COMM-01",
    ]
    client.post(url("competency_move", specific.pk), {"direction": "up"})  # already first
    assert [c.code for c in communication.competencies.order_by("order", "id")] == [
        "COMM-02",
        "COMM-01",
    ]
    text = page(client.get(url("framework_detail", framework.pk)))
    assert (
        text.index("Record a 12-lead ECG")
        < text.index("Talking to relatives")
        < text.index("Handover")
    )

    # Edit: the framework, a domain, a competency (which also moves to another domain).
    response = client.get(url("framework_edit", framework.pk))
    assert 'value="AP critical care"' in page(response)
    response = client.post(
        url("framework_edit", framework.pk),
        {
            "name": "Assistant practitioner: critical care",
            "description": "Band 4 role",
            "version": version_on(response),
        },
    )
    assert response.status_code == 302
    framework.refresh_from_db()
    assert (framework.name, framework.code) == (
        "Assistant practitioner: critical care",
        "ap-critical-care",
    )

    response = client.get(url("domain_edit", communication.pk))
    assert 'value="Communication"' in page(response)
    response = client.post(
        url("domain_edit", communication.pk),
        {
            "code": "COMM",
            "title": "Communication and record keeping",
            "description": "",
            "version": version_on(response),
        },
    )
    assert response.status_code == 302
    communication.refresh_from_db()
    assert communication.title == "Communication and record keeping"

    response = client.get(url("competency_edit", core.pk))
    text = page(response)
    assert 'value="Handover"' in text
    assert "Finds a private space\nChecks understanding" in text
    response = client.post(
        url("competency_edit", core.pk),
        competency_data(
            code="COMM-01",
            title="Structured handover (SBAR)",
            performance_criteria="Uses SBAR",
            applies_to="specific",
            clinical_areas=[areas[1].pk],
            assessment_methods=["simulation"],
            supervised_practices_required="5",
            reassessment_months="24",
            domain=str(clinical.pk),
            version=version_on(response),
        ),
    )
    assert response.status_code == 302
    core.refresh_from_db()
    assert core.title == "Structured handover (SBAR)"
    assert core.domain == clinical and not core.is_core
    assert list(core.clinical_areas.all()) == [areas[1]]
    assert core.performance_criteria == ["Uses SBAR"]
    assert (core.supervised_practices_required, core.reassessment_months) == (5, 24)
    # And back to core: the clinical areas are cleared.
    client.post(
        url("competency_edit", core.pk),
        competency_data(
            code="COMM-01",
            title="Structured handover",
            domain=str(clinical.pk),
            version=version_on(client.get(url("competency_edit", core.pk))),
        ),
    )
    core.refresh_from_db()
    assert core.is_core and list(core.clinical_areas.all()) == []

    # Delete a competency, then a domain, each after a confirmation page.
    extra = client.post(
        url("competency_add", clinical.pk), competency_data(code="TMP-1", title="Temporary")
    )
    assert extra.status_code == 302
    temporary = Competency.objects.get(framework=framework, code="TMP-1")
    response = client.get(url("competency_delete", temporary.pk))
    assert response.status_code == 200
    assert "Are you sure you want to delete TMP-1 Temporary?" in page(response)
    assert "nhsuk-button--warning" in page(response)
    assert Competency.objects.filter(pk=temporary.pk).exists()
    response = client.post(url("competency_delete", temporary.pk))
    assert response.status_code == 302
    assert not Competency.objects.filter(pk=temporary.pk).exists()

    spare = Domain.objects.create(framework=framework, code="SPARE", title="Spare", order=9)
    factories.CompetencyFactory(domain=spare, code="SPARE-1")
    response = client.get(url("domain_delete", spare.pk))
    assert response.status_code == 200
    assert "Its 1 competency will be deleted too" in page(response)
    response = client.post(url("domain_delete", spare.pk))
    assert response.status_code == 302
    assert not Domain.objects.filter(pk=spare.pk).exists()
    assert not Competency.objects.filter(code="SPARE-1").exists()

    # Publish, after a confirmation page that says what publishing means.
    response = client.get(url("framework_publish", framework.pk))
    assert response.status_code == 200
    text = page(response)
    for expected in [
        "it can no longer be edited",
        "trainees can be enrolled on it",
        "any changes afterwards need a new version",
        "each sign-off will point at this version",
    ]:
        assert expected in text
    framework.refresh_from_db()
    assert framework.status == Framework.Status.DRAFT
    response = client.post(url("framework_publish", framework.pk))
    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.status == Framework.Status.PUBLISHED
    assert framework.published_by == lead_nurse and framework.published_at is not None

    # A published framework: no editing controls; new version, retire and export instead.
    text = page(client.get(url("framework_detail", framework.pk)))
    assert "Move up" not in text and "Move down" not in text
    assert url("framework_edit", framework.pk) not in text
    assert url("framework_new_version", framework.pk) in text
    assert url("framework_retire", framework.pk) in text
    for kind in ("csv", "xlsx", "moodle"):
        assert url("framework_export", framework.pk, kind) in text
    assert f"by {lead_nurse.full_name}" in text

    # A new version copies everything into a draft, version 2.
    response = client.get(url("framework_new_version", framework.pk))
    assert response.status_code == 200
    assert "Create version 2 of this framework?" in page(response)
    assert Framework.objects.filter(code="ap-critical-care").count() == 1
    response = client.post(url("framework_new_version", framework.pk))
    new = Framework.objects.get(code="ap-critical-care", version=2)
    assert response.status_code == 302
    assert response["Location"] == url("framework_detail", new.pk)
    assert new.status == Framework.Status.DRAFT
    assert new.previous_version == framework
    assert new.name == framework.name

    def structure(fw):
        return [
            (
                domain.code,
                domain.title,
                [
                    (
                        c.code,
                        c.title,
                        c.is_core,
                        c.performance_criteria,
                        c.assessment_methods,
                        c.supervised_practices_required,
                        c.reassessment_months,
                        sorted(a.code for a in c.clinical_areas.all()),
                    )
                    for c in domain.competencies.order_by("order", "id")
                ],
            )
            for domain in fw.domains.order_by("order", "id")
        ]

    assert structure(new) == structure(framework)
    assert structure(new)[1][2][0][-1] == ["ccu", "critical-care"]
    text = page(client.get(url("framework_detail", new.pk)))
    assert "Version 1" in text and url("framework_detail", framework.pk) in text
    # While version 2 is a draft, version 1's page points at it instead of offering another.
    text = page(client.get(url("framework_detail", framework.pk)))
    assert url("framework_detail", new.pk) in text
    assert url("framework_new_version", framework.pk) not in text

    # Retire version 1, after a confirmation page.
    response = client.get(url("framework_retire", framework.pk))
    assert response.status_code == 200
    assert "no more trainees can be enrolled on it" in page(response)
    response = client.post(url("framework_retire", framework.pk))
    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.status == Framework.Status.RETIRED

    # The list shows both versions with their status in words.
    text = page(client.get(url("framework_list")))
    assert re.search(r'nhsuk-tag--white">\s*Retired', text)
    assert re.search(r'nhsuk-tag--grey">\s*Draft', text)


def test_the_list_puts_versions_of_a_framework_together_newest_first(nurse_client):
    old = factories.PublishedFrameworkFactory(name="Beta", code="beta", version=1)
    factories.FrameworkFactory(name="Beta", code="beta", version=2, previous_version=old)
    factories.PublishedFrameworkFactory(name="Alpha", code="alpha")
    frameworks = list(nurse_client.get(url("framework_list")).context["frameworks"])
    assert [(f.name, f.version) for f in frameworks] == [("Alpha", 1), ("Beta", 2), ("Beta", 1)]


def test_publishing_without_competencies_explains_why_on_the_confirmation_page(nurse_client):
    framework = factories.FrameworkFactory()
    response = nurse_client.post(url("framework_publish", framework.pk))
    assert response.status_code == 200
    text = page(response)
    assert PROBLEM in text
    assert "Add at least one competency before publishing" in text
    assert "<title>Error: " in text
    framework.refresh_from_db()
    assert framework.status == Framework.Status.DRAFT


def test_a_move_in_an_unknown_direction_is_a_bad_request(nurse_client, draft):
    domain = draft.domains.get(code="COMM")
    response = nurse_client.post(url("domain_move", domain.pk), {"direction": "sideways"})
    assert response.status_code == 400
    competency = Competency.objects.get(code="COMM-01")
    response = nurse_client.post(url("competency_move", competency.pk), {})
    assert response.status_code == 400


def test_post_only_actions_refuse_get(nurse_client, draft):
    domain = draft.domains.get(code="COMM")
    assert nurse_client.get(url("domain_move", domain.pk)).status_code == 405
    competency = Competency.objects.get(code="COMM-01")
    assert nurse_client.get(url("competency_move", competency.pk)).status_code == 405


def test_unknown_ids_are_not_found(nurse_client):
    assert nurse_client.get(url("framework_detail", 999999)).status_code == 404
    assert nurse_client.get(url("competency_edit", 999999)).status_code == 404
    assert nurse_client.post(url("domain_move", 999999), {"direction": "up"}).status_code == 404


# Bad input ----------------------------------------------------------------------------------


def assert_problem(response, message: str, *kept: str):
    assert response.status_code == 200
    text = page(response)
    assert PROBLEM in text
    assert message in text
    # In the summary (a link to the field) and next to the field.
    assert text.count(message) >= 2, f"{message!r} should be in the summary and inline"
    assert "<title>Error: " in text
    for pattern in kept:  # regular expressions
        assert re.search(pattern, text), f"what was typed should be kept: {pattern!r}"


@pytest.mark.parametrize(
    ("data", "message", "kept"),
    [
        ({"name": "", "code": "new-fw"}, "Enter a name", ['value="new-fw"']),
        ({"name": "New", "code": ""}, "Enter an ID number", ['value="New"']),
        (
            {"name": "New", "code": "ap core!"},
            "ID number must only include letters, numbers, hyphens and underscores",
            ['value="ap core!"'],
        ),
        (
            {"name": "Copy", "code": "ap-core", "description": "Typed text"},
            "A framework with this ID number already exists",
            ['value="Copy"', "Typed text"],
        ),
        ({"name": "x" * 201, "code": "long"}, "Name must be 200 characters or fewer", []),
    ],
)
def test_framework_create_bad_input(nurse_client, draft, data, message, kept):
    before = counts()
    response = nurse_client.post(url("framework_create"), data)
    assert_problem(response, message, *kept)
    assert counts() == before


def test_framework_edit_bad_input(nurse_client, draft):
    response = nurse_client.post(
        url("framework_edit", draft.pk), {"name": "  ", "description": "Kept description"}
    )
    assert_problem(response, "Enter a name", "Kept description")
    draft.refresh_from_db()
    assert draft.name == "Assistant practitioner"


@pytest.mark.parametrize(
    ("data", "message", "kept"),
    [
        ({"code": "NEW", "title": ""}, "Enter a title", ['value="NEW"']),
        ({"code": "", "title": "Leadership"}, "Enter an ID number", ['value="Leadership"']),
        (
            {"code": "COMM", "title": "Another communication"},
            "ID number must be unique in this framework",
            ['value="Another communication"'],
        ),
    ],
)
def test_domain_add_bad_input(nurse_client, draft, data, message, kept):
    before = counts()
    response = nurse_client.post(url("domain_add", draft.pk), data)
    assert_problem(response, message, *kept)
    assert counts() == before


def test_domain_edit_to_a_taken_id_number(nurse_client, draft):
    domain = draft.domains.get(code="SKILL")
    response = nurse_client.post(
        url("domain_edit", domain.pk), {"code": "COMM", "title": "Skills renamed"}
    )
    assert_problem(response, "ID number must be unique in this framework", 'value="Skills renamed"')
    domain.refresh_from_db()
    assert (domain.code, domain.title) == ("SKILL", "Skills")


@pytest.mark.parametrize(
    ("overrides", "message", "kept"),
    [
        ({"title": ""}, "Enter a title", ['value="COMM-03"']),
        ({"code": ""}, "Enter an ID number", ['value="Breaking bad news"']),
        (
            {"code": "SKILL-01"},
            "ID number must be unique in this framework",
            ['value="SKILL-01"', 'value="Breaking bad news"'],
        ),
        (
            {"applies_to": "specific"},
            "Select the clinical areas this competency applies to",
            ['value="specific"[^>]*checked', 'value="Breaking bad news"'],
        ),
        (
            {"applies_to": None},
            "Select who this competency applies to",
            ['value="Breaking bad news"'],
        ),
        (
            {"assessment_methods": None},
            "Select at least one assessment method",
            ['value="Breaking bad news"', "Finds a private space"],
        ),
        (
            {"supervised_practices_required": "-1"},
            "Supervised practices must be 0 or more",
            ['value="-1"'],
        ),
        (
            {"supervised_practices_required": "three"},
            "Supervised practices must be a whole number, like 3",
            ['value="three"'],
        ),
        (
            {"supervised_practices_required": "2.5"},
            "Supervised practices must be a whole number, like 3",
            ['value="2.5"'],
        ),
        (
            {"supervised_practices_required": "51"},
            "Supervised practices must be 50 or fewer",
            ['value="51"'],
        ),
        (
            {"supervised_practices_required": ""},
            "Enter the number of supervised practices required",
            [],
        ),
        (
            {"reassessment_months": "0"},
            "Reassessment interval must be 1 month or more",
            ['value="0"'],
        ),
        (
            {"reassessment_months": "-6"},
            "Reassessment interval must be 1 month or more",
            ['value="-6"'],
        ),
        (
            {"reassessment_months": "121"},
            "Reassessment interval must be 120 months or fewer",
            ['value="121"'],
        ),
        (
            {"reassessment_months": "a year"},
            "Reassessment interval must be a whole number of months, like 12",
            ['value="a year"'],
        ),
        (
            {"assessment_methods": ["telepathy"]},
            "Select assessment methods from the list",
            [],
        ),
    ],
)
def test_competency_add_bad_input(nurse_client, draft, areas, overrides, message, kept):
    domain = draft.domains.get(code="COMM")
    before = counts()
    response = nurse_client.post(url("competency_add", domain.pk), competency_data(**overrides))
    assert_problem(response, message, *kept)
    assert counts() == before


def test_competency_add_keeps_ticked_boxes_on_error(nurse_client, draft, areas):
    domain = draft.domains.get(code="COMM")
    response = nurse_client.post(
        url("competency_add", domain.pk),
        competency_data(
            title="",
            applies_to="specific",
            clinical_areas=[areas[1].pk],
            assessment_methods=["simulation", "questioning"],
        ),
    )
    assert_problem(response, "Enter a title")
    text = page(response)
    assert re.search(rf'value="{areas[1].pk}"[^>]*checked', text)
    assert not re.search(rf'value="{areas[0].pk}"[^>]*checked', text)
    assert re.search(r'value="simulation"[^>]*checked', text)
    assert re.search(r'value="questioning"[^>]*checked', text)
    assert not re.search(r'value="direct_observation"[^>]*checked', text)


def test_competency_edit_bad_input(nurse_client, draft):
    competency = Competency.objects.get(code="COMM-01")
    domain = competency.domain
    response = nurse_client.post(
        url("competency_edit", competency.pk),
        competency_data(
            code="COMM-02", title="Renamed", domain=str(domain.pk), reassessment_months="-1"
        ),
    )
    assert_problem(response, "ID number must be unique in this framework", 'value="Renamed"')
    assert "Reassessment interval must be 1 month or more" in page(response)
    competency.refresh_from_db()
    assert (competency.code, competency.title) == ("COMM-01", "Handover")


def test_competency_edit_refuses_a_domain_of_another_framework(nurse_client, draft):
    competency = Competency.objects.get(code="COMM-01")
    elsewhere = factories.DomainFactory()
    response = nurse_client.post(
        url("competency_edit", competency.pk),
        competency_data(code="COMM-01", title="Handover", domain=str(elsewhere.pk)),
    )
    assert_problem(response, "Select a domain from the list")
    competency.refresh_from_db()
    assert competency.domain.framework_id == draft.pk


def test_a_field_error_from_the_service_is_shown_on_its_field(nurse_client, draft, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"code": "This framework already has a domain with ID NEW"})

    monkeypatch.setattr(services, "domain_create", refuse)
    response = nurse_client.post(url("domain_add", draft.pk), {"code": "NEW", "title": "New"})
    assert_problem(response, "This framework already has a domain with ID NEW", 'value="New"')
    assert re.search(r'href="#id_code"', page(response))


def test_other_errors_from_the_service_are_shown_above_the_form(nurse_client, draft, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"is_core": "Something about the core flag", "title": "Bad title"})

    monkeypatch.setattr(services, "competency_create", refuse)
    domain = draft.domains.get(code="COMM")
    response = nurse_client.post(url("competency_add", domain.pk), competency_data())
    assert_problem(response, "Something about the core flag", 'value="Breaking bad news"')
    assert "Bad title" in page(response)
    assert 'href="#non-field-errors"' in page(response)


def test_a_service_message_without_a_field_is_shown_above_the_form(
    nurse_client, draft, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError("Assistant practitioner is published: only a draft can be changed")

    monkeypatch.setattr(services, "framework_update", refuse)
    response = nurse_client.post(url("framework_edit", draft.pk), {"name": "Renamed"})
    assert_problem(response, "only a draft can be changed", 'value="Renamed"')


# A framework that is not a draft cannot be changed ------------------------------------------


def _published_targets(framework):
    domain = framework.domains.first()
    competency = framework.competencies.first()
    return [
        ("framework_edit", framework.pk, {"name": "Changed"}),
        ("framework_publish", framework.pk, {}),
        ("domain_add", framework.pk, {"code": "NEW", "title": "New"}),
        ("domain_edit", domain.pk, {"code": "NEW", "title": "Changed"}),
        ("domain_delete", domain.pk, {}),
        ("domain_move", domain.pk, {"direction": "down"}),
        ("competency_add", domain.pk, competency_data(code="NEW-1")),
        ("competency_edit", competency.pk, competency_data(code="NEW-1", domain=domain.pk)),
        ("competency_delete", competency.pk, {}),
        ("competency_move", competency.pk, {"direction": "down"}),
    ]


def _snapshot(framework):
    framework.refresh_from_db()
    return (
        framework.name,
        framework.status,
        [(d.code, d.title, d.order) for d in framework.domains.order_by("id")],
        [(c.code, c.title, c.order, c.domain_id) for c in framework.competencies.order_by("id")],
    )


@pytest.mark.parametrize("status", [Framework.Status.PUBLISHED, Framework.Status.RETIRED])
@pytest.mark.parametrize("method", ["get", "post"])
def test_editing_a_framework_that_is_not_a_draft_is_refused(nurse_client, draft, status, method):
    Framework.objects.filter(pk=draft.pk).update(status=status)
    before = _snapshot(draft)
    framework_count = Framework.objects.count()
    for name, pk, data in _published_targets(draft):
        if method == "get" and name.endswith("_move"):
            continue  # POST only: a GET is refused with 405 before looking at the framework
        response = getattr(nurse_client, method)(url(name, pk), data)
        assert response.status_code == 200, name
        text = page(response)
        assert LOCKED in text, name
        assert f"is {status.label.lower()}. Only a draft can be changed" in text, name
        assert url("framework_new_version", draft.pk) in text
    assert _snapshot(draft) == before
    assert Framework.objects.count() == framework_count


def test_a_new_version_of_a_draft_is_refused(nurse_client, draft):
    for method in ("get", "post"):
        response = getattr(nurse_client, method)(url("framework_new_version", draft.pk))
        assert response.status_code == 200
        assert "You cannot make a new version of a draft" in page(response)
    assert Framework.objects.filter(code=draft.code).count() == 1


def test_a_second_draft_version_is_refused(nurse_client, draft):
    Framework.objects.filter(pk=draft.pk).update(status=Framework.Status.PUBLISHED)
    nurse_client.post(url("framework_new_version", draft.pk))
    assert Framework.objects.filter(code=draft.code).count() == 2
    response = nurse_client.post(url("framework_new_version", draft.pk))
    assert response.status_code == 200
    assert "There is already a draft version" in page(response)
    assert Framework.objects.filter(code=draft.code).count() == 2


@pytest.mark.parametrize("status", [Framework.Status.DRAFT, Framework.Status.RETIRED])
def test_only_a_published_framework_can_be_retired(nurse_client, draft, status):
    Framework.objects.filter(pk=draft.pk).update(status=status)
    for method in ("get", "post"):
        response = getattr(nurse_client, method)(url("framework_retire", draft.pk))
        assert response.status_code == 200
        assert "Only a published framework can be retired" in page(response)
    draft.refresh_from_db()
    assert draft.status == status


# Who may do what ----------------------------------------------------------------------------

OTHER_ROLES = {
    "trainee": factories.TraineeFactory,
    "mentor": factories.MentorFactory,
    "tutor": factories.TutorFactory,
    "practice educator": factories.PracticeEducatorFactory,
    "manager": factories.ManagerFactory,
}

# (url name, which object's pk, data to POST, is it a page the administrator may view)
PAGES = [
    ("framework_list", None, {}, True),
    ("framework_detail", "framework", {}, True),
    ("framework_create", None, {"name": "X", "code": "x"}, False),
    ("framework_edit", "framework", {"name": "X"}, False),
    ("framework_publish", "framework", {}, False),
    ("framework_new_version", "published", {}, False),
    ("framework_retire", "published", {}, False),
    ("domain_add", "framework", {"code": "X", "title": "X"}, False),
    ("domain_edit", "domain", {"code": "X", "title": "X"}, False),
    ("domain_delete", "domain", {}, False),
    ("domain_move", "domain", {"direction": "down"}, False),
    ("competency_add", "domain", competency_data(), False),
    ("competency_edit", "competency", competency_data(), False),
    ("competency_delete", "competency", {}, False),
    ("competency_move", "competency", {"direction": "down"}, False),
]


def _target(kind, draft, published):
    if kind is None:
        return []
    return [
        {
            "framework": draft,
            "published": published,
            "domain": draft.domains.order_by("order").first(),
            "competency": draft.competencies.order_by("order").first(),
        }[kind].pk
    ]


def _state():
    return (
        counts(),
        sorted(Framework.objects.values_list("pk", "name", "status")),
        sorted(Domain.objects.values_list("pk", "title", "order")),
        sorted(Competency.objects.values_list("pk", "title", "order")),
    )


@pytest.fixture
def published(db):
    framework = factories.PublishedFrameworkFactory(name="Published", code="published")
    factories.CompetencyFactory(domain__framework=framework)
    return framework


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("name", "kind", "data", "admin_may_view"), PAGES)
def test_anonymous_people_are_sent_to_sign_in(
    client, draft, published, method, name, kind, data, admin_may_view
):
    before = _state()
    target = url(name, *_target(kind, draft, published))
    response = getattr(client, method)(target, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert _state() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", list(OTHER_ROLES))
@pytest.mark.parametrize(("name", "kind", "data", "admin_may_view"), PAGES)
def test_other_roles_are_refused(
    client, draft, published, method, role, name, kind, data, admin_may_view
):
    client.force_login(OTHER_ROLES[role]())
    before = _state()
    response = getattr(client, method)(url(name, *_target(kind, draft, published)), data)
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("name", "kind", "data", "admin_may_view"), PAGES)
def test_administrators_may_view_frameworks_but_not_change_them(
    client, draft, published, method, name, kind, data, admin_may_view
):
    # Not a superuser: Django lets an active superuser past every permission check.
    client.force_login(factories.AdministratorFactory(is_superuser=False))
    before = _state()
    response = getattr(client, method)(url(name, *_target(kind, draft, published)), data)
    if admin_may_view and method == "get":
        assert response.status_code == 200
        text = page(response)
        assert "Create a framework" not in text
        assert "Move up" not in text and "Move down" not in text
        assert "/edit/" not in text
    elif admin_may_view:
        assert response.status_code == 405  # the list and the framework page are GET only
    else:
        assert response.status_code == 403
    assert _state() == before


# Queries ------------------------------------------------------------------------------------


def _framework_of_size(domains: int, per_domain: int, areas, status=Framework.Status.DRAFT):
    framework = factories.FrameworkFactory(status=status)
    for d in range(domains):
        domain = factories.DomainFactory(framework=framework, order=d)
        for c in range(per_domain):
            factories.CompetencyFactory(
                domain=domain,
                order=c,
                is_core=c % 2 == 0,
                clinical_areas=[] if c % 2 == 0 else areas[: 1 + c % 3],
                reassessment_months=12 if c % 3 == 0 else None,
            )
    return framework


@pytest.mark.parametrize("status", [Framework.Status.DRAFT, Framework.Status.PUBLISHED])
def test_the_framework_page_runs_the_same_queries_whatever_its_size(nurse_client, areas, status):
    small = _framework_of_size(1, 3, areas, status)
    large = _framework_of_size(5, 6, areas, status)
    assert small.competencies.count() == 3 and large.competencies.count() == 30
    nurse_client.get(url("framework_detail", small.pk))  # warm the session

    with CaptureQueriesContext(connection) as small_queries:
        response = nurse_client.get(url("framework_detail", small.pk))
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as large_queries:
        response = nurse_client.get(url("framework_detail", large.pk))
    assert response.status_code == 200
    assert page(response).count('<tr class="nhsuk-table__row" role="row" id="competency-') == 30
    assert len(large_queries) == len(small_queries), [q["sql"] for q in large_queries]


def test_the_framework_list_runs_the_same_queries_whatever_its_length(nurse_client, areas):
    _framework_of_size(1, 2, areas)
    nurse_client.get(url("framework_list"))
    with CaptureQueriesContext(connection) as few:
        nurse_client.get(url("framework_list"))
    for _ in range(5):
        _framework_of_size(1, 2, areas, Framework.Status.PUBLISHED)
    with CaptureQueriesContext(connection) as many:
        nurse_client.get(url("framework_list"))
    assert len(many) == len(few)


# Presentation -------------------------------------------------------------------------------


def test_status_and_state_tags_have_a_colour_for_every_value_and_show_words():
    assert framework_status_tag("draft") == "nhsuk-tag--grey"
    assert framework_status_tag(Framework.Status.PUBLISHED) == "nhsuk-tag--green"
    assert framework_status_tag(Framework(status="retired")) == "nhsuk-tag--white"
    expected = {
        "not_started": "nhsuk-tag--grey",
        "in_progress": "nhsuk-tag--blue",
        "awaiting_sign_off": "nhsuk-tag--yellow",
        "achieved": "nhsuk-tag--green",
        "not_yet_competent": "nhsuk-tag--red",
        "reassessment_due": "nhsuk-tag--orange",
    }
    assert {state.value: progress_state_tag(state) for state in ProgressState} == expected
    rendered = Template(
        "{% load competency_tags %}{% state_tag 'awaiting_sign_off' %}|"
        "{% state_tag state 'Due now' %}|"
        '<strong class="nhsuk-tag {{ state|progress_state_tag }}">x</strong>|'
        "{% framework_status 'published' %}"
    ).render(Context({"state": ProgressState.REASSESSMENT_DUE}))
    assert rendered == (
        '<strong class="nhsuk-tag nhsuk-tag--yellow">Awaiting sign-off</strong>|'
        '<strong class="nhsuk-tag nhsuk-tag--orange">Due now</strong>|'
        '<strong class="nhsuk-tag nhsuk-tag--orange">x</strong>|'
        '<strong class="nhsuk-tag nhsuk-tag--green">Published</strong>'
    )


def test_the_competency_edit_page_starts_from_what_is_saved(nurse_client, draft, areas):
    competency = Competency.objects.get(code="COMM-02")
    competency.is_core = False
    competency.reassessment_months = 6
    competency.save()
    competency.clinical_areas.set([areas[1]])
    text = page(nurse_client.get(url("competency_edit", competency.pk)))
    assert re.search(r'value="specific"[^>]*checked', text)
    assert re.search(rf'value="{areas[1].pk}"[^>]*checked', text)
    assert not re.search(rf'value="{areas[0].pk}"[^>]*checked', text)
    assert re.search(r'value="direct_observation"[^>]*checked', text)
    assert re.search(r'name="reassessment_months" value="6"', text)
    assert re.search(rf'<option value="{competency.domain_id}" selected>Communication', text)
    assert "Explains the procedure to the patient\nRecords the outcome accurately" in text
