"""Read-only queries over the reference SQLite (the only module that builds SQL for code sets).

``CodeSetRepository`` implements the ICD/generic part of ``ReferenceLookup``; the CMS part (NCCI, MUE,
MCE, POS, modifiers, CARC/RARC) comes from ``CmsQueriesMixin``. Each call opens a pooled connection,
so one repository can be shared by web-app threads. Codes are accepted with or without the dot.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import BindParameter, Engine, bindparam, create_engine, text

from assistant.codesets import fts
from assistant.codesets.cms_repository import CmsQueriesMixin
from assistant.codesets.models import ICD10CM, ICD10CM_INDEX
from assistant.codesets.schemas import CodeInfo, CodeNotes, CodeRef, ReleaseInfo, SearchHit
from assistant.core.errors import NoReleaseForDate, NotReady, UnknownCode

LOAD_FIX = "run `assistant codesets load`"
ICD10CM_START = date(2015, 10, 1)  # ICD-10-CM replaced ICD-9-CM for dates of service from this day
_LIST_KINDS = {
    "inclusion_term": "inclusion_terms",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "code_first": "code_first",
    "use_additional": "use_additional",
    "code_also": "code_also",
    "note": "notes",
}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def normalise(code: str) -> str:
    """Upper case, no dot, no surrounding blanks: " e11.65 " -> "E1165"."""
    return code.strip().upper().replace(".", "")


def display_code(code: str, system: str) -> str:
    raw = code.strip().upper()
    if system == ICD10CM and "." not in raw and "-" not in raw and len(raw) > 3:
        return f"{raw[:3]}.{raw[3:]}"
    return raw


def _covers(info: ReleaseInfo, on: date) -> bool:
    return (info.effective_from is None or info.effective_from <= on) and (
        info.effective_to is None or on <= info.effective_to
    )


@lru_cache(maxsize=65536)
def ref_covers(ref: str, code: str) -> bool:
    """Whether a code or range named in a note ("E08-E13", "N18.-", "K85-K86.-", "Z79.4") covers ``code``."""
    target = normalise(code)
    ref = ref.strip().upper()
    body = ref.rstrip("-").rstrip(".")
    if "-" in body:
        lo, hi = (normalise(part).rstrip("-") for part in body.split("-", 1))
        return bool(lo and hi) and target[: len(lo)] >= lo and target[: len(hi)] <= hi
    prefix = normalise(body)
    return bool(prefix) and target.startswith(prefix)


@dataclass
class _IndexNode:
    id: int
    level: int
    path: str
    term: str
    code: str | None
    see: str | None
    see_also: str | None
    children: list[_IndexNode] = field(default_factory=list)


def _term_matches(term: str, phrase: str, exact: bool) -> bool:
    t, p = term.lower().strip(), phrase.lower().strip()
    if exact:
        return t == p
    return t.startswith(p + ",") or t.startswith(p + " (") or t.startswith(p + " ")


def _walk(nodes: list[_IndexNode], parts: list[str]) -> _IndexNode | None:
    for exact in (True, False):
        for node in nodes:
            for k in range(len(parts), 0, -1):
                if not _term_matches(node.term, ", ".join(parts[:k]), exact):
                    continue
                if k == len(parts):
                    return node
                found = _walk(node.children, parts[k:])
                if found is not None:
                    return found
    return None


class CodeSetRepository(CmsQueriesMixin):
    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self._lock = threading.Lock()
        self._cache_key: float | None = None
        self._releases: list[tuple[int, ReleaseInfo]] = []

    # ------------------------------------------------------------------ plumbing
    @classmethod
    def open(cls, path: Path | str) -> CodeSetRepository:
        path = Path(path)
        if not path.is_file():
            raise NotReady(
                f"code sets are not loaded ({path} is missing)", field="reference_db", fix=LOAD_FIX
            )
        engine = create_engine(
            f"sqlite:///file:{path.resolve()}?mode=ro&uri=true",
            connect_args={"check_same_thread": False},
            pool_size=8,
            max_overflow=8,
        )
        return cls(engine, path)

    def close(self) -> None:
        self.engine.dispose()

    def _rows(self, sql: str, **params: Any) -> list[Any]:
        """Rows of ``sql``; a tuple parameter is a list for ``IN :name``."""
        statement = text(sql)
        lists: list[BindParameter[Any]] = [
            bindparam(k, expanding=True) for k, v in params.items() if isinstance(v, tuple)
        ]
        if lists:
            statement = statement.bindparams(*lists)
        with self.engine.connect() as conn:
            return list(conn.execute(statement, params))

    def _all_releases(self) -> list[tuple[int, ReleaseInfo]]:
        key = self.path.stat().st_mtime if self.path and self.path.exists() else 0.0
        with self._lock:
            if self._cache_key != key or not self._releases:
                if self._cache_key is not None and self._cache_key != key:
                    self.engine.dispose()  # the file was rebuilt: drop connections to the old one
                rows = self._rows(
                    "SELECT id, system, release, effective_from, effective_to, source, license, sha256, "
                    "stale, row_count, user_imported, manifest FROM releases"
                )
                infos = []
                for r in rows:
                    manifest = _json(r.manifest) or {}
                    infos.append(
                        (
                            r.id,
                            ReleaseInfo(
                                system=r.system,
                                release=r.release,
                                effective_from=r.effective_from,
                                effective_to=r.effective_to,
                                source=r.source,
                                license=r.license,
                                sha256=r.sha256,
                                stale=bool(r.stale),
                                row_count=r.row_count,
                                user_imported=bool(r.user_imported),
                                counts=manifest.get("counts", {}),
                            ),
                        )
                    )
                infos.sort(key=lambda x: (x[1].effective_from or date.min, x[0]), reverse=True)
                self._releases = infos
                self._cache_key = key
            return self._releases

    # ------------------------------------------------------------------ releases
    def releases(self, system: str | None = None) -> list[ReleaseInfo]:
        """Loaded releases, newest first."""
        return [info for _, info in self._all_releases() if system is None or info.system == system]

    def release_id_for(self, system: str, on: date | None = None) -> int:
        return self._release(system, on)[0]

    def release_for(self, system: str, on: date | None = None) -> ReleaseInfo:
        return self._release(system, on)[1]

    def _release(self, system: str, on: date | None) -> tuple[int, ReleaseInfo]:
        mine = [(rid, info) for rid, info in self._all_releases() if info.system == system]
        if not mine:
            raise NotReady(
                f"no {system} release is loaded",
                field="system",
                fix=f"{LOAD_FIX}, or import one with `assistant codesets import`",
            )
        if on is None:
            return mine[0]
        for rid, info in mine:
            if _covers(info, on):
                return rid, info
        if system == ICD10CM:
            return self._icd10cm_outside_releases(mine, on)
        ranges = "; ".join(
            f"{i.release} ({i.effective_from or 'open'} to {i.effective_to or 'open'})" for _, i in mine
        )
        raise NoReleaseForDate(
            f"no {system} release covers {on.isoformat()}; loaded: {ranges}",
            field="on",
            fix=f"import the {system} release in force on {on.isoformat()} with `assistant codesets import`",
        )

    def _icd10cm_outside_releases(
        self, mine: list[tuple[int, ReleaseInfo]], on: date
    ) -> tuple[int, ReleaseInfo]:
        """A date no loaded tabular release covers: the ICD-9 era, after the newest release, or a date
        since 2015-10-01 whose code validity the MCE tables give (the closest later release then serves
        titles, hierarchy and notes; ``get_code`` checks validity on the date)."""
        if on < ICD10CM_START:
            raise NoReleaseForDate(
                f"{on.isoformat()} is before ICD-10-CM: diagnoses for dates of service before "
                f"{ICD10CM_START.isoformat()} are coded in ICD-9-CM, which this product does not carry",
                field="date_of_service",
                fix="check the date of service; a claim for a visit before 2015-10-01 must use "
                "ICD-9-CM codes",
            )
        ends = [info.effective_to for _, info in mine]
        if all(end is not None for end in ends) and on > max(e for e in ends if e is not None):
            newest = max(mine, key=lambda item: item[1].effective_to or date.max)[1]
            fiscal = on.year + 1 if on.month >= 10 else on.year
            raise NoReleaseForDate(
                f"no ICD-10-CM release covers {on.isoformat()}: the newest loaded release, {newest.release}, "
                f"ends on {newest.effective_to}; {on.isoformat()} needs the FY{fiscal} release "
                f"(effective {fiscal - 1}-10-01 to {fiscal}-09-30)",
                field="date_of_service",
                fix=f"import CDC's FY{fiscal} ICD-10-CM files with `assistant codesets import FILE.zip`, "
                "or correct the date of service",
            )
        later = [item for item in mine if item[1].effective_from and item[1].effective_from > on]
        if later and self.has_code_validity():
            return min(later, key=lambda item: item[1].effective_from or date.max)
        ranges = "; ".join(
            f"{i.release} ({i.effective_from or 'open'} to {i.effective_to or 'open'})" for _, i in mine
        )
        raise NoReleaseForDate(
            f"no ICD-10-CM release covers {on.isoformat()}; loaded: {ranges}",
            field="on",
            fix="load the MCE tables (code validity since 2015-10-01) with `assistant codesets load`, or "
            f"import the ICD-10-CM release in force on {on.isoformat()} with `assistant codesets import`",
        )

    def has_code_validity(self) -> bool:
        """Whether a dated MCE table (ICD-10-CM code validity since 2015-10-01) is loaded."""
        found = self._mce_release()
        return found is not None and self._mce_has_tables(found[0])

    def icd10cm_release_in_force(self, on: date | None = None) -> ReleaseInfo:
        """The ICD-10-CM release whose codes, titles and notes apply on ``on`` (today when None)."""
        return self._release(ICD10CM, on or date.today())[1]

    # ------------------------------------------------------------------ codes
    def _code_row(self, rid: int, code: str) -> Any | None:
        rows = self._rows(
            "SELECT code, system, kind, title, long_title, billable, parent, chapter, extra "
            "FROM codes WHERE release_id = :r AND code_nodot = :c ORDER BY sort_order LIMIT 1",
            r=rid,
            c=normalise(code),
        )
        return rows[0] if rows else None

    def suggest_code(self, code: str, system: str = ICD10CM, on: date | None = None) -> str | None:
        """The closest existing code (rapidfuzz ratio, favouring a shared prefix and billable codes)."""
        rid, _ = self._release(system, on)
        target = normalise(code)
        if not target:
            return None
        for prefix in (target[:3], target[:1]):
            rows = self._rows(
                "SELECT code, code_nodot, billable FROM codes WHERE release_id = :r AND code_nodot LIKE :p",
                r=rid,
                p=f"{prefix}%",
            )
            if rows:
                break
        best: tuple[float, str] | None = None
        for row in rows:
            shared = next(
                (i for i, (a, b) in enumerate(zip(row.code_nodot, target, strict=False)) if a != b),
                min(len(row.code_nodot), len(target)),
            )
            score = fuzz.ratio(row.code_nodot, target) + 3 * shared + (2 if row.billable else 0)
            if best is None or score > best[0]:
                best = (score, row.code)
        return best[1] if best and best[0] >= 50 else None

    def validity_text(self, code: str) -> str:
        """ "from 2026-10-01" / "2015-10-01 to 2026-09-30": when an ICD-10-CM code was valid ("" unknown)."""
        spans = self.code_validity(code)
        return ", ".join(f"from {start}" if end is None else f"{start} to {end}" for start, end in spans)

    def _unknown(self, code: str, system: str, on: date | None, release: str) -> UnknownCode:
        article = "an" if system[:1] in "AEFHILMNORSX" else "a"
        shown = display_code(code, system) or repr(code)
        suggestion = self.suggest_code(code, system, on)
        validity = self.validity_text(code) if system == ICD10CM and on is not None else ""
        if validity and on is not None:
            return UnknownCode(
                f"{shown} was not valid on {on.isoformat()} (ICD-10-CM release {release}): "
                f"it is valid {validity}",
                suggestion=suggestion,
            )
        if on is not None:
            return UnknownCode(
                f"{shown} does not exist in {system} on {on.isoformat()} (release {release})",
                suggestion=suggestion,
            )
        return UnknownCode(
            f"{shown} is not {article} {system} code in release {release}", suggestion=suggestion
        )

    def get_code(self, code: str, system: str = ICD10CM, on: date | None = None) -> CodeInfo:
        rid, info = self._release(system, on)
        if system == ICD10CM and on is not None and not _covers(info, on):
            return self._historical_code(code, on, info)
        row = self._code_row(rid, code)
        if row is None:
            raise self._unknown(code, system, on, info.release)
        return self._tabular_info(rid, info, row, on)

    def _historical_code(self, code: str, on: date, basis: ReleaseInfo) -> CodeInfo:
        """A code on a date before every loaded release: valid (billable) when an MCE range covers the
        date; its title, hierarchy and notes come from the newest release that holds it."""
        spans = self.code_validity(code)
        valid = any(start <= on and (end is None or on <= end) for start, end in spans)
        holder = None
        for rid, info in self._all_releases():
            if info.system == ICD10CM:
                row = self._code_row(rid, code)
                if row is not None:
                    holder = (rid, info, row)
                    break
        mce = self.release_for("MCE").release
        if holder is None:
            if not valid:
                raise self._unknown(code, ICD10CM, on, basis.release)
            return CodeInfo(
                code=display_code(code, ICD10CM),
                system=ICD10CM,
                title="(title not in the loaded releases)",
                kind="code",
                billable=True,
                release=f"MCE {mce} validity",
                valid_on=on,
            )
        rid, info, row = holder
        result = self._tabular_info(rid, info, row, on)
        if valid:
            result.billable = True
            result.children = []
        elif spans or row.billable:  # a billable code, but not on this date
            raise self._unknown(code, ICD10CM, on, basis.release)
        result.release = f"{info.release} (validity on {on.isoformat()} from MCE {mce})"
        return result

    def _tabular_info(self, rid: int, info: ReleaseInfo, row: Any, on: date | None) -> CodeInfo:
        parents = self._ancestors(rid, row.code)
        children = [
            CodeRef(code=r.code, title=r.title, billable=bool(r.billable))
            for r in self._rows(
                "SELECT code, title, billable FROM codes WHERE release_id = :r AND parent = :c "
                "ORDER BY sort_order",
                r=rid,
                c=row.code,
            )
        ]
        notes = self._notes(rid, [row.code] + [p.code for p in parents])
        own = notes.pop(row.code, CodeNotes())
        inherited = {p.code: notes[p.code] for p in reversed(parents) if p.code in notes}
        return CodeInfo(
            code=row.code,
            system=row.system,
            title=row.title,
            long_title=row.long_title,
            kind=row.kind,
            billable=bool(row.billable),
            chapter=row.chapter,
            parent=row.parent,
            release=info.release,
            valid_on=on,
            parents=parents,
            children=children,
            notes=own,
            inherited_notes=inherited,
            extra=_json(row.extra) or {},
        )

    def find_code(self, code: str, system: str = ICD10CM, on: date | None = None) -> CodeInfo | None:
        try:
            return self.get_code(code, system, on)
        except UnknownCode:
            return None

    def is_valid(self, code: str, system: str = ICD10CM, on: date | None = None) -> bool:
        if system == ICD10CM:
            return self.find_code(code, system, on) is not None
        rid, _ = self._release(system, on)
        return self._code_row(rid, code) is not None

    def is_billable(self, code: str, system: str = ICD10CM, on: date | None = None) -> bool:
        if system == ICD10CM:
            found = self.find_code(code, system, on)
            return bool(found and found.billable)
        rid, _ = self._release(system, on)
        row = self._code_row(rid, code)
        return bool(row and row.billable)

    def _ancestors(self, rid: int, code: str) -> list[CodeRef]:
        """Root (chapter) first."""
        rows = self._rows(
            """WITH RECURSIVE anc(code, depth) AS (
                   SELECT parent, 1 FROM codes WHERE release_id = :r AND code = :c AND parent IS NOT NULL
                   UNION ALL
                   SELECT c.parent, anc.depth + 1 FROM codes c
                   JOIN anc ON c.release_id = :r AND c.code = anc.code WHERE c.parent IS NOT NULL)
               SELECT c.code, c.title, c.billable FROM anc
               JOIN codes c ON c.release_id = :r AND c.code = anc.code ORDER BY anc.depth DESC""",
            r=rid,
            c=code,
        )
        return [CodeRef(code=r.code, title=r.title, billable=bool(r.billable)) for r in rows]

    def _notes(self, rid: int, codes: list[str]) -> dict[str, CodeNotes]:
        params = {f"c{i}": c for i, c in enumerate(codes)}
        names = ", ".join(f":{k}" for k in params)
        result: dict[str, CodeNotes] = {}
        for r in self._rows(
            f"SELECT code, kind, text FROM code_notes WHERE release_id = :r AND code IN ({names}) "
            "ORDER BY code, position",
            r=rid,
            **params,
        ):
            notes = result.setdefault(r.code, CodeNotes())
            if r.kind == "seven_chr_note":
                notes.seven_chr_note = (
                    r.text if notes.seven_chr_note is None else f"{notes.seven_chr_note} {r.text}"
                )
            else:
                getattr(notes, _LIST_KINDS[r.kind]).append(r.text)
        for r in self._rows(
            f"SELECT code, char, meaning FROM seven_chr WHERE release_id = :r AND code IN ({names}) "
            "ORDER BY id",
            r=rid,
            **params,
        ):
            result.setdefault(r.code, CodeNotes()).seven_chr[r.char] = r.meaning
        return result

    def parents(self, code: str, system: str = ICD10CM, on: date | None = None) -> list[CodeRef]:
        return self.get_code(code, system, on).parents

    def children(self, code: str, system: str = ICD10CM, on: date | None = None) -> list[CodeRef]:
        return self.get_code(code, system, on).children

    def codes_with_prefix(
        self, prefix: str, system: str = ICD10CM, on: date | None = None, limit: int = 25
    ) -> list[CodeRef]:
        """The code itself and the codes under it ("e116" -> E11.6, E11.61, ...), shortest first."""
        rid, _ = self._release(system, on)
        target = normalise(prefix).replace("%", "").replace("_", "")
        if not target:
            return []
        rows = self._rows(
            "SELECT code, title, billable FROM codes WHERE release_id = :r AND code_nodot >= :lo "
            "AND code_nodot < :hi ORDER BY length(code_nodot), sort_order LIMIT :n",
            r=rid,
            lo=target,
            hi=target + "\uffff",
            n=limit,
        )
        return [CodeRef(code=r.code, title=r.title, billable=bool(r.billable)) for r in rows]

    def child_refs(self, code: str, system: str = ICD10CM, on: date | None = None) -> list[CodeRef]:
        """The codes one level under ``code`` (no notes or ancestors: cheaper than ``children``)."""
        rid, _ = self._release(system, on)
        rows = self._rows(
            "SELECT code, title, billable FROM codes WHERE release_id = :r AND parent = :c "
            "ORDER BY sort_order",
            r=rid,
            c=display_code(code, system),
        )
        return [CodeRef(code=r.code, title=r.title, billable=bool(r.billable)) for r in rows]

    def notes(self, code: str, system: str = ICD10CM, on: date | None = None) -> dict[str, CodeNotes]:
        """Notes written at the code, then at each ancestor (nearest first): code -> CodeNotes."""
        info = self.get_code(code, system, on)
        ordered = {info.code: info.notes}
        for parent in reversed(info.parents):
            if parent.code in info.inherited_notes:
                ordered[parent.code] = info.inherited_notes[parent.code]
        return ordered

    def seven_chr_for(self, code: str, on: date | None = None) -> dict[str, str]:
        """The 7th-character definition applying to ``code`` (written there or at the nearest ancestor)."""
        for notes in self.notes(code, ICD10CM, on).values():
            if notes.seven_chr:
                return notes.seven_chr
        return {}

    def iter_codes(
        self, system: str = ICD10CM, release: str | None = None, billable_only: bool = False
    ) -> Iterator[CodeRef]:
        if release is None:
            rid = self.release_id_for(system)
        else:
            matches = [r for r, i in self._all_releases() if i.system == system and i.release == release]
            if not matches:
                raise NotReady(f"{system} release {release} is not loaded", field="release", fix=LOAD_FIX)
            rid = matches[0]
        sql = "SELECT code, title, billable FROM codes WHERE release_id = :r"
        if billable_only:
            sql += " AND billable"
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=5000).execute(
                text(sql + " ORDER BY sort_order"), {"r": rid}
            )
            for r in result:
                yield CodeRef(code=r.code, title=r.title, billable=bool(r.billable))

    def release_named(self, system: str, name: str) -> ReleaseInfo:
        """A loaded release by its label ("2027", "2026-04-01", "2026-Q1"), else the one in force on the
        date ``name`` (YYYY-MM-DD)."""
        for _, info in self._all_releases():
            if info.system == system and info.release == name:
                return info
        try:
            on = date.fromisoformat(name)
        except ValueError:
            labels = ", ".join(i.release for i in self.releases(system)) or "none"
            raise NotReady(
                f"no {system} release named {name!r} is loaded (loaded: {labels})",
                field="release",
                fix="give a loaded release label or a date of service YYYY-MM-DD",
            ) from None
        return self.release_for(system, on)

    def release_codes(self, system: str, release: str) -> dict[str, tuple[str, bool]]:
        """code -> (title, billable) for every code of a loaded release."""
        matches = [r for r, i in self._all_releases() if i.system == system and i.release == release]
        if not matches:
            raise NotReady(f"{system} release {release} is not loaded", field="release", fix=LOAD_FIX)
        rows = self._rows("SELECT code, title, billable FROM codes WHERE release_id = :r", r=matches[0])
        return {r.code: (r.title, bool(r.billable)) for r in rows}

    # ------------------------------------------------------------------ excludes1
    def excludes1_notes(self, code: str, on: date | None = None) -> list[tuple[str, str, list[str]]]:
        """(code where written, note text, referenced codes/ranges) at ``code`` and its ancestors."""
        rid, _ = self._release(ICD10CM, on)
        row = self._code_row(rid, code)
        if row is None:
            return []
        chain = [row.code] + [p.code for p in self._ancestors(rid, row.code)]
        params = {f"c{i}": c for i, c in enumerate(chain)}
        names = ", ".join(f":{k}" for k in params)
        return [
            (r.code, r.text, list(_json(r.ref_codes) or []))
            for r in self._rows(
                f"SELECT code, text, ref_codes FROM code_notes WHERE release_id = :r AND kind = 'excludes1' "
                f"AND code IN ({names}) ORDER BY position",
                r=rid,
                **params,
            )
        ]

    def excludes1_conflicts(self, codes: list[str], on: date | None = None) -> list[tuple[str, str, str]]:
        """(a, b, note) where an Excludes1 note at a or an ancestor of a names b. Unknown codes are skipped
        (validate them with ``get_code``)."""
        rid, _ = self._release(ICD10CM, on)
        canonical = []
        for code in codes:
            row = self._code_row(rid, code)
            if row is not None and row.code not in canonical:
                canonical.append(row.code)
        conflicts: list[tuple[str, str, str]] = []
        for a in canonical:
            notes = self.excludes1_notes(a, on)
            for b in canonical:
                if b == a:
                    continue
                for _, note, refs in notes:
                    if any(ref_covers(ref, b) for ref in refs):
                        conflicts.append((a, b, note))
                        break
        return conflicts

    # ------------------------------------------------------------------ search
    def search(
        self, query: str, system: str | None = None, limit: int = 20, on: date | None = None
    ) -> list[SearchHit]:
        """FTS5 bm25 over titles and inclusion terms first, then Alphabetic Index paths (ICD-10-CM)."""
        expression = fts.match_expression(query)
        if expression is None or limit <= 0:
            return []
        systems = (
            [system] if system else sorted({i.system for _, i in self._all_releases()} - {ICD10CM_INDEX})
        )
        release_ids: dict[int, str] = {}
        code_release: dict[str, int] = {}
        for name in systems:
            try:
                rid, _ = self._release(name, on)
            except (NotReady, NoReleaseForDate):
                if system:
                    raise
                continue
            release_ids[rid] = name
            code_release[name] = rid
        if ICD10CM in code_release:
            index = [r for r, i in self._all_releases() if i.system == ICD10CM_INDEX]
            if index:
                release_ids[index[0]] = ICD10CM
        if not release_ids:
            return []
        ids = ", ".join(str(r) for r in release_ids)
        rows = self._rows(
            f"SELECT code, system, tier, body, see, rank FROM code_search WHERE code_search MATCH :q "
            f"AND release_id IN ({ids}) ORDER BY tier > 0, rank LIMIT :n",
            q=expression,
            n=limit * 5 + 20,
        )
        best: dict[tuple[str, str], Any] = {}
        for r in rows:
            code, matched = r.code, r.body
            if r.tier == 2:  # an index cross-reference: follow "see" to a code
                resolved = self.resolve_index(r.see) if r.see else None
                if resolved is None:
                    continue
                code, matched = resolved["code"], f"{r.body} -> see {r.see}"
            if (r.system, code) not in best:
                best[(r.system, code)] = {"tier": r.tier, "rank": r.rank, "body": matched}
            if len(best) >= limit:
                break
        hits: list[SearchHit] = []
        by_system: dict[str, list[str]] = {}
        for sys_name, code in best:
            by_system.setdefault(sys_name, []).append(code)
        titles: dict[tuple[str, str], Any] = {}
        for sys_name, wanted in by_system.items():
            params = {f"c{i}": c for i, c in enumerate(wanted)}
            names = ", ".join(f":{k}" for k in params)
            for t in self._rows(
                f"SELECT code, title, billable FROM codes WHERE release_id = :r AND code IN ({names})",
                r=code_release[sys_name],
                **params,
            ):
                titles[(sys_name, t.code)] = t
        for key, r in best.items():
            t = titles.get(key)
            if t is None:  # a stale index code absent from the tabular release
                continue
            score = -float(r["rank"]) - (100.0 if r["tier"] else 0.0)
            hits.append(
                SearchHit(
                    code=t.code,
                    system=key[0],
                    title=t.title,
                    billable=bool(t.billable),
                    score=round(score, 4),
                    matched=r["body"],
                )
            )
        return hits

    # ------------------------------------------------------------------ Alphabetic Index
    def _index_release(self) -> int:
        return self.release_id_for(ICD10CM_INDEX)

    def index_terms_for_code(self, code: str, limit: int = 100) -> list[dict[str, Any]]:
        """Index entries that point at ``code`` (source, path, column)."""
        rows = self._rows(
            'SELECT source, path, code, see, see_also, "column" FROM index_terms '
            "WHERE release_id = :r AND code = :c ORDER BY id LIMIT :n",
            r=self._index_release(),
            c=display_code(code, ICD10CM),
            n=limit,
        )
        return [dict(r._mapping) for r in rows]

    def index_roots(self) -> list[Mapping[str, Any]]:
        """The Alphabetic Index main terms (level 0 of every source) in document order."""
        rows = self._rows(
            'SELECT id, source, level, path, code, see, see_also, "column" FROM index_terms '
            "WHERE release_id = :r AND level = 0 ORDER BY id",
            r=self._index_release(),
        )
        return [r._mapping for r in rows]

    def index_rows_between(self, first: int, end: int | None) -> list[Mapping[str, Any]]:
        """The Index rows after row ``first`` and before row ``end`` (a main term's subterms), in order."""
        rows = self._rows(
            'SELECT id, source, level, path, code, see, see_also, "column" FROM index_terms '
            "WHERE id > :a AND id < :b AND +release_id = :r ORDER BY id",
            r=self._index_release(),
            a=first,
            b=end if end is not None else 2**62,
        )
        return [r._mapping for r in rows]

    def _index_nodes(self, rid: int, source: str, main: str) -> list[_IndexNode]:
        rows = self._rows(
            "SELECT id, level, path, main_term, code, see, see_also FROM index_terms "
            "WHERE release_id = :r AND source = :s AND (main_term = :m COLLATE NOCASE OR main_term LIKE :m1 "
            "OR main_term LIKE :m2) ORDER BY id",
            r=rid,
            s=source,
            m=main,
            m1=f"{main},%",
            m2=f"{main} %",
        )
        roots: list[_IndexNode] = []
        stack: list[_IndexNode] = []
        for r in rows:
            del stack[r.level :]
            parent = stack[-1] if stack else None
            term = r.path[len(parent.path) + 2 :] if parent else r.path
            node = _IndexNode(r.id, r.level, r.path, term, r.code, r.see, r.see_also)
            (parent.children if parent else roots).append(node)
            stack.append(node)
        return roots

    def lookup_index(self, path: str, source: str = "main") -> dict[str, Any] | None:
        """The index entry named by a path such as "Attack, heart" or "Infarct, myocardium"."""
        parts = [p.strip() for p in path.split(",") if p.strip()]
        if not parts:
            return None
        node = _walk(self._index_nodes(self._index_release(), source, parts[0]), parts)
        if node is None:
            return None
        return {"path": node.path, "code": node.code, "see": node.see, "see_also": node.see_also}

    def resolve_index(self, path: str, source: str = "main", max_hops: int = 2) -> dict[str, Any] | None:
        """Follow "see" cross-references up to ``max_hops`` times until an entry carries a code.

        Returns {"query", "path", "code", "via": [paths followed]} or None when nothing resolves.
        """
        via: list[str] = []
        current = path
        for _ in range(max_hops + 1):
            entry = self.lookup_index(current, source)
            if entry is None:
                return None
            via.append(entry["path"])
            if entry["code"]:
                return {"query": path, "path": entry["path"], "code": entry["code"], "via": via}
            if not entry["see"]:
                return None
            current = entry["see"]
        return None
