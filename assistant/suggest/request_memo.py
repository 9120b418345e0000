"""Work done once per request: a pure text function's answers kept while one suggestion call runs.

Inside a note the same text is read several times (a sentence is expanded once for each of its mentions,
a query is cleaned by the planner and again by the features). ``per_request`` keeps a decorated function's
answers for the length of ``one_request()`` only: nothing outlives the call, so one note never makes
another faster, and outside a request the function runs as before. Only for functions of one hashable
argument whose answer is immutable (a string): a caller cannot change what the next one gets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import ParamSpec, TypeVar

K = TypeVar("K")
V = TypeVar("V")
P = ParamSpec("P")

_MEMOS: ContextVar[dict[Callable[..., object], dict[object, object]] | None] = ContextVar(
    "suggest_request_memos", default=None
)


@contextmanager
def one_request() -> Iterator[None]:
    """Within this block each decorated function answers each distinct argument once."""
    token = _MEMOS.set({})
    try:
        yield
    finally:
        _MEMOS.reset(token)


def per_request(fn: Callable[[K], V]) -> Callable[[K], V]:
    """``fn`` with its answers kept inside ``one_request()`` (``fn.__wrapped__``: the plain function)."""

    @wraps(fn)
    def memoized(arg: K) -> V:
        memos = _MEMOS.get()
        if memos is None:
            return fn(arg)
        memo = memos.get(fn)
        if memo is None:
            memo = memos[fn] = {}
        if arg in memo:
            return memo[arg]  # type: ignore[return-value]
        value = memo[arg] = fn(arg)
        return value

    return memoized


def within_one_request(fn: Callable[P, V]) -> Callable[P, V]:
    """``fn`` run inside ``one_request()`` (a suggestion entry point: its notes' repeated texts read once)."""

    @wraps(fn)
    def scoped(*args: P.args, **kwargs: P.kwargs) -> V:
        with one_request():
            return fn(*args, **kwargs)

    return scoped
