"""Telehealth place of service and modifier: the one choice the schedule makes and the scrubber checks.

The payer's ``telehealth_policy`` (``Payer.telehealth_policy``) says how it wants telehealth shown:

- ``pos_and_95``: POS 10 (patient at home) or 02 (elsewhere) plus 95 for audio-video, 93 for audio-only;
- ``pos_only``: POS 10/02 and no modifier (such a payer cannot tell audio-only apart: refused here);
- ``modifier_only``: the in-person POS (office 11) plus 95, or 93 for audio-only (Medicare since 2024).
"""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

from assistant.core.errors import InvalidInput

# How a payer wants telehealth shown (``Payer.telehealth_policy``), and what a payer without one gets.
TelehealthPolicy = Literal["pos_and_95", "pos_only", "modifier_only"]
TELEHEALTH_POLICIES: tuple[str, ...] = get_args(TelehealthPolicy)
DEFAULT_TELEHEALTH_POLICY: TelehealthPolicy = "pos_and_95"

VisitType = Literal["office", "telehealth_video", "telehealth_audio"]
VISIT_TYPES: tuple[str, ...] = ("office", "telehealth_video", "telehealth_audio")
OFFICE_POS = "11"
TELEHEALTH_POS = frozenset({"02", "10"})
TELEHEALTH_MODIFIERS = frozenset({"95", "93", "FQ"})  # 93/FQ: audio-only
VIDEO_MODIFIER = "95"
AUDIO_MODIFIER = "93"


class VisitCoding(NamedTuple):
    place_of_service: str
    modifier: str | None  # added to every service line of the visit


def visit_coding(
    visit_type: str, policy: str | None, *, patient_at_home: bool, in_person_pos: str = OFFICE_POS
) -> VisitCoding:
    """The POS and line modifier for a visit of ``visit_type`` billed to a payer with ``policy``."""
    if visit_type not in VISIT_TYPES:
        raise InvalidInput(
            f"unknown visit type {visit_type!r}",
            field="visit_type",
            fix=f"use one of {', '.join(VISIT_TYPES)}",
        )
    policy = policy or DEFAULT_TELEHEALTH_POLICY
    if visit_type == "office":
        return VisitCoding(in_person_pos, None)
    tele_pos = "10" if patient_at_home else "02"
    audio = visit_type == "telehealth_audio"
    modifier = AUDIO_MODIFIER if audio else VIDEO_MODIFIER
    if policy == "modifier_only":
        return VisitCoding(in_person_pos, modifier)
    if policy == "pos_only":
        if audio:
            raise InvalidInput(
                "this payer identifies telehealth by place of service alone and takes no audio-only modifier",
                field="visit_type",
                fix="book an audio-video or office visit, or check the payer's audio-only rules",
            )
        return VisitCoding(tele_pos, None)
    return VisitCoding(tele_pos, modifier)
