"""Competencies beneath other competencies (Competency.parent), as deep Moodle frameworks have.

- the model keeps a parent in the same framework and domain, and not the competency itself;
- a new version of a framework copies the parent links, to the new copies;
- the framework page shows each competency after its parent, indented, in a fixed number of
  queries; moving, moving to another domain and deleting keep the tree whole.
"""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies import services
from competencies.models import Competency, Framework
from tests import factories

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"competencies:{name}", args=args)


@pytest.fixture
def nurse_client(client, lead_nurse):
    client.force_login(lead_nurse)
    return client


def tree(framework) -> list[tuple[str, str | None, int]]:
    """(code, parent code, order) of each competency, by domain and order."""
    return [
        (c.code, c.parent.code if c.parent else None, c.order)
        for c in framework.competencies.select_related("parent").order_by(
            "domain__order", "order", "id"
        )
    ]


@pytest.fixture
def nested(db):
    """Domain D1: A > (A.1 > A.1.i), A.2; B. Domain D2: C."""
    framework = factories.FrameworkFactory(code="nested", source_id_number="Nested 2025")
    d1 = factories.DomainFactory(framework=framework, code="D1", title="First", order=1)
    d2 = factories.DomainFactory(framework=framework, code="D2", title="Second", order=2)
    a = factories.CompetencyFactory(domain=d1, code="A", order=1)
    a1 = factories.CompetencyFactory(domain=d1, code="A.1", order=2, parent=a)
    factories.CompetencyFactory(domain=d1, code="A.1.i", order=3, parent=a1)
    factories.CompetencyFactory(domain=d1, code="A.2", order=4, parent=a)
    factories.CompetencyFactory(domain=d1, code="B", order=5)
    factories.CompetencyFactory(domain=d2, code="C", order=1)
    return framework


NESTED = [
    ("A", None, 1),
    ("A.1", "A", 2),
    ("A.1.i", "A.1", 3),
    ("A.2", "A", 4),
    ("B", None, 5),
    ("C", None, 1),
]


# The model ------------------------------------------------------------------------------------


def test_a_parent_must_be_in_the_same_framework_and_domain_and_not_itself(nested):
    a = nested.competencies.get(code="A")
    b = nested.competencies.get(code="B")
    c = nested.competencies.get(code="C")
    elsewhere = factories.CompetencyFactory()

    b.parent = a
    b.full_clean()  # same domain: fine

    for parent, message in (
        (c, "is in another domain"),
        (elsewhere, "belongs to another framework"),
        (b, "cannot sit under itself"),
    ):
        b.parent = parent
        with pytest.raises(ValidationError) as caught:
            b.full_clean()
        assert message in " ".join(caught.value.message_dict["parent"])


def test_deleting_a_competency_deletes_those_beneath_it(nested):
    nested.competencies.get(code="A.1").delete()
    assert [code for code, _, _ in tree(nested)] == ["A", "A.2", "B", "C"]


# A new version --------------------------------------------------------------------------------


def test_a_new_version_copies_the_parent_links_to_the_copies(nested, lead_nurse):
    area = factories.ClinicalAreaFactory()
    specific = nested.competencies.get(code="A.1.i")
    specific.is_core = False
    specific.save()
    specific.clinical_areas.set([area])
    Framework.objects.filter(pk=nested.pk).update(status=Framework.Status.PUBLISHED)
    nested.refresh_from_db()

    copy = services.framework_new_version(actor=lead_nurse, framework=nested)

    assert (copy.version, copy.status) == (2, Framework.Status.DRAFT)
    assert copy.source_id_number == "Nested 2025"
    assert tree(copy) == NESTED
    for competency in copy.competencies.select_related("parent"):
        if competency.parent is not None:  # the new copy's parent, never the old one
            assert competency.parent.framework_id == copy.pk
            assert competency.parent.domain_id == competency.domain_id
            competency.full_clean()
    assert list(copy.competencies.get(code="A.1.i").clinical_areas.all()) == [area]
    assert tree(nested) == NESTED  # the old version is as it was


# Editing a draft ------------------------------------------------------------------------------


