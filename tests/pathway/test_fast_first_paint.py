"""The static files a page loads are the built, cacheable ones: the NHS.UK stylesheet without
the CDN's fonts (which the Content Security Policy refuses), and every file, also the module
app.js imports, under a hashed name. Nothing blocks the first paint: the styles every page needs
(the NHS.UK stylesheet purged of what Pathway never uses) and the script marking the page as
scripted are inside the page, allowed by their hashes in a policy still without 'unsafe-inline'
(docs/performance.md, "On a phone")."""

import ast
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from pathway import inline_assets
from pathway.inline_assets import csp_hash
from pathway.staticbuild import (
    PURGED_STYLESHEET,
    SAFELIST_PREFIXES,
    ManifestStorage,
    nhsuk_stylesheet,
    purge,
    purge_content,
)
from tests import factories

BASE = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def inline_assets_on(settings):
    """As production serves pages (the rest of the unit tests link the files instead)."""
    settings.PATHWAY_INLINE_ASSETS = True


def test_the_nhsuk_stylesheet_is_built_without_the_fonts_of_another_origin():
    # Our CSP allows fonts from ourselves only: the CDN's fonts were refused on every page.
    built = Path(finders.find("nhsuk/nhsuk-frontend.min.css")).read_text()
    package = (settings.NHSUK_DIST / "nhsuk-frontend.min.css").read_text()
    assert "assets.nhs.uk" in package and "assets.nhs.uk" not in built
    assert ".nhsuk-header{" in built and "sourceMappingURL" not in built
    kept = "@font-face{font-family:Own;src:url(/assets/own.woff2)}"
    assert nhsuk_stylesheet(kept + "@font-face{src:url(https://cdn.example/x.woff)}a{b:c}") == (
        kept + "a{b:c}"
    )
    assert Path(finders.find("nhsuk/nhsuk-frontend.min.js")).exists()


def test_a_module_imported_by_our_script_gets_a_hashed_cacheable_name_too():
    # app.js imports the NHS.UK script; with plain names it was cached for a minute only.
    assert ManifestStorage.support_js_module_import_aggregation
    app = (Path(settings.BASE_DIR) / "static" / "js" / "app.js").read_text()
    assert 'from "../nhsuk/nhsuk-frontend.min.js"' in app


def test_collectstatic_gives_every_file_a_hashed_name_also_the_imported_module(tmp_path):
    # As production collects them: app.js then imports the NHS.UK script by its hashed name, so
    # both are cached for a year (a plain name is cached for a minute only).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "pathway.staticbuild.ManifestStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
        app = (tmp_path / manifest["js/app.js"]).read_text()
    script = manifest["nhsuk/nhsuk-frontend.min.js"]
    assert script != "nhsuk/nhsuk-frontend.min.js"
    assert f'from "../{script}"' in app
    assert "assets.nhs.uk" not in (tmp_path / manifest["nhsuk/nhsuk-frontend.min.css"]).read_text()


# Nothing blocks the first paint ----------------------------------------------------------------


class _PageParts(HTMLParser):
    """A page's stylesheet links, its scripts (with attributes) and its inline texts."""

    def __init__(self):
        super().__init__()
        self.links, self.scripts, self.inline = [], [], {"style": [], "script": []}
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.links.append(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        self._open = tag if tag in ("style", "script") and "src" not in attrs else None

    def handle_data(self, data):
        if self._open:
            self.inline[self._open].append(data)

    def handle_endtag(self, tag):
        self._open = None


def _directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["sign-in page", "signed-in page"])
def test_a_page_carries_its_styles_inline_allowed_by_their_hashes_and_nothing_blocks(
    client, signed_in
):
    if signed_in:
        client.force_login(factories.TraineeFactory())
    response = client.get(reverse("pathway:account") if signed_in else reverse("login"))
    assert response.status_code == 200
    parts = _PageParts()
    parts.feed(response.content.decode())
    # No stylesheet to wait for; every script file is a module (run after the page is drawn).
    assert parts.links == []
    assert parts.scripts and all(s.get("type") == "module" for s in parts.scripts if "src" in s)
    styles, scripts = parts.inline["style"], parts.inline["script"]
    assert len(styles) == 2 and ".nhsuk-header{" in styles[0] and "js-enabled" in scripts[0]

    policy = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert all(csp_hash(text) in policy["style-src"] for text in styles)
    assert all(csp_hash(text) in policy["script-src"] for text in scripts)
    # Only those: one changed character and the browser refuses the text.
    assert csp_hash(styles[0] + " ") not in policy["style-src"]
    assert policy["style-src"][0] == policy["script-src"][0] == "'self'"


