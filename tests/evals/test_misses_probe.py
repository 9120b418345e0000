"""The misses probe (``python -m evals.misses``) wraps the service's steps; it must keep their signatures."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.suggest import consolidate
from assistant.suggest.schemas import SuggestRequest
from evals.misses import Probe
from tests.suggest.rules_corpus import rules_service


def test_the_probe_records_each_step_of_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consolidate, "absorb_same_category", consolidate.absorb_same_category)
    service = rules_service(tmp_path)
    probe = Probe(service)
    note = "A/P: Essential hypertension - continue lisinopril. Type 2 diabetes mellitus."
    result = service.suggest(SuggestRequest(text=note, mode="full"))
    assert probe.pool and any("I10" in pool for pool in probe.pool)
    assert "I10" in probe.before_rules and "I10" in {s.code for s in result.suggestions}
