"""Combination codes (ICD-10-CM I.A.15 "with", I.C.4.a diabetes, I.C.9.a hypertension, I.C.3.a anemia).

The guideline names the families; the code set decides the code. For a base condition (type 2 diabetes,
essential hypertension, anemia) and the other final codes of the note, every code of the family is scored by
the partners it takes:
- a partner its own "use additional code" / "code first" note asks for is kept beside it (N18.4 with I12.9,
  I50.22 with I11.0);
- a partner whose title words are all in the combination's title is absorbed into it (polyneuropathy G62.9
  into E11.42, hyperglycemia R73.9 into E11.65);
- a combination whose note asks for a partner the note lacks (I13.0 without heart failure) is not chosen,
  and of two that take the same partners the one whose title says least beyond them wins.
"Presumed" families (diabetes, hypertension) link conditions anywhere in the note; the others need both in
one sentence ("anemia in CKD").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from assistant.codesets.repository import ref_covers
from assistant.suggest import qualifiers, request_memo
from assistant.suggest.coding_rules.context import NoteContext, demote
from assistant.suggest.rules import ref_groups, ref_matches, unspecified_named, unspecified_of_listed
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import DIABETES_WORDS, expand_abbreviations, tokens
from assistant.suggest.types import Pick

# Words that never make a partner: qualifiers the combination title need not repeat.
_QUALIFIER_WORDS = frozenset(tokens("unspecified other specified nos type mellitus essential primary"))
# An Alphabetic Index equivalence the titles do not spell out: "Angiopathy, peripheral" is peripheral
# vascular disease.
_SAME_AS = {"angiopathy": ("vascular", "disease")}
# A combination title's adjective for the condition the mention names as a noun ("Hypertensive chronic
# kidney disease" for "hypertension with CKD"), and the words of a stage range ("stage 1 through stage 4").
_NOUN_OF = {"hypertensive": "hypertension"}
_RANGE_WORDS = frozenset(tokens("through"))
# Conditions named like the base that are another disease ("pulmonary hypertension" is not I10).
_OTHER_KINDS = re.compile(
    r"\b(?:pulmonary|portal|intracranial|ocular|gestational|pregnancy[- ]induced|renovascular|secondary)\s+"
    r"hypertens\w*",
    re.IGNORECASE,
)


# A condition its title calls primary arises of itself: no "with" presumption makes it another disease's
# manifestation ("Primary open-angle glaucoma" beside diabetes is no diabetic glaucoma, E11.39).
# So does one its title ties to age ("Age-related nuclear cataract" beside diabetes is no E11.36); an
# unspecified code of the same condition beside it ("cataract extraction" read as H26.9) is that one.
_PRIMARY = re.compile(r"\bprimary\b|\bage-related\b|\bsenile\b", re.IGNORECASE)
_WITHOUT = re.compile(r"\b(?:without|w/o|no|not|denies|negative)\b", re.IGNORECASE)
# Title words too common to name the partner a denial is about ("not diabetic eye disease" is not CKD's).
_GENERIC_WORDS = frozenset(tokens("disease disorder chronic acute stage"))
# A link the note denies beside the condition ("nuclear cataract OS (not diabetic per ophtho)", "CKD, not due
# to HTN", "neuropathy unrelated to her diabetes"): the "with" presumption yields to the provider (I.A.15).
_LINK_DENIED = re.compile(
    r"\b(?:not|non-?)\s*(?:diabetic|hypertensive|(?:due|related|secondary)\s+to\b)|\bunrelated\s+to\b",
    re.IGNORECASE,
)


def _link_denied(ctx: NoteContext, catalog: CodeCatalog, partner: Pick, family: Family | None = None) -> bool:
    """The note denies the link within a few words after a word of the partner's own title, or names the
    partner right after the denial ("NOT diabetic kidney disease"). A denial that names another family's
    condition only ("CKD, unrelated to DM" for hypertension) is not this family's."""
    words = set(tokens(catalog.title(partner.code))) - _QUALIFIER_WORDS
    for m in _LINK_DENIED.finditer(ctx.note):
        before = ctx.note[max(0, m.start() - 60) : m.start()]
        line = re.split(r"[.;\n]", before)[-1]
        after = re.split(r"[.;,()\n]", ctx.note[m.end() : m.end() + 40])[0]
        named = words & set(tokens(line)) or (words - _GENERIC_WORDS) & set(tokens(after))
        if named and (family is None or _denies_family(ctx.note[m.start() :], family)):
            return True
    return False


