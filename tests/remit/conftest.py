from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x12"


@pytest.fixture
def x12() -> Path:
    return FIXTURES


@pytest.fixture
def sessions(op_session_factory):  # type: ignore[no-untyped-def]
    """A fresh migrated operational DB."""
    return op_session_factory
