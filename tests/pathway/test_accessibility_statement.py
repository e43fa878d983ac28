"""The accessibility statement (/accessibility/): open to everyone from every page's footer, in
the format the accessibility regulations expect, with the date of the last passing browser test
run, and its known issues kept true.

Each entry of pathway/accessibility_statement.toml names a check below that passes only while
what the entry says is still true. When one fails because the problem was fixed (or the thing
described changed), change the entry or remove it, and its check, in the same commit.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from competencies import uploads
from pathway import accessibility
from tests import factories

BASE = Path(settings.BASE_DIR)
URL = "/accessibility/"


# Checks: each passes only while its entry in the statement is true -----------------------------

# What a warning before the idle sign-out would have to say, in a template or a script.
TIMEOUT_WARNING = re.compile(
    r"\bidle\b|\btime ?out\b|session[^\n]{0,40}expir|stay signed in|signed out in|sign you out",
    re.IGNORECASE,
)


def idle_timeout_without_warning():
    """Sessions end after a fixed idle time (within WCAG's 20-hour exception it is not), and no
    page or script warns of it or offers more time."""
    assert settings.SESSION_COOKIE_AGE < 20 * 60 * 60
    assert reverse("pathway:accessibility") == URL
    files = [*BASE.joinpath("templates").rglob("*.html"), *BASE.joinpath("static").rglob("*.js")]
    # The statement and the privacy notice may speak of the timeout; they do not warn of it.
    files = [f for f in files if f.name not in {"accessibility.html", "privacy.html"}]
    warnings = [str(f) for f in files if TIMEOUT_WARNING.search(f.read_text(encoding="utf-8"))]
    assert warnings == [], f"a timeout warning now exists: update the statement ({warnings})"


def evidence_files_kept_as_uploaded():
    """People may upload PDFs, Word documents and photos as evidence; they are stored as given."""
    assert {"application/pdf", "application/msword", "image/jpeg"} <= set(uploads.ALLOWED)
    assert "a PDF, a Word document" in uploads.ALLOWED_DESCRIPTION


def sign_in_by_another_service():
    """Single sign-on (OpenID Connect) and passkeys exist as ways to sign in."""
    assert hasattr(settings, "PATHWAY_OIDC_ISSUER") and hasattr(settings, "PATHWAY_PASSKEYS")
    assert reverse("login") == "/sign-in/"


def downloads_are_documents_and_spreadsheets():
    """Job descriptions download as Word documents with real headings; lists as CSV and Excel."""
    docx = BASE.joinpath("roledesign", "docx_export.py").read_text(encoding="utf-8")
    assert "add_heading(" in docx
    spreadsheets = BASE.joinpath("pathway", "spreadsheets.py").read_text(encoding="utf-8")
    assert "csv" in spreadsheets and "xlsx" in spreadsheets


def django_admin_site():
    """Django's admin site is at /admin/ and is not in the NHS.UK design."""
    assert reverse("admin:index") == "/admin/"
    admin_base = BASE.joinpath("templates", "admin", "base_site.html")
    assert not admin_base.exists() or "nhsuk" not in admin_base.read_text(encoding="utf-8")


CHECKS = {
    check.__name__: check
    for check in (
        idle_timeout_without_warning,
        evidence_files_kept_as_uploaded,
        sign_in_by_another_service,
        downloads_are_documents_and_spreadsheets,
        django_admin_site,
    )
}


def _entries():
    data = accessibility.statement_data()
    return [
        entry["check"]
        for part in ("non_compliance", "out_of_scope", "not_tested")
        for entry in data.get(part, [])
    ]


def test_every_known_issue_has_a_check_and_every_check_an_issue():
    entries = _entries()
    assert len(entries) == len(set(entries))
    assert set(entries) == set(CHECKS)


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_what_the_statement_says_is_still_true(check):
    CHECKS[check]()


@pytest.mark.django_db
def test_the_admin_site_is_not_in_the_nhs_design(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "nhsuk-header" not in response.content.decode()


# The page ----------------------------------------------------------------------------------------


@pytest.fixture
def no_test_run(settings, tmp_path):
    settings.PATHWAY_ACCESSIBILITY_LAST_TESTED_FILE = tmp_path / "none.json"
    return settings.PATHWAY_ACCESSIBILITY_LAST_TESTED_FILE


def _body(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_anyone_reads_it_without_signing_in_in_the_regulations_format(client, no_test_run):
    body = _body(client)
    for heading in (
        "Accessibility statement for Pathway",
        "How accessible Pathway is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Technical information about this service's accessibility",
        "Compliance status",
        "Non-accessible content",
        "Non-compliance with the accessibility regulations",
        "Disproportionate burden",
        "Content that's not within the scope of the accessibility regulations",
        "What we have not tested",
        "Preparation of this accessibility statement",
    ):
        assert heading in body, heading
    assert "Equality and Human Rights Commission" in body
    assert "Equality Advisory and Support Service" in body
    assert "Equality Commission for Northern Ireland" in body
    assert "(No. 2) Accessibility Regulations 2018" in body
    assert "axe-core" in body and "390 pixels" in body and "Lighthouse" in body
    prepared = accessibility.statement_data()["prepared"]
    assert f"This statement was prepared on {prepared:%-d %B %Y}" in body


@pytest.mark.django_db
def test_known_issues_are_listed_with_the_criterion_and_make_it_partially_compliant(
    client, settings, no_test_run
):
    settings.SESSION_COOKIE_AGE = 45 * 60
    body = _body(client)
    assert "Pathway is partially compliant with the" in body
    assert "If you do nothing for 45 minutes, Pathway signs you out" in body
    assert "2.2.1 Timing adjustable (level A)" in body
    assert body.count('data-testid="non-compliance"') == 1
    assert body.count('data-testid="out-of-scope"') == 2
    assert body.count('data-testid="not-tested"') == 2
    assert "Files people upload as evidence" in body


@pytest.mark.django_db
def test_with_no_known_issue_it_says_fully_compliant(client, monkeypatch, no_test_run):
    data = {**accessibility.statement_data(), "non_compliance": []}
    monkeypatch.setattr(accessibility, "statement_data", lambda: data)
    body = _body(client)
    assert "Pathway is fully compliant with the" in body
    assert "partially compliant" not in body
    assert "We know of no content that fails the accessibility regulations" in body


@pytest.mark.django_db
def test_the_date_last_tested_comes_from_the_last_passing_browser_test_run(
    client, settings, tmp_path
):
    record = tmp_path / "var" / "accessibility-last-tested.json"
    settings.PATHWAY_ACCESSIBILITY_LAST_TESTED_FILE = record
    accessibility.record_test_run(
        record,
        on=datetime.date(2027, 3, 9),
        pages=212,
        axe_version="4.14.1",
        tags=["wcag2a", "wcag22aa"],
    )
    body = _body(client)
    assert "Pathway was last tested on 9 March 2027" in body
    assert "checked 212 pages with axe-core 4.14.1 and found no failures" in body


@pytest.mark.django_db
def test_without_a_test_run_it_gives_the_date_committed_with_the_statement(client, no_test_run):
    committed = accessibility.statement_data()["last_tested"]
    assert isinstance(committed, datetime.date)
    body = _body(client)
    assert f"Pathway was last tested on {committed:%-d %B %Y}." in body
    assert "found no failures" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("content", ["not json", '{"date": "yesterday", "pages": 3}', "[]", ""])
def test_an_unreadable_record_falls_back_to_the_committed_date(client, settings, tmp_path, content):
    record = tmp_path / "accessibility-last-tested.json"
    record.write_text(content)
    settings.PATHWAY_ACCESSIBILITY_LAST_TESTED_FILE = record
    committed = accessibility.statement_data()["last_tested"]
    assert f"last tested on {committed:%-d %B %Y}" in _body(client)


@pytest.mark.django_db
def test_the_contact_address_is_a_setting(client, settings, no_test_run):
    assert "mailto:" not in _body(client)
    settings.PATHWAY_ACCESSIBILITY_CONTACT_EMAIL = "digital.team@example.nhs.uk"
    body = _body(client)
    assert 'href="mailto:digital.team@example.nhs.uk"' in body


@pytest.mark.django_db
def test_every_page_links_to_it_from_the_footer_signed_in_or_not(client, lead_nurse):
    link = f'<a class="nhsuk-footer__list-item-link" href="{URL}">Accessibility statement</a>'
    assert link in client.get("/sign-in/").content.decode()
    assert link in client.get(URL).content.decode()
    client.force_login(lead_nurse)
    assert link in client.get("/", follow=True).content.decode()
    assert link in client.get(reverse("pathway:account")).content.decode()
