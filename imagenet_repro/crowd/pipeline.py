"""Cleaning synsets end to end: collection -> duplicate removal -> votes -> consensus.

``clean_synsets`` runs the paper's Sec 3.1-3.2 pipeline on the simulated world, one synset
at a time (vectorised inside), and returns the clean set (accepted candidates), a summary
per synset, the confidence tables, and - for the synsets asked for - the full vote matrices
the baselines need. ``save_clean_set`` / ``load_clean_set`` hand the clean set to the
later notebooks through results/data/clean_set.parquet.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from .. import paper
from ..errors import UserError
from ..hierarchy import round_robin_by_depth, sample_synsets
from ..rng import rng
from .baselines import VoteRecord
from .consensus import (
    ACCEPT,
    ConfidenceTable,
    ConsensusConfig,
    SynsetConsensus,
    dynamic_consensus,
)
from ..sources.votes_csv import VoteTable
from ..world.model import PARALLEL_MIN_SYNSETS, as_world
from .workers import NO_VOTE, MatrixVotes, SimulatedVotes, WorkerModel, WorkerPool, make_task

CLEAN_SET_PATH = Path("data") / "clean_set.parquet"  # under the results folder
CLEAN_SUMMARY_TABLE = "clean_per_synset"  # results/tables/<name>.csv
CLEAN_COLUMNS = ("wnid", "candidate_id", "web_image_id", "variant", "true_wnid", "is_positive",
                 "n_votes", "confidence", "similarity", "difficulty")
SUMMARY_COLUMNS = ("wnid", "subtree", "depth", "candidates", "positives", "accepted",
                   "true_accepted", "precision", "recall", "votes", "votes_per_image",
                   "consensus", "table_max", "votes_to_accept", "initial", "undecided",
                   "imageability", "confusability")


@dataclass
class CleanResult:
    clean: pd.DataFrame  # the accepted candidates (CLEAN_COLUMNS)
    summary: pd.DataFrame  # one row per synset (SUMMARY_COLUMNS), indexed by nothing
    tables: dict[str, ConfidenceTable]
    records: dict[str, VoteRecord] = field(default_factory=dict)
    stats: dict[str, float] = field(default_factory=dict)


def _synset_row(world: Any, wnid: str) -> pd.Series:
    try:
        return world.synsets.loc[wnid]
    except KeyError:
        raise UserError(f"synset {wnid} is not in the simulated world") from None


def _deduped_candidates(world: Any, wnid: str, amount: float,
                        queries: Callable[[str], list | None] | None) -> pd.DataFrame:
    """One synset's raw search results after the world's duplicate removal (Sec 3.1)."""
    q = queries(wnid) if queries is not None else None
    if hasattr(world, "deduped_candidates"):  # the same frame, without the dropped rows
        return world.deduped_candidates(wnid, queries=q, amount=amount).reset_index(drop=True)
    return world.dedup(world.candidates(wnid, queries=q, amount=amount)).reset_index(drop=True)


select_synsets = sample_synsets  # the choice lives in hierarchy.py, shared with notebook 01


def clean_synset(world: Any, wnid: str, pool: WorkerPool, config: ConsensusConfig, seed: int,
                 amount: float = 1.0, queries: Callable[[str], list | None] | None = None,
                 keep_votes: bool = False) -> tuple[pd.DataFrame, dict, SynsetConsensus, VoteRecord | None, int]:
    """One synset: its candidates after dedup, voted on and decided."""
    attrs = _synset_row(world, wnid)
    cands = _deduped_candidates(world, wnid, amount, queries)
    task = make_task(pool.model, wnid, cands, float(attrs["imageability"]), float(attrs["confusability"]))
    source = SimulatedVotes(pool, task, seed)
    res = dynamic_consensus(source, config, wnid, seed)
    pos = task.is_positive
    acc = res.accepted
    n_acc, tp = int(acc.sum()), int((acc & pos).sum())
    row = {
        "wnid": wnid, "subtree": attrs["subtree"], "depth": int(attrs["depth"]),
        "candidates": len(cands), "positives": int(pos.sum()), "accepted": n_acc,
        "true_accepted": tp, "precision": tp / n_acc if n_acc else np.nan,
        "recall": tp / pos.sum() if pos.sum() else np.nan, "votes": res.total_votes,
        "votes_per_image": res.total_votes / len(cands) if len(cands) else np.nan,
        "consensus": res.consensus, "table_max": res.table.max_confidence(config.max_votes),
        "votes_to_accept": res.table.votes_to_reach(config.accept) or 0,
        "initial": int(res.initial.sum()), "undecided": int((res.decision == -1).sum()),
        "imageability": float(attrs["imageability"]), "confusability": float(attrs["confusability"]),
    }
    clean = cands.loc[acc, [c for c in CLEAN_COLUMNS if c in cands.columns]].copy()
    clean["wnid"] = wnid
    clean["n_votes"] = res.n_votes[acc]
    clean["confidence"] = res.confidence[acc]
    record = None
    if keep_votes:
        w, v = source.matrix(config.max_votes)
        record = VoteRecord(wnid, cands["candidate_id"].to_numpy(np.int64), pos, w, v,
                            res.initial, res.table, res.n_votes, res.decision)
    return clean, row, res, record, source.simulated


def clean_synsets(world: Any, wnids: Sequence[str], model: WorkerModel = WorkerModel(),
                  config: ConsensusConfig = ConsensusConfig(), seed: int = 2009,
                  amount: float = 1.0, queries: Callable[[str], list | None] | None = None,
                  keep_votes: Iterable[str] = (), progress: bool = True) -> CleanResult:
    """The clean set of the given synsets (a tqdm bar over synsets). ``queries`` maps a wnid
    to its search queries; None: the world's own (collect.simulated_web: the paper's)."""
    from tqdm import tqdm  # text bars: they stream to the terminal under run_all.sh

    pool = WorkerPool.create(model, seed)
    keep = set(keep_votes)
    wnids = list(wnids)
    cleans, rows, tables, records = [], [], {}, {}
    simulated, t0 = 0, time.perf_counter()
    mapper = getattr(world, "mapper", None)
    big = len(wnids) * min(amount, 1.0) >= PARALLEL_MIN_SYNSETS  # else not worth starting workers
    spec = world.spec() if mapper is not None and big and hasattr(world, "spec") else None
    if spec is None:  # here, one synset after the other
        parts = (_cleaned(clean_synset(world, w, pool, config, seed, amount, queries, w in keep))
                 for w in tqdm(wnids, desc="cleaning synsets", unit="synset", disable=not progress))
    else:  # the world's mapper (parallel workers rebuild the world from its spec once)
        items = [(spec, w, pool, config, seed, amount,
                  list(queries(w)) if queries is not None else world.queries_of(w), w in keep) for w in wnids]
        parts = mapper(_clean_item, items, desc="cleaning synsets", progress=progress)
    for wnid, (clean, row, table, rec, sim) in zip(wnids, parts):
        cleans.append(clean)
        rows.append(row)
        tables[wnid] = table
        simulated += sim
        if rec is not None:
            records[wnid] = rec
    clean = pd.concat(cleans, ignore_index=True) if cleans else pd.DataFrame(columns=CLEAN_COLUMNS)
    clean = clean[[c for c in CLEAN_COLUMNS if c in clean.columns]]
    summary = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    stats = {"seconds": time.perf_counter() - t0, "votes": float(summary["votes"].sum()),
             "votes_simulated": float(simulated), "candidates": float(summary["candidates"].sum())}
    return CleanResult(clean, summary, tables, records, stats)


def _cleaned(result: tuple) -> tuple:
    """clean_synset's result with only what clean_synsets keeps (the table, not the consensus)."""
    clean, row, res, rec, sim = result
    return clean, row, res.table, rec, sim


