"""Build the search index (faiss dense vectors + bm25s lexical index + code catalog) with a manifest.

``assistant index build`` and ``serve --prepare`` (``ensure_index``) call this; ``build_index(..., codes=)``
builds a restricted index (the evaluation's CI slice).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from assistant.codesets.repository import CodeSetRepository
from assistant.suggest.corpus import (
    CodeRecord,
    CorpusSource,
    corpus_for,
    dense_text,
    encounter_representatives,
    indexable,
    inputs_sha,
    lexical_text,
    parent_chain,
)
from assistant.suggest.embedder import (
    Embedder,
    build_embedder,
    close_embedder,
    configured_model_name,
    ensure_onnx_export,
    token_lengths,
)
from assistant.suggest.embedder import load_embedder as _load_embedder
from assistant.suggest.index_manifest import HnswInfo, IndexManifest, ReleaseStamp
from assistant.suggest.index_status import LEXICAL_READY, staging_dir, write_progress
from assistant.suggest.lexical import LexicalIndex
from assistant.suggest.text import tokens

FORMAT_VERSION = 3  # 2: an HNSW graph beside the exact flat vectors; 3: no code terminated before the build
FLAT_FILE = "dense.faiss"
HNSW_FILE = "dense_hnsw.faiss"
# Graph degree and build effort, measured on note queries against the exact search (bench):
# efConstruction 200 keeps recall@30 at 0.99 with efSearch 128 (the faiss default 40 gave 0.885).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200


def load_embedder(settings: Any) -> Embedder:
    """The embedder the engine uses for ``settings`` (the evaluation's CI slice calls this)."""
    return _load_embedder(settings)


def _index_dir(settings_or_dir: Any) -> Path:
    if isinstance(settings_or_dir, str | Path):
        return Path(settings_or_dir)
    return Path(settings_or_dir.index_dir)


def read_manifest(index_dir: Path) -> IndexManifest | None:
    return IndexManifest.read(index_dir)


def _catalog(records: list[CodeRecord]) -> dict[str, Any]:
    codes: dict[str, list[Any]] = {}
    notes: dict[str, dict[str, list[str]]] = {}
    refs: dict[str, dict[str, list[str]]] = {}
    seven: dict[str, dict[str, str]] = {}
    for r in records:
        codes[r.code] = [r.system, r.title, r.billable, r.parent, r.kind]
        if r.notes:
            notes[r.code] = r.notes
        if r.refs:
            refs[r.code] = r.refs
        if r.seven_chr:
            seven[r.code] = r.seven_chr
    return {"codes": codes, "notes": notes, "refs": refs, "seven_chr": seven}


def embed_plan(embedder: Embedder, texts: list[str], *, sort: bool = True, dedup: bool = True) -> list[str]:
    """The texts to embed, in the order to embed them: each distinct text once (``dedup``), shortest
    token count first (``sort``) so that every batch pads to nearly its own length."""
    unique = list(dict.fromkeys(texts)) if dedup else list(texts)
    if not sort:
        return unique
    lengths = token_lengths(embedder, unique)
    return [unique[i] for i in sorted(range(len(unique)), key=lambda i: (lengths[i], len(unique[i])))]


def _embed_all(
    embedder: Embedder,
    texts: list[str],
    progress: bool,
    batch: int = 256,
    cache: EmbeddingCache | None = None,
    *,
    sort: bool = True,
    dedup: bool = True,
    stream: bool = True,
    on_batch: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Vectors for ``texts`` in their order; identical texts are embedded once (see ``embed_plan``).
    ``on_batch(done, total)`` is called after each chunk of ``batch`` texts (the build's progress file).
    An embedder with ``embed_stream`` (the worker processes) is given the whole plan at once unless
    ``stream`` is False (one call per chunk: the build before, kept for the bench)."""
    plan = embed_plan(embedder, texts, sort=sort, dedup=dedup)
    streamer = getattr(embedder, "embed_stream", None) if stream else None
    chunks: Iterator[np.ndarray] = (
        streamer(plan, batch)
        if streamer is not None
        else (embedder.embed(plan[k : k + batch]) for k in range(0, len(plan), batch))
    )
    done_vectors = np.zeros((len(plan), embedder.dim), dtype=np.float32)
    if progress:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        bar = Progress(
            TextColumn("[bold]embedding codes"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} texts/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        task = bar.add_task("embed", total=len(plan), rate="-")
        bar.start()
    t0 = time.perf_counter()
    plain = progress and not bar.console.is_terminal  # logs and pipes: a line every ~5%
    step = max(batch, len(plan) // 20)
    try:
        for start, vectors in zip(range(0, len(plan), batch), chunks, strict=True):
            chunk = plan[start : start + batch]
            done_vectors[start : start + len(chunk)] = vectors
            if cache is not None:
                cache.append(chunk, done_vectors[start : start + len(chunk)])
            if on_batch is not None:
                on_batch(start + len(chunk), len(plan))
            if progress:
                done = start + len(chunk)
                rate = done / max(1e-9, time.perf_counter() - t0)
                bar.update(task, completed=done, rate=f"{rate:.0f}")
                if plain and (done // step != (done - len(chunk)) // step or done == len(plan)):
                    eta = (len(plan) - done) / max(rate, 1e-9)
                    print(
                        f"embedded {done}/{len(plan)} texts, {rate:.0f} texts/s, ~{eta:.0f} s left",
                        flush=True,
                    )
    finally:
        if progress:
            bar.stop()
    if not dedup and not sort:
        return done_vectors
    row_of = {text: i for i, text in enumerate(plan)}
    return done_vectors[[row_of[t] for t in texts]] if texts else done_vectors[:0]


class EmbeddingCache:
    """Append-only text -> vector store beside the index: an interrupted build resumes where it stopped."""

    def __init__(self, folder: Path, embedder: Embedder) -> None:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in embedder.name)
        self.dir = folder / f".embed-cache-{safe}-{embedder.dim}"
        self.dim = embedder.dim
        self.texts_path = self.dir / "texts.jsonl"
        self.vectors_path = self.dir / "vectors.f32"

    def load(self) -> dict[str, np.ndarray]:
        if not self.texts_path.exists() or not self.vectors_path.exists():
            return {}
        texts = [json.loads(line) for line in self.texts_path.read_text().splitlines() if line.strip()]
        raw = np.fromfile(self.vectors_path, dtype=np.float32)
        n = min(len(texts), raw.size // self.dim)
        vectors = raw[: n * self.dim].reshape(n, self.dim)
        return {t: vectors[i] for i, t in enumerate(texts[:n])}

    def append(self, texts: list[str], vectors: np.ndarray) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with self.vectors_path.open("ab") as fv:
            fv.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
        with self.texts_path.open("a") as ft:
            ft.write("".join(json.dumps(t) + "\n" for t in texts))

    def clear(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def hnsw_graph(vectors: np.ndarray, dim: int) -> Any:
    """An HNSW graph (inner product) over ``vectors``; it stores its own copy of them."""
    import faiss

    graph = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    if len(vectors):
        graph.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return graph


def _cached_vectors(index_dir: Path, embedder: Embedder, dense: list[str]) -> dict[int, np.ndarray]:
    """Vectors already embedded by the same model in the previous index (a rebuild embeds only changes)."""
    old = read_manifest(index_dir)
    if not old or old.model != embedder.name or old.dimension != embedder.dim:
        return {}
    try:
        import faiss

        old_texts = json.loads((index_dir / "dense_texts.json").read_text())
        index = faiss.read_index(str(index_dir / FLAT_FILE))
    except (OSError, RuntimeError, ValueError):
        return {}
    if index.ntotal != len(old_texts):
        return {}
    row_of = {t: i for i, t in enumerate(old_texts)}
    out: dict[int, np.ndarray] = {}
    for i, text in enumerate(dense):
        r = row_of.get(text)
        if r is not None:
            out[i] = np.asarray(index.reconstruct(r), dtype=np.float32)
    return out


def index_texts(
    records: list[CodeRecord], codes: set[str] | None = None
) -> tuple[list[CodeRecord], list[str], list[str]]:
    """(indexed records, their dense texts, their lexical texts), in corpus order."""
    by_code = {(r.system, r.code): r for r in records}
    chosen = [r for r in records if indexable(r) and (codes is None or r.code in codes)]
    chains = [parent_chain(r, by_code) for r in chosen]
    dense = [dense_text(r, c) for r, c in zip(chosen, chains, strict=True)]
    shared = encounter_representatives(chosen, chains)
    if shared:
        own = {r.code: d for r, d in zip(chosen, dense, strict=True)}
        dense = [own[shared.get(r.code, r.code)] for r in chosen]
    lexical = [lexical_text(r, c) for r, c in zip(chosen, chains, strict=True)]
    return chosen, dense, lexical


def build_index(
    settings_or_dir: Any,
    reference: Any,
    embedder: Embedder | None = None,
    codes: set[str] | None = None,
    progress: Any = True,
    *,
    force: bool = True,
) -> IndexManifest:
    """Build the index into ``settings.index_dir`` (or the given folder); returns the manifest.

    ``codes`` restricts the indexed codes (every other code stays in the catalog for the rules).
    With ``force=False`` an index whose inputs are unchanged is kept as it is.
    """
    import faiss

    progress = bool(progress) if progress is not None else False
    index_dir = _index_dir(settings_or_dir)
    settings = None if isinstance(settings_or_dir, str | Path) else settings_or_dir
    t_start = time.perf_counter()
    corpus: CorpusSource = corpus_for(reference, settings)
    records = list(corpus.records())
    chosen, dense, lexical = index_texts(records, codes)
    ids = [r.code for r in chosen]
    if embedder is None and settings is None:
        raise TypeError("build_index needs an embedder or settings to load one")
    model = embedder.name if embedder is not None else configured_model_name(settings)
    sha = inputs_sha(model, dense, lexical, ids)
    old = read_manifest(index_dir)
    if not force and old and old.inputs_sha == sha and old.format == FORMAT_VERSION:
        return old

    tmp = staging_dir(index_dir)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    # The keyword half first: the app answers keyword-only suggestions from it while vectors are embedded.
    write_progress(tmp, "preparing")
    LexicalIndex.build([tokens(t) for t in lexical]).save(tmp / "lexical")
    (tmp / "ids.json").write_text(json.dumps(ids))
    (tmp / "dense_texts.json").write_text(json.dumps(dense))
    (tmp / "catalog.json").write_text(json.dumps(_catalog(records), separators=(",", ":")))
    releases = corpus.releases()
    (tmp / LEXICAL_READY).write_text(json.dumps({"releases": releases, "count": len(ids)}))
    own = embedder is None
    if embedder is None:
        write_progress(tmp, "exporting")
        embedder = build_embedder(settings, progress)
    try:
        vectors, embed_s, reused, embedded = _embed_codes(tmp, index_dir, embedder, dense, progress)
    finally:
        if own:
            close_embedder(embedder)
    index = faiss.IndexFlatIP(embedder.dim)
    if len(vectors):
        index.add(vectors)
    faiss.write_index(index, str(tmp / FLAT_FILE))
    t_graph = time.perf_counter()
    write_progress(tmp, "linking")
    if progress:
        print(f"linking {len(vectors)} vectors into the HNSW search graph", flush=True)
    faiss.write_index(hnsw_graph(vectors, embedder.dim), str(tmp / HNSW_FILE))
    graph_s = time.perf_counter() - t_graph
    manifest = IndexManifest(
        format=FORMAT_VERSION,
        model=embedder.name,
        dimension=embedder.dim,
        releases={system: ReleaseStamp(**stamp) for system, stamp in releases.items()},
        inputs_sha=sha,
        count=len(ids),
        systems=sorted({r.system for r in chosen}),
        restricted=codes is not None,
        restricted_to=len(codes) if codes is not None else None,
        dense_text=(
            "title; nearest parent titles (one vector per billable code; a code whose 7th character "
            "only tells the encounter shares its initial sibling's)"
        ),
        lexical_text="title x2 | parent | inclusion terms | Alphabetic Index paths",
        hnsw=HnswInfo(
            file=HNSW_FILE, M=HNSW_M, ef_construction=HNSW_EF_CONSTRUCTION, build_seconds=round(graph_s, 1)
        ),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - t_start, 1),
        embed_seconds=round(embed_s, 1),
        vectors_reused=reused,
        texts_embedded=embedded,
        embed_runtime=getattr(embedder, "runtime", type(embedder).__name__),
        embed_workers=getattr(embedder, "workers", 1),
    )
    manifest.write(tmp)
    (tmp / LEXICAL_READY).unlink()
    write_progress(tmp, "done")
    if index_dir.exists():
        shutil.rmtree(index_dir)
    tmp.rename(index_dir)
    EmbeddingCache(index_dir.parent, embedder).clear()  # the new index itself is now the cache
    return manifest


def _embed_codes(
    tmp: Path, index_dir: Path, embedder: Embedder, dense: list[str], progress: bool
) -> tuple[np.ndarray, float, int, int]:
    """(vectors for ``dense``, seconds, vectors reused, distinct texts embedded); reuses the old index's
    vectors and an interrupted build's cache."""
    t_embed = time.perf_counter()
    vectors = np.zeros((len(dense), embedder.dim), dtype=np.float32)
    cached = _cached_vectors(index_dir, embedder, dense)
    cache = EmbeddingCache(index_dir.parent, embedder)
    resumed = cache.load()
    for i, text in enumerate(dense):
        if i not in cached and text in resumed:
            cached[i] = resumed[text]
    todo = [i for i in range(len(dense)) if i not in cached]
    for i, vec in cached.items():
        vectors[i] = vec
    write_progress(tmp, "embedding", 0, len(set(dense[i] for i in todo)))
    if todo:
        if progress and cached:
            print(
                f"reusing {len(cached)} cached vectors; embedding {len(todo)} new or changed texts",
                flush=True,
            )
        vectors[todo] = _embed_all(
            embedder,
            [dense[i] for i in todo],
            progress,
            cache=cache,
            on_batch=lambda done, total: write_progress(tmp, "embedding", done, total),
        )
    return vectors, time.perf_counter() - t_embed, len(cached), len(set(dense[i] for i in todo))


def stale_reason(
    manifest: IndexManifest | None, releases: dict[str, dict[str, str]] | None, model: str
) -> str | None:
    """Why the index cannot serve (None when it can)."""
    if manifest is None:
        return "no index has been built"
    if manifest.format != FORMAT_VERSION:
        return "the index was built by an older version of the engine"
    if manifest.model != model:
        return f"index built for model {manifest.model}, the configured model is {model}"
    if releases:
        built = manifest.releases
        for system, info in releases.items():
            if system in built and built[system].sha256 != info.get("sha256"):
                return (
                    f"index built for {system} release {built[system].release}, "
                    f"the loaded release is {info.get('release')}"
                )
            if system not in built and system in ("ICD-10-CM", "HCPCS"):
                return f"index built without {system}, which is now loaded"
    return None


def build_needed(settings: Any, reference: Any = None) -> str | None:
    """Why the index must be (re)built for ``settings``, or None when it can serve as it is."""
    if reference is None:
        reference = CodeSetRepository.open(settings.resolved_reference_db)
    manifest = read_manifest(_index_dir(settings))
    reason = stale_reason(
        manifest, corpus_for(reference, settings).releases(), configured_model_name(settings)
    )
    if reason is None and manifest is not None and manifest.restricted:
        return "the index holds a restricted set of codes"
    return reason


def ensure_index(settings: Any, reference: Any = None, progress: bool = True) -> IndexManifest:
    """Build the index when it is missing or stale (``index build``); returns the manifest."""
    if reference is None:
        reference = CodeSetRepository.open(settings.resolved_reference_db)
    manifest = read_manifest(_index_dir(settings))
    if build_needed(settings, reference) is None and manifest is not None:
        ensure_onnx_export(settings, progress)
        return manifest
    manifest = build_index(settings, reference, None, None, progress, force=False)
    ensure_onnx_export(settings, progress)
    return manifest
