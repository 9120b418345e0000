"""Claim scrubber: one small module per rule family, combined in ``registry``."""

from assistant.claims.scrubber.base import DuplicateHit, FunctionRule, Rule, ScrubContext, rule
from assistant.claims.scrubber.registry import DEFAULT_RULES, rule_ids, scrub

__all__ = [
    "DEFAULT_RULES",
    "DuplicateHit",
    "FunctionRule",
    "Rule",
    "ScrubContext",
    "rule",
    "rule_ids",
    "scrub",
]
