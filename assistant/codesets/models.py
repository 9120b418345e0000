"""Reference-data schema: code-set releases loaded from ``codesets/`` (and user imports) into SQLite.

This database is a build product of the shipped files, kept apart from operational data. It can be
deleted and rebuilt at any time with ``assistant codesets load``. Only ``repository.py`` queries it.
"""

from __future__ import annotations

import re

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

reference_metadata = MetaData()

# System names used everywhere (CLI --system, JSON keys of `codesets status`).
ICD10CM = "ICD-10-CM"
ICD10CM_INDEX = "ICD-10-CM-INDEX"  # Alphabetic Index, E-index, Drug and Neoplasm tables
HCPCS = "HCPCS"
HCPCS_LEVEL2_SHAPE = re.compile(r"[A-V][0-9]{4}")  # a HCPCS Level II code: a letter A-V and 4 digits
HCPCS_MODIFIER = "HCPCS-MODIFIER"
CPT = "CPT"  # only from a licensed file the user imports
CPT_MODIFIER = "CPT-MODIFIER"  # numbers only, descriptions in our own words
POS = "POS"
MCE = "MCE"
NCCI_PTP = "NCCI-PTP"
NCCI_MUE = "NCCI-MUE"
CARC = "CARC"
RARC = "RARC"
GROUP = "CAS-GROUP"

releases = Table(
    "releases",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("system", String(32), nullable=False, index=True),
    Column("release", String(64), nullable=False),  # label, e.g. "2026-04-01" or "2020-Q4"
    Column("effective_from", Date, nullable=True),
    Column("effective_to", Date, nullable=True),  # None: in force until a newer release
    Column("source", Text, nullable=False),
    Column("license", Text, nullable=False),
    Column("sha256", String(64), nullable=False),  # of the source file(s) as loaded
    Column("stale", Boolean, nullable=False, default=False),
    Column("row_count", Integer, nullable=False, default=0),
    Column("loaded_at", DateTime, nullable=False),
    Column("manifest", JSON, nullable=False),  # the manifest as shipped, plus per-kind counts
    Column("user_imported", Boolean, nullable=False, default=False),
)
Index("uq_release", releases.c.system, releases.c.release, unique=True)

# Codes of every code system (ICD-10-CM tabular, HCPCS, CPT, modifiers, POS, CARC, RARC, group codes).
codes = Table(
    "codes",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column("system", String(32), nullable=False),
    Column("code", String(16), nullable=False),  # canonical form, with the dot for ICD-10-CM
    Column("code_nodot", String(16), nullable=False),
    # ICD-10-CM: chapter | block | category | subcategory | code (7-character); others: code | modifier
    Column("kind", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("long_title", Text, nullable=True),
    Column("billable", Boolean, nullable=False),
    Column("parent", String(16), nullable=True),
    Column("chapter", String(8), nullable=True),
    Column("sort_order", Integer, nullable=False, default=0),  # document order within the release
    Column("effective_from", Date, nullable=True),  # per-code dates where the source has them (HCPCS)
    Column("effective_to", Date, nullable=True),
    Column("extra", JSON, nullable=True),  # system-specific fields (HCPCS coverage, CARC category...)
)
Index("ix_codes_release_code", codes.c.release_id, codes.c.code, unique=True)
Index("ix_codes_release_nodot", codes.c.release_id, codes.c.code_nodot)
Index("ix_codes_release_parent", codes.c.release_id, codes.c.parent)

# Tabular notes exactly as written at the code they appear under (not inherited).
# kind: inclusion_term | includes | excludes1 | excludes2 | code_first | use_additional | code_also | note
#       | seven_chr_note
code_notes = Table(
    "code_notes",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(16), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("ref_codes", JSON, nullable=False),  # codes or code ranges named in the text, e.g. ["N18.-"]
)
Index("ix_notes_release_code", code_notes.c.release_id, code_notes.c.code)

seven_chr = Table(
    "seven_chr",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(16), nullable=False),  # where the definition is written (category/subcategory)
    Column("char", String(1), nullable=False),
    Column("meaning", Text, nullable=False),
)
Index("ix_seven_chr_release_code", seven_chr.c.release_id, seven_chr.c.code)

# Alphabetic Index (main index, E-index, Drug and Neoplasm tables) flattened to paths.
index_terms = Table(
    "index_terms",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column("source", String(16), nullable=False),  # main | eindex | drug | neoplasm
    Column("path", Text, nullable=False),  # "Attack, heart" (main term, subterms joined by ", ")
    Column("main_term", Text, nullable=False),
    Column("level", Integer, nullable=False),
    Column("code", String(16), nullable=True),  # with the dot; None for pure cross-references
    Column("see", Text, nullable=True),
    Column("see_also", Text, nullable=True),
    Column("column", String(48), nullable=True),  # Drug/Neoplasm table column (e.g. "Poisoning, Accidental")
)
Index("ix_index_terms_code", index_terms.c.release_id, index_terms.c.code)

ncci_ptp = Table(
    "ncci_ptp",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column("column1", String(8), nullable=False),
    Column("column2", String(8), nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("deletion_date", Date, nullable=True),
    Column("modifier_indicator", String(1), nullable=False),  # 0, 1 or 9
    Column("rationale", Text, nullable=True),
)
Index("ix_ptp_pair", ncci_ptp.c.release_id, ncci_ptp.c.column1, ncci_ptp.c.column2)
Index("ix_ptp_col2", ncci_ptp.c.release_id, ncci_ptp.c.column2)

ncci_mue = Table(
    "ncci_mue",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(8), nullable=False),
    Column("mue_value", Integer, nullable=False),
    Column("mai", String(1), nullable=False),  # MUE adjudication indicator 1, 2 or 3
    Column("rationale", Text, nullable=True),
)
Index("ix_mue_code", ncci_mue.c.release_id, ncci_mue.c.code)

# Medicare Code Editor edits (age and sex conflicts, manifestation as principal, ...).
mce_edits = Table(
    "mce_edits",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column(
        "edit_type", String(48), nullable=False
    ),  # e.g. Newborn_Only, Female_Only, Principal_Manifestation
    Column("code_type", String(1), nullable=False),  # D diagnosis, P procedure
    Column("code", String(16), nullable=False),  # with the dot for diagnoses
    Column("description", Text, nullable=True),
)
Index("ix_mce_code", mce_edits.c.release_id, mce_edits.c.code)

# Medicare Code Editor tables with dates (v43.1 and later): one row per ICD-10-CM code and date range in
# which it was valid, with the MCE flags of that range ("adult|qadm"). They give code validity on any date
# since 2015-10-01 and the age/sex/maternity/newborn/manifestation edits in force on a date of service.
mce_dx = Table(
    "mce_dx",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(16), nullable=False),  # with the dot
    Column("code_nodot", String(16), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=True),  # None: still valid
    Column("flags", Text, nullable=False),  # MCE flag names joined by "|", "" when none
)
Index("ix_mce_dx_code", mce_dx.c.release_id, mce_dx.c.code_nodot)

mce_age_ranges = Table(
    "mce_age_ranges",
    reference_metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column("age_group", String(16), nullable=False),  # Adult | Maternity | Newborn | Pediatric
    Column("start_age", Integer, nullable=False),
    Column("end_age", Integer, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=True),
)
