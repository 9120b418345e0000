"""The tune/holdout rule shared with the evaluation suite: tune weights only on the tune part."""

from __future__ import annotations

import hashlib


def is_tune_split(case_id: str) -> bool:
    """True for the ~80% of cases used for tuning; False for the holdout part (sha1 mod 5 == 0)."""
    return int(hashlib.sha1(case_id.encode("utf-8")).hexdigest(), 16) % 5 != 0
