"""Counting repeated denials (payer x group x CARC x procedure), inside the posting transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from assistant.core.adjustments import is_denial
from assistant.denials import repository as repo
from assistant.denials.models import DenialPattern, utcnow


def record_denied_line(session: Session, payer_id: str, remit_line: Any, adjustments: Sequence[Any]) -> None:
    """Count each denial of a line: a payer-side, non-contractual adjustment with a positive amount."""
    for adj in adjustments:
        if not is_denial(adj.group, adj.reason, adj.amount_cents):
            continue
        code = remit_line.original_procedure_code or remit_line.procedure_code
        mods = remit_line.original_modifiers if remit_line.original_procedure_code else remit_line.modifiers
        pattern = repo.pattern_for(session, payer_id, adj.group, adj.reason, code)
        if pattern is None:
            pattern = DenialPattern(
                payer_id=payer_id,
                group_code=adj.group,
                reason_code=adj.reason,
                procedure_code=code,
                count=0,
                denied_cents=0,
                modifier_counts={},
            )
            session.add(pattern)
        combo = "+".join(sorted(mods))
        counts = dict(pattern.modifier_counts or {})
        counts[combo] = counts.get(combo, 0) + 1
        pattern.modifier_counts = counts
        pattern.count += 1
        pattern.denied_cents += adj.amount_cents
        pattern.last_remit_line_id = remit_line.id
        pattern.last_seen = utcnow()
        session.flush()
