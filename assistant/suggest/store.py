"""The built index loaded for serving: faiss vectors, lexical index, id map, catalog and manifest."""

from __future__ import annotations

import json
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np

from assistant.core.errors import NotReady
from assistant.suggest.index_build import FLAT_FILE, FORMAT_VERSION, HNSW_FILE, read_manifest, stale_reason
from assistant.suggest.index_manifest import IndexManifest
from assistant.suggest.index_status import LEXICAL_READY, keyword_ready, staging_dir
from assistant.suggest.lexical import LexicalIndex
from assistant.suggest.text import tokens

_EXCLUDED = re.compile(r"^(?P<term>.+?)\s*\((?P<code>[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)-?\)$")


def excluded_pair(note: str) -> tuple[str, str] | None:
    """An Excludes1 note naming one code: "plantar fasciitis (M67.A0-)" -> ("plantar fasciitis", "M67.A0")."""
    found = _EXCLUDED.match(note.strip())
    return (found["term"], found["code"]) if found else None


class CodeCatalog:
    """Every code of the indexed systems (headers too) with titles, hierarchy and tabular notes."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.codes: dict[str, list[Any]] = data["codes"]
        self.notes: dict[str, dict[str, list[str]]] = data.get("notes", {})
        self.refs: dict[str, dict[str, list[str]]] = data.get("refs", {})
        self.seven_chr: dict[str, dict[str, str]] = data.get("seven_chr", {})
        self._children: dict[str, list[str]] | None = None
        self._title_tokens: dict[str, set[str]] = {}
        self._leaves: dict[str, tuple[str, ...]] = {}  # leaves_under, per code as first asked
        self._titles = {code: str(row[1]) for code, row in self.codes.items()}  # read thousands of times

    def __contains__(self, code: str) -> bool:
        return code in self.codes

    def system(self, code: str) -> str:
        return str(self.codes[code][0])

    def title(self, code: str) -> str:
        return self._titles.get(code, code)

    def titles(self) -> dict[str, str]:
        """Every code's title (code -> title)."""
        return self._titles

    def billable(self, code: str) -> bool:
        return bool(self.codes[code][2]) if code in self.codes else False

    def parent(self, code: str) -> str | None:
        return self.codes[code][3] if code in self.codes else None

    def ancestors(self, code: str) -> list[str]:
        out = []
        p = self.parent(code)
        while p and p in self.codes and self.codes[p][4] not in ("chapter", "block"):
            out.append(p)
            p = self.parent(p)
        return out

    def children(self, code: str) -> list[str]:
        if self._children is None:
            kids: dict[str, list[str]] = {}
            for c, row in self.codes.items():
                if row[3]:
                    kids.setdefault(row[3], []).append(c)
            self._children = kids
        return self._children.get(code, [])

    def leaves_under(self, code: str) -> list[str]:
        """The billable codes under ``code`` (itself when it is one), sorted; each code's found once."""
        got = self._leaves.get(code)
        if got is None:
            out, stack = [], [code]
            while stack:
                c = stack.pop()
                kids = self.children(c)
                if not kids and self.billable(c):
                    out.append(c)
                stack.extend(reversed(kids))
            got = self._leaves[code] = tuple(sorted(out))
        return list(got)

    def title_tokens(self, code: str) -> set[str]:
        got = self._title_tokens.get(code)
        if got is None:
            got = set(tokens(self.title(code)))
            self._title_tokens[code] = got
        return got

    def notes_for(self, code: str) -> dict[str, list[str]]:
        """Notes written at the code and inherited from its ancestors (nearest first)."""
        out: dict[str, list[str]] = {}
        for c in [code, *self.ancestors(code)]:
            for kind, texts in self.notes.get(c, {}).items():
                for t in texts:
                    label = t if c == code else f"{t} (at {c})"
                    out.setdefault(kind, []).append(label)
        return out

    def excludes1(self, code: str) -> list[tuple[str, str]]:
        """(term, excluded code) of the Excludes1 notes written at ``code`` that name one code."""
        notes = self.notes.get(code, {}).get("excludes1", [])
        return [pair for text in notes if (pair := excluded_pair(text))]

    def lineage(self, code: str) -> list[str]:
        """Every ancestor up to the chapter, blocks included (notes there bind every code below)."""
        out = []
        p = self.parent(code)
        while p and p in self.codes and p not in out:
            out.append(p)
            p = self.parent(p)
        return out

    def refs_for(self, code: str, kind: str) -> list[str]:
        """Code references in the notes at ``code`` and at every level above it, chapter included."""
        out: list[str] = []
        for c in [code, *self.lineage(code)]:
            out.extend(self.refs.get(c, {}).get(kind, []))
        return out

    def seven_chr_for(self, code: str) -> dict[str, str]:
        for c in [code, *self.ancestors(code)]:
            if c in self.seven_chr:
                return self.seven_chr[c]
        return {}


DenseSearch = Literal["hnsw", "flat"]
DENSE_SEARCH_THREADS = 1


