"""A fracture from a minor fall in a patient with osteoporosis is the osteoporosis' pathological fracture
(ICD-10-CM I.C.13.d.1: "a code from category M80, not a traumatic fracture code, should be used for any
patient with known osteoporosis who suffers a fracture, even if the patient had a minor fall or trauma"):
M80.- of the fracture's site, side and encounter replaces the traumatic code and M81.-; the fall's external
cause code stays."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.rules import side_of
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# (traumatic fracture stems, M80's site character): chapter 13's shoulder 1, humerus 2, forearm 3, hand 4,
# femur 5, lower leg 6, ankle and foot 7, pelvis B; the vertebrae (8) are osteoporotic_vertebra's.
_SITES = (
    (("S42.0", "S42.1", "S42.2"), "1"),
    (("S42.3", "S42.4"), "2"),
    (("S52",), "3"),
    (("S62",), "4"),
    (("S72",), "5"),
    (("S82.5", "S82.6", "S82.84", "S82.85", "S82.86", "S82.87", "S92"), "7"),
    (("S82",), "6"),
    (("S32.1", "S32.2", "S32.3", "S32.4", "S32.5", "S32.6", "S32.8"), "B"),
)
# Falls that would not break a healthy bone: on the same level, from a bed, chair or wheelchair, unspecified.
MINOR_FALLS = ("W00", "W01", "W03", "W04", "W05", "W06", "W07", "W08", "W18", "W19")
# The traumatic fracture's 7th character -> M80's (open or closed is not M80's axis).
_ENCOUNTER = dict(zip("ABCDEFGHJKMNPQRS", "AAADDDGGGKKKPPPS", strict=True))
OSTEOPOROSIS_WITHOUT = "M81"


def fragility_fracture(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    osteo = [p for c, p in picks.items() if p.final and c.startswith(OSTEOPOROSIS_WITHOUT)]
    if not osteo or not any(p.final and c.startswith(MINOR_FALLS) for c, p in picks.items()):
        return
    kind = "M80.8" if any(p.code.startswith("M81.8") for p in osteo) else "M80.0"
    for code, pick in list(picks.items()):
        leaf = _m80_leaf(catalog, kind, code) if pick.final and code.startswith("S") else None
        if leaf is None:
            continue
        why = f"{leaf}: a fracture from a minor fall in osteoporosis is pathological (I.C.13.d.1)"
        if add_pick(picks, catalog, leaf, pick.score, pick.mentions, why) is None:
            continue
        demote(pick, f"coded {leaf}: the fracture of a minor fall in osteoporosis (I.C.13.d.1)")
        for p in osteo:
            demote(p, f"coded {leaf}: osteoporosis with its current fracture (I.C.13.d.1)")


def _m80_leaf(catalog: CodeCatalog, kind: str, fracture: str) -> str | None:
    site = next((s for stems, s in _SITES if fracture.startswith(stems)), None)
    encounter = _ENCOUNTER.get(fracture[-1]) if len(fracture.replace(".", "")) == 7 else None
    if site is None or encounter is None:
        return None
    side = side_of(catalog.title(fracture))
    for leaf in catalog.leaves_under(kind + site):
        if leaf.endswith(encounter) and side_of(catalog.title(leaf)) == side:
            return leaf
    return None
