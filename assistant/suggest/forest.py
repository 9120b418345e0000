"""Every tree of the learned ranker as one node table, evaluated for all rows and trees at once.

Built once from the artifact's trees (ranker.py). A leaf points to itself, so a row that reached its leaf
stays there and no step needs to ask which nodes are leaves; the trees are ordered deepest first, so step
``s`` only moves the trees deeper than ``s`` (a column slice). The leaf values are put back in the
artifact's tree order before they are summed, so the sum (and every probability) is bit for bit the one a
tree-by-tree walk gives.

Serving walks the trees in onnxruntime instead (forest_onnx.py): one ``TreeEnsemble`` node, one output
column a tree, the same ``x <= threshold`` in float64 and the same leaf values, so the leaves (and the numpy
sum over them) are the numpy walk's; where onnx or onnxruntime cannot load, the numpy walk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.suggest import forest_onnx


class TreeArrays(Protocol):
    """One tree's node arrays (ranker.Tree)."""

    @property
    def feature(self) -> np.ndarray: ...

    @property
    def threshold(self) -> np.ndarray: ...

    @property
    def left(self) -> np.ndarray: ...

    @property
    def right(self) -> np.ndarray: ...

    @property
    def leaf(self) -> np.ndarray: ...

    @property
    def value(self) -> np.ndarray: ...


@dataclass(frozen=True)
class Forest:
    roots: np.ndarray  # each tree's root node, deepest tree first
    feature: np.ndarray  # per node (0 at leaves)
    threshold: np.ndarray  # per node: a row goes left when x[feature] <= threshold
    children: np.ndarray  # per node: [2 * node] right child, [2 * node + 1] left child (a leaf: itself)
    value: np.ndarray  # per node: the leaf value
    active: tuple[int, ...]  # step s moves the first active[s] trees (those deeper than s)
    unsort: np.ndarray  # column order that puts the trees back in the artifact's order
    compiled: forest_onnx.CompiledTrees | None = None  # the trees in onnxruntime; None: the numpy walk

    @classmethod
    def from_trees(cls, trees: Sequence[TreeArrays]) -> Forest:
        depths = [_depth(t) for t in trees]
        order = sorted(range(len(trees)), key=lambda i: -depths[i])
        sizes = [len(trees[i].leaf) for i in order]
        offsets = np.cumsum([0, *sizes[:-1]]).astype(np.int64)
        feature, threshold, children, value = [], [], [], []
        for i, offset in zip(order, offsets.tolist(), strict=True):
            t = trees[i]
            leaf = np.asarray(t.leaf, dtype=bool)
            own = np.arange(len(leaf), dtype=np.int64) + offset
            pair = np.empty(2 * len(leaf), dtype=np.int64)
            pair[0::2] = np.where(leaf, own, np.asarray(t.right, dtype=np.int64) + offset)
            pair[1::2] = np.where(leaf, own, np.asarray(t.left, dtype=np.int64) + offset)
            feature.append(np.where(leaf, 0, np.asarray(t.feature, dtype=np.int64)))
            threshold.append(np.asarray(t.threshold, dtype=np.float64))
            children.append(pair)
            value.append(np.asarray(t.value, dtype=np.float64))
        deepest = max(depths, default=0)
        active = tuple(sum(d > s for d in depths) for s in range(deepest))
        return cls(
            roots=offsets,
            feature=np.concatenate(feature) if trees else np.zeros(0, np.int64),
            threshold=np.concatenate(threshold) if trees else np.zeros(0),
            children=np.concatenate(children) if trees else np.zeros(0, np.int64),
            value=np.concatenate(value) if trees else np.zeros(0),
            active=active,
            unsort=np.argsort(np.asarray(order, dtype=np.int64)),
            compiled=forest_onnx.compile_trees(trees) if trees else None,
        )

    def leaf_values(self, x: np.ndarray) -> np.ndarray:
        """(rows, trees): each tree's leaf value for each row, trees in the artifact's order, C-contiguous
        (numpy sums a contiguous row pairwise: the same sum as the tree-by-tree stack gives)."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        if self.compiled is not None and len(x):
            return self.compiled.leaf_values(x)
        return self.numpy_leaf_values(x)

    def numpy_leaf_values(self, x: np.ndarray) -> np.ndarray:
        """The leaf values from the node table's numpy walk (every row and tree at once)."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        flat = x.ravel()
        base = (np.arange(len(x), dtype=np.int64) * x.shape[1])[:, None]
        node = np.tile(self.roots, (len(x), 1))
        for k in self.active:
            cur = node[:, :k]
            go_left = flat[base + self.feature[cur]] <= self.threshold[cur]
            node[:, :k] = self.children[2 * cur + go_left]
        return np.ascontiguousarray(self.value[node[:, self.unsort]])


def _depth(tree: TreeArrays) -> int:
    """The number of steps from the root to the deepest leaf (read from the node table itself)."""
    leaf = np.asarray(tree.leaf, dtype=bool)
    depth, level = 0, [0]
    while True:
        inner = [n for n in level if not leaf[n]]
        if not inner:
            return depth
        level = [int(c) for n in inner for c in (tree.left[n], tree.right[n])]
        depth += 1
