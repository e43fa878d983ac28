"""The static files a page loads are the built, cacheable ones: the NHS.UK stylesheet without
the CDN's fonts (which the Content Security Policy refuses), and every file, also the module
app.js imports, under a hashed name (docs/performance.md, "On a phone")."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings

from pathway.staticbuild import ManifestStorage, nhsuk_stylesheet


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
