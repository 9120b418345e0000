"""The learned reranker's recipe (``make train``): features -> model -> calibration -> thresholds -> JSON.

Trained on the CodiEsp-en ``train`` split and the us-notes ``tune`` split only; the model, the final-list
threshold and the "high" band are chosen on the CodiEsp-en ``dev`` split and the us-notes ``check`` split.
GEM phrases and every held-out set are never read. Seeds are fixed; the artifact is plain JSON
(assistant/suggest/data/ranker.json, see the README beside it).

    python -m evals.train_ranker [--out assistant/suggest/data/ranker.json] [--cache out/ranker-cache]
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import typer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss

from assistant.config import get_settings
from assistant.suggest.features import FEATURES, CodePrior
from assistant.suggest.ranker import DEFAULT_PATH, Ranker, export_trees
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import EngineConfig
from evals import metrics, runner
from evals.cli import open_backend

SEED = 13
CODIESP = "codiesp-en"
US_NOTES = "us-notes"


@dataclass
class Note:
    id: str
    group: str  # "codiesp" | "us-notes"
    part: str  # "train" | "dev"
    request: SuggestRequest
    gold: list[str]
    acceptable: list[str] = field(default_factory=list)


def _codiesp_part(row: dict[str, Any]) -> str | None:
    source = str(row.get("source", ""))
    if " train split" in source:
        return "train"
    if " dev split" in source:
        return "dev"
    return None


def load_notes(datasets: Path = runner.DATASETS_DIR) -> list[Note]:
    """CodiEsp-en train/dev (the ``source`` field names the split) and us-notes tune (train) / check (dev)."""
    notes: list[Note] = []
    fields = SuggestRequest.model_fields
    for name, group in ((CODIESP, "codiesp"), (US_NOTES, "us-notes")):
        ds = runner.load_dataset(datasets / name)
        parts: dict[str, str | None] = {}
        if group == "codiesp":
            for line in ds.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    parts[str(row["id"])] = _codiesp_part(row)
        for case in ds.cases:
            part = parts.get(case.id) if group == "codiesp" else ("train" if case.part == "tune" else "dev")
            if part is None:
                continue
            payload = runner.request_payload(
                case.text, ds.top_k, "full", runner.RequestContext.of(case, ds), fields
            )
            notes.append(
                Note(
                    case.id,
                    group,
                    part,
                    SuggestRequest.model_validate(payload),
                    list(case.gold),
                    list(case.acceptable or []),
                )
            )
    return notes


@dataclass
class Rows:
    x: np.ndarray
    y: np.ndarray  # 1 gold, 0 not, -1 acceptable (neutral: left out of training)
    note: np.ndarray  # index into the notes list
    group: np.ndarray  # "codiesp" | "us-notes"
    codes: np.ndarray  # the candidate code of each row
    mention: np.ndarray  # a running mention number (rows of one mention are consecutive)

    def subset(self, mask: np.ndarray) -> Rows:
        return Rows(
            self.x[mask],
            self.y[mask],
            self.note[mask],
            self.group[mask],
            self.codes[mask],
            self.mention[mask],
        )


def _id_key(note_id: str) -> tuple[str, int]:
    prefix, _, number = note_id.rpartition("-")
    return (prefix, int(number)) if number.isdigit() else (note_id, -1)


def id_filter(spec: str) -> Callable[[str], bool]:
    """``usn-1437..usn-1508,usn-0007``: note ids and inclusive ranges (one prefix, compared by number)."""
    singles: set[str] = set()
    ranges: list[tuple[tuple[str, int], tuple[str, int]]] = []
    for part in (p.strip() for p in spec.split(",")):
        if ".." in part:
            lo, hi = (_id_key(b.strip()) for b in part.split("..", 1))
            if lo[0] != hi[0] or lo[1] < 0 or hi[1] < 0:
                raise typer.BadParameter(f"not a range of numbered ids: {part}")
            ranges.append((lo, hi))
        elif part:
            singles.add(part)

    def chosen(note_id: str) -> bool:
        key = _id_key(note_id)
        return note_id in singles or any(lo <= key <= hi for lo, hi in ranges)

    return chosen


def label(code: str, note: Note) -> int:
    if any(metrics.code_matches(code, g) for g in note.gold):
        return 1
    if any(metrics.code_matches(code, g) for g in note.acceptable):
        return -1
    return 0


def collect(
    service: Any,
    notes: Sequence[Note],
    prior: CodePrior,
    log: Callable[[str], None],
    window: int | None = None,
) -> Rows:
    xs: list[np.ndarray] = []
    ys: list[int] = []
    idx: list[int] = []
    groups: list[str] = []
    all_codes: list[str] = []
    mentions: list[int] = []
    t0 = time.perf_counter()
    for i, note in enumerate(notes):
        for codes, x in service.candidate_features(note.request, prior, window):
            xs.append(x)
            ys.extend(label(c, note) for c in codes)
            idx.extend([i] * len(codes))
            groups.extend([note.group] * len(codes))
            all_codes.extend(codes)
            mentions.extend([len(xs)] * len(codes))
        if (i + 1) % 100 == 0:
            log(f"  features: {i + 1}/{len(notes)} notes ({time.perf_counter() - t0:.0f} s)")
    x_all = np.concatenate(xs) if xs else np.zeros((0, len(FEATURES)), np.float32)
    return Rows(
        x_all,
        np.asarray(ys),
        np.asarray(idx),
        np.asarray(groups),
        np.asarray(all_codes),
        np.asarray(mentions),
    )


PRIOR_COLUMNS = [FEATURES.index(name) for name in ("prior_code", "prior_category", "prior_seen")]


def leave_note_out_prior(rows: Rows, notes: Sequence[Note], prior: CodePrior) -> None:
    """Training rows get the prior of the other training notes: a note's own gold would otherwise mark its
    own right answers (the model would learn to trust the prior far more than it deserves on new notes)."""
    cache: dict[int, CodePrior] = {}
    for i, (note, code) in enumerate(zip(rows.note.tolist(), rows.codes.tolist(), strict=True)):
        if note not in cache:
            cache = {note: prior.without(notes[note].gold)}
        rows.x[i, PRIOR_COLUMNS] = cache[note].code(code)


def set_prior(rows: Rows, prior: CodePrior) -> None:
    """Dev rows get the training notes' prior (the rows are cached with the prior of every training note;
    notes held out of training must not reach the prior either)."""
    for i, code in enumerate(rows.codes.tolist()):
        rows.x[i, PRIOR_COLUMNS] = prior.code(code)


def sample_weights(rows: Rows, us_share: float) -> np.ndarray:
    """us-notes rows weighted so that they carry ``us_share`` of the total weight (0: natural counts)."""
    w = np.ones(len(rows.y))
    us = rows.group == "us-notes"
    if us_share > 0 and us.any() and (~us).any():
        w[us] = us_share / (1 - us_share) * (~us).sum() / us.sum()
    return w


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> Ranker:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    model = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    model.fit((x - mean) / scale, y, sample_weight=w)
    return Ranker(
        kind="logistic",
        threshold=0.5,
        high_threshold=0.8,
        mean=mean,
        scale=scale,
        coef=model.coef_[0],
        intercept=float(model.intercept_[0]),
    )


def fit_trees(x: np.ndarray, y: np.ndarray, w: np.ndarray, leaves: int, iters: int) -> Ranker:
    model = HistGradientBoostingClassifier(
        max_iter=iters,
        max_leaf_nodes=leaves,
        learning_rate=0.08,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=SEED,
    )
    model.fit(x, y, sample_weight=w)
    trees, baseline = export_trees(model)
    return Ranker(kind="trees", threshold=0.5, high_threshold=0.8, intercept=baseline, trees=trees)


def row_scores(ranker: Ranker, rows: Rows) -> dict[str, float]:
    """Dev-row quality per group: average precision, log loss and Brier score of the probabilities."""
    out: dict[str, float] = {}
    keep = rows.y >= 0
    p = ranker.predict(rows.x[keep])
    y = rows.y[keep]
    g = rows.group[keep]
    for group in ("codiesp", "us-notes"):
        m = g == group
        if m.any() and y[m].any():
            out[f"{group}_ap"] = round(float(average_precision_score(y[m], p[m])), 4)
            out[f"{group}_logloss"] = round(float(log_loss(y[m], np.clip(p[m], 1e-6, 1 - 1e-6))), 4)
            out[f"{group}_brier"] = round(float(brier_score_loss(y[m], p[m])), 4)
    out["mean_ap"] = round((out.get("codiesp_ap", 0.0) + out.get("us-notes_ap", 0.0)) / 2, 4)
    return out


def final_counts(finals: Sequence[tuple[str, float]], note: Note, threshold: float) -> tuple[int, int, int]:
    """TP / FP / FN of the final list at ``threshold``; acceptable codes count neither way."""
    chosen = [c for c, s in finals if s >= threshold]
    gold_left = list(dict.fromkeys(note.gold))
    tp = fp = 0
    for code in dict.fromkeys(chosen):
        hit = next((g for g in gold_left if metrics.code_matches(code, g)), None)
        if hit is not None:
            gold_left.remove(hit)
            tp += 1
        elif not any(metrics.code_matches(code, a) for a in note.acceptable):
            fp += 1
    return tp, fp, len(gold_left)


def simulated_finals(ranker: Ranker, rows: Rows, n_notes: int) -> list[list[tuple[str, float]]]:
    """Each dev note's final-list candidates as the engine forms them before its coding rules: every
    mention's best candidate by the ranker's probability (a code found by several mentions keeps its best)."""
    p = ranker.predict(rows.x)
    best: dict[int, tuple[float, int]] = {}
    for i, (m, pi) in enumerate(zip(rows.mention.tolist(), p.tolist(), strict=True)):
        if m not in best or pi > best[m][0]:
            best[m] = (pi, i)
    per_note: list[dict[str, float]] = [{} for _ in range(n_notes)]
    for pi, i in best.values():
        note, code = int(rows.note[i]), str(rows.codes[i])
        per_note[note][code] = max(pi, per_note[note].get(code, 0.0))
    return [sorted(d.items(), key=lambda kv: -kv[1]) for d in per_note]


def engine_finals(service: Any, ranker: Ranker, notes: Sequence[Note]) -> list[list[tuple[str, float]]]:
    """Each dev note's final list from the engine itself, the ranker in place with every threshold open."""
    ranker.threshold = 0.0
    service.ranker = ranker
    out = []
    for note in notes:
        resp = service.suggest(note.request)
        out.append([(s.code, s.score) for s in resp.suggestions if s.confidence != "low"])
    return out


