"""Helpers for the CMS code-set tests: a reference DB holding only the shipped CMS releases."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.config import PROJECT_ROOT, Settings

CMS_SLUGS = ("hcpcs", "hcpcs-modifiers", "place-of-service", "mce", "cpt-modifiers", "adjustment-codes")
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"


def cms_settings(root: Path, slugs: tuple[str, ...] = CMS_SLUGS) -> Settings:
    """Settings whose codesets_dir holds copies of the shipped CMS releases named by ``slugs``."""
    shipped = root / "codesets"
    shipped.mkdir(parents=True, exist_ok=True)
    for slug in slugs:
        shutil.copytree(PROJECT_ROOT / "codesets" / slug, shipped / slug)
    return Settings(codesets_dir=shipped, data_dir=root / "data", index_dir=root / "index")


def build(settings: Settings) -> None:
    from assistant.codesets import service

    service.load_all(settings, progress=False)
