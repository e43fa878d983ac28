"""Moodle's competency framework CSV (the tool_lpimportcsv layout), so that a framework can move
between Pathway and a university's Moodle.

Moodle has no domains: every node below the framework row is a competency. Pathway keeps that:
every Moodle competency becomes a Pathway competency with its own Moodle ID number, and each
top-level Moodle competency also gives its name to a domain holding it and everything beneath
it. Deeper nodes keep their Moodle parent as Competency.parent; the framework keeps its Moodle
ID number as Framework.source_id_number (its own ID number must be a slug).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from operator import attrgetter

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.text import slugify

from competencies.interchange.data import (
    CODE_MAX,
    CompetencyData,
    DomainData,
    FrameworkData,
    FrameworkExportError,
    FrameworkImportError,
    RowChecker,
    is_blank,
    squash,
    words,
)
from competencies.tree import CompetencyTree
from pathway import spreadsheets

MOODLE_HEADER = [
    "Parent id number",
    "Id number",
    "Shortname",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross referenced competency id numbers",
    "Exported id (optional)",
    "Is framework",
    "Taxonomy",
]
# Each position accepts Moodle's label or its internal name (both squashed).
_MOODLE_KEYS = [
    {"parentidnumber"},
    {"idnumber"},
    {"shortname"},
    {"description"},
    {"descriptionformat"},
    {"scalevalues"},
    {"scaleconfiguration"},
    {"ruletype"},
    {"ruleoutcome"},
    {"ruleconfig"},
    {"crossreferencedcompetencyidnumbers", "relatedidnumbers"},
    {"exportedid", "exportid"},
    {"isframework"},
    {"taxonomy", "taxonomies"},
]
MOODLE_SCALE_VALUES = "Not yet competent,Competent"
# Moodle replaces the first item's scale id with the id of the scale it finds or makes.
MOODLE_SCALE_CONFIGURATION = '[{"scaleid":"0"},{"id":2,"scaledefault":1,"proficient":1}]'
_DESCRIPTION_FORMATS = {"": "html", "0": "moodle", "1": "html", "2": "plain", "4": "markdown"}
FORMAT_PLAIN = "2"


_MOODLE_ONLY = set().union(*_MOODLE_KEYS[4:]) | {"shortname"}


def looks_like_moodle(cells: list[str]) -> bool:
    """Whether a header row is meant to be Moodle's, even if it is not quite right."""
    return len({squash(c) for c in cells} & _MOODLE_ONLY) >= 2


def moodle_header_problem(cells: list[str]) -> str | None:
    """None if these cells are Moodle's header row, else what is wrong with them."""
    trimmed = list(cells)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    if len(trimmed) != len(_MOODLE_KEYS):
        return f"Moodle's header has {len(_MOODLE_KEYS)} columns, this row has {len(trimmed)}"
    for position, (cell, accepted) in enumerate(zip(cells, _MOODLE_KEYS, strict=False), 1):
        if squash(cell) not in accepted:
            return f"column {position} should be '{MOODLE_HEADER[position - 1]}', not '{cell}'"
    return None


@dataclass
class _MoodleNode:
    row: int
    parent: str
    idnumber: str
    shortname: str
    description: str
    is_framework: bool


