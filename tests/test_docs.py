"""Keep the README true: its quick start, its CI wiring and every command it shows."""

from __future__ import annotations

import re
import shlex

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[list[str]]:
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            for part in line.split("&&"):
                words = shlex.split(part.strip())
                if words and words[0] == "assistant":
                    commands.append(words[1:])
    return commands


def test_quick_start_is_two_make_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.search(r"```bash\n(.*?)```", quick, flags=re.S)
    assert block is not None
    lines = [ln.split("#")[0].strip() for ln in block.group(1).splitlines() if ln.strip()]
    assert lines == ["make run", "make test"]


def test_ci_calls_the_readme_test_command() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test\b", ci, flags=re.M)


def test_makefile_has_both_targets() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)


@pytest.mark.parametrize("words", _readme_commands(), ids=lambda w: " ".join(w[:2]))
def test_every_readme_command_exists(words: list[str]) -> None:
    """Each command path shown in the README answers --help (its options are checked by its own tests)."""
    path = [w for w in words if not w.startswith("-")]
    runner = CliRunner()
    # Walk down sub-commands while they are commands, then ask for help there.
    probe: list[str] = []
    for word in path:
        result = runner.invoke(app, [*probe, word, "--help"])
        if result.exit_code != 0:
            break
        probe.append(word)
    assert probe, f"`assistant {' '.join(words)}` is not a command"
    groups = {group.name for group in app.registered_groups}
    if path[0] in groups:
        assert len(probe) >= 2, f"`assistant {path[0]} {path[1]}` is not a command"


ARCHITECTURE = (PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _named_paths(text: str) -> list[str]:
    """Every `path` in backticks that names a file or folder of the repository."""
    found = re.findall(r"`([A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]*)+)`", text)
    return sorted({p for p in found if not p.startswith(("/", "http"))})


def test_architecture_names_files_that_exist() -> None:
    paths = _named_paths(ARCHITECTURE)
    assert len(paths) > 20  # the guide keeps naming real places
    missing = [p for p in paths if not (PROJECT_ROOT / p).exists()]
    assert missing == [], f"docs/architecture.md names missing files: {missing}"


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("register_session_rules", "assistant/claims/scrubber/registry.py"),
        ("DEFAULT_RULES", "assistant/claims/scrubber/registry.py"),
        ("def rule(", "assistant/claims/scrubber/base.py"),
        ("AdjustmentCategory", "assistant/codesets/schemas.py"),
        ("BY_CATEGORY", "assistant/denials/knowledge.py"),
        ("DIAGNOSERS", "assistant/denials/knowledge.py"),
        ("def respond(", "web/routers/pages_common.py"),
        ("ROUTERS", "web/app.py"),
        ("RawBody", "web/deps.py"),
        ("FormDep", "web/deps.py"),
        ("def make_container", "assistant/cli/bootstrap.py"),
        ("[tool.importlinter]", "pyproject.toml"),
        ("SQL_PENDING", "tests/test_architecture.py"),
        ("lint-imports", "Makefile"),
    ],
)
def test_architecture_names_real_symbols(name: str, path: str) -> None:
    assert f"`{path}`" in ARCHITECTURE or path in ("Makefile", "tests/test_architecture.py")
    assert name in (PROJECT_ROOT / path).read_text(encoding="utf-8"), f"{name} is no longer in {path}"
