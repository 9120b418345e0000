"""I.C.21.c.11: the contraceptive a visit starts is Z30.01- by method, in place of the counseling code."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.contraception import initial_contraceptive
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TITLES = {
    "Z30.011": "Encounter for initial prescription of contraceptive pills",
    "Z30.017": "Encounter for initial prescription of implantable subdermal contraceptive",
    "Z30.09": "Encounter for other general counseling and advice on contraception",
    "Z30.41": "Encounter for surveillance of contraceptive pills",
}
CATALOG = CodeCatalog(
    {"codes": {c: [ICD, t, True, c[:-1].rstrip("."), "code"] for c, t in TITLES.items()}, "refs": {}}
)


def _run(note: str) -> list[str]:
    m = Mention(start=0, end=5, text="x", query="x", section="assessment")
    picks = {"Z30.09": Pick("Z30.09", 0.7, True, [m], heads=[m])}
    initial_contraceptive(picks, NoteContext(note=note), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_pill_started_at_the_visit_is_its_initial_prescription() -> None:
    note = "A: Contraception counseling - wants pills.\nP: start norethindrone 0.35 mg (POP), Rx x 12 mo."
    assert _run(note) == ["Z30.011"]


def test_an_implant_placed_today_is_the_implant_code() -> None:
    note = "Contraception: Nexplanon (etonogestrel implant 68 mg) placed L upper arm today."
    assert _run(note) == ["Z30.017"]


def test_a_method_continued_or_never_named_leaves_the_counseling_code() -> None:
    assert _run("Contraception counseling.\nP: continue OCPs, refill x 12 mo.") == ["Z30.09"]
    assert _run("Contraception counseling, options reviewed; will decide.") == ["Z30.09"]
