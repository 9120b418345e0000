"""Short-phrase misses classified by the coding CONVENTION that makes them miss (not by phrase).

``python -m evals.phrase_conventions out/misses.jsonl [--dataset gem-phrases]`` reads the records of
``evals.phrase_misses --out`` (codes and ranks only) with the phrases of the same dataset and counts, for
the phrases whose gold is not at rank 1 (and those not in the top 10), each convention class they fall in.
A phrase may fall in several classes; "none of these" counts those in none. Prints counts only (no phrase
text).

Classes (the wording side is the phrase's, the code side the gold's and the rank-1 code's titles):

- classification wording ICD-10-CM writes differently: "NOS", "NEC" / "not elsewhere classified",
  "without mention of", "with mention of", "other specified", "other and unspecified", "unspecified site",
  "late effect" (ICD-10-CM: the 7th character "S", sequela), the episode of care of a pregnancy
  ("antepartum" / "delivered" / "postpartum condition or complication"), "current" / "initial episode",
  an abbreviation of the clinical table;
- anatomical site wording: a region of a limb ("upper arm", "forearm", "pelvic region and thigh", "lower
  leg", "ankle and foot", "shoulder region", "upper limb", "multiple sites") where the gold names a joint or
  another site word;
- where the Index leads: the gold is reached only through the External Cause Index (V00-Y99), the Table of
  Neoplasms (C00-D49), the Table of Drugs and Chemicals (T36-T65);
- specificity: gold and rank-1 code in one category, one of them the "other" / "unspecified" code.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.config import get_settings
from evals import runner
from evals.cli import open_backend

WORDING: dict[str, re.Pattern[str]] = {
    "wording: NOS": re.compile(r"\bNOS\b|\bnot otherwise specified\b"),
    "wording: NEC / not elsewhere classified": re.compile(r"\bNEC\b|\bnot elsewhere classified\b", re.I),
    "wording: without mention of": re.compile(r"\bwithout mention of\b", re.I),
    "wording: with mention of": re.compile(r"(?<!without )\bwith(?: or without)? mention of\b", re.I),
    "wording: other specified": re.compile(r"\bother specified\b", re.I),
    "wording: other and unspecified": re.compile(
        r"\bother and unspecified\b|\bunspecified and other\b", re.I
    ),
    "wording: unspecified site": re.compile(
        r"\bunspecified (?:site|part|parts)\b|\bsite unspecified\b", re.I
    ),
    "wording: late effect": re.compile(r"\blate effects?\b", re.I),
    "wording: episode of care (antepartum / delivered / postpartum)": re.compile(
        r"\bantepartum condition\b|\bpostpartum condition\b|\bdelivered\b|\bepisode of care\b", re.I
    ),
    "wording: current / initial / subsequent episode": re.compile(
        r"\b(?:initial|subsequent|current|unspecified) episode\b|\bcurrent\b", re.I
    ),
}
REGION = re.compile(
    r"\b(?:shoulder region|upper arm|forearm|pelvic region and thigh|lower leg|ankle and foot|upper limb|"
    r"lower limb|multiple sites|other specified sites)\b",
    re.I,
)
_UNSPEC = re.compile(r"\bunspecified\b", re.I)
_OTHER = re.compile(r"\bother\b", re.I)


def table_of(code: str) -> str | None:
    """The Index part a code is reached through, when it is not the main Index."""
    c = code.replace(".", "")
    if c[:1] in "VWXY":
        return "index: External Cause Index (V00-Y99)"
    if c[:1] == "C" or (c[:1] == "D" and c[1:3].isdigit() and int(c[1:3]) <= 49):
        return "index: Table of Neoplasms (C00-D49)"
    if c[:1] == "T" and c[1:3].isdigit() and 36 <= int(c[1:3]) <= 65:
        return "index: Table of Drugs and Chemicals (T36-T65)"
    return None


def classes(phrase: str, gold: Sequence[str], top: str, title_of: Callable[[str], str]) -> list[str]:
    """The convention classes a missed phrase falls in."""
    out = [name for name, rx in WORDING.items() if rx.search(phrase)]
    gold_titles = [title_of(g) for g in gold]
    region = REGION.search(phrase)
    if region and not any(region.group(0).lower() in t.lower() for t in gold_titles):
        out.append("site: limb region named, gold titles name another site word")
    elif region:
        out.append("site: limb region named (gold says it too)")
    tables = {t for t in (table_of(g) for g in gold) if t}
    out.extend(sorted(tables))
    if top:
        same = [g for g in gold if g.replace(".", "")[:3] == top.replace(".", "")[:3]]
        if same:
            tg, tt = title_of(same[0]), title_of(top)
            if _UNSPEC.search(tt) and not _UNSPEC.search(tg):
                out.append("specificity: rank 1 unspecified, gold specific (same category)")
            elif _UNSPEC.search(tg) and not _UNSPEC.search(tt):
                out.append("specificity: gold unspecified, rank 1 specific (same category)")
            elif _OTHER.search(tg) and not _OTHER.search(tt):
                out.append("specificity: gold 'other', rank 1 not (same category)")
            elif _OTHER.search(tt) and not _OTHER.search(tg):
                out.append("specificity: rank 1 'other', gold not (same category)")
            else:
                out.append("specificity: same category, neither other nor unspecified")
    return out or ["none of these"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("misses", type=Path, help="records written by evals.phrase_misses --out")
    ap.add_argument("--dataset", default="gem-phrases")
    args = ap.parse_args(argv)
    catalog = open_backend(get_settings())[0].catalog
    text = {c.id: c.text for c in runner.load_dataset(args.dataset).cases}
    records = [json.loads(line) for line in args.misses.read_text().splitlines() if line.strip()]

    def title_of(code: str) -> str:
        return catalog.title(code) if code in catalog else ""

    miss1: Counter[str] = Counter()
    miss10: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for r in records:
        top = r["ranked"][0] if r["ranked"] else ""
        for k in classes(text[r["id"]], r["gold"], top, title_of):
            total[k] += 1
            if r["rank"] != 1:
                miss1[k] += 1
            if r["rank"] == 0:
                miss10[k] += 1
    n = len(records)
    m1 = sum(r["rank"] != 1 for r in records)
    m10 = sum(r["rank"] == 0 for r in records)
    print(f"{n} phrases, {m1} not at rank 1, {m10} not in the top 10")
    print("| class | phrases | not rank 1 | not top 10 |\n|---|---|---|---|")
    for k, v in sorted(miss1.items(), key=lambda kv: -kv[1]):
        print(f"| {k} | {total[k]} | {v} | {miss10[k]} |")


if __name__ == "__main__":
    main()
