"""Coding rules applied when ranking: billable leaves, laterality, 7th characters, Excludes1, paired codes."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.codesets.repository import ref_covers
from assistant.suggest import qualifiers, seventh
from assistant.suggest.reader import RELATIVES
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import tokens

_SIDE_WORDS = {
    "right": re.compile(r"\bright\b", re.IGNORECASE),
    "left": re.compile(r"\bleft\b", re.IGNORECASE),
    "bilateral": re.compile(r"\bbilateral\b", re.IGNORECASE),
    "unspecified": re.compile(
        r"\bunspecified\s+(?:side|laterality|eye|ear|[a-z]+\s+(?:limb|arm|leg|hand|foot))\b|\bunspecified\s+\w+$",
        re.IGNORECASE,
    ),
}


def norm(code: str) -> str:
    return code.replace(".", "").upper()


def ref_matches(ref: str, code: str) -> bool:
    """Does a note's code reference ("N18.-", "E11.2", "N18.1-N18.6", "K85-K86.-") cover ``code``?"""
    return ref_covers(ref, code)


_UNSPECIFIED_SIDE = re.compile(
    r"\bunspecified (?:side|laterality|eye|ear|arm|leg|hand|foot|knee|hip|shoulder|elbow|wrist|ankle|breast|"
    r"kidney|ovary|lung|thigh|lower leg|upper arm|forearm|finger|toe|lower limb|upper limb)\b"
)


def side_of(title: str) -> str | None:
    low = title.lower()
    for side in ("bilateral", "right", "left"):
        if _SIDE_WORDS[side].search(low):
            return side
    if _UNSPECIFIED_SIDE.search(low):
        return "unspecified"
    return None


def condition_unspecified(title: str) -> bool:
    """The title leaves its condition unspecified, not only its side ("Lumbago with sciatica, unspecified
    side" is a specified condition)."""
    return "unspecified" in _UNSPECIFIED_SIDE.sub("", title.lower())


def _strip_sides(title: str) -> str:
    out = re.sub(r"\b(right|left|bilateral|unspecified)\b", "", title.lower())
    return re.sub(r"\s+", " ", out).strip()


def _side_or_unspecified(title: str) -> str | None:
    return side_of(title) or ("unspecified" if "unspecified" in title.lower() else None)


@lru_cache(maxsize=16384)
def _side_variants(catalog: CodeCatalog, code: str) -> tuple[dict[str, str], str]:
    """The right/left/bilateral/unspecified siblings of ``code`` and the code they share."""
    by_side: dict[str, str] = {}
    head = catalog.parent(code) or code
    title = catalog.title(code)
    if _side_or_unspecified(title) is None:
        return by_side, head
    stem = _strip_sides(title)
    for ancestor in catalog.ancestors(code)[:3]:
        for leaf in catalog.leaves_under(ancestor)[:400]:
            lt = catalog.title(leaf)
            s = _side_or_unspecified(lt)
            if s and _strip_sides(lt) == stem:
                by_side.setdefault(s, leaf)
        if {"right", "left"} & by_side.keys():
            head = ancestor
            break
    if "bilateral" not in by_side and by_side:
        by_side.update(_bilateral_twin(catalog, head, by_side))
    return by_side, head


_ONE_SIDE_AT_END = re.compile(r"\b(?:right|left|unspecified)\s+[a-z]+$")
# "…, left eye, early dry stage": a side with its organ inside the title ("…, bilateral, early dry stage")
_ONE_SIDE_ORGAN = re.compile(r"\b(?:right|left|unspecified)\s+(?:eye|ear)\b")


def _bilateral_twin(catalog: CodeCatalog, head: str, by_side: dict[str, str]) -> dict[str, str]:
    """ "…, right ear" / "…, unspecified eye" beside "…, bilateral": the bilateral title drops the organ
    word, so its stem differs; it is the leaf whose title is a one-side title with "bilateral" instead."""
    wanted = {
        side.sub("bilateral", catalog.title(code).lower())
        for code in by_side.values()
        for side in (_ONE_SIDE_AT_END, _ONE_SIDE_ORGAN)
        if side.search(catalog.title(code).lower())
    }
    if not wanted:
        return {}
    for leaf in catalog.leaves_under(head)[:400]:
        if catalog.title(leaf).lower() in wanted:
            return {"bilateral": leaf}
    return {}


