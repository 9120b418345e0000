"""Edit an 835 segment by segment: the same payment re-sent with other labels, other amounts or reversed."""

from __future__ import annotations

from collections.abc import Callable

Segments = list[list[str]]


def segments(text: str) -> Segments:
    return [s.strip().split("*") for s in text.split("~") if s.strip()]


def render(segs: Segments) -> bytes:
    return "".join("*".join(s) + "~\n" for s in segs).encode()


def set_element(
    segs: Segments, tag: str, pos: int, value: str, *, match: Callable[[list[str]], bool] | None = None
) -> None:
    for s in segs:
        if s[0] == tag and (match is None or match(s)):
            s[pos] = value


def relabel(
    text: str,
    *,
    clp02: str | None = None,
    clp07: str | None = None,
    trn02: str | None = None,
    isa13: int | None = None,
    gs06: int | None = None,
    production_date: str | None = None,  # DTM*405 CCYYMMDD
    payment_date: str | None = None,  # BPR16 CCYYMMDD
    envelope_date: str | None = None,  # ISA09 YYMMDD and GS04 CCYYMMDD
) -> bytes:
    """The same 835 with labels changed that are not part of a payment's identity."""
    segs = segments(text)
    if clp02 is not None:
        set_element(segs, "CLP", 2, clp02)
    if clp07 is not None:
        set_element(segs, "CLP", 7, clp07)
    if trn02 is not None:
        set_element(segs, "TRN", 2, trn02)
    if isa13 is not None:
        set_element(segs, "ISA", 13, f"{isa13:09d}")
        set_element(segs, "IEA", 2, f"{isa13:09d}")
    if gs06 is not None:
        set_element(segs, "GS", 6, str(gs06))
        set_element(segs, "GE", 2, str(gs06))
    if production_date is not None:
        set_element(segs, "DTM", 2, production_date, match=lambda s: s[1] == "405")
    if payment_date is not None:
        set_element(segs, "BPR", 16, payment_date)
    if envelope_date is not None:
        set_element(segs, "ISA", 9, envelope_date[2:])
        set_element(segs, "GS", 4, envelope_date)
    return render(segs)


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _cents(text: str) -> int:
    whole, _, frac = text.lstrip("-").partition(".")
    value = int(whole) * 100 + int((frac + "00")[:2])
    return -value if text.startswith("-") else value


def shift_first_line(text: str, cents: int) -> bytes:
    """Pay ``cents`` more on the first service line, taken from its first CO adjustment: still balanced
    (line, claim and BPR02 move together), but a different payment."""
    segs = segments(text)
    svc = next(i for i, s in enumerate(segs) if s[0] == "SVC")
    segs[svc][3] = _money(_cents(segs[svc][3]) + cents)
    cas = next(s for s in segs[svc:] if s[0] == "CAS" and s[1] == "CO")
    cas[3] = _money(_cents(cas[3]) - cents)
    clp = next(s for s in segs if s[0] == "CLP")
    clp[4] = _money(_cents(clp[4]) + cents)
    bpr = next(s for s in segs if s[0] == "BPR")
    bpr[2] = _money(_cents(bpr[2]) + cents)
    return render(segs)


def set_check_total(text: str, cents: int) -> bytes:
    segs = segments(text)
    set_element(segs, "BPR", 2, _money(cents))
    return render(segs)


def reverse_then_repay(text: str, repay_shift_cents: int = 0) -> bytes:
    """The payer takes back the (single-claim) payment and pays it again, ``repay_shift_cents`` more,
    under one check: a CLP02 22 reversal (every amount negated, the line adjustments summed at claim
    level, as payers send it) before the re-adjudicated claim. BPR02 is the difference."""
    segs = segments(shift_first_line(text, repay_shift_cents).decode())
    clp_at = next(i for i, s in enumerate(segs) if s[0] == "CLP")
    original = segments(text)
    clp = next(s for s in original if s[0] == "CLP")
    totals: dict[tuple[str, str], int] = {}
    for s in original:
        if s[0] == "CAS":
            totals[(s[1], s[2])] = totals.get((s[1], s[2]), 0) + _cents(s[3])
    reversal = [["CLP", clp[1], "22", *(_money(-_cents(v)) for v in clp[3:6]), *clp[6:]]]
    reversal += [["CAS", g, r, _money(-a)] for (g, r), a in sorted(totals.items())]
    reversal += [[*s] for s in original[clp_at + 1 :] if s[0] == "NM1" or (s[0] == "DTM" and s[1] == "232")][
        :2
    ]
    segs[clp_at:clp_at] = reversal
    set_element(segs, "BPR", 2, _money(repay_shift_cents))
    st = next(i for i, s in enumerate(segs) if s[0] == "ST")
    se = next(i for i, s in enumerate(segs) if s[0] == "SE")
    segs[se][1] = str(se - st + 1)
    return render(segs)
