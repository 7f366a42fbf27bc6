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
    votes of one class only get the class crowd-kit's EM gives them.

    Yes/no votes go through ``_fast_dawid_skene``: crowd-kit's EM step by step on arrays, the
    same floating-point operations in the same order, so the same bits (tests compare them),
    ~15x faster; anything else, or a stopping decision too close to call, runs crowd-kit."""
    from crowdkit.aggregation import DawidSkene

    if long.empty:
        return pd.Series(dtype=float)
    fast = _fast_dawid_skene(long, n_iter)
    if fast is not None:
        return fast
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


# ---------------------------------------------------------------- crowd-kit's EM on arrays

_EPS = np.float_power(10, -10)  # crowd-kit's clip floor, computed as crowd-kit does
_TOL = 1e-5  # crowd-kit's default stopping tolerance on the change of the per-vote ELBO


def _runs(codes: np.ndarray) -> bool:
    """Whether every group's rows are contiguous (first-appearance codes non-decreasing):
    then pandas 3.1's groupby sum takes its reduceat path, else its Cython one."""
    return bool(codes.size) and bool((codes[1:] >= codes[:-1]).all())


def _group_sum(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """What pandas 3.1's groupby(..., sort=False).sum() computes per group and column, with
    ``codes`` the groups numbered by first appearance: where every group's rows are contiguous,
    numpy's add.reduceat over the runs; otherwise pandas' Cython group_sum (Kahan-compensated,
    rows in order)."""
    from pandas._libs import groupby as libgroupby

    values = np.ascontiguousarray(values, dtype=np.float64)
    out = np.zeros((n_groups, values.shape[1]), np.float64)
    if codes.size == 0:
        return out
    if _runs(codes) and not np.isnan(values).any():
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        out[codes[starts]] = np.add.reduceat(values, starts, axis=0)
        return out
    counts = np.zeros(n_groups, np.int64)
    libgroupby.group_sum(out, counts, values, codes, None, None, 0, False)
    return out


def _column_mean(p: np.ndarray, row_major: bool) -> np.ndarray:
    """pandas' DataFrame.mean() of crowd-kit's probas: numpy's pairwise sum of each column
    where pandas holds the frame row-major (the E-step's group sum took the reduceat path),
    a plain left-to-right sum where it holds it column-major (the Cython path, and the
    majority-vote start); then divided by the count."""
    if row_major:
        sums = [np.sum(np.ascontiguousarray(p[:, c])) for c in range(p.shape[1])]
    else:
        sums = [np.add.accumulate(p[:, c])[-1] for c in range(p.shape[1])]
    return np.array(sums) / p.shape[0]


def _fast_dawid_skene(long: pd.DataFrame, n_iter: int) -> pd.Series | None:
    """crowd-kit 1.4.2's DawidSkene(n_iter).fit(long).probas_[1] for 0/1 labels, or None when
    the input is not that case (other labels, missing values) or the stopping rule cannot be
    decided safely here.

    Mirrors crowd-kit's steps: majority-vote start (by crowd-kit itself), M-step sums per
    (worker, label) and E-step sums per task with pandas' own Kahan group sums over the votes
    in row order, elementwise numpy on contiguous arrays, priors as pandas' column means,
    clipping where crowd-kit clips (also its in-place clip of the last probas)."""
    from crowdkit.aggregation.utils import normalize_rows

    try:
        from pandas._libs import groupby as libgroupby  # noqa: F401
    except ImportError:  # pragma: no cover
        return None
    data = long[["task", "worker", "label"]]
    label = data["label"].to_numpy()
    if label.dtype.kind not in "iu" or data.isna().to_numpy().any():
        return None
    if set(np.unique(label).tolist()) != {0, 1}:
        return None
    t_codes, t_uniq = pd.factorize(data["task"], sort=False)
    w_codes, _ = pd.factorize(data["worker"], sort=False)
    p_codes, p_uniq = pd.factorize(w_codes.astype(np.int64) * 2 + label.astype(np.int64), sort=False)
    t_codes, p_codes = t_codes.astype(np.intp), p_codes.astype(np.intp)
    pair_worker = (p_uniq // 2).astype(np.intp)
    n_t, n_p, n_w = len(t_uniq), len(p_uniq), int(w_codes.max()) + 1
    n_votes = len(data)

    # initialisation: crowd-kit's majority-vote probas, computed as MajorityVote.fit does (its
    # row order fixes the first priors' sum), without the worker skills it also fits
    scores = data[["task", "label"]].value_counts()
    mv = normalize_rows(scores.unstack("label", fill_value=0))
    if sorted(mv.columns.tolist()) != [0, 1]:
        return None
    priors = mv.mean()[[0, 1]].to_numpy(np.float64)
    probas = mv.reindex(pd.Index(t_uniq))[[0, 1]].to_numpy(np.float64)  # columns: label 0, 1

    def m_step(probas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sums = _group_sum(probas[t_codes], p_codes, n_p)  # per (worker, label) pair
        errors = np.maximum(sums, _EPS)  # clip(lower=_EPS)
        per_worker = _group_sum(errors, pair_worker, n_w)  # one or two rows: a or a + b
        return errors / per_worker[pair_worker], sums

    def e_step(priors: np.ndarray, errors: np.ndarray) -> np.ndarray:
        ll = np.log2(np.maximum(priors, _EPS)) + _group_sum(np.log2(errors)[p_codes], t_codes, n_t)
        scaled = np.exp2(ll - ll.max(axis=1, keepdims=True))
        return scaled / (scaled[:, 0] + scaled[:, 1])[:, None]

    def elbo(probas: np.ndarray, priors: np.ndarray, errors: np.ndarray,
             sums: np.ndarray) -> tuple[float, float]:
        """crowd-kit's per-vote ELBO, summed in another order, and a bound on how far the two
        sums can differ: recursive summation of m terms errs by at most (m - 1) u sum|term|
        (u the unit roundoff), whatever order crowd-kit uses; 4x that covers both sums, the
        terms' own roundings and the logs."""
        # the sum over votes of probas . (log errors + log priors), grouped by (worker, label)
        log_terms = np.log(errors) + np.log(np.maximum(priors, _EPS))
        p = np.maximum(probas, _EPS)
        ent = np.log(p) * p
        total = float(np.sum(sums * log_terms)) - float(np.sum(ent))
        size = float(np.sum(sums * np.abs(log_terms))) + float(np.sum(np.abs(ent)))
        return total / n_votes, 4 * np.finfo(np.float64).eps * size / n_votes + 1e-15

    errors, _ = m_step(probas)
    tasks_in_runs = _runs(t_codes)
    loss, last_err = -np.inf, 0.0
    for _ in range(n_iter):
        probas = e_step(priors, errors)
        priors = _column_mean(probas, tasks_in_runs)
        errors, sums = m_step(probas)
        new_loss, err = elbo(probas, priors, errors, sums)
        probas = np.maximum(probas, _EPS)  # crowd-kit's ELBO clips its probas in place
        gap = new_loss - loss - _TOL
        if np.isfinite(gap) and abs(gap) <= 2 * (err + last_err):
            return None  # too close to call here: crowd-kit decides
        last_err = err
        if new_loss - loss < _TOL:
            break
        loss = new_loss
    return pd.Series(probas[:, 1], index=pd.Index(t_uniq, name="task"), name=1)