def side_variants(catalog: CodeCatalog, code: str) -> dict[str, str]:
    """``code``'s right / left / bilateral / unspecified siblings, by side ({} when its title has no side)."""
    return dict(_side_variants(catalog, code)[0])


def both_sides_coded_apart(catalog: CodeCatalog, code: str) -> bool:
    """I.B.13: ``code``'s category has a right and a left code and no bilateral one, so a bilateral condition
    is coded once for each side."""
    if not {"right", "left"} <= side_variants(catalog, code).keys():
        return False
    # the bilateral code may be worded apart ("Bilateral primary osteoarthritis of knee", M17.0)
    return not any(_SIDE_WORDS["bilateral"].search(catalog.title(c)) for c in catalog.leaves_under(code[:3]))


def laterality_variant(catalog: CodeCatalog, code: str, documented: set[str]) -> tuple[str, str | None]:
    """Swap ``code`` for the variant that matches the documented side (or the unspecified one, warning)."""
    by_side, head = _side_variants(catalog, code)
    if not {"right", "left"} & by_side.keys():
        return code, None
    wanted = "bilateral" if "bilateral" in documented or {"right", "left"} <= documented else None
    wanted = wanted or ("right" if "right" in documented else "left" if "left" in documented else None)
    if wanted and wanted in by_side:
        return by_side[wanted], None
    if wanted is None:
        warning = f"laterality not documented: {head}- needs right/left"
        return by_side.get("unspecified", code), warning
    return code, None


def stage_variant(catalog: CodeCatalog, code: str, stated: qualifiers.Qualifiers) -> tuple[str, str | None]:
    """``code``'s "stage unspecified" sibling where its title names a stage the mention never states."""
    why = qualifiers.unstated_stage(stated, catalog.title(code))
    parent = catalog.parent(code) if why else None
    if parent is None:
        return code, None
    default = next((c for c in catalog.leaves_under(parent) if "stage unspecified" in catalog.title(c)), None)
    if default is None:
        return code, None
    return default, f"{default} for {code}: {why}"


def seventh_character(
    catalog: CodeCatalog, code: str, encounter: str | None, text: str = ""
) -> tuple[str, list[str]]:
    """Choose the 7th character from the encounter words around the mention and the mention's own words
    (open fracture, malunion, nonunion, the fetus: seventh.py)."""
    meanings = catalog.seven_chr_for(code)
    n = norm(code)
    if not meanings or len(n) < 7:
        return code, []
    wanted = seventh.choose(meanings, encounter, text) or encounter or "A"
    notes = [f"7th character {wanted}: {meanings.get(wanted, '')}".strip()]
    current = n[6]
    if current == wanted or wanted not in meanings:
        return code, notes
    variant = code[:-1] + wanted
    if variant in catalog:
        return variant, notes
    return code, notes


def resolve_header(catalog: CodeCatalog, code: str, preferred: list[str]) -> tuple[str, str | None]:
    """A non-billable header becomes its most likely leaf (best-ranked descendant, else "unspecified")."""
    if catalog.billable(code) or code not in catalog:
        return code, None
    leaves = catalog.leaves_under(code)
    if not leaves:
        return code, f"{code} is a category header with no billable code below it"
    leaf = next((p for p in preferred if p in leaves), None)
    if leaf is None:
        leaf = next((c for c in leaves if "unspecified" in catalog.title(c).lower()), leaves[0])
    return leaf, f"{code} is a non-billable category header: suggested {leaf}; check for a more specific code"


def more_specific_warning(catalog: CodeCatalog, code: str) -> str | None:
    title = catalog.title(code).lower()
    if "unspecified" not in title:
        return None
    parent = catalog.parent(code)
    if parent and len(norm(code)) == 7 and catalog.seven_chr_for(code):
        parent = catalog.parent(parent)
    siblings = [s for s in catalog.leaves_under(parent) if s[:-1] != code[:-1]] if parent else []
    if siblings:
        return (
            f"a more specific code exists under {parent} ({len(siblings)} others): document type/site/acuity"
        )
    return None


