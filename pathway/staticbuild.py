"""Static files built from the front-end packages, and how all static files are stored.

The NHS.UK stylesheet declares the Frutiger font from the NHS's own CDN. Pathway uses no CDN
and its Content Security Policy allows fonts from itself only, so every page's console showed
four refused font loads. Arial is the design system's own fallback, so the build drops those
declarations: nothing is requested, nothing refused. The finder below builds that copy (and
copies the script beside it) into var/ when Django starts, so `make run`, the tests and
`collectstatic` all serve the same files with no build step to remember.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseStorageFinder
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

# An @font-face rule whose source is on another origin (minified: no braces inside).
EXTERNAL_FONT_FACE = re.compile(r"@font-face\{[^{}]*url\((?:https?:)?//[^{}]*\}")
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/\s*$")

# What the build takes from the package: (source in its dist folder, name under /assets/nhsuk/).
NHSUK_FILES = {
    "nhsuk-frontend.min.css": "nhsuk-frontend.min.css",
    "nhsuk-frontend.min.js": "nhsuk-frontend.min.js",
    "nhsuk-frontend.min.js.map": "nhsuk-frontend.min.js.map",
}


def nhsuk_stylesheet(css: str) -> str:
    """The NHS.UK stylesheet without the fonts from elsewhere (nor its source map, which the
    removal would put out of step)."""
    return SOURCE_MAP.sub("", EXTERNAL_FONT_FACE.sub("", css))


def _write_if_changed(path: Path, content: bytes) -> None:
    if path.exists() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole then renamed: test workers may build side by side.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as file:
        file.write(content)
    os.replace(temporary, path)


def build(source: Path, target: Path) -> None:
    for name, built in NHSUK_FILES.items():
        content = (source / name).read_bytes()
        if name.endswith(".css"):
            content = nhsuk_stylesheet(content.decode()).encode()
        _write_if_changed(target / "nhsuk" / built, content)


class BuiltStorage(FileSystemStorage):
    def __init__(self):
        target = Path(settings.PATHWAY_STATIC_BUILD_DIR)
        target.mkdir(parents=True, exist_ok=True)
        if settings.NHSUK_DIST.exists():
            build(settings.NHSUK_DIST, target)
        super().__init__(location=str(target))


class BuiltFilesFinder(BaseStorageFinder):
    """Finds the built files (nhsuk/...), building them first."""

    storage = BuiltStorage

    def check(self, **kwargs):
        return []


class ManifestStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed names for every file, also those a JavaScript module imports
    (app.js imports the NHS.UK script): a hashed name is cached for a year, a plain one for a
    minute."""

    support_js_module_import_aggregation = True
