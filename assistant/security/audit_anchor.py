"""The audit log's anchor: an append-only file outside the database holding each commit's newest entry.

After every commit that appended audit entries, one JSON line ``{"chain", "id", "mac", "at"}`` is
appended (``O_APPEND``, mode 0600) and the same head is logged (logger ``assistant.audit``), so a copy can
leave the machine with the logs. ``chain`` is entry 1's MAC: several databases may share one file.
``verify_chain`` compares the log with these lines: an anchored id beyond the log's end means the newest
entries were cut; a different MAC under an anchored id means the log was cut and rewritten.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from assistant.config import get_settings

log = logging.getLogger("assistant.audit")
_PENDING = "audit_head"


@dataclass(frozen=True)
class Anchor:
    path: Path

    def append(self, chain: str, entry_id: int, mac: str) -> None:
        line = {"chain": chain, "id": entry_id, "mac": mac, "at": datetime.now(UTC).isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (json.dumps(line, separators=(",", ":")) + "\n").encode("ascii"))
        finally:
            os.close(fd)

    def _lines(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out = []
        for raw in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                item = json.loads(raw)
            except json.JSONDecodeError:
                continue  # a torn last line (crash mid-write) proves nothing either way
            if isinstance(item, dict) and isinstance(item.get("id"), int):
                out.append(item)
        return out

    def has_lines(self) -> bool:
        return bool(self._lines())

    def heads(self, chain: str) -> dict[int, set[str]]:
        """Every anchored id of ``chain`` with the MAC(s) written under it."""
        found: dict[int, set[str]] = {}
        for item in self._lines():
            if item.get("chain") == chain:
                found.setdefault(int(item["id"]), set()).add(str(item.get("mac")))
        return found


def default_anchor() -> Anchor:
    return Anchor(get_settings().resolved_audit_anchor_path)


def remember_head(session: Session, *, chain: str, entry_id: int, mac: str) -> None:
    """Note the newest entry of this transaction; it is anchored once the transaction commits."""
    session.info[_PENDING] = (chain, entry_id, mac)


@event.listens_for(Session, "after_commit")
def _anchor_after_commit(session: Session) -> None:
    head = session.info.pop(_PENDING, None)
    if head is None:
        return
    chain, entry_id, mac = head
    log.info("audit head chain=%s id=%d mac=%s", chain[:16], entry_id, mac)
    try:
        default_anchor().append(chain, entry_id, mac)
    except OSError:  # the entries are committed; verify will say the newest ones are not anchored
        log.exception("could not append audit entry %d to the anchor file", entry_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_head(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_PENDING, None)
