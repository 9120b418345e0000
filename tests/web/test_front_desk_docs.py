"""The README's "A day at the front desk" stays true: every page and API call it names is a route of the
app, every command is a command of the CLI, and the browser test it points to exists."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.cli.main import app as cli_app
from assistant.config import PROJECT_ROOT
from tests.web.test_access import _routes

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## A day at the front desk", 1)[1].split("\n## ", 1)[0]
ROWS = [r for r in SECTION.splitlines() if re.match(r"\| \d+\. ", r)]


def _concrete(path: str) -> str:
    """A named path with each {parameter} filled in and its query dropped."""
    return re.sub(r"\{[^}]+\}", "1", path.split("?", 1)[0])


def _pattern(route_path: str) -> re.Pattern[str]:
    """A served route path as a regex: each {parameter} matches one path segment."""
    parts = re.split(r"\{[^}]+\}", route_path)
    return re.compile("[^/]+".join(re.escape(part) for part in parts) + "$")


def test_the_day_names_pages_and_api_calls_the_app_serves(anon: TestClient) -> None:
    assert len(ROWS) == 10  # the ten steps of issue 16's browser test
    served = [(m, _pattern(r.path)) for m, r in _routes(anon)]
    named = []
    for row in ROWS:
        _, step, page, command, api, _ = row.split("|")
        named += [("GET", p) for p in re.findall(r"`(/[^`]+)`", page)]
        for method, path in re.findall(r"`(GET|POST|PUT) (/[^`]+)`", api):
            named.append((method, path))
    assert len(named) >= 15
    missing = [(m, p) for m, p in named if not any(m == sm and rx.match(_concrete(p)) for sm, rx in served)]
    assert missing == [], f"README names routes the app does not serve: {missing}"


def test_the_day_names_real_commands_and_its_browser_test() -> None:
    runner = CliRunner()
    for row in ROWS:
        for command in re.findall(r"`([a-z]+ [a-z-]+)(?: [^`]*)?`", row.split("|")[3]):
            r = runner.invoke(cli_app, [*command.split(), "--help"])
            assert r.exit_code == 0, f"`assistant {command}` is not a command"
    assert (PROJECT_ROOT / "tests" / "e2e" / "test_front_desk_day.py").is_file()
