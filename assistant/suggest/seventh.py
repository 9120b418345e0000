"""The 7th character a mention asks for, read from the tabular list's own meanings of each character.

The encounter (initial / subsequent / sequela) comes from the note; within it the meanings themselves say
which character is the open fracture, the malunion or the nonunion, and which is "not applicable or
unspecified" (the fetus character of the pregnancy chapter). Guideline I.C.19.c.1: a fracture not
indicated as open or closed is coded as closed; I.C.15.a.2: 7th character 0 for a single gestation or when
the fetus cannot be identified.
"""

from __future__ import annotations

import re

_OPEN = re.compile(r"\bopen\b(?![^,;]*\bwound)|\bcompound\b", re.IGNORECASE)
_CLOSED = re.compile(r"\bclosed\b", re.IGNORECASE)
_HEALING = (
    ("malunion", re.compile(r"\bmal-?union\b", re.IGNORECASE)),
    ("nonunion", re.compile(r"\bnon-?union\b", re.IGNORECASE)),
    ("delayed healing", re.compile(r"\bdelayed\s+(?:healing|union)\b", re.IGNORECASE)),
)
_FETUS = re.compile(r"\bfetus\s*(\d)\b", re.IGNORECASE)
_NOT_APPLICABLE = "not applicable or unspecified"


def _kind(meaning: str) -> str:
    """ "initial encounter for open fracture type I or II" -> "initial encounter"."""
    return meaning.split(" for ")[0].split(",")[0].strip()


def _is_open(meaning: str) -> bool:
    return "open fracture" in meaning


def _healing(meaning: str) -> str:
    found = re.search(r"with (routine healing|delayed healing|nonunion|malunion)", meaning)
    return found.group(1) if found else ""


def same_encounter_variant(meanings: dict[str, str], current: str, wanted: str) -> str:
    """``wanted`` (an encounter's plain character), or its open-fracture twin when the current character
    is an open fracture: the encounter changes, the fracture stays open."""
    if wanted not in meanings or current not in meanings or not _is_open(meanings[current]):
        return wanted
    kind, healing = _kind(meanings[wanted]), _healing(meanings[wanted])
    twins = [
        c for c, m in sorted(meanings.items()) if _is_open(m) and _kind(m) == kind and _healing(m) == healing
    ]
    return twins[0] if twins else wanted


_NEGATED_BEFORE = re.compile(r"\b(?:no|without|not|denies|negative\s+for)\b[\w\s]{0,20}$", re.IGNORECASE)


def healing_said(text: str) -> str | None:
    """The healing a line documents ("nonunion", "malunion", "delayed healing"), not a negated one
    ("no evidence of nonunion")."""
    for healing, rx in _HEALING:
        for m in rx.finditer(text):
            if not _NEGATED_BEFORE.search(text[max(0, m.start() - 30) : m.start()]):
                return healing
    return None


def healing_variant(meanings: dict[str, str], current: str, line: str) -> str | None:
    """The character a fracture's line asks for when it documents a healing the current character does not
    say ("Nonunion, right scaphoid fracture" for an initial-encounter code): the subsequent encounter with
    that healing, open or closed as the current one; None when the line adds nothing."""
    healing = healing_said(line)
    if healing is None or current not in meanings or healing in meanings[current]:
        return None
    opened = _is_open(meanings[current])
    fits = [c for c, m in sorted(meanings.items()) if _kind(m) == "subsequent encounter" and healing in m]
    return next((c for c in fits if _is_open(meanings[c]) == opened), fits[0] if fits else None)


def choose(meanings: dict[str, str], encounter: str | None, text: str) -> str | None:
    """The character for a code with these meanings, from the encounter and the mention's words."""
    if meanings.get("0", "").startswith(_NOT_APPLICABLE):
        fetus = _FETUS.search(text)
        return fetus.group(1) if fetus and fetus.group(1) in meanings else "0"
    wanted = encounter or "A"
    if wanted not in meanings:
        return None
    healing = next((h for h, rx in _HEALING if rx.search(text)), None)
    opened = bool(_OPEN.search(text)) and not _CLOSED.search(text)
    if healing is None and not opened:
        return wanted
    kind = "subsequent encounter" if healing else _kind(meanings[wanted])
    fits = [
        c
        for c, m in sorted(meanings.items())
        if _kind(m) == kind and (healing is None or healing in m) and _is_open(m) == opened
    ]
    if not fits and healing:  # a category whose meanings do not say open/closed
        fits = [c for c, m in sorted(meanings.items()) if _kind(m) == kind and healing in m]
    return fits[0] if fits else wanted
