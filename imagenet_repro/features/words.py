"""Visual words: a vocabulary of SIFT descriptors learnt once, words by nearest centroid,
bag-of-words histograms (Figs 9-12 use them).

Why these choices: ``sklearn.cluster.MiniBatchKMeans`` learns a vocabulary of a thousand
words from a few hundred thousand descriptors in seconds, seeded from ``rng.rng`` (so the
same descriptors and seed give the same centroids, with one BLAS/OpenMP thread while it
learns); assigning words is the exact nearest centroid by BLAS (``knn.nearest``), which is
faster than the estimator's own ``predict`` on large sets and breaks ties by the lower word
index. Keypoint positions stay with the words (``WordBag.xy``) so the localization of
Sec 4.3 can put words back on the image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UserError
from ..rng import rng
from .knn import as_matrix, nearest


@dataclass(frozen=True)
class Vocabulary:
    """``centroids`` (k, d) float32, learnt by ``learn_vocabulary`` with ``seed``."""

    centroids: np.ndarray
    seed: int = 0

    @property
    def size(self) -> int:
        return len(self.centroids)

    def assign(self, descriptors: np.ndarray) -> np.ndarray:
        """The word (int32, nearest centroid, ties to the lower index) of each descriptor."""
        d = as_matrix(descriptors, "descriptors")
        if len(d) == 0:
            return np.zeros(0, np.int32)
        if d.shape[1] != self.centroids.shape[1]:
            raise UserError(f"descriptors have {d.shape[1]} dimensions, the vocabulary {self.centroids.shape[1]}")
        return nearest(d, self.centroids)[0].astype(np.int32)

    def histograms(self, words: np.ndarray, offsets: np.ndarray, normalize: str | None = "l1") -> np.ndarray:
        """(n_images, k) float32 bag-of-words histograms; image i owns
        words[offsets[i]:offsets[i+1]]. ``normalize``: "l1" (sum 1; empty images stay 0),
        "l2" or None (counts)."""
        return bow_histograms(words, offsets, self.size, normalize)


def learn_vocabulary(descriptors: np.ndarray, k: int, seed: int, max_samples: int = 200_000,
                     batch_size: int = 4096, n_init: int = 3, max_iter: int = 100) -> Vocabulary:
    """k centroids by MiniBatchKMeans on (a seeded sample of at most ``max_samples`` of) the
    descriptors. Deterministic in (descriptors, k, seed, sizes)."""
    from sklearn.cluster import MiniBatchKMeans
    from threadpoolctl import threadpool_limits

    d = as_matrix(descriptors, "descriptors")
    if k < 1 or k > len(d):
        raise UserError(f"a vocabulary of {k} words needs between 1 and {len(d)} (the descriptors given) words")
    if len(d) > max_samples:
        d = d[np.sort(rng(seed, "vocabulary-sample").choice(len(d), max_samples, replace=False))]
    state = int(rng(seed, "vocabulary-kmeans").integers(0, 2**31 - 1))
    with threadpool_limits(1):
        km = MiniBatchKMeans(n_clusters=k, random_state=state, batch_size=batch_size, n_init=n_init,
                             max_iter=max_iter).fit(d)
    return Vocabulary(np.ascontiguousarray(km.cluster_centers_, dtype=np.float32), seed)


def bow_histograms(words: np.ndarray, offsets: np.ndarray, k: int, normalize: str | None = "l1") -> np.ndarray:
    """(n_images, k) float32 histograms of word ids; see ``Vocabulary.histograms``."""
    words = np.asarray(words, np.int64)
    offsets = np.asarray(offsets, np.int64)
    if offsets.ndim != 1 or len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != len(words):
        raise UserError("offsets must rise from 0 to the number of words")
    if len(words) and (words.min() < 0 or words.max() >= k):
        raise UserError(f"word ids must lie in 0..{k - 1}")
    n = len(offsets) - 1
    image = np.repeat(np.arange(n), np.diff(offsets))
    h = np.bincount(image * k + words, minlength=n * k).reshape(n, k).astype(np.float32)
    if normalize == "l1":
        h /= np.maximum(h.sum(axis=1, keepdims=True), 1)
    elif normalize == "l2":
        h /= np.maximum(np.sqrt((h * h).sum(axis=1, keepdims=True)), 1e-12)
    elif normalize is not None:
        raise UserError(f"normalize must be 'l1', 'l2' or None, got {normalize!r}")
    return h


@dataclass(frozen=True)
class WordBag:
    """The words of a set of images with where they are: ``words`` (m,) int32, ``xy``
    (m, 2) float32 keypoint positions, ``offsets`` (n_images + 1,) int64."""

    words: np.ndarray
    xy: np.ndarray
    offsets: np.ndarray

    def of_image(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        s, e = self.offsets[i], self.offsets[i + 1]
        return self.words[s:e], self.xy[s:e]