def excludes1_conflict(catalog: CodeCatalog, a: str, b: str) -> bool:
    return _excludes(catalog, a, b) or _excludes(catalog, b, a)


_NOS = re.compile(r"\bNOS\b")


# An Excludes1 note that names a class by examples ("urinary tract infection of specified site, such as:
# cystitis (N30.-), pyonephrosis (N13.6), urethritis (N34.-)" at N39.0): the class's other members the
# examples stand for (pyelonephritis N10-N12 and prostatitis N41 are urinary tract infections of a specified
# site too).
_CLASS_EXCLUDED: dict[str, tuple[str, ...]] = {"N39.0": ("N10", "N11", "N12", "N41")}


def _excludes(catalog: CodeCatalog, a: str, b: str) -> bool:
    """``a``'s Excludes1 notes name ``b``. A note about a condition NOS ("radiculitis NOS (M54.1-)" at
    G50-G59) excludes only that condition's unspecified form: a lumbar radiculopathy (M54.16) and a carpal
    tunnel syndrome are two unrelated conditions, both reported (I.A.12.a)."""
    if b.startswith(_CLASS_EXCLUDED.get(a, ())):
        return True
    refs = catalog.refs_for(a, "excludes1")
    if not any(ref_matches(r, b) for r in refs):
        return False
    nos = _nos_refs(catalog, a)
    return any(ref_matches(r, b) and (r not in nos or _unspecified_form(catalog, b)) for r in refs)


def _nos_refs(catalog: CodeCatalog, code: str) -> set[str]:
    out: set[str] = set()
    for c in [code, *catalog.lineage(code)]:
        texts = [t for t in catalog.notes.get(c, {}).get("excludes1", []) if _NOS.search(t)]
        out.update(r for r in catalog.refs.get(c, {}).get("excludes1", []) if any(r in t for t in texts))
    return out


def _unspecified_form(catalog: CodeCatalog, code: str) -> bool:
    return bool(re.search(r"\bunspecified\b|\bNOS\b", catalog.title(code), re.IGNORECASE))


def excluded_elsewhere(catalog: CodeCatalog, a: str, b: str) -> bool:
    """Only ``a``'s Excludes1 note names ``b``: the condition both say is classified at ``b`` ("electrolyte
    imbalance with hyperemesis gravidarum" is O21.1, not E87.-), so ``b`` is the code kept. Not when ``b`` is
    a status or history (Z) code or leaves its condition unspecified: the note's condition stays the specific
    code."""
    if b.startswith("Z") or condition_unspecified(catalog.title(b)):
        return False
    return any(ref_matches(r, b) for r in catalog.refs_for(a, "excludes1")) and not any(
        ref_matches(r, a) for r in catalog.refs_for(b, "excludes1")
    )


def unspecified_of_listed(catalog: CodeCatalog, refs: list[str], code: str) -> bool:
    """The category's unspecified code where a note lists its specified ones: "use additional code to
    identify the stage of chronic kidney disease (N18.1-N18.6)" is met by CKD of unspecified stage (N18.9)
    when the note gives no stage."""
    return any(r[:3] == code[:3] for r in refs) and "unspecified" in catalog.title(code).lower()


def unspecified_named(catalog: CodeCatalog, refs: list[str], said: set[str]) -> str | None:
    """The unspecified code of a listed category whose title the mention says ("diabetes with CKD": E11.22
    asks for the CKD stage, and "chronic kidney disease" with no stage is N18.9)."""
    for category in sorted({norm(r)[:3] for r in refs}):
        for code in catalog.leaves_under(category):
            title = catalog.title(code)
            words = set(tokens(title)) - {"unspecified"}
            if "unspecified" in title.lower() and words and words <= said:
                return code
    return None


def ref_groups(refs: list[str]) -> list[list[str]]:
    """References grouped by the category they point to ("I50.-" apart from "N18.1-N18.4", "N18.9")."""
    groups: dict[str, list[str]] = {}
    for r in refs:
        groups.setdefault(norm(r)[:3], []).append(r)
    return list(groups.values())


