"""Benchmark: the statistical level (notebooks 01-02's heavy steps) at scale=paper, each stage
beside the time its random draws alone take, measured in the same run.

Stages (the notebooks' calls, on the paper's world: all 12 subtrees, web size 1.0):
  queries      queries for all 5,247 synsets (collect.queries.paper_queries; cached on disk
               after the first run: --cold recomputes it)
  collection   World.collect_summary over every synset (notebook 01)
  sensitivity  collect.sensitivity.precision_sensitivity over 300 synsets (notebook 01)
  cleaning     crowd.pipeline.clean_synsets over every synset: search, dedup, votes, consensus
               (notebook 02)
  baselines    vote_records of 80 synsets + crowd.cost_precision: majority vote and
               Dawid-Skene at 5 values of k and on the dynamic votes (notebook 02)

For each stage it counts the uniforms drawn (counter-based rng.uniform/normal/gumbel of the
world; numpy Generator.random of the workers) and then times drawing as many with
``imagenet_repro.rng.uniform`` and with ``numpy.random.Generator.random``: the ratio
stage time / draw time says how far a stage is from the bound its randomness sets, on any
machine. The stages run in this one process (the notebooks spread the collection, the
cleaning and the Dawid-Skene fits over the cores; the draw counts need one process), so the
times are one core's. Prints numbers, writes nothing (besides the package's own .cache).

    .venv/bin/python benchmarks/statistical_pipeline.py [--synsets N] [--cold] [--skip cleaning,baselines]
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import contextmanager

import numpy as np

from imagenet_repro import crowd, rng
from imagenet_repro.collect import queries as Q
from imagenet_repro.collect import sensitivity as SE
from imagenet_repro.collect import simulated_web
from imagenet_repro.config import get_scale
from imagenet_repro.crowd import pipeline as P
from imagenet_repro.crowd import workers as W
from imagenet_repro.hierarchy import load_hierarchy
from imagenet_repro.parallel import WORKERS_ENV
from imagenet_repro.world import model as M
from imagenet_repro.world import web

STAGES = ("queries", "collection", "sensitivity", "cleaning", "baselines")


class DrawCounter:
    """Counts the random numbers drawn through the world's counter-based hashes and the
    workers' seeded generators while a stage runs."""

    def __init__(self) -> None:
        self.counter = 0  # rng.uniform / normal / gumbel elements
        self.generator = 0  # Generator.random elements

    @contextmanager
    def counting(self):
        saved = []

        def wrap(module, name):
            fn = getattr(module, name)

            def counted(*parts):
                out = fn(*parts)
                self.counter += int(np.size(out))
                return out

            saved.append((module, name, fn))
            setattr(module, name, counted)

        for module in (M, web):
            for name in ("uniform", "normal", "gumbel"):
                if hasattr(module, name):
                    wrap(module, name)
        original_rng = W.rng
        counter = self

        class CountingGenerator:
            def __init__(self, gen):
                self._gen = gen

            def random(self, size=None):
                out = self._gen.random(size)
                counter.generator += int(np.size(out))
                return out

            def __getattr__(self, name):
                return getattr(self._gen, name)

        W.rng = lambda *keys: CountingGenerator(original_rng(*keys))
        try:
            yield self
        finally:
            W.rng = original_rng
            for module, name, fn in saved:
                setattr(module, name, fn)


