"""Moodle's competency framework CSV (the tool_lpimportcsv layout), so that a framework can move
between Pathway and a university's Moodle.

Moodle reads the 14 columns by position, whatever its header row says (the header is in the
site's language), and so does Pathway: a file is Moodle's by its shape.

Moodle has no domains: every node below the framework row is a competency. Pathway keeps that:
every Moodle competency becomes a Pathway competency with its own Moodle ID number, and each
top-level Moodle competency also gives its name to a domain holding it and everything beneath
it. The exception is a framework whose taxonomy calls its first level "domain" (as Pathway's
export does): a top-level node with no scale, rule or related competency of its own is then only
a domain. Deeper nodes keep their Moodle parent as Competency.parent; the framework keeps its
Moodle ID number as Framework.source_id_number (its own ID number must be a slug).

Kept as data, and written back on export: the description's format (HTML sanitised, competencies
.richtext), the framework's scale and taxonomy, each competency's own scale, rule (type, outcome,
configuration), related competencies and exported ID.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.text import slugify

from competencies import richtext
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
WIDTH = len(MOODLE_HEADER)
# Moodle's English labels and internal names, squashed: a header cell that is one of these in
# the wrong position is a shuffled file, not another language.
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
# Moodle's description formats and Pathway's (competencies.models.DescriptionFormat).
_FORMAT_FROM_MOODLE = {"": "html", "0": "moodle", "1": "html", "2": "text", "4": "markdown"}
_FORMAT_TO_MOODLE = {"html": "1", "moodle": "0", "text": "2", "markdown": "4"}
RULE_OUTCOMES = {
    "0": "do nothing",
    "1": "attach evidence",
    "2": "send for review",
    "3": "complete the competency",
}
_PATHWAY_HEADER_WORDS = {"row type"}
_MOODLE_ONLY = set().union(*_MOODLE_KEYS[4:]) | {"shortname"}


def _trim_end(cells: list[str]) -> list[str]:
    trimmed = list(cells)
    while trimmed and not trimmed[-1].strip():
        trimmed.pop()
    return trimmed


def looks_like_moodle(cells: list[str]) -> bool:
    """Whether a header row is Moodle's: by its shape (14 columns, whatever their language), or
    English Moodle labels in a row of another width. Pathway's own header never is."""
    if {words(c) for c in cells} & _PATHWAY_HEADER_WORDS:
        return False
    if len({squash(c) for c in cells} & _MOODLE_ONLY) >= 2:
        return True
    return len(_trim_end(cells)) == WIDTH


def moodle_header_problem(cells: list[str]) -> str | None:
    """None if these cells can be Moodle's header row (in any language), else what is wrong."""
    trimmed = _trim_end(cells)
    if len(trimmed) != WIDTH:
        return f"Moodle's header has {WIDTH} columns, this row has {len(trimmed)}"
    known = {key: position for position, keys in enumerate(_MOODLE_KEYS) for key in keys}
    for position, cell in enumerate(cells[:WIDTH]):
        elsewhere = known.get(squash(cell))
        if elsewhere is not None and elsewhere != position:
            return (
                f"column {position + 1} should be '{MOODLE_HEADER[position]}', not '{cell.strip()}'"
            )
    return None


class _TextFromHtml(HTMLParser):
    """Plain text from sanitised HTML: paragraphs become blank lines, <br> a line break,
    list items bullet lines; runs of spaces and source line breaks become one space."""

    BLOCKS = {
        "p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table",
        "tr", "pre",
    }  # fmt: skip

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
        self.parts.append(" ".join(data.split()) if data.strip() else " ")

    def text(self) -> str:
        return "".join(self.parts)


def html_to_text(html: str) -> str:
    """Sanitised HTML as plain text (for a summary or a plain-text layout)."""
    parser = _TextFromHtml()
    parser.feed(richtext.sanitise(html))
    parser.close()
    lines = [" ".join(line.split()) for line in parser.text().split("\n")]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


# Reading -----------------------------------------------------------------------------------


@dataclass
class _MoodleNode:
    row: int
    parent: str
    idnumber: str
    shortname: str
    description: str
    is_framework: bool
    description_format: str = "text"
    scale: dict = field(default_factory=dict)
    rule: dict = field(default_factory=dict)
    related: list[str] = field(default_factory=list)
    export_id: str = ""
    taxonomy: list[str] = field(default_factory=list)

    @property
    def has_own_details(self) -> bool:
        return bool(self.scale or self.rule or self.related)


