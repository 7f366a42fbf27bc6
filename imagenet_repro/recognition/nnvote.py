"""NN-voting (Torralba et al. [24], the paper's experiments 1 and 2 of Sec 4.1).

"Given a query image, we retrieve 100 of the nearest neighbor images by SSD pixel distance
from the mammal subtree. Then we perform classification by aggregating votes (number of
nearest neighbors) inside the tree of the target category." Images are 32x32 tiny images
normalised to zero mean and unit norm (``features.tiny_vectors``); the SSD of such vectors is
what ``features.knn`` computes. The score of a target for a query is the number of its k
neighbours whose label (the synset the image was collected for) is the target or one of its
descendants.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import paper
from ..errors import UserError
from ..features import knn, tiny_vectors


def subtree_matrix(hierarchy: Any, targets: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """(targets, classes) bool: class c lies in the subtree of target t (t itself included)."""
    col = {w: j for j, w in enumerate(classes)}
    m = np.zeros((len(targets), len(classes)), bool)
    for i, t in enumerate(targets):
        for d in hierarchy.descendants(t):
            j = col.get(d)
            if j is not None:
                m[i, j] = True
    return m


def subtree_votes(neighbour_labels: np.ndarray, subtree: np.ndarray) -> np.ndarray:
    """(queries, targets) int32: how many of each query's neighbours (class indices, (n, k))
    fall in each target's subtree."""
    lab = np.asarray(neighbour_labels, np.int64)
    n, C = len(lab), subtree.shape[1]
    if lab.size and (lab.min() < 0 or lab.max() >= C):
        raise UserError(f"neighbour labels must be class indices in 0..{C - 1}")
    counts = np.bincount((np.arange(n)[:, None] * C + lab).ravel(), minlength=n * C).reshape(n, C)
    return (counts @ subtree.T.astype(np.int64)).astype(np.int32)


BASE_ROWS = 200_000  # tiny images made into float32 vectors this many at a time


def nn_voting(queries: np.ndarray, base: np.ndarray, base_labels: np.ndarray, subtree: np.ndarray,
              k: int = paper.NN_NEIGHBOURS, progress: bool = False) -> np.ndarray:
    """NN-voting scores (queries, targets): votes among the k nearest base rows (SSD).

    ``queries`` and ``base`` are vectors, or stacks of uint8 tiny images (n, s, s, 3), which
    become normalised vectors (``tiny_vectors``) block by block, so a large base never sits in
    memory as float32."""
    base_labels = np.asarray(base_labels, np.int64)
    if len(base_labels) != len(base):
        raise UserError(f"{len(base)} base vectors but {len(base_labels)} labels")
    if np.asarray(queries).ndim == 4:
        queries = tiny_vectors(queries)
    transform = tiny_vectors if np.asarray(base[:1]).ndim == 4 else None
    nb = knn(queries, base, k, progress=progress, desc="NN-voting", base_rows=BASE_ROWS, transform=transform)
    return subtree_votes(base_labels[nb.indices], subtree)
