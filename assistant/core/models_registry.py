"""Imports every domain's ORM models so Alembic and ``create_all`` see the whole schema."""

from __future__ import annotations

import importlib
import importlib.util

from assistant.core.db import Base

DOMAIN_MODEL_MODULES = [
    "assistant.claims.models",
    "assistant.remit.models",
    "assistant.denials.models",
    "assistant.billing.models",
    "assistant.security.models",
    "assistant.trainee.models",
]


def load_all_models() -> type[Base]:
    for module in DOMAIN_MODEL_MODULES:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    return Base
