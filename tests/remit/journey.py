"""The biller's journey: claim J-1 (99214 without 25, 20610-XS, 20611-RT on one day), its patient's
secondary coverage, and the primary's 835 with CO-4, CO-97 and PR-2 (shared by the httpx and browser
tests)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tests.remit.helpers import add_secondary_coverage, claim_doc, submit

CLAIM_ID = "J-1"


def journey_claim() -> dict[str, Any]:
    return claim_doc(
        CLAIM_ID,
        [
            {"date_of_service": "2026-04-06", "code": "99214", "charge_cents": 20000},
            {"date_of_service": "2026-04-06", "code": "20610", "modifiers": ["XS"], "charge_cents": 10000},
            {"date_of_service": "2026-04-06", "code": "20611", "modifiers": ["RT"], "charge_cents": 30000},
        ],
    )


def submit_journey_claim(sessions: sessionmaker[Session], *, secondary: bool = True) -> int:
    """J-1 sent to Acme (87726); with ``secondary``, the patient also has Beta Insurance as order 2."""
    pk = submit(sessions, journey_claim())
    if secondary:
        add_secondary_coverage(sessions, pk, member_id="B-J1")
    return pk


def journey_835(trace: str = "EFT-J1") -> bytes:
    """Acme pays 200.00 on J-1: CO-4 on 99214, CO-97 on 20610-XS, CO-45 and PR-2 on 20611-RT."""
    body = [
        "ST*835*0001",
        "BPR*I*200.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20260420",
        f"TRN*1*{trace}*1512345678",
        "DTM*405*20260420",
        "N1*PR*ACME HEALTH PLAN",
        "N3*PO BOX 1000",
        "N4*ATLANTA*GA*30301",
        "REF*2U*87726",
        "PER*BL*PROVIDER SERVICES*TE*8005551212",
        "N1*PE*SUNRISE FAMILY CLINIC*XX*1234567893",
        "N3*100 MAIN ST",
        "N4*SPRINGFIELD*IL*627011234",
        "REF*TJ*371234567",
        "LX*1",
        f"CLP*{CLAIM_ID}*1*600.00*200.00*40.00*12*PAYER-J1*11*1",
        "NM1*QC*1*DOE*JANE****MI*MEM-J-1",
        "DTM*232*20260406",
        "SVC*HC:99214*200.00*0**1",
        "DTM*472*20260406",
        "CAS*CO*4*200.00",
        f"REF*6R*{CLAIM_ID}-1",
        "SVC*HC:20610:XS*100.00*0**1",
        "DTM*472*20260406",
        "CAS*CO*97*100.00",
        f"REF*6R*{CLAIM_ID}-2",
        "SVC*HC:20611:RT*300.00*200.00**1",
        "DTM*472*20260406",
        "CAS*CO*45*60.00",
        "CAS*PR*2*40.00",
        f"REF*6R*{CLAIM_ID}-3",
    ]
    body.append(f"SE*{len(body) + 1}*0001")
    segments = [
        "ISA*00*          *00*          *ZZ*87726          *ZZ*SUNRISECLINIC  "
        "*260420*0930*^*00501*000000401*0*P*:",
        "GS*HP*87726*SUNRISECLINIC*20260420*0930*401*X*005010X221A1",
        *body,
        "GE*1*401",
        "IEA*1*000000401",
    ]
    return "".join(s + "~\n" for s in segments).encode()
