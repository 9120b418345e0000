"""A resent 835 never posts twice (issue 18 §1), and no remit ever holds more than its check total."""

from __future__ import annotations

import contextlib
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from assistant.billing import service
from assistant.core.db import make_engine, session_factory, transaction
from assistant.core.errors import InvalidInput
from assistant.remit import repository as repo
from assistant.remit.models import Remit, RemitClaim, RemitProviderAdjustment, RemitWorkItem
from assistant.remit.service import OverCheckTotal, UnbalancedRemit, import_835_bytes, work_queue
from tests.billing.conftest import PR_FLOW_835, pr_flow_claim
from tests.billing.x12_variants import relabel, reverse_then_repay, set_check_total, shift_first_line
from tests.remit.helpers import submit

ORIGINAL = PR_FLOW_835.read_text()
PATIENT = "MEM-2001"


def _due(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with transaction(sessions) as s:
        bal = service.balance(s, PATIENT, with_entries=False)
        return bal.patient_due_cents, bal.insurance_pending_cents


def _over_check_total(sessions: sessionmaker[Session]) -> list[str]:
    """Remits holding more claim payments than BPR02 plus PLB (must stay empty)."""
    with sessions() as s:
        bad = []
        for remit in s.scalars(select(Remit)):
            paid = repo.paid_total(s, remit.id)
            plb = sum(
                p.amount_cents
                for p in s.scalars(select(RemitProviderAdjustment).filter_by(remit_id=remit.id))
            )
            if paid > remit.payment_cents + plb:
                bad.append(
                    f"remit {remit.id}: {paid} posted under a check of {remit.payment_cents} + PLB {plb}"
                )
        return bad


def _remit_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count(Remit.id))) or 0)


