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


def hcpcs_record(
    code: str,
    long: str,
    *,
    recid: str = "3",
    seq: int = 10,
    short: str = "",
    added: str = "",
    terminated: str = "",
    action: str = "N",
) -> str:
    """One 320-character record of CMS's fixed-width HCPCS file (layout: HCPC20xx_recordlayout.txt)."""
    line = [" "] * 320

    def put(start: int, text: str) -> None:
        line[start - 1 : start - 1 + len(text)] = list(text)

    put(1, code.ljust(5))
    put(6, f"{seq:05d}")
    put(11, recid)
    put(12, long[:80])
    put(92, short[:28])
    put(269, added)
    put(285, terminated)
    put(293, action)
    return "".join(line)


def hcpcs_zip(path: Path, member: str, records: list[str], pad_line: int | None = None) -> Path:
    """A CMS-shaped quarterly zip: the ANWEB .txt (CRLF, one record padded past 320 characters like CMS's
    G9871, a blank filler last line) beside a record-layout file that must not be read."""
    import zipfile

    lines = [r + " " * 226 if i == pad_line else r for i, r in enumerate(records)]
    body = "\r\n".join(lines) + "\r\n" + " " * 296 + "\r\n"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, body.encode("latin-1"))
        archive.writestr("HCPC2026_recordlayout.txt", "CMS RIF REPORT (layout, not data)\r\n")
    return path
