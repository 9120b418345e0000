"""The per-change attribution of the suggestion engine: what each step gained on the dev splits.

``evals/reports/attribution.json`` lists the engine's steps in order, each with the figures measured
right after it (us-notes check split, CodiEsp-en dev split, GEM phrases); this module checks that file,
writes its Markdown table and plots it (matplotlib, Agg backend):

    python -m evals.attribution evals/reports/attribution.json --out evals/reports/attribution
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import BaseModel, Field

# (panel title, [(series key, label)]) — the three sets the "Done means" names.
PANELS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "us-notes check split",
        (("us_recall", "required recall"), ("us_precision", "precision")),
    ),
    ("CodiEsp-en dev split", (("codiesp_map", "MAP"), ("codiesp_r30", "R@30"), ("codiesp_f1", "micro-F1"))),
    ("GEM phrases", (("gem_r10", "R@10"), ("gem_mrr", "MRR"))),
)


class Step(BaseModel):
    """One change and the figures measured after it (None: not measured at that step)."""

    change: str
    date: str
    us_recall: float | None = Field(None, ge=0, le=1)
    us_precision: float | None = Field(None, ge=0, le=1)
    us_dangerous: int | None = Field(None, ge=0)
    codiesp_map: float | None = Field(None, ge=0, le=1)
    codiesp_r30: float | None = Field(None, ge=0, le=1)
    codiesp_f1: float | None = Field(None, ge=0, le=1)
    gem_r10: float | None = Field(None, ge=0, le=1)
    gem_mrr: float | None = Field(None, ge=0, le=1)


class Attribution(BaseModel):
    source: str
    steps: list[Step]


def load(path: Path) -> Attribution:
    return Attribution.model_validate_json(path.read_text(encoding="utf-8"))


def _cell(value: float | int | None) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def markdown(doc: Attribution) -> str:
    """The attribution table: one row a step, the change in each figure from the step before in brackets."""
    keys = ["us_recall", "us_precision", "us_dangerous", "codiesp_map", "codiesp_r30", "codiesp_f1"]
    keys += ["gem_r10", "gem_mrr"]
    head = "| step | date | us recall | us precision | us dangerous | CodiEsp MAP | R@30 | micro-F1 "
    head += "| GEM R@10 | GEM MRR |"
    lines = [head, "|" + "---|" * (len(keys) + 2)]
    before: dict[str, float | int] = {}
    for step in doc.steps:
        cells = []
        for key in keys:
            value = getattr(step, key)
            text = _cell(value)
            if value is not None and key in before:
                delta = value - before[key]
                text += f" ({delta:+d})" if isinstance(value, int) else f" ({delta:+.3f})"
            if value is not None:
                before[key] = value
            cells.append(text)
        lines.append(f"| {step.change} | {step.date} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(doc: Attribution, path: Path) -> None:
    """One panel a set, one line a figure, the steps along the x axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(PANELS), figsize=(5 * len(PANELS), 4.5), sharey=True)
    xs = list(range(1, len(doc.steps) + 1))
    for ax, (title, series) in zip(axes, PANELS, strict=True):
        for key, label in series:
            points = [
                (x, getattr(s, key))
                for x, s in zip(xs, doc.steps, strict=True)
                if getattr(s, key) is not None
            ]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label)
        ax.set_title(title)
        ax.set_xticks(xs)
        ax.set_xlabel("step (see the table)")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path, help="the attribution JSON")
    parser.add_argument("--out", type=Path, required=True, help="output stem: writes STEM.md and STEM.png")
    args = parser.parse_args(argv)
    doc = load(args.source)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    numbered = "\n".join(f"{i}. {s.change}" for i, s in enumerate(doc.steps, 1))
    args.out.with_suffix(".md").write_text(
        f"# Per-change attribution\n\nSource: {doc.source}\n\nSteps (the plot's x axis):\n\n{numbered}\n\n"
        + markdown(doc)
        + f"\n![attribution]({args.out.with_suffix('.png').name})\n",
        encoding="utf-8",
    )
    plot(doc, args.out.with_suffix(".png"))
    print(f"wrote {args.out.with_suffix('.md')} and {args.out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
