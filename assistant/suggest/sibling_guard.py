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
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from typing import Any, TypeVar

from assistant.suggest import phrase_sites, qualifiers, request_memo, rules, seventh, sibling_choice
from assistant.suggest.reader import (
    ASSESSMENT_SECTIONS,
    LATERALITY,
    TREATMENT_CYCLE,
    Mention,
    next_item_number,
    sections,
)
from assistant.suggest.request_memo import per_request
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations, tokens
from assistant.suggest.types import Pick

T = TypeVar("T")

MAX_FAMILY = 300  # leaves looked at per level (a category larger than this is not a sibling set)
DISPLACED = 0.99
# Words a completing sibling's title may add that the line does not say ("primary" in "Unilateral primary
# osteoarthritis, left knee" for "left knee osteoarthritis"); two ("idiopathic gout, left shoulder" for a
# left foot) is another condition or site.
MAX_UNNAMED = 1
_STAGE_RANGE = re.compile(r"\bstage\s+\d[ab]?\s+through\s+stage\b", re.IGNORECASE)
_MOD = re.compile(r"\bmod\b\.?", re.IGNORECASE)  # "mod" is a severity only inside a diagnosis line
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
    text: str = ""  # the line as read (abbreviations expanded), for the "non-" / "un-" prefix check


# The Index's synonyms for a tear's title word ("Tear, rotator cuff, incomplete" for a partial tear).
_TITLE_SYNONYMS = (
    (
        re.compile(r"\bpartial(?:[- ]thickness)?(?=\s+(?:[a-z-]+\s+){0,2}?(?:tear|rupture))", re.I),
        "incomplete",
    ),
    (re.compile(r"\bfull[- ]thickness(?=\s+(?:[a-z-]+\s+){0,2}?(?:tear|rupture))", re.I), "complete"),
)


# A test the line reports negative names no form of the condition ("Pharyngitis, strep test negative" is
# no streptococcal pharyngitis).
_NEGATIVE_TEST = re.compile(
    r"(?:\b[\w-]+\s+){0,2}(?:test|screen|swab|culture|pcr|antigen|testing)\s+(?:was\s+|is\s+|came\s+back\s+)?"
    r"(?:negative|neg)\b|\bnegative\s+for\s+[^,;.]+",
    re.IGNORECASE,
)


_CYCLE = re.compile(TREATMENT_CYCLE, re.IGNORECASE)


@per_request  # a problem line is read again when the guard settles the list after the coding rules
def read_line(text: str) -> LineSays:
    said = _MOD.sub("moderate", expand_abbreviations(_CYCLE.sub(" ", text)))
    for rx, word in _TITLE_SYNONYMS:
        said = rx.sub(rf"\g<0> {word}", said)
    sides = {s for s, rx in LATERALITY.items() if rx.search(said)}
    side = "bilateral" if "bilateral" in sides else sides.pop() if len(sides) == 1 else None
    words = set(tokens(_NEGATIVE_TEST.sub(" ", said)))
    words |= phrase_sites.regions_named(set(re.findall(r"[a-z]+", said.lower())))  # "1st MTP": the foot
    return LineSays(qualifiers.read_qualifiers(said), side, frozenset(_roots(words)), said)


def _roots(words: AbstractSet[str]) -> set[str]:
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
    """(conflicts, agreements) of a code title with its problem line (each pair judged once a request)."""
    conflicts, agree = request_memo.remembered(judge, (line, title), lambda: _judged(line, title))
    return list(conflicts), list(agree)


