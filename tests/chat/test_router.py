from __future__ import annotations

import pytest

from assistant.chat.router import find_codes, route


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("why was claim C-1001 denied?", "denial_claim"),
        ("what does CO-97 with M15 mean?", "adjustment"),
        ("what is E11.65?", "code"),
        ("E11.9 vs E11.65?", "compare"),
        ("quiz me on diabetes codes", "quiz"),
        ("chest pain", "search"),
        ("help", "help"),
        (
            "58 y/o male with type 2 diabetes. A1c 9.2, hyperglycemia noted. Plan: metformin. Follow up.",
            "suggest",
        ),
    ],
)
def test_intents(message: str, intent: str) -> None:
    assert route(message).intent == intent


def test_details_are_extracted() -> None:
    r = route("what does CO-97 with M15 mean?")
    assert (r.group, r.carc, r.rarcs) == ("CO", "97", ["M15"])
    assert route("why was claim C-1001 denied?").claim_id == "C-1001"
    assert route("quiz me on diabetes codes").topic == "diabetes"
    assert route("e11.9 vs E11.65?").codes == ["E11.9", "E11.65"]


def test_find_codes_kinds_and_order() -> None:
    assert find_codes("G0439 then 99213 and I10, J45.909") == ["G0439", "99213", "I10", "J45.909"]
    assert find_codes("no codes here, just words") == []


def test_lowercase_word_is_not_a_code() -> None:
    assert find_codes("a1c was 9") == []
