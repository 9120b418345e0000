"""Consolidating final codes the way a coder would: one code per fact, symptoms folded into diagnoses."""

from __future__ import annotations

import re

from assistant.suggest import qualifiers, rules
from assistant.suggest.cancer_history import FAMILY_HISTORY, PERSONAL_HISTORY
from assistant.suggest.coding_rules.combination import is_diabetes
from assistant.suggest.reader import Mention, clean_query
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations, tokens
from assistant.suggest.types import Pick

DIAGNOSIS_SECTIONS = frozenset({"assessment", "diagnosis"})
# History categories whose codes each name another condition or site ("Family history of malignant neoplasm
# of breast" beside "... of digestive organs"), and the postprocedural endocrine states (hypothyroidism and
# hypoparathyroidism after a thyroidectomy): two of them are two facts, never one said twice.
_ONE_FACT_PER_CODE = (*FAMILY_HISTORY, *PERSONAL_HISTORY, "E89")
# So are two secondary malignancies by site (bone and brain metastases), each site named by its own mention.
_ONE_SITE_PER_CODE = ("C77", "C78", "C79")
_SECONDARY_WORDS = frozenset(tokens("secondary and unspecified malignant neoplasm of"))


def _words_of(mentions: list[Mention]) -> set[str]:
    return {t for m in mentions for t in tokens(clean_query(m.query))}


def _mention_tokens(pick: Pick) -> set[str]:
    return _words_of(pick.mentions)


def _head_tokens(pick: Pick) -> set[str]:
    """The words of the mentions ``pick`` codes first: a mention it only ranks behind another code ("+ tinea
    manuum R hand" under B35.3's "Tinea pedis") says what that other code codes."""
    return _words_of(pick.heads or pick.mentions)


def absorb_same_category(picks: dict[str, Pick], catalog: CodeCatalog, note: str = "") -> None:
    """Drop a final code whose mentions say nothing its same-category sibling does not already code.

    "T2DM" in the HPI and "type 2 diabetes with diabetic CKD" in the assessment are one condition:
    E11.22, not E11.22 plus E11.9. Two mentions that each add their own words (CKD, neuropathy) keep both,
    and so do two problem-list lines (each line is its own problem) and two conditions of one list
    ("tinea pedis and onychomycosis": B35.3 and B35.1). A specific code is never folded into an
    "unspecified" sibling: the coder keeps the code of the highest specificity documented.
    """
    finals = sorted((p for p in picks.values() if p.final), key=lambda p: -p.score)
    for lo in reversed(finals):
        for hi in finals:
            if hi is lo or hi.code not in picks or lo.code not in picks or hi.code[:3] != lo.code[:3]:
                continue
            if (
                _own_problem_line(lo, hi)
                or (_unspecified(catalog, hi.code) and not _unspecified(catalog, lo.code))
                or lo.code.startswith(_ONE_FACT_PER_CODE)
                or (lo.code.startswith(_ONE_SITE_PER_CODE) and _names_own_site(catalog, lo))
                or _substance_levels(lo.code, hi.code)
            ):
                continue
            if (
                _uncomplicated(catalog, hi.code)
                and not _uncomplicated(catalog, lo.code)
                or _without_by_silence(catalog, hi, lo)
                or _denies_what_lo_states(catalog, hi, lo)
            ):
                # "Diabetes. Also diabetic gastroparesis": the complication's code is the condition coded
                picks.pop(hi.code)
                lo.mentions.extend(m for m in hi.mentions if m not in lo.mentions)
                lo.score = max(lo.score, hi.score)
                lo.reasons.append(
                    f"also documented without its complication ({hi.code}); coded once as {lo.code}"
                )
                break
            if _conjoined_apart(lo, hi, note):
                continue
            # an unspecified code ("CKD": N18.9) says nothing the specific one read from its words does not
            said_of = _mention_tokens if _unspecified(catalog, lo.code) else _head_tokens
            said = said_of(hi) | catalog.title_tokens(hi.code)
            extra = _mention_tokens(lo) - said
            if _titled(extra, catalog.title_tokens(lo.code)) or _codes_more(catalog, lo, hi):
                continue
            picks.pop(lo.code)
            hi.mentions.extend(m for m in lo.mentions if m not in hi.mentions)
            hi.reasons.append(f"also documented as {lo.code}'s wording; coded once as {hi.code}")
            break


