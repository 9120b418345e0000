"""``assistant serve``: prepare reference data and the index if needed, then run the web app."""

from __future__ import annotations

import typer

from assistant.cli.common import console, handles_errors
from assistant.config import get_settings


@handles_errors
def serve(
    host: str = typer.Option(None, help="Address to bind (default from settings: 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default 8000)."),
    prepare: bool = typer.Option(False, help="Load code sets and build the index first if they are missing."),
    allow_remote: bool = typer.Option(
        False, help="Allow binding to a non-loopback address without TLS (not recommended: PHI travels in clear)."
    ),
    workers: int = typer.Option(1, help="Number of app worker processes."),
) -> None:
    """Serve the web app (FastAPI + HTMX) on the local machine."""
    import uvicorn

    from assistant.core import migrate
    from assistant.core.errors import InvalidInput

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    if host not in ("127.0.0.1", "localhost", "::1") and not allow_remote:
        raise InvalidInput(
            f"refusing to bind to {host}: patient data would leave this machine's loopback interface.",
            field="host",
            fix="bind to 127.0.0.1, or pass --allow-remote behind a TLS-terminating proxy.",
        )
    if prepare:
        from assistant.codesets.service import ensure_loaded
        from assistant.suggest.index_build import ensure_index

        ensure_loaded(settings)
        ensure_index(settings)
    migrate.upgrade(settings.resolved_database_url)
    console.print(f"serving on http://{host}:{port}")
    uvicorn.run("web.app:create_app", factory=True, host=host, port=port, workers=workers)
