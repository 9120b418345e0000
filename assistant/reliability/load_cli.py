"""``assistant load-test``: a bounded loopback load test (not part of the test suite).

By default it starts the app (``uvicorn web.app:create_app --factory --workers N``) on 127.0.0.1 on a free
port against a throwaway data folder (its own SQLite database, or ``--database-url``), with this
installation's code sets and index, creates a load-test user and API token through the security service,
drives N concurrent clients over POST /api/suggest, GET /api/codes/search and POST /api/claims/scrub,
then prints p50/p95 per endpoint, requests/s, errors and 5xx, and the server's memory per process.
With ``--url`` and ``--token`` it drives a server that is already running instead.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import console, handles_errors, print_json
from assistant.config import Settings, get_settings
from assistant.core import migrate
from assistant.core.db import make_engine, session_factory, transaction
from assistant.core.errors import InvalidInput
from assistant.reliability.load import run_load
from assistant.reliability.server import AppServer
from assistant.security import service

app = typer.Typer(help="Loopback load test: concurrent clients over suggest, code search and claim scrub.")


def _prepare(data_dir: Path, database_url: str) -> tuple[dict[str, str], str]:
    """Environment of the app process (a fresh data folder), migrated once, plus a new API token."""
    base = get_settings()
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_DATABASE_URL": database_url,
        "ASSISTANT_REFERENCE_DB_PATH": str(base.resolved_reference_db),
        "ASSISTANT_INDEX_DIR": str(base.index_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    settings = Settings(
        data_dir=data_dir,
        database_url=database_url,
        reference_db_path=base.resolved_reference_db,
        index_dir=base.index_dir,
    )
    migrate.upgrade(settings.resolved_database_url)  # once, before any worker starts
    engine = make_engine(settings.resolved_database_url)
    try:
        with transaction(session_factory(engine)) as session:
            username = f"load-test-{secrets.token_hex(3)}"
            service.create_user(session, username, "admin", secrets.token_urlsafe(24), settings=settings)
            token = service.issue_token(session, username, "load-test", actor="load-test").token
    finally:
        engine.dispose()
    return env, token


@app.callback(invoke_without_command=True)
@handles_errors
def load_test(
    clients: Annotated[int, typer.Option("--clients", min=1, max=500, help="Concurrent clients")] = 20,
    seconds: Annotated[float, typer.Option("--seconds", min=1, help="Duration of the run")] = 60,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="App worker processes")] = 1,
    url: Annotated[str | None, typer.Option("--url", help="Drive this running server instead")] = None,
    token: Annotated[
        str | None, typer.Option("--token", envvar="ASSISTANT_LOAD_TOKEN", help="API token for --url")
    ] = None,
    database_url: Annotated[
        str, typer.Option("--database-url", help="Operational DB of the started app (default: fresh SQLite)")
    ] = "",
    app_factory: Annotated[
        str, typer.Option("--app", help="uvicorn factory of the started app")
    ] = "web.app:create_app",
    startup_timeout: Annotated[
        float, typer.Option("--startup-timeout", help="Seconds to wait for the app")
    ] = 600,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON")] = False,
) -> None:
    """Run the load test and print p50/p95 per endpoint, requests/s and the count of errors and 5xx."""
    if url is not None:
        if not url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]")):
            raise InvalidInput(
                f"{url} is not a loopback address", field="--url", fix="load-test only 127.0.0.1 / localhost"
            )
        result = run_load(url.rstrip("/"), token or "", clients=clients, seconds=seconds)
        _report(result.summary() | {"url": url}, as_json)
        _exit_status(result.summary())
        return

    with tempfile.TemporaryDirectory(prefix="assistant-load-") as tmp:
        data_dir = Path(tmp) / "data"
        env, api_token = _prepare(data_dir, database_url)
        with AppServer(app_factory, env, workers=workers, log_path=Path(tmp) / "server.log") as server:
            try:
                ready_s = server.wait_ready(startup_timeout)
            except Exception:
                console.print((Path(tmp) / "server.log").read_text()[-3000:], markup=False, highlight=False)
                raise
            result = run_load(server.url, api_token, clients=clients, seconds=seconds)
            memory = server.rss_mb()
        summary = result.summary() | {
            "url": server.url,
            "workers": workers,
            "app": app_factory,
            "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
            "startup_s": round(ready_s, 1),
            "server_rss_mib": memory,
        }
    _report(summary, as_json)
    _exit_status(summary)


def _report(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(summary)
        return
    from rich.table import Table

    table = Table(title=f"{summary['clients']} clients, {summary['seconds']} s, {summary.get('url')}")
    for col in ("endpoint", "requests", "req/s", "p50 ms", "p95 ms", "max ms", "errors", "5xx"):
        table.add_column(col, justify="left" if col == "endpoint" else "right")
    for name, s in [*summary["endpoints"].items(), ("total", summary["total"])]:
        table.add_row(
            name,
            str(s["requests"]),
            f"{s['requests_per_s']:.1f}",
            f"{s['p50_ms']:.0f}",
            f"{s['p95_ms']:.0f}",
            f"{s['max_ms']:.0f}",
            str(s["errors"]),
            str(s["status_5xx"]),
        )
    console.print(table)
    if "server_rss_mib" in summary:
        console.print(
            f"workers: {summary['workers']}, start-up {summary['startup_s']} s, "
            f"server memory (MiB per process): {summary['server_rss_mib']}"
        )
    for err in summary["first_errors"]:
        console.print(f"  first errors: {err}", markup=False, highlight=False)


def _exit_status(summary: dict[str, Any]) -> None:
    total = summary["total"]
    if total["status_5xx"] or total["no_answer"] or not total["requests"]:
        raise typer.Exit(1)  # the target is zero 5xx and every request answered
