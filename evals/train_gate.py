"""The mention gate's recipe (``make train-gate``): the engine's mentions -> gate rows -> model -> JSON.

Rows: one per searched mention of the us-notes ``tune`` split and the CodiEsp-en ``train`` split, as the
engine with the committed ranker forms them (``SuggestionService.gate_rows``). Label: the mention's first
code (after the code rules) is a gold code (prefix rule); us-notes acceptable codes are left out. A note the
committed ranker was trained on gets the ranker's code prior without its own gold (its rows would otherwise
see their own answers). The model (logistic or small gradient-boosted trees, us-notes rows a fixed share of
the weight) and its threshold are chosen by 5-fold cross-validation over the training notes (folds by
note): the model by the mean of the two groups' average precision, the veto threshold by the tune split's
micro-F1 of the engine's own final lists (``evals.gate_sweep --split tune --cv``, kept as CV_THRESHOLD).
No dev, check or held-out note is read. Seeds fixed; the artifact is plain JSON
(assistant/suggest/data/mention_gate.json).

    python -m evals.train_gate [--out assistant/suggest/data/mention_gate.json] [--cache out/gate-cache]
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import typer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

from assistant.config import get_settings
from assistant.suggest.features import StaticColumns
from assistant.suggest.mention_gate import DEFAULT_PATH, GATE_FEATURES, MentionGate
from assistant.suggest.ranker import export_trees, load_ranker
from assistant.suggest.service import EngineConfig
from evals import metrics, runner
from evals.cli import open_backend
from evals.train_ranker import Note, load_notes

SEED = 13
FOLDS = 5
# The veto threshold that maximized the tune split's micro-F1 of the engine's own final lists, each note
# with the gate fitted without its fold (evals.gate_sweep --cv; 0.1 / 0.15 / 0.2 / 0.3: 0.834 / 0.834 /
# 0.838 / 0.830). The mention-level CV choice (info "trials") counts a problem stated twice twice.
CV_THRESHOLD = 0.2
RANKER_CODIESP_NOTES = 300  # the committed ranker's codiesp_train_notes (hash order), see ranker.json info


@dataclass
class GateRows:
    x: np.ndarray
    y: np.ndarray  # 1: the first code is gold, 0: not, -1: acceptable (left out)
    note: np.ndarray
    group: np.ndarray


def fold_of(note_id: str) -> int:
    """The cross-validation fold of a training note (by a hash of its id: the same in every run)."""
    return int(hashlib.sha1(f"gate-fold:{note_id}".encode()).hexdigest(), 16) % FOLDS


def ranker_rule(x: np.ndarray, ranker_threshold: float, assessed_factor: float) -> np.ndarray:
    """The engine's own decision for each mention row: its first code's probability passes the ranker's
    threshold (times ``assessed_factor`` in the assessment, on a problem line or for history / status)."""
    col = {n: i for i, n in enumerate(GATE_FEATURES)}
    eased = (x[:, col["assessed"]] > 0) | (x[:, col["kind_current"]] == 0)
    return np.asarray(
        x[:, col["p1"]] >= np.where(eased, ranker_threshold * assessed_factor, ranker_threshold)
    )


def first_label(code: str, note: Note) -> int:
    if code and any(metrics.code_matches(code, g) for g in note.gold):
        return 1
    if code and any(metrics.code_matches(code, a) for a in note.acceptable):
        return -1
    return 0


def collect(service: Any, notes: Sequence[Note], seen: set[str], log: Callable[[str], None]) -> GateRows:
    ranker = service.ranker
    xs: list[np.ndarray] = []
    ys: list[int] = []
    idx: list[int] = []
    groups: list[str] = []
    t0 = time.perf_counter()
    for i, note in enumerate(notes):
        prior = ranker.prior
        if note.id in seen and prior is not None and all(prior.code(g)[2] for g in note.gold):
            prior = prior.without(note.gold)
        service.ranker = replace(ranker, prior=prior)
        service.static_columns = StaticColumns(service.catalog, prior)
        firsts, _, x = service.gate_rows(note.request)
        xs.append(x)
        ys.extend(first_label(c, note) for c in firsts)
        idx.extend([i] * len(firsts))
        groups.extend([note.group] * len(firsts))
        if (i + 1) % 100 == 0:
            log(f"  gate rows: {i + 1}/{len(notes)} notes ({time.perf_counter() - t0:.0f} s)")
    service.ranker = ranker
    service.static_columns = StaticColumns(service.catalog, ranker.prior)
    x_all = np.concatenate(xs) if xs else np.zeros((0, len(GATE_FEATURES)))
    return GateRows(x_all, np.asarray(ys), np.asarray(idx), np.asarray(groups))


def fit(kind: str, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> MentionGate:
    if kind == "logistic":
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale < 1e-6] = 1.0
        model = LogisticRegression(C=0.3, max_iter=3000, random_state=SEED)
        model.fit((x - mean) / scale, y, sample_weight=w)
        return MentionGate(
            kind="logistic",
            threshold=0.5,
            mean=mean,
            scale=scale,
            coef=model.coef_[0],
            intercept=float(model.intercept_[0]),
        )
    trees = HistGradientBoostingClassifier(
        max_iter=120,
        max_leaf_nodes=7,
        learning_rate=0.06,
        min_samples_leaf=30,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=SEED,
    )
    trees.fit(x, y, sample_weight=w)
    exported, baseline = export_trees(trees)
    return MentionGate(kind="trees", threshold=0.5, intercept=baseline, trees=exported)


def weights(groups: np.ndarray, us_share: float) -> np.ndarray:
    """us-notes rows weighted to carry ``us_share`` of the total weight (1.0: us-notes rows only, all 1)."""
    w = np.ones(len(groups))
    us = groups == "us-notes"
    if 0 < us_share < 1 and us.any() and (~us).any():
        w[us] = us_share / (1 - us_share) * (~us).sum() / us.sum()
    return w


def best_f1_threshold(
    p: np.ndarray, y: np.ndarray, rule: np.ndarray
) -> tuple[float, tuple[float, float, float]]:
    """The veto threshold maximizing micro-F1 of mention-level decisions (the ranker's rule and the gate;
    a gold mention left out counts as missed)."""
    best = (0.0, (0.0, 0.0, -1.0))
    for t in np.arange(0.0, 0.501, 0.025):
        chosen = rule & (p >= t)
        tp = int((chosen & (y == 1)).sum())
        fp = int((chosen & (y == 0)).sum())
        fn = int((~chosen & (y == 1)).sum())
        prf = metrics.prf(tp, fp, fn)
        if prf[2] > best[1][2]:
            best = (round(float(t), 3), prf)
    return best


def training_notes() -> list[Note]:
    return [n for n in load_notes() if n.part == "train"]


def cached_rows(path: Path) -> GateRows:
    z = np.load(path)
    return GateRows(z["x"], z["y"], z["note"], z["group"])


def fit_rows(rows: GateRows, kind: str, share: float, leave_out: np.ndarray | None = None) -> MentionGate:
    """The gate fitted on the labelled rows (us-notes only when ``share`` is 1), less ``leave_out``."""
    keep = rows.y >= 0
    if share >= 1.0:
        keep &= rows.group == "us-notes"
    if leave_out is not None:
        keep &= ~leave_out
    return fit(kind, rows.x[keep], rows.y[keep], weights(rows.group[keep], share))


def main(
    out: Path = typer.Option(DEFAULT_PATH, help="Where to write the artifact."),
    cache: Path = typer.Option(Path("out/gate-cache"), help="Gate rows are cached here (.npz)."),
    fresh: bool = typer.Option(False, "--fresh", help="Recompute the cached rows."),
    model: str | None = typer.Option(
        None, help="A trial to write (e.g. 'trees us_share=1.0'); default: the best mean CV AP of the groups."
    ),
    threshold: float | None = typer.Option(
        CV_THRESHOLD,
        help="The veto threshold written (None: the mention-level CV choice). Default: the engine-level "
        "choice of `python -m evals.gate_sweep --split tune --cv` (evals/reports/gate-2026-11-30-d.md).",
    ),
    us_share: float = typer.Option(0.5, help="Share of the training weight carried by us-notes rows."),
) -> None:
    """Train and write the mention gate (reads the real index: ASSISTANT_INDEX_DIR)."""

    def log(msg: str) -> None:
        typer.echo(msg, err=True)

    notes = training_notes()
    ranker = load_ranker()
    if ranker is None:
        raise typer.BadParameter("the gate is trained on the learned ranker's order: it is missing")
    ranker_threshold, assessed_factor = ranker.threshold, EngineConfig().assessed_factor
    codiesp = sorted((n for n in notes if n.group == "codiesp"), key=lambda n: runner.sample_key(n.id))
    seen = {n.id for n in codiesp[:RANKER_CODIESP_NOTES]} | {n.id for n in notes if n.group == "us-notes"}
    log(f"notes: {len(notes)} (us-notes tune, CodiEsp-en train)")
    path = cache / "train.npz"
    if path.exists() and not fresh:
        rows = cached_rows(path)
    else:
        service, _ = open_backend(get_settings())
        if service.ranker is None:
            raise typer.BadParameter("the gate is trained on the learned ranker's order: enable it")
        rows = collect(service, notes, seen, log)
        cache.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, x=rows.x, y=rows.y, note=rows.note, group=rows.group)
    keep = rows.y >= 0
    y, groups = rows.y[keep], rows.group[keep]
    us = groups == "us-notes"
    fold = np.array([fold_of(notes[i].id) for i in rows.note.tolist()])
    rule = ranker_rule(rows.x, ranker_threshold, assessed_factor)[keep]
    log(f"rows: {len(y)} ({int(y.sum())} positive; us-notes {int(us.sum())}, {int(y[us].sum())} positive)")
    base = metrics.prf(
        int((rule & (y == 1))[us].sum()), int((rule & (y == 0))[us].sum()), int((~rule & (y == 1))[us].sum())
    )
    log(f"  the ranker's rule alone (us-notes rows): P/R/F1 {[round(v, 4) for v in base]}")
    trials: dict[str, dict[str, Any]] = {}
    for kind in ("logistic", "trees"):
        for share in (us_share, 1.0):
            name = f"{kind} us_share={share}"
            oof = np.zeros(len(rows.y))
            for f in range(FOLDS):
                held = fold == f
                oof[held] = fit_rows(rows, kind, share, held).predict(rows.x[held])
            p = oof[keep]
            t, prf = best_f1_threshold(p[us], y[us], rule[us])
            trials[name] = {
                "us_ap": round(float(average_precision_score(y[us], p[us])), 4),
                "codiesp_ap": round(float(average_precision_score(y[~us], p[~us])), 4),
                "us_veto_threshold": t,
                "us_veto_prf": [round(v, 4) for v in prf],
            }
            log(f"  {name}: {trials[name]}")
    name = model or max(trials, key=lambda k: trials[k]["us_ap"] + trials[k]["codiesp_ap"])
    kind, share = name.split(" us_share=")[0], float(name.split("=")[1])
    gate = fit_rows(rows, kind, share)
    gate.threshold = threshold if threshold is not None else trials[name]["us_veto_threshold"]
    gate.info = {
        "model": name,
        "trained_on": "us-notes tune split + CodiEsp-en train split: one row a searched mention, label = its "
        "first code after the code rules is gold (prefix rule; us-notes acceptable left out)",
        "chosen_on": "5-fold cross-validation over the training notes (folds by note): model by the mean "
        "of the us-notes and CodiEsp rows' average precision; veto threshold (EngineConfig.gate_mode "
        "'veto': the ranker's own rule and the gate) by the tune split's micro-F1 of the engine's final "
        "lists, each note with the gate fitted without its fold (evals.gate_sweep --cv)",
        "ranker_rule": {"threshold": ranker_threshold, "assessed_factor": assessed_factor},
        "rows": int(len(y)),
        "ranker_rule_alone_us_prf": [round(v, 4) for v in base],
        "trials": trials,
        "seed": SEED,
        "sklearn": sklearn.__version__,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    gate.save(out)
    log(f"chosen {name}, threshold {gate.threshold}; wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    typer.run(main)