def _clean_item(item: tuple) -> tuple:
    """One synset of clean_synsets (module-level and pure: for the parallel map)."""
    world, wnid, pool, config, seed, amount, queries, keep = item
    return _cleaned(clean_synset(as_world(world), wnid, pool, config, seed, amount,
                                 lambda _w: queries, keep))


def vote_records(world: Any, wnids: Sequence[str], model: WorkerModel, config: ConsensusConfig,
                 seed: int = 2009, amount: float = 1.0,
                 queries: Callable[[str], list | None] | None = None) -> list[VoteRecord]:
    """Full vote matrices (max_votes per candidate) of some synsets, for the baselines. The
    same votes as clean_synsets drew (same seed), so the dynamic method's decisions match."""
    wnids = list(wnids)
    records = clean_synsets(world, list(dict.fromkeys(wnids)), model, config, seed, amount, queries,
                            keep_votes=wnids, progress=False).records
    return [records[w] for w in wnids]


FIG7_SYNSETS = tuple(paper.FIG7.columns[2:])  # the synsets of Fig 7: cat.n.01, burmese_cat.n.01


def fig7_synsets(world: Any, amount: float = 1.0,
                 queries: Callable[[str], list | None] | None = None) -> list:
    """The candidates of "cat" and "Burmese cat" after dedup, for fit_worker_model."""
    from ..wordnet import synset
    from ..wordnet import wnid as to_wnid
    from .consensus import FitSynset

    out = []
    for name in FIG7_SYNSETS:
        w = to_wnid(synset(name))
        attrs = _synset_row(world, w)
        cands = _deduped_candidates(world, w, amount, queries)
        out.append(FitSynset(w, name, cands, float(attrs["imageability"]), float(attrs["confusability"])))
    return out


