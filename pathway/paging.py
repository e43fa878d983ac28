"""One page of a long list: what a list page shows costs the same however long the history.

`page_of(request, items)` gives the page asked for (`?page=N`; a bad or too large number gives
the nearest page, never an error) and the numbers for `includes/pagination.html`. The items
may be a QuerySet or anything with `count()` and slicing: only one page is read.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def page_of(request, items, per_page: int | None = None) -> tuple[Page, list]:
    paginator = Paginator(items, per_page or PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return page, list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def search_text(request, name: str = "q", longest: int = 100) -> str:
    """The words searched for, trimmed; an over-long search is cut rather than refused."""
    return " ".join(request.GET.get(name, "").split())[:longest]


class Counted:
    """Items to page whose number is counted another way than COUNT over the items' own query
    (a cheaper query that gives the same number): `count` is called once, for the paginator."""

    def __init__(self, items, count: Callable[[], int]):
        self._items, self._count = items, count

    def count(self) -> int:
        return self._count()

    def __getitem__(self, index):
        return self._items[index]
