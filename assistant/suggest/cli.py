"""``assistant suggest``: code a note from a file or stdin (or a JSONL batch) with evidence and rules."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer

from assistant.app.container import Container
from assistant.cli.common import console, handles_errors, print_json
from assistant.core.errors import InvalidInput
from assistant.suggest.schemas import MAX_NOTE_BYTES, SuggestRequest, SuggestResponse


def _decode(raw: bytes, where: str) -> str:
    if len(raw) > MAX_NOTE_BYTES:
        raise InvalidInput(
            f"{where} is over {MAX_NOTE_BYTES // 1000} kB",
            field="text",
            fix="split the note and submit each part",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{where} is not UTF-8 text (byte {exc.start})",
            field="text",
            fix="save the note as UTF-8 and retry",
        ) from None


def make_request(text: str, **kw: Any) -> SuggestRequest:
    """A validated request; pydantic errors become InvalidInput naming the field."""
    from pydantic import ValidationError

    try:
        return SuggestRequest(text=text, **{k: v for k, v in kw.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err.get("loc", ())) or "text"
        raise InvalidInput(
            f"{field}: {err.get('msg')}", field=field, fix="correct the input and retry"
        ) from None


def _parse_date(value: str | None, field: str = "date") -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{field} {value!r} is not a date", field=field, fix="use YYYY-MM-DD") from None


def _service() -> Any:
    return Container().suggester


def _print_table(response: SuggestResponse) -> None:
    from rich.table import Table

    table = Table(title="Suggested codes")
    for col in ("code", "title", "conf", "score", "evidence", "warnings"):
        table.add_column(col)
    for s in response.suggestions:
        table.add_row(
            s.code,
            s.title,
            s.confidence,
            f"{s.score:.2f}",
            "; ".join(e.text for e in s.evidence),
            "; ".join(s.warnings),
        )
    console.print(table)
    for w in response.warnings:
        console.print(f"[yellow]warning:[/] {w}")


@handles_errors
def suggest(
    file: str = typer.Argument(None, help="Note file, or - for stdin."),
    top: int = typer.Option(10, "--top", min=1, max=100, help="How many codes to return."),
    date_of_service: str = typer.Option(
        None, "--date", help="Date of service YYYY-MM-DD (picks the release)."
    ),
    setting: str = typer.Option("outpatient", "--setting", help="outpatient | inpatient."),
    mode: str = typer.Option("full", "--mode", help="full | hybrid | dense | bm25."),
    as_json: bool = typer.Option(False, "--json", help="Print the SuggestResponse JSON."),
    jsonl: Path = typer.Option(
        None, "--jsonl", help="Batch: JSONL lines {id, text, date_of_service?, setting?, patient?}."
    ),
    sex: str = typer.Option(None, "--sex", help="Patient sex F | M | U (wins over the note)."),
    age: int = typer.Option(None, "--age", help="Patient age in years (wins over the note)."),
) -> None:
    """Suggest ICD-10-CM / HCPCS codes for a physician note, best first, with evidence and warnings."""
    if setting not in ("outpatient", "inpatient"):
        raise InvalidInput(f"unknown setting {setting!r}", field="setting", fix="use outpatient or inpatient")
    if mode not in ("full", "hybrid", "dense", "bm25"):
        raise InvalidInput(f"unknown mode {mode!r}", field="mode", fix="use full, hybrid, dense or bm25")
    patient = _patient_option(sex, age)
    if jsonl is not None:
        _batch(jsonl, top, setting, mode, patient)
        return
    if file in (None, "-"):
        raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        where = "stdin"
    else:
        path = Path(file)
        if not path.is_file():
            raise InvalidInput(f"no such file: {file}", field="file", fix="give a note file or - for stdin")
        raw, where = path.read_bytes(), str(path)
    text = _decode(raw, where)
    request = make_request(
        text,
        top_k=top,
        date_of_service=_parse_date(date_of_service),
        setting=setting,
        mode=mode,
        patient=patient,
    )
    response = _service().suggest(request)
    if as_json:
        print_json(response)
    else:
        _print_table(response)


def _patient_option(sex: str | None, age: int | None) -> dict[str, object] | None:
    """The --sex/--age options as a request patient (None when neither is given)."""
    if sex is None and age is None:
        return None
    if sex is not None and sex.upper() not in ("F", "M", "U"):
        raise InvalidInput(f"unknown sex {sex!r}", field="sex", fix="use F, M or U")
    patient: dict[str, object] = {"sex": (sex or "U").upper()}
    if age is not None:
        patient["age_years"] = age
    return patient


def _batch(path: Path, top: int, setting: str, mode: str, patient: dict[str, object] | None = None) -> None:
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}", field="jsonl", fix="give a JSONL file")
    lines = _decode(path.read_bytes(), str(path)) if path.stat().st_size <= MAX_NOTE_BYTES else None
    if lines is None:
        try:
            lines = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(f"{path} is not UTF-8", field="jsonl", fix="save it as UTF-8") from None
    ids: list[str] = []
    requests: list[SuggestRequest] = []
    for n, line in enumerate(lines.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"line {n}: not JSON ({exc.msg})", field="jsonl", fix="one JSON object per line"
            ) from None
        if not isinstance(row, dict) or "text" not in row:
            raise InvalidInput(
                f'line {n}: needs a "text" field', field="jsonl", fix='{"id": ..., "text": ...}'
            )
        ids.append(str(row.get("id", n)))
        try:
            requests.append(
                make_request(
                    row["text"],
                    top_k=top,
                    date_of_service=_parse_date(row.get("date_of_service"), f"line {n} date_of_service"),
                    setting=row.get("setting") or setting,
                    mode=mode,
                    patient=row.get("patient") or patient,
                )
            )
        except InvalidInput as exc:
            raise InvalidInput(
                f"line {n} (id {ids[-1]}): {exc.message}", field=exc.field, fix=exc.fix
            ) from None
    service = _service()
    responses: list[SuggestResponse] = []
    for start in range(0, len(requests), 64):
        responses.extend(service.suggest_many(requests[start : start + 64]))
    for case_id, response in zip(ids, responses, strict=True):
        out = {
            "id": case_id,
            "suggestions": [
                {
                    "code": s.code,
                    "system": s.system,
                    "title": s.title,
                    "score": s.score,
                    "confidence": s.confidence,
                    "evidence": [e.model_dump() for e in s.evidence],
                    "warnings": s.warnings,
                }
                for s in response.suggestions
            ],
        }
        typer.echo(json.dumps(out, ensure_ascii=False))
