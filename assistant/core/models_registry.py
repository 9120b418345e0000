"""Imports every domain's ORM models so Alembic and ``create_all`` see the whole schema."""

from __future__ import annotations

import importlib

from assistant.core.db import Base

DOMAIN_MODEL_MODULES = [
    "assistant.parties.models",
    "assistant.encounters.models",
    "assistant.schedule.models",
    "assistant.claims.models",
    "assistant.remit.models",
    "assistant.denials.models",
    "assistant.billing.models",
    "assistant.security.models",
    "assistant.trainee.models",
    "assistant.chat.models",
    "assistant.fees.models",
]


def load_all_models() -> type[Base]:
    for module in DOMAIN_MODEL_MODULES:  # a renamed module fails here, loudly
        importlib.import_module(module)
    return Base
