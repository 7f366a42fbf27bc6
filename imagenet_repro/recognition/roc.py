"""ROC curves and AUC, tie-aware, per category and averaged (Fig 8, and any score table).

Why our own: the scores of Fig 8 are counts (NN-voting: neighbours in the target's subtree)
and ranks (NBNN), so many test images share a score. Tied scores make one diagonal step of
the curve, never an order-dependent staircase; the AUC is the Mann-Whitney statistic with
ties counted one half (equal to the area under that curve). A category's negatives are the
test images of every other category (the paper's protocol). The mean ROC averages the
curves vertically (true positive rate at fixed false positive rates). Differences of mean AUC
between two scorers get a paired bootstrap over test images (resampled within category).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from ..errors import UserError
from ..rng import rng

FPR_GRID = np.linspace(0.0, 1.0, 201)


def _check(scores: np.ndarray, positive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, np.float64).reshape(-1)
    y = np.asarray(positive).astype(bool).reshape(-1)
    if s.shape != y.shape:
        raise UserError(f"{s.size} scores but {y.size} labels")
    if not np.all(np.isfinite(s)):
        raise UserError("scores must be finite")
    if y.all() or not y.any():
        raise UserError("an ROC needs both positive and negative images")
    return s, y


def roc_curve(scores: np.ndarray, positive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(fpr, tpr) from (0, 0) to (1, 1), one point per distinct score (descending)."""
    s, y = _check(scores, positive)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]  # last index of each tie group
    tp = np.cumsum(y)[last]
    fp = np.cumsum(~y)[last]
    return np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]]


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC: P(score of a positive > a negative) + 0.5 P(equal)."""
    s, y = _check(scores, positive)
    r = rankdata(s)
    n1, n0 = int(y.sum()), int((~y).sum())
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _auc_columns(scores: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """AUC of each column of scores (n, T) against each column of positive (n, T)."""
    r = rankdata(scores, axis=0)
    n1 = positive.sum(axis=0)
    n0 = len(positive) - n1
    return ((r * positive).sum(axis=0) - n1 * (n1 + 1) / 2) / (n1 * n0)


def interpolate(fpr: np.ndarray, tpr: np.ndarray, grid: np.ndarray = FPR_GRID) -> np.ndarray:
    """TPR of a curve at the grid's false positive rates (the highest TPR at a vertical step)."""
    keep = np.r_[np.diff(fpr) != 0, True]
    return np.interp(grid, fpr[keep], tpr[keep])


@dataclass
class RocSet:
    """Per-category ROC curves of one scorer and their vertical average."""

    categories: list[str]
    curves: dict[str, tuple[np.ndarray, np.ndarray]]
    aucs: pd.Series  # per category
    mean_fpr: np.ndarray
    mean_tpr: np.ndarray

    @property
    def mean_auc(self) -> float:
        return float(self.aucs.mean())


def category_rocs(scores: np.ndarray, category: np.ndarray, names: list[str]) -> RocSet:
    """ROC of each target (column t of scores (n, T)); positives: the images of category t
    (``category`` holds a column index per image), negatives: all the others."""
    scores = np.asarray(scores, np.float64)
    category = np.asarray(category)
    if scores.ndim != 2 or scores.shape != (len(category), len(names)):
        raise UserError(f"scores must be (images, categories) = ({len(category)}, {len(names)}), got {scores.shape}")
    curves, aucs, tprs = {}, {}, []
    for t, name in enumerate(names):
        y = category == t
        fpr, tpr = roc_curve(scores[:, t], y)
        curves[name] = (fpr, tpr)
        aucs[name] = auc(scores[:, t], y)
        tprs.append(interpolate(fpr, tpr))
    return RocSet(list(names), curves, pd.Series(aucs, name="auc"), FPR_GRID.copy(), np.mean(tprs, axis=0))


@dataclass(frozen=True)
class Difference:
    """Mean AUC of scorer a minus scorer b, with a paired bootstrap interval."""

    delta: float
    low: float
    high: float
    n_boot: int

    @property
    def holds(self) -> bool:
        """a beats b: the whole interval lies above 0."""
        return self.low > 0


def mean_auc_difference(a: np.ndarray, b: np.ndarray, category: np.ndarray, n_boot: int = 500,
                        seed: int = 2009, level: float = 0.95) -> Difference:
    """Mean over categories of AUC(a) - AUC(b), and its ``level`` bootstrap interval (test
    images resampled with replacement within each category, the same draw for a and b)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    category = np.asarray(category)
    T = a.shape[1]
    pos = category[:, None] == np.arange(T)[None, :]
    delta = float((_auc_columns(a, pos) - _auc_columns(b, pos)).mean())
    groups = [np.flatnonzero(category == t) for t in range(T)]
    g = rng(seed, "roc-bootstrap")
    out = np.empty(n_boot)
    for i in range(n_boot):  # one resample of every category per round
        idx = np.concatenate([grp[g.integers(0, len(grp), len(grp))] for grp in groups])
        p = pos[idx]
        out[i] = (_auc_columns(a[idx], p) - _auc_columns(b[idx], p)).mean()
    lo, hi = np.quantile(out, [(1 - level) / 2, (1 + level) / 2]) if n_boot else (np.nan, np.nan)
    return Difference(delta, float(lo), float(hi), n_boot)
