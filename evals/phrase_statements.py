"""Training phrases for the learned phrase ranker, worded as diagnosis statements from ICD-10-CM's own Index.

The Alphabetic Index writes a path as main term, then subterms ("Cystitis, acute, of trigone, with
hematuria"); a diagnosis statement writes the same thing in English order ("acute cystitis of trigone with
hematuria"). ``statement`` rewords one path: the first spelling of each step (a step "femur, femoral" is
"femur"), nonessential modifiers in parentheses dropped, adjectives before the main term, sites after it as
"of ..." (the deepest first: "fracture of head of femur"), and a connecting step ("with", "due to",
"complicated by" ...) with everything below it after that, in order. "NEC" steps become "other ...".
A main term's own code (the Index's default, usually the unspecified code) is worded as the term alone or
with ", unspecified"; a leaf subterm's code as the reworded path.

``statement_queries`` lists (statement, code) pairs from the Index rows (source "main", no "see", no table
cell, a code of the catalog; a statement that maps to more than one code is left out). No evaluation text is
read: these are the code set's own synonyms.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container, Iterable, Mapping
from typing import Any

_PAREN = re.compile(r"\s*\([^)]*\)")
_CONNECTOR = re.compile(
    r"^(?:with|without|of|in|on|at|to|by|from|for|due to|following|after|during|complicat\w*|"
    r"involving|affecting|associated|resulting|causing|caused|except|not|as|into|through|under|"
    r"in relation to|related to|secondary to|presence of|history of)\b",
    re.IGNORECASE,
)
_SIDE = re.compile(r"^(?:left|right|bilateral|unilateral)$", re.IGNORECASE)
_ADJECTIVE = re.compile(
    r"^(?:acute|chronic|subacute|recurrent|primary|secondary|congenital|acquired|benign|malignant|"
    r"traumatic|nontraumatic|open|closed|partial|complete|total|mild|moderate|severe|simple|"
    r"multiple|single|upper|lower|early|late|old|new|minor|major|"
    r"deep|superficial|juvenile|adult|senile|neonatal|infantile|drug-induced|[a-z-]+"
    r"(?:al|ic|ous|ary|ive|ed|ar|ile|oid|ent|ant|ing|ful|less|like|tic|ial|ual|ile))$",
    re.IGNORECASE,
)


def _h(text: str, salt: str = "") -> int:
    return int(hashlib.sha1((salt + text).encode()).hexdigest(), 16)


def _first_spelling(step: str) -> str:
    step = _PAREN.sub("", step).strip()
    return step.split(", ")[0].strip()


def statement(steps: list[str]) -> str:
    """The diagnosis statement of an Index path given as its steps (main term first, see the module)."""
    main = _first_spelling(steps[0])
    before: list[str] = []
    sites: list[str] = []
    after: list[str] = []
    side: list[str] = []
    other = False
    connected = False
    for raw in steps[1:]:
        step = _first_spelling(raw)
        if not step:
            continue
        if re.search(r"\bNEC\b", step):
            other = True
            step = re.sub(r"\s*\bNEC\b", "", step).strip()
            step = re.sub(r"^specified\b\s*", "", step).strip()
            if not step:
                continue
        if _SIDE.match(step):
            side.append(step.lower())
        elif connected or _CONNECTOR.match(step):
            connected = True
            after.append(step)
        elif " " not in step and _ADJECTIVE.match(step):
            before.append(step.lower())
        elif " " not in step and _h(step) % 2:
            before.append(step.lower())  # a noun modifier before the term ("rubella encephalitis")
        else:
            sites.append(step)
    head = " ".join([*before, main.lower() if before else main])
    words = [head, *[f"of {s}" for s in reversed(sites)], *after]
    text = " ".join(words) + "".join(f", {s}" for s in side)
    if other:
        text = f"other {text[0].lower()}{text[1:]}" if not text.lower().startswith("other") else text
    text = re.sub(r"\s+", " ", text).strip()
    return text[0].upper() + text[1:] if text else text


def statement_queries(
    rows: Iterable[Mapping[str, Any]], catalog: Container[str], limit: int, salt: str = "phrase-ranker:"
) -> list[tuple[str, str, str]]:
    """(statement, code, Index path) from the Index rows in document order (see the module), ``limit`` of
    them in hash order; ``catalog`` holds the codes that count."""
    stack: list[str] = []  # the steps above the current row
    paths: list[str] = []  # their full paths
    codes_of: dict[str, set[str]] = {}
    text_of: dict[str, tuple[str, str]] = {}
    rows = list(rows)
    for i, row in enumerate(rows):
        if row["source"] != "main":
            continue
        level = int(row["level"])
        path = str(row["path"])
        del stack[level:], paths[level:]
        if level == 0:
            step = str(row["main_term"]) if "main_term" in row else path
        else:
            parent = paths[level - 1] if len(paths) >= level else ""
            step = path[len(parent) + 2 :] if parent and path.startswith(parent + ", ") else path
        stack.append(step)
        paths.append(path)
        code = (row["code"] or "").rstrip("-").rstrip(".")
        if len(stack) != level + 1 or row["column"] or row["see"] or not code or code not in catalog:
            continue
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        leaf = nxt is None or int(nxt["level"]) <= level
        text = statement(stack)
        if level == 0:
            text = f"{text}, unspecified" if _h(path, salt) % 2 else text
        elif not leaf and _h(path, salt) % 3 == 0:
            text = f"{text}, unspecified"
        key = " ".join(text.lower().split())
        codes_of.setdefault(key, set()).add(code)
        text_of.setdefault(key, (text, path))
    out = [(text_of[k][0], next(iter(v)), text_of[k][1]) for k, v in codes_of.items() if len(v) == 1]
    out.sort(key=lambda p: _h(p[0], salt))
    return out[:limit]
