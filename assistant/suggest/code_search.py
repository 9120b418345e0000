"""Code search that finds codes: a code goes straight to that code and its children; words are expanded
(clinical abbreviations) and walked through the Alphabetic Index before the full-text search.

Order of the results: a code query answers the code (any case, with or without the dot, or a prefix) and
the codes under it. A text query answers the Index walk's targets first (the main term's own code leads:
I10 for "hypertension"), then the full-text matches of titles, inclusion terms and Index paths.
Every lookup is made in the release in force on ``on`` (the newest when None).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from assistant.codesets.schemas import CodeRef, SearchHit
from assistant.core.errors import InvalidInput, NoReleaseForDate, NotReady
from assistant.suggest import cancer_history
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.store import excluded_pair

ICD10CM = "ICD-10-CM"
CODE_SYSTEMS = (ICD10CM, "HCPCS", "CPT")
MAX_QUERY = 200
# A code or a code prefix: ICD-10-CM / HCPCS ("e11", "E11.6", "s52531a", "G0438"), or CPT digits ("9921").
_LETTER_CODE = re.compile(r"^[A-Z]\d[0-9A-Z]?(?:\.?[0-9A-Z]{0,4})$")
_DIGIT_CODE = re.compile(r"^\d{3,4}[0-9A-Z]?$")
WALK_FIRST = 0.5  # walker targets scoring at least this lead the list; weaker ones follow the text matches

Expander = Callable[[str], str]


def looks_like_code(query: str) -> bool:
    q = query.strip().upper()
    return bool(_LETTER_CODE.match(q) or _DIGIT_CODE.match(q))


class ReferenceTabular:
    """The tabular list of one release, read through the repository (what index completion needs)."""

    def __init__(self, reference: Any, on: date | None = None) -> None:
        self.reference = reference
        self.on = on
        self._refs: dict[str, CodeRef | None] = {}
        self._kids: dict[str, list[str]] = {}

    def _ref(self, code: str) -> CodeRef | None:
        if code not in self._refs:
            found = self.reference.codes_with_prefix(code, ICD10CM, self.on, limit=1)
            exact = found[0] if found and found[0].code.replace(".", "") == code.replace(".", "") else None
            self._refs[code] = exact
        return self._refs[code]

    def __contains__(self, code: str) -> bool:
        return self._ref(code) is not None

    def billable(self, code: str) -> bool:
        ref = self._ref(code)
        return bool(ref and ref.billable)

    def title(self, code: str) -> str:
        ref = self._ref(code)
        return ref.title if ref else code

    def excludes1(self, code: str) -> list[tuple[str, str]]:
        return [
            pair
            for at, text, _ in self.reference.excludes1_notes(code, self.on)
            if at == code and (pair := excluded_pair(text))
        ]

    def titles(self) -> dict[str, str]:
        """No title lookup through the repository: a term the Index lost its code for stays uncoded here."""
        return {}

    def children(self, code: str) -> list[str]:
        if code not in self._kids:
            kids = self.reference.child_refs(code, ICD10CM, self.on)
            for k in kids:
                self._refs[k.code] = k
            self._kids[code] = [k.code for k in kids]
        return self._kids[code]


def search_codes(
    reference: Any,
    query: str,
    *,
    system: str | None = None,
    limit: int = 25,
    on: date | None = None,
    walker: IndexWalker | None = None,
    expander: Expander | None = None,
) -> list[SearchHit]:
    """Ranked hits for a code, a code prefix or words (see the module docstring)."""
    q = (query or "").strip()
    if len(q) > MAX_QUERY:
        raise InvalidInput("the search is too long", field="q", fix=f"use up to {MAX_QUERY} characters")
    if not q or limit <= 0:
        return []
    if looks_like_code(q):
        hits = _code_hits(reference, q, system, limit, on)
        if hits:
            return hits
    text = expander(q) if expander is not None else q
    walked = _walk_hits(reference, text, walker, on, limit) if system in (None, ICD10CM) else []
    full_text = reference.search(text, system=system, limit=limit, on=on)
    if not full_text and text != q:
        full_text = reference.search(q, system=system, limit=limit, on=on)
    lead = [h for h in walked if h.score >= WALK_FIRST]
    rest = [h for h in walked if h.score < WALK_FIRST]
    out: dict[tuple[str, str], SearchHit] = {}
    for hit in [*lead, *full_text, *rest]:
        out.setdefault((hit.system, hit.code), hit)
    return list(out.values())[:limit]


def _code_hits(reference: Any, q: str, system: str | None, limit: int, on: date | None) -> list[SearchHit]:
    systems = [system] if system else [ICD10CM] if "." in q else list(CODE_SYSTEMS)
    hits: list[SearchHit] = []
    for name in systems:
        try:
            refs = reference.codes_with_prefix(q, name, on, limit=limit)
        except (NotReady, NoReleaseForDate):
            if system:
                raise
            continue
        exact = q.upper().replace(".", "")
        for rank, ref in enumerate(refs):
            same = ref.code.replace(".", "") == exact
            hits.append(
                SearchHit(
                    code=ref.code,
                    system=name,
                    title=ref.title,
                    billable=ref.billable,
                    score=round(2.0 if same else 1.0 - rank / (limit + 1), 4),
                    matched="code" if same else f"code under {q.upper()}",
                )
            )
    hits.sort(key=lambda h: (h.matched != "code", systems.index(h.system), -h.score))
    return hits[:limit]


def _walk_hits(
    reference: Any, text: str, walker: IndexWalker | None, on: date | None, limit: int
) -> list[SearchHit]:
    if walker is None:
        return []
    try:
        tabular = ReferenceTabular(reference, on)
        found = walker.walk(text, tabular, limit=limit)
    except (NotReady, NoReleaseForDate):
        return []
    hits = [
        SearchHit(
            code=h.code,
            system=ICD10CM,
            title=tabular.title(h.code),
            billable=tabular.billable(h.code),
            score=h.score,
            matched=f"Index: {h.evidence}",
        )
        for h in found
    ]
    kind = cancer_history.kind_of(text)
    placed = cancer_history.by_site(kind, found) if kind else None
    if kind is None or placed is None or placed[0] not in tabular:
        return hits
    code, site = placed  # "family history of colon cancer": Z80.0 by the site's block, not Z80.9
    unspecified = cancer_history.UNSPECIFIED[kind]
    by_site = SearchHit(
        code=code,
        system=ICD10CM,
        title=tabular.title(code),
        billable=tabular.billable(code),
        score=1.0,
        matched=f"Index: {site.evidence} -> history by site -> {code}",
    )
    return [by_site, *(h for h in hits if h.code not in (code, unspecified))]


def parse_on(value: str | None) -> date | None:
    """The ``on`` date of a search ("" or None: the newest release)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(f"on={value!r} is not a date", field="on", fix="use YYYY-MM-DD") from exc


def release_label(reference: Any, system: str | None, on: date | None) -> str | None:
    """The release of ``system`` (ICD-10-CM when None) in force on ``on``, for showing with the results."""
    try:
        return str(reference.release_for(system or ICD10CM, on).release)
    except (NotReady, NoReleaseForDate, AttributeError):
        return None