@dataclass
class _Reading:
    """The reader's state: problems, and what the preview is told."""

    check: RowChecker = field(default_factory=RowChecker)
    notices: list[tuple[int | None, str]] = field(default_factory=list)
    not_kept: list[tuple[int | None, str]] = field(default_factory=list)


_TRIM_NOTICED = {0: "parent ID number", 1: "ID number", 2: "short name", 10: "related ID numbers"}


def parse_moodle(records: list[tuple[int, list[str]]]) -> tuple[FrameworkData | None, list]:
    """Read Moodle's layout. `records` keep their cells' outer spaces (the reader tells which
    it trims)."""
    reading = _Reading()
    check = reading.check
    records = [(n, cells) for n, cells in records if not is_blank([c.strip() for c in cells])]
    if not records:
        raise FrameworkImportError([(None, "The file is empty")])
    _check_moodle_header(*records[0])
    nodes: list[_MoodleNode] = []
    framework_node: _MoodleNode | None = None
    for row, cells in records[1:]:
        node = _moodle_row(reading, row, cells)
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
    framework = _moodle_framework(reading, framework_node)
    tree = _MoodleTree.of(check, nodes, framework_node)
    _check_related(reading, tree)
    domains = tree.domains(domain_level=_first_level_is_domain(framework_node), nodes=nodes)
    tree.report_loops(check)
    if framework is not None:
        framework.domains = domains
        framework.notices = reading.notices
        framework.not_kept = reading.not_kept
    return framework, check.errors


def _first_level_is_domain(framework_node: _MoodleNode | None) -> bool:
    return bool(framework_node and framework_node.taxonomy[:1] == ["domain"])


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
                f"this is not Moodle's header row: {problem}. Moodle's file has {WIDTH} "
                "columns, in this order (the header may be in any language): "
                + ", ".join(MOODLE_HEADER),
            )
        ]
    )


def _trimmed_cells(reading: _Reading, row: int, cells: list[str]) -> list[str]:
    """The cells without outer spaces, with a notice for each identifying cell that had any."""
    trimmed = []
    for position, cell in enumerate(cells):
        stripped = cell.strip()
        if stripped != cell and stripped and position in _TRIM_NOTICED:
            reading.notices.append(
                (
                    row,
                    f"spaces before or after the {_TRIM_NOTICED[position]} "
                    f"{json.dumps(cell, ensure_ascii=False)} were removed",
                )
            )
        trimmed.append(stripped)
    return trimmed


def _moodle_row(reading: _Reading, row: int, cells: list[str]) -> _MoodleNode:
    """One row as a node of the tree, adding what is wrong with it to the reading."""
    check = reading.check
    if any(c.strip() for c in cells[WIDTH:]):
        check.error(row, f"this row has more than Moodle's {WIDTH} columns")
    cells = _trimmed_cells(reading, row, (cells + [""] * WIDTH)[:WIDTH])
    (
        parent,
        idnumber,
        shortname,
        description,
        description_format,
        scale_values,
        scale_configuration,
        rule_type,
        rule_outcome,
        rule_config,
        related,
        exported_id,
        is_framework,
        taxonomy,
    ) = cells
    if is_framework.lower() not in ("", "0", "1", "true", "false"):
        check.error(row, f"Is framework must be 1 or empty, not '{is_framework}'")
    _check_identity(check, row, idnumber, shortname)
    return _MoodleNode(
        row=row,
        parent=parent,
        idnumber=idnumber,
        shortname=shortname,
        is_framework=is_framework.lower() in ("1", "true"),
        **_description(reading, row, description, description_format),
        scale=_scale(reading, row, scale_values, scale_configuration),
        rule=_rule(check, row, rule_type, rule_outcome, rule_config),
        related=_related_ids(related),
        export_id=exported_id,
        taxonomy=[t.strip() for t in taxonomy.split(",") if t.strip()],
    )


def _check_identity(check: RowChecker, row: int, idnumber: str, shortname: str) -> None:
    if not idnumber:
        check.error(row, "missing ID number")
    elif len(idnumber) > CODE_MAX:
        check.error(row, f"ID number '{idnumber[:20]}…' is longer than {CODE_MAX} characters")
    if not shortname:
        check.error(row, "missing short name")


