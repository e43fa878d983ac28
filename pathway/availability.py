"""Telling "the database cannot be reached" apart from a fault in our own code.

While PostgreSQL restarts, or the network to it drops, every page fails the same way. People
should then see that Pathway is briefly unavailable (503, try again in a minute), not the
"problem with the service" page meant for bugs (500).
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError, connections


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) is a lost or refused database connection.

    An OperationalError alone is not enough: SQLite's "no such table" or a statement timeout
    on a working connection are OperationalErrors too, and are faults to report as such. It
    counts when a connection to the database is missing (connecting failed) or broken (the
    server went away mid-request), which the driver records on the connection itself.
    """
    for link in _causes(error):
        if isinstance(link, InterfaceError):
            return True
        if isinstance(link, OperationalError) and any(
            _lost(connection) for connection in connections.all(initialized_only=True)
        ):
            return True
    return False


def _causes(error: BaseException | None, limit: int = 5):
    while error is not None and limit:
        yield error
        error = error.__cause__ or error.__context__
        limit -= 1


def _lost(connection) -> bool:
    raw = connection.connection
    # psycopg marks a connection the server dropped as closed (nonzero); SQLite's has no flag.
    return raw is None or bool(getattr(raw, "closed", False))
