"""``assistant serve`` binds loopback by default, needs TLS (or --insecure-bind) elsewhere, and creates
the first admin once. uvicorn.run is replaced: no server starts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import Result

from assistant.config import Settings


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    return calls


def _pem(tmp_path: Path) -> tuple[str, str]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\n")
    key.write_text("-----BEGIN PRIVATE KEY-----\n")
    return str(cert), str(key)


def test_default_binds_loopback_and_creates_the_first_admin_once(
    cli: Callable[..., Result], runs: list[dict[str, Any]], settings: Settings, db: sessionmaker[Session]
) -> None:
    from assistant.security import service

    first = cli("serve")
    assert first.exit_code == 0, first.output
    assert runs[-1]["host"] == "127.0.0.1" and "ssl_certfile" not in runs[-1]
    match = re.search(r"password: (\S+)", first.output)
    assert match and "created the user admin" in first.output
    password = match.group(1)
    with db() as s:
        assert service.authenticate_password(s, "admin", password, settings=settings).role == "admin"
        s.commit()
    for path in settings.data_dir.rglob("*"):  # written nowhere: only its argon2 hash is stored
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path
    second = cli("serve")
    assert second.exit_code == 0 and "password" not in second.output and len(runs) == 2


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_other_addresses_need_tls(cli: Callable[..., Result], runs: list[dict[str, Any]], host: str) -> None:
    r = cli("serve", "--host", host)
    assert r.exit_code == 2 and "refusing to bind" in r.output and "--insecure-bind" in r.output
    assert runs == []


def test_tls_or_explicit_insecure_bind(
    cli: Callable[..., Result], runs: list[dict[str, Any]], tmp_path: Path
) -> None:
    cert, key = _pem(tmp_path)
    r = cli("serve", "--host", "0.0.0.0", "--tls-cert", cert, "--tls-key", key)
    assert r.exit_code == 0, r.output
    assert runs[-1]["ssl_certfile"] == cert and runs[-1]["ssl_keyfile"] == key and "https://" in r.output
    r = cli("serve", "--host", "0.0.0.0", "--insecure-bind")
    assert r.exit_code == 0 and runs[-1]["host"] == "0.0.0.0" and "ssl_certfile" not in runs[-1]
    r = cli("serve", "--host", "0.0.0.0", "--tls-cert", cert)
    assert r.exit_code == 2 and "both a certificate and its private key" in r.output and len(runs) == 2
    r = cli("serve", "--tls-cert", cert, "--tls-key", str(tmp_path / "missing.pem"))
    assert r.exit_code == 2 and "is not a file" in r.output


def test_tls_from_settings(
    cli: Callable[..., Result], runs: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.config import get_settings

    cert, key = _pem(tmp_path)
    monkeypatch.setenv("ASSISTANT_HOST", "10.0.0.5")
    monkeypatch.setenv("ASSISTANT_TLS_CERT_PATH", cert)
    monkeypatch.setenv("ASSISTANT_TLS_KEY_PATH", key)
    get_settings.cache_clear()
    r = cli("serve")
    assert r.exit_code == 0, r.output
    assert runs[-1]["host"] == "10.0.0.5" and runs[-1]["ssl_certfile"] == cert
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    from assistant.cli.serve import is_loopback

    assert is_loopback(host) is loopback
