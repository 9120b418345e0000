"""Who is told after the code sets change (a load or an import).

Other domains subscribe here, so ``codesets`` imports none of them: the claims domain re-checks unsubmitted
claims against the new code sets (wired in ``assistant/cli/main.py``).
"""

from __future__ import annotations

from collections.abc import Callable

_subscribers: list[Callable[[], None]] = []


def on_code_sets_changed(callback: Callable[[], None]) -> Callable[[], None]:
    if callback not in _subscribers:
        _subscribers.append(callback)
    return callback


def code_sets_changed() -> None:
    for callback in list(_subscribers):
        callback()