def _description(reading: _Reading, row: int, description: str, moodle_format: str) -> dict:
    if moodle_format not in _FORMAT_FROM_MOODLE:
        reading.check.error(
            row,
            f"Description format must be 0 (Moodle), 1 (HTML), 2 (plain text) or "
            f"4 (Markdown), not '{moodle_format}'",
        )
        return {"description": description, "description_format": "text"}
    kind = _FORMAT_FROM_MOODLE[moodle_format]
    if kind in ("html", "moodle") and description:
        if richtext.sanitising_removed_something(description):
            reading.not_kept.append(
                (
                    row,
                    "parts of the description that are not safe to show were removed "
                    "(scripts, styles, event handlers, unsafe links or other tags)",
                )
            )
        description = richtext.sanitise(description)
    elif kind == "markdown" and description:
        reading.notices.append((row, "the description is Markdown: Pathway shows it as text"))
    return {"description": description, "description_format": kind}


_BAD_JSON = object()


def _json(check: RowChecker, row: int, label: str, value: str):
    """The parsed value, or _BAD_JSON (JSON's null is None)."""
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        check.error(row, f"{label} is not valid JSON ({exc.msg} at character {exc.pos + 1})")
        return _BAD_JSON


def _scale(reading: _Reading, row: int, values: str, configuration: str) -> dict:
    """The scale as kept: its values, and its configuration as the file had it."""
    check = reading.check
    if not values and not configuration:
        return {}
    if not values:
        check.error(row, "Scale configuration is given but Scale values is empty")
        return {}
    items = [v.strip() for v in values.split(",")]
    if not configuration:
        reading.notices.append(
            (
                row,
                "the scale has no configuration: its default and proficient values are not "
                "known (Moodle asks for them when the framework is imported)",
            )
        )
        return {"values": items, "configuration": ""}
    parsed = _json(check, row, "Scale configuration", configuration)
    if parsed is _BAD_JSON:
        return {}
    problem = scale_configuration_problem(parsed, len(items))
    if problem:
        check.error(row, f"Scale configuration: {problem}")
        return {}
    return {"values": items, "configuration": configuration}


def scale_configuration_problem(parsed, size: int) -> str | None:
    """What Moodle would refuse in a scale configuration: a list, the scale first, then one entry
    per value that has a setting, with a default value and at least one proficient value."""
    if not isinstance(parsed, list) or not parsed or not isinstance(parsed[0], dict):
        return 'it must be a list starting with {"scaleid": ...}'
    entries = parsed[1:]
    if not all(isinstance(e, dict) and isinstance(e.get("id"), int) for e in entries):
        return 'each value\'s entry needs a whole-number "id"'
    if any(not 1 <= e["id"] <= size for e in entries):
        return f"an entry's id is not one of the scale's {size} values"
    if sum(1 for e in entries if e.get("scaledefault") in (1, "1")) != 1:
        return "exactly one value must be the default (scaledefault 1)"
    if not any(e.get("proficient") in (1, "1") for e in entries):
        return "at least one value must be proficient (proficient 1)"
    return None


def scale_summary(scale: dict) -> dict:
    """A kept scale for people: its values, the default and the proficient ones."""
    values = list(scale.get("values") or [])
    try:
        entries = json.loads(scale.get("configuration") or "[]")[1:]
    except (json.JSONDecodeError, TypeError):
        entries = []
    by_id = {e.get("id"): e for e in entries if isinstance(e, dict)}
    default = next(
        (values[i - 1] for i, e in by_id.items() if e.get("scaledefault") in (1, "1")), ""
    )
    proficient = [
        values[i - 1] for i, e in sorted(by_id.items()) if e.get("proficient") in (1, "1")
    ]
    return {"values": values, "default": default, "proficient": proficient}


def _rule(check: RowChecker, row: int, rule_type: str, outcome: str, config: str) -> dict:
    if outcome and outcome not in RULE_OUTCOMES:
        check.number(row, outcome, "Rule outcome")  # a clear message for a non-number
        if outcome.lstrip("-").isdigit():
            check.error(row, f"Rule outcome must be 0, 1, 2 or 3, not '{outcome}'")
        return {}
    if config and _json(check, row, "Rule config", config) is _BAD_JSON:
        return {}
    if not rule_type and outcome in ("", "0") and config in ("", "null"):
        return {}
    return {"type": rule_type, "outcome": outcome, "config": config}