def cause_denied(note: str, catalog: CodeCatalog, condition: Pick, cause: str) -> bool:
    """The note says ``condition`` is not due to the family ``cause`` codes ("CKD 3b, unrelated to DM"):
    no "code first any associated" partner of that family."""
    family = next((f for f in FAMILIES if f.codes(cause)), None)
    return family is not None and _link_denied(NoteContext(note), catalog, condition, family)


def _denies_family(clause: str, family: Family) -> bool:
    """The denial's own words (to the end of its clause) name ``family``'s condition, or no family's."""
    said = re.split(r"[.;,)\n]", clause[:60])[0]
    named = [f for f in FAMILIES if f.presumed and re.search(f.documented, said, re.IGNORECASE)]
    return not named or family in named


# Hypertension as a note writes it: the family's documented words, and what another kind leaves of it.
_HYPERTENSION_WORDS = r"hypertens|\bHTN\b|high blood pressure"


@dataclass(frozen=True)
class Family:
    name: str
    is_base: Callable[[str], bool]
    members: Callable[[CodeCatalog, str], list[str]]
    presumed: bool  # "with" convention: linked unless the note says otherwise
    one_code: bool  # only one code of the family is reported (hypertension I10-I13)
    guideline: str
    documented: str  # the base condition's words: a family code needs them somewhere in the note
    default: str = ""  # the Index's code for the condition without qualifiers ("Hypertension" -> I10)
    variants: tuple[str, ...] = ()  # categories that need their own qualifier words documented
    # a variant's qualifier the Index gives beside its title's words ("Diabetes, secondary ... see Diabetes,
    # specified type NEC": E13)
    index_words: dict[str, str] = field(default_factory=dict)

    def codes(self, code: str) -> bool:
        """A code of this family: a base code or one of its variant categories."""
        return self.is_base(code) or code[:3] in self.variants


def is_diabetes(code: str) -> bool:
    """A diabetes mellitus code (E08-E11, E13)."""
    return re.match(r"E(0[89]|1[013])\.", code) is not None


def _category_leaves(catalog: CodeCatalog, code: str) -> list[str]:
    return catalog.leaves_under(code[:3])


def _leaves(*categories: str) -> Callable[[CodeCatalog, str], list[str]]:
    def members(catalog: CodeCatalog, _: str) -> list[str]:
        return [leaf for c in categories if c in catalog for leaf in catalog.leaves_under(c)]

    return members


FAMILIES: tuple[Family, ...] = (
    Family(
        "diabetes",
        is_diabetes,
        _category_leaves,
        presumed=True,
        one_code=False,
        guideline='I.A.15 "with" and I.C.4.a: diabetes and the conditions listed under "with" are linked',
        documented=DIABETES_WORDS,
        default="E11",
        variants=("E08", "E09", "E13"),
        index_words={"E13": "secondary"},
    ),
    Family(
        "hypertension",
        lambda c: c == "I10" or c[:3] in ("I11", "I12", "I13"),
        _leaves("I11", "I12", "I13"),
        presumed=True,
        one_code=True,
        guideline="I.C.9.a: hypertension with heart disease (I11), CKD (I12) or both (I13) is presumed",
        documented=_HYPERTENSION_WORDS,
        default="I10",
        variants=("I1A", "I15", "I16"),
    ),
    Family(
        "coronary atherosclerosis",
        lambda c: c == "I25.10" or c.startswith("I25.11"),
        _leaves("I25.1"),
        presumed=True,
        one_code=True,
        guideline="I.C.9.b: coronary atherosclerosis and angina pectoris are presumed linked (I25.11-)",
        documented=r"\bcad\b|coronar|atheroscl|\bashd\b|\bascvd\b",
        default="I25.10",
    ),
    Family(
        "anemia in chronic disease",
        lambda c: c in ("D64.9", "D63.8") or c[:3] == "D63",
        _leaves("D63"),
        presumed=False,
        one_code=True,
        guideline='I.C.3.a / tabular D63: anemia documented "in" or "due to" the chronic disease',
        documented=r"an(?:a)?emi",
    ),
)