def choose_thresholds(
    finals: Sequence[Sequence[tuple[str, float]]], notes: Sequence[Note]
) -> tuple[float, float, dict[str, Any]]:
    """Sweep the dev notes' final-list candidates and their probabilities: the final-list
    threshold maximizes the mean of the two dev splits' micro-F1; "high" starts where precision reaches
    0.85 on both."""
    grid = [round(t, 3) for t in np.arange(0.05, 0.951, 0.025)]
    table: dict[float, dict[str, tuple[float, float, float]]] = {}
    for t in grid:
        per: dict[str, tuple[float, float, float]] = {}
        for group in ("codiesp", "us-notes"):
            tp = fp = fn = 0
            for note, f in zip(notes, finals, strict=True):
                if note.group == group:
                    a, b, c = final_counts(f, note, t)
                    tp, fp, fn = tp + a, fp + b, fn + c
            per[group] = metrics.prf(tp, fp, fn)
        table[t] = per
    best = max(grid, key=lambda t: (sum(v[2] for v in table[t].values()) / 2, -t))
    high = next(
        (t for t in grid if t >= best and min(v[0] for v in table[t].values()) >= 0.85),
        max(best, 0.8),
    )
    sweep = {str(t): {g: [round(v, 4) for v in prf] for g, prf in per.items()} for t, per in table.items()}
    return best, high, sweep


