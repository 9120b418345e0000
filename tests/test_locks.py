"""The two dependency locks: what `make setup` installs to serve, and what `make test` adds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from assistant.config import PROJECT_ROOT
from tools.lock import closure, write_locks

PROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "-")):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


RUNTIME = _pins(PROJECT_ROOT / "requirements.lock")
TEST = _pins(PROJECT_ROOT / "requirements-test.lock")


def _direct(reqs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in reqs:
        req = Requirement(text)
        out[canonicalize_name(req.name)] = str(req.specifier).removeprefix("==")
    return out


def test_locks_are_disjoint() -> None:
    assert RUNTIME and TEST
    assert not set(RUNTIME) & set(TEST)


def test_runtime_lock_pins_every_direct_dependency_but_torch() -> None:
    direct = _direct(PROJECT["dependencies"])
    assert "torch" in direct and "torch" not in RUNTIME  # the Makefile installs CPU torch first
    for name, version in direct.items():
        if name != "torch":
            assert RUNTIME.get(name) == version, name


def test_test_tools_are_only_in_the_test_lock() -> None:
    for name, version in _direct(PROJECT["optional-dependencies"]["test"]).items():
        assert TEST.get(name) == version, name
        assert name not in RUNTIME, name
    assert "-c requirements.lock" in (PROJECT_ROOT / "requirements-test.lock").read_text().splitlines()


def test_closure_follows_requirements_and_extras() -> None:
    found = closure(["psycopg[binary]==3.3.9"])
    assert "psycopg-binary" in found  # only through the extra
    assert "pytest" not in closure(["fastapi"])


def test_make_lock_writes_the_committed_locks(tmp_path: Path) -> None:
    """The committed split is what `make lock` writes from the installed environment."""
    write_locks(tmp_path)
    for name in ("requirements.lock", "requirements-test.lock"):
        assert (tmp_path / name).read_text() == (PROJECT_ROOT / name).read_text(), name


def test_setup_installs_the_runtime_lock_and_test_targets_add_the_test_lock() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    setup_recipe = makefile.split("$(STAMP): pyproject.toml requirements.lock", 1)[1].split("\n\n", 1)[0]
    assert "-r requirements.lock" in setup_recipe and "requirements-test.lock" not in setup_recipe
    assert "-r requirements-test.lock" in makefile
    for target in ("test", "test-fast", "lint", "typecheck"):
        assert re.search(rf"^{target}: setup-test$", makefile, flags=re.M), target
    assert re.search(r"^run: setup$", makefile, flags=re.M)
