"""The mention gate's threshold and mode on the us-notes splits, in one process (the choice on check).

Each note is read, embedded and searched once (``SuggestionService._prepare`` kept per request); each
setting then re-runs only the ranking and the rules, and the final lists are scored with the eval suite's
own coder metrics (required recall, precision, dangerous codes: ``runner.score``).

    python -m evals.gate_sweep --gate out/mention_gate.json --split check --thresholds 0.4,0.5,0.6
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import Any

import numpy as np
import typer

from assistant.config import get_settings
from assistant.suggest.mention_gate import MentionGate, load_gate
from evals import runner, train_gate
from evals.cli import open_backend

US_NOTES = runner.DATASETS_DIR / "us-notes"
CODIESP_DEV = runner.DATASETS_DIR / "codiesp-en" / "dev.jsonl"


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


def figures(service: Any, reference: Any, split: Any, source: str | None = None) -> dict[str, Any]:
    """us-notes (the split's coder metrics) or, with ``source``, the CodiEsp-en notes of that split."""
    if source:
        ds = runner.load_dataset(CODIESP_DEV)
        ds = replace(ds, cases=runner.cases_from_source(ds, source))
        split = "all"
    else:
        ds = runner.load_dataset(US_NOTES)
    result = runner.evaluate([ds], [runner.ServiceSystem(service, "full")], reference, split)[0]
    part = result.parts["check" if split == "check" else split]
    keys = ("micro_f1", "micro_p", "micro_r", "map", "recall@10")
    if not source:
        keys = ("required_recall", "final_precision", "dangerous", *keys[:1], "map")
    out: dict[str, Any] = {}
    for k in keys:
        v = part[k]
        out[k] = round(v, 4) if isinstance(v, float) else v
    if source:
        out["recall@30"] = round(float(part["recall_curve"][29]), 4)  # type: ignore[index]
    return out


def main(
    gate: Path = typer.Option(..., help="The gate artifact to sweep."),
    split: str = typer.Option("check", help="us-notes split: check or tune."),
    thresholds: str = typer.Option("0.4,0.5,0.6,0.7", help="Gate thresholds, comma-separated."),
    modes: str = typer.Option("veto", help="EngineConfig.gate_mode values, comma-separated."),
    source: str | None = typer.Option(None, help="CodiEsp-en instead: the notes whose source has this."),
    cv: bool = typer.Option(
        False, help="Tune split: each note gets the gate fitted without its fold (train_gate's cached rows)."
    ),
) -> None:
    service, reference = open_backend(get_settings())
    memoize_prepare(service)
    loaded: MentionGate | None = load_gate(gate)
    assert loaded is not None, gate
    if cv:
        cross_validate(service, loaded)
    rows: list[dict[str, Any]] = []
    service.gate = None
    rows.append({"setting": "no gate", **figures(service, reference, split, source)})
    typer.echo(json.dumps(rows[-1]))
    for mode in modes.split(","):
        service.config.gate_mode = mode
        for t in (float(v) for v in thresholds.split(",")):
            service.gate = copy.copy(loaded)
            service.gate.threshold = t
            rows.append({"setting": f"{mode} {t}", **figures(service, reference, split, source)})
            typer.echo(json.dumps(rows[-1]))


def cross_validate(service: Any, chosen: MentionGate, cache: Path = Path("out/gate-cache/train.npz")) -> None:
    """Give each training note the gate fitted on the other folds' rows (the chosen model's recipe), so a
    tune-split sweep measures the gate on notes it did not learn from."""
    notes = train_gate.training_notes()
    rows = train_gate.cached_rows(cache)
    kind, share = str(chosen.info["model"]).split(" us_share=")
    fold = np.array([train_gate.fold_of(notes[i].id) for i in rows.note.tolist()])
    gates = [train_gate.fit_rows(rows, kind, float(share), fold == f) for f in range(train_gate.FOLDS)]
    fold_of_text = {n.request.text: train_gate.fold_of(n.id) for n in notes}
    plain = service._gate_probabilities  # noqa: SLF001

    def probabilities(request: Any, ranked: Any, facts: Any) -> dict[int, float]:
        if service.gate is None:
            return {}
        kept = service.gate
        f = gates[fold_of_text[request.text]]
        f.threshold = kept.threshold
        service.gate = f
        try:
            return dict(plain(request, ranked, facts))
        finally:
            service.gate = kept

    service._gate_probabilities = probabilities  # noqa: SLF001


if __name__ == "__main__":
    typer.run(main)
