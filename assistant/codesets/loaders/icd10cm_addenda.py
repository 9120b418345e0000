"""ICD-10-CM release derived from a full tabular release plus the next fiscal year's code addenda.

The CMS/NCHS addenda (``icd10cm_codes_addenda_<year>.txt``) list billable codes only: ``Add:``,
``Delete:``, ``Revise from:`` / ``Revise to:`` lines (code without a dot, then the long description).
Applied to the base tabular list (``loaders/icd10cm.py``) they give the new release:

- added codes get a row under their nearest ancestor; missing headers in between are created (a
  7th-character code hangs under its 6-character subcategory, placeholder X stripped), and a billable
  code that gains children becomes a non-billable header (D69.1 -> D69.11, D69.19);
- deleted codes that gained children stay as headers; the others are removed, and so are headers left
  without any child (T52.8X1 once every T52.8X1- code is deleted);
- revised codes get their new title.

New codes carry no notes of their own: they inherit the notes and 7th-character definitions of their
headers, category and block through the hierarchy, as every code does. Header titles the addenda do not
give are derived from the children (common wording) and flagged ``extra.title_derived``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.codesets.loaders import icd10cm
from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.models import code_notes, codes, seven_chr

_SUMMARY = re.compile(r"^(\d+)\s+(additions|deletions|revisions)$")
_LINE = re.compile(r"^(Add|Delete|Revise from|Revise to):\s+([A-Z0-9]{3,7})\s+(.+?)\s*$")


@dataclass
class Addenda:
    added: dict[str, str] = field(default_factory=dict)  # code without dot -> title
    deleted: dict[str, str] = field(default_factory=dict)
    revised: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (old, new)


def dotted(code: str) -> str:
    code = code.upper().replace(".", "")
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def read_addenda(path: Path) -> Addenda:
    result = Addenda()
    pending: dict[str, str] = {}
    summary: dict[str, int] = {}
    in_summary = False
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        if raw.strip() == "Codes" or in_summary:  # trailing summary: "    190 additions"
            in_summary = True
            count = _SUMMARY.match(raw.strip())
            if count:
                summary[count[2]] = int(count[1])
            continue
        found = _LINE.match(raw.strip())
        if found is None:
            raise ValueError(f"line {n} is not an Add/Delete/Revise line: {raw[:60]!r}")
        action, code, title = found.groups()
        if action == "Add":
            result.added[code] = title
        elif action == "Delete":
            result.deleted[code] = title
        elif action == "Revise from":
            pending[code] = title
        else:
            if code not in pending:
                raise ValueError(f"line {n}: 'Revise to' {code} without a 'Revise from' line")
            result.revised[code] = (pending.pop(code), title)
    if pending:
        raise ValueError(f"'Revise from' without 'Revise to' for {sorted(pending)}")
    for word, got in (
        ("additions", len(result.added)),
        ("deletions", len(result.deleted)),
        ("revisions", len(result.revised)),
    ):
        if word in summary and summary[word] != got:
            raise ValueError(f"the summary says {summary[word]} {word}, the file lists {got}")
    return result


def _common_title(titles: list[str]) -> str | None:
    words = [t.split() for t in titles]
    shared: list[str] = []
    for group in zip(*words, strict=False):
        if len(set(group)) != 1:
            break
        shared.append(group[0])
    return " ".join(shared).rstrip(",;") if len(shared) >= 2 else None


def _stem(title: str) -> str:
    """A title before its site or qualifier tail ("Plantar fasciitis, right foot" -> "Plantar fasciitis")."""
    return title.split(", ")[0].strip()


def _common_ancestor(release: _Release, codes: list[str]) -> str:
    """The deepest header above every code (the code itself when there is one)."""
    lineage: list[str] = []
    current: str | None = codes[0]
    while current is not None:
        lineage.append(current)
        current = release.rows[current]["parent"]
    for candidate in lineage:
        if all(release.under(c, candidate) for c in codes):
            return candidate
    return codes[0]


class _Release:
    """The base release's rows, editable by code, with the derivation log."""

    def __init__(self, builder: Any) -> None:
        self.rows: dict[str, dict[str, Any]] = {row["code"]: row for row in builder.code_rows}
        self.order = [row["code"] for row in builder.code_rows]
        self.notes = builder.note_rows
        self.sevens: dict[str, dict[str, str]] = {}
        for row in builder.seven_rows:
            self.sevens.setdefault(row["code"], {})[row["char"]] = row["meaning"]
        self.seven_rows = builder.seven_rows
        self.children: dict[str, list[str]] = {}
        for row in builder.code_rows:
            if row["parent"] is not None:
                self.children.setdefault(row["parent"], []).append(row["code"])
        self.created: list[str] = []  # headers this derivation added
        self.made_header: list[str] = []  # billable codes that became headers
        self.removed: list[str] = []
        self.moved: list[tuple[str, str, str]] = []  # (deleted code, inclusion term, its new home)

    def seven_for(self, code: str) -> dict[str, str]:
        current: str | None = code
        while current is not None:
            if current in self.sevens:
                return self.sevens[current]
            current = self.rows[current]["parent"] if current in self.rows else None
        return {}

    def nearest(self, code: str) -> str | None:
        for size in range(len(code) - 1, 2, -1):
            prefix = code[:size].rstrip(".")
            if prefix in self.rows:
                return prefix
        return None

    def _category_block(self, category: str) -> str:
        """The block of the category just before ``category`` in code order (a new category joins it)."""
        cats = sorted(c for c, r in self.rows.items() if r["kind"] == "category" and c < category)
        if not cats:
            raise ValueError(f"no category precedes {category}: cannot place it in a block")
        return str(self.rows[cats[-1]]["parent"])

    def _add(self, code: str, kind: str, parent: str, title: str, billable: bool, **extra: Any) -> None:
        chapter = self.rows[parent]["chapter"]
        self.rows[code] = {
            "system": self.rows[parent]["system"],
            "code": code,
            "code_nodot": icd10cm.nodot(code),
            "kind": kind,
            "title": title,
            "long_title": None,
            "billable": billable,
            "parent": parent,
            "chapter": chapter,
            "sort_order": 0,
            "effective_from": None,
            "effective_to": None,
            "extra": extra or None,
        }
        self.children.setdefault(parent, []).append(code)

    def ensure_header(self, code: str) -> str:
        if code in self.rows:
            row = self.rows[code]
            if row["billable"]:
                row["billable"] = False
                self.made_header.append(code)
            return code
        if len(code) == 3:
            parent = self._category_block(code)
            kind = "category"
        else:
            parent = self.ensure_header(code[:-1].rstrip("."))
            kind = "subcategory"
        self._add(code, kind, parent, "", False, title_derived=True)
        self.created.append(code)
        return code

    def add_code(self, raw: str, title: str) -> None:
        code = dotted(raw)
        if code in self.rows and self.rows[code]["billable"]:
            raise ValueError(f"added code {code} already exists in the base release")
        near = self.nearest(code)
        seven = self.seven_for(near) if near else {}
        is_seventh = len(raw) == 7 and raw[-1] in seven and title.endswith(f", {seven[raw[-1]]}")
        if is_seventh:
            parent = code[:-1].rstrip("X")
            kind = "code"
        else:
            parent = code[:-1].rstrip(".")
            kind = "category" if len(raw) == 3 else "subcategory"
        if kind == "category":
            self._add(code, kind, self._category_block(code), title, True)
        else:
            self._add(code, kind, self.ensure_header(parent), title, True)

    def title_headers(self) -> None:
        """Titles of created headers, deepest first (their children's titles are then known)."""
        for code in sorted(self.created, key=len, reverse=True):
            kids = [self.rows[c] for c in self.children.get(code, [])]
            seven = self.seven_for(code)
            title = None
            seventh = [k for k in kids if k["kind"] == "code"]
            if seventh:
                k = seventh[0]
                suffix = f", {seven.get(k['code'][-1], '')}"
                title = k["title"][: -len(suffix)] if k["title"].endswith(suffix) else None
            title = title or _common_title([k["title"] for k in kids])
            if title is None:
                unspecified = [k["title"] for k in kids if k["title"].startswith("Unspecified ")]
                if unspecified:
                    rest = unspecified[0][len("Unspecified ") :]
                    title = rest[:1].upper() + rest[1:]
            if title is None:  # no shared wording: name the header by what it holds
                names = [k["title"] for k in kids]
                title = "; ".join(names[:3]) + ("; ..." if len(names) > 3 else "")
            self.rows[code]["title"] = title

    def delete(self, raw: str) -> None:
        code = dotted(raw)
        if code not in self.rows:
            raise ValueError(f"deleted code {code} is not in the base release")
        row = self.rows[code]
        if self.children.get(code):
            if row["billable"]:
                row["billable"] = False
                self.made_header.append(code)
            return
        self._remove(code)

    def _remove(self, code: str) -> None:
        row = self.rows.pop(code)
        self.removed.append(code)
        parent = row["parent"]
        if parent is not None:
            siblings = self.children.get(parent, [])
            siblings.remove(code)
            if (
                not siblings
                and not self.rows[parent]["billable"]
                and self.rows[parent]["kind"] == "subcategory"
            ):
                self._remove(parent)

    def under(self, code: str, ancestor: str) -> bool:
        current: str | None = code
        while current is not None:
            if current == ancestor:
                return True
            current = self.rows[current]["parent"] if current in self.rows else None
        return False

    def move_terms(self, addenda: Addenda) -> None:
        """A deleted code's inclusion term that the addenda give codes of their own elsewhere moves there,
        and the deleted code excludes it (FY2027: "Plantar fasciitis" leaves M72.2 for the new M67.A0-).

        The addenda list titles only; the moved term is the stem the new codes' titles share before the
        site ("Plantar fasciitis, right foot"). The Excludes1 note is what the Tabular List says at the old
        code, so that a coder (and the Index walk) following an older Index entry is sent on."""
        added = [dotted(raw) for raw in addenda.added]
        for raw in addenda.deleted:
            old = dotted(raw)
            if old not in self.rows:
                continue
            for note in [n for n in self.notes if n["code"] == old and n["kind"] == "inclusion_term"]:
                term = note["text"].strip()
                homes = [
                    c
                    for c in added
                    if c in self.rows
                    and not self.under(c, old)
                    and _stem(self.rows[c]["title"]).lower() == term.lower()
                ]
                if not homes:
                    continue
                home = _common_ancestor(self, homes)
                note["code"] = home
                position = max((n["position"] for n in self.notes if n["code"] == old), default=0) + 1
                self.notes.append(
                    {
                        "code": old,
                        "kind": "excludes1",
                        "position": position,
                        "text": f"{term[:1].lower()}{term[1:]} ({home}-)",
                        "ref_codes": [f"{home}-"],
                    }
                )
                self.moved.append((old, term, home))

    def ordered_rows(self) -> list[dict[str, Any]]:
        """Depth-first document order: base rows keep theirs, new ones join their siblings by code."""
        position = {code: i for i, code in enumerate(self.order)}
        roots = [c for c in self.order if c in self.rows and self.rows[c]["parent"] is None]
        out: list[dict[str, Any]] = []

        def kids(code: str) -> list[str]:
            existing = [c for c in self.children.get(code, []) if c in position]
            existing.sort(key=position.__getitem__)
            for new in sorted(c for c in self.children.get(code, []) if c not in position):
                at = next((i for i, c in enumerate(existing) if c > new), len(existing))
                existing.insert(at, new)
            return existing

        stack = list(reversed(roots))
        while stack:
            code = stack.pop()
            row = self.rows[code]
            row["sort_order"] = len(out) + 1
            out.append(row)
            stack.extend(reversed(kids(code)))
        return out


