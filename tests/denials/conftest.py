from __future__ import annotations

import pytest

from tests.denials.fakes import DenialsFakeReference


@pytest.fixture
def ref() -> DenialsFakeReference:
    return DenialsFakeReference()
