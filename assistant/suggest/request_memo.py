"""Work done once per request: a pure text function's answers kept while one suggestion call runs.

Inside a note the same text is read several times (a sentence is expanded once for each of its mentions,
a query is cleaned by the planner and again by the features). ``per_request`` keeps a decorated function's
answers for the length of ``one_request()`` only: nothing outlives the call, so one note never makes
another faster, and outside a request the function runs as before. Only for functions of one hashable
argument whose answer is immutable (a string): a caller cannot change what the next one gets.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import ParamSpec, TypeVar, cast

K = TypeVar("K")
V = TypeVar("V")
P = ParamSpec("P")

_MEMOS: ContextVar[dict[object, dict[object, object]] | None] = ContextVar(
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


def active() -> bool:
    """Whether a ``one_request()`` block is running (a value ``remembered`` now is kept for the request)."""
    return _MEMOS.get() is not None


def remembered(owner: Hashable, key: Hashable, compute: Callable[[], V]) -> V:
    """``compute()`` for ``(owner, key)``, kept inside ``one_request()`` (outside: computed each time).

    For values a caller only reads (the request's readers share one object); ``owner`` names the computation
    and whatever it reads from (e.g. the engine object), ``key`` its arguments."""
    memos = _MEMOS.get()
    if memos is None:
        return compute()
    memo = memos.get(owner)
    if memo is None:
        memo = memos[owner] = {}
    if key in memo:
        return cast(V, memo[key])
    value = memo[key] = compute()
    return value


def within_one_request(fn: Callable[P, V]) -> Callable[P, V]:
    """``fn`` run inside ``one_request()`` (a suggestion entry point: its notes' repeated texts read once)."""

    @wraps(fn)
    def scoped(*args: P.args, **kwargs: P.kwargs) -> V:
        with one_request():
            return fn(*args, **kwargs)

    return scoped
