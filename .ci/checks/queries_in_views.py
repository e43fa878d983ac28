"""Refuse a database query written in a view module (ADR 0001, ADR 0020).

Views stay thin: authorise, call a selector or service, render. In `*/views.py` and
`*/views/*.py` this finds:

    Model.objects...                    # any manager: .objects, ._default_manager, ._base_manager
    get_object_or_404(Model, ...)       # also get_list_or_404; the first argument a class
                                        # (capitalised), not a selector's queryset

Views written before this check are listed, one `path:function` a line, in
queries_in_views_allowed.txt. The check fails on a query in a function not on the list, and on
a listed function that no longer has one, so the list only shrinks: take a line out when its
view moves its query into a selector.

Usage: queries_in_views.py [--root DIR] [--allowed FILE]
Exit status 1 and one line per finding when there is any.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOT_APPS = {"tests", "node_modules", "static", "templates", "docs", "var"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def view_modules(root: Path) -> list[Path]:
    paths = [*root.glob("*/views.py"), *root.glob("*/views/*.py")]
    return sorted(path for path in paths if path.relative_to(root).parts[0] not in NOT_APPS)


def names_a_class(node: ast.AST) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name[:1].isupper()


class Finder(ast.NodeVisitor):
    """Collects (function, line, what) for each query, the function named `Class.method`."""

    def __init__(self):
        self.scope: list[str] = []
        self.found: list[tuple[str, int, str]] = []

    def in_scope(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = in_scope

    def add(self, node: ast.AST, what: str) -> None:
        self.found.append((".".join(self.scope) or "<module>", node.lineno, what))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in MANAGERS:
            self.add(node, f".{node.attr}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        if name in SHORTCUTS and node.args and names_a_class(node.args[0]):
            self.add(node, f"{name}({ast.unparse(node.args[0])}, ...)")
        self.generic_visit(node)


def find(root: Path) -> dict[str, list[str]]:
    """Each offending `path:function`, with the lines that offend."""
    offenders: dict[str, list[str]] = {}
    for path in view_modules(root):
        finder = Finder()
        finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        relative = path.relative_to(root).as_posix()
        for function, line, what in finder.found:
            offenders.setdefault(f"{relative}:{function}", []).append(f"line {line}: {what}")
    return offenders


def read_allowed(path: Path) -> set[str]:
    if not path.exists():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


def check(root: Path, allowed_file: Path) -> list[str]:
    offenders = find(root)
    allowed = read_allowed(allowed_file)
    problems = [
        f"{entry}: a query in a view ({'; '.join(lines)}): call a selector instead"
        for entry, lines in offenders.items()
        if entry not in allowed
    ]
    problems += [
        f"{entry}: no longer queries in the view; take it out of {allowed_file.name}"
        for entry in sorted(allowed - offenders.keys())
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE.parents[1])
    parser.add_argument("--allowed", type=Path, default=HERE / "queries_in_views_allowed.txt")
    parser.add_argument(
        "--list", action="store_true", help="print every offending path:function and exit 0"
    )
    arguments = parser.parse_args(argv)
    if arguments.list:
        print("\n".join(find(arguments.root)))
        return 0
    problems = check(arguments.root, arguments.allowed)
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