# Two conditions of one list: only "and", "&", "plus" or a comma between them.
_CONJUNCTION = re.compile(r"\s*(?:,\s*)?(?:and|&|plus)\s+|\s*[,;]\s*", re.IGNORECASE)
_LIST_WORDS = frozenset(tokens("of the with without and in on left right bilateral acute chronic"))


def _conjoined_apart(lo: Pick, hi: Pick, note: str) -> bool:
    """``lo`` and ``hi`` are the codes of two conditions one sentence lists side by side, and the two share
    no word ("Tinea pedis and onychomycosis of toenails"; not "diabetes and diabetic neuropathy")."""
    for m in (m for m in lo.heads if m not in hi.heads):
        for h in (h for h in hi.heads if h not in lo.heads and h.sentence_start == m.sentence_start):
            first, second = (m, h) if m.start < h.start else (h, m)
            if not note or not _CONJUNCTION.fullmatch(note[first.end : second.start]):
                continue
            own, other = (set(tokens(expand_abbreviations(x.text))) - _LIST_WORDS for x in (m, h))
            if own and other and not {w[:5] for w in own} & {w[:5] for w in other}:
                return True
    return False


_SUBSTANCE = re.compile(r"F1[0-689]\.[129]\w*")


def _substance_levels(a: str, b: str) -> bool:
    """Two levels (use, abuse, dependence) of one substance: substance_hierarchy keeps the highest and moves
    what the lower one named to it ("alcohol intoxication" beside "alcohol use disorder, moderate":
    F10.220)."""
    return bool(_SUBSTANCE.fullmatch(a) and _SUBSTANCE.fullmatch(b)) and a[4] != b[4]


_WITHOUT = re.compile(r"\bwithout\s+(?P<what>[^,;]+)", re.IGNORECASE)


def _without_by_silence(catalog: CodeCatalog, hi: Pick, lo: Pick) -> bool:
    """``hi`` differs from ``lo`` only by "without X" where ``lo`` has "with X", ``lo``'s mentions state X and
    ``hi``'s are silent on it ("severe NPDR" in the exam, "severe NPDR w/ DME OD" in the assessment): the
    Index's default "without" is no documentation against the stated X."""
    title = catalog.title(hi.code)
    m = _WITHOUT.search(title)
    if m is None or title[: m.start()] + "with " + title[m.start("what") :] != catalog.title(lo.code):
        return False
    what = set(tokens(m.group("what")))
    return bool(what) and what <= _mention_tokens(lo) and not what & _mention_tokens(hi)


_DENIED_WORDS = re.compile(r"\b(?:no|not|without|w/o|denies|negative\s+for)\b[^,;.()]*", re.IGNORECASE)


def _denies_what_lo_states(catalog: CodeCatalog, hi: Pick, lo: Pick) -> bool:
    """``hi``'s title says "without X" and ``lo``'s codes X, which ``lo``'s own mentions state ("calculus of
    bile duct without cholangitis" beside "... with acute cholangitis" for "cholangitis w/ CBD stone"): the
    code that denies a documented fact is not the one kept."""
    without = {w for m in _WITHOUT.finditer(catalog.title(hi.code)) for w in tokens(m.group("what"))}
    if not without:
        return False
    coded = set(tokens(_WITHOUT.sub("", catalog.title(lo.code))))
    # what lo's mentions state, not what they deny ("no motor fluctuations or dyskinesia")
    stated = {t for m in lo.mentions for t in tokens(_DENIED_WORDS.sub(" ", m.text))}
    return bool(without & coded & stated)


def _names_own_site(catalog: CodeCatalog, pick: Pick) -> bool:
    """A secondary site its own mentions name ("... and brain": C79.31), not one a rule read elsewhere."""
    site = set(catalog.title_tokens(pick.code)) - _SECONDARY_WORDS
    return bool(site) and _titled(_mention_tokens(pick), site)


