"""One overdose, named once by its drug and once by its class ("accidental fentanyl overdose ... respiratory
failure 2/2 opioid OD"): the named drug's poisoning code is the event (Table of Drugs: fentanyl T40.41-); the
class word's code ("Opioid NEC" T40.2X-) is no second poisoning."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# A class word as a note says it, with what may stand beside it ("opioid OD", "narcotic overdose").
_CLASS_ONLY = re.compile(
    r"^(?:an?\s+|the\s+)?(?:opioids?|opiates?|narcotics?|drugs?|medications?|pills?)"
    r"(?:\s+(?:od|o/d|overdose|poisoning|ingestion|intoxication|toxicity))?\W*$",
    re.IGNORECASE,
)
_POISONING = re.compile(r"^T(?:3[6-9]|4\d|50)\.\w{2}[1-4]")


def class_word_poisoning(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    poisonings = [p for p in picks.values() if p.final and _POISONING.match(p.code)]
    for pick in poisonings:
        same_block = [q for q in poisonings if q is not pick and q.code[:3] == pick.code[:3]]
        if same_block and pick.mentions and all(_CLASS_ONLY.match(m.text.strip()) for m in pick.mentions):
            named = same_block[0].code
            demote(
                pick, f"the same overdose is coded by its named drug ({named}); the class word is no second"
            )
