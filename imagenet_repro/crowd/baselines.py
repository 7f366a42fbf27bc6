"""What the same votes give under other aggregators: fixed-k majority vote and Dawid-Skene.

The paper spends a dynamic number of votes per image; the usual alternatives spend a fixed
k votes on every image and aggregate them, either by majority (ties reject: an image needs a
convincing majority) or by Dawid-Skene (EM over per-worker confusion matrices, here from
crowd-kit), which can learn to ignore spammers. All of them read the same stored vote
matrix (slot j = the j-th vote of every candidate), so cost and precision compare fairly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..parallel import ParallelConfig, parallel_config, parallel_map
from .consensus import ACCEPT, ConfidenceTable, ConsensusConfig, decide, table_from_votes
from .dawid_skene import dawid_skene  # noqa: F401  (re-exported: crowd.baselines.dawid_skene)
from .workers import NO_VOTE


PARALLEL_MIN_VOTES = 2_000_000  # vote slots (candidates x max_votes) over all records


@dataclass
class VoteRecord:
    """One synset's full vote matrix, kept for the baselines (row order of the candidates)."""

    wnid: str
    candidate_id: np.ndarray  # int64, unique across synsets
    is_positive: np.ndarray  # bool (the world's truth; None for real votes)
    workers: np.ndarray  # int32 [n, k]
    votes: np.ndarray  # int8 [n, k], NO_VOTE where missing
    initial: np.ndarray  # bool, the dynamic method's initial subset
    table: ConfidenceTable
    dynamic_votes: np.ndarray  # int16, votes the dynamic method used per candidate
    decision: np.ndarray  # int8, the dynamic method's decision


def majority_vote(votes: np.ndarray, k: int) -> np.ndarray:
    """Accept where more than half of the first k votes (present ones) are yes."""
    v = votes[:, :k]
    yes = (v == 1).sum(1)
    got = (v != NO_VOTE).sum(1)
    return (got > 0) & (2 * yes > got)


def votes_long(records: list[VoteRecord], k: int | None = None, used: bool = False) -> pd.DataFrame:
    """(task, worker, label) rows, as crowd-kit wants them: the first k votes of every
    candidate, or (used=True) exactly the votes the dynamic method spent."""
    parts = []
    for r in records:
        kk = r.votes.shape[1] if k is None else min(k, r.votes.shape[1])
        slot = np.arange(kk)[None, :]
        keep = r.votes[:, :kk] != NO_VOTE
        if used:
            keep &= slot < r.dynamic_votes[:, None]
        rows, cols = np.nonzero(keep)
        parts.append(pd.DataFrame({"task": r.candidate_id[rows], "worker": r.workers[rows, cols],
                                   "label": r.votes[rows, cols].astype(np.int64)}))
    if not parts:
        return pd.DataFrame({"task": [], "worker": [], "label": []})
    return pd.concat(parts, ignore_index=True)


def _score(accepted: np.ndarray, truth: np.ndarray, votes: float, n: int, synset_ids: np.ndarray) -> dict:
    tp = int((accepted & truth).sum())
    acc = int(accepted.sum())
    per = pd.DataFrame({"s": synset_ids, "a": accepted, "tp": accepted & truth}).groupby("s").sum()
    per = per[per["a"] > 0]
    return {"votes_per_image": votes / max(n, 1), "accepted": acc,
            "precision": tp / acc if acc else np.nan,
            "recall": tp / max(int(truth.sum()), 1),
            "precision_mean_synset": float((per["tp"] / per["a"]).mean()) if len(per) else np.nan,
            "synsets_with_images": int(len(per))}


def replay(records: list[VoteRecord], config: ConsensusConfig, label: str = "") -> dict:
    """The dynamic consensus re-run on stored votes under other settings: the table is
    re-estimated from each synset's initial subset, then the rest decided. One score row."""
    truth = np.concatenate([r.is_positive for r in records])
    sid = np.concatenate([np.full(len(r.is_positive), i) for i, r in enumerate(records)])
    dec, used, consensus = [], 0, 0
    for r in records:
        iv = min(config.initial_votes, r.votes.shape[1])
        sub = r.votes[r.initial, :iv]
        table = table_from_votes((sub == 1).sum(1), (sub != NO_VOTE).sum(1), config)
        d, u = decide(table, r.votes, r.initial, config)
        dec.append(d == ACCEPT)
        used += int(u.sum())
        consensus += table.max_confidence(config.max_votes) >= config.accept
    return {"setting": label, **_score(np.concatenate(dec), truth, used, len(truth), sid),
            "consensus_share": consensus / max(len(records), 1)}


