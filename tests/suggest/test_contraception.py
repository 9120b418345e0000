"""I.C.21.c.11: the contraceptive a visit starts is Z30.01- by method, in place of the counseling code."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.contraception import contraceptive_surveillance, initial_contraceptive
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TITLES = {
    "Z30.011": "Encounter for initial prescription of contraceptive pills",
    "Z30.013": "Encounter for initial prescription of injectable contraceptive",
    "Z30.9": "Encounter for contraceptive management, unspecified",
    "Z30.42": "Encounter for surveillance of injectable contraceptive",
    "Z30.017": "Encounter for initial prescription of implantable subdermal contraceptive",
    "Z30.09": "Encounter for other general counseling and advice on contraception",
    "Z30.40": "Encounter for surveillance of contraceptives, unspecified",
    "Z30.41": "Encounter for surveillance of contraceptive pills",
    "Z30.46": "Encounter for surveillance of implantable subdermal contraceptive",
}
CATALOG = CodeCatalog(
    {"codes": {c: [ICD, t, True, c[:-1].rstrip("."), "code"] for c, t in TITLES.items()}, "refs": {}}
)


def _run(note: str, found: str = "Z30.09") -> list[str]:
    m = Mention(start=0, end=5, text="x", query="x", section="assessment")
    picks = {found: Pick(found, 0.7, True, [m], heads=[m])}
    initial_contraceptive(picks, NoteContext(note=note), CATALOG)
    contraceptive_surveillance(picks, NoteContext(note=note), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_pill_started_at_the_visit_is_its_initial_prescription() -> None:
    note = "A: Contraception counseling - wants pills.\nP: start norethindrone 0.35 mg (POP), Rx x 12 mo."
    assert _run(note) == ["Z30.011"]


def test_an_implant_placed_today_is_the_implant_code() -> None:
    note = "Contraception: Nexplanon (etonogestrel implant 68 mg) placed L upper arm today."
    assert _run(note) == ["Z30.017"]


def test_a_method_never_named_leaves_the_counseling_code() -> None:
    assert _run("Contraception counseling, options reviewed; will decide.") == ["Z30.09"]
    assert _run("Acne.\nP: continue doxycycline, refill x 3 mo.") == ["Z30.09"]  # no contraception at all


def test_a_method_continued_or_exchanged_is_its_surveillance() -> None:
    assert _run("Contraception counseling.\nP: continue OCPs, refill x 12 mo.") == ["Z30.09", "Z30.41"]
    note = "Contraception: Nexplanon due.\nA/P: old implant removed, new etonogestrel implant inserted."
    assert _run(note, found="Z30.40") == ["Z30.46"]
    # a method started at the visit stays its initial prescription
    assert _run("Contraception: Nexplanon placed L upper arm today.") == ["Z30.017"]


def test_a_repeat_contraceptive_injection_is_its_surveillance() -> None:
    note = (
        "S: here for her Depo shot; last one 11 wk ago.\n"
        "A: Contraceptive management - Depo-Provera, on schedule.\nP: medroxyprogesterone 150 mg IM given."
    )
    assert _run(note, found="Z30.9") == ["Z30.42"]
    # the first injection is the initial prescription
    first = "Contraception counseling, chooses Depo-Provera.\nP: first DMPA injection given today, start now."
    assert _run(first) == ["Z30.013"]
    asked = "BV - metronidazole.\nAlso requests contraception - Depo-Provera 150 mg IM given today."
    assert _run(asked, found="Z30.9") == ["Z30.013"]
    wish = "Discharge dx: SVD at 39 wk.\nF/u: PP visit 6 wk, contraception - wants POPs."
    assert _run(wish, found="Z37.0") == ["Z37.0"]  # a wish for later starts nothing


def test_a_method_that_is_nothing_but_contraception_needs_no_contraception_word() -> None:
    assert _run("Here for her Depo-Provera shot, last one 12 wk ago; given L deltoid.", found="Z30.40") == [
        "Z30.42"
    ]
    # pills alone name any drug: a refill of pills is no contraceptive without the word
    assert _run("Refill of her thyroid pills, continue levothyroxine.", found="Z30.40") == ["Z30.40"]