def _related_ids(cell: str) -> list[str]:
    # Moodle writes a comma inside an ID number as %2C.
    return [part.strip().replace("%2C", ",") for part in cell.split(",") if part.strip()]


def _check_related(reading: _Reading, tree: _MoodleTree) -> None:
    for node in tree.placed:
        kept = []
        for idnumber in node.related:
            if idnumber == node.idnumber:
                reading.not_kept.append((node.row, "a competency cannot be related to itself"))
            elif idnumber not in tree.by_id:
                reading.not_kept.append(
                    (
                        node.row,
                        f"related competency '{idnumber}' is not in this file, so the link "
                        "cannot be kept",
                    )
                )
            elif idnumber not in kept:
                kept.append(idnumber)
        node.related = kept


def _framework_code(reading: _Reading, node: _MoodleNode) -> str:
    """A Pathway ID number (a slug) for the framework's Moodle ID number: the same when it is a
    slug, else made into one; one with no Latin letter or digit at all gets a stable one made
    from it, so that the same file gives the same framework again."""
    code = node.idnumber
    try:
        validate_slug(code)
    except ValidationError:
        code = slugify(code)[:CODE_MAX].strip("-")
        if not code and node.idnumber:
            digest = hashlib.sha256(node.idnumber.encode()).hexdigest()[:10]
            code = f"framework-{digest}"
        if code:
            reading.notices.append(
                (
                    node.row,
                    f"the framework's ID number '{node.idnumber}' is '{code}' in Pathway (an ID "
                    "number there has only Latin letters, digits and hyphens); the original is "
                    "kept and written back on export to Moodle",
                )
            )
    return code


