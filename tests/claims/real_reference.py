"""A temporary copy of the tests' reference DB (``tests.conftest.reference_db``) with a small, made-up NCCI
release imported through the real import path (``assistant.codesets.loaders.cms_import.import_ncci``). The
session build is never written: the copy lives under the test's temporary folder."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from assistant.codesets.repository import CodeSetRepository
from assistant.config import Settings
from tests.conftest import reference_db

NCCI_EFFECTIVE = date(2026, 4, 1)
PTP_RELEASE = "test-2026Q2-ptp"
MUE_RELEASE = "test-2026Q2-mue"

# Plain CSV layout (docs/formats.md); rows made up but shaped like the CMS practitioner tables.
PTP_CSV = """column1,column2,effective_date,deletion_date,modifier_indicator,rationale
20610,99214,20190101,,1,Misuse of column two code with column one code
20611,20610,20160101,,1,More extensive procedure
29877,29880,20100101,,0,Mutually exclusive procedures
36415,36416,20120101,20251231,0,Deleted edit
"""
MUE_CSV = """code,mue_value,mai,rationale
20610,2,2,Anatomic Consideration
99214,1,2,Code Descriptor / CPT Instruction
J1100,100,3,Clinical: Data
"""


def reference_with_ncci(folder: Path) -> tuple[CodeSetRepository, Settings]:
    """Copy the tests' reference DB into ``folder`` and import the PTP and MUE fixtures into the copy."""
    from assistant.codesets.loaders.cms_import import import_ncci

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "reference.sqlite"
    shutil.copyfile(reference_db(), db)  # copyfile: the copy is writable, the session build is not
    settings = Settings(data_dir=folder / "data", reference_db_path=db, index_dir=folder / "index")
    (folder / "ptp.csv").write_text(PTP_CSV)
    (folder / "mue.csv").write_text(MUE_CSV)
    import_ncci(settings, folder / "ptp.csv", "ptp", PTP_RELEASE, NCCI_EFFECTIVE)
    import_ncci(settings, folder / "mue.csv", "mue", MUE_RELEASE, NCCI_EFFECTIVE)
    return CodeSetRepository.open(db), settings