def test_resend_with_another_clp07_then_clp02_does_not_post_again(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    assert _due(sessions) == (8500, 0)
    for variant in (relabel(ORIGINAL, clp07="PCN2001-B"), relabel(ORIGINAL, clp02="2")):
        report = import_835_bytes(sessions, variant, filename="resent.835")
        assert (report.claims_posted, report.claims_skipped, report.claims_possible_duplicates) == (0, 1, 1)
        assert not report.claims[0].posted
        assert f"remit #{pr_flow['remit_id']}" in report.claims[0].notes[0]
        assert _due(sessions) == (8500, 0)  # the patient owes $85, not $170 or $255
    assert _remit_count(sessions) == 1  # the skipped resends left no remit row behind
    with sessions() as s:
        dupes = [w for w in work_queue(s) if w.kind == "possible-duplicate"]
        assert len(dupes) == 2 and {w.remit_id for w in dupes} == {pr_flow["remit_id"]}
        assert all(w.remit_claim_id for w in dupes)
    assert _over_check_total(sessions) == []


def test_the_same_resend_twice_raises_one_work_item(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    variant = relabel(ORIGINAL, trn02="EFT0099999")
    import_835_bytes(sessions, variant)
    again = import_835_bytes(sessions, variant)
    assert again.claims_possible_duplicates == 1 and again.work_items == 0
    with sessions() as s:
        assert s.scalar(select(func.count(RemitWorkItem.id)).filter_by(kind="possible-duplicate")) == 1


def test_an_exact_reimport_is_skipped_quietly(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    report = import_835_bytes(sessions, relabel(ORIGINAL, isa13=999, gs06=999), filename="new-envelope.835")
    assert (report.claims_posted, report.claims_skipped, report.claims_possible_duplicates) == (0, 1, 0)
    assert report.claims[0].notes == ["already posted by an earlier import"]
    assert _due(sessions) == (8500, 0)


def test_a_different_payment_of_the_same_claim_still_posts(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    report = import_835_bytes(sessions, relabel(shift_first_line(ORIGINAL, 500).decode(), trn02="EFT0020002"))
    assert report.claims_posted == 1
    assert _remit_count(sessions) == 2
    assert _over_check_total(sessions) == []


def test_reversal_and_repayment_post_and_their_resend_does_not(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    file = relabel(reverse_then_repay(ORIGINAL, 0).decode(), trn02="EFT0020003")
    report = import_835_bytes(sessions, file)
    assert [(c.status_code, c.posted) for c in report.claims] == [("22", True), ("1", True)]
    assert _due(sessions) == (8500, 0)  # taken back and paid again with the same amounts
    resent = import_835_bytes(sessions, relabel(file.decode(), trn02="EFT0020004", clp07="PCN-X"))
    assert resent.claims_posted == 0 and resent.claims_possible_duplicates == 2
    assert _due(sessions) == (8500, 0)
    assert _remit_count(sessions) == 2
    assert _over_check_total(sessions) == []


def test_a_file_that_does_not_balance_to_bpr02_posts_nothing(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    with sessions() as s:
        before = repo.count_rows(s)
    with pytest.raises(UnbalancedRemit) as err:
        import_835_bytes(sessions, set_check_total(ORIGINAL, 63000))
    assert err.value.field == "BPR02" and err.value.fix
    with sessions() as s:
        assert repo.count_rows(s) == before


def test_claims_beyond_the_check_total_are_refused_before_anything_posts(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    """Same check number and amount as a posted remit (so the same remit), but another claim."""
    other = pr_flow_claim()
    other["claim_id"] = "CLM-2002"
    for line in other["lines"]:  # type: ignore[attr-defined]
        line["line_control_number"] = line["line_control_number"].replace("2001", "2002")
    submit(sessions, other)
    with sessions() as s:
        before = repo.count_rows(s)
    with pytest.raises(OverCheckTotal) as err:
        import_835_bytes(sessions, ORIGINAL.replace("CLP*CLM-2001", "CLP*CLM-2002").encode())
    assert err.value.field == "BPR02" and "nothing was posted" in err.value.message
    with sessions() as s:
        assert repo.count_rows(s) == before
    assert _over_check_total(sessions) == []


_dates = st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(lambda d: d.strftime("%Y%m%d"))

# Labels a payer may change when it resends the same payment; none of them makes it a new payment.
relabelings = st.fixed_dictionaries(
    {},
    optional={
        "clp02": st.sampled_from(["1", "2", "3", "4", "19", "20", "21", "22", "23", "25"]),
        "clp07": st.from_regex(r"[A-Z0-9]{1,20}", fullmatch=True),
        "trn02": st.from_regex(r"[A-Z0-9]{1,30}", fullmatch=True),
        "isa13": st.integers(1, 999_999_999),
        "gs06": st.integers(1, 999_999_999),
        "production_date": _dates,
        "payment_date": _dates,
        "envelope_date": _dates,
    },
).filter(bool)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=relabelings)
def test_no_relabeled_resend_posts_again(
    sessions: sessionmaker[Session], pr_flow: dict[str, int], changes: dict[str, object]
) -> None:
    report = import_835_bytes(sessions, relabel(ORIGINAL, **changes))  # type: ignore[arg-type]
    assert report.claims_posted == 0 and report.claims_skipped == 1
    assert _due(sessions) == (8500, 0)
    with sessions() as s:
        assert s.scalar(select(func.count(RemitClaim.id))) == 1
    assert _remit_count(sessions) == 1
    assert _over_check_total(sessions) == []


SINGLE_LABEL_CHANGES: list[tuple[str, object]] = [
    ("clp02", "2"),
    ("clp02", "19"),
    ("clp02", "22"),
    ("clp07", "OTHER-PCN"),
    ("trn02", "CHK000777"),
    ("isa13", 4242),
    ("gs06", 4242),
    ("production_date", "20260415"),
    ("payment_date", "20260416"),
    ("envelope_date", "20260417"),
]


def test_every_single_label_change_is_recognized(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    for field, value in SINGLE_LABEL_CHANGES:
        report = import_835_bytes(sessions, relabel(ORIGINAL, **{field: value}))  # type: ignore[arg-type]
        assert report.claims_posted == 0 and report.claims_skipped == 1, field
        assert _due(sessions) == (8500, 0), field
        assert _remit_count(sessions) == 1, field


@pytest.fixture
def template_db(tmp_path: Path, migrated_template: Path) -> Path:
    """A migrated SQLite database holding the PR-flow claim, copied for every hypothesis example."""
    path = tmp_path / "template.db"
    url = f"sqlite:///{path}"
    shutil.copyfile(migrated_template, path)
    engine = make_engine(url)
    submit(session_factory(engine), pr_flow_claim())
    engine.dispose()
    return path


@st.composite
def variants(draw: st.DrawFn) -> bytes:
    """The PR-flow 835 relabeled, paid differently, reversed and repaid, or with a wrong check total."""
    text = ORIGINAL
    kind = draw(st.sampled_from(["relabel", "shift", "reverse", "check-total"]))
    if kind == "shift":
        text = shift_first_line(text, draw(st.integers(-8000, 4000).filter(bool))).decode()
    elif kind == "reverse":
        text = reverse_then_repay(text, draw(st.integers(0, 4000))).decode()
    elif kind == "check-total":
        return set_check_total(text, draw(st.integers(1, 100_000)))
    return relabel(text, **draw(relabelings))  # type: ignore[arg-type]


import_sequences = st.lists(variants(), min_size=1, max_size=4).map(lambda fs: [ORIGINAL.encode(), *fs])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=import_sequences)
def test_posted_totals_never_exceed_check_totals(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory, files: list[bytes]
) -> None:
    db = tmp_path_factory.mktemp("example") / "op.db"
    shutil.copy(template_db, db)
    engine = make_engine(f"sqlite:///{db}")
    try:
        sessions = session_factory(engine)
        for data in files:
            with contextlib.suppress(InvalidInput):  # refused as a whole: unbalanced, or over its check
                import_835_bytes(sessions, data)
            assert _over_check_total(sessions) == []
            with sessions() as s:
                empty = [r.id for r in s.scalars(select(Remit)) if not repo.remit_claims(s, r.id)]
                assert empty == []  # no remit row without a posted claim
    finally:
        engine.dispose()
