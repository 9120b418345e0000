"""ICD-10-CM tabular list (CDC XML) -> codes, code_notes and seven_chr rows.

Hierarchy stored in ``codes``: chapter ("1".."22") > block (section id, e.g. "E08-E13") > category >
subcategory > 7-character code. 7th-character codes are generated from the nearest ``sevenChrDef``
(own or inherited) at every leaf, padded with the placeholder X (T36.0X1 + A -> T36.0X1A), and kept only
when the release's official code list names them (CDC excludes a few combinations).

The 39 blocks that hold a single category (section id "B99", same as the category) are stored as
"B99-B99" so that both the block and the category keep a row: 98,505 rows in the April-2026 release.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.models import ICD10CM, code_notes, codes, seven_chr

NOTE_TAGS = {
    "inclusionTerm": "inclusion_term",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional",
    "codeAlso": "code_also",
    "notes": "note",
    "sevenChrNote": "seven_chr_note",
}

_CODE = r"[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{0,4})?"
_REF = re.compile(rf"\b({_CODE})\s?-\s?({_CODE}-?)|\b({_CODE}-?)")
_PAREN = re.compile(r"\(([^()]*)\)")


def extract_refs(text: str) -> list[str]:
    """Codes and ranges named in parentheses: "(E08-E13)", "(N18.-)", "(K85-K86.-)", "(Z79.4)"."""
    found: list[str] = []
    for group in _PAREN.findall(text):
        for lo, hi, one in _REF.findall(group):
            ref = f"{lo}-{hi}" if lo else one
            if ref not in found:
                found.append(ref)
    return found


def nodot(code: str) -> str:
    return code.replace(".", "").upper()


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


class _Builder:
    def __init__(self, confirmed: set[str]) -> None:
        self.confirmed = confirmed
        self.code_rows: list[dict[str, Any]] = []
        self.note_rows: list[dict[str, Any]] = []
        self.seven_rows: list[dict[str, Any]] = []
        self.counts = {"chapters": 0, "blocks": 0, "categories": 0, "subcategories": 0, "seven_char_codes": 0}
        self.order = 0
        self.empty_note_elements = 0

    def add_code(
        self, code: str, kind: str, title: str, parent: str | None, chapter: str, **extra: Any
    ) -> dict:
        self.order += 1
        row = {
            "system": ICD10CM,
            "code": code,
            "code_nodot": nodot(code),
            "kind": kind,
            "title": title,
            "long_title": None,
            "billable": False,
            "parent": parent,
            "chapter": chapter,
            "sort_order": self.order,
            "effective_from": None,
            "effective_to": None,
            "extra": extra or None,
        }
        self.code_rows.append(row)
        return row

    def read_notes(self, el: Any, code: str) -> dict[str, str] | None:
        """Notes written directly under ``el``; returns this element's sevenChrDef (if any)."""
        seven: dict[str, str] | None = None
        position = 0
        for child in el:
            tag = child.tag
            if tag in NOTE_TAGS:
                lines = [_text(note) for note in child if note.tag == "note"]
                lines = [line for line in lines if line]
                if not lines:
                    self.empty_note_elements += 1
                for line in lines:
                    position += 1
                    self.note_rows.append(
                        {
                            "code": code,
                            "kind": NOTE_TAGS[tag],
                            "position": position,
                            "text": line,
                            "ref_codes": extract_refs(line),
                        }
                    )
            elif tag == "sevenChrDef":
                seven = {}
                last: str | None = None
                for ext in child:
                    if ext.tag == "extension":
                        last = ext.get("char")
                        seven[last] = _text(ext)
                    elif ext.tag == "note" and last is not None and _text(ext):
                        seven[last] = f"{seven[last]}/{_text(ext)}"
                for char, meaning in seven.items():
                    self.seven_rows.append({"code": code, "char": char, "meaning": meaning})
        return seven

    def chapter(self, el: Any) -> None:
        name = _text(el.find("name"))
        self.add_code(name, "chapter", _text(el.find("desc")), None, name)
        self.counts["chapters"] += 1
        self.read_notes(el, name)
        for section in el.findall("section"):
            self.block(section, name)

    def block(self, el: Any, chapter: str) -> None:
        section_id = el.get("id")
        code = section_id if "-" in section_id else f"{section_id}-{section_id}"
        extra = {"section_id": section_id} if code != section_id else {}
        self.add_code(code, "block", _text(el.find("desc")), chapter, chapter, **extra)
        self.counts["blocks"] += 1
        seven = self.read_notes(el, code)
        for diag in el.findall("diag"):
            self.diag(diag, code, chapter, seven)

    def diag(self, el: Any, parent: str, chapter: str, inherited_seven: dict[str, str] | None) -> None:
        name = _text(el.find("name"))
        title = _text(el.find("desc"))
        kind = "category" if len(name) == 3 else "subcategory"
        row = self.add_code(name, kind, title, parent, chapter)
        self.counts["categories" if kind == "category" else "subcategories"] += 1
        own = self.read_notes(el, name)
        seven = own if own else inherited_seven
        children = el.findall("diag")
        for child in children:
            self.diag(child, name, chapter, seven)
        if children:
            return
        generated = 0
        if seven:
            base = name if "." in name else f"{name}."
            base = base.ljust(7, "X")
            for char, meaning in seven.items():
                code = base + char
                if nodot(code) not in self.confirmed:
                    continue
                ext = self.add_code(code, "code", f"{title}, {meaning}", name, chapter)
                ext["billable"] = True
                generated += 1
            self.counts["seven_char_codes"] += generated
        if not generated:
            row["billable"] = True