class LoadedIndex:
    """``search="hnsw"`` answers from the HNSW graph (approximate, fast); ``"flat"`` searches exhaustively."""

    def __init__(
        self,
        index_dir: Path,
        manifest: IndexManifest,
        search: DenseSearch = "hnsw",
        ef_search: int = 128,
        *,
        keyword_only: bool = False,
    ) -> None:
        import faiss

        self.dir = index_dir
        # Where the finished index lives (``dir`` is its ``.building`` folder while keyword-only).
        self.target_dir = index_dir.with_name(index_dir.name.removesuffix(".building"))
        self.manifest = manifest
        self.search = search
        self.keyword_only = keyword_only
        self.ids: list[str] = json.loads((index_dir / "ids.json").read_text())
        self.row_of = {c: i for i, c in enumerate(self.ids)}
        self.lexical = LexicalIndex.load(index_dir / "lexical")
        self.catalog = CodeCatalog(json.loads((index_dir / "catalog.json").read_text()))
        self.dense: Any
        if keyword_only:
            # No vectors yet: an empty dense index and all-zero cosines, so only the keyword,
            # title and Index-walker evidence ranks candidates.
            dim = manifest.dimension or 1
            self.dense = faiss.IndexFlatIP(dim)
            self.matrix: np.ndarray = np.broadcast_to(np.zeros(dim, dtype=np.float32), (len(self.ids), dim))
            return
        flat: Any
        if search == "hnsw":
            self.dense = faiss.read_index(str(index_dir / HNSW_FILE))
            self.dense.hnsw.efSearch = ef_search
            flat = faiss.downcast_index(self.dense.storage)
        else:
            self.dense = flat = faiss.read_index(str(index_dir / FLAT_FILE))
        # A zero-copy view of the stored vectors (kept alive by self.dense).
        self.matrix = (
            faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)
            if flat.ntotal
            else np.zeros((0, flat.d), dtype=np.float32)
        )

    @classmethod
    def open_keyword_only(cls, index_dir: Path, dimension: int) -> LoadedIndex:
        """The keyword half of an index still being built (``<index_dir>.building``)."""
        folder = staging_dir(index_dir)
        if not keyword_ready(index_dir):
            raise NotReady(
                "the search index is being built and keyword search is not ready yet",
                field="index",
                fix="wait a few seconds and try again",
            )
        info = json.loads((folder / LEXICAL_READY).read_text())
        manifest = IndexManifest(
            format=FORMAT_VERSION,
            model="",
            dimension=dimension,
            releases=info.get("releases", {}),
            count=info.get("count", 0),
            keyword_only=True,
        )
        return cls(folder, manifest, keyword_only=True)

    @classmethod
    def open(
        cls,
        index_dir: Path,
        *,
        model: str,
        releases: dict[str, dict[str, str]] | None = None,
        search: DenseSearch = "hnsw",
        ef_search: int = 128,
    ) -> LoadedIndex:
        index_dir = Path(index_dir)
        manifest = read_manifest(index_dir)
        reason = stale_reason(manifest, releases, model)
        if reason is not None:
            if manifest is None:
                message = f"the search index is not built ({index_dir})"
            else:
                rel = ", ".join(f"{s} {v}" for s, v in manifest.release_names().items())
                built_with = manifest.model
                message = (
                    f"the search index is stale: index built for release {rel} / model {built_with}; {reason}"
                )
            raise NotReady(message, field="index", fix="run `assistant index build`")
        assert manifest is not None
        return cls(index_dir, manifest, search, ef_search)

    @cached_property
    def rows_by_prefix_cache(self) -> dict[tuple[str, ...], np.ndarray]:
        return {}

    def rows_with_prefix(self, prefixes: tuple[str, ...]) -> np.ndarray:
        cache = self.rows_by_prefix_cache
        if prefixes not in cache:
            cache[prefixes] = np.array(
                [i for i, c in enumerate(self.ids) if c.startswith(prefixes)], dtype=np.int64
            )
        return cache[prefixes]

    def search_dense(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the ``k`` nearest vectors for a note's queries, searched by the calling thread
        alone (``DENSE_SEARCH_THREADS``): some 30 queries gain little from OpenMP's threads, and on shared
        cores the threads wait on each other (measured: 1 thread 35-44 ms a note, 2 threads 65 ms, on the
        loaded 2-core machine). Each query's answer is the same whatever the thread count."""
        import faiss

        before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(DENSE_SEARCH_THREADS)  # this thread's setting only (OpenMP ICV)
        try:
            scores, rows = self.dense.search(vectors, k)
        finally:
            faiss.omp_set_num_threads(before)
        return scores, rows

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        return self.matrix[np.asarray(rows, dtype=np.int64)]

    @cached_property
    def _subset_vectors(self) -> dict[tuple[str, ...], np.ndarray]:
        return {}

    def subset(self, prefixes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        rows = self.rows_with_prefix(prefixes)
        cache = self._subset_vectors
        if prefixes not in cache:
            cache[prefixes] = self.vectors(rows)
        return rows, cache[prefixes]
