"""Code facts in plain words: notes explained, index terms, and "this code or its sibling" comparisons.

Everything here is read from the code-set repository (``ReferenceLookup`` plus optional extras); nothing
is invented. Used by the chat, the code browser and trainee mode.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from assistant.chat.schemas import CodeFacts, Comparison, NoteExplained
from assistant.codesets.schemas import CodeInfo, CodeNotes

NOTE_MEANINGS: dict[str, tuple[str, str]] = {
    "inclusion_terms": ("Also covers", "Other conditions or wordings this code is used for."),
    "includes": ("Includes", "The category covers these conditions as well."),
    "excludes1": (
        "Excludes1 — never together",
        "A pure 'not coded here': never report this code together with the codes below; "
        "the two conditions cannot occur together (the one exception is when they are clearly unrelated).",
    ),
    "excludes2": (
        "Excludes2 — not included here",
        "The condition below is not part of this code; if the patient has both, both codes may be reported.",
    ),
    "code_first": (
        "Code first",
        "This code is a manifestation: report the underlying condition below first, then this code.",
    ),
    "use_additional": (
        "Use additional code",
        "Add a second code to give the full picture (for example a complication, an agent or a status).",
    ),
    "code_also": (
        "Code also",
        "A second code may be needed; the order depends on the circumstances of the encounter.",
    ),
    "notes": ("Note", "Instructions written in the Tabular List at this level."),
}
NOTE_ORDER = [
    "inclusion_terms",
    "includes",
    "excludes1",
    "excludes2",
    "code_first",
    "use_additional",
    "code_also",
    "notes",
]
STOP = {"and", "or", "of", "the", "in", "to", "a", "an", "for", "other", "by", "due", "on"}


def explain_notes(info: CodeInfo) -> list[NoteExplained]:
    """Notes written at the code and inherited from its ancestors, each with its plain meaning."""
    out: list[NoteExplained] = []
    sources: list[tuple[str, CodeNotes]] = [(info.code, info.notes)]
    sources += [(code, notes) for code, notes in info.inherited_notes.items()]
    for at, notes in sources:
        for kind in NOTE_ORDER:
            items = list(getattr(notes, kind) or [])
            if not items:
                continue
            if kind == "inclusion_terms" and at != info.code:
                continue
            label, meaning = NOTE_MEANINGS[kind]
            out.append(NoteExplained(kind=kind, label=label, meaning=meaning, items=items, at=at))
        if notes.seven_chr:
            items = [f"{ch}: {meaning}" for ch, meaning in sorted(notes.seven_chr.items())]
            out.append(
                NoteExplained(
                    kind="seven_chr",
                    label="7th character",
                    meaning=(notes.seven_chr_note or "")
                    + " A 7th character is required; use X placeholders when the code is shorter than 6.",
                    items=items,
                    at=at,
                )
            )
    return out


def index_terms_for(reference: Any, code: str, limit: int = 15) -> list[str]:
    getter = getattr(reference, "index_terms_for_code", None)
    if getter is None:
        return []
    try:
        terms = getter(code, limit=limit)
    except Exception:  # noqa: BLE001 - index terms are an extra: absent data means none shown
        return []
    out: list[str] = []
    for t in terms:
        path = t.get("path") if isinstance(t, dict) else getattr(t, "path", t)
        column = t.get("column") if isinstance(t, dict) else None
        text = f"{path} ({column})" if column else str(path)
        if text not in out:
            out.append(text)
    return out[:limit]


def plain_sentence(info: CodeInfo) -> str:
    kind = (
        "a billable code" if info.billable else "a header (not billable: pick a more specific code below it)"
    )
    parent = f", under {info.parents[-1].code} {info.parents[-1].title}" if info.parents else ""
    return f"{info.code} ({info.system} {info.release}) is {kind}: {info.title}{parent}."


def code_facts(reference: Any, code: str, system: str = "ICD-10-CM", on: date | None = None) -> CodeFacts:
    info: CodeInfo = reference.get_code(code, system, on)
    return CodeFacts(
        info=info,
        notes=explain_notes(info),
        index_terms=index_terms_for(reference, info.code),
        plain=plain_sentence(info),
    )


def _words(title: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", title.lower()) if w not in STOP]


def compare(reference: Any, code_a: str, code_b: str, system: str = "ICD-10-CM") -> Comparison:
    """Why one code and not the other: distinguishing words, notes, the common parent, specificity."""
    a, b = code_facts(reference, code_a, system), code_facts(reference, code_b, system)
    wa, wb = _words(a.info.title), _words(b.info.title)
    only_a = [w for w in dict.fromkeys(wa) if w not in wb]
    only_b = [w for w in dict.fromkeys(wb) if w not in wa]
    pa = [p.code for p in a.info.parents]
    pb = [p.code for p in b.info.parents]
    common = next((p for p in reversed(pa) if p in pb), None)
    if a.info.code in pb:
        common = a.info.code
    if b.info.code in pa:
        common = b.info.code
    specific = None
    la, lb = len(a.info.code.replace(".", "")), len(b.info.code.replace(".", ""))
    if la != lb:
        specific = a.info.code if la > lb else b.info.code
    parts = []
    if only_a:
        parts.append(f"{a.info.code} says '{' '.join(only_a)}'")
    if only_b:
        parts.append(f"{b.info.code} says '{' '.join(only_b)}'")
    summary = "; ".join(parts) + "." if parts else "The titles use the same words."
    if common:
        summary += f" Both sit under {common}."
    if specific:
        summary += f" {specific} is the more specific (longer) code."
    for f in (a, b):
        if not f.info.billable:
            summary += f" {f.info.code} is not billable on its own."
    return Comparison(
        a=a, b=b, common_parent=common, only_a=only_a, only_b=only_b, more_specific=specific, summary=summary
    )
