"""The page draws itself from what it carries, under the real Content Security Policy.

The styles and the script that marks the page as scripted are inside the page, allowed by their
hashes (pathway/inline_assets.py). The other end-to-end tests bypass the policy (axe is
injected as a script); these do not, so a hash out of step with the text would show here as a
page without its NHS.UK styles and a refusal in the console. Screenshots at 390 px and at a
desktop's width are saved under var/screenshots/first-paint/ for a reviewer.
"""

from __future__ import annotations

import pytest

from tests import factories
from tests.e2e.conftest import SCREENSHOTS, check_styles_kept

pytestmark = pytest.mark.django_db(transaction=True)

NHS_BLUE = "rgb(0, 94, 184)"
SHOTS = SCREENSHOTS / "first-paint"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def strict_page(browser):
    """A page whose browser enforces the policy, collecting what it refuses."""
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if message.type == "error" else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error(`CSP refused ${e.violatedDirective}: ${e.blockedURI}`));"
    )
    yield page, refused
    context.close()


def looks_like_nhsuk(page) -> dict:
    return page.evaluate(
        """() => ({
          header: getComputedStyle(document.querySelector('.nhsuk-header')).backgroundColor,
          font: getComputedStyle(document.body).fontFamily,
          body: document.body.className,
          links: document.querySelectorAll('link[rel=stylesheet]').length,
        })"""
    )


def check(page, refused, name: str) -> None:
    for size, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.reload()
        page.wait_for_load_state("load")
        drawn = looks_like_nhsuk(page)
        assert drawn["header"] == NHS_BLUE, (name, size, drawn)
        assert "arial" in drawn["font"].lower() and drawn["links"] == 0, drawn
        # The inline script ran: the NHS.UK components' scripted styles apply.
        assert {"js-enabled", "nhsuk-frontend-supported"} <= set(drawn["body"].split())
        check_styles_kept(page, name)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
    assert not refused, refused


def test_sign_in_and_the_mentor_s_pages_draw_under_the_strict_policy(strict_page, live_server):
    page, refused = strict_page
    record, mentor, (competency, *_) = factories.enrolled_trainee(
        competencies=2, practices_required=1
    )
    factories.ask_for_sign_off(record, competency, mentor)

    page.goto(f"{live_server.url}/sign-in/")
    check(page, refused, "sign-in")

    page.get_by_label("Email address").fill(mentor.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/mentor/")
    check(page, refused, "mentor-queue")

    page.get_by_role("link", name=f"Review {competency.code}", exact=False).first.click()
    check(page, refused, "sign-off")
    # The NHS.UK script opens the feedback question under "not yet competent": the classes it
    # switches as it runs kept their styles through the purge.
    feedback = page.get_by_label("What does the trainee need to do next?")
    assert feedback.is_hidden()
    page.get_by_label("Not yet competent: needs more practice").check()
    assert feedback.is_visible()
    page.get_by_label("Achieved: competent to practise this unsupervised").check()
    assert feedback.is_hidden()
    assert not refused, refused
