"""Static files built from the front-end packages, and how all static files are stored.

The NHS.UK stylesheet declares the Frutiger font from the NHS's own CDN. Pathway uses no CDN
and its Content Security Policy allows fonts from itself only, so every page's console showed
four refused font loads. Arial is the design system's own fallback, so the build drops those
declarations: nothing is requested, nothing refused. The finder below builds that copy (and
copies the script beside it) into var/ when Django starts, so `make run`, the tests and
`collectstatic` all serve the same files with no build step to remember.

The pages do not link that stylesheet: it blocks the first paint, and a phone on slow Wi-Fi
waits a round trip or more for it. The build also writes a copy purged (npm `purgecss`) of the
selectors no template, Python module or script of ours names, nor the NHS.UK script that adds
classes as it runs; pathway/inline_assets.py puts that copy in each page's <style>, allowed by
its hash in the Content Security Policy. The full copy stays for the error pages (500, 503),
which link it by its plain name to depend on as little as possible. docs/performance.md, "On
a phone".
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseStorageFinder
from django.core.exceptions import ImproperlyConfigured
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


# The purged stylesheet, under /assets/ (and in the build folder).
PURGED_STYLESHEET = "nhsuk/nhsuk-frontend.pathway.min.css"

# Classes our code builds from parts (an f-string, str.replace), so no file names them whole:
# every NHS.UK class starting so is kept. tests/pathway/test_fast_first_paint.py finds each
# such place in our code and fails when its prefix is missing here.
SAFELIST_PREFIXES = (
    "nhsuk-button--",  # pathway/templatetags/nhsuk.py, nhsuk_button_class
    "nhsuk-fieldset__legend--",  # pathway/templatetags/nhsuk.py, legend_class
    "nhsuk-input--width-",  # pathway/fields.py, competencies/forms/frameworks.py
)
# In the NHS.UK script, a modifier added to a class built at run time: `${e.moduleName}--button`.
SCRIPT_MODIFIER = re.compile(r"\}((?:--|__)[a-z0-9-]+)`")
# Not in our code: the folders whose words are not classes our pages use.
NOT_CONTENT = {"tests", "docs", "node_modules", "var", "staticfiles", "chaos", "tools"}


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


def purge_content(base: Path, nhsuk_dist: Path) -> list[Path]:
    """The files whose words say which NHS.UK selectors a page can use: every template, our
    Python (forms, widgets and template tags name classes), our scripts, and the NHS.UK script,
    which adds classes as it runs (the header's menu, conditional questions)."""
    ours = [
        path
        for folder in sorted(base.iterdir())
        if folder.is_dir() and folder.name not in NOT_CONTENT and not folder.name.startswith(".")
        for path in sorted(folder.rglob("*"))
        if path.suffix in (".html", ".py", ".js")
        and "migrations" not in path.parts
        and "__pycache__" not in path.parts
        and path.is_file()
    ]
    return [*ours, nhsuk_dist / "nhsuk-frontend.min.js"]  # the NHS.UK script last


def safelist(css: str, ours: list[Path], script: Path) -> list[str]:
    """The NHS.UK classes no file names whole: those our code builds from SAFELIST_PREFIXES,
    and those the NHS.UK script builds by adding a modifier to a component's class as it runs
    (`${moduleName}--scrollable-right` on a wide table's scroll region) where a page of ours
    uses that component's class."""
    classes = set(re.findall(r"\.(nhsuk-[a-zA-Z0-9_-]+)", css))
    words = {word for path in ours for word in re.findall(r"nhsuk-[\w-]+", path.read_text())}
    modifiers = set(SCRIPT_MODIFIER.findall(script.read_text()))
    return sorted(
        name
        for name in classes
        if name.startswith(SAFELIST_PREFIXES)
        or any(name.endswith(m) and name.removesuffix(m) in words for m in modifiers)
    )


def _purgecss(base: Path) -> Path:
    tool = base / "node_modules" / ".bin" / "purgecss"
    if not tool.exists():
        raise ImproperlyConfigured(f"{tool} is missing: run `make install` (npm ci).")
    return tool


def _fingerprint(*parts: bytes, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    for path in files:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\0".encode())
    return digest.hexdigest()


def purge(full: Path, target: Path, base: Path, nhsuk_dist: Path) -> None:
    """Writes PURGED_STYLESHEET from the full stylesheet, running purgecss only when the
    stylesheet, the content files or this module changed since the last build (a template
    edited during `make run` is picked up by the next page: pathway/inline_assets.py)."""
    tool = _purgecss(base)
    css = full.read_text()
    content = purge_content(base, nhsuk_dist)
    mark = target / ".purged-fingerprint"
    fingerprint = _fingerprint(
        css.encode(), Path(__file__).read_bytes(), tool.resolve().read_bytes(), files=content
    )
    output = target / PURGED_STYLESHEET
    if output.exists() and mark.exists() and mark.read_text() == fingerprint:
        return
    names = safelist(css, content[:-1], content[-1])
    with tempfile.TemporaryDirectory(dir=target, prefix=".purge-") as folder:
        # Custom properties are kept (no --variables): the NHS.UK script reads its breakpoints
        # from them.
        done = subprocess.run(
            [str(tool), "--css", str(full), "--content", *map(str, content)]
            + (["--safelist", *names] if names else [])
            + ["--font-face", "--keyframes", "--output", folder],
            cwd=base,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise ImproperlyConfigured(
                f"purgecss failed building {PURGED_STYLESHEET}: {done.stderr}"
            )
        purged = (Path(folder) / full.name).read_bytes()
    _write_if_changed(output, purged)
    _write_if_changed(mark, fingerprint.encode())


def build(source: Path, target: Path) -> None:
    for name, built in NHSUK_FILES.items():
        content = (source / name).read_bytes()
        if name.endswith(".css"):
            content = nhsuk_stylesheet(content.decode()).encode()
        _write_if_changed(target / "nhsuk" / built, content)
    purge(target / "nhsuk" / "nhsuk-frontend.min.css", target, Path(settings.BASE_DIR), source)


def ensure_built() -> Path:
    """Builds the files (when the package is installed) and answers the build folder."""
    target = Path(settings.PATHWAY_STATIC_BUILD_DIR)
    target.mkdir(parents=True, exist_ok=True)
    if settings.NHSUK_DIST.exists():
        build(settings.NHSUK_DIST, target)
    return target


class BuiltStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(location=str(ensure_built()))


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
