"""One adjustment policy (issue 15): every CARC the project knows gets one category, and the remit poster,
the denial patterns and explanations, the ledger and the reports all treat it the same way."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from assistant.billing import remit_posting
from assistant.billing.models import LedgerEntry
from assistant.billing.reports import denial_rates
from assistant.config import PROJECT_ROOT
from assistant.core.adjustments import (
    CONTRACTUAL_CARCS,
    DEFAULT_CATEGORIES,
    PR_COLUMNS,
    PR_WORDS,
    PRIOR_PAYER_CARCS,
    classify_adjustment,
    shipped_carc_categories,
)
from assistant.core.db import transaction
from assistant.denials import explain as denials
from assistant.denials.models import DenialPattern
from assistant.remit import service as remit
from assistant.remit.models import RemitLine
from assistant.remit.schemas import Adjustment
from tests.billing.conftest import PR_FLOW_835, pr_flow_claim
from tests.remit.helpers import submit

CARC_FILES = sorted((PROJECT_ROOT / "codesets" / "adjustment-codes").glob("*-carc/carc.json"))
SHIPPED = {r["code"]: r for r in json.loads(CARC_FILES[-1].read_text())}
KNOWN_CARCS = sorted(set(SHIPPED) | set(DEFAULT_CATEGORIES) | CONTRACTUAL_CARCS)
PAYER_GROUPS = ("CO", "OA", "PI", "CR")


def test_the_policy_reads_the_shipped_carc_release() -> None:
    assert len(shipped_carc_categories()) == len(SHIPPED) > 200


@pytest.mark.parametrize("carc", KNOWN_CARCS)
def test_one_category_per_carc_everywhere(carc: str) -> None:
    payer_side = {classify_adjustment(g, carc) for g in PAYER_GROUPS}
    assert len(payer_side) == 1, payer_side  # the group does not change what a payer-side CARC means
    policy = payer_side.pop()
    row = SHIPPED.get(carc)
    if carc in CONTRACTUAL_CARCS:
        assert (policy.category, policy.treatment) == ("contractual", "contractual")
    elif carc in PRIOR_PAYER_CARCS:  # a secondary's remit: the prior payer's share, settled elsewhere
        assert policy.treatment == "prior-payer" and row and policy.category == row["category"]
    else:
        assert policy.treatment == "held"
        assert policy.category == (row["category"] if row else DEFAULT_CATEGORIES[carc][0])
    for group in (*PAYER_GROUPS, "PR"):
        c = classify_adjustment(group, carc)
        adj = Adjustment(group=group, reason=carc, amount_cents=1000, segment=0)
        assert remit.is_denial(adj) == (c.treatment == "held")  # remit: denied / partially paid
        assert remit_posting.classify(group, carc) == c.treatment  # ledger: adjusted off, moved or held
        # explanations: the same category with or without the reference row for the code
        info = SimpleNamespace(**row) if row else None
        category, _route = denials._category_route(info, group, carc, [])
        assert category == c.category
    pr = classify_adjustment("PR", carc)
    assert pr.treatment == "patient" and pr.route == "bill-patient"


def test_pr_meanings_are_one_table() -> None:
    assert PR_WORDS == {"1": "deductible", "2": "coinsurance", "3": "copay"}
    assert set(PR_COLUMNS.values()) <= {c.key for c in RemitLine.__table__.columns}


def test_co_42_is_contractual_in_the_poster_patterns_ledger_explanations_and_reports(
    sessions: sessionmaker[Session],
) -> None:
    submit(sessions, pr_flow_claim())
    text = PR_FLOW_835.read_text().replace("CAS*CO*45*40.00~\nCAS*PR*1", "CAS*CO*42*40.00~\nCAS*PR*1")
    assert "CO*42" in text
    report = remit.import_835_bytes(sessions, text.encode())
    assert report.claims[0].outcome == "paid" and report.claims[0].new_claim_status == "paid"
    with transaction(sessions) as s:
        assert s.scalar(select(func.count(DenialPattern.id))) == 0
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.reason_code == "42"))
        assert entry is not None and entry.kind == "contractual_adjustment" and entry.amount_cents == 4000
        explained = denials.explain_remit(s, report.remit_ids[0], reference=None)
        assert all(e.carc != "42" for e in explained)
        rates = {r.category: r for r in denial_rates(s, date(2026, 1, 1), date(2026, 12, 31))}
        assert rates["all"].lines_denied == 0
