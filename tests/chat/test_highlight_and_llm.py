from __future__ import annotations

import httpx

from assistant.chat.highlight import segments, without_markup
from assistant.llm.client import LlmClient, validate
from assistant.suggest.schemas import Evidence, Suggestion


def _s(code: str, note: str, phrase: str) -> Suggestion:
    start = note.index(phrase)
    return Suggestion(
        code=code,
        system="ICD-10-CM",
        title=code,
        score=1,
        confidence="high",
        evidence=[Evidence(start=start, end=start + len(phrase), text=phrase)],
    )


def test_segments_cover_note_and_mark_evidence() -> None:
    note = "Type 2 diabetes <b>with</b> hyperglycemia."
    segs = segments(note, [_s("E11.65", note, "hyperglycemia"), _s("E11.9", note, "Type 2 diabetes")])
    assert "".join(s.text for s in segs) == note
    marked = {s.text: s.codes for s in segs if s.mark}
    assert marked == {"hyperglycemia": ["E11.65"], "Type 2 diabetes": ["E11.9"]}


def test_segments_ignore_spans_that_do_not_match_the_note() -> None:
    bad = Suggestion(
        code="I10",
        system="ICD-10-CM",
        title="x",
        score=1,
        confidence="low",
        evidence=[Evidence(start=0, end=4, text="nope"), Evidence(start=90, end=99, text="x")],
    )
    assert all(not s.mark for s in segments("Type 2 diabetes", [bad]))


def test_evidence_never_lands_on_pasted_markup() -> None:
    """A note pasted with HTML: spans that cover tag text, comments or entities mark only the words."""
    note = '<p class="dm">Type 2 diabetes</p><!-- hyperglycemia --> with&nbsp;<b>hyperglycemia</b>'
    tag = note.index('class="dm"')
    spans = [
        _s("E11.9", note, '<p class="dm">Type 2 diabetes</p>'),  # the engine read the tags as words
        Suggestion(
            code="E11.65",
            system="ICD-10-CM",
            title="x",
            score=1,
            confidence="high",
            evidence=[
                Evidence(start=tag, end=tag + 10, text='class="dm"'),
                Evidence(
                    start=note.index("hyperglycemia"),
                    end=note.index("hyperglycemia") + 13,
                    text="hyperglycemia",
                ),
                Evidence(start=note.index("&nbsp;"), end=note.index("&nbsp;") + 6, text="&nbsp;"),
                Evidence(
                    start=note.rindex("hyperglycemia"),
                    end=note.rindex("hyperglycemia") + 13,
                    text="hyperglycemia",
                ),
            ],
        ),
    ]
    segs = segments(note, spans)
    assert "".join(s.text for s in segs) == note
    marked = [(s.text, s.codes) for s in segs if s.mark]
    assert marked == [("Type 2 diabetes", ["E11.9"]), ("hyperglycemia", ["E11.65"])]


def test_evidence_quoted_alone_loses_its_markup() -> None:
    assert without_markup('<p class="dm">Type 2&nbsp;diabetes</p>') == "Type 2 diabetes"
    assert without_markup("<b></b><!-- x -->") == ""  # nothing left to quote
    assert without_markup("BP < 140 and > 90") == "BP < 140 and > 90"  # comparison signs are not markup


def test_validate_drops_codes_not_in_facts() -> None:
    out = validate("Use E11.65 here, or maybe E11.9.", {"E11.65"})
    assert "E11.65" in out.text and "E11.9" not in out.text
    assert out.flags and "E11.9" in out.flags[0]


def test_llm_client_against_fake_local_server() -> None:
    seen: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(__import__("json").loads(request.content))
        assert request.url.path == "/v1/chat/completions"
        return httpx.Response(200, json={"choices": [{"message": {"content": "It is E11.65, not Z99.99."}}]})

    client = LlmClient("http://127.0.0.1:9999", transport=httpx.MockTransport(handler))
    out = client.phrase("what is E11.65?", ["E11.65 Type 2 diabetes mellitus with hyperglycemia"], {"E11.65"})
    assert out is not None and "Z99.99" not in out.text and out.flags
    assert "E11.65 Type 2" in seen[0]["messages"][1]["content"]


def test_llm_client_refuses_remote_and_survives_errors() -> None:
    import pytest

    with pytest.raises(ValueError):
        LlmClient("http://example.com:8080")
    down = LlmClient("http://127.0.0.1:9", transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    assert down.phrase("q", ["f"], set()) is None
