"""No page scrolls sideways on a phone (issue 16): every page each demo role can reach, at 390 and
320 CSS pixels, is no wider than the screen.

The demo programme is seeded and each demo person signs in and follows the links on their pages,
breadth first, visiting each kind of page (each URL route, whatever its ids) once. At each width
the document must be no wider than the viewport; a failure names the page and the elements that
stick out. A full-page screenshot of each page at 390 px is saved under var/screenshots/phone/
for a reviewer; each page is checked for classes the purged stylesheet lost (conftest.py); with
PATHWAY_PHONE_AXE=1 each page is also checked with axe at 390 px.
"""

from __future__ import annotations

import io
import os
import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from pathway.demo import DEMO_PASSWORD
from tests.e2e.conftest import SCREENSHOTS, check_accessibility, check_styles_kept

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 320)
# PATHWAY_PHONE_AXE=1 also runs axe on every page at 390 px (it roughly doubles the run time).
AXE_AT_PHONE_WIDTH = os.environ.get("PATHWAY_PHONE_AXE") == "1"
PHONE_SHOTS = SCREENSHOTS / "phone"
# Enough for every kind of page the busiest role (the lead nurse) can reach, with room to spare;
# a bound keeps a link loop from running the test on for ever.
MAX_PAGES_PER_ROLE = 150

# Never followed: other sites, static files, Django's admin and the API's Swagger page (not our
# design) and files for download (Word, spreadsheets, CSV), which open no page.
SKIP = re.compile(
    r"^/(assets|admin|media|api)/|/(export|download)|\.(docx|xlsx|csv|pdf|json|zip|ics)$|"
    r"/(sign-out|logout)/",
    re.IGNORECASE,
)
# Pages that are the same for everyone: visited as the first person only.
EVERYONE_ALIKE = {"privacy/", "accessibility/", "account/password/", "notifications/settings/"}
# Query parameters that only re-order or page a list: the same kind of page.
SAME_PAGE_PARAMS = {"sort", "order", "dir", "direction", "page", "next"}

# Finds what sticks out past the right edge: the outermost elements wider than the screen that
# no scrolling container clips, widest first.
OVERFLOWING = """
() => {
  const vw = window.innerWidth;
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    for (const c of el.classList) name += '.' + c;
    const text = (el.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 50);
    return name + (text ? ` "${text}"` : '');
  };
  // An absolutely positioned element escapes a scrolling ancestor that is not positioned.
  const escapes = (el) => getComputedStyle(el).position === 'absolute';
  const find = (keep) => {
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= vw + 0.5 || !keep(el)) continue;
      const parent = el.parentElement.getBoundingClientRect();
      if (keep === escapes || el.parentElement === document.body || parent.right <= vw + 0.5) {
        found.push({what: describe(el), right: Math.round(r.right), width: Math.round(r.width)});
      }
    }
    return found;
  };
  let found = find((el) => !clipped(el));
  if (!found.length) found = find(escapes);
  found.sort((a, b) => b.right - a.right);
  const scrollWidth = document.documentElement.scrollWidth;
  return {scrollWidth, viewport: vw, found: found.slice(0, 3)};
}
"""


def page_kind(path: str, query: str) -> str | None:
    """The route a path resolves to, with the query's meaningful keys: one visit per kind."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    keys = sorted({k for k, _ in parse_qsl(query)} - SAME_PAGE_PARAMS)
    return match.route + ("?" + "&".join(keys) if keys else "")


def links_on(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
    return [h.split("#")[0] for h in hrefs if h.startswith(origin)]


def measure(page) -> dict:
    # Wait for the page's own scripts (the header folds its menu once loaded).
    page.wait_for_load_state("load")
    return page.evaluate(OVERFLOWING)


def crawl(
    page, origin: str, role: str, email: str, *, skip: set[str] | None = None
) -> tuple[list[str], list[str]]:
    """Sign in as the person and visit each kind of page they can reach, except those in
    `skip`; return the pages visited and the problems found."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{origin}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    assert "/sign-in/" not in page.url, f"{role} ({email}) could not sign in"

    queue = deque([page.url.split("#")[0]])
    seen_kinds: set[str] = set(skip or ())
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        parts = urlsplit(url)
        kind = page_kind(parts.path, parts.query)
        if kind is None or kind in seen_kinds or SKIP.search(parts.path):
            continue
        seen_kinds.add(kind)
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download, not a page
            continue
        if response is None or not response.ok:
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        landed = urlsplit(page.url)
        landed_kind = page_kind(landed.path, landed.query)
        if landed_kind != kind:  # redirected: to a page already seen, or to be seen now
            if landed_kind in seen_kinds:
                continue
            seen_kinds.add(landed_kind)
        name = f"{role}: {landed.path}{'?' + landed.query if landed.query else ''}"
        visited.append(name)
        for width in WIDTHS:
            if width != 390:
                # Loaded afresh at this width, as a phone would: the header lays out its menu
                # for the width it loads at.
                page.set_viewport_size({"width": width, "height": 844})
                page.reload()
            result = measure(page)
            if result["scrollWidth"] > result["viewport"]:
                sticking_out = (
                    "; ".join(
                        f"{f['what']} (right edge {f['right']} px, {f['width']} px wide)"
                        for f in result["found"]
                    )
                    or "no single element found"
                )
                problems.append(
                    f"{name} is {result['scrollWidth']} px wide at {width} px: {sticking_out}"
                )
            if width == 390:
                try:  # the purged stylesheet still styles every class the page uses
                    check_styles_kept(page, name)
                except AssertionError as failure:
                    problems.append(str(failure))
                if AXE_AT_PHONE_WIDTH:
                    try:
                        check_accessibility(page, name + " at 390 px")
                    except AssertionError as failure:
                        problems.append(str(failure))
                shot = re.sub(r"[^a-z0-9-]+", "-", f"{role} {landed.path}".lower()).strip("-")
                page.screenshot(path=str(PHONE_SHOTS / f"{shot}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        queue.extend(link for link in links_on(page, origin) if link not in queue)
    return visited, problems


def seed_demo() -> list[tuple[str, str]]:
    """Seed the demo programme; return the (role, email) sign-ins it prints."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return re.findall(r"^  (\S.*?)  +(\S+@\S+)$", out.getvalue(), re.MULTILINE)


def test_no_page_scrolls_sideways_on_a_phone(page, live_server):
    PHONE_SHOTS.mkdir(parents=True, exist_ok=True)
    for old in PHONE_SHOTS.glob("*.png"):
        old.unlink()
    sign_ins = seed_demo()
    assert len(sign_ins) >= 7, sign_ins
    all_problems: list[str] = []
    all_visited: list[str] = []
    for index, (role, email) in enumerate(sign_ins):
        skip = EVERYONE_ALIKE if index else set()
        visited, problems = crawl(page, live_server.url, role, email, skip=skip)
        all_visited += visited
        all_problems += problems
        page.context.clear_cookies()
    assert len(all_visited) > 40, "Too few pages reached:\n" + "\n".join(all_visited)
    assert not all_problems, (
        f"{len(all_problems)} of {len(all_visited)} page views scroll sideways:\n"
        + "\n".join(all_problems)
    )