def _titled(words: set[str], title: set[str] | frozenset[str]) -> bool:
    """Some of ``words`` are the title's, in its own form ("vaginal atrophy": "atrophic vaginitis")."""
    stems = {w[:5] for w in title if len(w) >= 5}
    return bool(words & title) or any(len(w) >= 5 and w[:5] in stems for w in words)


def absorb_unspecified_organism(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """ "Pneumonia, unspecified organism" (J18.9) beside "Pneumonia due to Streptococcus pneumoniae" (J13):
    the organism is documented, so the condition is coded once, with it (the admitting "RLL pneumonia" and
    the discharge diagnosis name one pneumonia)."""
    finals = [p for p in picks.values() if p.final]
    for lo in finals:
        title = catalog.title(lo.code).lower()
        if ", unspecified organism" not in title:
            continue
        condition = title.split(",")[0]
        hi = next(
            (
                p
                for p in finals
                if p is not lo
                and p.code[0] == lo.code[0]
                and catalog.title(p.code).lower().startswith(f"{condition} due to ")
            ),
            None,
        )
        if hi is not None and lo.code in picks:
            picks.pop(lo.code)
            hi.mentions.extend(m for m in lo.mentions if m not in hi.mentions)
            hi.reasons.append(f"also documented without its organism ({lo.code}); coded once as {hi.code}")


_HISTORY_OF_CANCER = re.compile(r"personal history of (?:other )?(?:malignant neoplasms? of )?", re.I)
_SITE_NOISE = frozenset(tokens("other unspecified and or part parts site sites"))


# The skin (Z85.82-: melanoma, other skin cancers) grows new primaries anywhere on the body: a current skin
# cancer is another lesion than the excised one, whose history stays (Z85.828 beside a new C44.311).
_NEW_PRIMARY_ORGANS = ("Z85.82",)


def drop_history_of_current_cancer(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """A personal history of cancer (Z85.-) is for a malignancy excised or eradicated, no longer treated
    and with no evidence of disease (I.C.2.d); beside a current primary malignancy of the same site
    (C50.912 on anastrozole with "NED on mammogram"), the history code goes."""
    finals = [p for p in picks.values() if p.final]
    primaries = [p for p in finals if _PRIMARY.match(p.code)]
    for z in [p for p in finals if p.code.startswith("Z85") and not p.code.startswith(_NEW_PRIMARY_ORGANS)]:
        site = set(tokens(_HISTORY_OF_CANCER.sub("", catalog.title(z.code)))) - _SITE_NOISE
        if site and any(site <= catalog.title_tokens(c.code) for c in primaries):
            picks.pop(z.code)


# Primary malignant neoplasms (C00-C75, C81-C96): not the secondary or unspecified-site ones (C76-C80).
_PRIMARY = re.compile(r"C(?:[0-6]\d|7[0-5]|8[1-9]|9[0-6])")
_SITE_UNSPECIFIED = "C80.1"  # Malignant (primary) neoplasm, unspecified


def drop_unspecified_site_cancer(picks: dict[str, Pick]) -> None:
    """C80.1 is for a malignancy whose site is not documented (I.A.9, Neoplasm table); beside a final
    primary malignancy of a named site ("NSCLC ... adenocarcinoma of the RUL": C34.11) it is that cancer
    again without its site, and stays an option."""
    unspecified = picks.get(_SITE_UNSPECIFIED)
    if unspecified is None or not unspecified.final:
        return
    named = next((c for c, p in picks.items() if p.final and _PRIMARY.match(c)), None)
    if named is not None:
        unspecified.final = False
        unspecified.warnings.append(
            f"the malignancy's site is documented ({named}): {_SITE_UNSPECIFIED} not coded"
        )


def _codes_more(catalog: CodeCatalog, lo: Pick, hi: Pick) -> bool:
    """Diabetes takes as many codes as its complications need (I.C.4.a): ``lo`` codes a complication of
    another subcategory that its mention names and ``hi``'s title does not ("DM2 with hyperglycemia +
    polyneuropathy" coded E11.65 still needs E11.42), even when ``hi``'s mention said the word too."""
    if not is_diabetes(lo.code) or lo.code[:5] == hi.code[:5]:
        return False
    if "without complications" in catalog.title(hi.code).lower():
        return False  # the combination rules code the complication from the plain code (E11.9 -> E11.22)
    own = catalog.title_tokens(lo.code) - catalog.title_tokens(hi.code) - _GENERIC_TITLE_WORDS
    return bool(own & _mention_tokens(lo))


# Title words that set no complication apart.
_GENERIC_TITLE_WORDS = frozenset(
    tokens("with without due to and of the in unspecified other specified diabetic")
)


def _own_problem_line(lo: Pick, hi: Pick) -> bool:
    """``lo`` is the code of a problem line that ``hi`` is not the code of: a separate problem."""
    return any(m.problem and m not in hi.heads for m in lo.heads)


def _uncomplicated(catalog: CodeCatalog, code: str) -> bool:
    return "without complications" in catalog.title(code).lower()


def _unspecified(catalog: CodeCatalog, code: str) -> bool:
    return "unspecified" in catalog.title(code).lower()


# Signs no diagnosis holds: thoughts of suicide, of harming others, self-harm (R45.85-, R45.88) are coded
# beside the depression or psychosis they come with, wherever the note states them.
REPORTED_BESIDE = ("R45.85", "R45.88")


def fold_integral_symptoms(picks: dict[str, Pick], note: str = "") -> None:
    """Signs and symptoms (chapter R) stop being final codes when they are integral to a confirmed
    diagnosis (ICD-10-CM guideline I.B.5); the coder keeps them as options:
    - found only outside the assessment while the assessment gives a confirmed diagnosis;
    - found only on a problem-list line after its confirmed head ("# Gastroparesis - vomiting after
      meals")."""
    confirmed = [
        p
        for p in picks.values()
        if p.final and not p.code.startswith("R") and any(m.section in DIAGNOSIS_SECTIONS for m in p.mentions)
    ]
    heads = {
        _line_of(note, m.start): p
        for p in picks.values()
        if p.final and not p.code.startswith("R")
        for m in p.mentions
        if m.problem
    }
    for p in picks.values():
        if not p.final or not p.code.startswith("R") or any(m.problem for m in p.mentions):
            continue
        if p.code.startswith(REPORTED_BESIDE):
            continue
        if confirmed and all(m.section not in DIAGNOSIS_SECTIONS for m in p.mentions):
            owners = ", ".join(c.code for c in confirmed[:3])
            where = "outside the assessment"
        elif (
            note
            and p.mentions
            and all(
                m.section not in DIAGNOSIS_SECTIONS and _line_of(note, m.start) in heads for m in p.mentions
            )
        ):
            owners = ", ".join(dict.fromkeys(heads[_line_of(note, m.start)].code for m in p.mentions))
            where = "on the problem line of"
        else:
            continue
        p.final = False
        p.warnings.append(
            f"sign or symptom {where} a confirmed diagnosis ({owners}): not coded when it is integral to it; "
            "add it back if it is not"
        )


def _line_of(note: str, offset: int) -> int:
    return note.rfind("\n", 0, offset) + 1


def _contradict(catalog: CodeCatalog, a: str, b: str) -> bool:
    """The titles state opposite things; one naming a cause the other leaves out is no opposite (K86.0
    "Alcohol-induced chronic pancreatitis" beside K86.81 "Exocrine pancreatic insufficiency")."""
    sides = {rules.side_of(catalog.title(a)), rules.side_of(catalog.title(b))}
    if {"right", "left"} <= sides:
        return False  # one eye's retinopathy with macular edema, the other's without: two facts (I.C.4.a)
    ta, tb = qualifiers.title_qualifiers(catalog.title(a)), qualifiers.title_qualifiers(catalog.title(b))
    conflicts = qualifiers.compare(ta, tb)[0] + qualifiers.compare(tb, ta)[0]
    return any(not c.startswith(qualifiers.KIND_UNSAID) for c in conflicts)


def drop_contradicting_siblings(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """Two final codes of one category whose titles say opposite things (I11.0 "with heart failure" and
    I11.9 "without heart failure", two CKD stages, two acuities) cannot both be true: the better-supported
    one stays final, the other stays an option with the reason."""
    kept: list[Pick] = []
    for p in sorted((p for p in picks.values() if p.final), key=lambda p: (-p.score, p.code)):
        clash = next(
            (k for k in kept if k.code[:3] == p.code[:3] and _contradict(catalog, k.code, p.code)), None
        )
        if clash is not None and _without_by_silence(catalog, clash, p):
            kept.remove(clash)  # the stated "with X" over the Index's default "without X"
            kept.append(p)
            p, clash = clash, p
        elif clash is None:
            kept.append(p)
            continue
        p.final = False
        p.warnings.append(
            f"its title contradicts {clash.code} ({catalog.title(clash.code)}): coded {clash.code}"
        )


_RESIDUAL_WORDS = frozenset(tokens("unspecified other"))
_UNSPECIFIED_SITE = re.compile(r",?\s*\b(?:of\s+)?unspecified\s+site\b", re.IGNORECASE)
_SITE_WORDS = frozenset(tokens("site"))


# The default axis an unspecified title closes on ("Unspecified viral hepatitis C without hepatic coma"): a
# code of another category that has no such axis ("Chronic viral hepatitis C" B18.2) still names the
# condition, unless its own title says "with" it.
_WITHOUT_CLAUSE = re.compile(r"\s+without\s+[^,]*$", re.IGNORECASE)


def _condition_title(catalog: CodeCatalog, unspecified: str, code: str) -> str:
    """The unspecified code's title less its closing "without ..." axis where ``code`` has no "with"."""
    title = catalog.title(unspecified).lower()
    if "with" in catalog.title_tokens(code):
        return title
    return _WITHOUT_CLAUSE.sub("", title)


def _named_in_block(catalog: CodeCatalog, unspecified: str, code: str) -> bool:
    """``code`` lies in the same block and its title names the unspecified code's condition word for word
    ("Rheumatoid arthritis, unspecified" M06.9 in "Other rheumatoid arthritis with rheumatoid factor of
    multiple sites" M05.89; not "Anxiety disorder, unspecified" in "Adjustment disorder with mixed
    anxiety")."""
    block = catalog.parent(unspecified[:3])
    if code[:3] == unspecified[:3] or block is None or catalog.parent(code[:3]) != block:
        return False
    condition = _UNSPECIFIED_SITE.sub("", _condition_title(catalog, unspecified, code))
    condition = re.sub(r",?\s*\bunspecified\b", "", condition).strip(" ,")
    return bool(condition) and condition in catalog.title(code).lower()


def _inherited_tokens(catalog: CodeCatalog, code: str) -> set[str]:
    """A title's words with those its headings give it (M05.10 "Rheumatoid lung disease with rheumatoid
    arthritis of unspecified site" is, under M05, RA with rheumatoid factor)."""
    out = set(catalog.title_tokens(code))
    for ancestor in catalog.ancestors(code):
        out |= catalog.title_tokens(ancestor)
    return out


def _specific_beside(catalog: CodeCatalog, words: set[str], code: str) -> bool:
    """``code`` says more than the unspecified title's ``words``: "other X" never (G30.8 is no specific
    G30.9), an "unspecified" title only where it names more (M05.10's lung disease, its site unspecified)."""
    own = catalog.title_tokens(code)
    if "other" in own:
        return False
    return not _RESIDUAL_WORDS & own or bool((own - _RESIDUAL_WORDS) - words - _GENERIC_TITLE_WORDS)


# Nouns every disorder's title may carry: they name no particular condition.
_KIND_NOUNS = frozenset(tokens("disorder disease syndrome condition"))


def _names_the_condition(catalog: CodeCatalog, words: set[str], code: str) -> bool:
    """``code``'s own title names the unspecified code's condition (a word beyond the generic ones), not only
    its category heading: F42.4 "Excoriation (skin-picking) disorder" under F42 "Obsessive-compulsive
    disorder" is another disorder, no specific obsessive-compulsive disorder."""
    named = words - _GENERIC_TITLE_WORDS - _KIND_NOUNS
    return not named or bool(named & catalog.title_tokens(code))


def _block_twin(catalog: CodeCatalog, lo: str, hi: str, words: set[str]) -> bool:
    """``hi``, of another category of the block, names ``lo``'s condition (``words`` less the closing
    "without ..." axis ``hi`` has none of)."""
    core = words & set(tokens(_condition_title(catalog, lo, hi)))
    return (
        core <= _inherited_tokens(catalog, hi)
        and _names_the_condition(catalog, core, hi)
        and _named_in_block(catalog, lo, hi)
    )


def drop_unspecified_twins(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """A final "unspecified" code whose title says nothing a final code of its category does not also say
    (E11.319 "... with unspecified diabetic retinopathy without macular edema" beside E11.3293 "... with
    mild nonproliferative diabetic retinopathy without macular edema, bilateral") is that code's problem
    coded twice, the second time without its specifics (I.A.9: "unspecified" is for the information not
    documented): it stays an option, the specific code is final."""
    finals = [p for p in picks.values() if p.final and p.code in catalog]
    for lo in finals:
        if not _unspecified(catalog, lo.code):
            continue
        words = catalog.title_tokens(lo.code) - _RESIDUAL_WORDS
        if _UNSPECIFIED_SITE.search(catalog.title(lo.code)):
            words -= _SITE_WORDS  # "Primary osteoarthritis, unspecified site": the site is what it lacks
        hi = next(
            (
                p
                for p in finals
                if p is not lo
                and p.final
                and (
                    (
                        p.code[:3] == lo.code[:3]
                        and words <= _inherited_tokens(catalog, p.code)
                        and _names_the_condition(catalog, words, p.code)
                        and _specific_beside(catalog, words, p.code)
                    )
                    or _block_twin(catalog, lo.code, p.code, words)
                )
            ),
            None,
        )
        if hi is None:
            continue
        lo.final = False
        lo.warnings.append(f"the problem {hi.code} codes, without its specifics: coded {hi.code}")
        hi.heads.extend(m for m in lo.heads if m not in hi.heads)  # its problem line now checks hi


# A final code another final code's category already covers: the general form of a condition beside the
# category of its specific form. COPD with emphysema is emphysema, J43.- (Coding Clinic 4Q 2017, 1Q 2019:
# emphysema is a form of COPD; J44.9 is not added).
COVERED_BY: dict[str, tuple[str, str]] = {
    "J44.9": ("J43", "COPD with emphysema is coded to emphysema (J43.-) alone"),
    "J44.1": ("J43", "COPD with emphysema is coded to emphysema (J43.-) alone, its exacerbation too"),
    # Index: Hypothyroidism, autoimmune - see Thyroiditis, autoimmune (E06.3, Hashimoto's)
    "E03.9": ("E06.3", "hypothyroidism of Hashimoto's (autoimmune) thyroiditis is E06.3 alone (Index)"),
}
# COPD named with its emphysema in one mention ("COPD with emphysema", "COPD, emphysematous type"): the
# emphysema's code (Index: Emphysema J43.9), which then covers the COPD code.
_EMPHYSEMA = re.compile(r"(?<!without )(?<!no )\bemphysem\w*", re.IGNORECASE)
EMPHYSEMA = "J43.9"


def drop_covered(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """A final code of ``COVERED_BY`` beside a final code of the category that covers it stays an option."""
    _emphysema_named_with_copd(picks, catalog)
    for code, (category, why) in COVERED_BY.items():
        pick = picks.get(code)
        if pick is None or not pick.final:
            continue
        if any(p.final and c.startswith(category) for c, p in picks.items()):
            pick.final = False
            pick.warnings.append(why)


def _emphysema_named_with_copd(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    if EMPHYSEMA not in catalog or any(p.final and c.startswith("J43") for c, p in picks.items()):
        return
    for code in COVERED_BY:
        pick = picks.get(code)
        if pick is None or not pick.final or not any(_EMPHYSEMA.search(m.text) for m in pick.mentions):
            continue
        emphysema = picks.setdefault(EMPHYSEMA, Pick(EMPHYSEMA, pick.score, True, list(pick.mentions)))
        emphysema.final, emphysema.score = True, max(emphysema.score, pick.score)
        emphysema.reasons.insert(
            0, "COPD named with its emphysema: the emphysema is coded (Index: Emphysema)"
        )
        return


# A psychoactive substance's use (F1x.9), abuse (F1x.1) and dependence (F1x.2) are one disorder at one level:
# with two of them documented only the higher is coded (I.C.5.b.2).
_SUBSTANCE_LEVEL = {"9": 0, "1": 1, "2": 2}


def substance_hierarchy(picks: dict[str, Pick], catalog: CodeCatalog | None = None) -> None:
    """Of a substance's use, abuse and dependence codes final together, only the highest level stays; what
    a lower one named (an intoxication, a withdrawal) moves to the highest level's code for it ("alcohol
    intoxication" beside "alcohol dependence": F10.229, not F10.20, I.C.5.b.2)."""
    top: dict[str, int] = {}
    for code, pick in picks.items():
        if pick.final and re.fullmatch(r"F1[0-689]\.[129]\w*", code):
            top[code[:3]] = max(top.get(code[:3], 0), _SUBSTANCE_LEVEL[code[4]])
    for code, pick in list(picks.items()):
        if (
            pick.final
            and re.fullmatch(r"F1[0-689]\.[129]\w*", code)
            and _SUBSTANCE_LEVEL[code[4]] < top[code[:3]]
        ):
            pick.final = False
            pick.warnings.append(
                "use, abuse and dependence of one substance: only the highest is coded (I.C.5.b.2)"
            )
            if catalog is not None:
                _raise_manifestation(picks, catalog, pick, top[code[:3]])


_LEVEL_DIGIT = {level: digit for digit, level in _SUBSTANCE_LEVEL.items()}


def _raise_manifestation(picks: dict[str, Pick], catalog: CodeCatalog, lower: Pick, level: int) -> None:
    """The highest level's uncomplicated code ("F10.20") takes the manifestation the lower code named."""
    named = lower.code[5:]
    if not named or named == "0":
        return
    head = f"{lower.code[:4]}{_LEVEL_DIGIT[level]}"
    plain = picks.get(f"{head}0")
    combined = f"{head}{named}"
    if plain is None or not plain.final or combined not in catalog or not catalog.billable(combined):
        return
    picks.pop(plain.code)
    picks[combined] = Pick(combined, plain.score, True, plain.mentions + lower.mentions, heads=plain.heads)
    picks[combined].reasons.append(f"{plain.code} with what {lower.code} names: {combined} (I.C.5.b.2)")


def _with_names(title: str, words: set[str]) -> bool:
    """A title's "with" part names one of ``words`` (a word's first six letters: "calculous" for
    "calculus")."""
    low = title.lower()
    if " with " not in low:
        return False
    said = {w[:6] for w in tokens(low.split(" with ", 1)[1]) if len(w) > 3}
    return bool(said & {w[:6] for w in words if len(w) > 3})


def excluded_to_combination(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """A final residual code ("Unspecified hydronephrosis") whose phrase also gave a condition (N20.1
    "Calculus of ureter") that the Tabular excludes to a "with" code of the final code's category (N20:
    Excludes1 "with hydronephrosis (N13.2)") is that combination: the phrase states both ("ureteral
    calculus with hydronephrosis"), and the Excludes1 note names the one code for them (I.A.12.a, I.A.15)."""
    for code, pick in list(picks.items()):
        if not pick.final or picks.get(code) is not pick or code not in catalog:
            continue
        if not _unspecified(catalog, code) and "other" not in catalog.title_tokens(code):
            continue
        for other in list(picks.values()):
            if other is pick or not set(map(id, other.mentions)) & set(map(id, pick.mentions)):
                continue
            if other.code not in catalog or other.vetoed:  # a rule said the other is not coded
                continue
            combo = next(
                (
                    r
                    for r in catalog.refs_for(other.code, "excludes1")
                    if r != code
                    and r[:3] == code[:3]
                    and r in catalog
                    and catalog.billable(r)
                    and _with_names(catalog.title(r), catalog.title_tokens(other.code))
                ),
                None,
            )
            if combo is None:
                continue
            new = picks.setdefault(combo, Pick(combo, pick.score, True, list(pick.mentions)))
            new.final = True
            new.score = max(new.score, pick.score)
            new.heads.extend(m for m in pick.heads if m not in new.heads)
            new.reasons.append(f"{combo}: {other.code}'s Excludes1 names it for {code}'s condition with it")
            pick.final = False
            pick.warnings.append(f"coded {combo}, the combination of {code} and {other.code}")
            other.final = False
            break
