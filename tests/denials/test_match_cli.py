"""`assistant denials match` through the real CLI: the embedder is the suggestion engine's (one protocol,
``embed``), with the ``HashingEmbedder`` fake and, in the slow suite, the real model."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

import assistant.denials.cli as dcli
from assistant.app.container import Container
from assistant.cli.main import app
from assistant.config import Settings
from assistant.suggest.embedder import HashingEmbedder
from tests.suggest.fixture_corpus import FIXTURE_DIR

runner = CliRunner()
TEXT = "the payer portal says the procedure is incidental to another service"


@pytest.fixture
def container(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Container:
    tmp_settings.index_dir = FIXTURE_DIR  # the committed fixture index (built with hashing-256)
    c = Container(tmp_settings)
    monkeypatch.setattr(dcli, "make_container", lambda: c)
    return c


def _match(*extra: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["denials", "match", TEXT, "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_match_uses_the_suggest_embedder_protocol(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    fake = HashingEmbedder(256)
    real_embed = fake.embed

    def counting_embed(texts: list[str]) -> Any:
        calls.append(len(texts))
        return real_embed(texts)

    monkeypatch.setattr(fake, "embed", counting_embed)
    monkeypatch.setattr(dcli, "make_embedder", lambda settings: fake)
    hits = _match()
    assert calls and calls[0] > 1  # the query and every CARC summary, embedded in one call
    assert hits[0]["carc"] == "97"
    assert all(0.0 <= h["semantic"] <= 1.0 for h in hits) and any(h["semantic"] > 0 for h in hits)
    human = runner.invoke(app, ["denials", "match", TEXT])
    assert human.exit_code == 0 and "97" in human.stdout


@pytest.mark.slow
def test_match_on_the_real_model(container: Container) -> None:
    """No fake: the CLI loads the product embedder (torch here: no ONNX export next to the fixture)."""
    container.settings.embed_runtime = "torch"
    hits = _match("--limit", "3")
    assert "97" in [h["carc"] for h in hits] and all(h["semantic"] > 0.2 for h in hits)