def cost_precision(records: list[VoteRecord], config: ConsensusConfig,
                   accept_grid: tuple[float, ...] = (0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999),
                   ks: tuple[int, ...] = (1, 3, 5, 7, 9), ds_thresholds: tuple[float, ...] = (0.5, 0.99),
                   ds_iter: int = 100, ds_ks: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Votes per image vs precision and recall (against the world's truth) of: the paper's
    dynamic consensus at several accept thresholds (same tables), fixed-k majority vote,
    and Dawid-Skene on the first k votes (``ds_ks``, default ``ks``; () for none: each fit
    costs time) and, unless ``ds_ks=()``, on the dynamic method's own votes."""
    truth = np.concatenate([r.is_positive for r in records])
    sid = np.concatenate([np.full(len(r.is_positive), i) for i, r in enumerate(records)])
    n = len(truth)
    rows = []
    for a in accept_grid:
        cfg = ConsensusConfig(**{**config.to_dict(), "accept": a, "reject": min(config.reject, a / 2)})
        dec, used = [], 0
        for r in records:
            d, u = decide(r.table, r.votes, r.initial, cfg)
            dec.append(d == ACCEPT)
            used += int(u.sum())
        rows.append({"method": "dynamic consensus (paper)", "parameter": f"accept={a}",
                     **_score(np.concatenate(dec), truth, used, n, sid)})
    for k in ks:
        acc = np.concatenate([majority_vote(r.votes, k) for r in records])
        used = sum(int((r.votes[:, :k] != NO_VOTE).sum()) for r in records)
        rows.append({"method": "majority vote", "parameter": f"k={k}", **_score(acc, truth, used, n, sid)})
    fits = [(records, k, ds_iter) for k in (ks if ds_ks is None else ds_ks)]
    if ds_ks != ():
        fits.append((records, None, ds_iter))  # the dynamic method's own votes
    # the Dawid-Skene fits are independent: side by side in worker processes when they are
    # big enough to pay for starting them (millions of votes), else here
    big = sum(int(r.votes.size) for r in records) >= PARALLEL_MIN_VOTES
    fitted = parallel_map(_dawid_skene_fit, fits, desc="Dawid-Skene fits", progress=False,
                          config=dataclasses.replace(parallel_config(), min_items=2) if big
                          else ParallelConfig("serial"))
    for (_, k, _), (p, n_votes) in zip(fits, fitted):
        if k is None:
            break
        for t in ds_thresholds:
            rows.append({"method": f"Dawid-Skene (P>={t:g})", "parameter": f"k={k}",
                         **_score(p >= t, truth, n_votes, n, sid)})
    if ds_ks == ():
        return pd.DataFrame(rows)
    p, n_votes = fitted[-1]
    for t in ds_thresholds:
        rows.append({"method": f"Dawid-Skene on the dynamic votes (P>={t:g})", "parameter": "adaptive",
                     **_score(p >= t, truth, n_votes, n, sid)})
    return pd.DataFrame(rows)


def _dawid_skene_fit(item: tuple) -> tuple[np.ndarray, int]:
    """P(good) per candidate (record order) by Dawid-Skene on the first k votes (k None: the
    votes the dynamic method used), and the number of votes (module-level: parallel map)."""
    records, k, n_iter = item
    long = votes_long(records, k) if k is not None else votes_long(records, used=True)
    ids = np.concatenate([r.candidate_id for r in records])
    return dawid_skene(long, n_iter).reindex(ids).fillna(0.0).to_numpy(), len(long)


SENSITIVITY_SETTINGS: tuple[tuple[str, dict], ...] = (
    ("good class needs 60% yes", {"min_good_yes": 0.6}),
    ("good class needs 70% yes", {"min_good_yes": 0.7}),
    ("subset judged by plain majority", {"labels": "majority"}),
    ("accept at 0.999", {"accept": 0.999}),
)


def consensus_sensitivity(records: list[VoteRecord], config: ConsensusConfig,
                          settings: tuple[tuple[str, dict], ...] = SENSITIVITY_SETTINGS) -> pd.DataFrame:
    """The consensus replayed on the same votes as run and under each changed setting the
    paper leaves open: what the unstated choices cost or buy (one row per setting)."""
    rows = [replay(records, config, "as run")]
    rows += [replay(records, ConsensusConfig(**{**config.to_dict(), **change}), label)
             for label, change in settings]
    return pd.DataFrame(rows)
