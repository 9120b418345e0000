"""Claim scrubber: one small module per rule family, combined in ``registry``."""

from assistant.claims.scrubber.base import DuplicateHit, FunctionRule, Rule, ScrubContext, rule
from assistant.claims.scrubber.registry import (
    DEFAULT_RULES,
    register_session_rules,
    rule_ids,
    scrub,
    session_rules,
)

__all__ = [
    "DEFAULT_RULES",
    "DuplicateHit",
    "FunctionRule",
    "Rule",
    "ScrubContext",
    "register_session_rules",
    "rule",
    "rule_ids",
    "scrub",
    "session_rules",
]
