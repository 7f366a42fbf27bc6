"""Benchmark: crowd votes simulated and aggregated per second, at the paper's scale.

Three measurements (prints numbers, writes nothing):
1. the dynamic consensus alone on synthetic synsets of the paper's size (10K candidates after
   dedup each): votes simulated + aggregated per second;
2. the full vote matrix (10 votes per candidate) and its fixed-k majority vote, and
   Dawid-Skene (crowd-kit) on a slice, per second;
3. with ``--full``: clean_synsets on the simulated world at scale=paper (all 12 subtrees,
   5,247 synsets, web size 1.0), end to end (collection, dedup, votes, consensus).

    .venv/bin/python benchmarks/crowd_votes.py [--synsets 100] [--full]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from imagenet_repro.crowd import (ConsensusConfig, SimulatedVotes, WorkerModel, WorkerPool,
                                  dawid_skene, dynamic_consensus, majority_vote, make_task)


def synthetic(n: int, seed: int) -> tuple[pd.DataFrame, float, float]:
    rng = np.random.default_rng(seed)
    pos = rng.random(n) < rng.uniform(0.05, 0.6)
    sim = np.where(pos, 1.0, np.where(rng.random(n) < 0.2, rng.uniform(0.85, 0.99, n), 0.0))
    df = pd.DataFrame({"is_positive": pos, "similarity": sim.astype(np.float32),
                       "difficulty": rng.beta(2, 5, n).astype(np.float32)})
    return df, float(rng.beta(8, 2)), float(rng.uniform(0.3, 0.99))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--synsets", type=int, default=100)
    ap.add_argument("--candidates", type=int, default=10_000)
    ap.add_argument("--full", action="store_true", help="also clean the whole world at scale=paper")
    args = ap.parse_args()
    model, config = WorkerModel(), ConsensusConfig()
    pool = WorkerPool.create(model, 2009)
    frames = [synthetic(args.candidates, s) for s in range(args.synsets)]

    t0 = time.perf_counter()
    votes = sims = 0
    for i, (df, img, conf) in enumerate(frames):
        src = SimulatedVotes(pool, make_task(model, f"n{i}", df, img, conf), 2009)
        res = dynamic_consensus(src, config, f"n{i}", 2009)
        votes += res.total_votes
        sims += src.simulated
    dt = time.perf_counter() - t0
    n = args.synsets * args.candidates
    print(f"1. dynamic consensus: {args.synsets} synsets x {args.candidates:,} candidates = {n:,}; "
          f"{votes:,} votes ({votes / n:.2f} per image) in {dt:.2f} s -> {votes / dt:,.0f} votes/s; "
          f"{dt / args.synsets * 1000:.1f} ms per synset -> {dt / args.synsets * 5247 / 60:.1f} min "
          f"for the paper's 5,247 synsets (crowd part only)")

    t0 = time.perf_counter()
    total, longs = 0, []
    for i, (df, img, conf) in enumerate(frames):
        src = SimulatedVotes(pool, make_task(model, f"n{i}", df, img, conf), 2009)
        w, v = src.matrix(config.max_votes)
        for k in (1, 3, 5, 7, 9):
            majority_vote(v, k)
        total += v.size
        if i < 5:
            longs.append(pd.DataFrame({"task": np.repeat(np.arange(len(df)) + i * len(df), 5),
                                       "worker": w[:, :5].ravel(), "label": v[:, :5].ravel().astype(int)}))
    dt = time.perf_counter() - t0
    print(f"2. full matrices: {total:,} votes simulated + majority vote at 5 values of k in {dt:.2f} s "
          f"-> {total / dt:,.0f} votes/s")
    long = pd.concat(longs, ignore_index=True)
    t0 = time.perf_counter()
    dawid_skene(long)
    dt = time.perf_counter() - t0
    print(f"   Dawid-Skene (crowd-kit) on {len(long):,} votes in {dt:.2f} s -> {len(long) / dt:,.0f} votes/s")

    if args.full:
        from imagenet_repro.config import get_scale
        from imagenet_repro.crowd import clean_synsets
        from imagenet_repro.hierarchy import load_hierarchy
        from imagenet_repro.world import World

        S = get_scale("paper")
        t0 = time.perf_counter()
        world = World(load_hierarchy(S.subtrees))
        t_world = time.perf_counter() - t0
        res = clean_synsets(world, list(world.synsets.index), model, config, amount=S.candidates_per_synset)
        st = res.stats
        print(f"3. scale=paper: world built in {t_world:.1f} s; {len(res.summary):,} synsets, "
              f"{int(st['candidates']):,} candidates after dedup, {int(st['votes']):,} votes, "
              f"{len(res.clean):,} clean images in {st['seconds'] / 60:.1f} min "
              f"({st['votes'] / st['seconds']:,.0f} votes/s end to end, world included)")


if __name__ == "__main__":
    main()
