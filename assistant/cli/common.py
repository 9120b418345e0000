"""Helpers shared by every CLI module: JSON output and turning domain errors into clean exits."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console

from assistant.core.db import busy_error
from assistant.core.errors import AssistantError, StorageError

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def _default(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json", by_alias=True)
    if isinstance(obj, date | datetime):
        return obj.isoformat()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def print_json(data: Any) -> None:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json", by_alias=True)
    typer.echo(json.dumps(data, default=_default, ensure_ascii=False, indent=2))


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


_OS_FIX = {
    errno.ENOSPC: "free disk space or write to another disk",
    errno.EDQUOT: "free disk space or write to another disk",
    errno.EACCES: "check the file's permissions or choose another path",
    errno.EPERM: "check the file's permissions or choose another path",
    errno.ENOENT: "check the path (the folder must exist)",
    errno.EROFS: "choose a path on a writable disk",
}


def storage_error(exc: OSError, action: str = "write") -> StorageError:
    """A clear message for a failed file operation (disk full, permissions, missing folder...)."""
    where = f" {exc.filename}" if exc.filename else ""
    fix = _OS_FIX.get(exc.errno or 0, "check the path, the disk and the permissions")
    return StorageError(
        f"could not {action}{where}: {exc.strerror or exc}",
        field="file",
        fix=f"{fix}; the database was not changed by this failure",
    )


def write_file(path: Path, data: bytes | str) -> None:
    """Write an output file whole or not at all (temp file + rename): a full disk leaves no half PDF."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if not exc.filename:
            exc.filename = str(path)
        raise storage_error(exc) from exc


def handles_errors(func: F) -> F:
    """Decorator for commands: an AssistantError becomes a one-line message and its exit status (2 by
    default); a file-system error or a database write conflict too, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AssistantError as exc:
            fail(str(exc), exc.exit_code)
        except OSError as exc:
            err = storage_error(exc, "read or write")
            fail(str(err), err.exit_code)
        except Exception as exc:
            busy = busy_error(exc)
            if busy is None:
                raise
            fail(str(busy), busy.exit_code)

    return wrapper  # type: ignore[return-value]


def run_guarded(app: typer.Typer) -> None:
    try:
        app()
    except AssistantError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
