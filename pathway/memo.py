"""A memory that lasts one HTTP request.

Permission checks on one page often ask the same question several times ("is this person a
current mentor of that trainee?"). Inside a request the answer cannot usefully change, so it
is asked of the database once. Outside a request (a command, a task, a test calling a rule
directly) nothing is remembered and every question goes to the database, so nothing kept
longer than a request can ever go stale.

`pathway.middleware.RequestMemoMiddleware` opens the memory for each request; nothing else
has to remember to.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memory: ContextVar[dict | None] = ContextVar("pathway_request_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Remember answers until the block ends (one request)."""
    token = _memory.set({})
    try:
        yield
    finally:
        _memory.reset(token)


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """The answer to `key`: remembered within a request, computed afresh outside one."""
    memory = _memory.get()
    if memory is None:
        return compute()
    try:
        return memory[key]
    except KeyError:
        value = memory[key] = compute()
        return value


def remember_answers(answers: dict[Hashable, object]) -> bool:
    """Keep answers worked out together (one query for a page of questions) for the rest of
    the request; False, keeping nothing, outside a request."""
    memory = _memory.get()
    if memory is None:
        return False
    memory.update(answers)
    return True


def remembering() -> bool:
    """True inside a request, where answers are kept."""
    return _memory.get() is not None


def is_remembered(key: Hashable) -> bool:
    memory = _memory.get()
    return memory is not None and key in memory


def forget(namespace: str) -> None:
    """Drop the remembered answers of one kind, after a write that changes them."""
    memory = _memory.get()
    if memory:
        for key in [k for k in memory if isinstance(k, tuple) and k and k[0] == namespace]:
            del memory[key]
