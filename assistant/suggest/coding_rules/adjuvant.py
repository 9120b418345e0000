"""A cancer still treated is current (ICD-10-CM I.C.2.d): the personal history code (Z85) is for a malignancy
excised or eradicated with no further treatment directed to its site. A patient still taking hormonal
therapy aimed at it ("history of left breast cancer, on anastrozole") has the cancer coded as current, by its
side, beside the long-term drug code; the history code is not used. A therapy the note says was completed
never reaches here: its Z79 code is not added (partners).
"""

from __future__ import annotations

from assistant.suggest import rules
from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# Long-term hormonal antineoplastic drugs -> (history code, primary category) of the sites they treat.
_TREATS: dict[str, tuple[tuple[str, str], ...]] = {
    "Z79.810": (("Z85.3", "C50"),),  # selective estrogen receptor modulators
    "Z79.811": (("Z85.3", "C50"),),  # aromatase inhibitors
    "Z79.818": (("Z85.3", "C50"), ("Z85.46", "C61")),  # other agents on estrogen receptors and levels
}


def _primary(picks: dict[str, Pick], history: Pick, category: str, ctx: NoteContext) -> str | None:
    """The site's primary code: the best candidate already in the picks, or the engine's own search."""
    known = [p for p in picks.values() if p.code.startswith(category) and not p.vetoed]
    if known:
        return max(known, key=lambda p: (p.final, p.score)).code
    if ctx.search is None:
        return None
    words = " ".join(m.text for m in history.mentions)
    found = ctx.search(f"malignant neoplasm {words}", (category,))
    return found[0][0] if found else None


def cancer_under_hormonal_therapy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    drugs = [p for p in picks.values() if p.final and p.code in _TREATS]
    for drug in drugs:
        for history_code, category in _TREATS[drug.code]:
            history = picks.get(history_code)
            if history is None:
                continue
            if not history.final:
                if any(p.final and p.code.startswith(category) and not p.vetoed for p in picks.values()):
                    # the site's cancer is coded as current: no pairing may bring its history back
                    demote(history, f"I.C.2.d: not history while treatment of the site goes on ({drug.code})")
                continue
            primary = _primary(picks, history, category, ctx)
            if primary is None:
                continue
            sides = set().union(*(m.laterality for m in history.mentions))
            primary, _ = rules.laterality_variant(catalog, primary, sides)
            reason = (
                f"I.C.2.d: still treated ({catalog.title(drug.code).lower()}), so the cancer is current, "
                "not history"
            )
            if add_pick(picks, catalog, primary, history.score, history.mentions, reason) is None:
                continue
            demote(history, f"I.C.2.d: not history while treatment of the site goes on ({drug.code})")
