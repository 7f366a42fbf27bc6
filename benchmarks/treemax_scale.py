"""Time of the whole tree-max experiment (Fig 9) at the default scale, on synthetic features.

    .venv/bin/python benchmarks/treemax_scale.py [--images 100] [--d 256] [--workers 2]

Every synset of the mammal subtree (1,170) gets ``--images`` images whose features are a
synset mean (its parent's mean plus noise, so the tree means something) plus image noise;
only the time is of interest here: split, one AdaBoost per synset on ~11,700 common
negatives, scores and AUCs. No cache.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from imagenet_repro.hierarchy import load_hierarchy
from imagenet_repro.parallel import ParallelConfig
from imagenet_repro.recognition.treemax import TreeMaxConfig, run_treemax
from imagenet_repro.rng import rng


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=100, help="images per synset")
    ap.add_argument("--d", type=int, default=256, help="features")
    ap.add_argument("--workers", type=int, default=2, help="processes (1: serial)")
    ap.add_argument("--rounds", type=int, default=50)
    args = ap.parse_args()
    h = load_hierarchy(("mammal",))
    wnids = h.wnids
    row = {w: i for i, w in enumerate(wnids)}
    g = rng(0, "bench-treemax")
    mean = np.zeros((len(wnids), args.d))
    for w in h.synsets.sort_values("depth").index:  # parents before children
        ps = [row[p] for p in h.parents[w]]
        mean[row[w]] = (mean[ps].mean(axis=0) if ps else 0.0) + g.normal(size=args.d)
    labels = np.repeat(wnids, args.images)
    X = (mean[np.repeat(np.arange(len(wnids)), args.images)]
         + 2.0 * g.normal(size=(len(labels), args.d))).astype(np.float32)
    par = ParallelConfig("serial", 1) if args.workers == 1 else ParallelConfig("local", args.workers)
    t = time.perf_counter()
    res = run_treemax(X, labels, h, "mammal", seed=2009, config=TreeMaxConfig(n_rounds=args.rounds),
                      cache_dir=None, parallel=par)
    total = time.perf_counter() - t
    print(f"{len(labels)} images x {args.d} features, {res.n_analysed} classifiers, "
          f"{int(res.per_synset['n_negatives'].median())} negatives each (median), {args.rounds} rounds, "
          f"{args.workers} worker(s)")
    print(f"training {res.trained_seconds:.1f} s ({res.n_analysed / res.trained_seconds:.1f} classifiers/s), "
          f"scoring + AUC {res.score_seconds:.1f} s, total {total:.1f} s")
    print(res.summary())


if __name__ == "__main__":
    main()
