"""What gets indexed: code records from the reference DB (or a test fixture) and the texts built from them.

Dense text stays short (title + parent context: one vector per code, affordable to embed); the lexical
text is rich (title, parents, inclusion terms, Alphabetic Index paths that lead to the code).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from assistant.codesets.models import ICD10CM_INDEX
from assistant.suggest import repository as corpus_sql

ICD10CM = "ICD-10-CM"
HCPCS = "HCPCS"
CPT = "CPT"
INDEXED_SYSTEMS = (ICD10CM, HCPCS, CPT)
NOTE_KINDS = ("excludes1", "excludes2", "code_first", "use_additional", "code_also", "includes", "note")


@dataclass
class CodeRecord:
    system: str
    code: str
    title: str
    billable: bool
    parent: str | None = None
    kind: str = "code"
    inclusion_terms: list[str] = field(default_factory=list)
    index_terms: list[str] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)  # kind -> texts
    refs: dict[str, list[str]] = field(default_factory=dict)  # kind -> referenced codes/ranges
    seven_chr: dict[str, str] = field(default_factory=dict)


class CorpusSource(Protocol):
    def releases(self) -> dict[str, dict[str, str]]:
        """system -> {"release", "sha256"} for the releases in force (newest)."""
        ...

    def records(self) -> Iterable[CodeRecord]:
        """Every code (headers too: their notes are inherited) of the indexed systems."""
        ...


class MemoryCorpus:
    """A corpus held in memory (tests, fixtures)."""

    def __init__(
        self, records: Iterable[CodeRecord], releases: dict[str, dict[str, str]] | None = None
    ) -> None:
        self._records = list(records)
        self._releases = releases or {ICD10CM: {"release": "test", "sha256": "0"}}

    def releases(self) -> dict[str, dict[str, str]]:
        return self._releases

    def records(self) -> Iterable[CodeRecord]:
        return iter(self._records)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


class SqlCorpus:
    """Reads the reference SQLite (``codesets/models.py`` tables) in bulk: per system the release in force
    today (the newest when none is)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    @classmethod
    def open(cls, path: Path) -> SqlCorpus:
        from sqlalchemy import create_engine

        return cls(create_engine(f"sqlite:///{path}"))

    def _release_ids(self) -> dict[str, tuple[int, str, str]]:
        wanted = (*INDEXED_SYSTEMS, ICD10CM_INDEX)
        out: dict[str, tuple[int, str, str]] = {}
        with self.engine.connect() as conn:
            rows = corpus_sql.release_rows(conn, wanted)
        today = date.today()
        for row in sorted(rows, key=lambda r: (r.effective_from is not None, r.effective_from or 0, r.id)):
            out[row.system] = (row.id, row.release, row.sha256)  # the last one (newest) wins ...
        for row in sorted(rows, key=lambda r: (r.effective_from is not None, r.effective_from or 0, r.id)):
            started = row.effective_from is None or _day(row.effective_from) <= today
            if started and (row.effective_to is None or today <= _day(row.effective_to)):
                out[row.system] = (row.id, row.release, row.sha256)  # ... unless one is in force today
        return out

    def releases(self) -> dict[str, dict[str, str]]:
        return {s: {"release": rel, "sha256": sha} for s, (_, rel, sha) in self._release_ids().items()}

    def records(self) -> Iterator[CodeRecord]:
        ids = self._release_ids()
        with self.engine.connect() as conn:
            by_code: dict[tuple[str, str], CodeRecord] = {}
            for system in INDEXED_SYSTEMS:
                if system not in ids:
                    continue
                rid = ids[system][0]
                rows = corpus_sql.code_rows(conn, rid, date.today())
                for r in rows:
                    title = r.long_title or r.title if system != ICD10CM else r.title
                    by_code[(system, r.code)] = CodeRecord(
                        system, r.code, title or r.code, bool(r.billable), r.parent, r.kind
                    )
                notes = corpus_sql.note_rows(conn, rid)
                for n in notes:
                    rec = by_code.get((system, n.code))
                    if rec is None:
                        continue
                    if n.kind == "inclusion_term":
                        rec.inclusion_terms.append(n.text)
                        continue
                    kind = "seven_chr_note" if n.kind == "seven_chr_note" else n.kind
                    rec.notes.setdefault(kind, []).append(n.text)
                    if n.ref_codes:
                        rec.refs.setdefault(kind, []).extend(list(n.ref_codes))
                for s in corpus_sql.seven_chr_rows(conn, rid):
                    rec = by_code.get((system, s.code))
                    if rec is not None:
                        rec.seven_chr[s.char] = s.meaning
            if ICD10CM_INDEX in ids:
                for t in corpus_sql.index_term_rows(conn, ids[ICD10CM_INDEX][0]):
                    rec = by_code.get((ICD10CM, t.code)) or by_code.get(
                        (ICD10CM, t.code.rstrip("-").rstrip("."))
                    )
                    if rec is not None and t.source in ("main", "eindex"):
                        rec.index_terms.append(t.path)
        yield from by_code.values()


