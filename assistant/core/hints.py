"""Where the app does what a command does: fix hints that name an ``assistant`` command also point
to the page that can do it. The one table of command -> page; commands absent here (code-set imports,
the index build, audit verification) have no page yet and keep their hint as it is."""

from __future__ import annotations

import re

from pydantic import BaseModel


class AppPlace(BaseModel):
    label: str  # the way there through the menu
    path: str


# The first column is a command prefix: the longest one a hint names wins.
COMMAND_PAGES: dict[str, AppPlace] = {
    "assistant users": AppPlace(label="Admin → Users", path="/admin/users"),
    "assistant claims batch": AppPlace(label="Claims (837P batch per payer)", path="/claims"),
    "assistant claims": AppPlace(label="Claims", path="/claims"),
    "assistant remit": AppPlace(label="Remittances", path="/remits"),
    "assistant codes": AppPlace(label="Codes", path="/codes"),
    "assistant trainee": AppPlace(label="Trainee", path="/trainee"),
    "assistant providers": AppPlace(label="Providers", path="/providers"),
}
_COMMAND = re.compile(r"assistant(?: [a-z][a-z0-9-]*){1,2}")


def in_app(hint: str | None) -> AppPlace | None:
    """The page that does what the first command named in ``hint`` does, or None."""
    for match in _COMMAND.finditer(hint or ""):
        words = match.group(0).split()
        for n in range(len(words), 1, -1):
            place = COMMAND_PAGES.get(" ".join(words[:n]))
            if place is not None:
                return place
    return None
