from __future__ import annotations

import pytest

from tests.denials.fakes import DenialsFakeReference


@pytest.fixture
def sessions(op_session_factory):  # type: ignore[no-untyped-def]
    return op_session_factory


@pytest.fixture
def ref() -> DenialsFakeReference:
    return DenialsFakeReference()
