"""Helpers shared by every CLI module: JSON output and turning domain errors into clean exits."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console

from assistant.core.errors import AssistantError

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def _default(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, date | datetime):
        return obj.isoformat()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def print_json(data: Any) -> None:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    typer.echo(json.dumps(data, default=_default, ensure_ascii=False, indent=2))


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def handles_errors(func: F) -> F:
    """Decorator for commands: an AssistantError becomes a one-line message and exit status 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AssistantError as exc:
            fail(str(exc), exc.exit_code)

    return wrapper  # type: ignore[return-value]


def run_guarded(app: typer.Typer) -> None:
    try:
        app()
    except AssistantError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
