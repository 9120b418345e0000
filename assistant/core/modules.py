"""Optional-module discovery used where domains plug into the CLI, the app and the schema."""

from __future__ import annotations

import importlib.util


def module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent package is absent
        return False
