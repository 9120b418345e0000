"""Deterministic intent routing: regular expressions, keywords and code detection. No model decides here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.codesets.models import HCPCS_LEVEL2_SHAPE

Intent = Literal["suggest", "denial_claim", "adjustment", "code", "compare", "quiz", "search", "help"]

# ICD-10-CM (letter, digit, alnum, optional dot + 1-4), HCPCS level II (letter + 4 digits),
# CPT (4 digits + digit/F/T/U).
ICD_RE = re.compile(r"(?i)\b([A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)\b")
HCPCS_RE = re.compile(rf"\b({HCPCS_LEVEL2_SHAPE.pattern})\b")
CPT_RE = re.compile(r"\b([0-9]{4}[0-9FTU])\b")
GROUP_CARC_RE = re.compile(r"\b(CO|PR|OA|PI|CR)[\s-]?([0-9]{1,3}|[A-Z][0-9]{1,2})\b", re.I)
CARC_RE = re.compile(r"\b(?:CARC|reason code)\s*#?\s*([0-9]{1,3}|[A-Z][0-9]{1,2})\b", re.I)
RARC_RE = re.compile(r"\b(MA[0-9]{1,3}|M[0-9]{1,3}|N[0-9]{1,3})\b", re.I)
CLAIM_RE = re.compile(r"\bclaim\s+(?:#|no\.?|number\s+)?([A-Za-z0-9][A-Za-z0-9._-]{0,37})", re.I)
DENIAL_WORDS = re.compile(r"\b(denied|denial|deny|rejected|not paid|unpaid|reduced)\b", re.I)
QUIZ_RE = re.compile(r"\b(quiz|test me|drill me|practice)\b", re.I)
QUIZ_TOPIC_RE = re.compile(r"\b(?:on|about|for)\s+(.+?)\s*(?:codes?)?\s*[?.!]*$", re.I)
COMPARE_WORDS = re.compile(r"\b(vs\.?|versus|or|difference|differ|compare|between|instead of|not)\b", re.I)
SUGGEST_WORDS = re.compile(r"^\s*(code|suggest codes?|what codes?)\b.*[:\n]", re.I)
HELP_RE = re.compile(r"^\s*(help|\?|what can you do\??|hi|hello)\s*$", re.I)

NOTE_MIN_CHARS = 80  # shorter free text is a question or a search, longer text is a note to code


@dataclass
class Route:
    intent: Intent
    codes: list[str] = field(default_factory=list)  # canonical-looking codes found in the message
    claim_id: str | None = None
    group: str | None = None
    carc: str | None = None
    rarcs: list[str] = field(default_factory=list)
    topic: str | None = None
    text: str = ""


def canonical_icd(code: str) -> str:
    nodot = code.replace(".", "").upper()
    return nodot if len(nodot) <= 3 else f"{nodot[:3]}.{nodot[3:]}"


def find_codes(text: str) -> list[str]:
    """Codes named in ``text`` in order of appearance (ICD-10-CM with the dot, HCPCS, CPT numbers)."""
    found: list[tuple[int, str]] = []
    for m in ICD_RE.finditer(text):
        token = m.group(1)
        if HCPCS_RE.fullmatch(token) or not any(ch.isdigit() for ch in token[1:]):
            continue
        if token != token.upper() and "." not in token:  # "a1c" is a word; "e11.9" is a code
            continue
        found.append((m.start(), canonical_icd(token)))
    found += [(m.start(), m.group(1)) for m in HCPCS_RE.finditer(text)]
    found += [(m.start(), m.group(1)) for m in CPT_RE.finditer(text)]
    out: list[str] = []
    for _, code in sorted(found):
        if code not in out:
            out.append(code)
    return out


def route(message: str) -> Route:
    text = message.strip()
    if not text or HELP_RE.match(text):
        return Route("help", text=text)
    is_note = len(text) >= NOTE_MIN_CHARS and (text.count(".") >= 2 or "\n" in text or len(text) > 200)
    if QUIZ_RE.search(text) and not is_note:
        m = QUIZ_TOPIC_RE.search(text)
        topic = m.group(1).strip() if m else ""
        topic = re.sub(r"\s*\bcodes?\b\s*$", "", topic, flags=re.I).strip() or None
        return Route("quiz", topic=topic, text=text)
    group_carc = GROUP_CARC_RE.search(text)
    claim = CLAIM_RE.search(text)
    if claim and DENIAL_WORDS.search(text) and not is_note:
        return Route("denial_claim", claim_id=claim.group(1).rstrip(".?!,"), text=text)
    if (group_carc or CARC_RE.search(text)) and not is_note:
        if group_carc:
            group, carc = group_carc.group(1).upper(), group_carc.group(2).upper()
            rest = text[: group_carc.start()] + " " + text[group_carc.end() :]
        else:
            m = CARC_RE.search(text)
            assert m is not None
            group, carc = None, m.group(1).upper()
            rest = text[: m.start()] + " " + text[m.end() :]
        rarcs = [r.upper() for r in RARC_RE.findall(rest)]
        return Route("adjustment", group=group, carc=carc, rarcs=rarcs, text=text)
    if is_note or SUGGEST_WORDS.match(text):
        return Route("suggest", text=text)
    codes = find_codes(text)
    if len(codes) >= 2 and COMPARE_WORDS.search(text):
        return Route("compare", codes=codes[:2], text=text)
    if codes:
        return Route("code", codes=codes, text=text)
    return Route("search", text=text)
