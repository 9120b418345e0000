"""Key files: created once, complete, private, and the same for processes that start together."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import pytest

from assistant.core.errors import InvalidInput
from assistant.security.keys import KEY_BYTES, load_or_create_key


def _load(path: str) -> bytes:
    return load_or_create_key(Path(path))


def test_processes_starting_together_get_one_complete_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "phi.key"
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(6) as pool:
        keys = pool.map(_load, [str(path)] * 24)
    assert len(set(keys)) == 1 and len(keys[0]) == KEY_BYTES
    assert load_or_create_key(path) == keys[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["phi.key"], "no temporary files left behind"


def test_a_slow_first_writer_never_exposes_a_partial_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slow disk: the first writer stalls between creating its file and writing the key."""
    import threading
    import time

    import assistant.security.keys as keys

    real_fdopen = keys.os.fdopen

    def slow_fdopen(fd: int, *args: object, **kwargs: object) -> object:
        time.sleep(0.2)
        return real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(keys.os, "fdopen", slow_fdopen)
    path = tmp_path / "secret.key"
    results: list[object] = []

    def start() -> None:
        try:
            results.append(load_or_create_key(path))
        except Exception as exc:  # noqa: BLE001 - the failure is what the test looks for
            results.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for i, t in enumerate(threads):
        t.start()
        if i == 0:
            time.sleep(0.05)  # the others arrive while the first is still writing
    for t in threads:
        t.join()
    assert all(isinstance(r, bytes) for r in results), results
    assert len(set(results)) == 1  # type: ignore[arg-type]


def test_a_readable_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    load_or_create_key(path)
    path.chmod(0o644)
    with pytest.raises(InvalidInput) as err:
        load_or_create_key(path)
    assert "chmod 600" in (err.value.fix or "")
