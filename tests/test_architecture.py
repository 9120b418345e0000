"""The layer rules of docs/architecture.md, checked on the source: import-linter contracts, imports at the
top of modules, SQL only in repositories, services that return schemas (not dicts), and the denials rules
registered with the claims scrubber."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from assistant.config import PROJECT_ROOT

PACKAGES = ("assistant", "web", "evals")
SQL_BUILDERS = {"select", "text", "insert", "update", "delete"}

# Function-level imports of project modules still to be moved, by area owner (issue 15; the lead removes
# each entry once that area's branch is merged). Not a place for new code.
FUNCTION_IMPORTS_PENDING: dict[str, str] = {}
# Documented lazy loads: the container builds the suggestion engine (faiss, the model) on first use only.
FUNCTION_IMPORTS_ALLOWED: dict[str, str] = {}  # none left: every project import is at the top

# Where SQL may be built: repositories, migrations and the database plumbing.
SQL_HOMES = (
    "/repository.py",
    "/cms_repository.py",
    "/loader_repository.py",
    "/repositories/",
    "assistant/migrations/",
    "assistant/core/db.py",
)
# Queries still outside repositories, by area owner (issue 15; removed after the merge).
SQL_PENDING: dict[str, str] = {}

# Modules that are not services: the other roles of a domain, and the layers below and above the domains.
NOT_SERVICES = (
    "/models.py",
    "/schemas.py",
    "/cli.py",
    "_cli.py",
    "assistant/cli/",
    "assistant/app/",
    "assistant/core/",
    "assistant/config.py",
    "assistant/codesets/loaders/",  # a loader's contract: ``load(ctx) -> dict[str, int]`` (rows by table)
    *SQL_HOMES,
)
# Public functions of service modules that return a dict and may: not rows of a result, but a mapping
# that is the thing itself. "path::function": why.
DICT_RETURNS_ALLOWED: dict[str, str] = {
    "assistant/billing/aging.py::empty": "an aging row's zeroed buckets (bucket label -> cents)",
    "assistant/billing/service.py::item_links": "the keyword arguments of post_entry that tie it to an item",
    "assistant/claims/cms1500.py::cms1500_boxes": "the CMS-1500 form itself, by box number (1a, 24J)",
    "assistant/claims/form.py::build_document": "the document and its fee schedule's charges (line -> cents)",
    "assistant/claims/scrubber/base.py::lines_by_date": "a claim's lines grouped by date, for the rules",
    "assistant/claims/service.py::diagnosis_titles": "a lookup: code -> title",
    "assistant/denials/corrected_claim.py::apply_actions": "a claim import document (JSON), validated",
    "assistant/remit/secondary.py::build_secondary_document": "a claim import document (JSON), validated",
    "assistant/parties/forms.py::nest": "an HTML form's flat fields nested into a schema's input",
    "assistant/parties/forms.py::flat": "a schema's input flattened into an HTML form's fields",
    "assistant/suggest/abbreviations.py::table": "a lookup: abbreviation -> its meanings",
    "assistant/suggest/rules.py::side_variants": "a lookup: side -> the code's sibling on that side",
    "assistant/suggest/overlap.py::embed_and_search": "vectors and a lookup: query -> dense hits",
    "assistant/suggest/overlap.py::dense_meanwhile": "vectors and a lookup: query -> dense hits",
    "assistant/suggest/abbreviations.py::default_expansions": "a lookup: abbreviation -> expansion",
    "assistant/suggest/qualifiers.py::rerank": "the reranked candidates and the words behind each rerank",
    "assistant/suggest/rules.py::official_notes": "a lookup: note kind -> the code's notes",
    "assistant/suggest/corpus.py::encounter_representatives": "a lookup: code -> whose vector it shares",
    "assistant/suggest/hcpcs_drugs.py::drug_codes": "a lookup: drug name -> its J-codes",
    "assistant/suggest/coding_rules/receptor_status.py::stated_receptors": "a lookup: receptor -> sign, span",
}


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            yield path.relative_to(PROJECT_ROOT).as_posix(), ast.parse(path.read_text(), filename=str(path))


def _is_project(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in PACKAGES  # type: ignore[union-attr]


def _function_imports(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and _is_project(node.module):
                found.append((node.lineno, str(node.module)))
            elif isinstance(node, ast.Import):
                found += [(node.lineno, a.name) for a in node.names if _is_project(a.name)]
    return found


def _sql_calls(tree: ast.Module) -> list[int]:
    """Lines calling sqlalchemy's select/text/insert/update/delete (imported by name or via the module)."""
    names: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            names |= {a.asname or a.name for a in node.names if a.name in SQL_BUILDERS}
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy"}
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        if (isinstance(fn, ast.Name) and fn.id in names) or (
            isinstance(fn, ast.Attribute)
            and fn.attr in SQL_BUILDERS
            and isinstance(fn.value, ast.Name)
            and fn.value.id in modules
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_import_contracts_hold() -> None:
    """pyproject.toml's import-linter contracts (also run by `make lint`)."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_project_imports_are_at_module_top() -> None:
    offenders = [
        f"{rel}:{line} imports {module} inside a function"
        for rel, tree in _sources()
        if not rel.startswith(tuple(FUNCTION_IMPORTS_PENDING)) and rel not in FUNCTION_IMPORTS_ALLOWED
        for line, module in _function_imports(tree)
    ]
    assert offenders == [], "\n".join(offenders)


def test_sql_is_built_only_in_repositories() -> None:
    offenders = [
        f"{rel}:{line} builds SQL outside a repository"
        for rel, tree in _sources()
        if not any(home in f"/{rel}" for home in SQL_HOMES) and rel not in SQL_PENDING
        for line in _sql_calls(tree)
    ]
    assert offenders == [], "\n".join(offenders)


def _returns_dicts(annotation: ast.expr | None) -> bool:
    """A dict (of anything but schemas), or a list/tuple/union holding one: what a service must not return."""
    if isinstance(annotation, ast.Name):
        return annotation.id in ("dict", "Dict")
    if isinstance(annotation, ast.BinOp):
        return _returns_dicts(annotation.left) or _returns_dicts(annotation.right)
    if not isinstance(annotation, ast.Subscript):
        return False
    base = ast.unparse(annotation.value).split(".")[-1]
    args = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
    if base in ("dict", "Dict", "Mapping"):
        value = args[-1]  # a dict of schemas (release -> ReleaseInfo) is a schema's answer
        return not (isinstance(value, ast.Name) and value.id[:1].isupper() and value.id != "Any")
    return base in ("list", "List", "Sequence", "tuple", "Iterator", "Iterable") and any(
        _returns_dicts(a) for a in args
    )


def _dict_returns(tree: ast.Module) -> list[str]:
    """The module's public functions whose return annotation is a dict (or holds one)."""
    return [
        fn.name
        for fn in tree.body
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
        and not fn.name.startswith("_")
        and _returns_dicts(fn.returns)
    ]


def test_services_return_schemas_not_dicts() -> None:
    offenders = [
        f"{rel}::{name} returns a dict: return a pydantic schema (the domain's schemas.py)"
        for rel, tree in _sources()
        if rel.startswith("assistant/") and not any(part in f"/{rel}" for part in NOT_SERVICES)
        for name in _dict_returns(tree)
        if f"{rel}::{name}" not in DICT_RETURNS_ALLOWED
    ]
    assert offenders == [], "\n".join(offenders)


def test_the_checks_see_what_they_forbid() -> None:
    """The two source checks find a function-level import and a query (they are not vacuous)."""
    tree = ast.parse(
        "from sqlalchemy import select as s\nimport sqlalchemy as sa\n"
        "def f():\n    from assistant.claims import service\n    return s(1), sa.text('x'), sa.delete(t)\n"
    )
    assert _function_imports(tree) == [(4, "assistant.claims")]
    assert _sql_calls(tree) == [5, 5, 5]
    service = ast.parse(
        "def rows() -> list[dict[str, Any]]: ...\ndef one() -> dict[str, Any] | None: ...\n"
        "def pair() -> tuple[Claim, dict]: ...\ndef by_id() -> dict[str, ReleaseInfo]: ...\n"
        "def schema() -> RevenueReport: ...\ndef _private() -> dict[str, int]: ...\n"
    )
    assert _dict_returns(service) == ["rows", "one", "pair"]


def test_allow_lists_name_files_that_exist() -> None:
    for entry in [*FUNCTION_IMPORTS_PENDING, *FUNCTION_IMPORTS_ALLOWED, *SQL_PENDING]:
        assert (PROJECT_ROOT / entry).exists(), f"stale allow-list entry {entry}"
    trees = dict(_sources())
    for entry in DICT_RETURNS_ALLOWED:
        path, name = entry.split("::")
        assert path in trees and name in _dict_returns(trees[path]), f"stale allow-list entry {entry}"


def test_cli_and_app_register_the_denials_local_rules() -> None:
    """claims never imports denials: the surfaces import every domain, which registers its rules."""
    code = (
        "import {mod}\n"
        "from assistant.claims.scrubber.registry import session_rule_sources\n"
        "from assistant.denials.rules import local_rules\n"
        "assert local_rules in session_rule_sources()\n"
    )
    for mod in ("assistant.cli.main", "web.app"):
        result = subprocess.run(
            [sys.executable, "-c", code.format(mod=mod)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, f"{mod}: {result.stderr[-2000:]}"
