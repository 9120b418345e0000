"""Is a stated cause part of the condition's code, or a second condition to code?

"Allergic rhinitis due to pollen" and "anemia due to antineoplastic chemotherapy" are one code each: the
Alphabetic Index lists the cause as a subterm of the condition's main term. "AKI due to dehydration" is two
conditions, each coded (guideline I.B.7: multiple coding for a single condition only where the
classification says so).
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.partners import ORGANISM_PATTERNS, RESULT_WORDS, names_organism
from assistant.suggest.history import names_cerebrovascular_disease
from assistant.suggest.index_walker import IndexWalker, Tabular, content_keys, read_mention
from assistant.suggest.text import expand_abbreviations, tokens

_WALK_DEPTH = 3


def cause_is_part(walker: IndexWalker | None, tabular: Tabular | None, condition: str, cause: str) -> bool:
    """True when ``cause`` names an organism, or an Index path starts at a main term of ``condition`` and
    descends through ``cause``."""
    if names_organism(cause):  # the infection's agent: a combination code or a B95-B97 partner
        return True
    if names_cerebrovascular_disease(cause):  # a deficit of a stroke is its sequela, one code (I69, I.C.9.d)
        return True
    if walker is None:
        return False
    own = read_mention(expand_abbreviations(condition)).words
    # the cause's own words, not the Index synonyms the reader adds: "menorrhagia" reaches "Anemia, due to
    # blood loss" only as a synonym of blood loss, and is a condition of its own (N92.0) beside D50.0
    tail_only = content_keys(expand_abbreviations(cause)) - own
    for hit in walker.walk(expand_abbreviations(f"{condition} due to {cause}"), tabular, _WALK_DEPTH):
        if not hit.path or not content_keys(hit.path[0]) & own:
            continue
        if any(content_keys(term) & tail_only for term in hit.path[1:]):
            return True
    return False


_WITH_WALK = 10
_LEFT_BEHIND = re.compile(
    r"\W*(?:(?:some|mild|moderate|severe|left|right|l|r)\s+)*(?:residual|persistent|chronic|ongoing)\b", re.I
)


def with_is_part(walker: IndexWalker | None, tabular: Tabular | None, condition: str, tail: str) -> bool:
    """Is "``condition`` with ``tail``" one code (guideline I.A.15: the Index's "with" subterms), or two
    conditions the classification codes apart ("COPD with chronic hypoxemic respiratory failure")?

    Two only when no Tabular title holds both sides' words, the tail names a main term of its own and no
    Index path that the condition alone reaches continues, in either order, through the other's words."""
    if walker is None or (names_cerebrovascular_disease(condition) and _LEFT_BEHIND.match(tail)):
        return True  # "stroke with residual hemiparesis": the deficit it left, one sequela code (I.C.9.d)
    cond, rest = expand_abbreviations(condition.rsplit("(", 1)[-1]), expand_abbreviations(tail)
    if _titled_together(tabular, content_keys(cond) | content_keys(rest)):
        return True  # a Tabular title names both ("Acute respiratory failure with hypoxia")
    own, tail_words = read_mention(cond).words, read_mention(rest).words
    cond_paths = _paths(walker, tabular, cond, own)
    tail_paths = _paths(walker, tabular, rest, tail_words)
    if not cond_paths or not tail_paths:
        return True  # either side names no condition: a qualifier or a note's wording, kept whole
    # through the other side's own condition, not a site both name ("cellulitis with abscess of the leg":
    # Abscess, leg is the abscess's site, no combination)
    cond_heads = {k for path in cond_paths for k in content_keys(path[0])}
    tail_heads = {k for path in tail_paths for k in content_keys(path[0])}
    return _extends(
        walker, tabular, f"{cond} with {rest}", cond_paths, (tail_words - own) & tail_heads
    ) or _extends(walker, tabular, f"{rest} in {cond}", tail_paths, (own - tail_words) & cond_heads)


def tail_is_subterm(walker: IndexWalker | None, tabular: Tabular | None, condition: str, tail: str) -> bool:
    """Does the chunk after a comma name a subterm of the condition's own Index entry ("Nephrotic syndrome,
    minimal change": Syndrome, nephrotic, see Nephrosis, minimal change; "Osteoarthritis, knee"; "Pulmonary
    embolism, single subsegmental": the path's "subsegmental" leads to the code whose title says "single";
    a title word alone, as "closed" in a fracture's title, is no subterm)?
    Then the two are one condition, read together, as the Index lists them. A chunk after "and" joins only
    where the Index's own subterm says "and" ("Sarcoidosis of the lungs and intrathoracic lymph nodes":
    Sarcoidosis, lung, and lymph nodes)."""
    if walker is None:
        return False
    joined = _AND_TAIL.match(tail)
    cond, rest = (
        expand_abbreviations(condition),
        expand_abbreviations(tail[joined.end() :] if joined else tail),
    )
    own, tail_words = read_mention(cond).base, read_mention(rest).base
    if not own or not tail_words or tail_words & own:
        return False
    walked = walker.walk(f"{cond} {rest}", tabular, _WALK_DEPTH)
    if not joined and len(tail_words) == 1 and any(_narrows(h.path, rest, own) for h in walked):
        return True
    hits = [h for h in walked if _names_main_term(h.path, own)]
    if joined:
        return any(_and_subterm(term, tail_words) for h in hits for term in h.path[1:])
    title = tabular.title if tabular is not None else (lambda code: "")
    return any(
        _says_the_tail(read_mention(" ".join(h.path[1:])).words, title(h.code), tail_words) for h in hits
    )


def _narrows(path: list[str], tail: str, own: frozenset[str]) -> bool:
    """The one-word tail is a main term of its own, as the Index spells it, whose subterm is the condition's
    kind ("Ulcerative colitis, pancolitis": Pancolitis, ulcerative): the tail names the same condition more
    narrowly. An adjective ("..., diabetic") is no main term: its condition is another one."""
    main = path[0].split(",")[0].strip().lower() if path else ""
    return main == tail.strip(" .").lower() and any(content_keys(t) & own for t in path[1:])


def _says_the_tail(path_words: frozenset[str], title: str, tail_words: frozenset[str]) -> bool:
    """The path says the tail, or goes through some of its words to a code whose title says the rest."""
    if tail_words <= path_words:
        return True
    return bool(tail_words & path_words) and tail_words <= path_words | read_mention(title).words


_AND_TAIL = re.compile(r"\s*and\s+", re.IGNORECASE)


def _and_subterm(term: str, tail_words: frozenset[str]) -> bool:
    """An Index subterm "and <site>" whose words the tail says ("and lymph nodes")."""
    said = read_mention(term[4:]).base if term.lower().startswith("and ") else frozenset()
    return bool(said) and said <= tail_words


def _names_main_term(path: list[str], words: frozenset[str]) -> bool:
    return bool(path) and content_keys(path[0].split(",")[0]) <= words


def _paths(walker: IndexWalker, tabular: Tabular | None, text: str, words: frozenset[str]) -> list[list[str]]:
    """The Index paths ``text`` reaches whose main term (its first spelling) the text itself names."""
    return [h.path for h in walker.walk(text, tabular, _WALK_DEPTH) if _names_main_term(h.path, words)]


def _extends(
    walker: IndexWalker, tabular: Tabular | None, text: str, starts: list[list[str]], added: frozenset[str]
) -> bool:
    for hit in walker.walk(text, tabular, _WITH_WALK):
        for start in starts:
            below = hit.path[len(start) :]
            if hit.path[: len(start)] == start and any(content_keys(t) & added for t in below):
                return True
    return False


_TITLE_WORDS: dict[int, dict[str, set[str]]] = {}


def _titled_together(tabular: Tabular | None, words: frozenset[str]) -> bool:
    """Some ICD-10-CM code's title holds every one of ``words``."""
    codes = getattr(tabular, "codes", None)
    if not isinstance(codes, dict) or not words:
        return False
    by_word = _TITLE_WORDS.get(id(codes))
    if by_word is None:
        by_word = {}
        for code, row in codes.items():
            if row[0] == "ICD-10-CM":
                for key in content_keys(str(row[1])):
                    by_word.setdefault(key, set()).add(code)
        _TITLE_WORDS.clear()
        _TITLE_WORDS[id(codes)] = by_word
    postings = sorted((by_word.get(w, set()) for w in words), key=len)
    return bool(set.intersection(*postings))


def agent_apart(walker: IndexWalker | None, tabular: Tabular | None, query: str) -> str:
    """A mention that starts with its infection's agent ("MRSA cellulitis of right arm") is searched as the
    infection alone where no Index path for the whole uses the agent's words: the condition takes its own
    code (L03.113) and the agent its B95-B97 partner (I.C.1.b). "MRSA pneumonia" keeps its agent: the Index
    names the combination (Pneumonia, due to, Staphylococcus, aureus, methicillin resistant: J15.212), as
    does a Tabular title holding both ("Pneumococcal meningitis", G00.1)."""
    if walker is None:
        return query
    body = query.lstrip()
    agent = next((m for _, rx in ORGANISM_PATTERNS if (m := rx.match(body)) is not None), None)
    if agent is None:
        return query
    rest = body[agent.end() :].strip(" ,-")
    if not content_keys(rest) or set(tokens(rest)) <= RESULT_WORDS:
        return query  # "H. pylori positive": the agent is all the mention names
    said = content_keys(agent.group(0))
    if _titled_together(tabular, said | content_keys(rest)):
        return query  # a Tabular title names both ("Pneumococcal meningitis": G00.1), as the Index may not
    for hit in walker.walk(query, tabular, _WALK_DEPTH):
        if any(content_keys(term) & said for term in hit.path):
            return query
    return rest
