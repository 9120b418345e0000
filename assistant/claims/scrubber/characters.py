"""Characters an X12 837 can carry: the 005010 extended character set is printable ASCII (space to ``~``).

Accented letters (José, Müller), tabs and other control characters pass the import format, but the 837
cannot carry them; this rule flags each such field with the ASCII spelling to use, so the claim is fixed
before an export, instead of failing there (and holding up the rest of a payer batch).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from assistant.claims.schemas import ClaimImport, Finding
from assistant.claims.scrubber.base import ScrubContext, error, rule

RULE_ID = "x12-characters"
_NOT_X12 = re.compile(r"[^\x20-\x7e]")
_LINE = re.compile(r"^lines\[(\d+)\]")
# Letters NFKD does not split into a base letter and an accent.
_SPELLED = {"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "Þ": "TH", "þ": "th",
            "Ð": "D", "ð": "d", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "ı": "i"}  # fmt: skip


def ascii_spelling(text: str) -> str:
    """The closest X12-safe spelling: accents dropped, ß as ss, tabs and control characters as spaces."""
    out = []
    for ch in text:
        if "\x20" <= ch <= "\x7e":
            out.append(ch)
        elif ch in _SPELLED:
            out.append(_SPELLED[ch])
        elif unicodedata.category(ch).startswith(("C", "Z")):
            out.append(" ")
        else:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
            out.append(base if base.isprintable() else "")
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _shown(ch: str) -> str:
    return repr(ch) if unicodedata.category(ch).startswith("C") else ch


@rule(RULE_ID, "Every text an 837 carries is in the X12 extended character set (printable ASCII).")
def x12_characters(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    for field, value in _strings(claim.model_dump(mode="json")):
        bad = sorted(set(_NOT_X12.findall(value)))
        if not bad:
            continue
        line = _LINE.match(field)
        spelled = ascii_spelling(value)
        yield error(
            RULE_ID,
            f"{field} holds {', '.join(_shown(ch) for ch in bad)}, which an X12 837 cannot carry",
            line=int(line.group(1)) + 1 if line else None,
            field=field,
            fix=f"type it in plain ASCII: {spelled!r}" if spelled else "remove those characters",
        )