class _TextFromHtml(HTMLParser):
    """Plain text from sanitised HTML: paragraphs become blank lines, <br> a line break,
    list items bullet lines; runs of spaces and source line breaks become one space."""

    BLOCKS = {
        "p",
        "div",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "table",
        "tr",
        "pre",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        return "".join(self.parts)


_SAFE_TAGS = {
    "p",
    "br",
    "div",
    "span",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "pre",
    "code",
}


def html_to_text(html: str) -> str:
    """Sanitise with nh3 (scripts and styles go with their content), then keep the text."""
    parser = _TextFromHtml()
    parser.feed(nh3.clean(html, tags=_SAFE_TAGS, attributes={}))
    parser.close()
    return _tidy_text(parser.text())


def _tidy_text(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _moodle_text(description: str, description_format: str) -> str:
    kind = _DESCRIPTION_FORMATS.get(description_format, "html")
    if kind == "moodle":
        # Moodle's own format: line breaks count, HTML is allowed.
        return html_to_text(description.replace("\n", "<br>"))
    if kind == "html":
        return html_to_text(description)
    return description  # plain text or Markdown: text already, shown escaped


def parse_moodle(records: list[tuple[int, list[str]]]) -> tuple[FrameworkData | None, list]:
    check = RowChecker()
    records = [(n, cells) for n, cells in records if not is_blank(cells)]
    if not records:
        raise FrameworkImportError([(None, "The file is empty")])
    _check_moodle_header(*records[0])
    nodes: list[_MoodleNode] = []
    framework_node: _MoodleNode | None = None
    for row, cells in records[1:]:
        node = _moodle_row(check, row, cells)
        if not node.is_framework:
            nodes.append(node)
        elif framework_node is not None:
            check.error(
                row,
                f"a second framework row (the first is row {framework_node.row}): "
                "a file holds one framework",
            )
        else:
            framework_node = node
    framework = _moodle_framework(check, framework_node)
    tree = _MoodleTree.of(check, nodes, framework_node)
    domains = tree.domains()
    tree.report_loops(check)
    if framework is not None:
        framework.domains = domains
    return framework, check.errors


def _check_moodle_header(header_row: int, header: list[str]) -> None:
    problem = moodle_header_problem(header)
    if not problem:
        return
    if "row type" in {words(c) for c in header}:
        problem = "this is a Pathway CSV, not a Moodle one: choose the Pathway CSV layout"
    raise FrameworkImportError(
        [
            (
                header_row,
                f"this is not Moodle's header row: {problem}. The first row must be: "
                + ", ".join(MOODLE_HEADER),
            )
        ]
    )


def _moodle_row(check: RowChecker, row: int, cells: list[str]) -> _MoodleNode:
    """One row as a node of the tree, adding what is wrong with it to `check`."""
    if any(cells[len(MOODLE_HEADER) :]):
        check.error(row, f"this row has more than Moodle's {len(MOODLE_HEADER)} columns")
    cells = (cells + [""] * len(MOODLE_HEADER))[: len(MOODLE_HEADER)]
    (
        parent,
        idnumber,
        shortname,
        description,
        description_format,
        _scale_values,
        scale_configuration,
        _rule_type,
        rule_outcome,
        rule_config,
        _related,
        _exported_id,
        is_framework,
        _taxonomy,
    ) = cells
    _check_moodle_settings(
        check, row, description_format, scale_configuration, rule_outcome, rule_config
    )
    if is_framework.lower() not in ("", "0", "1", "true", "false"):
        check.error(row, f"Is framework must be 1 or empty, not '{is_framework}'")
    if not idnumber:
        check.error(row, "missing ID number")
    elif len(idnumber) > CODE_MAX:
        check.error(row, f"ID number '{idnumber[:20]}…' is longer than {CODE_MAX} characters")
    if not shortname:
        check.error(row, "missing short name")
    return _MoodleNode(
        row=row,
        parent=parent,
        idnumber=idnumber,
        shortname=shortname,
        description=_moodle_text(description, description_format),
        is_framework=is_framework.lower() in ("1", "true"),
    )


def _check_moodle_settings(
    check: RowChecker,
    row: int,
    description_format: str,
    scale_configuration: str,
    rule_outcome: str,
    rule_config: str,
) -> None:
    """Moodle's own columns, which Pathway does not keep but Moodle would refuse."""
    if description_format not in _DESCRIPTION_FORMATS:
        check.error(
            row,
            f"Description format must be 0 (Moodle), 1 (HTML), 2 (plain text) or "
            f"4 (Markdown), not '{description_format}'",
        )
    for label, value in (
        ("Scale configuration", scale_configuration),
        ("Rule config", rule_config),
    ):
        if value:
            try:
                json.loads(value)
            except json.JSONDecodeError as exc:
                check.error(
                    row, f"{label} is not valid JSON ({exc.msg} at character {exc.pos + 1})"
                )
    check.number(row, rule_outcome, "Rule outcome")


def _moodle_framework(
    check: RowChecker, framework_node: _MoodleNode | None
) -> FrameworkData | None:
    if framework_node is None:
        check.error(None, "There is no framework row: one row must have 'Is framework' set to 1")
        return None
    code = framework_node.idnumber
    try:
        validate_slug(code)
    except ValidationError:
        code = slugify(code)
    if framework_node.idnumber and not code:
        check.error(
            framework_node.row,
            f"the framework's ID number '{framework_node.idnumber}' cannot be made into a "
            "Pathway ID number: use letters, numbers and hyphens",
        )
    return FrameworkData(
        code=code,
        name=framework_node.shortname,
        description=framework_node.description,
        source_id_number=framework_node.idnumber,
        row=framework_node.row,
    )


@dataclass
class _MoodleTree:
    """The nodes by ID number and parent. Rows may come in any order: a child before its
    parent is fine."""

    by_id: dict[str, _MoodleNode]
    children: dict[str, list[_MoodleNode]]
    tops: list[_MoodleNode]
    placed: list[_MoodleNode]  # the nodes with an ID number of their own
    reached: set[str]

    @classmethod
    def of(
        cls, check: RowChecker, nodes: list[_MoodleNode], framework_node: _MoodleNode | None
    ) -> _MoodleTree:
        by_id: dict[str, _MoodleNode] = {}
        for node in nodes:
            if not node.idnumber:
                continue
            if node.idnumber in by_id:
                check.error(
                    node.row,
                    f"duplicate ID number '{node.idnumber}' (also in row "
                    f"{by_id[node.idnumber].row})",
                )
            else:
                by_id[node.idnumber] = node
        placed = [n for n in nodes if n.idnumber and by_id.get(n.idnumber) is n]
        tree = cls(by_id, defaultdict(list), [], placed, set())
        for node in placed:
            tree._place(check, node, framework_node)
        return tree

    def _place(
        self, check: RowChecker, node: _MoodleNode, framework_node: _MoodleNode | None
    ) -> None:
        if not node.parent:
            self.tops.append(node)
        elif node.parent == node.idnumber:
            check.error(node.row, f"'{node.idnumber}' cannot be its own parent")
        elif node.parent in self.by_id:
            self.children[node.parent].append(node)
        elif framework_node is not None and node.parent == framework_node.idnumber:
            check.error(
                node.row,
                f"parent '{node.parent}' is the framework: leave Parent id number empty for a "
                "top-level competency",
            )
        else:
            check.error(node.row, f"unknown parent '{node.parent}'")

    def domains(self) -> list[DomainData]:
        """A domain for each top-level node, holding it and everything beneath it."""
        return [self._domain(order, top) for order, top in enumerate(self.tops, start=1)]

    def _domain(self, order: int, top: _MoodleNode) -> DomainData:
        domain = DomainData(
            code=top.idnumber,
            title=top.shortname,
            description=top.description,
            order=order,
            row=top.row,
        )
        # The top-level Moodle competency is a competency too (Moodle can rate it).
        for position, (node, parent) in enumerate(self._subtree(top), start=1):
            self.reached.add(node.idnumber)
            domain.competencies.append(
                CompetencyData(
                    code=node.idnumber,
                    title=node.shortname,
                    description=node.description,
                    order=position,
                    # Beneath the top-level node is directly in the domain; deeper, beneath
                    # the parent competency.
                    parent_competency="" if parent is None or parent is top else parent.idnumber,
                    row=node.row,
                )
            )
        return domain

    def _subtree(self, top: _MoodleNode) -> list[tuple[_MoodleNode, _MoodleNode | None]]:
        """(node, its parent) depth first, siblings in file order, the top first."""
        subtree = [(top, None)]
        stack = [(child, top) for child in reversed(self.children[top.idnumber])]
        while stack:
            node, parent = stack.pop()
            subtree.append((node, parent))
            stack.extend((child, node) for child in reversed(self.children[node.idnumber]))
        return subtree

    def report_loops(self, check: RowChecker) -> None:
        """Rows never reached from the top hang below a loop: report the rows that form it."""
        for node in self.placed:
            if (
                node.idnumber in self.reached
                or node.parent not in self.by_id
                or node.parent == node.idnumber
            ):
                continue
            chain, current = [node.idnumber], node
            while current.parent in self.by_id and current.parent not in chain:
                current = self.by_id[current.parent]
                chain.append(current.idnumber)
            if current.parent == node.idnumber:  # the walk came back: this row is in the loop
                loop = " → ".join(f"'{c}'" for c in [*chain, node.idnumber])
                check.error(node.row, f"parent loop: {loop} never reaches a top-level competency")


def _moodle_nodes(data: FrameworkData) -> tuple[list[tuple[str, str, str, str]], int]:
    """(parent ID number, ID number, short name, description) in tree order, and the depth.

    Each domain is a top-level node. A competency with the domain's ID number is the domain's
    own node; the others sit beneath their parent competency, or directly beneath the domain
    when they have none (or when it is not a competency of the same domain)."""
    rows: list[tuple[str, str, str, str]] = []
    depth = 1
    for domain in data.domains:
        rows.append(("", domain.code, domain.title, domain.description))
        tree = CompetencyTree(
            [c for c in domain.competencies if c.code != domain.code],
            key=attrgetter("code"),
            parent_key=attrgetter("parent_competency"),
        )
        for competency, level in tree.preorder():
            parent = tree.parent_of(competency)
            depth = max(depth, level + 2)
            rows.append(
                (
                    domain.code if parent is None else parent.code,
                    competency.code,
                    competency.title,
                    competency.description,
                )
            )
    counts = Counter(idnumber for _, idnumber, _, _ in rows)
    clashes = sorted(code for code, count in counts.items() if count > 1)
    if clashes:
        raise FrameworkExportError(
            "Moodle needs every ID number in a framework to be different, and these are used "
            "by more than one domain or competency: " + ", ".join(clashes)
        )
    return rows, depth


def write_moodle(data: FrameworkData) -> bytes:
    """Without the formula guard: Moodle's importer would keep its apostrophe as part of the
    text (ADR 0019)."""
    nodes, depth = _moodle_nodes(data)
    taxonomy = ",".join(["domain"] + ["competency"] * (depth - 1))
    rows = [MOODLE_HEADER]
    rows.append(
        [
            "",
            data.source_id_number or data.code,
            data.name,
            data.description,
            FORMAT_PLAIN,
            MOODLE_SCALE_VALUES,
            MOODLE_SCALE_CONFIGURATION,
            "",
            "",
            "",
            "",
            "",
            "1",
            taxonomy,
        ]
    )
    for exported_id, (parent, idnumber, title, description) in enumerate(nodes, start=1):
        rows.append(
            [
                parent,
                idnumber,
                title,
                description,
                FORMAT_PLAIN,
                "",
                "",
                "",
                "0",
                "null",
                "",
                exported_id,
                "",
                "",
            ]
        )
    return spreadsheets.unguarded_csv_bytes(rows, line_end="\n")
