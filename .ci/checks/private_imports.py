"""Refuse a private name (`_x`) taken from another app (ADR 0001, ADR 0020).

An app's private names are its own to change. Another app that needs one needs a public,
documented function instead. This fails on, across apps:

    from cohorts.selectors.dashboards import _rows      # a private name imported
    from cohorts import _helpers                       # a private module imported
    import cohorts.selectors.dashboards as dashboards
    dashboards._rows(...)                              # a private name used on a module

Within one app anything goes; tests are not checked (they are not an app). Dunder names
(`__version__`) are not private. An attribute is checked only on a module, so `Model._meta`
(Django's public API on a class) is fine.

Usage: private_imports.py [--root DIR]   (DIR defaults to the project root)
Exit status 1 and one line per breach when there is any.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

NOT_APPS = {"tests", "node_modules", "static", "templates", "docs", "var"}


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def apps_under(root: Path) -> set[str]:
    """The project's apps: top-level Python packages, except the tests."""
    return {
        path.parent.name
        for path in root.glob("*/__init__.py")
        if path.parent.name not in NOT_APPS and not path.parent.name.startswith(".")
    }


def is_module(root: Path, dotted: str) -> bool:
    path = root.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


class Checker(ast.NodeVisitor):
    def __init__(self, root: Path, apps: set[str], app: str, path: str):
        self.root, self.apps, self.app, self.path = root, apps, app, path
        self.module_names: dict[str, str] = {}  # local name -> another app's module
        self.breaches: list[str] = []

    def other_app(self, dotted: str) -> bool:
        first = dotted.split(".")[0]
        return first in self.apps and first != self.app

    def breach(self, node: ast.AST, what: str) -> None:
        self.breaches.append(f"{self.path}:{node.lineno}: {self.app} uses {what}")

    def private_module_in(self, node: ast.AST, dotted: str) -> bool:
        if any(is_private(part) for part in dotted.split(".")):
            self.breach(node, f"the private module {dotted}")
            return True
        return False

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not self.other_app(alias.name) or self.private_module_in(node, alias.name):
                continue
            if alias.asname:
                self.module_names[alias.asname] = alias.name
            else:
                first = alias.name.split(".")[0]
                self.module_names[first] = first
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or not self.other_app(module) or self.private_module_in(node, module):
            return
        for alias in node.names:
            if is_private(alias.name):
                self.breach(node, f"the private name {module}.{alias.name}")
            elif is_module(self.root, f"{module}.{alias.name}"):
                self.module_names[alias.asname or alias.name] = f"{module}.{alias.name}"

    def visit_Attribute(self, node: ast.Attribute) -> None:
        parts = []
        current: ast.AST = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if isinstance(current, ast.Name) and current.id in self.module_names:
            dotted = [self.module_names[current.id], *reversed(parts)]
            # Follow the chain while it names modules; the next name is one the module defines.
            module = dotted[0]
            for name in dotted[1:]:
                if is_private(name):
                    self.breach(node, f"the private name {module}.{name}")
                    return  # one report for the whole chain
                if not is_module(self.root, f"{module}.{name}"):
                    break
                module = f"{module}.{name}"
            return
        self.generic_visit(node)


def check(root: Path) -> list[str]:
    apps = apps_under(root)
    breaches = []
    for app in sorted(apps):
        for path in sorted((root / app).rglob("*.py")):
            checker = Checker(root, apps, app, path.relative_to(root).as_posix())
            checker.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
            breaches.extend(checker.breaches)
    return breaches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    breaches = check(parser.parse_args(argv).root)
    for line in breaches:
        print(line)
    if breaches:
        print(
            f"{len(breaches)} private name(s) used across apps: give the app that owns each a "
            "public, documented function instead (ADR 0020)."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
