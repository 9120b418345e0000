"""Start the web app in a child process on 127.0.0.1 (uvicorn, N workers), wait until it answers, measure
its memory, stop it. Used by the load test; nothing here listens beyond the loopback interface."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from assistant.config import PROJECT_ROOT
from assistant.core.errors import NotReady


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    """``uvicorn <app> --factory --workers N`` on 127.0.0.1; a context manager that always stops it."""

    def __init__(self, app: str, env: dict[str, str], *, workers: int = 1, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        self.env = env
        self.workers = workers
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AppServer:
        cmd = [sys.executable, "-m", "uvicorn", self.app, "--factory", "--host", "127.0.0.1"]
        cmd += ["--port", str(self.port), "--workers", str(self.workers), "--log-level", "warning"]
        cmd += ["--no-access-log", "--no-proxy-headers"]  # as `assistant serve`: no forged client address
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                cmd,
                env=self.env,
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float) -> float:
        """Seconds until GET /health answers 200 (uvicorn answers only after every worker's start-up)."""
        import httpx

        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc is not None and self.proc.poll() is not None:
                raise NotReady(
                    f"the app exited with status {self.proc.returncode} while starting",
                    field="server",
                    fix=f"see its log: {self.log_path}",
                )
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise NotReady(
            f"the app did not answer within {timeout:.0f} s",
            field="server",
            fix=f"see its log: {self.log_path}",
        )

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of the server's processes (the supervisor and each worker), in MiB."""
        if self.proc is None:
            return {}
        out: dict[str, float] = {}
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            rss = _rss_kib(pid)
            if rss is not None:
                out[str(pid)] = round(rss / 1024, 1)
        return out

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
        for kid in kids:
            found += [kid, *_children(kid)]
    return found


def _rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
