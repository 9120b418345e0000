"""The denials domain's public service API. The work lives in three modules:

- ``explain``: a denial (group + CARC + RARCs) explained from the claim's own data; a posted remit's denials;
- ``rules``: denial patterns promoted to local scrubber rules (registered with the claims scrubber);
- ``actions``: appeal letters and corrected claims.
"""

from __future__ import annotations

from assistant.denials.actions import appeal_letter, corrected_claim, request_for
from assistant.denials.explain import deadline_for, explain, explain_remit
from assistant.denials.rules import PayerCodeRule, list_patterns, local_rules, promote_pattern

__all__ = [
    "PayerCodeRule",
    "appeal_letter",
    "corrected_claim",
    "deadline_for",
    "explain",
    "explain_remit",
    "list_patterns",
    "local_rules",
    "promote_pattern",
    "request_for",
]
