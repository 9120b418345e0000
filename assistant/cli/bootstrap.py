"""One start-up for every domain CLI: the container built from the environment's settings, and its
operational database brought to the newest schema before a command uses it."""

from __future__ import annotations

from assistant.app.container import Container
from assistant.config import get_settings
from assistant.core import migrate


def make_container() -> Container:
    """The CLI's container (tests replace a domain CLI's ``make_container`` to inject doubles)."""
    return Container(get_settings())


def ready(container: Container) -> Container:
    """Migrate ``container``'s operational database (a no-op when it is current) and return it."""
    container.settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(container.settings.resolved_database_url)
    return container
