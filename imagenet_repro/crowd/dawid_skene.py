"""Dawid-Skene (crowd-kit): P(good) per image from votes whose workers are known.

Here, below both the consensus and the baselines, because both use it: the baselines as an
aggregator beside the paper's method, the consensus as a judge of the initial subset with real
votes (a yes from a worker who says yes to everything weighs less than one from a strict
worker, which the count-based two-class model cannot see).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .workers import NO_VOTE


def dawid_skene(long: pd.DataFrame, n_iter: int = 100) -> pd.Series:
    """P(good) per task by Dawid-Skene (crowd-kit) on (task, worker, label) rows; tasks with
    votes of one class only get the class crowd-kit's EM gives them."""
    from crowdkit.aggregation import DawidSkene

    if long.empty:
        return pd.Series(dtype=float)
    with warnings.catch_warnings():  # crowd-kit 1.4.2 uses pandas keywords pandas 3 deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        probas = DawidSkene(n_iter=n_iter).fit(long).probas_
    if 1 not in probas.columns:
        return pd.Series(0.0, index=probas.index)
    return probas[1].astype(float)


def dawid_skene_matrix(workers: np.ndarray, votes: np.ndarray, n_iter: int = 100,
                       missing: float = np.nan) -> np.ndarray:
    """P(good) per row of [n, k] worker and vote matrices (NO_VOTE where missing); rows without
    a vote get ``missing``."""
    rows, cols = np.nonzero(votes != NO_VOTE)
    long = pd.DataFrame({"task": rows, "worker": workers[rows, cols], "label": votes[rows, cols].astype(np.int64)})
    return dawid_skene(long, n_iter).reindex(np.arange(len(votes))).fillna(missing).to_numpy(float)