def fig7_comparison(synsets: list, model: WorkerModel, seed: int = 2009,
                    start: WorkerModel | None = None, estimated: dict[str, ConfidenceTable] | None = None,
                    measured: pd.DataFrame | None = None) -> pd.DataFrame:
    """Fig 7's cells: the measured value (the paper's Fig 7 by default) beside the model's
    expected table (``start``: the prior guess, ``fitted``: the model used) and the table
    estimated from simulated votes."""
    from .consensus import expected_table

    measured = paper.FIG7 if measured is None else measured
    ys, ns = measured["yes"].to_numpy(int), measured["no"].to_numpy(int)
    size = int((ys + ns).max())
    rows = []
    for fs in synsets:
        d = {"label": fs.label, "yes": ys, "no": ns, "paper": measured[fs.label].to_numpy(float)}
        if start is not None:
            d["start"] = expected_table(WorkerPool.create(start, seed), fs, size)[ys, ns]
        d["fitted"] = expected_table(WorkerPool.create(model, seed), fs, size)[ys, ns]
        if estimated is not None and fs.label in estimated:
            d["estimated"] = estimated[fs.label].values[ys, ns]
        rows.append(pd.DataFrame(d))
    return pd.concat(rows, ignore_index=True)


# ---------------------------------------------------------------- the independent check (Fig 4)

def sample_across_depths(summary: pd.DataFrame, n: int = paper.FIG4_SYNSETS,
                         subtrees: Sequence[str] = paper.FIG4_SUBTREES,
                         seed: int = 2009) -> pd.DataFrame:
    """n synsets of the given subtrees spread over tree depths (round robin over depths,
    random within a depth), among synsets whose clean set is not empty."""
    pool = summary[summary["subtree"].isin(subtrees) & (summary["accepted"] > 0)]
    return summary.loc[sorted(round_robin_by_depth(pool, n, rng(seed, "fig4-sample")))]