def test_moving_a_competency_moves_it_among_its_siblings_with_what_is_beneath(nested, lead_nurse):
    a2 = nested.competencies.get(code="A.2")
    services.competency_move(actor=lead_nurse, competency=a2, direction="up")
    assert tree(nested) == [
        ("A", None, 1),
        ("A.2", "A", 2),
        ("A.1", "A", 3),
        ("A.1.i", "A.1", 4),
        ("B", None, 5),
        ("C", None, 1),
    ]
    services.competency_move(actor=lead_nurse, competency=a2, direction="up")  # already first
    services.competency_move(
        actor=lead_nurse, competency=nested.competencies.get(code="B"), direction="up"
    )
    assert tree(nested) == [
        ("B", None, 1),
        ("A", None, 2),
        ("A.2", "A", 3),
        ("A.1", "A", 4),
        ("A.1.i", "A.1", 5),
        ("C", None, 1),
    ]


def test_moving_a_competency_to_another_domain_leaves_its_parent(nested, lead_nurse):
    services.competency_update(
        actor=lead_nurse,
        competency=nested.competencies.get(code="A.1"),
        domain=nested.domains.get(code="D2"),
    )
    a1 = nested.competencies.get(code="A.1")
    assert (a1.domain.code, a1.parent) == ("D2", None)
    # What sat beneath it stays in its domain, beneath A.1's parent.
    assert nested.competencies.get(code="A.1.i").parent.code == "A"
    for competency in nested.competencies.all():
        competency.full_clean()


def test_the_delete_page_lists_what_is_beneath(nested, nurse_client):
    a = nested.competencies.get(code="A")
    text = html.unescape(nurse_client.get(url("competency_delete", a.pk)).content.decode())
    assert "The 3 competencies beneath it will be deleted too" in text
    for code in ("A.1 ", "A.1.i ", "A.2 "):
        assert f"<li>{code}" in text
    b = nested.competencies.get(code="B")
    text = nurse_client.get(url("competency_delete", b.pk)).content.decode()
    assert "beneath it" not in text


# The framework page ---------------------------------------------------------------------------


def _row(text: str, competency: Competency) -> str:
    start = text.index(f'id="competency-{competency.pk}"')
    return text[start : text.index("</tr>", start)]


def test_the_framework_page_shows_each_competency_under_its_parent(nested, nurse_client):
    text = html.unescape(nurse_client.get(url("framework_detail", nested.pk)).content.decode())
    competencies = {c.code: c for c in nested.competencies.all()}
    positions = [text.index(f'id="competency-{competencies[code].pk}"') for code, _, _ in NESTED]
    assert positions == sorted(positions)
    assert "Part of: A.1" in _row(text, competencies["A.1.i"])
    assert "nhsuk-u-padding-left-6" in _row(text, competencies["A.1.i"])
    assert "Part of: A" in _row(text, competencies["A.2"])
    assert "nhsuk-u-padding-left-4" in _row(text, competencies["A.2"])
    assert "Part of" not in _row(text, competencies["B"])
    assert "ID number in the imported file" in text and "Nested 2025" in text
    # Move buttons move a competency among its siblings only.
    assert "Move up" not in _row(text, competencies["A.1"])
    assert "Move down" in _row(text, competencies["A.1"])
    assert "Move up" in _row(text, competencies["A.2"])
    assert "Move down" not in _row(text, competencies["A.2"])
    assert "Move" not in _row(text, competencies["A.1.i"])


def test_the_framework_page_runs_the_same_queries_with_nesting(nested, nurse_client):
    flat = factories.FrameworkFactory()
    factories.CompetencyFactory(domain=factories.DomainFactory(framework=flat))
    nurse_client.get(url("framework_detail", flat.pk))  # warm the session

    with CaptureQueriesContext(connection) as flat_queries:
        assert nurse_client.get(url("framework_detail", flat.pk)).status_code == 200
    with CaptureQueriesContext(connection) as nested_queries:
        assert nurse_client.get(url("framework_detail", nested.pk)).status_code == 200
    assert len(nested_queries) == len(flat_queries), [q["sql"] for q in nested_queries]
