"""The last check on a final code's sibling: its problem line decides, never the opposite sibling.

A problem-list or assessment line often states its qualifiers in chunks the reader searches apart from the
condition ("# CLL, B-cell - ... now in remission", "MDD, recurrent, mod", "Primary OA of both knees",
"Gestational diabetes, diet controlled"), so the condition's own candidates never saw them. Once the final
list is chosen, each final code whose first mention heads such a line is read against the whole line:

- its title contradicts the line (in relapse where the line says in remission, one knee where it says both,
  the other side, "with" where it says "without"): the code is replaced by the sibling in its category
  that contradicts nothing (the one sharing most of its title), or it stops being final when none does;
- its title is "unspecified" and a sibling agrees with more of the line's qualifiers (severity, control,
  side...) without contradicting any: that sibling, the code the line documents.

A final code read from the narrative or a coding rule is checked the same way against its clause (its
words up to the next final code of another category) for contradictions; one read in the assessment is
also completed. It runs before consolidation and again after the coding rules and the first-listed code.

Siblings come from the code set's own hierarchy (parent first, then the category); the axes are those of
qualifiers.py plus the side (right / left / bilateral / unilateral) read from the titles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.suggest import qualifiers, rules, sibling_choice
from assistant.suggest.reader import ASSESSMENT_SECTIONS, Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations, tokens
from assistant.suggest.types import Pick

MAX_FAMILY = 300  # leaves looked at per level (a category larger than this is not a sibling set)
DISPLACED = 0.99
# Words a completing sibling's title may add that the line does not say ("primary" in "Unilateral primary
# osteoarthritis, left knee" for "left knee osteoarthritis"); two ("idiopathic gout, left shoulder" for a
# left foot) is another condition or site.
MAX_UNNAMED = 1
_STAGE_RANGE = re.compile(r"\bstage\s+\d[ab]?\s+through\s+stage\b", re.IGNORECASE)
_MOD = re.compile(r"\bmod\b\.?", re.IGNORECASE)  # "mod" is a severity only inside a diagnosis line
_SIDES = {
    "right": re.compile(r"\b(?:right|rt)\b", re.IGNORECASE),
    "left": re.compile(r"\b(?:left|lt)\b", re.IGNORECASE),
    "bilateral": re.compile(r"\b(?:bilateral|bilaterally|both)\b", re.IGNORECASE),
}
# A title's words that name an axis value, not the condition (compared apart from the rest of the title).
_AXIS_WORDS = frozenset(
    tokens(
        "right left bilateral unilateral unspecified other with without in remission relapse not having "
        "achieved mild moderate severe recurrent single episode stage acute chronic controlled site region "
        "type part specified elsewhere classified",
        keep_stopwords=True,
    )
)


@dataclass(frozen=True)
class LineSays:
    """What a problem line asserts: the qualifiers of qualifiers.py and the side."""

    qualifiers: qualifiers.Qualifiers
    side: str | None  # right | left | bilateral | None (none, or more than one side named)
    words: frozenset[str] = frozenset()  # the line's word roots (sibling_choice.root)


def read_line(text: str) -> LineSays:
    said = _MOD.sub("moderate", expand_abbreviations(text))
    sides = {s for s, rx in _SIDES.items() if rx.search(said)}
    side = "bilateral" if "bilateral" in sides else sides.pop() if len(sides) == 1 else None
    return LineSays(qualifiers.read_qualifiers(said), side, frozenset(_roots(set(tokens(said)))))


def _roots(words: set[str]) -> set[str]:
    return {sibling_choice.root(w) for w in words}


def title_side(title: str) -> str | None:
    low = title.lower()
    if "bilateral" in low:
        return "bilateral"
    side = rules.side_of(title)
    if side in ("right", "left"):
        return side
    return "unilateral" if "unilateral" in low else side


def judge(line: LineSays, title: str) -> tuple[list[str], list[str]]:
    """(conflicts, agreements) of a code title with its problem line."""
    conflicts, agree = qualifiers.compare(line.qualifiers, qualifiers.title_qualifiers(title))
    if _STAGE_RANGE.search(title):  # "stage 1 through stage 4" names a range, not one stage
        conflicts = [c for c in conflicts if "stage" not in c]
    said, has = line.side, title_side(title)
    if said and has and has != "unspecified":
        opposite = {
            "bilateral": {"right", "left", "unilateral"},
            "right": {"left", "bilateral"},
            "left": {"right", "bilateral"},
        }[said]
        if has in opposite:
            conflicts.append(f"title says {has}, the line {said}")
        elif has == said:
            agree.append(f"side {said}")
    return conflicts, agree


def _residual(title: str) -> bool:
    return "unspecified" in title.lower()


def _words(title: str) -> set[str]:
    return {w for w in tokens(title) if w not in _AXIS_WORDS}


def _levels(catalog: CodeCatalog, code: str) -> list[list[str]]:
    """Sibling leaves of ``code``: under its parent, then under each ancestor up to the category."""
    out: list[list[str]] = []
    for ancestor in catalog.ancestors(code):
        leaves = [c for c in catalog.leaves_under(ancestor)[: MAX_FAMILY + 1] if c != code]
        if len(leaves) > MAX_FAMILY:
            break
        out.append(leaves)
        if len(ancestor.replace(".", "")) <= 3:
            break
    return out


def _sibling(
    catalog: CodeCatalog,
    code: str,
    line: LineSays,
    more_than: int,
    allowed: Callable[[str], bool],
    coded: set[str],
) -> tuple[str, list[str]] | None:
    """The sibling that contradicts nothing on the line and agrees with it more than ``more_than`` times:
    the most agreements, then one already coded (``coded``: the note's own code for it), then the most
    title words shared with ``code``, then an "unspecified" one."""
    own = _words(catalog.title(code))
    for leaves in _levels(catalog, code):
        best: tuple[tuple[int, bool, bool, float, bool], str, list[str]] | None = None
        for leaf in leaves:
            title = catalog.title(leaf)
            conflicts, agree = judge(line, title)
            if conflicts or len(agree) <= more_than or not allowed(leaf):
                continue
            words = _words(title)
            unnamed = len(_roots(words - own) - line.words)
            named = unnamed == 0
            if more_than >= 0 and unnamed > MAX_UNNAMED:
                continue  # completing a code needs the words its sibling adds (a site) on the line
            overlap = len(own & words) / max(len(own | words), 1)
            key = (len(agree), named, leaf in coded, overlap, _residual(title))
            if best is None or key > best[0]:
                best = (key, leaf, agree)
        if best is not None:
            return best[1], best[2]
    return None


def _line_of(note: str, m: Mention) -> str:
    end = note.find("\n", m.start)
    return note[m.start : end if end >= 0 else len(note)]


def _clause_of(note: str, m: Mention, other_heads: list[int]) -> str:
    """A narrative mention's words up to the end of its sentence or the next final code's mention."""
    end = m.sentence_end if m.sentence_end > m.start else len(note)
    line_end = note.find("\n", m.start)
    if line_end >= 0:
        end = min(end, line_end)
    end = min([end, *(s for s in other_heads if s > m.start)])
    return note[m.start : end]


def settle(
    picks: dict[str, Pick],
    note: str,
    catalog: CodeCatalog,
    allowed: Callable[[str], bool] = lambda c: True,
) -> None:
    """Replace each final code its problem line contradicts or leaves unspecified (see the module doc).
    A code read elsewhere is checked against its clause (up to the next final code of another category):
    for contradictions, and in the assessment for completion too."""
    for code, pick in list(picks.items()):
        if not pick.final or picks.get(code) is not pick or code not in catalog:
            continue
        if catalog.system(code) != "ICD-10-CM" or catalog.seven_chr_for(code):
            continue  # injuries: the 7th character and side rules (rules.py) decide
        head = next((m for m in pick.heads if m.problem), None)
        said = head or next(iter(pick.heads or pick.mentions), None)
        if said is None:
            continue
        if head is not None:
            line = read_line(_line_of(note, head))
        else:  # up to the next final code of another category (the same one's words qualify it)
            others = [m.start for c, p in picks.items() if p.final and c[:3] != code[:3] for m in p.heads]
            line = read_line(_clause_of(note, said, others))
        where = "problem line" if head is not None else "clause"
        title = catalog.title(code)
        conflicts, agree = judge(line, title)
        coded = {c for c, p in picks.items() if p.final}
        if conflicts:
            found = _sibling(catalog, code, line, -1, allowed, coded)
            why = f"its {where} contradicts {code} ({conflicts[0]})"
        elif (head is None and said.section not in ASSESSMENT_SECTIONS) or not pick.heads:
            continue  # the narrative, and a code a coding rule made, are only checked for contradictions
        elif _residual(title):
            found = _sibling(catalog, code, line, len(agree), allowed, coded)
            why = f"its {where} names what {code} leaves unspecified"
        else:
            continue
        if found is None:
            if conflicts:
                pick.final = False
                pick.warnings.append(f"{why}: no sibling fits it; not coded")
            continue
        _swap(picks, pick, found[0], f"{found[0]} over {code}: {why}")


def _hyperglycemia(catalog: CodeCatalog, code: str) -> str | None:
    """The "with hyperglycemia" leaf of ``code``'s category (E11.65 for E11.x), if it has one."""
    leaves = catalog.leaves_under(code[:3])
    if len(leaves) > MAX_FAMILY:
        return None
    return next(
        (c for c in leaves if "hyperglycemia" in qualifiers.title_qualifiers(catalog.title(c)).with_), None
    )


def uncontrolled_diabetes(
    picks: dict[str, Pick], note: str, catalog: CodeCatalog, allowed: Callable[[str], bool] = lambda c: True
) -> None:
    """A diabetes line that says uncontrolled ("poorly controlled", "out of control") documents
    hyperglycemia (Alphabetic Index: Diabetes, uncontrolled, meaning hyperglycemia; I.C.4.a: as many codes
    of the category as the complications need): its "with hyperglycemia" code joins the line's code, or
    replaces it when that code says "without complications"."""
    for code, pick in list(picks.items()):
        if not pick.final or picks.get(code) is not pick or code not in catalog:
            continue
        head = next((m for m in pick.heads if m.problem), None)
        if head is None or read_line(_line_of(note, head)).qualifiers.controlled is not False:
            continue
        target = _hyperglycemia(catalog, code)
        if target is None or not allowed(target):
            continue
        if any(
            p.final and c[:3] == code[:3] and "hyperglycemia" in catalog.title(c).lower()
            for c, p in picks.items()
        ):
            continue
        why = f"{target}: the line says the diabetes is uncontrolled (Index: meaning hyperglycemia)"
        if "complication" in qualifiers.title_qualifiers(catalog.title(code)).without:
            _swap(picks, pick, target, f"{target} over {code}: {why}")
            continue
        new = picks.setdefault(target, Pick(target, pick.score, True, [head]))
        new.final = True
        new.score = max(new.score, pick.score)
        if head not in new.heads:
            new.heads.append(head)
        new.reasons.append(why)


def _swap(picks: dict[str, Pick], old: Pick, code: str, why: str) -> None:
    new = picks.get(code)
    if new is None:
        new = picks[code] = Pick(code, old.score, True, list(old.mentions))
    else:
        new.mentions.extend(m for m in old.mentions if m not in new.mentions)
    new.final = True
    new.score = max(new.score, old.score)
    new.heads.extend(m for m in old.heads if m not in new.heads)
    new.reasons.append(why)
    old.final = False
    old.heads = []
    old.score = new.score * DISPLACED
    old.warnings.append(why)