def _positive_title(title: str) -> str:
    """The title without its "without ..." clauses (I13.10 "... without heart failure, with stage 1 ...")."""
    return re.sub(r"\bwithout\b[^,]*", " ", title, flags=re.IGNORECASE)


def _core(catalog: CodeCatalog, code: str) -> frozenset[str]:
    """A code title's own words, its "without" clauses and qualifier words left out (once a request)."""

    def read() -> frozenset[str]:
        words = set(tokens(_positive_title(catalog.title(code)))) - _QUALIFIER_WORDS
        return frozenset(w for w in words if not w.isdigit())

    return request_memo.remembered((_core, catalog), code, read)


def _own_refs(catalog: CodeCatalog, code: str) -> list[str]:
    own = catalog.refs.get(code, {})
    return [*own.get("use_additional", []), *own.get("code_first", [])]


def _groups(refs: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in refs:
        out.setdefault(r[:3], []).append(r)
    return out


@dataclass
class Choice:
    code: str
    kept: list[Pick]
    absorbed: list[Pick]
    extra_words: int


def _evaluate(
    catalog: CodeCatalog,
    combo: str,
    base: Pick,
    partners: list[Pick],
    loose: bool = False,
    phrase: bool = False,
) -> Choice | None:
    refs = _own_refs(catalog, combo)
    groups = _groups(refs)
    # The base code was coded without the partners its own note asks for: the combination may be too. A
    # phrase's own code names its whole condition: a partner it has no candidate for is an additional code.
    inherited = set(_groups(_own_refs(catalog, base.code))) if combo != base.code else set()
    if phrase and combo == base.code:
        inherited = {key for key in groups if not any(p.code[:3] == key for p in partners)}
    kept = [
        p
        for p in partners
        if any(ref_covers(r, p.code) for r in refs)
        or (loose and unspecified_of_listed(catalog, refs, p.code))
    ]
    if any(
        not any(ref_covers(r, p.code) or p.code[:3] == key for p in kept for r in rs)
        for key, rs in groups.items()
        if key not in inherited
    ):
        return None  # the combination needs a partner the note does not give
    if (
        combo != base.code
        and not _unsaid_without(catalog, base)
        and qualifiers.compare(
            qualifiers.title_qualifiers(catalog.title(base.code)),
            qualifiers.title_qualifiers(catalog.title(combo)),
        )[0]
    ):
        return None  # the combination says the opposite of the base ("without heart failure" for I11.0)
    words = set(tokens(_positive_title(catalog.title(combo))))
    for key, same in _SAME_AS.items():
        if key in words:
            words |= set(same)
    absorbed = [
        p for p in partners if p not in kept and _core(catalog, p.code) and _core(catalog, p.code) <= words
    ]
    if not kept and not absorbed:
        return None
    said = _core(catalog, base.code) | {w for p in kept + absorbed for w in catalog.title_tokens(p.code)}
    said |= {w for p in [base, *kept, *absorbed] for m in p.mentions for w in tokens(m.query)}
    extra = len(_core(catalog, combo) - said - {"diabetic", "hypertensive", "through", "stage"})
    return Choice(combo, kept, absorbed, extra)


def _unsaid_without(catalog: CodeCatalog, base: Pick) -> bool:
    """The base code's title says "without" only as the default ("CAD": I25.10 "without angina pectoris"): the
    note never says what the condition lacks ("CAD without angina", "no angina")."""
    said = any(_WITHOUT.search(m.text) or m.negated for m in base.mentions)
    return not said and " without " in f" {catalog.title(base.code).lower()} "


def _of_itself(picks: dict[str, Pick], catalog: CodeCatalog, code: str) -> bool:
    """The condition arises of itself: its title says so, or it is an unspecified code of a condition
    whose code in the same block of the note's final list says so."""
    if _PRIMARY.search(catalog.title(code)):
        return True
    return "unspecified" in catalog.title(code).lower() and any(
        p.final and c != code and c[:2] == code[:2] and _PRIMARY.search(catalog.title(c))
        for c, p in picks.items()
    )


def _linked(ctx: NoteContext, base: Pick, partner: Pick) -> bool:
    return any(m.sentence_start == n.sentence_start for m in base.mentions for n in partner.mentions)


def _plain(catalog: CodeCatalog, code: str) -> bool:
    """A base code that states no complication ("without complications", "with unspecified complications",
    "Essential hypertension")."""
    title = catalog.title(code).lower().replace("with unspecified complications", "")
    return " with " not in f" {_positive_title(title)} " and " in " not in f" {title} "


def _said(pick: Pick) -> set[str]:
    """The words the mentions state as present: "without complications" documents no complication."""
    return {w for m in pick.mentions for w in tokens(_positive_title(m.query))}


_FAMILY_WORDS = frozenset(tokens("hypertensive diabetic unspecified"))


def _qualifiers_documented(
    catalog: CodeCatalog, code: str, default: str, pick: Pick, index_words: str = ""
) -> bool:
    """Does the note say one of the words that set ``code`` apart from the default ("resistant",
    "secondary", "other specified", "due to underlying condition"), or the Index's word for it?"""
    distinct = set(tokens(catalog.title(code))) - set(tokens(catalog.title(default))) - _FAMILY_WORDS
    return not distinct or bool((distinct | set(tokens(index_words))) & _said(pick))


def _family_in_category(catalog: CodeCatalog, code: str, category: str) -> str | None:
    """The same code in another diabetes category (E13.42 -> E11.42), when it exists."""
    twin = category + code[3:]
    return twin if twin in catalog and catalog.billable(twin) else None


def _documents(family: Family, note: str) -> bool:
    """The note names the family's condition, as written or with its typos corrected ("hypertention")."""
    return bool(
        re.search(family.documented, note, re.IGNORECASE)
        or re.search(family.documented, expand_abbreviations(note), re.IGNORECASE)
    )


def family_documented(code: str, note: str) -> bool:
    """False for a family code (E11.22, I12.9) whose condition the note never names: a "code first" note
    pointing at it (N18.2 -> E11.22) does not document diabetes."""
    return all(_documents(f, note) for f in FAMILIES if f.codes(code))


def check_family(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog, family: Family) -> None:
    """A family code needs its condition in the note (no I12.9 without hypertension); a variant category
    needs its own qualifier ("resistant", "secondary", "due to underlying condition"), else it is the
    Index's default code for the condition (I10, E11.-)."""
    in_family = [p for p in picks.values() if p.final and family.codes(p.code)]
    if not _documents(family, ctx.note):
        for p in in_family:
            demote(p, f"the note does not document the condition {p.code} codes ({family.name})")
        return
    if not family.default:
        return
    for p in [q for q in in_family if q.code[:3] in family.variants]:
        target = family.default if family.default in catalog else None
        if target is None or not catalog.billable(target):
            target = _family_in_category(catalog, p.code, family.default)
        if target is None or _qualifiers_documented(
            catalog, p.code, target, p, family.index_words.get(p.code[:3], "")
        ):
            continue
        picks.pop(p.code)
        reason = f"{p.code} needs words the note does not give ({catalog.title(p.code)}): coded {target}"
        add = picks.get(target)
        if add is None:
            picks[target] = Pick(
                target, p.score, True, list(p.mentions), [reason, *p.reasons], list(p.warnings)
            )
        else:
            add.final = True
            add.score = max(add.score, p.score)
            add.mentions.extend(m for m in p.mentions if m not in add.mentions)
            add.reasons.append(reason)


def complete_in_family(picks: dict[str, Pick], catalog: CodeCatalog, family: Family) -> None:
    """ "Type 2 diabetes ... diabetic polyneuropathy": the complication mention's candidate in the documented
    diabetes category (E11.42, not E13.42) is final when the mention says the complication's words."""
    categories = {p.code[:3] for p in picks.values() if p.final and family.is_base(p.code)}
    if family.one_code or len(categories) != 1:
        return
    (category,) = categories
    for q in [p for p in picks.values() if not p.final and family.is_base(p.code)]:
        code = q.code if q.code[:3] == category else _family_in_category(catalog, q.code, category)
        if code is None or _plain(catalog, code) or not _core(catalog, code) - _core(catalog, category):
            continue
        with_words = _core(catalog, code) - _core(catalog, category) - {"diabetic"}
        if not with_words or not with_words <= _said(q) or _coded_already(picks, catalog, q, with_words):
            continue
        picks.pop(q.code)
        target = picks.setdefault(code, Pick(code, q.score, True, list(q.mentions), list(q.reasons)))
        target.final = True
        target.reasons.insert(
            0, f'{catalog.title(code)}: the diabetes documented is {category} (I.A.15 "with")'
        )


def _coded_already(picks: dict[str, Pick], catalog: CodeCatalog, q: Pick, with_words: frozenset[str]) -> bool:
    """A final code of the mention already names the complication ("Charcot arthropathy" is E11.610, and
    "other diabetic arthropathy" E11.618 is not added beside it)."""
    return any(
        p.final
        and p.code != q.code
        and any(m in q.mentions for m in p.mentions)
        and with_words <= _core(catalog, p.code)
        for p in picks.values()
    )


def named_in_one_mention(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """A candidate whose "code first"/"use additional" note names a final code of the same mention, and
    whose title words the mention all says, is that mention's combination ("anemia in CKD stage 4" is
    D63.1 with N18.4; "type 2 diabetes with CKD 3a" is E11.22 with N18.31)."""
    finals = [p for p in picks.values() if p.final]
    for q in [p for p in picks.values() if not p.final and catalog.system(p.code) == "ICD-10-CM"]:
        refs = _own_refs(catalog, q.code)
        said = {_NOUN_OF.get(w, w) for m in q.mentions for w in tokens(m.query)}
        core = {_NOUN_OF.get(w, w) for w in _core(catalog, q.code)} - _RANGE_WORDS
        if not refs or not core or not core <= said:
            continue
        partner = next(
            (
                p
                for p in finals
                if any(m in q.mentions for m in p.mentions) and any(ref_covers(r, p.code) for r in refs)
            ),
            None,
        )
        if partner is not None and not _named_by_partner_title(catalog, q.code, core, partner.code):
            q.final = True
            q.score = max(q.score, partner.score)
            q.reasons.insert(
                0, f"the mention names both {q.code} and its partner {partner.code} (tabular note)"
            )


def _named_by_partner_title(catalog: CodeCatalog, code: str, core: set[str], partner: str) -> bool:
    """The mention says ``code``'s words only as the partner's own title says them ("Rising PSA following
    treatment for malignant neoplasm of prostate" is R97.21, which names no current prostate cancer, C61).
    An unspecified partner ("CKD" in "diabetes with CKD") is still its own statement."""
    title = {_NOUN_OF.get(w, w) for w in tokens(catalog.title(partner))}
    return core <= title and "unspecified" not in catalog.title(code).lower()


def unspecified_partners(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """A partner the code's own "use additional" note asks for, said by the same mention without its
    specifics and found nowhere else: the category's unspecified code ("DM2 with CKD": E11.22 and N18.9)."""
    for p in [p for p in picks.values() if p.final and catalog.system(p.code) == "ICD-10-CM"]:
        said = {w for m in p.mentions for w in tokens(expand_abbreviations(m.query))}
        for group in ref_groups(catalog.refs.get(p.code, {}).get("use_additional", [])):
            if any(q is not p and any(ref_matches(r, q.code) for r in group) for q in picks.values()):
                continue
            named = unspecified_named(catalog, group, said)
            if named is not None and named not in picks:
                reason = f"use additional code with {p.code}: the mention names it without specifics"
                picks[named] = Pick(named, p.score * 0.95, True, list(p.mentions), [reason])


_HYPERTENSION = next(f for f in FAMILIES if f.name == "hypertension")
_MIN_OTHER_KIND = 0.1


def other_kind_of_hypertension(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """ "Pulmonary hypertension group 3" is no essential hypertension: an I10 whose every mention names
    only another kind (pulmonary, portal, intracranial, ocular, gestational) gives way to that mention's own
    code of the kind (I27.23), the Index's entry under Hypertension for it."""
    essential = picks.get("I10")
    if essential is None or not essential.final or not essential.mentions:
        return
    if any(re.search(_HYPERTENSION_WORDS, _OTHER_KINDS.sub(" ", m.query), re.I) for m in essential.mentions):
        return
    own = [
        p
        for c, p in picks.items()
        if not _HYPERTENSION.codes(c)
        and not p.vetoed
        and p.score >= _MIN_OTHER_KIND
        and any(m in p.mentions for m in essential.mentions)
        and re.search(_HYPERTENSION_WORDS, catalog.title(c), re.I)
    ]
    demote(essential, "another kind of hypertension than essential (I10): coded by its own kind")
    if own:
        best = max(own, key=lambda p: p.score)
        best.final = True
        best.score = max(best.score, essential.score)
        best.reasons.append("the kind of hypertension the note names (Index: Hypertension, <kind>)")


def combine(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    other_kind_of_hypertension(picks, catalog)
    unspecified_partners(picks, catalog)
    named_in_one_mention(picks, catalog)
    for family in FAMILIES:
        combine_family(picks, ctx, catalog, family)


def combine_family(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog, family: Family) -> None:
    """One family's combination code from its base and the partners final now."""
    check_family(picks, ctx, catalog, family)
    denied_combinations(picks, ctx, catalog, family)
    complete_in_family(picks, catalog, family)
    bases = sorted((p for p in picks.values() if p.final and family.is_base(p.code)), key=lambda p: -p.score)
    if not bases:
        named = _base_named_with_partner(picks, catalog, family)
        if named is None:
            return
        bases = [named]
    base = bases[0]
    members = family.members(catalog, base.code)
    if _plain(catalog, base.code):
        members = [c for c in members if c != base.code]
    waiting = _waiting_partners(picks, catalog)
    partners = [
        p
        for p in picks.values()
        if (p.final or p.code in waiting)
        and not family.is_base(p.code)
        and not p.code.startswith("Z")
        and catalog.system(p.code) == "ICD-10-CM"
        and (family.presumed or _linked(ctx, base, p))
        and not (family.presumed and _of_itself(picks, catalog, p.code))
        and not (family.presumed and _link_denied(ctx, catalog, p, family))
    ]
    taken: set[str] = set()
    while partners:
        options = [
            c for c in (_evaluate(catalog, m, base, partners, phrase=ctx.phrase) for m in members) if c
        ]
        if not options:
            options = [
                c for c in (_evaluate(catalog, m, base, partners, True, ctx.phrase) for m in members) if c
            ]
        if not options:
            break
        best = max(options, key=lambda o: (len(o.kept) + len(o.absorbed), -o.extra_words, o.code))
        _apply(picks, catalog, family, base, best)
        taken |= {p.code for p in best.kept + best.absorbed}
        partners = [p for p in partners if p.code not in taken]
        if family.one_code:
            break
    if any(family.is_base(c) and p.final and not _plain(catalog, c) for c, p in picks.items()):
        specific = {
            c[:3] for c, p in picks.items() if p.final and family.is_base(c) and not _plain(catalog, c)
        }
        for c in [c for c, p in picks.items() if p.final and family.is_base(c) and _plain(catalog, c)]:
            if family.one_code or c[:3] in specific:
                picks.pop(c)  # I10 beside I12.9, E11.9 beside E11.42: the combination says it
    one_per_subcategory(picks, family)


def denied_combinations(
    picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog, family: Family
) -> None:
    """ "CKD stage 3b (hypertensive nephrosclerosis, unrelated to DM)": a presumed family's combination code
    (E11.22) whose every partner its own note asks for (N18.32) the note says is not due to the family's
    condition is not coded; the condition stays as its code without the complication (E11.9, I10) unless
    another code of the family says it (I.A.15: the "with" presumption yields to the provider)."""
    if not family.presumed:
        return
    for p in [
        p for p in picks.values() if p.final and family.is_base(p.code) and not _plain(catalog, p.code)
    ]:
        refs = _own_refs(catalog, p.code)
        partners = [
            q
            for q in picks.values()
            if q.final
            and not family.codes(q.code)
            and not q.code.startswith("Z")
            and any(ref_covers(r, q.code) for r in refs)
        ]
        if not partners or not all(_link_denied(ctx, catalog, q, family) for q in partners):
            continue
        named = ", ".join(q.code for q in partners)
        demote(p, f"the note says {named} is not due to the {family.name} (I.A.15): {p.code} not coded")
        if any(q.final and family.codes(q.code) for q in picks.values()):
            continue
        plain = _plain_code(catalog, family, p.code)
        if plain is None:
            continue
        mentions = [m for m in p.mentions if re.search(family.documented, m.query, re.IGNORECASE)]
        target = picks.setdefault(plain, Pick(plain, p.score, True, mentions or list(p.mentions)))
        target.final = True
        target.score = max(target.score, p.score)
        target.reasons.insert(
            0, f"{family.name} without the complication the note says is unrelated ({p.code})"
        )


def _plain_code(catalog: CodeCatalog, family: Family, code: str) -> str | None:
    """The family's code for the condition alone: its default (I10), or the category's "without
    complications" code (E11.9)."""
    if family.default in catalog and catalog.billable(family.default):
        return family.default
    return next(
        (c for c in family.members(catalog, code) if "without complication" in catalog.title(c).lower()), None
    )


def _waiting_partners(picks: dict[str, Pick], catalog: CodeCatalog) -> set[str]:
    """The code a final code's own "use additional" note asks for, read from the same words, that the
    pairing makes final after the rules ("CKD 3a due to DM2": E11.22 asks for N18.31, the likeliest stage).
    Another family's combination may use it too: hypertension with that CKD is I12.9 (I.C.9.a.2)."""
    waiting: set[str] = set()
    for p in [p for p in picks.values() if p.final]:
        refs = catalog.refs.get(p.code, {}).get("use_additional", [])
        if any(q.final and q is not p and any(ref_covers(r, q.code) for r in refs) for q in picks.values()):
            continue  # the note already gives what the note asks for
        asked = [
            q
            for q in picks.values()
            if not q.final
            and not q.vetoed
            and any(m in p.mentions for m in q.mentions)
            and any(ref_covers(r, q.code) for r in refs)
        ]
        if asked:
            waiting.add(max(asked, key=lambda q: q.score).code)
    return waiting


def family_already_coded(refs: Iterable[str], others: Iterable[str]) -> bool:
    """A "code first" / "use additional" list of one one-code family's codes only (I1A.0: "code first the
    specific type of hypertension, such as I10, I15.-") is met by a final code of that family already
    listed (I12.9 says the type of hypertension): no second code of the family is brought in."""
    refs, others = list(refs), list(others)
    return bool(refs) and any(
        family.one_code and all(family.codes(r) for r in refs) and any(family.codes(c) for c in others)
        for family in FAMILIES
    )


def _base_named_with_partner(picks: dict[str, Pick], catalog: CodeCatalog, family: Family) -> Pick | None:
    """ "HTN with CKD stage 3a": one mention names the base condition and its partner, and retrieval put the
    partner (N18.31) first; the base (I10) joins as that mention's code so the family takes the partner
    (I12.9). Only for a presumed family whose default is a code."""
    if not family.presumed or family.default not in catalog or not catalog.billable(family.default):
        return None
    for partner in sorted((p for p in picks.values() if p.final), key=lambda p: -p.score):
        if family.is_base(partner.code) or catalog.system(partner.code) != "ICD-10-CM":
            continue
        mentions = [
            m
            for m in partner.mentions
            if re.search(family.documented, _OTHER_KINDS.sub(" ", m.query), re.IGNORECASE)
        ]
        if not mentions or not any(
            ref_covers(r, partner.code)
            for c in family.members(catalog, family.default)
            for r in _own_refs(catalog, c)
        ):
            continue
        reason = f"{family.guideline} (named with {partner.code})"
        base = picks.get(family.default)
        if base is None:
            base = picks[family.default] = Pick(family.default, partner.score, True, mentions, [reason])
        else:
            base.final = True
            base.score = max(base.score, partner.score)
            base.mentions.extend(m for m in mentions if m not in base.mentions)
            base.reasons.insert(0, reason)
        return base
    return None


def _same_parent(a: str, b: str) -> bool:
    """E11.21 and E11.22 (both under E11.2); not E11.610 and E11.65 (E11.61 arthropathy and E11.6's
    hyperglycemia are two complications of the "other specified" subcategory, I.C.4.a: as many codes as
    needed)."""
    return len(a) == len(b) and a[:-1] == b[:-1]


def one_per_subcategory(picks: dict[str, Pick], family: Family) -> None:
    """ "Diabetic nephropathy / CKD stage 4": E11.22 (with N18.4) codes the kidney complication; E11.21 beside
    it says the same complication again. Within one subcategory (E11.2-) the combination that took a partner
    stays; a sibling under the same parent code is the same complication."""
    combined = [
        p for p in picks.values() if p.final and family.is_base(p.code) and p.notes.get("combination")
    ]
    for keep in combined:
        for c in [
            c
            for c, p in picks.items()
            if p.final
            and c != keep.code
            and family.is_base(c)
            and _same_parent(c, keep.code)
            and not p.notes.get("combination")
        ]:
            picks.pop(c)
            keep.reasons.append(f"{c} is the same complication: coded once as {keep.code}")


def _apply(picks: dict[str, Pick], catalog: CodeCatalog, family: Family, base: Pick, choice: Choice) -> None:
    combo = choice.code
    named = ", ".join(p.code for p in choice.kept + choice.absorbed)
    reason = f"combination code: {base.code} + {named} -> {combo} ({family.guideline})"
    if combo == base.code:
        reason = f"{combo} with {named} ({family.guideline})"
    target = picks.get(combo)
    if target is None:
        target = picks[combo] = Pick(combo, base.score, True, list(base.mentions))
    else:
        target.mentions.extend(m for m in base.mentions if m not in target.mentions)
        target.score = max(target.score, base.score)
        target.final = True
    target.reasons.insert(0, reason)
    target.notes.setdefault("combination", []).append(reason)
    for p in choice.absorbed:
        picks.pop(p.code, None)
        target.mentions.extend(m for m in p.mentions if m not in target.mentions)
        target.score = max(target.score, p.score)
    for p in choice.kept:
        p.final = True
        p.reasons.append(f"use additional code with {combo}: kept beside it")
    if base.code != combo and base.code in picks and (family.one_code or _plain(catalog, base.code)):
        picks.pop(base.code)


def hypertension_after_pairing(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """A kidney or heart condition made final by a code's pairing note (CKD stage asked by "anemia in CKD")
    after the rules ran still meets the hypertension the note documents (I.C.9.a.2: I12.9, not I10)."""
    family = next(f for f in FAMILIES if f.name == "hypertension")
    if any(p.final and p.code == "I10" for p in picks.values()):
        combine_family(picks, ctx, catalog, family)
