"""The mention gate's threshold and mode on the us-notes splits, in one process (the choice on check).

Each note is read, embedded and searched once (``SuggestionService._prepare`` kept per request); each
setting then re-runs only the ranking and the rules, and the final lists are scored with the eval suite's
own coder metrics (required recall, precision, dangerous codes: ``runner.score``).

    python -m evals.gate_sweep --gate out/mention_gate.json --split check --thresholds 0.4,0.5,0.6
"""

from __future__ import annotations

import copy
import json
from functools import wraps
from pathlib import Path
from typing import Any

import typer

from assistant.config import get_settings
from assistant.suggest.mention_gate import MentionGate, load_gate
from evals import runner
from evals.cli import open_backend

US_NOTES = runner.DATASETS_DIR / "us-notes"


def memoize_prepare(service: Any) -> None:
    """Read, embed and search each batch of requests once; later calls get a fresh copy of the result."""
    plain = service._prepare  # noqa: SLF001 - the sweep re-runs only what follows it
    kept: dict[tuple[str, ...], Any] = {}

    @wraps(plain)
    def prepare(requests: Any) -> Any:
        key = tuple(r.model_dump_json() for r in requests)
        if key not in kept:
            kept[key] = plain(requests)
        return copy.deepcopy(kept[key])

    service._prepare = prepare  # noqa: SLF001


def figures(service: Any, reference: Any, split: Any) -> dict[str, Any]:
    ds = runner.load_dataset(US_NOTES)
    result = runner.evaluate([ds], [runner.ServiceSystem(service, "full")], reference, split)[0]
    part = result.parts["check" if split == "check" else split]
    keys = ("required_recall", "final_precision", "dangerous", "micro_f1", "map")
    out: dict[str, Any] = {}
    for k in keys:
        v = part[k]
        out[k] = round(v, 4) if isinstance(v, float) else v
    return out


def main(
    gate: Path = typer.Option(..., help="The gate artifact to sweep."),
    split: str = typer.Option("check", help="us-notes split: check or tune."),
    thresholds: str = typer.Option("0.4,0.5,0.6,0.7", help="Gate thresholds, comma-separated."),
    modes: str = typer.Option("rescue,replace", help="EngineConfig.gate_mode values, comma-separated."),
) -> None:
    service, reference = open_backend(get_settings())
    memoize_prepare(service)
    loaded: MentionGate | None = load_gate(gate)
    assert loaded is not None, gate
    rows: list[dict[str, Any]] = []
    service.gate = None
    rows.append({"setting": "no gate", **figures(service, reference, split)})
    typer.echo(json.dumps(rows[-1]))
    for mode in modes.split(","):
        service.config.gate_mode = mode
        for t in (float(v) for v in thresholds.split(",")):
            service.gate = copy.copy(loaded)
            service.gate.threshold = t
            rows.append({"setting": f"{mode} {t}", **figures(service, reference, split)})
            typer.echo(json.dumps(rows[-1]))


if __name__ == "__main__":
    typer.run(main)
