"""Hypothesis strategies that damage valid inputs: X12 interchanges (segment- and element-level edits)
and JSON documents (a value replaced, a key dropped or added, a type changed)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

# Values that break parsers: numbers out of range, dates that are not dates, delimiters, odd text.
NASTY_TEXT = [
    "",
    " ",
    "0",
    "-0",
    "1E+400",
    "NaN",
    "Infinity",
    "99999999999999999999",
    "-2147483649",
    "21474836.48",
    "1.005",
    "00000000",
    "20261340",
    "2026-01-01",
    "ABC",
    "*",
    "~",
    ":",
    "^",
    "\x00",
    "\u00e9\u4e2d\U0001f600",
    "A" * 300,
    "\r\n",
]

x12_text = st.one_of(
    st.sampled_from(NASTY_TEXT), st.text(max_size=40), st.from_regex(r"[0-9.\-]{1,22}", fullmatch=True)
)


def _segments(data: bytes) -> tuple[list[bytes], bytes]:
    sep = b"~"
    parts = [p for p in data.split(sep)]
    return parts, sep


@st.composite
def mutated_x12(draw: st.DrawFn, original: bytes) -> bytes:
    """One to four random edits of a valid interchange; the ISA header is kept most of the time so
    the edits reach the transaction parser instead of stopping at the envelope."""
    parts, sep = _segments(original)
    for _ in range(draw(st.integers(1, 4))):
        if not parts:
            break
        lo = 1 if draw(st.booleans()) or len(parts) < 3 else 0
        i = draw(st.integers(lo, len(parts) - 1))
        op = draw(st.sampled_from(["drop", "dup", "element", "truncate", "swap", "insert", "bytes"]))
        if op == "drop":
            del parts[i]
        elif op == "dup":
            parts.insert(i, parts[i])
        elif op == "element":
            elements = parts[i].split(b"*")
            j = draw(st.integers(0, max(len(elements) - 1, 0)))
            elements[j] = draw(x12_text).encode("utf-8", "surrogatepass")
            parts[i] = b"*".join(elements)
        elif op == "truncate":
            cut = draw(st.integers(0, len(parts[i])))
            parts[i] = parts[i][:cut]
        elif op == "swap" and len(parts) > 2:
            j = draw(st.integers(lo, len(parts) - 1))
            parts[i], parts[j] = parts[j], parts[i]
        elif op == "insert":
            seg_id = draw(
                st.sampled_from([b"CLP", b"SVC", b"CAS", b"PLB", b"LX", b"ST", b"SE", b"BPR", b"NM1", b"DTM"])
            )
            fields = draw(st.lists(x12_text, max_size=8))
            parts.insert(i, b"*".join([seg_id, *(f.encode("utf-8", "surrogatepass") for f in fields)]))
        else:
            junk = draw(st.binary(min_size=1, max_size=12))
            pos = draw(st.integers(0, len(parts[i])))
            parts[i] = parts[i][:pos] + junk + parts[i][pos:]
    return sep.join(parts)


def _json_strategy(*, non_finite: bool) -> st.SearchStrategy[Any]:
    """Nested JSON values: scalars (nasty text, huge integers, floats) in lists and objects."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=non_finite, allow_infinity=non_finite),
        st.sampled_from(NASTY_TEXT),
        st.text(max_size=30),
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=12,
    )


json_values = _json_strategy(non_finite=True)
# The same without NaN and the infinities (what strict JSON allows).
finite_json_values = _json_strategy(non_finite=False)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return doc


def _drop(doc: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return doc
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return doc


@st.composite
def mutated_json(draw: st.DrawFn, original: Any) -> Any:
    """A deep copy of ``original`` with one to three values replaced, dropped or given extra keys."""
    doc = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        if op == "replace":
            doc = _set(doc, path, draw(json_values))
        elif op == "drop" and path:
            doc = _drop(doc, path)
        else:
            target = doc
            for key in path:
                target = target[key]
            if isinstance(target, dict):
                target[draw(st.text(max_size=12))] = draw(json_values)
            elif isinstance(target, list):
                target.append(draw(json_values))
    return doc


plausible_value = st.one_of(
    st.from_regex(r"-?[0-9]{1,9}(\.[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"20[0-9]{2}[01][0-9][0-3][0-9]", fullmatch=True),
    st.from_regex(r"[A-Z0-9]{1,6}", fullmatch=True),
    st.sampled_from(["", "0", "1", "4", "19", "22", "CO", "PR", "OA", "45", "1E+8", "99999999.99"]),
)


@st.composite
def revalued_x12(draw: st.DrawFn, original: bytes) -> bytes:
    """Only element values change (amounts, dates, codes), so most files still parse and reach posting."""
    parts = original.split(b"~")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(3, len(parts) - 4))  # inside the transaction, past ISA/GS/ST
        elements = parts[i].split(b"*")
        if len(elements) < 2:
            continue
        j = draw(st.integers(1, len(elements) - 1))
        elements[j] = draw(plausible_value).encode()
        parts[i] = b"*".join(elements)
    return b"~".join(parts)