def verify_clean_set(world: Any, clean: pd.DataFrame, model: WorkerModel, seed: int,
                     n_votes: int = 5) -> pd.DataFrame:
    """An independent group of simulated workers (a fresh pool) votes n_votes times on each
    accepted image; the share judged good by majority is their estimate of the precision.
    Per synset: images, precision (truth), precision_verified."""
    pool = WorkerPool.create(model, seed, name="verifiers")
    out = []
    for wnid, g in clean.groupby("wnid", sort=False):
        attrs = _synset_row(world, wnid)
        task = make_task(model, wnid, g, float(attrs["imageability"]), float(attrs["confusability"]))
        _, v = SimulatedVotes(pool, task, seed, stream="verify").matrix(n_votes)
        good = 2 * (v == 1).sum(1) > n_votes
        out.append((wnid, len(g), float(g["is_positive"].mean()), float(good.mean())))
    return pd.DataFrame(out, columns=["wnid", "images", "precision", "precision_verified"])


def precision_by_depth(sample: pd.DataFrame, verified: pd.DataFrame) -> pd.DataFrame:
    """Fig 4's numbers: per depth, synsets and mean precision (truth and verified)."""
    df = sample[["wnid", "subtree", "depth"]].merge(verified, on="wnid")
    g = df.groupby("depth")
    return pd.DataFrame({"synsets": g.size(), "precision": g["precision"].mean(),
                         "precision_min": g["precision"].min(),
                         "precision_verified": g["precision_verified"].mean()})


def votes_by_depth(summary: pd.DataFrame) -> pd.DataFrame:
    """Votes per candidate image at each depth (all synsets, pooled), and the share of
    synsets without consensus."""
    g = summary.groupby("depth")
    return pd.DataFrame({"synsets": g.size(), "candidates": g["candidates"].sum(),
                         "votes": g["votes"].sum(),
                         "votes_per_image": g["votes"].sum() / g["candidates"].sum().clip(lower=1),
                         "no_consensus": 1 - g["consensus"].mean()})


# ---------------------------------------------------------------- real votes

def vote_matrices(table: VoteTable, votes_per_image: int | None = None
                  ) -> dict[str, tuple[np.ndarray, MatrixVotes, list[str]]]:
    """Per synset: image ids, their votes as a MatrixVotes source (each image's votes in time
    order, then file order; the first ``votes_per_image`` only, all by default), and the worker
    names behind the worker codes."""
    if votes_per_image is not None and votes_per_image < 1:
        raise UserError(f"votes_per_image must be >= 1 (or None: all), not {votes_per_image}")
    df = table.votes.sort_values(["wnid", "image_id", "time", "line"], na_position="last", kind="stable")
    workers, worker_names = pd.factorize(df["worker_id"], sort=True)
    df = df.assign(worker=workers.astype(np.int32))
    out = {}
    for wnid, g in df.groupby("wnid", sort=False):
        images, img_idx = np.unique(g["image_id"].to_numpy(), return_inverse=True)
        slot = g.groupby(img_idx).cumcount().to_numpy()
        if votes_per_image is not None:
            keep = slot < votes_per_image
            g, img_idx, slot = g[keep], img_idx[keep], slot[keep]
        k = int(slot.max()) + 1
        w = np.full((len(images), k), -1, np.int32)
        v = np.full((len(images), k), NO_VOTE, np.int8)
        w[img_idx, slot] = g["worker"].to_numpy()
        v[img_idx, slot] = g["vote"].to_numpy()
        out[str(wnid)] = (images, MatrixVotes(w, v), list(worker_names))
    return out


