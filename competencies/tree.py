"""Competencies nested under other competencies, within one domain.

Pathway's frameworks are domains of competencies, but a competency may sit under another
competency of its domain (Competency.parent), as in Moodle frameworks deeper than two levels.
CompetencyTree arranges one domain's competencies: each after its parent, siblings in the order
given. It never fails: an item whose parent is not among the items, or that is caught in a loop
of parents, is treated as top-level, so every item appears exactly once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from operator import attrgetter
from typing import Any


class CompetencyTree:
    def __init__(
        self,
        items: Iterable[Any],
        *,
        key: Callable[[Any], Hashable] = attrgetter("pk"),
        parent_key: Callable[[Any], Hashable | None] = attrgetter("parent_id"),
    ):
        """`items` in sibling order (for competencies: by order, then id)."""
        self.items = list(items)
        self.key = key
        by_key = {key(item): item for item in self.items}
        self.roots: list = []
        self.children: dict[Hashable, list] = defaultdict(list)
        self.parent: dict[Hashable, Any] = {}
        for item in self.items:
            parent = by_key.get(parent_key(item))
            if parent is None or parent is item:
                self.roots.append(item)
                self.parent[key(item)] = None
            else:
                self.children[key(parent)].append(item)
                self.parent[key(item)] = parent
        # Items in a loop of parents are never reached from a top-level item: the first of them
        # (in the order given) becomes top-level, until every item is reached.
        reached = {key(item) for item, _ in self._walk(self.roots)}
        for item in self.items:
            if key(item) in reached:
                continue
            siblings = self.children[key(self.parent[key(item)])]
            siblings[:] = [other for other in siblings if other is not item]
            self.parent[key(item)] = None
            self.roots.append(item)
            reached.update(key(i) for i, _ in self._walk([item]))
        position = {key(item): index for index, item in enumerate(self.items)}
        self.roots.sort(key=lambda item: position[key(item)])

    def _walk(self, roots: list) -> list[tuple[Any, int]]:
        result, seen = [], set()
        stack = [(root, 0) for root in reversed(roots)]
        while stack:
            item, depth = stack.pop()
            if self.key(item) in seen:
                continue
            seen.add(self.key(item))
            result.append((item, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children[self.key(item)]))
        return result

    def preorder(self) -> list[tuple[Any, int]]:
        """(item, depth) for every item, each after its parent; top-level items have depth 0."""
        return self._walk(self.roots)

    def parent_of(self, item) -> Any | None:
        return self.parent[self.key(item)]

    def siblings(self, item) -> list:
        """The list holding the item and its siblings, in order (the tree's own list)."""
        parent = self.parent_of(item)
        return self.roots if parent is None else self.children[self.key(parent)]
