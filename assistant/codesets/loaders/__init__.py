"""Registry of code-set loaders, keyed by a manifest's ``loader`` (or ``system``) field.

To add a loader: write ``def load(ctx: LoadContext) -> dict[str, int]`` in a module of this package and
add one line to ``LOADERS`` below. See ``base.py`` for the manifest format and ``LoadContext``.
"""

from __future__ import annotations

from assistant.codesets.loaders import (
    adjustments,
    cpt,
    hcpcs,
    icd10cm,
    icd10cm_addenda,
    index_terms,
    mce,
    modifiers,
    ncci,
    pos,
)
from assistant.codesets.loaders.base import CorruptRelease, LoadContext, Loader, load_release

LOADERS: dict[str, Loader] = {
    "ICD-10-CM": icd10cm.load,
    "ICD-10-CM-ADDENDA": icd10cm_addenda.load,  # a release derived from a base + next year's addenda
    "ICD-10-CM-INDEX": index_terms.load,
    # CMS code sets (assistant/codesets/loaders/{hcpcs,modifiers,pos,mce,ncci,cpt,adjustments}.py)
    "HCPCS": hcpcs.load,
    "HCPCS-MODIFIER": modifiers.load_hcpcs_modifiers,
    "CPT-MODIFIER": modifiers.load_cpt_modifiers,
    "CPT": cpt.load,
    "POS": pos.load,
    "MCE": mce.load,  # v37 tab-separated simple edits
    "MCE-TABLES": mce.load_tables,  # v43.1+ code/start/end/flags tables
    "NCCI-PTP": ncci.load_ptp,
    "NCCI-MUE": ncci.load_mue,
    "CARC": adjustments.load,
    "RARC": adjustments.load,
    "CAS-GROUP": adjustments.load,
}

__all__ = ["LOADERS", "CorruptRelease", "LoadContext", "Loader", "load_release"]