def clean_from_votes(table: VoteTable, config: ConsensusConfig = ConsensusConfig(),
                     seed: int = 2009, votes_per_image: int | None = None,
                     judge: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same consensus on real votes (a validated CSV): per image its decision, and per
    synset a summary. The initial subset is drawn among images with >= initial_votes votes and
    judged by all their votes (the first ``votes_per_image`` of each image in time order; all
    by default: a file with 39 votes per image gives the judge 39, not the table's 10); the
    rest are replayed vote by vote in time order until the table decides. ``judge``: how the
    subset is judged (None: config.labels; "dawid-skene" uses the workers)."""
    images_out, rows = [], []
    for wnid, (images, source, _) in vote_matrices(table, votes_per_image).items():
        have = (source.votes != NO_VOTE).sum(1)
        eligible = have >= config.initial_votes
        res = dynamic_consensus(source, config, wnid, seed, eligible=eligible,
                                subset_votes=max(config.initial_votes, source.votes.shape[1]), judge=judge)
        read = res.n_votes if res.votes_read is None else res.votes_read
        images_out.append(pd.DataFrame({"wnid": wnid, "image_id": images, "votes_available": have,
                                        "n_votes": res.n_votes, "yes": res.yes, "votes_read": read,
                                        "initial": res.initial, "confidence": res.confidence,
                                        "accepted": res.decision == ACCEPT,
                                        "decision": res.decision}))
        rows.append({"wnid": wnid, "images": len(images), "initial": int(res.initial.sum()),
                     "accepted": int(res.accepted.sum()), "votes_used": res.total_votes,
                     "votes_available": int(have.sum()), "consensus": res.consensus,
                     "table_max": res.table.max_confidence(config.max_votes),
                     "note": "" if eligible.any() else
                     f"no image has {config.initial_votes} votes: the initial subset, and so the "
                     "confidence table, needs that many votes per image (paper: at least 10)"})
    return pd.concat(images_out, ignore_index=True), pd.DataFrame(rows)


# ---------------------------------------------------------------- handing over to later notebooks

def save_clean_set(result: CleanResult, out: Any) -> Path:
    """Write the clean set (parquet, atomically) and the per-synset table through the
    notebook's ResultWriter, so both are in the manifest."""
    buf = io.BytesIO()
    result.clean.reset_index(drop=True).to_parquet(buf, index=False)
    path = out.file(buf.getvalue(), str(CLEAN_SET_PATH))
    out.table(result.summary[["wnid", "subtree", "depth", "candidates", "accepted", "precision",
                              "votes_per_image", "consensus"]], CLEAN_SUMMARY_TABLE, index=False)
    return path


WORKER_MODEL_PATH = Path("data") / "crowd_worker_model.json"


def save_worker_model(model: WorkerModel, config: ConsensusConfig, out: Any) -> Path:
    """The worker model and consensus settings 02 used, so later notebooks that clean extra
    synsets use the same (fitted) crowd."""
    import json

    text = json.dumps({"worker_model": model.to_dict(), "consensus": config.to_dict()},
                      indent=2, sort_keys=True) + "\n"
    return out.file(text, str(WORKER_MODEL_PATH))


def load_worker_model(results_dir: Path | str) -> tuple[WorkerModel, ConsensusConfig]:
    """The worker model and consensus settings notebook 02 used."""
    import json

    path = Path(results_dir) / WORKER_MODEL_PATH
    if not path.is_file():
        raise _need_02(path)
    d = json.loads(path.read_text())
    return WorkerModel(**d["worker_model"]), ConsensusConfig(**d["consensus"])


def _need_02(what: Path) -> UserError:
    return UserError(f"{what} does not exist: run notebooks/02_clean_with_crowd.ipynb first "
                     f"(./run_all.sh --only 02, with the same --scale and results folder)")


def load_clean_set(results_dir: Path | str) -> pd.DataFrame:
    """The clean set notebook 02 saved (one row per accepted image)."""
    path = Path(results_dir) / CLEAN_SET_PATH
    if not path.is_file():
        raise _need_02(path)
    return pd.read_parquet(path)


def load_clean_summary(results_dir: Path | str) -> pd.DataFrame:
    """Notebook 02's per-synset summary (wnid, subtree, depth, candidates, accepted, ...)."""
    path = Path(results_dir) / "tables" / f"{CLEAN_SUMMARY_TABLE}.csv"
    if not path.is_file():
        raise _need_02(path)
    return pd.read_csv(path, dtype={"wnid": str})


def clean_set_covering(results_dir: Path | str, world: Any, needed: Iterable[str], out: Any, seed: int = 2009,
                       amount: float = 1.0, table: str = "cleaned_later") -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Notebook 02's clean set and per-synset summary, completed with the ``needed`` synsets 02
    did not clean at this scale (same pipeline, seed and fitted worker model), so a later notebook
    has every synset it draws. Records the inputs, and the synsets cleaned here as the table
    ``table``. Returns (clean, summary, wnids cleaned here)."""
    res = Path(results_dir)
    clean = load_clean_set(res)
    summary = load_clean_summary(res)
    out.input(res / "data" / "clean_set.parquet")
    out.input(res / "tables" / "clean_per_synset.csv")
    missing = [w for w in dict.fromkeys(needed) if w not in set(summary["wnid"])]
    if missing:  # with the (fitted) worker model and consensus settings notebook 02 used
        model, consensus = load_worker_model(res)
        out.input(res / "data" / "crowd_worker_model.json")
        extra = clean_synsets(world, missing, model, consensus, seed=seed, amount=amount, progress=False)
        clean = pd.concat([clean, extra.clean], ignore_index=True)
        summary = pd.concat([summary, extra.summary[summary.columns]], ignore_index=True)
        out.table(extra.summary[["wnid", "subtree", "depth", "candidates", "accepted", "precision"]],
                  table, index=False)
    return clean, summary, missing


# ---------------------------------------------------------------- notebook 02's steps

def crowd_world(hierarchy: Any, seed: int = 2009) -> Any:
    """The simulated world of the hierarchy's subtrees, plus "mammal" when it is missing:
    Fig 7's "cat" and "Burmese cat" must be in the world whatever subtrees are cleaned."""
    from ..collect import simulated_web
    from ..hierarchy import load_hierarchy

    names = tuple(hierarchy.subtree_names)
    return simulated_web(load_hierarchy(names + (() if "mammal" in names else ("mammal",))), seed=seed)


def fig7_table(world: Any, synsets: list, model: WorkerModel, config: ConsensusConfig, seed: int = 2009,
               amount: float = 1.0, prior: WorkerModel | None = None
               ) -> tuple[pd.DataFrame, dict[str, ConfidenceTable]]:
    """Fig 7's cells: the paper's, the prior's and the fitted model's expected values, and the
    table estimated from the simulated initial subset of each synset (cleaned as every other
    synset is), with the residuals against the paper. Returns (cells, estimated tables)."""
    pool = WorkerPool.create(model, seed)
    estimated = {fs.label: clean_synset(world, fs.wnid, pool, config, seed, amount)[2].table for fs in synsets}
    fig7 = fig7_comparison(synsets, model, seed, start=prior, estimated=estimated)
    fig7["residual_fitted"] = fig7["fitted"] - fig7["paper"]
    fig7["residual_estimated"] = fig7["estimated"] - fig7["paper"]
    return fig7, estimated


def subtree_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """Per subtree: synsets, candidates and accepted images, mean precision and consensus share."""
    return summary.groupby("subtree", sort=False).agg(
        synsets=("wnid", "size"), candidates=("candidates", "sum"), accepted=("accepted", "sum"),
        precision=("precision", "mean"), consensus=("consensus", "mean"))


def fig4_precision(world: Any, summary: pd.DataFrame, clean: pd.DataFrame, model: WorkerModel,
                   seed: int = 2009, n: int = paper.FIG4_SYNSETS, subtrees: Sequence[str] = paper.FIG4_SUBTREES,
                   verify_votes: int = 5) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Fig 4 as the paper measured it, and against the truth: n synsets sampled across depths,
    their clean sets judged by an independent group, and the precision per depth (its means
    in ``attrs``: mean, mean_verified). Returns (sample, verified, by_depth)."""
    sample = sample_across_depths(summary, n, subtrees, seed)
    verified = verify_clean_set(world, clean[clean["wnid"].isin(set(sample["wnid"]))], model, seed, verify_votes)
    by_depth = precision_by_depth(sample, verified)
    by_depth.attrs.update(mean=verified["precision"].mean(), mean_verified=verified["precision_verified"].mean())
    return sample, verified, by_depth
