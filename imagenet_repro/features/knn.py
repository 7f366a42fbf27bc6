"""Exact nearest neighbours by chunked float32 BLAS: |a|^2 + |b|^2 - 2 a.b, then argpartition.

Why our own: the four experiments of Fig 8 (tiny images by SSD, SIFT descriptors by NBNN) and
the visual words of Figs 9-12 all need exact neighbours of many queries in a large base. One
matrix product per block of queries runs at a good share of the machine's SGEMM peak
(``benchmarks/knn_blas.py`` measures it against the peak, scikit-learn's brute force and
faiss's flat index); the block size bounds memory (``block_bytes`` of distances at a time).

Ties are deterministic: neighbours come in increasing squared distance, equal distances in
increasing base index, including at the k-th place (a partition alone would pick among equal
distances arbitrarily). Squared distances are float32 and clipped at 0 (the expansion can
round a duplicate's distance slightly below 0).

``segment_min_distances`` is the kernel of NBNN: for each query, the squared distance to the
nearest base row within each contiguous segment (class) of the base, from one product of
augmented matrices ([q, 1] . [-2 b, |b|^2]) and a ``minimum.reduceat`` per block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from tqdm import tqdm  # text bars: they stream to the terminal under run_all.sh

from ..errors import UserError

DEFAULT_BLOCK_BYTES = 64 << 20  # distances held at once per block of queries


def as_matrix(x: np.ndarray, name: str = "array") -> np.ndarray:
    """A C-contiguous float32 2-d array, or a UserError naming ``name``."""
    a = np.asarray(x)
    if a.ndim != 2:
        raise UserError(f"{name} must be a 2-d array (rows = vectors), got shape {a.shape}")
    if not np.issubdtype(a.dtype, np.number):
        raise UserError(f"{name} must be numeric, got dtype {a.dtype}")
    return np.ascontiguousarray(a, dtype=np.float32)


def squared_norms(x: np.ndarray) -> np.ndarray:
    """|x_i|^2 per row, float32."""
    x = as_matrix(x)
    return np.einsum("ij,ij->i", x, x)


def squared_distances(a: np.ndarray, b: np.ndarray, a_norms: np.ndarray | None = None,
                      b_norms: np.ndarray | None = None) -> np.ndarray:
    """(len(a), len(b)) float32 squared Euclidean distances, >= 0 (one SGEMM)."""
    a, b = as_matrix(a, "a"), as_matrix(b, "b")
    if a.shape[1] != b.shape[1]:
        raise UserError(f"vectors of different lengths: {a.shape[1]} and {b.shape[1]}")
    an = squared_norms(a) if a_norms is None else a_norms
    bn = squared_norms(b) if b_norms is None else b_norms
    d = a @ b.T
    d *= np.float32(-2)
    d += an[:, None]
    d += bn[None, :]
    np.maximum(d, np.float32(0), out=d)
    return d


@dataclass(frozen=True)
class Neighbours:
    """The k nearest base rows of each query: ``indices`` (n, k) int64 and their squared
    ``distances`` (n, k) float32, nearest first (ties by lower base index)."""

    indices: np.ndarray
    distances: np.ndarray


def smallest_k(d: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``d``: the k smallest values' column indices and values, sorted by
    (value, column); a tie at the k-th place goes to the lower column.

    Selection without a full partition of each row: the rows are cut into at least k chunks;
    the k-th smallest chunk minimum bounds the k-th smallest value from above (k chunks each
    hold a value at most that large), so only the few values at or below it are sorted. Every
    value equal to the k-th is among them, which makes the ties exact.
    """
    d = np.asarray(d)
    n, m = d.shape
    if not 1 <= k <= m:
        raise UserError(f"k must be in 1..{m}, got {k}")
    if n == 0:
        return np.zeros((0, k), np.int64), np.zeros((0, k), d.dtype)
    if m < 4 * k:  # short rows: sort them
        idx = np.broadcast_to(np.arange(m, dtype=np.int64), (n, m))
        order = np.lexsort((idx, d), axis=1)[:, :k]
        return order.astype(np.int64), np.take_along_axis(d, order, 1)
    n_chunks = int(min(m // 2, max(2 * k, np.sqrt(m * k))))
    starts = np.linspace(0, m, n_chunks + 1).astype(np.int64)[:-1]
    bound = np.partition(np.minimum.reduceat(d, starts, axis=1), k - 1, axis=1)[:, k - 1]
    flat = np.flatnonzero(d <= bound[:, None])  # (2-d nonzero is much slower)
    r, c = np.divmod(flat, m)
    v = d.reshape(-1)[flat]
    o = np.lexsort((c, v, r))
    r, c, v = r[o], c[o], v[o]
    rank = np.arange(len(r)) - np.searchsorted(r, np.arange(n))[r]
    keep = rank < k
    return c[keep].reshape(n, k).astype(np.int64), v[keep].reshape(n, k)


_AUGMENT_MAX_DIM = 512  # below this, one product of augmented matrices beats two extra passes


def _partial_distances(q: np.ndarray, b: np.ndarray, b_aug: np.ndarray | None, bn: np.ndarray) -> np.ndarray:
    """|b|^2 - 2 q.b for a block of queries: the squared distance minus |q|^2, which does
    not change a row's order (added back to the k kept)."""
    if b_aug is not None:
        q_aug = np.empty((len(q), q.shape[1] + 1), np.float32)
        q_aug[:, :-1] = q
        q_aug[:, -1] = 1
        return q_aug @ b_aug.T
    g = q @ b.T
    g *= np.float32(-2)
    g += bn[None, :]
    return g


def _knn_in_memory(q: np.ndarray, b: np.ndarray, k: int, block_bytes: int, progress: bool, desc: str
                   ) -> tuple[np.ndarray, np.ndarray]:
    bn = squared_norms(b)
    qn = squared_norms(q)
    b_aug = None
    if b.shape[1] <= _AUGMENT_MAX_DIM:
        b_aug = np.empty((len(b), b.shape[1] + 1), np.float32)
        np.multiply(b, np.float32(-2), out=b_aug[:, :-1])
        b_aug[:, -1] = bn
    rows = max(1, int(block_bytes // (4 * len(b))))
    out_i = np.empty((len(q), k), np.int64)
    out_d = np.empty((len(q), k), np.float32)
    starts = range(0, len(q), rows)
    for s in tqdm(starts, desc=desc, disable=not progress or len(starts) < 2, leave=False):
        g = _partial_distances(q[s:s + rows], b, b_aug, bn)
        idx, val = smallest_k(g, k)
        val += qn[s:s + rows, None]
        np.maximum(val, np.float32(0), out=val)
        out_i[s:s + rows], out_d[s:s + rows] = idx, val
    return out_i, out_d


def knn(queries: np.ndarray, base: np.ndarray, k: int, block_bytes: int = DEFAULT_BLOCK_BYTES,
        progress: bool = False, desc: str = "nearest neighbours", base_rows: int | None = None,
        transform: Callable[[np.ndarray], np.ndarray] | None = None) -> Neighbours:
    """The exact k nearest neighbours (squared Euclidean) of every query row in ``base``.

    ``k`` larger than the base is cut to its size. Queries go in blocks whose distance
    matrix takes at most ``block_bytes``. One SGEMM per block computes |b|^2 - 2 q.b (for
    short vectors as one product of [q, 1] and [-2 b, |b|^2]); |q|^2 is added to the k kept.

    A base too large for memory as float32 goes in blocks of ``base_rows`` rows, each made
    into vectors by ``transform`` (e.g. uint8 tiny images -> ``tiny_vectors``), the k best
    merged block after block (same neighbours, same tie rule).
    """
    q = as_matrix(queries, "queries")
    nb = len(base)
    if nb == 0:
        raise UserError("the nearest-neighbour base is empty")
    if k < 1:
        raise UserError(f"k must be >= 1, got {k}")
    k = min(int(k), nb)
    step = nb if base_rows is None else max(1, int(base_rows))
    out_i = out_d = None
    for b0 in range(0, nb, step):
        blk = base[b0:b0 + step]
        b = as_matrix(transform(blk) if transform is not None else blk, "base")
        if q.shape[1] != b.shape[1]:
            raise UserError(f"queries have {q.shape[1]} dimensions, the base {b.shape[1]}")
        bi, bd = _knn_in_memory(q, b, min(k, len(b)), block_bytes, progress, desc)
        bi += b0
        if out_i is None:
            out_i, out_d = bi, bd
        else:  # earlier blocks first: a tie goes to the lower global index, as in one block
            cat_i, cat_d = np.concatenate([out_i, bi], 1), np.concatenate([out_d, bd], 1)
            sel, out_d = smallest_k(cat_d, k)
            out_i = np.take_along_axis(cat_i, sel, 1)
    return Neighbours(out_i, out_d)


def nearest(queries: np.ndarray, base: np.ndarray, block_bytes: int = DEFAULT_BLOCK_BYTES
            ) -> tuple[np.ndarray, np.ndarray]:
    """Index (int64) and squared distance (float32) of each query's nearest base row; a
    tie goes to the lower index (``knn`` with k = 1)."""
    nb = knn(queries, base, 1, block_bytes)
    return nb.indices[:, 0], nb.distances[:, 0]


def _column_chunks(starts: np.ndarray, ends: np.ndarray, max_cols: int) -> list[tuple[int, int]]:
    """Runs of consecutive segments [i, j) whose columns fit in max_cols (a longer segment
    alone)."""
    chunks, i, n = [], 0, len(starts)
    while i < n:
        j = i + 1
        while j < n and ends[j] - starts[i] <= max_cols:
            j += 1
        chunks.append((i, j))
        i = j
    return chunks


def segment_min_distances(queries: np.ndarray, base: np.ndarray, offsets: np.ndarray,
                          block_rows: int = 2048, block_cols: int = 2048, progress: bool = False,
                          desc: str = "NBNN distances") -> np.ndarray:
    """(len(queries), n_segments) float32: min over each segment of the base of the squared
    distance to the query. Segment s is rows offsets[s]:offsets[s+1] of ``base``; an empty
    segment gives +inf."""
    from tqdm import tqdm  # text bars: they stream to the terminal under run_all.sh

    q, b = as_matrix(queries, "queries"), as_matrix(base, "base")
    if q.shape[1] != b.shape[1]:
        raise UserError(f"queries have {q.shape[1]} dimensions, the base {b.shape[1]}")
    offsets = np.asarray(offsets, np.int64)
    if offsets.ndim != 1 or len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != len(b) \
            or np.any(np.diff(offsets) < 0):
        raise UserError("offsets must rise from 0 to len(base)")
    n_seg = len(offsets) - 1
    out = np.full((len(q), n_seg), np.inf, np.float32)
    full = np.flatnonzero(np.diff(offsets) > 0)
    if len(q) == 0 or len(full) == 0:
        return out
    b_aug = np.empty((len(b), b.shape[1] + 1), np.float32)
    np.multiply(b, np.float32(-2), out=b_aug[:, :-1])
    b_aug[:, -1] = squared_norms(b)
    q_aug = np.empty((len(q), q.shape[1] + 1), np.float32)
    q_aug[:, :-1] = q
    q_aug[:, -1] = 1
    qn = squared_norms(q)
    s_start, s_end = offsets[full], offsets[full + 1]
    chunks = _column_chunks(s_start, s_end, block_cols)
    part = np.empty((min(block_rows, len(q)), len(full)), np.float32)
    for r in tqdm(range(0, len(q), block_rows), desc=desc, disable=not progress, leave=False):
        qa = q_aug[r:r + block_rows]
        for i, j in chunks:
            c0, c1 = s_start[i], s_end[j - 1]
            g = qa @ b_aug[c0:c1].T  # |b|^2 - 2 q.b
            part[:len(qa), i:j] = np.minimum.reduceat(g, s_start[i:j] - c0, axis=1)
        blk = part[:len(qa)] + qn[r:r + block_rows, None]
        np.maximum(blk, np.float32(0), out=blk)
        out[r:r + block_rows, full] = blk
    return out