# "Use additional code to identify any applicable history of disease code (Z86.-, Z87.-)" (Z09): the codes
# one item lists are alternatives, one partner answers them all.
_ANY_APPLICABLE = re.compile(r"\bany\s+applicable\b", re.IGNORECASE)


def any_applicable(catalog: CodeCatalog, code: str, kind: str) -> bool:
    """Does the code's own note of ``kind`` ask for "any applicable" code of the ones it lists?"""
    return any(_ANY_APPLICABLE.search(item) for item in catalog.notes_for(code).get(kind, []))


# "Code first any associated: diabetic chronic kidney disease (E08.22, ...); hypertensive chronic kidney
# disease (I12.-, I13.-)" (N18): each item is a condition of its own that may apply beside the others, not an
# alternative to them ("CKD 3a due to DM2 and HTN": E11.22, I12.9 and N18.31, I.C.9.a.2 / I.C.4.a).
_ANY_ASSOCIATED = re.compile(r"any\s+associated\s*:", re.IGNORECASE)
_INHERITED_AT = re.compile(r"\s*\(at [A-Z][0-9A-Z.]+\)$")


def associated_groups(catalog: CodeCatalog, code: str, kind: str, refs: list[str]) -> list[list[str]] | None:
    """The references of an "any associated:" list, one group per listed condition; None without one."""
    items = [_INHERITED_AT.sub("", item) for item in catalog.notes_for(code).get(kind, [])]
    starts = [i for i, item in enumerate(items) if _ANY_ASSOCIATED.match(item)]
    if not starts:
        return None
    groups: list[list[str]] = []
    for item in items[starts[0] + 1 :]:
        group = [r for r in refs if re.search(rf"(?<![\w.]){re.escape(r)}(?![\w.])", item)]
        if group:
            groups.append(group)
    listed = {r for g in groups for r in g}
    return [*groups, *([r] for r in refs if r not in listed)] if groups else None


# The ranker's probability below which a pick is no documented condition (first_listed.FLOOR's scale).
PARTNER_FLOOR = 0.05


def partner_documented(partner_code: str, partner_score: float, own_refs: list[str]) -> bool:
    """Is a pick documented enough to be coded as a "use additional" / "code first" partner?

    A partner named by the code's own note (N18.6: "use additional code to identify dialysis status") is coded
    whenever the note gave it as a candidate at all. One named only by a category, block or chapter note
    (I10-I1A: "use additional code to identify ... history of tobacco dependence") is an "if applicable"
    list: it is coded only when the note supports it on its own (score at least PARTNER_FLOOR)."""
    if any(ref_matches(r, partner_code) for r in own_refs):
        return True
    return partner_score >= PARTNER_FLOOR


# A title naming its condition before its site ("Unspecified perforation of tympanic membrane, left ear") or
# before its cause ("Anemia due to antineoplastic chemotherapy": a chemotherapy encounter says no anemia).
# So does a two-word title, its condition last ("Nocturnal enuresis": getting up at night to urinate is none).
_HEAD_OF = re.compile(
    r"^(?:[a-z]+\s+){0,2}?(?P<head>[a-z]{5,})\s+(?:of|due\s+to)\s|^[a-z]+\s+(?P<last>[a-z]{5,})$",
    re.IGNORECASE,
)
# Status, organism and external-cause partners have rules of their own; a neoplasm's title names it by the
# table's word ("Malignant neoplasm of ..."), which notes say as "cancer", "carcinoma", "adenocarcinoma".
_NO_HEAD_CHECK = ("Z", "B95", "B96", "B97", "V", "W", "X", "Y", "C", "D0", "D1", "D2", "D3", "D4")


def head_unsaid(code: str, title: str, texts: list[str]) -> bool:
    """A partner whose title's condition word (the word before "of <site>") none of its mentions says: the
    mention named the site only ("L TM bulging" is no perforation of the tympanic membrane)."""
    m = _HEAD_OF.match(title)
    if code.startswith(_NO_HEAD_CHECK) or m is None:
        return False
    stem = (m.group("head") or m.group("last")).lower()[:6]
    return not any(stem in t.lower() for t in texts)


