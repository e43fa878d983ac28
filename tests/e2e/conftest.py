"""End-to-end tests: Debian's Chromium driven by Playwright against Django's live server.

Run with `make e2e`. Each page a journey visits is checked with axe-core (WCAG 2.2 A and AA
rules) at desktop width and on a 390 px phone, where it must not scroll sideways, and for
classes the purged stylesheet lost; screenshots are saved under var/screenshots/ (desktop) and
var/screenshots/phone/journeys/ (390 px) for a reviewer. A run of every journey file in which
every test passes writes the date and the number of pages axe passed to
settings.PATHWAY_ACCESSIBILITY_LAST_TESTED_FILE (var/accessibility-last-tested.json), which the
accessibility statement shows as the date Pathway was last tested.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from playwright.sync_api import expect

from pathway.accessibility import record_test_run

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself (building data) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PATHWAY_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
AXE = Path(settings.AXE_CORE_DIST) / "axe.min.js"
PHONE_SCREENSHOTS = SCREENSHOTS / "phone" / "journeys"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make e2e`, which installs it")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def inline_assets_as_in_production(settings):
    """Pages carry their styles inline, as production serves them (the unit tests link them:
    pathway/settings_test.py), so the journeys check what people get."""
    settings.PATHWAY_INLINE_ASSETS = True


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as a script; the app's own CSP would rightly refuse that.
    return {**browser_context_args, "bypass_csp": True, "viewport": DESKTOP}


def check_accessibility(page, name: str) -> None:
    """Run axe-core on the page as it is now; fail listing each WCAG A/AA violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    AXE_RUNS["axe_version"] = result.get("testEngine", {}).get("version", "")
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in result["violations"]
    ]
    assert not problems, f"Accessibility problems on {name}:\n" + "\n".join(problems)
    AXE_RUNS["pages"] += 1


# The date the accessibility statement gives as "last tested" (pathway/accessibility.py): a run
# of every browser journey file, every test passing, writes how many page checks axe passed.
AXE_RUNS = {"pages": 0, "axe_version": ""}
E2E_DIR = Path(__file__).parent


def _ran_every_journey_file(items) -> bool:
    every = {p.name for p in E2E_DIR.glob("test_*.py")}
    return every <= {Path(str(item.fspath)).name for item in items}


def pytest_collection_finish(session):
    if session.items:  # an xdist controller collects nothing: its workers say
        AXE_RUNS["complete"] = _ran_every_journey_file(session.items)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """Under pytest-xdist: add up what each worker checked."""
    output = getattr(node, "workeroutput", {})
    AXE_RUNS["pages"] += output.get("axe_pages", 0)
    AXE_RUNS["axe_version"] = output.get("axe_version") or AXE_RUNS["axe_version"]
    AXE_RUNS["complete"] = AXE_RUNS.get("complete") or output.get("complete", False)


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):  # an xdist worker: its controller records
        session.config.workeroutput["axe_pages"] = AXE_RUNS["pages"]
        session.config.workeroutput["axe_version"] = AXE_RUNS["axe_version"]
        session.config.workeroutput["complete"] = AXE_RUNS.get("complete", False)
        return
    chosen = session.config.getoption("keyword", "") or session.config.getoption("markexpr", "")
    complete = AXE_RUNS.get("complete") and not chosen
    if exitstatus == 0 and complete and AXE_RUNS["pages"] and not session.testsfailed:
        record_test_run(
            Path(settings.PATHWAY_ACCESSIBILITY_LAST_TESTED_FILE),
            on=datetime.date.today(),
            pages=AXE_RUNS["pages"],
            axe_version=AXE_RUNS["axe_version"],
            tags=WCAG_TAGS,
        )


def _css_classes(css: str) -> set[str]:
    return set(re.findall(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)", css))


@functools.cache
def _full_stylesheet_classes() -> frozenset[str]:
    return frozenset(_css_classes(Path(finders.find("nhsuk/nhsuk-frontend.min.css")).read_text()))


def check_styles_kept(page, name: str) -> None:
    """Every class on the page that the full NHS.UK stylesheet styles is styled by the page's
    own (inline, purged at build time: pathway/staticbuild.py): the purge dropped nothing the
    page uses, also classes a template or script put together at run time."""
    full = _full_stylesheet_classes()
    used, inline = page.evaluate(
        """() => [
          [...new Set([...document.querySelectorAll("[class]")].flatMap(e => [...e.classList]))],
          [...document.querySelectorAll("style")].map(s => s.textContent).join("\\n"),
        ]"""
    )
    lost = sorted(c for c in used if c in full and c not in _css_classes(inline))
    assert not lost, f"Classes on {name} that the purged stylesheet lost: {lost}"


def screenshot(page, name: str, folder: Path = SCREENSHOTS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(folder / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"), full_page=True
    )


def check_both_widths(page, name: str) -> None:
    """axe and a screenshot at desktop width and on a 390 px phone, where the page must not
    scroll sideways; the page is left at the width it had."""
    was = page.viewport_size
    page.wait_for_load_state("load")
    for size in (DESKTOP, PHONE):
        if page.viewport_size != size:
            page.set_viewport_size(size)
        phone = size == PHONE
        check_accessibility(page, f"{name} at 390 px" if phone else name)
        screenshot(page, name, PHONE_SCREENSHOTS if phone else SCREENSHOTS)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{name} is {wide} px wide on a 390 px phone"
    if was != PHONE:
        page.set_viewport_size(was)


@pytest.fixture
def visit(page):
    """Check the page as it is now with axe at both widths and save screenshots."""

    def _visit(name: str):
        check_both_widths(page, name)
        check_styles_kept(page, name)

    return _visit


@pytest.fixture
def sign_in(page, live_server):
    def _sign_in(email: str, password: str):
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()

    return _sign_in


@pytest.fixture
def sign_out(page):
    def _sign_out():
        page.get_by_role("button", name="Sign out").click()

    return _sign_out


@pytest.fixture
def open_from_header(page):
    """Follow a link in the header menu, as a person would: with many items the NHS.UK header
    folds the last ones under "More", so open that first when the link is folded away."""

    def _open(name: str) -> None:
        page.wait_for_load_state("load")  # the header folds its links once its script has run
        menu = page.get_by_role("navigation", name="Menu")
        link = menu.get_by_role("link", name=name, exact=True)
        more = menu.get_by_role("button", name="Browse More")
        expect(link.or_(more).first).to_be_visible()
        if not link.is_visible():
            more.click()
        link.click()

    return _open


@pytest.fixture
def open_governance(page, open_from_header, visit):
    """Open one governance area as a person would: the header's Governance entry, then the
    area's card on that page (checked with axe on the way)."""

    def _open(area: str) -> None:
        open_from_header("Governance")
        expect(page.get_by_role("heading", name="Governance", level=1)).to_be_visible()
        visit("governance")
        page.get_by_test_id("governance-areas").get_by_role("link", name=area, exact=True).click()

    return _open
