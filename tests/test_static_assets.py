"""Vendored front-end files are pinned: their checksums match SHA256SUMS and pages reference them."""

from __future__ import annotations

import hashlib

from assistant.config import PROJECT_ROOT

VENDOR = PROJECT_ROOT / "web" / "static" / "vendor"


def test_vendored_files_match_their_checksums() -> None:
    lines = (VENDOR / "SHA256SUMS").read_text().split("\n")
    entries = [line.split() for line in lines if line.strip()]
    assert entries, "SHA256SUMS is empty"
    for digest, name in entries:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_base_template_uses_local_htmx_only() -> None:
    base = (PROJECT_ROOT / "web" / "templates" / "base.html").read_text()
    assert "/static/vendor/htmx-2.0.8.min.js" in base
    assert "http://" not in base and "https://" not in base, "no CDN: everything is served locally"