def kind_unsaid(title: str, parent_title: str, texts: list[str]) -> bool:
    """A two-word partner naming a kind of the parent's own condition ("Eosinophilic asthma", J45's "use
    additional" partner) whose kind word none of its mentions says: the asthma read is any asthma."""
    m = _HEAD_OF.match(title)
    if m is None or m.group("last") is None or m.group("last").lower() not in parent_title.lower():
        return False
    stem = title.split()[0].lower()[:6]
    return not any(stem in t.lower() for t in texts)


# A partner set after a treatment ("Rising PSA following treatment for malignant neoplasm of prostate",
# R97.21) needs a treatment the note states; a cancer watched without one has no such partner.
_AFTER_TREATMENT = re.compile(r"\bfollowing\s+treatment\b", re.IGNORECASE)
_TREATMENT_SAID = re.compile(
    r"\b(?:prostatectomy|orchiectomy|ralp|rrp|radiation|radiotherapy|xrt|brachytherapy|imrt|sbrt|hifu|"
    r"cryo\w*|adt|androgen\s+deprivation|leuprolide|lupron|degarelix|chemo\w*|treated\s+with|"
    r"after\s+treatment|post[- ]treatment)\b",
    re.IGNORECASE,
)
# A treatment a relative had ("brother s/p prostatectomy") is none of the patient's.
_RELATIVE_CLAUSE = re.compile(rf"\b{RELATIVES}\b[^;.\n]*$", re.IGNORECASE)


def treatment_unsaid(title: str, note: str) -> bool:
    """The title sets its condition after a treatment the note never states of the patient."""
    if _AFTER_TREATMENT.search(title) is None:
        return False
    return not any(
        _RELATIVE_CLAUSE.search(note, note.rfind("\n", 0, m.start()) + 1, m.start()) is None
        for m in _TREATMENT_SAID.finditer(note)
    )


# "T36-T50 with fifth or sixth character 5": the partner's intent or kind (5 adverse effect, 1-4 poisoning, 6
# underdosing) is a character of its code, not a range of codes.
_CHARACTER = re.compile(
    r"\b(fifth\s+or\s+sixth|fifth|sixth)\s+character\s+(\d)(?:\s*-\s*(\d))?", re.IGNORECASE
)
_POSITIONS = {"fifth": (4,), "sixth": (5,)}


def character_fits(catalog: CodeCatalog, code: str, kind: str, partner: str) -> bool:
    """Does a chapter-19 drug partner (T36-T65) have the character the note names ("T36-T50 with fifth or
    sixth character 5" takes T40.2X5A, not the assault poisoning T48.0X3A)? True when no note names one."""
    if not "T36" <= partner[:3] <= "T65":
        return True
    wanted: list[tuple[tuple[int, ...], str, str]] = []
    for text in catalog.notes_for(code).get(kind, []):
        for m in _CHARACTER.finditer(text):
            where = m.group(1).lower()
            positions = (4, 5) if " or " in where else _POSITIONS[where]
            wanted.append((positions, m.group(2), m.group(3) or m.group(2)))
    plain = partner.replace(".", "")
    return not wanted or any(
        any(i < len(plain) and lo <= plain[i] <= hi for i in positions) for positions, lo, hi in wanted
    )


def paired_refs(catalog: CodeCatalog, code: str, kind: str) -> list[str]:
    """Codes a "use additional code" / "code first" note at the code (or an ancestor) points to."""
    return catalog.refs_for(code, kind)


def official_notes(catalog: CodeCatalog, code: str) -> dict[str, list[str]]:
    notes = catalog.notes_for(code)
    out = {
        k: v
        for k, v in notes.items()
        if k in ("excludes1", "excludes2", "code_first", "use_additional", "code_also")
    }
    seven = catalog.seven_chr_for(code)
    if seven:
        out["seven_chr"] = [f"{k}: {v}" for k, v in sorted(seven.items())]
    return out
