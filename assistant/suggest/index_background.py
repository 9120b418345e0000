"""``serve --prepare`` builds the index in a background process while the app already answers.

The child is ``assistant index build``; its plain progress lines are echoed to the terminal with an
``[index]`` prefix, and the app reads the same progress from ``<index_dir>.building/progress.json``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from assistant.suggest.index_build import build_needed
from assistant.suggest.index_status import build_progress, staging_dir, write_progress


def start_background_build(settings: Any, reference: Any = None) -> subprocess.Popen[str] | None:
    """Start ``assistant index build`` unless the index is current or a build is already running."""
    index_dir = Path(settings.index_dir)
    if build_progress(index_dir) is not None:
        print("[index] a build is already running; the app follows its progress", flush=True)
        return None
    reason = build_needed(settings, reference)
    if reason is None:
        return None
    print(
        f"[index] building in the background ({reason}); suggestions are keyword-only until done", flush=True
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli.main", "index", "build"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own process group: stopping it stops its embedding workers too
    )
    # Seen as "building" from this moment, before the child has imported anything.
    write_progress(staging_dir(index_dir), "starting", pid=child.pid)
    threading.Thread(target=_echo, args=(child,), daemon=True).start()
    return child


def _echo(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    for line in child.stdout:
        print(f"[index] {line.rstrip()}", flush=True)
    code = child.wait()
    print("[index] build finished" if code == 0 else f"[index] build stopped (exit {code})", flush=True)


def stop_background_build(child: subprocess.Popen[str] | None) -> None:
    """The app stopped: stop the build too (the next start resumes from its embedding cache)."""
    if child is not None and child.poll() is None:
        _signal_group(child, signal.SIGTERM)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(child, signal.SIGKILL)


def _signal_group(child: subprocess.Popen[str], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(child.pid, sig)
