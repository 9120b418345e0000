"""A food allergy the note keeps as a problem ("Tree nut allergy (cashew) - strict avoidance, EpiPen renewed",
"Allergy to shellfish") is the patient's allergy status (Z91.01-: Index, Allergy, food, status), not an
anaphylactic or other reaction now (T78.0-, T78.1): those are for the reaction the visit treats. The food
names the Z91.01- code; the reaction the sentence tells as happening now keeps the T78 code.
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# The Z91.01- code of each food (the titles' words; a food not listed is "other foods", Z91.018).
FOODS: tuple[tuple[str, str], ...] = (
    ("Z91.010", r"peanuts?"),
    ("Z91.0110", r"milk|dairy|cow'?s\s+milk|casein"),
    ("Z91.0120", r"eggs?"),
    ("Z91.013", r"shellfish|shrimp|crab|lobster|seafood|fish"),
    ("Z91.014", r"alpha-?gal|beef|pork|lamb|red\s+meat|mammalian\s+meats?"),
    (
        "Z91.018",
        r"tree\s+nuts?|nuts?|cashews?|almonds?|walnuts?|pecans?|pistachios?|hazelnuts?|sesame|wheat|soy|"
        r"strawberr(?:y|ies)|kiwi|food",
    ),
)
_FOOD = "|".join(f"(?:{words})" for _, words in FOODS)
_ALLERGY = re.compile(
    rf"\b(?P<food>{_FOOD})\s+allerg(?:y|ies)\b|\ballerg(?:y|ic)\s+to\s+(?:[\w-]+\s+){{0,2}}?(?P<food2>{_FOOD})\b",
    re.IGNORECASE,
)
# The reaction happening at this visit: the T78 code stays.
_REACTION_NOW = re.compile(
    r"\b(?:today|tonight|this\s+(?:morning|evening|afternoon)|now|presents?|presented|ate|eating|ingest\w*|"
    r"after\s+(?:eating|ingesting)|hives|swelling|wheez\w*|epinephrine\s+(?:given|administered)|"
    r"(?:im|given)\s+epinephrine|acute)\b",
    re.IGNORECASE,
)
_DENIED = re.compile(r"\b(?:no|nkfa|denies|without)\s+(?:known\s+)?(?:food\s+)?$", re.IGNORECASE)
# "Asked about egg allergy - none", "peanut allergy: negative", "milk allergy, outgrown"
_DENIED_AFTER = re.compile(
    r"\s*[-:,(]?\s*(?:none|no|negative|denie[sd]|resolved|outgrown|ruled\s+out)\b", re.IGNORECASE
)
_RELATIVE = re.compile(
    r"\b(?:mother|mom|father|dad|son|daughter|sister|brother|sibling|child|kids?|family|fhx|fh)\b",
    re.IGNORECASE,
)
_REACTIONS = ("T78.0", "T78.1")
STATUS = "a food allergy kept as a problem is its status (Index: Allergy, food, status), not a reaction now"


def _code_of(food: str) -> str:
    return next(code for code, words in FOODS if re.fullmatch(words, food, re.IGNORECASE))


def food_allergy_status(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if ctx.phrase:
        return
    for m in _ALLERGY.finditer(ctx.note):
        said = ctx.mention(m.start(), m.end())
        before = ctx.note[said.sentence_start : m.start()]
        denied = _DENIED.search(before) or _DENIED_AFTER.match(ctx.note, m.end())
        if _REACTION_NOW.search(ctx.sentence(said)) or denied or _RELATIVE.search(before):
            continue
        code = _code_of(m.group("food") or m.group("food2"))
        if add_pick(picks, catalog, code, best_score(picks) * 0.85, [said], STATUS) is None:
            continue
        for reaction in [p for c, p in picks.items() if p.final and c.startswith(_REACTIONS)]:
            if all(said.sentence_start <= x.start < said.sentence_end for x in reaction.mentions):
                demote(reaction, f"{STATUS}: {code}")
