"""CMS part of ``ReferenceLookup``: NCCI PTP/MUE, MCE, place of service, modifiers, CARC/RARC/group codes.

Mixed into ``CodeSetRepository`` (repository.py), which supplies ``_rows(sql, **params)`` and
``_release(system, on)`` (release in force on a date; newest when ``on`` is None).

NCCI PTP date semantics: an edit applies to a date of service ``on`` when
``effective_date <= on`` and (``deletion_date`` is empty or ``on < deletion_date``). CMS publishes a
deletion date as the first day the edit no longer applies; a pair deleted retroactively carries a
deletion date equal to its effective date and so never applies. Edits with modifier indicator "9" are
returned too (they mean "no edit in force"; callers skip them).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from assistant.codesets.models import (
    CARC,
    CPT_MODIFIER,
    GROUP,
    HCPCS_MODIFIER,
    MCE,
    NCCI_MUE,
    NCCI_PTP,
    POS,
    RARC,
)
from assistant.codesets.schemas import AdjustmentCode, CodeInfo, MceEdit, MueEdit, PtpEdit
from assistant.core.errors import InvalidInput, NotReady

if TYPE_CHECKING:
    from assistant.codesets.schemas import ReleaseInfo

ADJUSTMENT_SYSTEMS = (CARC, RARC, GROUP)
# MCE table flags -> the edit names of CMS's "Definitions of Medicare Code Edits" (used since v37).
EDIT_TYPES = {
    "adult": "Adult_Only",
    "pediatric": "Pediatric_Only",
    "newborn": "Newborn_Only",
    "maternity": "Maternity_Only",
    "male": "Male_Only",
    "female": "Female_Only",
    "manifestation": "Principal_Manifestation",
    "unacceptable": "Principal_Unacceptable",
    "qadm": "Principal_Questionable_Admit",
    "ecodepdx": "Principal_External_Cause",
    "unspecified": "Unspecified",
    "wrngproc": "Wrong_Performed",
}
AGE_GROUPS = {
    "Adult_Only": "Adult",
    "Pediatric_Only": "Pediatric",
    "Newborn_Only": "Newborn",
    "Maternity_Only": "Maternity",
}
PTP_NOT_READY = "no NCCI PTP release imported; run `assistant codesets import-ncci FILE --kind ptp`"
MUE_NOT_READY = "no NCCI MUE release imported; run `assistant codesets import-ncci FILE --kind mue`"


def _extra(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return json.loads(value)
    return dict(value or {})


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _clean(code: str) -> str:
    return code.strip().upper().replace(".", "")


class CmsQueriesMixin:
    # Supplied by CodeSetRepository.
    def _rows(self, sql: str, **params: Any) -> list[Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _release(self, system: str, on: date | None) -> tuple[int, ReleaseInfo]:  # pragma: no cover
        raise NotImplementedError

    def releases(self, system: str | None = None) -> list[ReleaseInfo]:  # pragma: no cover
        raise NotImplementedError

    def _has_release(self, system: str) -> bool:
        return bool(self.releases(system))

    # ------------------------------------------------------------------ NCCI
    def ptp_edits(self, codes: list[str], on: date) -> list[PtpEdit]:
        """Active PTP edits whose column 1 and column 2 codes are both among ``codes`` on date ``on``."""
        if not self._has_release(NCCI_PTP):
            raise NotReady(
                PTP_NOT_READY, field="NCCI-PTP", fix="assistant codesets import-ncci FILE --kind ptp"
            )
        rid, info = self._release(NCCI_PTP, on)
        wanted = sorted({_clean(c) for c in codes if c and c.strip()})
        if len(wanted) < 2:
            return []
        marks = ", ".join(f":c{i}" for i in range(len(wanted)))
        params: dict[str, Any] = {f"c{i}": c for i, c in enumerate(wanted)}
        rows = self._rows(
            "SELECT column1, column2, effective_date, deletion_date, modifier_indicator, rationale "
            f"FROM ncci_ptp WHERE release_id = :r AND column1 IN ({marks}) AND column2 IN ({marks}) "
            "AND effective_date <= :on AND (deletion_date IS NULL OR :on < deletion_date) "
            "ORDER BY column1, column2, effective_date",
            r=rid,
            on=on,
            **params,
        )
        return [
            PtpEdit(
                column1=r.column1,
                column2=r.column2,
                effective_date=_date(r.effective_date) or date.min,
                deletion_date=_date(r.deletion_date),
                modifier_indicator=r.modifier_indicator,
                rationale=r.rationale,
                release=info.release,
            )
            for r in rows
            if r.column1 != r.column2
        ]

    def mue(self, code: str, on: date | None = None) -> MueEdit | None:
        """The practitioner MUE for ``code`` in the release in force on ``on``; None if the code has none."""
        if not self._has_release(NCCI_MUE):
            raise NotReady(
                MUE_NOT_READY, field="NCCI-MUE", fix="assistant codesets import-ncci FILE --kind mue"
            )
        rid, info = self._release(NCCI_MUE, on)
        rows = self._rows(
            "SELECT code, mue_value, mai, rationale FROM ncci_mue WHERE release_id = :r AND code = :c "
            "ORDER BY mue_value LIMIT 1",
            r=rid,
            c=_clean(code),
        )
        if not rows:
            return None
        r = rows[0]
        return MueEdit(
            code=r.code, mue_value=r.mue_value, mai=r.mai, rationale=r.rationale, release=info.release
        )

    # ------------------------------------------------------------------ MCE
    def _mce_release(self) -> tuple[int, ReleaseInfo] | None:
        """The newest MCE release (its dated tables cover every date since 2015-10-01)."""
        if not self._has_release(MCE):
            return None
        return self._release(MCE, None)

    def _mce_has_tables(self, rid: int) -> bool:
        return bool(self._rows("SELECT 1 FROM mce_dx WHERE release_id = :r LIMIT 1", r=rid))

    def code_validity(self, code: str) -> list[tuple[date, date | None]]:
        """(start, end) ranges in which an ICD-10-CM code was valid (billable), from the MCE tables; end
        None means still valid. [] when the code was never valid or no dated MCE table is loaded."""
        found = self._mce_release()
        if found is None:
            return []
        rows = self._rows(
            "SELECT start_date, end_date FROM mce_dx WHERE release_id = :r AND code_nodot = :c "
            "ORDER BY start_date",
            r=found[0],
            c=_clean(code),
        )
        return [(_date(r.start_date) or date.min, _date(r.end_date)) for r in rows]

    def mce_age_range(self, edit_type: str, on: date | None = None) -> tuple[int, int] | None:
        """(lowest, highest) age of an age edit (Adult_Only, Maternity_Only, ...) in force on ``on``."""
        group = AGE_GROUPS.get(edit_type)
        found = self._mce_release()
        if group is None or found is None:
            return None
        day = on or date.today()
        rows = self._rows(
            "SELECT start_age, end_age FROM mce_age_ranges WHERE release_id = :r AND age_group = :g "
            "AND start_date <= :d AND (end_date IS NULL OR :d <= end_date) ORDER BY start_date DESC LIMIT 1",
            r=found[0],
            g=group,
            d=day,
        )
        return (rows[0].start_age, rows[0].end_age) if rows else None

    def mce_edits(self, code: str, on: date | None = None) -> list[MceEdit]:
        """MCE edits of ``code`` (with or without the dot) in force on ``on`` (today when None); [] if none.

        ``edit_type`` uses the MCE definitions' names (Newborn_Only, Pediatric_Only, Maternity_Only,
        Adult_Only, Female_Only, Male_Only, Principal_Manifestation, ...); age edits carry their range.
        """
        found = self._mce_release()
        if found is None:
            return []
        rid, info = found
        raw = _clean(code)
        dotted = f"{raw[:3]}.{raw[3:]}" if len(raw) > 3 else raw
        if not self._mce_has_tables(rid):  # a v37-style release (edits without dates)
            rows = self._rows(
                "SELECT DISTINCT code, edit_type FROM mce_edits WHERE release_id = :r AND code IN (:a, :b) "
                "ORDER BY edit_type",
                r=rid,
                a=dotted,
                b=raw,
            )
            return [
                MceEdit(code=r.code, edit_type=r.edit_type, release=info.release, stale=info.stale)
                for r in rows
            ]
        return self._dated_mce_edits(rid, info, [raw], on).get(raw, [])

    def mce_edits_many(self, codes: list[str], on: date | None = None) -> dict[str, list[MceEdit]]:
        """``mce_edits`` of many codes in one query, keyed by the code without its dot (absent: no edit)."""
        found = self._mce_release()
        raws = sorted({_clean(c) for c in codes})
        if found is None or not raws:
            return {}
        rid, info = found
        if not self._mce_has_tables(rid):
            return {raw: self.mce_edits(raw, on) for raw in raws}
        return self._dated_mce_edits(rid, info, raws, on)

    def _dated_mce_edits(
        self, rid: int, info: ReleaseInfo, raws: list[str], on: date | None
    ) -> dict[str, list[MceEdit]]:
        """The dated tables' edits of ``raws`` (codes without the dot) in force on ``on``."""
        day = on or date.today()
        rows = self._rows(
            "SELECT code, code_nodot, flags FROM mce_dx WHERE release_id = :r AND code_nodot IN :c "
            "AND start_date <= :d AND (end_date IS NULL OR :d <= end_date)",
            r=rid,
            c=tuple(raws),
            d=day,
        )
        flags: dict[str, tuple[str, set[str]]] = {}
        for r in rows:
            flags.setdefault(r.code_nodot, (r.code, set()))[1].update(f for f in r.flags.split("|") if f)
        ages: dict[str, tuple[int, int] | None] = {}
        out: dict[str, list[MceEdit]] = {}
        for raw, (dotted, found_flags) in flags.items():
            for edit_type in sorted({EDIT_TYPES.get(f, f) for f in found_flags}):
                if edit_type not in ages:
                    ages[edit_type] = self.mce_age_range(edit_type, day)
                age = ages[edit_type]
                out.setdefault(raw, []).append(
                    MceEdit(
                        code=dotted,
                        edit_type=edit_type,
                        release=info.release,
                        stale=info.stale,
                        min_age=age[0] if age else None,
                        max_age=age[1] if age else None,
                    )
                )
        return out

    # ------------------------------------------------------------------ POS and modifiers
    def _code_info(self, system: str, code: str) -> CodeInfo | None:
        if not self._has_release(system):
            return None
        rid, info = self._release(system, None)
        rows = self._rows(
            "SELECT code, kind, title, long_title, billable, effective_from, effective_to, extra "
            "FROM codes WHERE release_id = :r AND code = :c LIMIT 1",
            r=rid,
            c=code,
        )
        if not rows:
            return None
        r = rows[0]
        extra = _extra(r.extra)
        if r.effective_to is not None:
            extra.setdefault("terminated", str(_date(r.effective_to)))
        return CodeInfo(
            code=r.code,
            system=system,
            title=r.title,
            long_title=r.long_title,
            kind=r.kind,
            billable=bool(r.billable),
            release=info.release,
            extra=extra,
        )

    def is_valid_pos(self, pos: str) -> bool:
        code = str(pos).strip()
        if len(code) == 1 and code.isdigit():
            code = f"0{code}"
        return self._code_info(POS, code) is not None

    def place_of_service(self, pos: str) -> CodeInfo | None:
        code = str(pos).strip()
        return self._code_info(POS, f"0{code}" if len(code) == 1 else code)

    def modifier(self, modifier: str) -> CodeInfo | None:
        """A HCPCS Level II modifier (e.g. XS, LT, GA) or a CPT modifier number (e.g. 25, 59)."""
        mod = modifier.strip().upper()
        if len(mod) != 2:
            return None
        order = (CPT_MODIFIER, HCPCS_MODIFIER) if mod.isdigit() else (HCPCS_MODIFIER, CPT_MODIFIER)
        for system in order:
            found = self._code_info(system, mod)
            if found is not None:
                return found
        return None

    # ------------------------------------------------------------------ CARC / RARC / group codes
    @staticmethod
    def _adjustment(system: str, code: str, title: str, extra: Any) -> AdjustmentCode:
        x = _extra(extra)
        return AdjustmentCode(
            system=system,
            code=code,
            summary=title,
            category=x.get("category"),
            route=x.get("route"),
            fix=list(x.get("fix", [])),
            fields=list(x.get("fields", [])),
        )

    def _check_adjustment_system(self, system: str) -> str:
        wanted = system.strip().upper()
        if wanted in ("GROUP", "CAS"):
            wanted = GROUP
        if wanted not in ADJUSTMENT_SYSTEMS:
            raise InvalidInput(
                f"{system!r} is not an adjustment code system",
                field="system",
                fix=f"use one of {', '.join(ADJUSTMENT_SYSTEMS)}",
            )
        return wanted

    def adjustment_code(self, system: str, code: str) -> AdjustmentCode | None:
        """The project's explanation of a CARC, RARC or group code; None when the code is unknown."""
        system = self._check_adjustment_system(system)
        if not self._has_release(system):
            return None
        rid, _ = self._release(system, None)
        rows = self._rows(
            "SELECT code, title, extra FROM codes WHERE release_id = :r AND code = :c LIMIT 1",
            r=rid,
            c=code.strip().upper(),
        )
        return self._adjustment(system, rows[0].code, rows[0].title, rows[0].extra) if rows else None

    def adjustment_codes(self, system: str) -> list[AdjustmentCode]:
        system = self._check_adjustment_system(system)
        if not self._has_release(system):
            return []
        rid, _ = self._release(system, None)
        rows = self._rows(
            "SELECT code, title, extra FROM codes WHERE release_id = :r ORDER BY sort_order", r=rid
        )
        return [self._adjustment(system, r.code, r.title, r.extra) for r in rows]
