"""A post COVID-19 condition (U09.9, ICD-10-CM I.C.1.g.1.m) follows an infection that is over: the COVID-19
the note tells ("COVID-19 in 7/2026, home test positive") is that past infection, not a current one (U07.1),
unless the note says the patient is infected again (U09.9's note: the exception of a re-infection)."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

POST_COVID = "U09.9"
CURRENT_COVID = "U07.1"
_REINFECTION = re.compile(r"\bre-?infect\w*|\b(?:positive|tested\s+positive)\s+again\b", re.IGNORECASE)


def past_infection_of_post_covid(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    post, current = picks.get(POST_COVID), picks.get(CURRENT_COVID)
    if post is None or current is None or not post.final or not current.final:
        return
    if _REINFECTION.search(ctx.note):
        return
    demote(current, f"{POST_COVID} follows a past COVID-19; no re-infection is told (I.C.1.g.1.m)")