def main(
    out: Path = typer.Option(DEFAULT_PATH, help="Where to write the artifact."),
    cache: Path = typer.Option(Path("out/ranker-cache"), help="Feature rows are cached here (.npz)."),
    fresh: bool = typer.Option(False, "--fresh", help="Recompute the cached feature rows."),
    codiesp_train_notes: int = typer.Option(
        300, min=1, help="CodiEsp train notes used (hash order; all 500 take twice the time)."
    ),
    end_to_end: bool = typer.Option(
        False, "--end-to-end", help="Choose the threshold on the engine's own final lists (slower)."
    ),
    rows_per_mention: int = typer.Option(
        EngineConfig().rank_window,
        min=1,
        help="Candidates per mention that become rows (EngineConfig.rank_window). 100 (as deep as the ranked "
        "tail scores) was tried on 2026-11-30 and not kept (evals/reports/pool-2026-11-30-b.md).",
    ),
    exclude_ids: str = typer.Option(
        "",
        help="Training notes left out (hands-out validation), e.g. usn-1437..usn-1508: ids and inclusive "
        "ranges. Their rows stay in the cache; they reach neither the model nor the prior.",
    ),
    us_shares: str = typer.Option(
        "0,0.3", help="The us-notes weight shares tried (0: natural counts), comma-separated."
    ),
) -> None:
    """Train, choose and write the learned reranker (reads the real index: ASSISTANT_INDEX_DIR)."""

    def log(msg: str) -> None:
        typer.echo(msg, err=True)

    notes = load_notes()
    train = [n for n in notes if n.part == "train" and n.group != "codiesp"]
    codiesp_train = [n for n in notes if n.part == "train" and n.group == "codiesp"]
    train += sorted(codiesp_train, key=lambda n: runner.sample_key(n.id))[:codiesp_train_notes]
    dev = [n for n in notes if n.part == "dev"]
    log(
        f"notes: train {len(train)} (CodiEsp train, us-notes tune), "
        f"dev {len(dev)} (CodiEsp dev, us-notes check)"
    )
    held = id_filter(exclude_ids)
    kept_notes = np.array([not held(n.id) for n in train], dtype=bool)
    if not kept_notes.all():
        log(f"left out of training: {int((~kept_notes).sum())} notes ({exclude_ids})")
    service, _ = open_backend(get_settings())
    service.ranker = None
    cache.mkdir(parents=True, exist_ok=True)
    sets: dict[str, Rows] = {}
    for name, part in (("train", train), ("dev", dev)):
        path = cache / f"{name}-{rows_per_mention}.npz"
        if path.exists() and not fresh:
            z = np.load(path)
            sets[name] = Rows(z["x"], z["y"], z["note"], z["group"], z["codes"], z["mention"])
        else:
            every = CodePrior.from_gold([n.gold for n in train])  # the cache serves any --exclude-ids
            sets[name] = collect(service, part, every, log, rows_per_mention)
            got = sets[name]
            np.savez_compressed(
                path, x=got.x, y=got.y, note=got.note, group=got.group, codes=got.codes, mention=got.mention
            )
        log(f"{name}: {len(sets[name].y)} rows, {int((sets[name].y == 1).sum())} positive")
    prior = CodePrior.from_gold([n.gold for n, k in zip(train, kept_notes, strict=True) if k])
    tr = sets["train"].subset(kept_notes[sets["train"].note])
    leave_note_out_prior(tr, train, prior)
    set_prior(sets["dev"], prior)
    keep = tr.y >= 0
    x, y = tr.x[keep], tr.y[keep]
    trials: list[tuple[dict[str, float], str, Ranker]] = []
    for share in (float(v) for v in us_shares.split(",")):
        w = sample_weights(tr, share)[keep]
        for c in (0.1,):
            r = fit_logistic(x, y, w, c)
            trials.append((row_scores(r, sets["dev"]), f"logistic C={c} us_share={share}", r))
            log(f"  {trials[-1][1]}: {trials[-1][0]}")
        for leaves, iters in ((15, 150), (31, 300)) if share == 0 else ((15, 150),):
            r = fit_trees(x, y, w, leaves, iters)
            trials.append(
                (row_scores(r, sets["dev"]), f"trees leaves={leaves} iters={iters} us_share={share}", r)
            )
            log(f"  {trials[-1][1]}: {trials[-1][0]}")
    scores, name, ranker = max(trials, key=lambda t: t[0]["mean_ap"])
    log(f"chosen on the dev splits (mean average precision): {name}")
    ranker.prior = prior
    finals = (
        engine_finals(service, ranker, dev) if end_to_end else simulated_finals(ranker, sets["dev"], len(dev))
    )
    threshold, high, sweep = choose_thresholds(finals, dev)
    ranker.threshold, ranker.high_threshold = threshold, high
    best = sweep[str(threshold)]
    log(f"final-list threshold {threshold} (dev P/R/F1 {best}), high from {high}")
    ranker.info = {
        "model": name,
        "trained_on": "CodiEsp-en train split + us-notes tune split (labels: gold codes, prefix rule; "
        "us-notes acceptable codes left out)",
        "chosen_on": "CodiEsp-en dev split + us-notes check split",
        "train_rows": int(keep.sum()),
        "dev_rows": int((sets["dev"].y >= 0).sum()),
        "dev_row_scores": scores,
        "trials": {t[1]: t[0] for t in trials},
        "threshold_rule": "maximizes the mean of the two dev splits' micro-F1 of the final list "
        + (
            "(the engine's own lists)"
            if end_to_end
            else "(each mention's best candidate, before coding rules)"
        ),
        "codiesp_train_notes": min(codiesp_train_notes, len(codiesp_train)),
        "us_notes_train_notes": int(
            sum(k for n, k in zip(train, kept_notes, strict=True) if n.group != "codiesp")
        ),
        **({"excluded_ids": exclude_ids} if exclude_ids else {}),
        "rows_per_mention": rows_per_mention,
        "dev_final_prf_at_threshold": best,
        "seed": SEED,
        "sklearn": sklearn.__version__,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    ranker.save(out)
    log(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    typer.run(main)
