"""HCPCS Level II drug codes (J0000-J9999) read from their own descriptors, to find the code of a drug given.

A J-code descriptor names the drug, then its form and the amount one unit bills: "Injection, ketorolac
tromethamine, per 15 mg", "Injection, methylprednisolone acetate, 40 mg", "Infusion, normal saline solution,
1000 cc", "Leuprolide acetate (for depot suspension), 7.5 mg". A coder finds the code by the drug's name, then
its salt and form, then (where the codes differ only by it) the amount. Oral drugs and inhalation solutions
through DME are dispensed, not given in the office, and are left out.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from assistant.suggest.store import CodeCatalog

_DRUG_CODE = re.compile(r"^J\d{4}$")
_ROUTE_HEAD = re.compile(r"^(?:injection|infusion|instillation|implant)\b,?\s*", re.IGNORECASE)
_DISPENSED = re.compile(r"\b(?:oral|through dme|inhalation solution)\b", re.IGNORECASE)
_AMOUNT = re.compile(
    r"(?:\b(?:per|up to)\s+)?(?P<value>\d[\d,]*(?:\.\d+)?)\s*"
    r"(?P<unit>mg|mcg|micrograms?|milligrams?|g|gm|grams?|units?|i\.?u\.?|cc|ml|l|percent)\b(?:/\w+)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def words(text: str) -> tuple[str, ...]:
    """A text's lower-case words, a hyphenated name whole, joined and in parts ("b-12": "b-12", "b12", "b",
    "12")."""
    out: list[str] = []
    for w in _WORD.findall(text.lower()):
        out.append(w)
        if "-" in w:
            out.append(w.replace("-", ""))
            out.extend(w.split("-"))
    return tuple(out)


# The words of a name that tell the salt, the base or the class: a note may leave them unsaid.
SALT_WORDS = frozenset(
    words(
        "acetate acetonide hydrochloride hcl sodium potassium calcium sulfate sulphate phosphate "
        "tromethamine citrate tartrate bitartrate maleate mesylate succinate besylate bromide chloride "
        "disodium dipropionate palmitate decanoate cypionate enanthate undecanoate benzathine procaine "
        "magnesium lactate fumarate solution injection infusion human recombinant liposomal normal"
    )
)
STOP_WORDS = frozenset(words("and in with for of the per up to"))
# Words of a name that tell the form or the class, never the drug: they are not looked up.
FORM_WORDS = STOP_WORDS | frozenset(
    words(
        "drug administered through implant system suppository urethral pellet depot suspension extended "
        "release tablet dose metered inhaler vaginal ring irrigation percent vitamin preparation product "
        "powder kit each single unit units vaccine nasal inhalation sterile injectable contraceptive supply "
        "containing intrauterine releasing lipid complex"
    )
)
# The device or form a product is: a code that names one is chosen only where the note names it too.
DEVICE_FORMS = frozenset(words("implant intrauterine pellet patch ring suppository insert"))
# Descriptor words that pick one product or form: a code with them is chosen only where the note says them.
_PRODUCT_WORDS = re.compile(
    r"\b(?:preservative[- ]free|extended[- ]release|microsphere|liposom\w*|biosimilar|pegylated|intrathecal|"
    r"not therapeutically equivalent|intravitreal|intraocular|ophthalmic|otic|compounded)\b",
    re.IGNORECASE,
)
# Bracketed words that tell what the drug is, not whose product it is.
_GENERIC_BRACKETS = frozenset({"contraceptive", "human", "recombinant", "synthetic"})
# The ESRD pair of a drug's codes (darbepoetin J0881 / J0882): a use, not a product the note must name
_ON_DIALYSIS = re.compile(r"\(for esrd on dialysis\)", re.IGNORECASE)
_NON_ESRD = re.compile(r"\(non-esrd use\)", re.IGNORECASE)
# A descriptor that names a class of products, then the products its code bills ("Hyaluronan or derivative,
# euflexxa, for intra-articular injection"): the note names the product.
_CLASS_HEAD = re.compile(r"\bor derivative\s*$", re.IGNORECASE)
_NOT_OTHERWISE = re.compile(r"\bnot otherwise (?:specified|classified)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DrugCode:
    code: str
    title: str
    lead: str  # the word a note must say: the name's longest word that is not a salt or a form
    name: tuple[str, ...]  # the name's words, salts and forms included ("ketorolac", "tromethamine")
    drug: tuple[str, ...]  # the words a note must say (the name less its salt words)
    amount: tuple[float, str] | None  # the amount one unit bills ("15 mg" -> (15.0, "mg"))
    marks: tuple[frozenset[str], ...]  # a product, form or device the note must name (a brand, "implant")
    devices: frozenset[str]  # the device it is ("implant", "intrauterine"), if any
    brand: frozenset[
        str
    ]  # the bracketed product name's words ("invega", "sustenna"): a note may say only them
    unspecified: bool  # "not otherwise specified"
    dialysis: bool | None = None  # "(for esrd on dialysis)": True; "(non-esrd use)": False; else None


def normal_amount(value: str, unit: str) -> tuple[float, str]:
    """An amount in the unit the descriptors bill in (mg, mcg, units, ml)."""
    number = float(value.replace(",", ""))
    unit = unit.lower().rstrip("s").replace(".", "")
    if unit in ("g", "gm", "gram"):
        return number * 1000, "mg"
    if unit in ("milligram",):
        return number, "mg"
    if unit in ("microgram",):
        return number, "mcg"
    if unit in ("iu", "unit"):
        return number, "unit"
    if unit == "l":
        return number * 1000, "ml"
    if unit == "cc":
        return number, "ml"
    return number, unit


def _is_brand(bracketed: str) -> bool:
    """A bracket that names a product or its maker ("(xipere)"), not a use, an amount or what the drug is."""
    return (
        not bracketed.startswith(("for ", "code ", "i.e.", "e.g.", "non-esrd"))
        and bracketed not in _GENERIC_BRACKETS
        and _AMOUNT.search(bracketed) is None
    )


def parse_descriptor(code: str, title: str) -> DrugCode | None:
    """A J-code descriptor as a drug, its marks and its billing amount (None: not given in an office)."""
    if _DISPENSED.search(title):
        return None
    body = _ROUTE_HEAD.sub("", title.strip())
    bracketed = re.findall(r"\(([^)]*)\)", body)
    head, _, rest = re.sub(r"\([^)]*\)", " ", body).partition(",")
    name = tuple(w for w in re.findall(r"[a-z]+", _AMOUNT.sub(" ", head).lower()) if w not in STOP_WORDS)
    plain = [w for w in name if w not in SALT_WORDS | FORM_WORDS and len(w) > 2]
    if not plain:
        return None
    amounts = list(_AMOUNT.finditer(rest)) or list(_AMOUNT.finditer(" ".join(bracketed)))
    amount = normal_amount(amounts[0]["value"], amounts[0]["unit"]) if amounts else None
    brands = [b.lower() for b in bracketed if _is_brand(b.lower())]
    if _CLASS_HEAD.search(head):  # "Hyaluronan or derivative, hyalgan, supartz or visco-3, for ...": products
        products = itertools.takewhile(lambda f: not f.strip().lower().startswith("for "), rest.split(","))
        brands += [b.strip() for f in products for b in re.split(r"\s+or\s+", f.lower()) if b.strip()]
    groups = [{w for w in words(b) if w not in FORM_WORDS and len(w) > 2} for b in brands]
    groups += [{w for w in words(m.group(0)) if w not in STOP_WORDS} for m in _PRODUCT_WORDS.finditer(title)]
    devices = DEVICE_FORMS & set(words(title))
    marks = tuple(frozenset(g) for g in [*groups, devices] if g)
    return DrugCode(
        code=code,
        title=title,
        lead=max(plain, key=len),
        name=name,
        drug=tuple(w for w in name if w not in SALT_WORDS) or name,
        amount=amount,
        marks=marks,
        devices=frozenset(devices),
        brand=frozenset(w for group in groups[: len(brands)] for w in group if len(w) > 3) - set(name),
        unspecified=bool(_NOT_OTHERWISE.search(title)),
        dialysis=True if _ON_DIALYSIS.search(title) else False if _NON_ESRD.search(title) else None,
    )


_TABLES: WeakKeyDictionary[CodeCatalog, dict[str, list[DrugCode]]] = WeakKeyDictionary()


_MADE_WORDS = frozenset({"recombinant", "purified", "synthetic", "human", "derived", "plasma"})


def drug_codes(catalog: CodeCatalog) -> dict[str, list[DrugCode]]:
    """The catalog's billable J-codes by the word of the drug's name a note must say, or of its bracketed
    product name (read once a catalog)."""
    table = _TABLES.get(catalog)
    if table is None:
        table = {}
        diagnosis_words = {
            w
            for code, title in catalog.titles().items()
            if catalog.system(code) == "ICD-10-CM"
            for w in words(title)
        }
        for code, title in catalog.titles().items():
            if not _DRUG_CODE.match(code) or not catalog.billable(code) or catalog.system(code) != "HCPCS":
                continue
            drug = parse_descriptor(code, title)
            if drug is not None:
                # a brand no diagnosis title uses, and no word of how products are made ("recombinant": the
                # zoster vaccine's word too, not factor VIII's name)
                for key in {drug.lead} | (drug.brand - diagnosis_words - _MADE_WORDS):
                    table.setdefault(key, []).append(drug)
        _TABLES[catalog] = table
    return table