def corpus_for(reference: Any, settings: Any = None) -> CorpusSource:
    """The corpus behind ``reference``: itself when it is one, else the reference SQLite it reads."""
    if (
        hasattr(reference, "records")
        and hasattr(reference, "releases")
        and not hasattr(reference, "get_code")
    ):
        return reference  # type: ignore[no-any-return]
    for attr in ("engine", "_engine"):
        engine = getattr(reference, attr, None)
        if engine is not None and hasattr(engine, "connect"):
            return SqlCorpus(engine)
    for attr in ("path", "db_path", "_path"):
        path = getattr(reference, attr, None)
        if path:
            return SqlCorpus.open(Path(path))
    if settings is not None:
        return SqlCorpus.open(Path(settings.resolved_reference_db))
    raise TypeError("cannot read code records from this reference object")


# ---------------------------------------------------------------- texts


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(item.strip())
    return out


def parent_chain(rec: CodeRecord, by_code: dict[tuple[str, str], CodeRecord]) -> list[CodeRecord]:
    """Ancestors nearest first (excluding chapters and blocks)."""
    out = []
    parent = rec.parent
    while parent:
        p = by_code.get((rec.system, parent))
        if p is None or p.kind in ("chapter", "block"):
            break
        out.append(p)
        parent = p.parent
    return out


def dense_text(rec: CodeRecord, chain: list[CodeRecord]) -> str:
    """Short text for the one vector per code: title plus the nearest parent titles it does not repeat."""
    parts = [rec.title]
    low = rec.title.lower()
    for p in chain[:2]:
        if p.title.lower() not in low:
            parts.append(p.title)
    text = "; ".join(parts)
    return text[:300]


def _fracture_kind(meaning: str) -> str:
    low = meaning.lower()
    if "type iiia" in low:
        return "open IIIA-C"
    if "open fracture" in low:
        return "open I-II"
    return "closed"


def encounter_representatives(chosen: list[CodeRecord], chains: list[list[CodeRecord]]) -> dict[str, str]:
    """code -> its initial-encounter sibling, for codes whose 7th character only tells the encounter.

    The engine sets that character from the note (``rules.seventh_character``), so a subsequent-encounter or
    sequela code shares the vector of its sibling for the initial encounter of the same fracture kind (closed,
    open I-II, open IIIA-C); 7th characters with a clinical meaning of their own (stage, eye, fetus, coma
    scale time) keep their own vectors.
    """
    indexed = {r.code for r in chosen}
    out: dict[str, str] = {}
    for rec, chain in zip(chosen, chains, strict=True):
        code = rec.code
        if rec.system != ICD10CM or len(code.replace(".", "")) != 7:
            continue
        meanings = next((c.seven_chr for c in [rec, *chain] if c.seven_chr), {})
        own = meanings.get(code[-1], "").lower()
        if not own.startswith(("subsequent encounter", "sequela")):
            continue
        kind = _fracture_kind(own)
        for letter, meaning in meanings.items():
            low = meaning.lower()
            if low.startswith("initial encounter") and _fracture_kind(low) == kind:
                rep = code[:-1] + letter
                if rep in indexed:
                    out[code] = rep
                break
    return out


def lexical_text(rec: CodeRecord, chain: list[CodeRecord]) -> str:
    parts = [rec.title, rec.title]  # title counts twice
    if chain:
        parts.append(chain[0].title)
    parts.extend(_dedupe(rec.inclusion_terms))
    parts.extend(_dedupe(rec.notes.get("includes", [])))
    if chain:
        parts.extend(_dedupe(chain[0].inclusion_terms + chain[0].notes.get("includes", []))[:10])
    parts.extend(_dedupe(rec.index_terms)[:60])
    return " | ".join(parts)


def indexable(rec: CodeRecord) -> bool:
    return rec.billable and rec.system in INDEXED_SYSTEMS


def inputs_sha(model_name: str, dense: list[str], lexical: list[str], ids: list[str]) -> str:
    h = hashlib.sha256(model_name.encode())
    for code, d, lx in zip(ids, dense, lexical, strict=True):
        h.update(code.encode())
        h.update(b"\0")
        h.update(d.encode())
        h.update(b"\0")
        h.update(lx.encode())
        h.update(b"\n")
    return h.hexdigest()
