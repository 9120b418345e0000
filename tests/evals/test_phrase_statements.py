"""Index paths reworded as diagnosis statements (training phrases of the phrase ranker)."""

from __future__ import annotations

from evals.phrase_statements import statement, statement_queries


def test_a_path_reads_in_english_order() -> None:
    assert statement(["Cystitis", "acute", "of trigone", "with hematuria"]) == (
        "Acute cystitis of trigone with hematuria"
    )
    # a one-word noun step goes before the term or after it as "of ..." (both English; by hash of the word)
    assert statement(["Fracture, traumatic", "femur, femoral", "neck"]) in (
        "Fracture of neck of femur",
        "Femur fracture of neck",
        "Neck fracture of femur",
        "Femur neck fracture",
    )
    assert statement(["Fracture", "shaft of femur"]) == "Fracture of shaft of femur"
    assert statement(["Psoriasis", "specified NEC"]) == "Other psoriasis"
    assert statement(["Burn", "thumb", "third degree", "left"]).endswith(", left")


def test_statements_come_from_coded_main_rows_one_code_each() -> None:
    rows = [
        {"source": "main", "level": 0, "path": "Cystitis", "code": "N30.90", "see": None, "column": None},
        {
            "source": "main",
            "level": 1,
            "path": "Cystitis, acute",
            "code": "N30.00",
            "see": None,
            "column": None,
        },
        {
            "source": "main",
            "level": 2,
            "path": "Cystitis, acute, with hematuria",
            "code": "N30.01",
            "see": None,
            "column": None,
        },
        {
            "source": "main",
            "level": 1,
            "path": "Cystitis, allergic",
            "code": None,
            "see": "x",
            "column": None,
        },
        {"source": "drug", "level": 0, "path": "Aspirin", "code": "T39.011", "see": None, "column": "c"},
    ]
    got = {
        code: (text, path) for text, code, path in statement_queries(rows, {"N30.90", "N30.00", "N30.01"}, 10)
    }
    assert set(got) == {"N30.90", "N30.00", "N30.01"}
    assert got["N30.01"] == ("Acute cystitis with hematuria", "Cystitis, acute, with hematuria")
    assert got["N30.90"][0] in ("Cystitis", "Cystitis, unspecified")
