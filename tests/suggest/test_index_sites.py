"""The real Alphabetic Index walked for a site the mention names: an entry that names the site wins over one
that only holds for any site, and the Index's own synonyms (gastric / stomach, bleeding / hemorrhage) read."""

from __future__ import annotations

import pytest

from assistant.codesets.repository import CodeSetRepository
from assistant.suggest.index_walker import IndexWalker


@pytest.fixture(scope="module")
def walker(reference: CodeSetRepository) -> IndexWalker:
    return IndexWalker.from_reference(reference)


def _first(walker: IndexWalker, text: str) -> str:
    return walker.walk(text, None, 3)[0].code


def test_an_ulcer_with_bleeding_at_a_named_site_is_that_site_with_hemorrhage(walker: IndexWalker) -> None:
    assert _first(walker, "gastric ulcer with bleeding") == "K25.4"
    assert _first(walker, "duodenal ulcer with bleeding") == "K26.4"
    # no site named: the Index's own "Ulcer, bleeding" (peptic, site unspecified)
    assert _first(walker, "bleeding ulcer") == "K27.4"


def test_an_entry_without_subterms_still_holds_for_any_site(walker: IndexWalker) -> None:
    assert _first(walker, "numbness of feet") == "R20.0"


def test_heart_failure_subterms_after_the_index_note(walker: IndexWalker) -> None:
    assert _first(walker, "systolic heart failure") == "I50.20"


def test_a_word_with_a_diacritic_is_the_word_without(walker: IndexWalker) -> None:
    # the Index writes "Sjögren"; notes write "Sjogren"
    assert _first(walker, "Sjogren syndrome").startswith("M35.0")


def test_recurrent_or_frequent_falls_are_repeated_falls(walker: IndexWalker) -> None:
    assert _first(walker, "recurrent falls") == "R29.6"
    assert _first(walker, "frequent falls") == "R29.6"
    # "recurrent" keeps its own Index word where the Index has one
    assert _first(walker, "recurrent major depression").startswith("F33")
