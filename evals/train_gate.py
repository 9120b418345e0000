"""The mention gate's recipe (``make train-gate``): the engine's mentions -> gate rows -> model -> JSON.

Rows: one per searched mention of the us-notes ``tune`` split and the CodiEsp-en ``train`` split, as the
engine with the committed ranker forms them (``SuggestionService.gate_rows``). Label: the mention's first
code (after the code rules) is a gold code (prefix rule); us-notes acceptable codes are left out. A note the
committed ranker was trained on gets the ranker's code prior without its own gold (its rows would otherwise
see their own answers). The model (logistic or small gradient-boosted trees, us-notes rows a fixed share of
the weight) and its threshold are chosen by 5-fold cross-validation over the training notes (grouped by
note): the model by the us-notes rows' average precision, the threshold by their micro-F1 at mention level.
No dev, check or held-out note is read. Seeds fixed; the artifact is plain JSON
(assistant/suggest/data/mention_gate.json).

    python -m evals.train_gate [--out assistant/suggest/data/mention_gate.json] [--cache out/gate-cache]
"""

from __future__ import annotations

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
from sklearn.model_selection import GroupKFold

from assistant.config import get_settings
from assistant.suggest.features import StaticColumns
from assistant.suggest.mention_gate import DEFAULT_PATH, GATE_FEATURES, MentionGate
from assistant.suggest.ranker import export_trees
from evals import metrics, runner
from evals.cli import open_backend
from evals.train_ranker import Note, load_notes

SEED = 13
RANKER_CODIESP_NOTES = 300  # the committed ranker's codiesp_train_notes (hash order), see ranker.json info


@dataclass
class GateRows:
    x: np.ndarray
    y: np.ndarray  # 1: the first code is gold, 0: not, -1: acceptable (left out)
    note: np.ndarray
    group: np.ndarray


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
        return MentionGate("logistic", 0.5, mean, scale, model.coef_[0], float(model.intercept_[0]))
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
    return MentionGate("trees", 0.5, intercept=baseline, trees=exported)


def weights(groups: np.ndarray, us_share: float) -> np.ndarray:
    """us-notes rows weighted to carry ``us_share`` of the total weight (1.0: us-notes rows only, all 1)."""
    w = np.ones(len(groups))
    us = groups == "us-notes"
    if 0 < us_share < 1 and us.any() and (~us).any():
        w[us] = us_share / (1 - us_share) * (~us).sum() / us.sum()
    return w


def best_f1_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, tuple[float, float, float]]:
    """The threshold maximizing micro-F1 of mention-level decisions (a gold mention missed counts FN)."""
    best = (0.5, (0.0, 0.0, -1.0))
    for t in np.arange(0.1, 0.91, 0.025):
        chosen = p >= t
        tp = int((chosen & (y == 1)).sum())
        fp = int((chosen & (y == 0)).sum())
        fn = int((~chosen & (y == 1)).sum())
        prf = metrics.prf(tp, fp, fn)
        if prf[2] > best[1][2]:
            best = (round(float(t), 3), prf)
    return best


def main(
    out: Path = typer.Option(DEFAULT_PATH, help="Where to write the artifact."),
    cache: Path = typer.Option(Path("out/gate-cache"), help="Gate rows are cached here (.npz)."),
    fresh: bool = typer.Option(False, "--fresh", help="Recompute the cached rows."),
    us_share: float = typer.Option(0.5, help="Share of the training weight carried by us-notes rows."),
) -> None:
    """Train and write the mention gate (reads the real index: ASSISTANT_INDEX_DIR)."""

    def log(msg: str) -> None:
        typer.echo(msg, err=True)

    notes = [n for n in load_notes() if n.part == "train"]
    codiesp = sorted((n for n in notes if n.group == "codiesp"), key=lambda n: runner.sample_key(n.id))
    seen = {n.id for n in codiesp[:RANKER_CODIESP_NOTES]} | {n.id for n in notes if n.group == "us-notes"}
    log(f"notes: {len(notes)} (us-notes tune, CodiEsp-en train)")
    path = cache / "train.npz"
    if path.exists() and not fresh:
        z = np.load(path)
        rows = GateRows(z["x"], z["y"], z["note"], z["group"])
    else:
        service, _ = open_backend(get_settings())
        if service.ranker is None:
            raise typer.BadParameter("the gate is trained on the learned ranker's order: enable it")
        rows = collect(service, notes, seen, log)
        cache.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, x=rows.x, y=rows.y, note=rows.note, group=rows.group)
    keep = rows.y >= 0
    x, y, groups, note = rows.x[keep], rows.y[keep], rows.group[keep], rows.note[keep]
    us = groups == "us-notes"
    log(f"rows: {len(y)} ({int(y.sum())} positive; us-notes {int(us.sum())}, {int(y[us].sum())} positive)")
    trials: dict[str, dict[str, Any]] = {}
    for kind in ("logistic", "trees"):
        for share in (us_share, 1.0):
            name = f"{kind} us_share={share}"
            oof = np.zeros(len(y))
            for tr, te in GroupKFold(n_splits=5).split(x, y, note):
                sub = slice(None) if share < 1.0 else us[tr]
                xt, yt, gt = x[tr][sub], y[tr][sub], groups[tr][sub]
                w = weights(gt, share)
                oof[te] = fit(kind, xt, yt, w).predict(x[te])
            t, prf = best_f1_threshold(oof[us], y[us])
            trials[name] = {
                "us_ap": round(float(average_precision_score(y[us], oof[us])), 4),
                "codiesp_ap": round(float(average_precision_score(y[~us], oof[~us])), 4),
                "us_threshold": t,
                "us_prf": [round(v, 4) for v in prf],
            }
            log(f"  {name}: {trials[name]}")
    name = max(trials, key=lambda k: trials[k]["us_ap"])
    kind, share = name.split(" us_share=")[0], float(name.split("=")[1])
    sub = slice(None) if share < 1.0 else us
    w = weights(groups[sub], share)
    gate = fit(kind, x[sub], y[sub], w)
    gate.threshold = trials[name]["us_threshold"]
    gate.info = {
        "model": name,
        "trained_on": "us-notes tune split + CodiEsp-en train split: one row a searched mention, label = its "
        "first code after the code rules is gold (prefix rule; us-notes acceptable left out)",
        "chosen_on": "5-fold cross-validation over the training notes (grouped by note): model by the "
        "us-notes rows' average precision, threshold by their mention-level micro-F1",
        "rows": int(len(y)),
        "trials": trials,
        "seed": SEED,
        "sklearn": sklearn.__version__,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    gate.save(out)
    log(f"chosen {name}, threshold {gate.threshold}; wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    typer.run(main)
