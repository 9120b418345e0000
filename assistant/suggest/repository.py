"""The suggestion engine's queries: what it reads from the reference (code sets) database to build its
corpus. Only this module builds SQL in the suggest domain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, or_, select

from assistant.codesets.models import code_notes, codes, index_terms, releases, seven_chr


def release_rows(conn: Connection, systems: Iterable[str]) -> Sequence[Any]:
    """Every loaded release of ``systems`` (rows: id, system, release, sha256, effective_from/to)."""
    return conn.execute(
        select(
            releases.c.id,
            releases.c.system,
            releases.c.release,
            releases.c.sha256,
            releases.c.effective_from,
            releases.c.effective_to,
        ).where(releases.c.system.in_(list(systems)))
    ).all()


def code_rows(conn: Connection, release_id: int, in_force_on: date) -> Sequence[Any]:
    """The release's codes, less those terminated before ``in_force_on`` (the HCPCS file keeps deleted codes
    with their termination date, for claims of earlier dates)."""
    return conn.execute(
        select(
            codes.c.code,
            codes.c.kind,
            codes.c.title,
            codes.c.long_title,
            codes.c.billable,
            codes.c.parent,
        )
        .where(codes.c.release_id == release_id)
        .where(or_(codes.c.effective_to.is_(None), codes.c.effective_to >= in_force_on))
        .order_by(codes.c.sort_order, codes.c.id)
    ).all()


def note_rows(conn: Connection, release_id: int) -> Sequence[Any]:
    return conn.execute(
        select(code_notes.c.code, code_notes.c.kind, code_notes.c.text, code_notes.c.ref_codes)
        .where(code_notes.c.release_id == release_id)
        .order_by(code_notes.c.code, code_notes.c.position)
    ).all()


def seven_chr_rows(conn: Connection, release_id: int) -> Sequence[Any]:
    return conn.execute(
        select(seven_chr.c.code, seven_chr.c.char, seven_chr.c.meaning).where(
            seven_chr.c.release_id == release_id
        )
    ).all()


def index_term_rows(conn: Connection, release_id: int) -> Sequence[Any]:
    """Alphabetic Index terms of a release that point at a code."""
    return conn.execute(
        select(index_terms.c.path, index_terms.c.code, index_terms.c.source).where(
            index_terms.c.release_id == release_id, index_terms.c.code.is_not(None)
        )
    ).all()
