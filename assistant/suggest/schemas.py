"""The public suggestion API: used identically by the CLI, the web app and the evaluation suite."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator

MAX_NOTE_BYTES = 100_000
Mode = Literal["full", "hybrid", "dense", "bm25"]
Setting = Literal["outpatient", "inpatient"]


class Patient(BaseModel):
    """Who the note is about: the MCE age/sex edits and the pediatric/adult codes need it."""

    sex: Literal["F", "M", "U"] = "U"
    age_years: int | None = Field(None, ge=0, le=130)
    date_of_birth: date | None = None


class SuggestRequest(BaseModel):
    text: str
    top_k: int = Field(default=10, ge=1, le=100)
    date_of_service: date | None = None
    setting: Setting = "outpatient"
    systems: list[str] | None = None  # e.g. ["ICD-10-CM", "HCPCS"]; None: every loaded system
    # "full" is the product; the others are retrieval baselines the evaluation compares against.
    mode: Mode = "full"
    patient: Patient | None = None  # wins over the demographics read from the note

    @field_validator("text")
    @classmethod
    def _text_ok(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty: paste the physician note to code")
        if len(value.encode("utf-8")) > MAX_NOTE_BYTES:
            raise ValueError(f"text is over {MAX_NOTE_BYTES // 1000} kB: split the note and submit each part")
        return value


class Evidence(BaseModel):
    start: int
    end: int
    text: str  # == note[start:end]


class Suggestion(BaseModel):
    code: str  # with the dot for ICD-10-CM
    system: str
    title: str
    score: float
    confidence: Literal["high", "medium", "low"]
    evidence: list[Evidence] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    notes: dict[str, list[str]] = Field(default_factory=dict)  # excludes1, code_first, use_additional, ...


class SuggestResponse(BaseModel):
    suggestions: list[Suggestion]
    releases: dict[str, str] = Field(default_factory=dict)  # system -> release used
    warnings: list[str] = Field(default_factory=list)  # note-level warnings
    mentions: list[dict[str, object]] = Field(default_factory=list)  # what the reader found (debug/UI)


class EmbeddingCeiling(BaseModel):
    """The most texts/s the build's fp32 embedding can reach on this machine (``index bench-build``): every
    CPU second of its worker processes spent on the model's weight products at onnxruntime's measured
    one-thread matrix-product rate, nothing else run."""

    weight_flops_per_token: int
    tokens_per_text: float  # after padding each sorted batch to its longest text
    gemm_gflops_per_cpu_second: float
    texts_per_cpu_second: float
    texts_per_s: float  # with the build's worker processes, one core each


class FusedOperators(BaseModel):
    """Nodes of each fused transformer operator in an ONNX graph (onnxruntime's transformer optimizer)."""

    attention: int
    skip_layer_normalization: int
    bias_gelu: int
    embed_layer_normalization: int


class PaddedTokens(BaseModel):
    real: int
    corpus_order: int  # batches cut in corpus order, each padded to its longest text
    sorted: int  # batches cut after sorting by length


class BuildBenchStep(BaseModel):
    step: str
    runtime: str
    sorted: bool
    dedup: bool
    seconds: float
    texts_per_s: float
    ratio: float  # against the first step (torch, corpus order: the build before)
    cpu_texts_per_s: float | None  # None for worker processes (their CPU time is not this process's)


class BuildBenchReport(BaseModel):
    """``assistant index bench-build``: every embedding path on one sample of the corpus, in one run."""

    sample: int
    sample_unique: int
    corpus_texts: int
    corpus_unique: int
    batch_size: int
    build_workers: int
    build_batch_size: int
    rounds: int
    padded_tokens: PaddedTokens
    fused_operators: dict[str, FusedOperators]
    fp32_ceiling: EmbeddingCeiling
    steps: list[BuildBenchStep]
    cosine_min_mean: dict[str, tuple[float, float]]
