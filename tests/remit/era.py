"""Build the payer's 835 for one claim of an 837P the product sent: the payer pays its first line and
adjusts the rest (contractual CO-45 and patient responsibility PR-3, the copay). Amounts in cents."""

from __future__ import annotations

from datetime import date


def _dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def primary_835(x12_837: str, claim_id: str, *, paid: int, contractual: int, patient: int) -> str:
    segments = [s.strip() for s in x12_837.split("~") if s.strip()]
    at = next(i for i, s in enumerate(segments) if s.startswith(f"CLM*{claim_id}*"))
    subscriber = next(s for s in reversed(segments[:at]) if s.startswith("NM1*IL*")).split("*")
    payer = next(s for s in reversed(segments[:at]) if s.startswith("NM1*PR*")).split("*")
    after = segments[at:]
    line = next(s for s in after if s.startswith("SV1*")).split("*")
    service_day = next(s for s in after if s.startswith("DTP*472*")).split("*")[3]
    control = next((s.split("*")[2] for s in after if s.startswith("REF*6R*")), None)
    charge = paid + contractual + patient
    day = date.today().strftime("%Y%m%d")
    body = [
        "ST*835*0001",
        f"BPR*I*{_dollars(paid)}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*{day}",
        f"TRN*1*EFT-{claim_id}*1512345678",
        f"DTM*405*{day}",
        f"N1*PR*{payer[3]}",
        "N3*PO BOX 1000",
        "N4*ATLANTA*GA*30301",
        f"REF*2U*{payer[9]}",
        "PER*BL*PROVIDER SERVICES*TE*8005551212",
        "N1*PE*MAIN STREET CLINIC*XX*1234567893",
        "N3*1 MAIN ST",
        "N4*SPRINGFIELD*IL*627011234",
        "REF*TJ*123456789",
        "LX*1",
        f"CLP*{claim_id}*1*{_dollars(charge)}*{_dollars(paid)}*{_dollars(patient)}*12*PCN-{claim_id}*11*1",
        f"NM1*QC*1*{subscriber[3]}*{subscriber[4]}****MI*{subscriber[9]}",
        f"SVC*{line[1]}*{_dollars(charge)}*{_dollars(paid)}**1",
        f"DTM*472*{service_day}",
        f"CAS*CO*45*{_dollars(contractual)}",
        f"CAS*PR*3*{_dollars(patient)}",
    ]
    if control:
        body.append(f"REF*6R*{control}")
    body.append(f"SE*{len(body) + 1}*0001")
    stamp = date.today().strftime("%y%m%d")
    head = [
        f"ISA*00*          *00*          *ZZ*{payer[9]:<15}*ZZ*MAINSTREET     "
        f"*{stamp}*0930*^*00501*000000771*0*P*:",
        f"GS*HP*{payer[9]}*MAINSTREET*{day}*0930*771*X*005010X221A1",
    ]
    return "~\n".join([*head, *body, "GE*1*771", "IEA*1*000000771"]) + "~\n"
