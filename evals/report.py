"""report.md with PNG plots (matplotlib, Agg backend) for one evaluation run."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals import metrics
from evals.runner import Dataset, RunResult

HEADLINE = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10", "category@1", "micro_f1", "macro_f1")
NOTE_EXTRA = ("map", "r_precision", "p@5")
DANGER = ("header_codes", "excludes1_pairs", "negated_coded")
CODER = ("required_recall", "final_precision", "dangerous")
CODER_DETAIL = (*CODER, "dangerous_forbidden", "dangerous_pregnancy", "dangerous_sex", "dangerous_cases")


def fmt(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def metric_columns(kind: str, annotated: bool = False) -> tuple[str, ...]:
    cols = HEADLINE + (NOTE_EXTRA if kind == "note" else ())
    return (*cols, "top1_near_miss", "over_coding", *DANGER, *(CODER if annotated else ()), "latency_mean_s")


def coder_lines(results: Sequence[RunResult]) -> list[str]:
    """Markdown tables of the coder metrics: per part (with the dangerous kinds), then per group."""
    lines = ["### Coder metrics (final list: required recall, precision on gold+acceptable, dangerous)", ""]
    lines.append("| system | part | n | " + " | ".join(CODER_DETAIL) + " |")
    lines.append("|" + "---|" * (len(CODER_DETAIL) + 3))
    for r in results:
        for part, m in r.parts.items():
            cells = " | ".join(fmt(m.get(c)) for c in CODER_DETAIL)
            lines.append(f"| {r.system} | {part} | {m.get('n', 0)} | {cells} |")
    lines.append("")
    for group in dict.fromkeys(g for r in results for g in r.groups):
        lines += [f"#### By {group}", "", f"| system | {group} | n | " + " | ".join(CODER) + " |"]
        lines.append("|" + "---|" * (len(CODER) + 3))
        for r in results:
            for name, m in r.groups.get(group, {}).items():
                cells = " | ".join(fmt(m.get(c)) for c in CODER)
                lines.append(f"| {r.system} | {name} | {m.get('n', 0)} | {cells} |")
        lines.append("")
    return lines


def _plot_recall(results: Sequence[RunResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for r in results:
        curve: Any = r.parts.get("all", next(iter(r.parts.values()))).get("recall_curve", [])
        if curve:
            ax.plot(range(1, len(curve) + 1), curve, marker=".", label=r.system)
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1)
    ax.set_title(f"{results[0].dataset}: recall@k")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _plot_chapters(results: Sequence[RunResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    chapters = sorted({c for r in results for c in r.chapters})
    fig, ax = plt.subplots(figsize=(8, max(3, 0.35 * len(chapters) * max(1, len(results)) / 2)))
    height = 0.8 / max(1, len(results))
    y = np.arange(len(chapters))
    for i, r in enumerate(results):
        vals = [r.chapters.get(c, {}).get("recall", 0.0) for c in chapters]
        ax.barh(y + i * height, vals, height=height, label=r.system)
    ax.set_yticks(y + 0.4 - height / 2)
    ax.set_yticklabels(chapters, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("gold-level recall@10")
    ax.set_title(f"{results[0].dataset}: recall@10 by ICD-10-CM chapter")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _plot_latency(results: Sequence[RunResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    by_system: dict[str, list[float]] = {}
    for r in results:
        by_system.setdefault(r.system, []).extend(max(o.latency_s, 1e-6) for o in r.outcomes)
    fig, ax = plt.subplots(figsize=(6, 4))
    values = [v for vs in by_system.values() for v in vs]
    if values:
        bins: Any = np.logspace(np.log10(min(values)), np.log10(max(values)) + 1e-9, 30)
        for name, vs in by_system.items():
            ax.hist(vs, bins=bins, alpha=0.5, label=name)
        ax.set_xscale("log")
    ax.set_xlabel("seconds per case (amortised over a suggest_many batch)")
    ax.set_ylabel("cases")
    ax.set_title("Latency per case")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def failure_examples(result: RunResult, n_chapters: int = 5, n_examples: int = 3) -> list[dict[str, Any]]:
    """Worst chapters (at least 5 gold units) with example misses at rank 10."""
    chapters = [(c, v) for c, v in result.chapters.items() if v["n"] >= 5]
    chapters.sort(key=lambda cv: cv[1]["recall"])
    out = []
    for chap, stats in chapters[:n_chapters]:
        examples = []
        for o in result.outcomes:
            for code, hit in metrics.gold_units(o, result.gold_rule, 10):
                if not hit and metrics.chapter(code) == chap:
                    examples.append(
                        {
                            "id": o.case_id,
                            "text": o.text[:140].replace("\n", " ").replace("|", "/"),
                            "gold": code,
                            "top3": [f"{c} {result.titles.get(c, '')[:40]}".strip() for c in o.ranked[:3]],
                        }
                    )
                    break
            if len(examples) >= n_examples:
                break
        out.append({"chapter": chap, "n": stats["n"], "recall": stats["recall"], "examples": examples})
    return out


def write_report(
    results: Sequence[RunResult],
    datasets: Sequence[Dataset],
    out_dir: Path,
    context: dict[str, Any],
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# Evaluation report", ""]
    for key, value in context.items():
        lines.append(f"- **{key}**: {value}")
    lines.append("")

    for ds in datasets:
        ds_results = [r for r in results if r.dataset == ds.name]
        if not ds_results:
            continue
        lines += [f"## {ds.name}", ""]
        if ds.smoke:
            lines += ["> **SMOKE SET** (hand-written, not a benchmark).", ""]
        lines += [f"- Independence from the index: {ds.independence or 'not stated'}"]
        lines += [f"- Gold rule: `{ds.gold_rule}`; kind: {ds.kind}; ranking depth top_k={ds.top_k}", ""]
        annotated = any(r.groups for r in ds_results)
        cols = metric_columns(ds.kind, annotated)
        lines.append("| system | part | n | " + " | ".join(cols) + " |")
        lines.append("|" + "---|" * (len(cols) + 3))
        for r in ds_results:
            for part, m in r.parts.items():
                lines.append(
                    f"| {r.system} | {part} | {m.get('n', 0)} | "
                    + " | ".join(fmt(m.get(c)) for c in cols)
                    + " |"
                )
        lines.append("")
        recall_png = f"recall_at_k-{_slug(ds.name)}.png"
        chapters_png = f"chapters-{_slug(ds.name)}.png"
        _plot_recall(ds_results, out_dir / recall_png)
        _plot_chapters(ds_results, out_dir / chapters_png)
        lines += [f"![recall@k]({recall_png})", "", f"![chapters]({chapters_png})", ""]
        if annotated:
            lines += coder_lines(ds_results)

        lines += ["### Recall@10 by gold-code frequency in this set", ""]
        buckets = sorted(
            {b for r in ds_results for b in r.frequency}, key=lambda b: int(b.split("-")[0].rstrip("+"))
        )
        lines.append("| system | " + " | ".join(f"freq {b}" for b in buckets) + " |")
        lines.append("|" + "---|" * (len(buckets) + 1))
        for r in ds_results:
            cells = [
                f"{r.frequency[b]['recall']:.3f} (n={r.frequency[b]['n']})" if b in r.frequency else "-"
                for b in buckets
            ]
            lines.append(f"| {r.system} | " + " | ".join(cells) + " |")
        lines.append("")

        main = next((r for r in ds_results if r.system == "full"), ds_results[0])
        lines += [f"### Where `{main.system}` fails most (worst chapters, recall@10)", ""]
        for item in failure_examples(main):
            lines.append(
                f"- **{item['chapter']}**: recall@10 {item['recall']:.3f} over {item['n']} gold codes"
            )
            for ex in item["examples"]:
                lines.append(
                    f'  - `{ex["id"]}` gold {ex["gold"]}: "{ex["text"]}" → top-3: {", ".join(ex["top3"])}'
                )
        lines.append("")

    latency_png = "latency.png"
    _plot_latency(results, out_dir / latency_png)
    lines += ["## Latency", "", f"![latency]({latency_png})", ""]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
