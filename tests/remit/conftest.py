from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x12"


@pytest.fixture
def x12() -> Path:
    return FIXTURES