def read_code_list(path: Path) -> set[str]:
    return {
        line.split(" ")[0].replace(".", "") for line in path.read_text(encoding="utf-8").splitlines() if line
    }


def parse(tabular: Path, code_list: Path) -> _Builder:
    builder = _Builder(read_code_list(code_list))
    root = etree.parse(str(tabular), etree.XMLParser(resolve_entities=False, huge_tree=True)).getroot()
    chapters = root.findall("chapter")
    if root.tag != "ICD10CM.tabular" or not chapters:
        raise ValueError(
            f"root element is <{root.tag}> with {len(chapters)} chapters; expected <ICD10CM.tabular>"
        )
    for chapter in chapters:
        builder.chapter(chapter)
    return builder


def load(ctx: LoadContext) -> dict[str, int]:
    tabular = ctx.file(role="tabular")
    code_list = ctx.file(role="code_list")
    try:
        builder = parse(tabular, code_list)
    except (etree.XMLSyntaxError, ValueError, AttributeError, TypeError) as exc:
        raise ctx.corrupt(tabular, f"is not a readable ICD-10-CM tabular XML ({exc})") from exc
    if not builder.code_rows:
        raise ctx.corrupt(tabular, "holds no codes")
    listed = read_code_list(code_list)
    stored = {row["code_nodot"] for row in builder.code_rows} | {
        row["extra"]["section_id"] for row in builder.code_rows if row["extra"]
    }
    missing = sorted(listed - stored)
    if missing:
        raise ctx.corrupt(code_list, f"names {len(missing)} codes absent from the tabular XML: {missing[:5]}")
    ctx.insert(codes, builder.code_rows)
    ctx.insert(code_notes, builder.note_rows)
    ctx.insert(seven_chr, builder.seven_rows)
    counts = dict(builder.counts)
    counts["codes"] = len(builder.code_rows)
    counts["billable"] = sum(1 for row in builder.code_rows if row["billable"])
    counts["notes"] = len(builder.note_rows)
    counts["seven_chr_defs"] = len(builder.seven_rows)
    counts["empty_note_elements"] = builder.empty_note_elements
    return counts
