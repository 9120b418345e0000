"""A small, realistic slice of ICD-10-CM (titles and notes as in the April-2026 tabular) for ranking tests."""

from __future__ import annotations

from pathlib import Path

from assistant.suggest.corpus import CodeRecord, MemoryCorpus
from assistant.suggest.index_manifest import IndexManifest

ICD = "ICD-10-CM"
SEVEN = {
    "A": "initial encounter for closed fracture",
    "D": "subsequent encounter for closed fracture with routine healing",
    "S": "sequela",
}


def _r(
    code: str, title: str, billable: bool, parent: str | None, kind: str = "code", **kw: object
) -> CodeRecord:
    return CodeRecord(ICD, code, title, billable, parent, kind, **kw)  # type: ignore[arg-type]


def records() -> list[CodeRecord]:
    recs = [
        _r("1", "Certain infectious and parasitic diseases (A00-B99)", False, None, "chapter"),
        _r("A00", "Cholera", False, "1", "category"),
        _r(
            "A00.0",
            "Cholera due to Vibrio cholerae 01, biovar cholerae",
            True,
            "A00",
            inclusion_terms=["Classical cholera"],
        ),
        _r(
            "A00.1",
            "Cholera due to Vibrio cholerae 01, biovar eltor",
            True,
            "A00",
            inclusion_terms=["Cholera eltor"],
        ),
        _r("A00.9", "Cholera, unspecified", True, "A00"),
        _r(
            "E10",
            "Type 1 diabetes mellitus",
            False,
            None,
            "category",
            notes={"excludes1": ["type 2 diabetes mellitus (E11.-)"]},
            refs={"excludes1": ["E11.-"]},
        ),
        _r("E10.9", "Type 1 diabetes mellitus without complications", True, "E10"),
        _r(
            "E11",
            "Type 2 diabetes mellitus",
            False,
            None,
            "category",
            notes={"excludes1": ["type 1 diabetes mellitus (E10.-)"]},
            refs={"excludes1": ["E10.-"]},
        ),
        _r("E11.2", "Type 2 diabetes mellitus with kidney complications", False, "E11", "subcategory"),
        _r(
            "E11.22",
            "Type 2 diabetes mellitus with diabetic chronic kidney disease",
            True,
            "E11.2",
            notes={"use_additional": ["code to identify stage of chronic kidney disease (N18.1-N18.6)"]},
            refs={"use_additional": ["N18.1-N18.6"]},
        ),
        _r("E11.65", "Type 2 diabetes mellitus with hyperglycemia", True, "E11"),
        _r("E11.9", "Type 2 diabetes mellitus without complications", True, "E11"),
        _r(
            "I10",
            "Essential (primary) hypertension",
            True,
            None,
            "category",
            inclusion_terms=["High blood pressure", "Hypertension (arterial) (benign) (essential)"],
        ),
        _r(
            "N18",
            "Chronic kidney disease (CKD)",
            False,
            None,
            "category",
            notes={"code_first": ["any associated diabetic chronic kidney disease (E11.22)"]},
            refs={"code_first": ["E11.22"]},
        ),
        _r("N18.3", "Chronic kidney disease, stage 3 (moderate)", False, "N18", "subcategory"),
        _r("N18.31", "Chronic kidney disease, stage 3a", True, "N18.3"),
        _r("N18.32", "Chronic kidney disease, stage 3b", True, "N18.3"),
        _r("N18.4", "Chronic kidney disease, stage 4 (severe)", True, "N18"),
        _r("N18.9", "Chronic kidney disease, unspecified", True, "N18"),
        _r("N39.0", "Urinary tract infection, site not specified", True, None),
        _r("J18.9", "Pneumonia, unspecified organism", True, None),
        _r("J45.909", "Unspecified asthma, uncomplicated", True, None, inclusion_terms=["Asthma NOS"]),
        _r("R07.9", "Chest pain, unspecified", True, None),
        _r("R06.02", "Shortness of breath", True, None),
        _r("R50.9", "Fever, unspecified", True, None),
        _r("R05.9", "Cough, unspecified", True, None),
        _r("Z80.3", "Family history of malignant neoplasm of breast", True, None),
        _r("Z80.0", "Family history of malignant neoplasm of digestive organs", True, None),
        _r("Z85.038", "Personal history of other malignant neoplasm of large intestine", True, None),
        _r("Z87.01", "Personal history of pneumonia (recurrent)", True, None),
        _r("Z87.891", "Personal history of nicotine dependence", True, None),
        _r(
            "S52",
            "Fracture of forearm",
            False,
            None,
            "category",
            seven_chr=SEVEN,
            notes={"excludes1": ["traumatic amputation of forearm (S58.-)"]},
            refs={"excludes1": ["S58.-"]},
        ),
        _r(
            "S52.5",
            "Fracture of lower end of radius",
            False,
            "S52",
            "subcategory",
            inclusion_terms=["Fracture of distal end of radius"],
        ),
        _r("S52.50", "Unspecified fracture of the lower end of radius", False, "S52.5", "subcategory"),
    ]
    for side_code, side in (("1", "right"), ("2", "left"), ("9", "unspecified")):
        base = f"S52.50{side_code}"
        recs.append(
            _r(
                base,
                f"Unspecified fracture of the lower end of {side} radius",
                False,
                "S52.50",
                "subcategory",
            )
        )
        for ch, meaning in SEVEN.items():
            recs.append(
                _r(
                    base + ch,
                    f"Unspecified fracture of the lower end of {side} radius, {meaning}",
                    True,
                    base,
                )
            )
    return recs


def corpus() -> MemoryCorpus:
    return MemoryCorpus(records(), {ICD: {"release": "2026-04-01", "sha256": "fixture"}})


def with_combinations() -> MemoryCorpus:
    extra = [
        CodeRecord(ICD, "I12", "Hypertensive chronic kidney disease", False, None, "category"),
        CodeRecord(
            ICD,
            "I12.9",
            "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney "
            "disease, or unspecified chronic kidney disease",
            True,
            "I12",
            notes={
                "use_additional": [
                    "code to identify the stage of chronic kidney disease (N18.1-N18.4, N18.9)"
                ]
            },
            refs={"use_additional": ["N18.1-N18.4", "N18.9"]},
        ),
    ]
    return MemoryCorpus(records() + extra, {ICD: {"release": "2026-04-01", "sha256": "fixture"}})


FIXTURE_DIR = Path(__file__).resolve().parents[2] / "indexes" / "fixture"
FIXTURE_DIM = 256


def write_fixture(target: Path = FIXTURE_DIR) -> IndexManifest:
    """(Re)build the committed tiny index: this corpus, the deterministic hashing embedder."""
    from assistant.suggest.embedder import HashingEmbedder
    from assistant.suggest.index_build import build_index

    return build_index(target, corpus(), HashingEmbedder(FIXTURE_DIM), progress=False, force=True)


if __name__ == "__main__":  # python -m tests.suggest.fixture_corpus
    manifest = write_fixture()
    print(f"wrote {FIXTURE_DIR} ({manifest.count} codes, inputs {manifest.inputs_sha})")