def _moodle_framework(
    reading: _Reading, framework_node: _MoodleNode | None
) -> FrameworkData | None:
    if framework_node is None:
        reading.check.error(
            None, "There is no framework row: one row must have 'Is framework' set to 1"
        )
        return None
    if framework_node.rule or framework_node.related:
        reading.not_kept.append(
            (
                framework_node.row,
                "the framework row's rule and related competencies (Moodle ignores them too)",
            )
        )
    if not framework_node.scale:
        reading.notices.append(
            (
                framework_node.row,
                "the framework has no scale: an export to Moodle gives it "
                f"the scale '{MOODLE_SCALE_VALUES}'",
            )
        )
    return FrameworkData(
        code=_framework_code(reading, framework_node) if framework_node.idnumber else "",
        name=framework_node.shortname,
        description=framework_node.description,
        description_format=framework_node.description_format,
        source_id_number=framework_node.idnumber,
        scale=framework_node.scale,
        taxonomy=framework_node.taxonomy,
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

    def domains(self, *, domain_level: bool, nodes: list[_MoodleNode]) -> list[DomainData]:
        """A domain for each top-level node, holding everything beneath it, and the node itself
        unless it is only a domain: the taxonomy calls the first level "domain" and the node
        has no scale, rule or related competency, and no other node relates to it."""
        related_to = {idnumber for node in nodes for idnumber in node.related}
        return [
            self._domain(
                order,
                top,
                only_domain=domain_level
                and not top.has_own_details
                and top.idnumber not in related_to,
            )
            for order, top in enumerate(self.tops, start=1)
        ]

    def _domain(self, order: int, top: _MoodleNode, *, only_domain: bool) -> DomainData:
        domain = DomainData(
            code=top.idnumber,
            title=top.shortname,
            description=top.description,
            description_format=top.description_format,
            export_id=top.export_id if only_domain else "",
            order=order,
            row=top.row,
        )
        subtree = self._subtree(top)
        self.reached.add(top.idnumber)
        if only_domain:
            subtree = subtree[1:]
        # Otherwise the top-level Moodle competency is a competency too (Moodle can rate it).
        for position, (node, parent) in enumerate(subtree, start=1):
            self.reached.add(node.idnumber)
            domain.competencies.append(
                CompetencyData(
                    code=node.idnumber,
                    title=node.shortname,
                    description=node.description,
                    description_format=node.description_format,
                    scale=node.scale,
                    rule=node.rule,
                    related=node.related,
                    export_id=node.export_id,
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


# Writing -----------------------------------------------------------------------------------


def _related_cell(related: list[str]) -> str:
    return ",".join(idnumber.replace(",", "%2C") for idnumber in related)


@dataclass
class _Row:
    """One node of the export: a domain that is only a domain, or a competency."""

    parent: str
    idnumber: str
    title: str
    description: str
    description_format: str
    export_id: str
    competency: CompetencyData | None = None


def _moodle_nodes(data: FrameworkData) -> tuple[list[_Row], int, bool]:
    """The nodes in tree order, the depth, and whether some domain is only a domain.

    Each domain is a top-level node. A competency with the domain's ID number is the domain's
    own node; the others sit beneath their parent competency, or directly beneath the domain
    when they have none (or when it is not a competency of the same domain)."""
    rows: list[_Row] = []
    depth, only_domains = 1, False
    for domain in data.domains:
        own = next((c for c in domain.competencies if c.code == domain.code), None)
        only_domains = only_domains or own is None
        rows.append(
            _Row(
                "",
                domain.code,
                domain.title,
                domain.description,
                domain.description_format,
                domain.export_id,
                None,
            )
            if own is None
            else _competency_row("", own)
        )
        tree = CompetencyTree(
            [c for c in domain.competencies if c is not own],
            key=attrgetter("code"),
            parent_key=attrgetter("parent_competency"),
        )
        for competency, level in tree.preorder():
            parent = tree.parent_of(competency)
            depth = max(depth, level + 2)
            rows.append(_competency_row(domain.code if parent is None else parent.code, competency))
    counts = Counter(row.idnumber for row in rows)
    clashes = sorted(code for code, count in counts.items() if count > 1)
    if clashes:
        raise FrameworkExportError(
            "Moodle needs every ID number in a framework to be different, and these are used "
            "by more than one domain or competency: " + ", ".join(clashes)
        )
    return rows, depth, only_domains


def _competency_row(parent: str, c: CompetencyData) -> _Row:
    return _Row(parent, c.code, c.title, c.description, c.description_format, c.export_id, c)


def _export_ids(rows: list[_Row]) -> list[str]:
    """Each row's exported ID: the one it was imported with, else a number after the largest
    kept (rule configurations refer to competencies by these)."""
    kept = [int(row.export_id) for row in rows if row.export_id.isdigit()]
    following = max(kept, default=0)
    ids = []
    for row in rows:
        if row.export_id:
            ids.append(row.export_id)
        else:
            following += 1
            ids.append(str(following))
    return ids


def _taxonomy(data: FrameworkData, depth: int, only_domains: bool) -> str:
    if data.taxonomy:
        return ",".join(data.taxonomy)
    first = "domain" if only_domains else "competency"
    return ",".join([first] + ["competency"] * (depth - 1))


def _node_cells(row: _Row, export_id: str) -> list[str]:
    c = row.competency
    scale = (c.scale if c else {}) or {}
    rule = (c.rule if c else {}) or {}
    return [
        row.parent,
        row.idnumber,
        row.title,
        row.description,
        _FORMAT_TO_MOODLE.get(row.description_format, "2"),
        ",".join(scale.get("values", [])),
        scale.get("configuration", ""),
        rule.get("type", ""),
        rule.get("outcome", "") or "0",
        rule.get("config", "") or "null",
        _related_cell(c.related) if c else "",
        export_id,
        "",
        "",
    ]


def write_moodle(data: FrameworkData) -> bytes:
    """Without the formula guard: Moodle's importer would keep its apostrophe as part of the
    text (ADR 0019)."""
    nodes, depth, only_domains = _moodle_nodes(data)
    scale = data.scale or {}
    rows = [MOODLE_HEADER]
    rows.append(
        [
            "",
            data.source_id_number or data.code,
            data.name,
            data.description,
            _FORMAT_TO_MOODLE.get(data.description_format, "2"),
            ",".join(scale["values"]) if scale.get("values") else MOODLE_SCALE_VALUES,
            scale.get("configuration") or MOODLE_SCALE_CONFIGURATION,
            "",
            "",
            "",
            "",
            "",
            "1",
            _taxonomy(data, depth, only_domains),
        ]
    )
    for row, export_id in zip(nodes, _export_ids(nodes), strict=True):
        rows.append(_node_cells(row, export_id))
    return spreadsheets.unguarded_csv_bytes(rows, line_end="\n")
