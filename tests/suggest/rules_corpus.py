"""The fixture slice plus the codes the coder's rules need, titles and notes as in the April-2026 tabular
(ICD-10-CM, public domain) and the HCPCS Level II titles (public domain). Built into a temporary index by
the tests that use it; the committed fixture index is untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.suggest.corpus import CodeRecord, MemoryCorpus
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index
from assistant.suggest.service import SuggestionService
from tests.suggest.fixture_corpus import ICD, records

HCPCS = "HCPCS"
STAGE_1_4 = ["N18.1-N18.4", "N18.9"]
STAGE_5 = ["N18.5", "N18.6"]


def _r(code: str, title: str, parent: str | None = None, billable: bool = True, **kw: object) -> CodeRecord:
    kind = "category" if len(code) == 3 and not billable else "code"
    return CodeRecord(ICD, code, title, billable, parent, kind, **kw)  # type: ignore[arg-type]


def _ua(*refs: str) -> dict[str, Any]:
    return {
        "notes": {"use_additional": [f"code ({', '.join(refs)})"]},
        "refs": {"use_additional": list(refs)},
    }


def _seven(head: str, title: str, stem: str | None = None) -> list[CodeRecord]:
    """An external-cause category with its A/D/S 7th characters (W11 -> W11.XXXA ...)."""
    stem = stem or f"{head}.XXX"
    seven = {"A": "initial encounter", "D": "subsequent encounter", "S": "sequela"}
    out = [_r(head, title, billable=False, seven_chr=seven)]
    out += [_r(stem + ch, f"{title}, {meaning}", head) for ch, meaning in seven.items()]
    return out


def extra_records() -> list[CodeRecord]:
    return [
        _r("I11", "Hypertensive heart disease", billable=False),
        _r("I11.0", "Hypertensive heart disease with heart failure", "I11", **_ua("I50.-")),
        _r("I11.9", "Hypertensive heart disease without heart failure", "I11"),
        _r("I12", "Hypertensive chronic kidney disease", billable=False),
        _r(
            "I12.0",
            "Hypertensive chronic kidney disease with stage 5 chronic kidney disease or end stage renal "
            "disease",
            "I12",
            **_ua(*STAGE_5),
        ),
        _r(
            "I12.9",
            "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney disease, or "
            "unspecified chronic kidney disease",
            "I12",
            **_ua(*STAGE_1_4),
        ),
        _r("I13", "Hypertensive heart and chronic kidney disease", billable=False),
        _r(
            "I13.0",
            "Hypertensive heart and chronic kidney disease with heart failure and stage 1 through stage 4 "
            "chronic kidney disease, or unspecified chronic kidney disease",
            "I13",
            **_ua("I50.-", *STAGE_1_4),
        ),
        _r("I13.1", "Hypertensive heart and chronic kidney disease without heart failure", "I13", False),
        _r(
            "I13.10",
            "Hypertensive heart and chronic kidney disease without heart failure, with stage 1 through "
            "stage 4 chronic kidney disease, or unspecified chronic kidney disease",
            "I13.1",
            **_ua(*STAGE_1_4),
        ),
        _r(
            "I13.2",
            "Hypertensive heart and chronic kidney disease with heart failure and with stage 5 chronic "
            "kidney disease, or end stage renal disease",
            "I13",
            **_ua("I50.-", *STAGE_5),
        ),
        _r("I1A", "Other hypertension", billable=False),
        _r(
            "I1A.0",
            "Resistant hypertension",
            "I1A",
            notes={"code_first": ["essential hypertension (I10)", "secondary hypertension (I15.-)"]},
            refs={"code_first": ["I10", "I15.-"]},
        ),
        _r("M19", "Other and unspecified osteoarthritis", billable=False),
        _r("M19.0", "Primary osteoarthritis of other joints", "M19", False),
        _r("M19.04", "Primary osteoarthritis, hand", "M19.0", False),
        _r("M19.041", "Primary osteoarthritis, right hand", "M19.04"),
        _r("M19.042", "Primary osteoarthritis, left hand", "M19.04"),
        _r("M19.049", "Primary osteoarthritis, unspecified hand", "M19.04"),
        _r("H10", "Conjunctivitis", billable=False),
        _r("H10.3", "Unspecified acute conjunctivitis", "H10", False),
        _r("H10.30", "Unspecified acute conjunctivitis, unspecified eye", "H10.3"),
        _r("H10.31", "Unspecified acute conjunctivitis, right eye", "H10.3"),
        _r("H10.32", "Unspecified acute conjunctivitis, left eye", "H10.3"),
        _r("H10.33", "Unspecified acute conjunctivitis, bilateral", "H10.3"),
        _r("N13", "Obstructive and reflux uropathy", billable=False),
        _r("N13.2", "Hydronephrosis with renal and ureteral calculous obstruction", "N13"),
        _r("N13.3", "Other and unspecified hydronephrosis", "N13", False),
        _r("N13.30", "Unspecified hydronephrosis", "N13.3"),
        _r("N20", "Calculus of kidney and ureter", billable=False),
        _r("N20.0", "Calculus of kidney", "N20"),
        _r("N20.1", "Calculus of ureter", "N20"),
        _r("J44", "Other chronic obstructive pulmonary disease", billable=False),
        _r("J44.0", "Chronic obstructive pulmonary disease with (acute) lower respiratory infection", "J44"),
        _r("J44.1", "Chronic obstructive pulmonary disease with (acute) exacerbation", "J44"),
        _r("J44.9", "Chronic obstructive pulmonary disease, unspecified", "J44"),
        _r("I50", "Heart failure", billable=False),
        _r("I50.2", "Systolic (congestive) heart failure", "I50", False),
        _r("I50.22", "Chronic systolic (congestive) heart failure", "I50.2"),
        _r("I50.9", "Heart failure, unspecified", "I50"),
        _r("N18.5", "Chronic kidney disease, stage 5", "N18"),
        _r("N18.6", "End stage renal disease", "N18"),
        _r("E11.4", "Type 2 diabetes mellitus with neurological complications", "E11", False),
        _r("E11.40", "Type 2 diabetes mellitus with diabetic neuropathy, unspecified", "E11.4"),
        _r("E11.42", "Type 2 diabetes mellitus with diabetic polyneuropathy", "E11.4"),
        _r("E11.5", "Type 2 diabetes mellitus with circulatory complications", "E11", False),
        _r(
            "E11.51", "Type 2 diabetes mellitus with diabetic peripheral angiopathy without gangrene", "E11.5"
        ),
        _r("E11.52", "Type 2 diabetes mellitus with diabetic peripheral angiopathy with gangrene", "E11.5"),
        _r("G62", "Other and unspecified polyneuropathies", billable=False),
        _r("G62.9", "Polyneuropathy, unspecified", "G62"),
        _r("I73", "Other peripheral vascular diseases", billable=False),
        _r("I73.9", "Peripheral vascular disease, unspecified", "I73"),
        _r("R73", "Elevated blood glucose level", billable=False),
        _r("R73.9", "Hyperglycemia, unspecified", "R73"),
        _r("E78", "Disorders of lipoprotein metabolism and other lipidemias", billable=False),
        _r("E78.5", "Hyperlipidemia, unspecified", "E78"),
        _r("D63", "Anemia in chronic diseases classified elsewhere", billable=False),
        _r(
            "D63.1",
            "Anemia in chronic kidney disease",
            "D63",
            notes={"code_first": ["underlying chronic kidney disease (CKD) (N18.-)"]},
            refs={"code_first": ["N18.-"]},
        ),
        _r("D64", "Other anemias", billable=False),
        _r("D64.9", "Anemia, unspecified", "D64"),
        _r("E66", "Overweight and obesity", billable=False, **_ua("Z68.1-Z68.45", "Z68.5-")),
        _r("E66.9", "Obesity, unspecified", "E66"),
        _r("E66.3", "Overweight", "E66"),
        _r("Z68", "Body mass index [BMI]", billable=False),
        _r("Z68.3", "Body mass index [BMI] 30-39, adult", "Z68", False),
        *[_r(f"Z68.3{d}", f"Body mass index [BMI] 3{d}.0-3{d}.9, adult", "Z68.3") for d in range(10)],
        _r("Z68.4", "Body mass index [BMI] 40 or greater, adult", "Z68", False),
        _r("Z68.41", "Body mass index [BMI] 40.0-44.9, adult", "Z68.4"),
        _r("N39", "Other disorders of urinary system", billable=False),
        _r("B96", "Other bacterial agents as the cause of diseases classified elsewhere", billable=False),
        _r(
            "B96.2", "Escherichia coli [E. coli ] as the cause of diseases classified elsewhere", "B96", False
        ),
        _r(
            "B96.20",
            "Unspecified Escherichia coli [E. coli] as the cause of diseases classified elsewhere",
            "B96.2",
        ),
        _r("B95", "Streptococcus, Staphylococcus, and Enterococcus as the cause of diseases", billable=False),
        _r("B95.62", "Methicillin resistant Staphylococcus aureus infection as the cause of diseases", "B95"),
        _r("F17", "Nicotine dependence", billable=False),
        _r("F17.210", "Nicotine dependence, cigarettes, uncomplicated", "F17"),
        _r("F17.211", "Nicotine dependence, cigarettes, in remission", "F17"),
        _r("F17.221", "Nicotine dependence, chewing tobacco, in remission", "F17"),
        _r("Z79", "Long term (current) drug therapy", billable=False),
        _r("Z79.01", "Long term (current) use of anticoagulants", "Z79"),
        _r("Z79.4", "Long term (current) use of insulin", "Z79"),
        _r("Z79.84", "Long term (current) use of oral hypoglycemic drugs", "Z79"),
        _r("Z79.83", "Long term (current) use of bisphosphonates", "Z79"),
        _r("Z79.02", "Long term (current) use of antithrombotics/antiplatelets", "Z79"),
        _r("Z79.52", "Long term (current) use of systemic steroids", "Z79"),
        _r("I48", "Atrial fibrillation and flutter", billable=False),
        _r("I48.91", "Unspecified atrial fibrillation", "I48"),
        _r("O24", "Diabetes mellitus in pregnancy, childbirth, and the puerperium", billable=False),
        _r("O24.410", "Gestational diabetes mellitus in pregnancy, diet controlled", "O24"),
        _r("Z3A", "Weeks of gestation", billable=False),
        _r("Z3A.28", "28 weeks gestation of pregnancy", "Z3A"),
        _r("Z3A.32", "32 weeks gestation of pregnancy", "Z3A"),
        _r("Z00", "Encounter for general examination without complaint", billable=False),
        _r("Z00.00", "Encounter for general adult medical examination without abnormal findings", "Z00"),
        _r("Z00.01", "Encounter for general adult medical examination with abnormal findings", "Z00"),
        _r("Z00.121", "Encounter for routine child health examination with abnormal findings", "Z00"),
        _r("Z00.129", "Encounter for routine child health examination without abnormal findings", "Z00"),
        _r("Z00.110", "Health examination for newborn under 8 days old", "Z00"),
        _r("Z00.111", "Health examination for newborn 8 to 28 days old", "Z00"),
        _r("Z23", "Encounter for immunization"),
        _r("Z08", "Encounter for follow-up examination after completed treatment for malignant neoplasm"),
        _r("Z85.3", "Personal history of malignant neoplasm of breast", "Z85.038"),
        _r("Z12", "Encounter for screening for malignant neoplasms", billable=False),
        _r("Z12.11", "Encounter for screening for malignant neoplasm of colon", "Z12"),
        _r("Z12.31", "Encounter for screening mammogram for malignant neoplasm of breast", "Z12"),
        _r("Z71", "Persons encountering health services for other counseling", billable=False),
        _r("Z71.3", "Dietary counseling and surveillance", "Z71"),
        _r("Z71.84", "Encounter for health counseling related to travel", "Z71"),
        _r("J06.9", "Acute upper respiratory infection, unspecified"),
        _r("Z95", "Presence of cardiac and vascular implants and grafts", billable=False),
        _r("Z95.1", "Presence of aortocoronary bypass graft", "Z95"),
        _r("Z96", "Presence of other functional implants", billable=False),
        _r("Z96.651", "Presence of right artificial knee joint", "Z96"),
        _r("Z96.652", "Presence of left artificial knee joint", "Z96"),
        _r("R30", "Pain associated with micturition", billable=False),
        _r("R30.0", "Dysuria", "R30"),
        *_seven("W11", "Fall on and from ladder"),
        *_seven(
            "W01.0",
            "Fall on same level from slipping, tripping and stumbling without subsequent striking "
            "against object",
            "W01.0XX",
        ),
        *_seven("Y04.0", "Assault by unarmed brawl or fight", "Y04.0XX"),
        _r("Y92", "Place of occurrence of the external cause", billable=False),
        _r(
            "Y92.009",
            "Unspecified place in unspecified non-institutional (private) residence as the place of "
            "occurrence of the external cause",
            "Y92",
            inclusion_terms=["Home (NOS)"],
        ),
        _r("Y93", "Activity codes", billable=False),
        _r("Y93.67", "Activity, basketball", "Y93"),
        _r("Y93.G1", "Activity, food preparation and clean up", "Y93"),
        *_seven("W26.0", "Contact with knife", "W26.0XX"),
        _r("Y99", "External cause status", billable=False),
        _r("Y99.0", "Civilian activity done for income or pay", "Y99"),
        _r("Y99.8", "Other external cause status", "Y99"),
        _r("E03", "Other hypothyroidism", billable=False),
        _r("E03.9", "Hypothyroidism, unspecified", "E03"),
        _r("E89", "Postprocedural endocrine and metabolic complications and disorders, NEC", billable=False),
        _r("E89.0", "Postprocedural hypothyroidism", "E89"),
        _r(
            "O99",
            "Other maternal diseases classifiable elsewhere but complicating pregnancy, childbirth and the "
            "puerperium",
            billable=False,
        ),
        _r(
            "O99.28",
            "Other endocrine, nutritional and metabolic diseases complicating pregnancy, childbirth and "
            "the puerperium",
            "O99",
            billable=False,
        ),
        *[
            _r(f"O99.28{d}", f"Endocrine, nutritional and metabolic diseases complicating {what}", "O99.28")
            for d, what in enumerate(
                [
                    "pregnancy, unspecified trimester",
                    "pregnancy, first trimester",
                    "pregnancy, second trimester",
                    "pregnancy, third trimester",
                    "childbirth",
                    "the puerperium",
                ]
            )
        ],
        CodeRecord(HCPCS, "A4663", "Blood pressure cuff only", True),
        CodeRecord(HCPCS, "S0612", "Annual gynecological examination, established patient", True),
        CodeRecord(HCPCS, "G0008", "Administration of influenza virus vaccine", True),
        CodeRecord(HCPCS, "J3420", "Injection, vitamin b-12 cyanocobalamin, up to 1000 mcg", True),
    ]


def rules_corpus() -> MemoryCorpus:
    base = [r for r in records() if r.code not in ("N39.0", "E11")]
    e11 = CodeRecord(
        ICD,
        "E11",
        "Type 2 diabetes mellitus",
        False,
        None,
        "category",
        notes={
            "excludes1": ["type 1 diabetes mellitus (E10.-)"],
            "use_additional": ["insulin (Z79.4)", "oral hypoglycemic drugs (Z79.84)"],
        },
        refs={"excludes1": ["E10.-"], "use_additional": ["Z79.4", "Z79.84", "Z79.85"]},
    )
    n39 = _r("N39.0", "Urinary tract infection, site not specified", "N39", **_ua("B95-B97"))
    return MemoryCorpus(
        base + [e11, n39, *extra_records()],
        {ICD: {"release": "2026-04-01", "sha256": "rules"}, HCPCS: {"release": "2020-10", "sha256": "rules"}},
    )


def rules_service(folder: Path) -> SuggestionService:
    """The engine over the rules corpus (HashingEmbedder), its index built in ``folder``."""
    emb = HashingEmbedder(256)
    build_index(folder / "idx", rules_corpus(), emb, progress=False)
    return SuggestionService.from_index_dir(folder / "idx", emb)
