"""Links to a trainee's pages in apps built on cohorts, shown where the people who need them
already are: each row of the cohort dashboard and the trainee's overview (which is also the
trainee's own "My programme"). Cohorts knows nothing of those apps (the layers forbid it): each
registers, from its AppConfig.ready(), a function given the viewer and the enrolments shown that
returns, per enrolment, the group of links this viewer may open (apprenticeships: the
apprentice's terms and KSBs, off-the-job hours, training plan and gateway).

A function reads every enrolment it is given in a fixed number of queries, never one per
enrolment, and checks each link with the rules its page uses, so nobody is shown a link the page
would then refuse."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TraineeLinkGroup:
    """A heading ("Apprenticeship") and its (label, address) links for one enrolment."""

    title: str
    links: tuple[tuple[str, str], ...]


TraineeLinks = Callable[[object, Collection[int]], dict[int, TraineeLinkGroup]]
_PROVIDERS: list[TraineeLinks] = []


def trainee_links_register(function: TraineeLinks) -> TraineeLinks:
    if function not in _PROVIDERS:
        _PROVIDERS.append(function)
    return function


def trainee_links(viewer, enrolment_ids: Collection[int]) -> dict[int, list[TraineeLinkGroup]]:
    """The link groups this viewer may open, per enrolment (none: no entry)."""
    found: dict[int, list[TraineeLinkGroup]] = {}
    if not enrolment_ids:
        return found
    for provider in _PROVIDERS:
        for enrolment_id, group in provider(viewer, enrolment_ids).items():
            if group.links:
                found.setdefault(enrolment_id, []).append(group)
    return found


def add_row_links(viewer, rows: Iterable) -> None:
    """Give each cohort dashboard row (TraineeRow) its link groups, for the rows shown."""
    rows = list(rows)
    found = trainee_links(viewer, [row.enrolment_pk for row in rows])
    for row in rows:
        row.link_groups = found.get(row.enrolment_pk, [])