def draw_seconds(n: int, chunk: int = 5_000_000) -> tuple[float, float]:
    """Seconds to draw n uniforms with rng.uniform (counter-based) and Generator.random."""
    t0 = time.perf_counter()
    for start in range(0, n, chunk):
        rng.uniform(2009, np.arange(start, min(n, start + chunk), dtype=np.int64), 21)
    t1 = time.perf_counter()
    gen = np.random.default_rng(2009)
    for start in range(0, n, chunk):
        gen.random(min(chunk, n - start))
    return t1 - t0, time.perf_counter() - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synsets", type=int, default=None, help="only every k-th synset, N in all (default: all 5,247)")
    ap.add_argument("--cold", action="store_true", help="recompute the queries table (no disk cache)")
    ap.add_argument("--skip", default="", help=f"comma-separated stages to skip ({', '.join(STAGES)})")
    args = ap.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    os.environ[WORKERS_ENV] = "1"  # one process: every draw is counted here
    S = get_scale("paper")
    seed, amount = 2009, S.candidates_per_synset

    t0 = time.perf_counter()
    H = load_hierarchy(S.subtrees)
    world = simulated_web(H, seed=seed)
    world.mapper = None  # search here, not in worker processes
    wnids = P.select_synsets(H.synsets, S.max_synsets_per_subtree, seed)
    if args.synsets:
        wnids = wnids[:: max(1, len(wnids) // args.synsets)][: args.synsets]
    print(f"hierarchy + world: {time.perf_counter() - t0:.1f} s; {len(wnids):,} synsets at amount {amount}")

    rows = []

    def stage(name: str, fn, what: str) -> object:
        if name in skip:
            return None
        counter = DrawCounter()
        with counter.counting():
            t = time.perf_counter()
            out = fn()
            dt = time.perf_counter() - t
        rows.append((name, dt, counter.counter, counter.generator, what))
        print(f"  {name:12s} {dt:8.1f} s  {what}", flush=True)
        return out

    if args.cold:
        Q._PAPER_QUERIES.clear()
        stage("queries", lambda: {w: Q._compute_queries_for(w, list(Q.LANGUAGES)) for w in load_hierarchy().wnids},
              "queries for 5,247 synsets, computed")
    else:
        stage("queries", lambda: Q.paper_queries(), "queries for 5,247 synsets (disk cache if present)")
    summary = stage("collection", lambda: world.collect_summary(wnids, amount=amount, progress=False),
                    f"World.collect_summary, {len(wnids):,} synsets")
    if summary is not None:
        print(f"               {int(summary['raw'].sum()):,} raw results, "
              f"{int(summary['unique'].sum()):,} after dedup")
    sens_wnids = SE.sensitivity_sample(wnids, S.sensitivity_synsets, seed)
    stage("sensitivity", lambda: SE.precision_sensitivity(world, sens_wnids, amount=amount, progress=False),
          f"precision_sensitivity, {len(sens_wnids)} synsets x grid")
    model, config = crowd.WorkerModel(), crowd.ConsensusConfig()
    res = stage("cleaning", lambda: P.clean_synsets(world, wnids, model, config, seed=seed, amount=amount,
                                                     progress=False), f"clean_synsets, {len(wnids):,} synsets")
    if res is not None:
        st = res.stats
        print(f"               {int(st['candidates']):,} candidates, {int(st['votes']):,} votes, "
              f"{len(res.clean):,} clean images")
        summ = res.summary
    else:
        summ = None

    def baselines():
        base = summ if summ is not None else P.clean_synsets(world, wnids[:400], model, config, seed=seed,
                                                             amount=amount, progress=False).summary
        sample = P.sample_across_depths(base, 80, ("mammal", "vehicle"), seed)
        records = P.vote_records(world, list(sample["wnid"]), model, config, seed, amount)
        return crowd.cost_precision(records, config, ks=(1, 3, 5, 7, 9))

    stage("baselines", baselines, "vote_records(80 synsets) + cost_precision (Dawid-Skene x6)")

    print("\nthe random-draw bound, measured now (uniforms drawn by each stage, then drawn alone):")
    print(f"  {'stage':12s} {'seconds':>8s} {'uniforms':>14s} {'rng.uniform':>12s} {'Gen.random':>11s}"
          f" {'ratio(rng.uniform)':>19s} {'ratio(Gen.random)':>18s}")
    for name, dt, n_counter, n_gen, _ in rows:
        n = n_counter + n_gen
        if n == 0:
            print(f"  {name:12s} {dt:8.1f} {0:14,d}  (no random draws)")
            continue
        t_u, t_g = draw_seconds(n)
        print(f"  {name:12s} {dt:8.1f} {n:14,d} {t_u:11.2f}s {t_g:10.2f}s {dt / t_u:19.1f} {dt / t_g:18.1f}")
    total = sum(r[1] for r in rows)
    print(f"  total {total:.1f} s")


if __name__ == "__main__":
    main()