@pytest.mark.django_db
def test_with_inline_assets_off_the_same_files_are_linked(client, settings):
    settings.PATHWAY_INLINE_ASSETS = False
    response = client.get(reverse("login"))
    parts = _PageParts()
    parts.feed(response.content.decode())
    assert parts.inline["style"] == [] and parts.inline["script"] == []
    assert [link.get("href") for link in parts.links] == [
        "/assets/nhsuk/nhsuk-frontend.pathway.min.css",
        "/assets/css/pathway.css",
    ]
    assert "sha256-" not in response["Content-Security-Policy"]


def test_only_the_listed_files_go_inline():
    with pytest.raises(ValueError, match="not one of the files"):
        inline_assets.inline_text("js/app.js")


def test_a_file_that_would_close_its_element_is_refused(monkeypatch):
    monkeypatch.setattr(inline_assets, "_read", lambda name: "a{b:c}</style><script>x()")
    with pytest.raises(ValueError, match="closing"):
        inline_assets._text("css/pathway.css")


def test_comments_stay_in_the_files_not_in_every_page():
    css = inline_assets._text("css/pathway.css")
    script = inline_assets._text("js/js-enabled.js")
    assert "/*" not in css and "body{" in css.replace(" ", "").replace("\n", "")
    assert script.startswith("document.body.className")


# The purged stylesheet keeps what the pages use ------------------------------------------------


def _classes(css: str) -> set[str]:
    return set(re.findall(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)", css))


def _built(name: str) -> str:
    return Path(finders.find(name)).read_text()


def test_the_purged_stylesheet_is_much_smaller_and_keeps_every_class_our_files_name():
    full, purged = _built("nhsuk/nhsuk-frontend.min.css"), _built(PURGED_STYLESHEET)
    assert len(purged) < len(full) / 1.8
    words = set()
    for path in purge_content(BASE, settings.NHSUK_DIST):
        words |= set(re.findall(r"[A-Za-z][A-Za-z0-9_-]*", path.read_text()))
    # Every class a template, our Python or scripts, or the NHS.UK script names is kept...
    missing = sorted((words & _classes(full)) - _classes(purged))
    assert not missing, missing
    # ...what is read from a template or the NHS.UK script in particular...
    assert {"nhsuk-header__menu-toggle", "nhsuk-radios__conditional--hidden"} <= _classes(purged)
    assert "nhsuk-frontend-supported" in _classes(purged)  # set by js-enabled.js
    # ...and what the NHS.UK script builds as it runs, on a component our pages use (a wide
    # table's scroll region: `${moduleName}--scrollable-right`).
    assert {"nhsuk-scroll--scrollable", "nhsuk-scroll--scrollable-right"} <= _classes(purged)
    # ...and what none of them names is not.
    assert "nhsuk-action-link" in _classes(full) and "nhsuk-action-link" not in _classes(purged)


def test_the_classes_our_code_builds_from_parts_are_kept():
    full, purged = (
        _classes(_built("nhsuk/nhsuk-frontend.min.css")),
        _classes(_built(PURGED_STYLESHEET)),
    )
    for prefix in SAFELIST_PREFIXES:
        family = {name for name in full if name.startswith(prefix)}
        assert family and family <= purged, prefix


def _prefixes_built_from_parts(path: Path) -> set[str]:
    """NHS.UK class names our code finishes at run time: an f-string ("nhsuk-button--{x}"), a
    replace("nhsuk-label--", "nhsuk-fieldset__legend--"), a template ("nhsuk-tag--{{ x }}")."""
    text = path.read_text()
    if path.suffix == ".html":
        # Not `nhsuk-item{% if current %} nhsuk-item--current{% endif %}`: that adds a class.
        return set(re.findall(r"(nhsuk-[a-z0-9_-]+)(?:\{\{|\{%[^%]*%\}(?=[^\s\"{]))", text))
    if path.suffix == ".js":
        return set(re.findall(r"(nhsuk-[a-z0-9_-]+)\$\{", text))
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.JoinedStr):
            for left, right in zip(node.values, node.values[1:], strict=False):
                if isinstance(left, ast.Constant) and isinstance(right, ast.FormattedValue):
                    found |= set(re.findall(r"(nhsuk-[a-z0-9_-]+)$", left.value))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "replace":
            found |= {
                a.value
                for a in node.args[1:2]
                if isinstance(a, ast.Constant) and str(a.value).startswith("nhsuk-")
            }
    return found


