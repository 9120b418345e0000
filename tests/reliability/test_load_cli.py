"""``assistant load-test`` end to end, briefly: 2 clients for 3 s against the real app in a child process
with the stub suggestion engine. It checks the command works and reports; it asserts no timings."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from typer.testing import CliRunner

from assistant.cli.main import app


def _invoke() -> Any:
    return CliRunner().invoke(
        app,
        [
            "load-test",
            "--clients",
            "2",
            "--seconds",
            "3",
            "--app",
            "tests.reliability.load_app:create_app",
            "--json",
        ],
    )


def test_load_test_command_drives_the_three_endpoints_and_reports() -> None:
    result = _invoke()
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["endpoints"]) == {"suggest", "code_search", "claim_scrub"}
    for name, s in report["endpoints"].items():
        assert s["requests"] > 0 and s["errors"] == 0 and s["status_5xx"] == 0, (name, report["first_errors"])
        assert 0 < s["p50_ms"] <= s["p95_ms"] <= s["max_ms"]
    assert report["total"]["requests"] == sum(s["requests"] for s in report["endpoints"].values())
    assert report["url"].startswith("http://127.0.0.1:") and report["server_rss_mib"]


def test_load_test_refuses_a_remote_url() -> None:
    result = CliRunner().invoke(app, ["load-test", "--url", "http://example.com", "--seconds", "1"])
    assert result.exit_code == 2 and "loopback" in result.output


def test_load_test_runs_where_an_event_loop_is_already_running() -> None:
    async def inside() -> Any:  # as under Playwright's sync API in the same test process
        return _invoke()

    try:
        asyncio.get_running_loop()  # already inside one (Playwright's sync API earlier in this worker)
        result = _invoke()
    except RuntimeError:
        result = asyncio.run(inside())
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"]["requests"] > 0
