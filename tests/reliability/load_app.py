"""The app the load-test test starts: the real web app, with the stub suggestion engine (no model)."""

from __future__ import annotations

from typing import Any


def create_app() -> Any:
    from assistant.app.container import Container
    from assistant.config import get_settings
    from tests.web.fakes import StubSuggester
    from web.app import create_app as real_create_app

    container = Container(get_settings())
    container.set_suggester(StubSuggester())
    return real_create_app(container.settings, container=container, load_engine=False)