def test_every_class_our_code_builds_from_parts_is_in_the_safelist():
    # A new f"nhsuk-tag--{colour}" would name no whole class the purge could see: its family
    # must be added to SAFELIST_PREFIXES (pathway/staticbuild.py).
    ours = [p for p in purge_content(BASE, settings.NHSUK_DIST) if "node_modules" not in p.parts]
    built = {prefix: path for path in ours for prefix in _prefixes_built_from_parts(path)}
    assert "nhsuk-button--" in built  # the search finds the ones we know of
    missing = {
        prefix: str(path.relative_to(BASE))
        for prefix, path in built.items()
        if not prefix.startswith(SAFELIST_PREFIXES)
    }
    assert not missing, missing


def test_the_custom_properties_the_nhsuk_script_reads_are_kept():
    # The header's script reads its breakpoints from --nhsuk-breakpoint-*: purgecss's
    # --variables would drop them as unused by the stylesheet itself.
    full, purged = _built("nhsuk/nhsuk-frontend.min.css"), _built(PURGED_STYLESHEET)
    properties = set(re.findall(r"(--nhsuk-[a-z-]+):", full))
    assert "--nhsuk-breakpoint-desktop" in properties
    assert properties == set(re.findall(r"(--nhsuk-[a-z-]+):", purged))


def test_the_purge_follows_the_templates_and_runs_only_when_something_changed(tmp_path):
    # The real purgecss on a small project: a class a template starts using is kept the next
    # time the build runs, with nothing to remember.
    (tmp_path / "node_modules").symlink_to(BASE / "node_modules")
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text('<p class="nhsuk-body">Hello</p>')
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "nhsuk-frontend.min.js").write_text(
        'e.classList.add("nhsuk-added-by-script");e.classList.toggle(`${e.moduleName}--wide`)'
    )
    full = tmp_path / "full.css"
    full.write_text(
        ".nhsuk-body{a:b}.nhsuk-tag{c:d}.nhsuk-added-by-script{e:f}.nhsuk-button--warning{g:h}"
        ".nhsuk-body--wide{i:j}.nhsuk-tabs--wide{k:l}"
    )
    target = tmp_path / "build"
    target.mkdir()

    purge(full, target, tmp_path, dist)
    built = target / PURGED_STYLESHEET
    first = built.read_text()
    assert ".nhsuk-body{" in first and ".nhsuk-tag" not in first
    assert ".nhsuk-added-by-script{" in first and ".nhsuk-button--warning{" in first
    # The script's modifier on a component the page uses, not on one it does not.
    assert ".nhsuk-body--wide{" in first and ".nhsuk-tabs--wide" not in first

    built.write_text("left alone when nothing changed")
    purge(full, target, tmp_path, dist)
    assert built.read_text() == "left alone when nothing changed"

    page.write_text('<strong class="nhsuk-tag">New</strong>')
    purge(full, target, tmp_path, dist)
    assert ".nhsuk-tag{" in built.read_text() and ".nhsuk-body" not in built.read_text()


def test_production_puts_the_collected_stylesheet_inline_with_hashed_icon_names(tmp_path):
    # In production the text comes from STATIC_ROOT, as collected: the icons it names have their
    # hashed (cached for a year) names.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "pathway.staticbuild.ManifestStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        text = inline_assets._text(PURGED_STYLESHEET)
    icons = re.findall(r"url\(\"?(/assets/images/[^)\"]+)\"?\)", text)
    assert icons and all(re.search(r"\.[0-9a-f]{12}\.svg$", icon) for icon in icons)
