"""Code browser: search as you type, the chapter › block › category tree, code detail and comparisons.

Every page has a JSON twin under /api/codes fed by the same repository calls.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from assistant.chat.facts import code_facts, compare
from assistant.codesets import service as codesets
from assistant.core.errors import InvalidInput, NoReleaseForDate, NotReady
from assistant.suggest.code_search import parse_on, release_label, search_codes
from assistant.suggest.text import expand_abbreviations
from web.deps import ContainerDep, ReferenceDep
from web.routers.pages_common import respond
from web.security_deps import require

router = APIRouter(tags=["codes"], dependencies=[require("codes:read")])
SYSTEMS = ("ICD-10-CM", "HCPCS", "CPT", "HCPCS-MODIFIER", "CPT-MODIFIER", "POS", "CARC", "RARC")


def _system(system: str | None) -> str:
    s = (system or "ICD-10-CM").strip().upper()
    if s not in SYSTEMS:
        raise InvalidInput(
            f"unknown code system {system!r}", field="system", fix=f"use one of {', '.join(SYSTEMS)}"
        )
    return s


def chapters(reference: Any) -> list[Any]:
    getter = getattr(reference, "chapters", None)
    if getter is not None:
        return list(getter())
    out = []
    for n in range(1, 23):
        info = reference.find_code(str(n), "ICD-10-CM")
        if info is not None:
            out.append(info)
    return out


def search_data(
    reference: Any, q: str, system: str | None, walker: Any = None, on: str | None = None
) -> dict[str, Any]:
    q = (q or "").strip()
    day = parse_on(on)
    name = _system(system) if system else None
    hits = search_codes(
        reference, q, system=name, limit=25, on=day, walker=walker, expander=expand_abbreviations
    )
    return {
        "q": q,
        "system": system or "",
        "on": day,
        "release": release_label(reference, name, day),
        "hits": hits,
    }


def _walker(container: Any) -> Any:
    try:
        return container.index_walker
    except (NotReady, NoReleaseForDate):  # no Alphabetic Index loaded: the text search still answers
        return None


@router.get("/codes")
@router.get("/api/codes")
@router.get("/codes/search")
@router.get("/api/codes/search")
def browser(
    request: Request,
    reference: ReferenceDep,
    container: ContainerDep,
    q: str = "",
    system: str = "",
    on: str = "",
) -> Response:
    data = {
        **search_data(reference, q, system, _walker(container) if q else None, on),
        "chapters": chapters(reference),
        "systems": SYSTEMS,
    }
    return respond(request, "codes/index.html", data, block="results")


@router.get("/codes/compare")
@router.get("/api/codes/compare")
def compare_page(
    request: Request, reference: ReferenceDep, a: str = "", b: str = "", system: str = "ICD-10-CM"
) -> Response:
    if not a or not b:
        raise InvalidInput(
            "give two codes to compare", field="a" if not a else "b", fix="e.g. a=E11.9&b=E11.65"
        )
    cmp = compare(reference, a, b, _system(system))
    return respond(request, "codes/compare.html", {"comparison": cmp})


def cms_facts(reference: Any, code: str, system: str) -> dict[str, Any]:
    if system not in ("HCPCS", "CPT"):
        return {}
    out: dict[str, Any] = {"mue": None, "mce": []}
    try:
        out["mue"] = reference.mue(code)
    except Exception:  # noqa: BLE001 - NCCI not imported
        out["mue_missing"] = True
    return out


@router.get("/codes/{code}")
@router.get("/api/codes/{code}")
def detail(request: Request, code: str, reference: ReferenceDep, system: str = "ICD-10-CM") -> Response:
    system = _system(system)
    facts = code_facts(reference, code, system)
    mce = []
    if system == "ICD-10-CM":
        try:
            mce = reference.mce_edits(facts.info.code)
        except Exception:  # noqa: BLE001 - MCE absent
            mce = []
    data = {
        "facts": facts,
        "history": codesets.code_history(reference, facts.info.code, system),
        "cms": cms_facts(reference, facts.info.code, system),
        "mce": mce,
        "system": system,
    }
    return respond(request, "codes/detail.html", data)
