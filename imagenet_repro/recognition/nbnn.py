"""Naive-Bayes nearest neighbour (Boiman, Shechtman and Irani 2008 [5]; the paper's experiments
3 and 4 of Sec 4.1).

"Given a query image Q with descriptors {d_i}, for each object class C, we compute the
query-class distance D_C = sum_i ||d_i - d_i^C||^2, where d_i^C is the nearest neighbor of d_i
from all the image descriptors in class C. We order all classes by D_C and define the
classification score as the minimum rank of the target class and its subclasses."

Classes are the mammal synsets of the training set, each with the SIFT descriptors of its
(clean) images. Exact nearest neighbours by BLAS (``features.segment_min_distances``); to
keep the cost (query descriptors x class descriptors) inside the run's budget each class
keeps at most ``cap`` descriptors, a seeded uniform sample of its images' descriptors (the
same cap for every class, so no class wins ranks by size alone). NBNN-100 keeps at most
``max_images`` images per class before that. The score of a target is minus its minimum rank
(rank 1 = the nearest class), so higher is better as for NN-voting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UserError
from ..features import ImageFeatures, segment_min_distances
from ..rng import rng


@dataclass(frozen=True)
class ClassDescriptors:
    """Descriptors grouped by class: class c owns rows offsets[c]:offsets[c+1]; ``images``:
    training images used per class."""

    descriptors: np.ndarray
    offsets: np.ndarray
    images: np.ndarray

    @property
    def n_classes(self) -> int:
        return len(self.offsets) - 1

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)


def class_descriptors(features: ImageFeatures, row_image: np.ndarray, row_class: np.ndarray, n_classes: int,
                      cap: int | None, seed: int, max_images: int | None = None) -> ClassDescriptors:
    """The descriptors of each class's images (one row per (class, image) pair of the
    training set: an image collected for two synsets counts for both), at most
    ``max_images`` images (a seeded sample) and ``cap`` descriptors (a seeded sample) per class."""
    row_image, row_class = np.asarray(row_image, np.int64), np.asarray(row_class, np.int64)
    if len(row_image) != len(row_class):
        raise UserError("row_image and row_class must have the same length")
    order = np.argsort(row_class, kind="stable")
    bounds = np.searchsorted(row_class[order], np.arange(n_classes + 1))
    n_desc = features.n_descriptors
    parts, counts, used = [], np.zeros(n_classes, np.int64), np.zeros(n_classes, np.int64)
    for c in range(n_classes):  # one class at a time
        imgs = row_image[order[bounds[c]:bounds[c + 1]]]
        if max_images is not None and len(imgs) > max_images:
            imgs = imgs[np.sort(rng(seed, "nbnn-images", c).choice(len(imgs), max_images, replace=False))]
        used[c] = len(imgs)
        rows = np.repeat(features.offsets[imgs], n_desc[imgs]) + _ranges(n_desc[imgs])
        if cap is not None and len(rows) > cap:
            rows = rows[np.sort(rng(seed, "nbnn-cap", c).choice(len(rows), cap, replace=False))]
        parts.append(rows)
        counts[c] = len(rows)
    rows = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    return ClassDescriptors(features.descriptors[rows], np.r_[0, np.cumsum(counts)].astype(np.int64), used)


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """0..l-1 for each length, concatenated."""
    lengths = np.asarray(lengths, np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    return np.arange(total) - np.repeat(starts, lengths)


def query_class_distances(query: ImageFeatures, classes: ClassDescriptors, progress: bool = False) -> np.ndarray:
    """(query images, classes) float64: D_C = sum over the query's descriptors of the squared
    distance to the nearest descriptor of class C (+inf for a class without descriptors,
    NaN for a query without descriptors)."""
    d = segment_min_distances(query.descriptors, classes.descriptors, classes.offsets, progress=progress)
    n_q = len(query)
    out = np.full((n_q, classes.n_classes), np.nan)
    has = np.flatnonzero(query.n_descriptors > 0)
    if len(has):
        sums = np.add.reduceat(d.astype(np.float64), query.offsets[has], axis=0)
        out[has] = sums
    return out


def class_ranks(distances: np.ndarray) -> np.ndarray:
    """(queries, classes) int32 rank of each class by D_C (1 = nearest; ties to the lower
    class index); a query without descriptors ranks every class last."""
    D = np.asarray(distances, np.float64)
    n, C = D.shape
    ranks = np.empty((n, C), np.int32)
    order = np.argsort(np.nan_to_num(D, nan=np.inf), axis=1, kind="stable")
    np.put_along_axis(ranks, order, np.arange(1, C + 1, dtype=np.int32)[None, :].repeat(n, 0), axis=1)
    ranks[np.isnan(D).all(axis=1)] = C
    return ranks


def min_rank_scores(distances: np.ndarray, subtree: np.ndarray) -> np.ndarray:
    """(queries, targets): minus the minimum rank over the target and its subclasses."""
    ranks = class_ranks(distances)
    out = np.empty((len(ranks), len(subtree)), np.int32)
    for t in range(len(subtree)):
        cols = np.flatnonzero(subtree[t])
        if len(cols) == 0:
            raise UserError(f"target {t} has no class in the training set")
        out[:, t] = -ranks[:, cols].min(axis=1)
    return out


def nbnn(query: ImageFeatures, classes: ClassDescriptors, subtree: np.ndarray, progress: bool = False) -> np.ndarray:
    """NBNN min-rank scores (query images, targets)."""
    return min_rank_scores(query_class_distances(query, classes, progress), subtree)