def derive(tabular: Path, code_list: Path, addenda: Addenda) -> tuple[_Release, list[dict[str, Any]]]:
    release = _Release(icd10cm.parse(tabular, code_list))
    for raw, title in sorted(addenda.added.items(), key=lambda item: (len(item[0]), item[0])):
        release.add_code(raw, title)
    for raw in addenda.deleted:
        release.delete(raw)
    for raw, (_old, new) in addenda.revised.items():
        code = dotted(raw)
        if code not in release.rows:
            raise ValueError(f"revised code {code} is not in the base release")
        release.rows[code]["title"] = new
    release.title_headers()
    release.move_terms(addenda)
    return release, release.ordered_rows()


def load(ctx: LoadContext) -> dict[str, int]:
    addenda_path = ctx.file(role="addenda")
    try:
        addenda = read_addenda(addenda_path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ctx.corrupt(addenda_path, f"is not a readable ICD-10-CM code addenda file ({exc})") from exc
    tabular = ctx.file(role="tabular")
    try:
        release, rows = derive(tabular, ctx.file(role="code_list"), addenda)
    except ValueError as exc:
        raise ctx.corrupt(addenda_path, f"does not apply to the base release ({exc})") from exc
    kept = set(release.rows)
    notes = [n for n in release.notes if n["code"] in kept]
    sevens = [s for s in release.seven_rows if s["code"] in kept]
    ctx.insert(codes, rows)
    ctx.insert(code_notes, notes)
    ctx.insert(seven_chr, sevens)
    counts = {
        "codes": len(rows),
        "billable": sum(1 for r in rows if r["billable"]),
        "added": len(addenda.added),
        "deleted": len(addenda.deleted),
        "revised": len(addenda.revised),
        "headers_created": len(release.created),
        "codes_made_headers": len(release.made_header),
        "rows_removed": len(release.removed),
        "inclusion_terms_moved": len(release.moved),
        "notes": len(notes),
        "seven_chr_defs": len(sevens),
    }
    plural = {"chapter": "chapters", "block": "blocks", "category": "categories"}
    plural.update(subcategory="subcategories", code="seven_char_codes")
    for kind, name in plural.items():
        counts[name] = sum(1 for r in rows if r["kind"] == kind)
    return counts
