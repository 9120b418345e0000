"""In the browser: the index-build banner shows the build's progress and disappears when it is done."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.config import Settings
from tests.e2e.conftest import shot
from tests.suggest.building import Build

pytestmark = pytest.mark.browser


def test_banner_then_gone_when_the_index_is_built(page: Any, live_settings: Settings) -> None:
    build = Build(live_settings).start()
    try:
        page.goto("/codes")
        banner = page.locator("#index-banner")
        banner.wait_for(state="visible")
        assert "search index building: 5%" in banner.inner_text()
        assert "keyword-only" in banner.inner_text()
        shot(page, "index-banner-building")
    finally:
        build.finish()
    banner.wait_for(state="hidden", timeout=15_000)  # the page polls: no reload
    shot(page, "index-banner-gone")
