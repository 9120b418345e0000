"""Fee schedule: CSV import (good and bad rows, overlaps), charge_for by date and modifier, the CLI."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app as cli_app
from assistant.core.db import transaction
from assistant.core.errors import InvalidInput
from assistant.fees import service
from assistant.fees.schemas import FeeIn
from assistant.fees.service import FeeImportErrors

GOOD = """code,modifier,charge_cents,effective_from,effective_to
99214,,18500,2026-01-01,2026-06-30
99214,,19500,2026-07-01,
20610,,22000,2026-01-01,
20610,RT,23000,2026-01-01,
"""


def test_import_then_charge_for_by_date_and_modifier(sessions: Any) -> None:
    with transaction(sessions) as s:
        result = service.import_csv(s, GOOD, actor="ann")
        assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    with sessions() as s:
        assert service.charge_for(s, "99214", [], date(2026, 6, 30)).charge_cents == 18500
        assert service.charge_for(s, "99214", [], date(2026, 7, 1)).charge_cents == 19500
        assert service.charge_for(s, "99214", ["25"], date(2030, 1, 1)).charge_cents == 19500
        assert service.charge_for(s, "99214", [], date(2025, 12, 31)) is None
        assert service.charge_for(s, "20610", ["RT"], date(2026, 5, 4)).charge_cents == 23000
        assert service.charge_for(s, "20610", ["LT"], date(2026, 5, 4)).charge_cents == 22000
        assert service.charge_for(s, "99999", [], date(2026, 5, 4)) is None
    with transaction(sessions) as s:  # the same file again: idempotent
        again = service.import_csv(s, GOOD.encode())
        assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
        changed = service.import_csv(
            s, "code,modifier,charge_cents,effective_from,effective_to\n99214,,19900,2026-07-01,\n"
        )
        assert changed.updated == 1
    with sessions() as s:
        assert service.charge_for(s, "99214", [], date(2026, 8, 1)).charge_cents == 19900


def test_bad_rows_are_named_by_row_and_field_and_nothing_is_saved(sessions: Any) -> None:
    bad = (
        "code,modifier,charge_cents,effective_from,effective_to\n"
        "99213,,12000,2026-01-01,\n"
        "9921,,100,2026-01-01,\n"
        "99215,X,-500,2026-13-01,\n"
        "99212,,12.50,2026-02-01,2026-01-01\n"
    )
    with pytest.raises(FeeImportErrors) as err, transaction(sessions) as s:
        service.import_csv(s, bad)
    got = {(p.row, p.field) for p in err.value.problems}
    assert got == {
        (2, "code"),
        (3, "modifier"),
        (3, "charge_cents"),
        (3, "effective_from"),
        (4, "charge_cents"),
        (4, "effective_to"),
    }
    assert err.value.to_dict()["problems"]
    with sessions() as s:
        assert service.list_fees(s) == []  # the good row 1 was not saved either


def test_overlapping_periods_are_refused(sessions: Any) -> None:
    with transaction(sessions) as s:
        service.import_csv(s, GOOD)
    in_file = (
        "code,modifier,charge_cents,effective_from,effective_to\n"
        "99203,,15000,2026-01-01,2026-12-31\n"
        "99203,,16000,2026-06-01,\n"
    )
    with pytest.raises(FeeImportErrors) as err, transaction(sessions) as s:
        service.import_csv(s, in_file)
    assert [(p.row, p.field) for p in err.value.problems] == [(2, "effective_from")]
    assert "overlaps row 1" in err.value.problems[0].message
    on_file = "code,modifier,charge_cents,effective_from,effective_to\n99214,,20000,2026-06-01,\n"
    with pytest.raises(FeeImportErrors) as err, transaction(sessions) as s:
        service.import_csv(s, on_file)
    assert "overlaps the fee on file 2026-01-01 to 2026-06-30" in err.value.problems[0].message
    with pytest.raises(InvalidInput, match="header"), transaction(sessions) as s:
        service.import_csv(s, "code,charge\n99214,100\n")


def test_save_and_edit_one_fee(sessions: Any) -> None:
    with transaction(sessions) as s:
        fee = service.save_fee(s, FeeIn(code="g0439", charge_cents="17500", effective_from="2026-01-01"))
        assert (fee.code, fee.charge_cents, fee.effective_to) == ("G0439", 17500, None)
        edited = service.save_fee(
            s, FeeIn(code="G0439", charge_cents=18000, effective_from="2026-01-01"), entry_id=fee.id
        )
        assert edited.id == fee.id and edited.charge_cents == 18000
        with pytest.raises(FeeImportErrors):
            service.save_fee(s, FeeIn(code="G0439", charge_cents=0, effective_from="2026-01-01"))


def test_cli_import_list_charge(tmp_path: Any) -> None:
    runner = CliRunner()
    path = tmp_path / "fees.csv"
    path.write_text(GOOD)
    r = runner.invoke(cli_app, ["fees", "import", str(path)])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["created"] + json.loads(r.output)["unchanged"] == 4
    r = runner.invoke(cli_app, ["fees", "charge", "99214", "--on", "2026-05-04"])
    assert r.exit_code == 0 and json.loads(r.output)["charge_cents"] == 18500
    r = runner.invoke(cli_app, ["fees", "list", "--code", "20610"])
    assert [f["modifier"] for f in json.loads(r.output)] == ["", "RT"]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,modifier,charge_cents,effective_from,effective_to\n99214,,abc,2026-01-01,\n")
    r = runner.invoke(cli_app, ["fees", "import", str(bad)])
    assert r.exit_code == 2 and "charge_cents" in r.output and "Traceback" not in r.output
