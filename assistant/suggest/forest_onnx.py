"""The learned ranker's trees compiled for onnxruntime: one ``TreeEnsemble`` node (ai.onnx.ml opset 5).

Each tree is its own target, so the node's output holds one column a tree, in the artifact's order, with
that tree's leaf value for each row (a target summed over its one tree is that tree's leaf value). The splits
are ``x <= threshold`` in float64 and a missing value (NaN) goes to the false branch: the numpy walk's
``NaN <= threshold`` (forest.py). The caller sums the columns itself, so the sum is the one it always took.
A tree that is a single leaf gets a split whose two branches are that leaf.

Measured on the bench notes (~900 rows x 150 trees a call): 6.6 ms a note, against 18 ms for
scikit-learn's compiled walk one tree at a time and 22 ms for the numpy walk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

try:  # both are serving dependencies (the embedder's runtime); without them forest.py walks in numpy
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper
except ImportError:  # pragma: no cover - exercised where onnx or onnxruntime is missing
    ort = None

if TYPE_CHECKING:
    from assistant.suggest.forest import TreeArrays

BRANCH_LEQ = 0  # TreeEnsemble's nodes_modes value for "x <= split: true branch"
ML_OPSET = 5  # the first ai.onnx.ml opset with TreeEnsemble (float64 splits and leaf weights)


class _Nodes:
    """The TreeEnsemble attributes of the trees added so far (interior nodes and leaves numbered apart)."""

    def __init__(self) -> None:
        self.roots: list[int] = []
        self.feature: list[int] = []
        self.split: list[float] = []
        self.true_id: list[int] = []
        self.true_leaf: list[int] = []
        self.false_id: list[int] = []
        self.false_leaf: list[int] = []
        self.leaf_target: list[int] = []
        self.leaf_weight: list[float] = []

    def add(self, tree: TreeArrays, target: int) -> None:
        leaf = np.asarray(tree.leaf, dtype=bool)
        inner = np.flatnonzero(~leaf).tolist()
        leaves = np.flatnonzero(leaf).tolist()
        leaf_id = {n: len(self.leaf_target) + k for k, n in enumerate(leaves)}
        inner_id = {n: len(self.feature) + k for k, n in enumerate(inner)}
        self.leaf_target += [target] * len(leaves)
        self.leaf_weight += np.asarray(tree.value, dtype=np.float64)[leaves].tolist()
        if not inner:  # a single leaf: both branches of one split lead to it
            self.roots.append(len(self.feature))
            self._split(0, 0.0, (1, leaf_id[0]), (1, leaf_id[0]))
            return
        self.roots.append(inner_id[0])

        def branch(node: int) -> tuple[int, int]:
            return (1, leaf_id[node]) if leaf[node] else (0, inner_id[node])

        for n in inner:
            self._split(
                int(tree.feature[n]),
                float(tree.threshold[n]),
                branch(int(tree.left[n])),
                branch(int(tree.right[n])),
            )

    def _split(self, feature: int, split: float, true: tuple[int, int], false: tuple[int, int]) -> None:
        self.feature.append(feature)
        self.split.append(split)
        self.true_leaf.append(true[0])
        self.true_id.append(true[1])
        self.false_leaf.append(false[0])
        self.false_id.append(false[1])


def compile_trees(trees: Sequence[TreeArrays]) -> CompiledTrees | None:
    """The trees as one onnxruntime session giving each tree's leaf value (rows, trees); None without
    onnxruntime."""
    if ort is None or not trees:
        return None
    nodes = _Nodes()
    for target, tree in enumerate(trees):
        nodes.add(tree, target)
    ensemble = helper.make_node(
        "TreeEnsemble",
        ["x"],
        ["leaves"],
        domain="ai.onnx.ml",
        n_targets=len(trees),
        aggregate_function=1,  # SUM, over the one tree of each target
        post_transform=0,
        tree_roots=nodes.roots,
        nodes_featureids=nodes.feature,
        nodes_modes=numpy_helper.from_array(np.full(len(nodes.feature), BRANCH_LEQ, dtype=np.uint8)),
        nodes_splits=numpy_helper.from_array(np.asarray(nodes.split, dtype=np.float64)),
        nodes_truenodeids=nodes.true_id,
        nodes_trueleafs=nodes.true_leaf,
        nodes_falsenodeids=nodes.false_id,
        nodes_falseleafs=nodes.false_leaf,
        leaf_targetids=nodes.leaf_target,
        leaf_weights=numpy_helper.from_array(np.asarray(nodes.leaf_weight, dtype=np.float64)),
    )
    graph = helper.make_graph(
        [ensemble],
        "ranker_trees",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, None])],
        [helper.make_tensor_value_info("leaves", TensorProto.DOUBLE, [None, len(trees)])],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("ai.onnx.ml", ML_OPSET)]
    )
    return CompiledTrees(model.SerializeToString())


class CompiledTrees:
    """The trees' onnxruntime session; copied and pickled as its model's bytes (a session cannot be), the
    copy opening its own session."""

    def __init__(self, model: bytes) -> None:
        self._open(model)

    def __getstate__(self) -> bytes:
        return self.model

    def __setstate__(self, model: bytes) -> None:
        self._open(model)

    def _open(self, model: bytes) -> None:
        self.model = model
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # a note's ~1,000 rows: threads would only wait on each other
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def leaf_values(self, x: np.ndarray) -> np.ndarray:
        """(rows, trees): each tree's leaf value for each row of ``x``, C-contiguous float64."""
        out = self.session.run(None, {"x": np.ascontiguousarray(x, dtype=np.float64)})[0]
        return np.ascontiguousarray(out, dtype=np.float64)
