"""Two stated conditions the Alphabetic Index codes as one: "Lumbago, with sciatica M54.4-". A note that
states both in one sentence ("low back pain with R sciatica") takes the combination in place of the two
(guideline I.A.15 "with", I.B.9 combination codes). Written as one phrase ("low back pain with left
sciatica"), the second condition is the Index's own reading of the same mention (Sciatica -> M54.32), a
candidate the first condition's code outranked: it counts as stated.
"""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import INDEX_REASON, Pick

# (first condition's codes, second condition's codes, the combination's stem): the combination takes the
# second code's last character, its side (M54.31 right sciatica -> M54.41).
PAIRS: tuple[tuple[str, str, str], ...] = (
    ("M54.5", "M54.3", "M54.4"),
    ("N20.0", "N20.1", "N20.2"),  # Calculus, kidney, with calculus, ureter N20.2
)


def _one_sentence(a: Pick, b: Pick) -> bool:
    return any(x.sentence_start == y.sentence_start for x in a.mentions for y in b.mentions)


def _stated(b: Pick, a: Pick) -> bool:
    """Final, or the Index's reading of one of ``a``'s own mentions."""
    if b.final:
        return True
    indexed = any(r.startswith(INDEX_REASON) for r in b.reasons)
    return indexed and not b.vetoed and any(m in a.mentions for m in b.mentions)


def index_pairs(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for first, second, stem in PAIRS:
        for a in [p for p in picks.values() if p.final and p.code.startswith(first)]:
            for b in [p for p in picks.values() if p.code.startswith(second) and _stated(p, a)]:
                code = stem + b.code[len(stem) :]
                if not _one_sentence(a, b) or code not in catalog or not catalog.billable(code):
                    continue
                why = f"{catalog.title(a.code)} with {catalog.title(b.code)}: one Index code (I.A.15)"
                if (
                    add_pick(picks, catalog, code, max(a.score, b.score), a.mentions + b.mentions, why)
                    is None
                ):
                    continue
                demote(a, f"coded with {code}, the Index's combination (I.A.15)")
                demote(b, f"coded with {code}, the Index's combination (I.A.15)")
