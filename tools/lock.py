"""Write the two dependency locks from the installed environment (run by `make lock`).

requirements.lock       everything serving and the index build need: the closure of
                        [project] dependencies (torch itself excluded: the Makefile installs CPU torch first).
requirements-test.lock  what only the tests and checkers add: the closure of the `test` extra minus the
                        runtime closure (a package the runtime also needs stays in the runtime lock).

Pins are the versions installed in the running interpreter's environment; anything installed that
neither closure reaches is left out and named on stderr.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
INSTALLED_FIRST = {"torch"}  # installed by the Makefile before the lock (CPU wheel)
HEADER_RUNTIME = (
    "# Exact pins of what serving and the index build need (CPU torch is installed first, by the Makefile).\n"
    "# Test-only tools are in requirements-test.lock. Regenerate both with: make lock\n"
)
HEADER_TEST = (
    "# Exact pins of what only the tests and checkers add (pytest, hypothesis, playwright, ruff, mypy...),\n"
    "# installed after requirements.lock by `make test`, `make lint` and `make typecheck`.\n"
    "# Regenerate both with: make lock\n"
    "-c requirements.lock\n"
)


def _wanted(req: Requirement, extras: set[str]) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({"extra": extra}) for extra in extras | {""})


def closure(roots: Iterable[str]) -> dict[str, metadata.Distribution]:
    """Installed distributions reachable from `roots` (requirement strings), by canonical name."""
    found: dict[str, metadata.Distribution] = {}
    extras_seen: dict[str, set[str]] = {}
    queue = [Requirement(root) for root in roots]
    while queue:
        req = queue.pop()
        name = canonicalize_name(req.name)
        extras = set(req.extras)
        if name in found and extras <= extras_seen[name]:
            continue
        try:
            dist = found.get(name) or metadata.distribution(name)
        except metadata.PackageNotFoundError:
            sys.exit(f"lock: {req.name} is required but not installed; install it first")
        found[name] = dist
        extras_seen.setdefault(name, set()).update(extras)
        for line in dist.requires or []:
            dep = Requirement(line)
            if _wanted(dep, extras_seen[name]):
                queue.append(dep)
    return found


def _pins(dists: dict[str, metadata.Distribution]) -> str:
    lines = [
        f"{dist.metadata['Name']}=={dist.version}"
        for name, dist in sorted(dists.items())
        if name not in INSTALLED_FIRST
    ]
    return "\n".join(lines) + "\n"


def write_locks(out: Path = ROOT) -> None:
    """Write requirements.lock and requirements-test.lock into ``out`` (the project root by default)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = closure(project["dependencies"])
    test_all = closure(project["optional-dependencies"]["test"])
    test_only = {name: dist for name, dist in test_all.items() if name not in runtime}
    (out / "requirements.lock").write_text(HEADER_RUNTIME + _pins(runtime))
    (out / "requirements-test.lock").write_text(HEADER_TEST + _pins(test_only))
    known = set(runtime) | set(test_all) | {canonicalize_name(project["name"]), "pip", "wheel"}
    stray = sorted(
        str(dist.metadata["Name"])
        for dist in metadata.distributions()
        if canonicalize_name(dist.metadata["Name"]) not in known
    )
    print(f"lock: {len(runtime)} runtime, {len(test_only)} test-only packages", file=sys.stderr)
    if stray:
        print(f"lock: installed but in neither lock: {', '.join(stray)}", file=sys.stderr)


if __name__ == "__main__":
    write_locks(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
