"""``assistant index build|status``: the search index over the loaded code sets."""

from __future__ import annotations

import typer

from assistant.app.container import Container
from assistant.cli.common import console, handles_errors, print_json
from assistant.config import get_settings
from assistant.suggest.build_bench import bench_build
from assistant.suggest.corpus import corpus_for
from assistant.suggest.embedder import configured_model_name, ensure_onnx_export
from assistant.suggest.index_build import build_index, ensure_index, read_manifest, stale_reason

app = typer.Typer(help="Build and inspect the code search index.", no_args_is_help=True)


@app.command("build")
@handles_errors
def build(
    force: bool = typer.Option(False, "--force", help="Rebuild even when the inputs are unchanged."),
) -> None:
    """Export the model to ONNX (when missing), embed every billable code's text, link the HNSW graph."""
    settings = get_settings()
    if force:
        manifest = build_index(settings, Container(settings).reference, None, None, True)
        ensure_onnx_export(settings, progress=True)
    else:
        manifest = ensure_index(settings)
    console.print(
        f"index ready: {manifest.count} codes, model {manifest.model}, built {manifest.built_at} "
        f"({manifest.build_seconds} s) in {settings.index_dir}"
    )


@app.command("status")
@handles_errors
def status(as_json: bool = typer.Option(False, "--json")) -> None:
    """Whether the index is built and current for the loaded code sets and the configured model."""
    settings = get_settings()
    manifest = read_manifest(settings.index_dir)
    releases = None
    if settings.resolved_reference_db.exists():
        releases = corpus_for(None, settings).releases()
    reason = stale_reason(manifest, releases, configured_model_name(settings))
    doc = {
        "index_dir": str(settings.index_dir),
        "ready": reason is None,
        "reason": reason,
        "manifest": manifest.model_dump() if manifest else None,
    }
    if as_json:
        print_json(doc)
    else:
        console.print(f"index {'ready' if reason is None else 'NOT ready: ' + reason} ({settings.index_dir})")
        if manifest:
            console.print(f"  {manifest.count} codes, model {manifest.model}, built {manifest.built_at}")


@app.command("bench-build")
@handles_errors
def bench_build_cmd(
    sample: int = typer.Option(2000, "--sample", min=1, help="Real corpus texts to embed each way."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random sample."),
    int8: bool = typer.Option(True, "--int8/--no-int8", help="Also measure a dynamic int8 ONNX copy."),
    rounds: int = typer.Option(5, "--rounds", min=1, help="Slices each step embeds in turn."),
    fused: bool = typer.Option(
        True, "--fused/--no-fused", help="Also measure a copy with onnxruntime's transformer fusions."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Texts/s of each embedding path on one sample, in one run: torch (before), sorted, ONNX, dedup,
    worker processes, fused graph, int8."""
    doc = bench_build(get_settings(), sample, seed, int8, rounds, fused)
    if as_json:
        print_json(doc.model_dump())
        return
    console.print(
        f"{doc.sample} corpus texts ({doc.sample_unique} distinct; the corpus has "
        f"{doc.corpus_unique} distinct of {doc.corpus_texts}), batches of {doc.batch_size}, "
        f"{doc.rounds} rounds"
    )
    pad = doc.padded_tokens
    console.print(f"tokens run: {pad.corpus_order} in corpus order, {pad.sorted} sorted ({pad.real} real)")
    for s in doc.steps:
        cpu = "" if s.cpu_texts_per_s is None else f"  ({s.cpu_texts_per_s:.1f} a CPU second)"
        console.print(f"  {s.step:<45} {s.texts_per_s:>8.1f} texts/s  x{s.ratio:.2f}{cpu}")
    top = doc.fp32_ceiling
    console.print(
        f"  fp32 ceiling ({doc.build_workers} processes, weight products only, at "
        f"{top.gemm_gflops_per_cpu_second} GFLOP per CPU second): {top.texts_per_s} texts/s"
    )
    for name, (low, mean) in doc.cosine_min_mean.items():
        console.print(f"  cosine {name}: min {low}, mean {mean}")
