"""``assistant serve``: prepare reference data and the index if needed, then run the web app.

Binding: 127.0.0.1 by default. Any other address carries sign-ins and patient data over the network,
so it needs a TLS certificate and key (``--tls-cert``/``--tls-key`` or ASSISTANT_TLS_CERT_PATH /
ASSISTANT_TLS_KEY_PATH) or an explicit ``--insecure-bind`` (e.g. behind a TLS-terminating proxy;
then also set ASSISTANT_COOKIE_SECURE=true). Forwarded headers are believed only from the addresses in
ASSISTANT_TRUSTED_PROXIES (none by default).

First run: when the database has no user, an ``admin`` account is created with a random password that
is printed once, here, and stored nowhere else (only its argon2 hash).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import typer

from assistant.cli.common import console, handles_errors
from assistant.codesets.service import ensure_loaded
from assistant.config import Settings, get_settings
from assistant.core import migrate
from assistant.core.db import make_engine, session_factory, transaction
from assistant.core.errors import InvalidInput
from assistant.security import service
from assistant.suggest.index_background import start_background_build, stop_background_build


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(host: str, cert: Path | None, key: Path | None, insecure_bind: bool) -> None:
    """Refuse a non-loopback address without TLS (unless explicitly told), and half a TLS pair."""
    if (cert is None) != (key is None):
        raise InvalidInput(
            "TLS needs both a certificate and its private key",
            field="tls-key" if key is None else "tls-cert",
            fix="pass both --tls-cert and --tls-key "
            "(or set ASSISTANT_TLS_CERT_PATH and ASSISTANT_TLS_KEY_PATH)",
        )
    for path, name in ((cert, "tls-cert"), (key, "tls-key")):
        if path is not None and not Path(path).is_file():
            raise InvalidInput(f"{path} is not a file", field=name, fix="give the path of a PEM file")
    if not is_loopback(host) and cert is None and not insecure_bind:
        raise InvalidInput(
            f"refusing to bind to {host} without TLS: sign-ins and patient data would cross the network "
            "in clear text",
            field="host",
            fix="bind to 127.0.0.1 (the default), give --tls-cert and --tls-key, or pass --insecure-bind "
            "only behind a TLS-terminating proxy (and set ASSISTANT_COOKIE_SECURE=true)",
        )


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn believes X-Forwarded-For/-Proto only from ``settings.trusted_proxies`` (none by default;
    uvicorn's own default trusts 127.0.0.1, so a local client could forge the address it is logged with)."""
    trusted = [address.strip() for address in settings.trusted_proxies if address.strip()]
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(trusted)}


def bootstrap_first_admin(settings: Settings) -> None:
    """Create the first admin when there is no user, and show its password once."""
    engine = make_engine(settings.resolved_database_url)
    try:
        with transaction(session_factory(engine)) as session:
            password = service.bootstrap_admin(session, settings=settings)
    finally:
        engine.dispose()
    if password is None:
        return
    console.print(
        "\n[bold]First run: created the user [cyan]admin[/cyan] (role admin).[/bold]\n"
        f"  password: [bold yellow]{password}[/bold yellow]\n"
        "  It is shown only this once and stored nowhere (only a hash). Sign in at /login, then create\n"
        "  one account per person: assistant users create NAME --role coder|biller|trainee|admin\n",
        highlight=False,
        soft_wrap=True,
    )


@handles_errors
def serve(
    host: str = typer.Option(None, help="Address to bind (default from settings: 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default 8000)."),
    prepare: bool = typer.Option(
        False,
        help="Load code sets if missing and build a missing or stale index in the background "
        "(suggestions are keyword-only until it is done).",
    ),
    tls_cert: Path = typer.Option(None, "--tls-cert", help="TLS certificate (PEM); default from settings."),
    tls_key: Path = typer.Option(None, "--tls-key", help="TLS private key (PEM); default from settings."),
    insecure_bind: bool = typer.Option(
        False,
        "--insecure-bind",
        help="Allow a non-loopback address without TLS (only behind a TLS-terminating proxy).",
    ),
    workers: int = typer.Option(1, help="Number of app worker processes."),
) -> None:
    """Serve the web app (FastAPI + HTMX). Binds 127.0.0.1 unless told otherwise (then TLS is required)."""
    import uvicorn

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    cert = tls_cert or settings.tls_cert_path
    key = tls_key or settings.tls_key_path
    check_binding(host, cert, key, insecure_bind)
    builder = None
    if prepare:
        ensure_loaded(settings)
        builder = start_background_build(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.resolved_database_url)
    bootstrap_first_admin(settings)
    scheme = "https" if cert else "http"
    console.print(f"serving on {scheme}://{host}:{port}")
    tls = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)} if cert and key else {}
    options: dict[str, Any] = {**tls, **proxy_options(settings)}
    try:
        uvicorn.run("web.app:create_app", factory=True, host=host, port=port, workers=workers, **options)
    finally:
        stop_background_build(builder)