def _judged(line: LineSays, title: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    said = qualifiers.title_qualifiers(title)
    conflicts, agree = qualifiers.compare(line.qualifiers, said)
    conflicts += qualifiers.default_conflicts(line.qualifiers, said)
    if _STAGE_RANGE.search(title):  # "stage 1 through stage 4" names a range, not one stage
        conflicts = [c for c in conflicts if "stage" not in c]
    if line.qualifiers.remission is None and said.remission == "relapse":
        conflicts.append("title says in relapse, the line does not")  # documented, like a remission
    if line.text and (negated := _negated_phrase(line.text, title)):
        conflicts.append(negated)
    if line.text and (plain := qualifiers.plain_where_negated(line.text, title)):
        conflicts.append(plain)
    side, has = line.side, title_side(title)
    if side and has and has != "unspecified":
        opposite = {
            "bilateral": {"right", "left", "unilateral"},
            "right": {"left", "bilateral"},
            "left": {"right", "bilateral"},
        }[side]
        if has in opposite:
            conflicts.append(f"title says {has}, the line {side}")
        elif has == side:
            agree.append(f"side {side}")
    return tuple(conflicts), tuple(agree)


_NEGATED_WORD = re.compile(r"\b(?:non-?|un)(?P<word>[a-z]{4,})\s+(?P<next>[a-z]+)", re.IGNORECASE)


def _negated_phrase(line: str, title: str) -> str | None:
    """The title negates with "non-" / "un-" what the line states plainly of the same noun ("unstable
    angina" where the line says "stable exertional angina"): the prefixed word and the title's next word,
    at most two words apart on the line, without the prefix."""
    for m in _NEGATED_WORD.finditer(title):
        word, after = m.group("word").lower(), m.group("next").lower()
        if f"un{word}" in qualifiers.UN_NOT_NEGATION:
            continue
        plain = re.compile(rf"(?<![\w-]){word}\W+(?:\w+\W+){{0,2}}?{after}\b", re.IGNORECASE)
        if plain.search(line):
            return f'title says "{m.group(0)}", the line "{word} ... {after}"'
    return None


def _residual(title: str) -> bool:
    return "unspecified" in title.lower()


def _completed_elsewhere(
    picks: dict[str, Pick],
    pick: Pick,
    said: Mention,
    line: LineSays,
    note: str,
    catalog: CodeCatalog,
    allowed: Callable[[str], bool],
    coded: set[str],
) -> tuple[str, list[str]] | None:
    """The sibling another mention of the same code completes ("dementia (mod, no behaviors)" in the history,
    "Dementia - at baseline" in the assessment: moderate), where the code's own line contradicts it not."""
    others = _other_heads(picks, pick.code)
    title = catalog.title(pick.code)
    for ended in [m for m in pick.mentions if _episode_ended(m)]:  # its words complete no other mention
        note = note[: ended.start] + " " * (ended.end - ended.start) + note[ended.end :]
    for m in pick.mentions:
        if m is said or m.negated or m.history or m.family or m.uncertain or _episode_ended(m):
            continue
        there = read_line(_line_of(note, m) if m.problem else _clause_of(note, m, others))
        found = _sibling(catalog, pick.code, there, len(judge(there, title)[1]), allowed, coded)
        if found is not None and not judge(line, catalog.title(found[0]))[0]:
            return found
    return None


def _episode_ended(m: Mention) -> bool:
    """The mention's episode is over ("COPD exacerbation - resolved", "after a recent admission for an asthma
    flare"): its line's episode words do not complete the lasting condition's code."""
    return any(t.startswith("episode ") for t in m.triggers)


def _remission_unsaid(line: LineSays, title: str) -> bool:
    """The line states a remission ("sustained remission") that the title leaves out (F10.20 for a use
    disorder in remission, I.C.5.b.1): a sibling that says it is the line's code."""
    said = qualifiers.title_qualifiers(title)
    return qualifiers.remitted(line.qualifiers.remission) and said.remission is None


def _axes(title: str) -> set[str]:
    return {w for w in tokens(title, keep_stopwords=True) if w in _AXIS_WORDS}


@lru_cache(maxsize=65536)  # code-set text (a title or a part of one): kept for the process
def _words(title: str) -> frozenset[str]:
    return frozenset(w for w in tokens(title) if w not in _AXIS_WORDS)


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


def _closest(catalog: CodeCatalog, code: str, rank: Callable[[str], tuple[Any, T] | None]) -> T | None:
    """The best-keyed answer among ``code``'s siblings at the closest level of the hierarchy that has one
    (``rank``: a sibling leaf's (key, answer), or None where the leaf does not qualify); ties go to the
    first leaf."""
    for leaves in _levels(catalog, code):
        best: tuple[Any, T] | None = None
        for leaf in leaves:
            ranked = rank(leaf)
            if ranked is not None and (best is None or ranked[0] > best[0]):
                best = ranked
        if best is not None:
            return best[1]
    return None


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
    named = own & line.words  # what the line says of the condition ("ischemic cardiomyopathy")

    def rank(leaf: str) -> tuple[tuple[int, bool, bool, float, bool], tuple[str, list[str]]] | None:
        title = catalog.title(leaf)
        conflicts, agree = judge(line, title)
        if conflicts or len(agree) <= more_than or not allowed(leaf):
            return None
        words = _words(title)
        if named and not named & words:
            return None  # a sibling about another condition ("non-ischemic cardiomyopathy" is no angina)
        if more_than >= 0 and named - words:
            return None  # completing keeps what the line names ("rheumatoid lung disease" is no plain RA)
        partner = _partners(title)  # "ankle and foot": the line naming either names the region
        unnamed = len({w for w in _roots(words - own) - line.words if partner.get(w) not in line.words})
        if more_than >= 0 and unnamed > MAX_UNNAMED:
            return None  # completing a code needs the words its sibling adds (a site) on the line
        if more_than >= 0 and _trades_with_clause(catalog.title(code), title, line.words):
            return None
        overlap = len(own & words) / max(len(own | words), 1)
        return (len(agree), unnamed == 0, leaf in coded, overlap, _residual(title)), (leaf, agree)

    return _closest(catalog, code, rank)


_WITH_CLAUSE = re.compile(r"\bwith\s+(?!unspecified\b)(.+)$", re.IGNORECASE)


def _trades_with_clause(title: str, sibling: str, said: frozenset[str] | set[str]) -> bool:
    """Completing never trades the code's own "with" clause for another the line does not say, nor drops it:
    "varicose veins ... with inflammation" is no "bilateral ... with pain" (or "asymptomatic ...") for a line
    that names both legs but no pain."""
    own, other = _WITH_CLAUSE.search(title), _WITH_CLAUSE.search(sibling)
    if own is None:
        return False
    if other is None:
        return True  # "... with inflammation" is no "asymptomatic ..." either
    theirs = _words(other.group(1))
    return theirs != _words(own.group(1)) and not theirs <= said


# The next problem of a list run into one line: "1) gout, L toe - colchicine. 2) bilat CTS", "# A # B".
_NUMBER = re.compile(r"\s(\d{1,2})(?=[.)])")
_NEXT_ITEM = re.compile(r"\s(?=\d{1,2}\)\s)|[.;]\s+(?=\d{1,2}\.\s+[A-Za-z])|\s(?=#\s?[A-Za-z])")


def _line_of(note: str, m: Mention, other_heads: Sequence[tuple[int, int]] = ()) -> str:
    """The problem line a mention heads, up to the next numbered or "#" item when the list runs on, and up to
    a later sentence's final code of another category ("COPD exacerbation with pneumonia - nebs. Chronic
    hypoxic resp failure on home O2": the second sentence's "chronic" is not the exacerbation's)."""
    end = note.find("\n", m.start)
    end = end if end >= 0 else len(note)
    end = min([end, *(a for a, _ in other_heads if max(m.sentence_end, m.end) <= a < end)])
    line = note[m.start : end]
    nxt = _NEXT_ITEM.search(line, 1)
    line = line[: nxt.start()] if nxt else line
    number = next(  # "1. CKD 2. HTN": the next item's number ends the line ("2" is no stage)
        (
            n
            for n in _NUMBER.finditer(line)
            if next_item_number(note, m.start + n.start(1), m.start + n.end(1))
        ),
        None,
    )
    return line[: number.start()] if number else line


def _other_heads(picks: dict[str, Pick], code: str) -> list[tuple[int, int]]:
    """The spans of the final codes' mentions of other categories than ``code``'s (they bound its clause)."""
    return [(m.start, m.end) for c, p in picks.items() if p.final and c[:3] != code[:3] for m in p.heads]


def _other_mentions(picks: dict[str, Pick], code: str) -> list[tuple[int, int]]:
    """The spans of every mention read as a condition of another category than ``code``'s, final or not (a
    later sentence naming one ends a problem line: "L carpal tunnel - splint. Plantar fasciitis bilat")."""
    return sorted({(m.start, m.end) for c, p in picks.items() if c[:3] != code[:3] for m in p.mentions})


def _clause_of(note: str, m: Mention, other_heads: list[tuple[int, int]]) -> str:
    """A narrative mention's words in its sentence (on its line, within its semicolons) between the final
    codes' mentions of other categories: "Asthma exacerbation, mild persistent asthma" says the exacerbation
    before the severity."""
    in_sentence = m.sentence_start <= m.start < m.sentence_end  # a mention the reader placed in its sentence
    end = m.sentence_end if in_sentence else len(note)
    line_end = note.find("\n", m.start)
    if line_end >= 0:
        end = min(end, line_end)
    end = min([end, *(a for a, _ in other_heads if a > m.start)])
    # back to the sentence's start on its line, not past a semicolon ("Right knee pain; left knee OA")
    start = max(m.sentence_start, *(note.rfind(c, 0, m.start) + 1 for c in "\n;")) if in_sentence else m.start
    start = max([start, *(b for _, b in other_heads if b <= m.start)])
    # a list that runs on one line ("1) wet AMD OD 2) dry AMD OS"): the mention's own item only
    items = [i.end() for i in _ITEM_MARK.finditer(note, start, m.start + 1) if i.end() <= m.start]
    start = max([start, *items])
    nxt = _NEXT_ITEM.search(note, m.end, end)
    return note[start : nxt.start() if nxt else end]


_ITEM_MARK = re.compile(r"(?:^|\s)(?:\d{1,2}\)|#)\s?(?=[A-Za-z])")


def settle(
    picks: dict[str, Pick],
    note: str,
    catalog: CodeCatalog,
    allowed: Callable[[str], bool] = lambda c: True,
    phrase: bool = False,
) -> None:
    """Replace each final code its problem line contradicts or leaves unspecified (see the module doc).
    A code read elsewhere is checked against its clause (up to the next final code of another category):
    for contradictions, and in the assessment for completion too; a note with no heading at all (a dictated
    narrative) states its diagnoses in its narrative, so there every clause is completed. ``phrase``: a
    one-phrase request, whose limb region names its joints and bones (``phrase_sites``): a code whose title
    names one of them names the phrase's site."""
    narrative_only = all(m.section == "body" and not m.problem for p in picks.values() for m in p.mentions)
    for code, pick in list(picks.items()):
        if not pick.final or picks.get(code) is not pick or code not in catalog:
            continue
        if catalog.system(code) != "ICD-10-CM":
            continue
        head = next((m for m in pick.heads if m.problem), None)
        assessed = next((m for m in pick.heads if m.section in ASSESSMENT_SECTIONS), None)
        said = head or assessed or next(iter(pick.heads or pick.mentions), None)
        if said is None:
            continue
        if head is not None:
            line = read_line(_line_of(note, head, _other_mentions(picks, code)))
        else:  # up to the next final code of another category (the same one's words qualify it)
            others = _other_heads(picks, code)
            line = read_line(_clause_of(note, said, others))
        line = _own_side(line, said)
        if "A" in catalog.seven_chr_for(code):  # encounters: the 7th character and side rules decide,
            pick = _unprefixed(picks, pick, line.text, catalog, allowed)
            pick = _displaced_by_default(picks, pick, note, catalog, allowed)
            _healing_on_line(picks, pick, note, catalog, allowed)  # with the lines' healing words
            continue
        where = "problem line" if head is not None else "clause"
        title = catalog.title(code)
        conflicts, agree = judge(line, title)
        if line.side == "bilateral" and rules.both_sides_coded_apart(catalog, code):
            # no bilateral code: the right and the left code are both the line's (I.B.13)
            conflicts = [c for c in conflicts if c != f"title says {title_side(title)}, the line bilateral"]
        coded = {c for c, p in picks.items() if p.final}
        if conflicts:
            found = _sibling(catalog, code, line, -1, allowed, coded)
            why = f"its {where} contradicts {code} ({conflicts[0]})"
        elif (
            head is None and said.section not in ASSESSMENT_SECTIONS and not narrative_only
        ) or not pick.heads:
            continue  # the narrative, and a code a coding rule made, are only checked for contradictions
        else:
            fits = _side_said(line, catalog, allowed) if phrase else allowed
            incomplete = _residual(title) or _remission_unsaid(line, title)
            found = _sibling(catalog, code, line, len(agree), fits, coded) if incomplete else None
            why = f"its {where} names what {code} leaves unspecified"
            if found is None and _residual(title) and (named := named_words(catalog, code, line, fits)):
                found = (named, [])
            region_site = phrase and phrase_sites.site_agreement(line.text, code, title) > 0
            if found is None and not region_site and (named := named_site(catalog, code, line, fits)):
                found = (named, [])
                why = f"its {where} names {named}'s site, not {code}'s"
            if found is None and _residual(title):
                found = _completed_elsewhere(picks, pick, said, line, note, catalog, fits, coded)
                why = f"another mention of it names what {code} leaves unspecified"
        if found is None:
            if conflicts:
                pick.final = False
                pick.warnings.append(f"{why}: no sibling fits it; not coded")
            continue
        _swap(picks, pick, found[0], f"{found[0]} over {code}: {why}")
        if line.side == "bilateral":
            _both_sides(picks, picks[found[0]], catalog, allowed)
    without_said_elsewhere(picks, note, catalog, allowed)
    drug_induced(picks, note, catalog, allowed)
    unstated_cause(picks, note, catalog, allowed)
    specified_nec(picks, note, catalog, allowed)
    osteoporotic_fracture(picks, note, catalog, allowed)
    osteoporotic_vertebra(picks, catalog, allowed)


def _own_side(line: LineSays, said: Mention) -> LineSays:
    """A line naming both eyes for one condition and one eye for another ("Myopia OU, astigmatism OD"): the
    side the mention's own words name is its side, not the other condition's "bilateral"."""
    own = {s for s, rx in LATERALITY.items() if rx.search(said.query)}
    if line.side == "bilateral" and len(own) == 1 and own <= {"right", "left"}:
        return replace(line, side=own.pop())
    return line


# A phrase's side said by its dominance ("affecting the dominant side": right for most, I.C.6.a)
_DOMINANCE = re.compile(r"\b(?:non-?)?dominant\b", re.IGNORECASE)


def _side_said(line: LineSays, catalog: CodeCatalog, allowed: Callable[[str], bool]) -> Callable[[str], bool]:
    """A phrase completed by a sibling: one that names no side the phrase leaves unsaid (a phrase naming no
    side is coded to the unspecified side, not to the right or the left)."""
    if line.side is not None or _DOMINANCE.search(line.text):
        return allowed
    return lambda c: allowed(c) and title_side(catalog.title(c)) in (None, "unspecified")


# A title's site: the words after its side ("Idiopathic gout, left ankle and foot", "Cellulitis of left
# lower limb", "Trigger finger, unspecified ring finger"), up to the next comma or "with".
_SITE = re.compile(
    r"\b(?:right|left|bilateral|unspecified)\s+(?P<site>[^,;()]+?)(?=\s*(?:,|;|\(|\bwith\b|$))", re.I
)


def _partners(text: str) -> dict[str, str]:
    """Each word root's partner in an "X and Y" pair ("ankle and foot": naming either names the region)."""
    words = tokens(text, keep_stopwords=True)
    partner: dict[str, str] = {}
    for i in range(1, len(words) - 1):
        if words[i] == "and":
            a, b = sibling_choice.root(words[i - 1]), sibling_choice.root(words[i + 1])
            partner[a], partner[b] = b, a
    return partner


def _site(title: str) -> tuple[frozenset[str], dict[str, str]] | None:
    """A title's site word roots and their "X and Y" partners; None when it names no site after a side."""
    m = _SITE.search(title)
    if m is None:
        return None
    return _named_roots(m.group("site")), _partners(m.group("site"))


_NUMBERED = re.compile(r"\b(?P<word>[a-z]+)\s+(?P<number>\d+[a-z]?)\b", re.IGNORECASE)


@lru_cache(maxsize=65536)  # code-set text (a title or a part of one): kept for the process
def _named_roots(title: str) -> frozenset[str]:
    """A title's word roots a line can name (no axis words)."""
    return frozenset(_roots(_words(title)))


def _states_in_title(line: str, title: str, word: str) -> bool:
    """The line states a title's word; a number only with the word it numbers ("class 2", "stage 3"), never
    alone (a list's "3." is no stage)."""
    if not any(ch.isdigit() for ch in word):
        return _states(line, word)
    for m in _NUMBERED.finditer(title):
        if m.group("number").lower() == word:
            said = rf"\b{re.escape(m.group('word')[:5])}\w*\W+{re.escape(word)}\b"
            return re.search(said, line, re.IGNORECASE) is not None
    return False


def named_words(
    catalog: CodeCatalog, code: str, line: LineSays, allowed: Callable[[str], bool] = lambda c: True
) -> str | None:
    """For an "unspecified" code: the sibling whose own title words (those ``code``'s lacks: "unstageable"
    beside "unspecified stage") the line states, every one of them, currently (not negated, not history),
    while it states none of the words ``code``'s title has and the sibling's lacks. The sibling is not
    itself unspecified, contradicts nothing on the line and agrees with it at least as often."""
    title = catalog.title(code)
    own = _named_roots(title)
    have = len(judge(line, title)[1])

    def rank(leaf: str) -> tuple[tuple[int, float], str] | None:
        other = catalog.title(leaf)
        if sibling_choice.residual(other) or not allowed(leaf):
            return None  # "other specified ..." needs a specified kind the line names, not a word
        words = _named_roots(other)
        mine, theirs = own - words, words - own
        if not theirs or any(_states(line.text, w) for w in mine):
            return None
        partner = _partners(other)
        if not all(
            _states_in_title(line.text, other, w) or (w in partner and _states(line.text, partner[w]))
            for w in theirs
        ):
            return None
        conflicts, agree = judge(line, other)
        if conflicts or len(agree) < have:
            return None
        return (len(theirs), len(own & words) / max(len(own | words), 1)), leaf

    return _closest(catalog, code, rank)


def named_site(
    catalog: CodeCatalog, code: str, line: LineSays, allowed: Callable[[str], bool] = lambda c: True
) -> str | None:
    """The sibling whose title differs from ``code``'s only by the site after the side, and names the site
    the line says where ``code``'s names one it does not ("left shoulder" for "L ankle": "left ankle and
    foot"). None of ``code``'s site words is on the line; the sibling's are, all of them (one of an "X and Y"
    pair is enough), or all but one when ``code`` names a site. The sibling contradicts nothing on the
    line (side included) and agrees with it at least as often; the closest level of the hierarchy decides."""
    title = catalog.title(code)
    site = _site(title)
    if site is None:
        return None
    own, _ = site
    if own & line.words:
        return None
    rest = _named_roots(title) - own
    have = len(judge(line, title)[1])

    def rank(leaf: str) -> tuple[tuple[int, int], str] | None:
        other = catalog.title(leaf)
        theirs = _site(other)
        if theirs is None or not allowed(leaf):
            return None
        words, partner = theirs
        if _named_roots(other) - words != rest or not words - own:
            return None  # another condition, or the same site
        named = {w for w in words if w in line.words or partner.get(w) in line.words}
        unnamed = words - named
        if not named - own or len(unnamed) > (MAX_UNNAMED if own else 0):
            return None
        conflicts, agree = judge(line, other)
        if conflicts or len(agree) < have:
            return None
        return (len(named), -len(unnamed)), leaf

    return _closest(catalog, code, rank)


def _unprefixed(
    picks: dict[str, Pick], pick: Pick, line: str, catalog: CodeCatalog, allowed: Callable[[str], bool]
) -> Pick:
    """An encounter code whose title says plainly what its line negates ("Displaced fracture" where the
    line says "nondisplaced") becomes the sibling of the same encounter whose title negates it; returns the
    pick now final."""
    code = pick.code
    title = catalog.title(code).lower()
    for word in qualifiers.plain_words_negated(line, title):
        wanted = re.sub(rf"\b{re.escape(word)}\b", f"non{word}", title)
        leaf = _titled_sibling(catalog, code, wanted, allowed)
        if leaf is not None:
            _swap(picks, pick, leaf, f"{leaf} over {code}: its line says non{word}")
            return picks[leaf]
    return pick


def _titled_sibling(
    catalog: CodeCatalog, code: str, title: str, allowed: Callable[[str], bool]
) -> str | None:
    """The code of ``code``'s category and encounter (7th character) whose title is ``title`` (lower case)."""
    return next(
        (
            leaf
            for leaf in catalog.leaves_under(code[:3])
            if leaf[-1] == code[-1] and catalog.title(leaf).lower() == title and allowed(leaf)
        ),
        None,
    )


_NOT_DISPLACED = re.compile(
    r"\b(?:non-?\s?displaced|undisplaced|not\s+displaced|no\s+displacement|without\s+displacement|"
    r"minimally\s+displaced|hairline|buckle|torus|greenstick|stress\s+fracture)\b",
    re.IGNORECASE,
)


def _displaced_by_default(
    picks: dict[str, Pick], pick: Pick, note: str, catalog: CodeCatalog, allowed: Callable[[str], bool]
) -> Pick:
    """I.C.19.c.1: a fracture not stated displaced or nondisplaced is coded displaced; a "Nondisplaced" code
    the note never says becomes its displaced sibling of the same encounter."""
    code = pick.code
    title = catalog.title(code).lower()
    if "nondisplaced" not in title or _NOT_DISPLACED.search(note):
        return pick
    leaf = _titled_sibling(catalog, code, title.replace("nondisplaced", "displaced"), allowed)
    if leaf is None:
        return pick
    _swap(picks, pick, leaf, f"{leaf} over {code}: not stated nondisplaced, coded displaced (I.C.19.c.1)")
    return picks[leaf]


def _healing_on_line(
    picks: dict[str, Pick], pick: Pick, note: str, catalog: CodeCatalog, allowed: Callable[[str], bool]
) -> None:
    """A fracture whose lines say nonunion / malunion / delayed healing in another chunk ("A: Nonunion, right
    scaphoid fracture") takes that subsequent-encounter character (I.C.19.c.1; the tabular's meanings)."""
    code = pick.code
    meanings = catalog.seven_chr_for(code)
    if len(code.replace(".", "")) < 7 or not meanings:
        return
    for m in [*pick.heads, *pick.mentions]:
        start = note.rfind("\n", 0, m.start) + 1
        end = note.find("\n", m.end)
        wanted = seventh.healing_variant(meanings, code[-1], note[start : end if end >= 0 else None])
        if wanted is None:
            continue
        variant = code[:-1] + wanted
        if variant in catalog and allowed(variant):
            _swap(picks, pick, variant, f"{variant} over {code}: its line says {meanings[wanted]}")
        return


# Words of a "without X" title that name no finding a line could state.
_VAGUE_WITHOUT = frozenset(
    tokens("current complication complications mention specified other finding findings")
)
NEAR = 3  # words between the condition and the finding it is stated with
_APART = re.compile(r"[,;:.()]|\b(?:and|or|after|from|but|also|plus|without|no)\b", re.IGNORECASE)
_CAUSED_BY = re.compile(r"(?:due\s+to|from|secondary\s+to|caused\s+by|in)(?:\s+\w+){0,2}", re.IGNORECASE)
_VAGUE_HEAD = frozenset(
    tokens("age related type disease disorder acute chronic primary secondary other unspecified")
)
_NOT_NOW = re.compile(
    r"\b(?:no|not|without|w/o|denies|negative\s+for|free\s+of|h/o|hx\s+of|history\s+of|prior|previous|old|healed)"
    r"\b[\w\s,/-]{0,25}$",
    re.IGNORECASE,
)


def _alike(a: str, b: str) -> bool:
    """The same word in two forms ("osteoporosis" / "osteoporotic", "cystitis" / "cystitic")."""
    return a == b or (min(len(a), len(b)) >= 7 and a[:7] == b[:7])


def _states(line: str, word: str) -> bool:
    """The line states ``word`` (a stem) as a current finding, not negated and not as history."""
    tested = [t.span() for t in _NEGATIVE_TEST.finditer(line)]
    for m in re.finditer(rf"\b{re.escape(word[:6])}\w*", line, re.IGNORECASE):
        if any(a <= m.start() < b for a, b in tested):
            continue  # "strep test negative"
        if not _NOT_NOW.search(line[max(0, m.start() - 40) : m.start()]):
            return True
    return False


_WITHOUT_PHRASE = re.compile(r"\bwithout\s+(.+?)(?=,|\bwith\b|\bwithout\b|\(|$)")
_ALTERNATIVES = re.compile(r"\s+(?:or|and)\s+")
_OF_WHAT = re.compile(r"\s+(?:to|of|in|into)\s+")


def _excluded_findings(title: str) -> list[str]:
    """The nouns a title's "without" phrases exclude ("without thyrotoxic crisis or storm": crisis, storm)."""
    out = []
    for phrase in _WITHOUT_PHRASE.findall(title.lower()):
        for alternative in _ALTERNATIVES.split(phrase):
            alternative = _OF_WHAT.split(alternative)[0]  # "damage to nail": damage, not the nail
            words = [w for w in tokens(alternative) if w not in _VAGUE_WITHOUT]
            if words:
                out.append(words[-1])
    return out


def _without_contradicted(note: str, title: str) -> str | None:
    """The finding a "without X" title excludes that a line about the same condition states
    ("Osteoporotic compression fracture T12" against "osteoporosis without current pathological fracture").
    A finding named like the condition ("tubal pregnancy without intrauterine pregnancy", "epilepsy ...
    without status epilepticus") is not read."""
    heads = [w for w in qualifiers.title_qualifiers(title).head if w not in _VAGUE_HEAD]
    findings = [
        f for f in _excluded_findings(title) if not any(_alike(f, h) or f[:6] == h[:6] for h in heads)
    ]
    if not findings or not heads:
        return None
    for line in re.split(r"\n|(?<=\.)\s", note):
        for finding in findings:
            if any(_stated_with(line, h, finding) for h in heads) and _states(line, finding):
                return finding
    return None


def _stated_with(line: str, head: str, finding: str) -> bool:
    """The line states the finding of this condition: "osteoporotic compression fracture", "cystitis with
    gross hematuria", "fracture due to osteoporosis"; not "osteoporosis and a traumatic fracture"."""
    for c in re.finditer(rf"\b{re.escape(head[:6])}\w*", line, re.IGNORECASE):
        for f in re.finditer(rf"\b{re.escape(finding[:6])}\w*", line, re.IGNORECASE):
            if f.start() > c.end():
                between = line[c.end() : f.start()]
                if len(between.split()) <= NEAR and not _APART.search(between):
                    return True
            elif c.start() > f.end() and _CAUSED_BY.fullmatch(line[f.end() : c.start()].strip()):
                return True
    return False


def without_said_elsewhere(
    picks: dict[str, Pick], note: str, catalog: CodeCatalog, allowed: Callable[[str], bool] = lambda c: True
) -> None:
    """A final "without X" code (M81.0 "... without current pathological fracture") whose condition another
    line states with X ("Osteoporotic compression fracture T12") is the opposite sibling: the note's own
    "with X" code of that condition (a candidate already read, e.g. M80.-) takes its place, or it stops
    being final (never "without" where the note says "with")."""
    for code, pick in list(picks.items()):
        if not pick.final or picks.get(code) is not pick or code not in catalog or code.startswith("Z"):
            continue  # (an encounter's "without abnormal findings" is not a condition's)
        title = catalog.title(code)
        finding = _without_contradicted(note, title)
        if finding is None:
            continue
        head = qualifiers.title_qualifiers(title).head - _VAGUE_HEAD
        withs = [
            (p.score, c)
            for c, p in picks.items()
            if c != code
            and c in catalog
            and allowed(c)
            and catalog.billable(c)
            and any(_alike(finding, w) for w in qualifiers.title_qualifiers(catalog.title(c)).with_)
            and any(_alike(h, w) for h in head for w in qualifiers.title_qualifiers(catalog.title(c)).head)
        ]
        why = f"the note states {finding} for the condition {code} codes without it"
        if withs:
            _swap(picks, pick, max(withs)[1], f"{max(withs)[1]} over {code}: {why}")
        else:
            pick.final = False
            pick.warnings.append(f"{why}: not coded")


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
    """A diabetes line (or assessment clause) that says uncontrolled ("poorly controlled") documents
    hyperglycemia (Alphabetic Index: Diabetes, uncontrolled, meaning hyperglycemia; I.C.4.a: as many codes
    of the category as the complications need): its "with hyperglycemia" code joins the line's code, or
    replaces it when that code says "without complications"."""
    assessed = any(name in ASSESSMENT_SECTIONS for _, _, name in sections(note))
    for code, pick in list(picks.items()):
        if not pick.final or picks.get(code) is not pick or code not in catalog:
            continue
        head = next((m for m in pick.heads if m.problem), None)
        if head is not None:
            said = _line_of(note, head)
        else:  # an assessment sentence ("ED impression: ... Poorly controlled type 2 DM"): its clause
            head = next((m for m in pick.heads if m.section in ASSESSMENT_SECTIONS), None)
            others = _other_heads(picks, code)
            said = _clause_of(note, head, others) if head is not None else ""
        if head is None and not assessed:
            # a narrative without an assessment ("Diabetes uncontrolled, A1c 10.5."): the sentence says it
            head = next((m for m in pick.heads if m.section == "body"), None)
            said = note[head.sentence_start : head.sentence_end] if head is not None else ""
        if head is None or read_line(said).qualifiers.controlled is not False:
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


# A title naming a drug as the cause ("Drug-induced gout", "Hypothyroidism due to medicaments and other
# exogenous substances"), and the words of that cause (not the condition's).
_DRUG_CAUSE = re.compile(r"\bdrug-induced\b|\bdue\s+to\s+(?:drugs?|medicaments?)\b", re.IGNORECASE)
_CAUSE_WORDS = frozenset(_roots(set(tokens("drug induced due medicaments other exogenous substances"))))
_ADVERSE = re.compile(r"^adverse\s+effect\s+of\b", re.IGNORECASE)
_SAID_INDUCED = re.compile(r"\b(?:drug|medication)[- ]induced\b", re.IGNORECASE)


def _line_span(note: str, at: int) -> tuple[int, int]:
    start = note.rfind("\n", 0, at) + 1
    end = note.find("\n", at)
    return start, end if end >= 0 else len(note)


def drug_induced(
    picks: dict[str, Pick], note: str, catalog: CodeCatalog, allowed: Callable[[str], bool] = lambda c: True
) -> None:
    """A condition a drug caused is coded with its "drug-induced" sibling where the code set has one
    (I.C.19.e.5.a: the nature of the adverse effect, then the T code): a final code whose line also holds a
    final adverse-effect code, or says "drug-induced", gives way to the sibling whose title names a drug as
    the cause and otherwise only what the code's title or the line says (its site, its side), when the line
    states none of the code's own cause words ("renal impairment")."""
    adverse_lines = {
        _line_span(note, m.start)
        for p in picks.values()
        if p.final and p.code in catalog and _ADVERSE.match(catalog.title(p.code))
        for m in p.mentions
    }
    for code, pick in list(picks.items()):
        if not pick.final or picks.get(code) is not pick or code not in catalog:
            continue
        title = catalog.title(code)
        if catalog.system(code) != "ICD-10-CM" or _DRUG_CAUSE.search(title) or _ADVERSE.match(title):
            continue
        spans = {_line_span(note, m.start) for m in pick.mentions}
        lines = [note[a:b] for a, b in sorted(spans)]
        if not spans & adverse_lines and not any(_SAID_INDUCED.search(t) for t in lines):
            continue
        line = read_line(" ".join(lines))
        found = _closest(catalog, code, partial(_drug_caused, catalog, line, _named_roots(title), allowed))
        if found is not None:
            _swap(picks, pick, found, f"{found} over {code}: a drug caused it (adverse effect on its line)")


def _drug_caused(
    catalog: CodeCatalog, line: LineSays, own: AbstractSet[str], allowed: Callable[[str], bool], leaf: str
) -> tuple[float, str] | None:
    other = catalog.title(leaf)
    if not _DRUG_CAUSE.search(other) or not allowed(leaf) or judge(line, other)[0]:
        return None
    words = _named_roots(other)
    if (words - _CAUSE_WORDS) - own - line.words:
        return None  # it names a site or a kind neither the code nor the line says
    if any(_states(line.text, w) for w in own - words):
        return None  # the line states the code's own cause
    return len(own & words) / max(len(own | words), 1), leaf


# A title's cause ("Chronic gout due to renal impairment", "Lead-induced gout", "Post-traumatic
# osteoarthritis"), and the kind a condition with no cause documented is ("Idiopathic gout", "primary").
_TITLE_CAUSE = re.compile(
    r"\bdue\s+to\s+(?P<due>[a-z\s]+?)(?=,|$)|\b(?P<induced>[a-z]+)-induced\b|\bpost-(?P<post>traumatic)\b",
    re.IGNORECASE,
)
_NO_CAUSE_KIND = frozenset(_roots(set(tokens("idiopathic primary"))))
_CAUSE_RELATION = frozenset(_roots(set(tokens("due induced post"))))
# A cause the note may name in other words: renal impairment as kidney disease, a mental disorder by its name
# ("insomnia due to depression": F51.05, Insomnia due to other mental disorder).
_CAUSE_SAID = {
    "renal": re.compile(r"\b(?:renal|kidney|ckd|esrd|aki|dialysis|nephropathy)\b", re.IGNORECASE),
    sibling_choice.root("mental"): re.compile(
        r"\b(?:depression|depressive|mdd|anxiety|gad|panic|ptsd|post-?traumatic\s+stress|bipolar|mania|manic|"
        r"schizo\w*|psychosis|psychotic|adhd|ocd|obsessive|psychiatric|mental\s+illness)\b",
        re.IGNORECASE,
    ),
}


_DRUG_WORDS = frozenset(_roots(set(tokens("drug drugs medicament medicaments medication"))))


def _drug_code_final(picks: dict[str, Pick]) -> bool:
    """A Drug-table code (T36-T50: poisoning, adverse effect, underdosing) is in the final list."""
    return any(p.final and p.code[:1] == "T" and "36" <= p.code[1:3] <= "50" for p in picks.values())


def _cause_stated(note: str, words: AbstractSet[str]) -> bool:
    return any(_states(note, w) or (w in _CAUSE_SAID and _CAUSE_SAID[w].search(note)) for w in words)


def unstated_cause(
    picks: dict[str, Pick], note: str, catalog: CodeCatalog, allowed: Callable[[str], bool] = lambda c: True
) -> None:
    """A final code whose title names a cause the note never states ("Chronic gout due to renal impairment,
    left knee" for "Chronic gout, L knee") gives way to its sibling of no documented cause, the same title
    with "idiopathic" / "primary" for the cause (M1A.0620): a cause-specific code needs the cause
    documented (I.A.15, I.B.9: the provider states the link)."""
    for code, pick in list(picks.items()):
        if not pick.final or picks.get(code) is not pick or code not in catalog:
            continue
        title = catalog.title(code)
        m = _TITLE_CAUSE.search(title)
        if m is None or catalog.system(code) != "ICD-10-CM":
            continue
        cause = _named_roots(m.group("due") or m.group("induced") or m.group("post"))
        if not cause or _cause_stated(note, cause) or (cause & _DRUG_WORDS and _drug_code_final(picks)):
            continue  # a drug the note names is the "drugs" of the title when its Drug-table code is coded
        own, axes = _named_roots(title), _axes(title)

        def rank(
            leaf: str, own: frozenset[str] = own, cause: frozenset[str] = cause, axes: set[str] = axes
        ) -> tuple[int, str] | None:
            other = catalog.title(leaf)
            words = _named_roots(other)
            added, lost = words - own, own - words
            if not added or not added <= _NO_CAUSE_KIND or not lost <= cause | _CAUSE_RELATION:
                return None
            # the same axes otherwise ("with tophus" stays with tophus): only the cause changes
            return (int(_axes(other) == axes), leaf) if allowed(leaf) else None

        found = _closest(catalog, code, rank)
        if found is not None:
            _swap(picks, pick, found, f"{found} over {code}: the note states no {' '.join(sorted(cause))}")


# Alphabetic Index rows that send a named form to the "other" (specified NEC) code, as (the note's words,
# the residual title's phrase, the specified-NEC title's phrase): "Angina, stable I20.89", "Angina of
# effort", "Angina equivalent" (I20.89's inclusion terms); "Arteriosclerosis, coronary, native vessel, with
# angina pectoris, specified type NEC I25.118".
_INDEX_NEC = (
    (
        re.compile(
            r"\b(?:stable|exertional)\s+(?:\w+\s+)?angina|\bangina\s+(?:of\s+effort|equivalent)",
            re.IGNORECASE,
        ),
        "unspecified angina pectoris",
        "other forms of angina pectoris",
    ),
)


def specified_nec(
    picks: dict[str, Pick], note: str, catalog: CodeCatalog, allowed: Callable[[str], bool] = lambda c: True
) -> None:
    """A final code whose title leaves unspecified a form the note names, where the Index classes that form
    as "specified NEC" (``_INDEX_NEC``): the sibling titled "other forms of" it (CAD with stable angina:
    I25.118, not I25.119)."""
    for code, pick in list(picks.items()):
        if not pick.final or picks.get(code) is not pick or code not in catalog:
            continue
        title = catalog.title(code)
        for said, residual, specified in _INDEX_NEC:
            if residual not in title.lower() or not any(
                said.search(note[_line_span(note, m.start)[0] : _line_span(note, m.start)[1]])
                for m in pick.mentions
            ):
                continue
            wanted = title.lower().replace(residual, specified)
            found = next(
                (
                    c
                    for c in catalog.leaves_under(code[:3])
                    if catalog.title(c).lower() == wanted and allowed(c)
                ),
                None,
            )
            if found is not None:
                _swap(
                    picks,
                    pick,
                    found,
                    f"{found} over {code}: the Index classes the form named as {specified}",
                )
            break


_PATHOLOGICAL_NEC = "M84.4"  # Pathological fracture, NEC (Excludes1: pathological fracture in osteoporosis)
_OSTEOPOROSIS_WITHOUT = "M81"  # osteoporosis without current pathological fracture
_OSTEOPOROSIS_WITH = "M80"
_OSTEOPOROTIC = re.compile(r"\b(?:osteoporo\w*|fragility)\b", re.IGNORECASE)


def _with_fracture(catalog: CodeCatalog, code: str) -> str | None:
    """M81.0 "Age-related osteoporosis without current pathological fracture" -> M80.0, the subcategory
    whose title says "with" where ``code``'s says "without"."""
    wanted = re.sub(r"\bwithout\b", "with", catalog.title(code), count=1).lower()
    return next((c for c in catalog.children(_OSTEOPOROSIS_WITH) if catalog.title(c).lower() == wanted), None)


def _osteoporotic_leaf(catalog: CodeCatalog, with_code: str, fracture: str) -> str | None:
    """The M80 leaf of ``fracture``'s (M84.4-) site, side and 7th character. Chapter 13 numbers the sites
    alike (1 shoulder ... 7 ankle and foot); M84.4's "other site" (8) is M80's A, its pelvis M80's B."""
    digit = fracture.replace(".", "")[4:5]
    title = catalog.title(fracture)
    site = "A" if digit == "8" else "B" if digit == "5" and "pelvis" in title.lower() else digit
    if not site.isalnum() or site in ("0", "9"):
        return None
    side = rules.side_of(title)
    seventh = fracture.replace(".", "")[-1]
    for leaf in catalog.leaves_under(with_code + site):
        if len(leaf.replace(".", "")) != 7 or leaf[-1] != seventh:
            continue
        leaf_side = rules.side_of(catalog.title(leaf))
        if leaf_side == side or (side not in ("right", "left") and leaf_side in (None, "unspecified")):
            return leaf
    return None


def osteoporotic_fracture(
    picks: dict[str, Pick], note: str, catalog: CodeCatalog, allowed: Callable[[str], bool] = lambda c: True
) -> None:
    """Osteoporosis coded without a current fracture beside a pathological fracture NEC (M84.4-): the
    fracture is the osteoporosis' (I.C.13.d.1; M84.4 excludes it), one M80 code of the fracture's site,
    side and encounter replaces both."""
    osteo = [
        p
        for c, p in picks.items()
        if p.final and c.startswith(_OSTEOPOROSIS_WITHOUT) and c in catalog and picks.get(c) is p
    ]
    _age_related_unless_named(picks, note, catalog, allowed)
    with_code = _with_fracture(catalog, osteo[0].code) if osteo else None
    for code, pick in list(picks.items()):
        if not pick.final or not code.startswith(_PATHOLOGICAL_NEC) or code not in catalog:
            continue
        # "osteoporotic fracture", "fragility fracture": the Index's "Fracture, pathological, due to
        # osteoporosis" (M80.0-, age-related unless the osteoporosis coded says another kind)
        said = any(_OSTEOPOROTIC.search(m.text) for m in pick.mentions)
        leaf = _osteoporotic_leaf(catalog, with_code or "M80.0", code) if with_code or said else None
        if leaf is None or not allowed(leaf):
            continue
        why = f"{leaf} over {code}: a pathological fracture in osteoporosis (I.C.13.d.1)"
        _swap(picks, pick, leaf, why)
        if osteo:
            _swap(picks, osteo[0], leaf, why)
        return


# The kinds of osteoporosis the Index sends to "other osteoporosis" (M80.8 / M81.8); "Osteoporosis" alone
# is age-related (M80.0 / M81.0).
_OTHER_OSTEOPOROSIS = re.compile(
    r"\b(?:drug[- ]induced|steroid|glucocorticoid|prednisone|disuse|idiopathic|postoophorectomy|"
    r"malabsorption|secondary|juvenile|localized|immobili[sz]\w*)\b",
    re.IGNORECASE,
)


def _age_related_unless_named(
    picks: dict[str, Pick], note: str, catalog: CodeCatalog, allowed: Callable[[str], bool]
) -> None:
    """An "other osteoporosis with current pathological fracture" code (M80.8-) for a note that names no
    other kind is the age-related one of the same site, side and encounter (M80.0-)."""
    if _OTHER_OSTEOPOROSIS.search(note):
        return
    for code, pick in list(picks.items()):
        if not pick.final or not code.startswith("M80.8") or picks.get(code) is not pick:
            continue
        leaf = "M80.0" + code[5:]
        if leaf in catalog and catalog.billable(leaf) and allowed(leaf):
            _swap(picks, pick, leaf, f"{leaf} over {code}: the note names no other kind of osteoporosis")


_VERTEBRAL_FRACTURE = ("S22.0", "S32.0")  # fracture of a thoracic / lumbar vertebra
_FRAGILITY = re.compile(r"\b(?:osteoporo\w*|fragility|insufficiency|pathologic(?:al)?)\b", re.IGNORECASE)
_M80_ENCOUNTERS = {"A": "A", "B": "A", "D": "D", "G": "G", "K": "K", "S": "S"}


def osteoporotic_vertebra(
    picks: dict[str, Pick], catalog: CodeCatalog, allowed: Callable[[str], bool] = lambda c: True
) -> None:
    """A vertebral fracture its mention calls osteoporotic (fragility, pathological) is the osteoporosis'
    pathological fracture of the vertebra, M80.-8 (I.C.13.d.1), not a traumatic S22 / S32 code; the M80 code
    also says the osteoporosis (M81 and another M80 site beside it go)."""
    for code, pick in list(picks.items()):
        if not pick.final or not code.startswith(_VERTEBRAL_FRACTURE) or picks.get(code) is not pick:
            continue
        if not any(_FRAGILITY.search(m.text) for m in pick.mentions):
            continue
        other = any(p.final and c.startswith(("M81.8", "M80.8")) for c, p in picks.items())
        seventh = _M80_ENCOUNTERS.get(code[-1])
        leaf = f"M80.{'8' if other else '0'}8X{seventh}"
        if seventh is None or leaf not in catalog or not allowed(leaf):
            continue
        why = f"{leaf} over {code}: a vertebral fracture in osteoporosis is pathological (I.C.13.d.1)"
        _swap(picks, pick, leaf, why)
        for c, p in list(picks.items()):
            if p.final and c != leaf and c.startswith(("M81", "M80")) and picks.get(c) is p:
                _swap(picks, p, leaf, why)


def _both_sides(
    picks: dict[str, Pick], pick: Pick, catalog: CodeCatalog, allowed: Callable[[str], bool]
) -> None:
    """A code of unspecified side completed on a bilateral line, in a category with no bilateral code: the
    right and the left code (I.B.13; "RA of both hands with vasculitis" is M05.241 and M05.242)."""
    by_side = rules.side_variants(catalog, pick.code)
    if by_side.get("unspecified") != pick.code or not rules.both_sides_coded_apart(catalog, pick.code):
        return
    right, left = by_side["right"], by_side["left"]
    if not (allowed(right) and allowed(left)):
        return
    why = "I.B.13: bilateral, and the category has no bilateral code: the right and the left side are coded"
    _swap(picks, pick, right, why)
    _swap(picks, pick, left, why)
    picks[left].score = picks[right].score


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
