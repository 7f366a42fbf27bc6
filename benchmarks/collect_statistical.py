"""Benchmark: the statistical-level candidate collection for all 5,247 synsets.

Runs the simulated search engines on every synset's queries (WordNet synonyms, the paper's
parent-gloss expansions and the translations of collect.queries) at the given amount, one
synset at a time, and prints the wall time and the outcome numbers (SIMULATED):
raw results, candidates after intra-synset duplicate removal, raw precision.

    .venv/bin/python benchmarks/collect_statistical.py [--amount 1.0] [--seed 2009] [--limit N]
"""

from __future__ import annotations

import argparse
import time

from imagenet_repro.hierarchy import load_hierarchy
from imagenet_repro.world import World, WorldConfig


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--amount", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=2009)
    ap.add_argument("--limit", type=int, default=None, help="only the first N synsets")
    ap.add_argument("--lemmas-only", action="store_true",
                    help="query the WordNet synonyms only (no expansion, no translation)")
    ap.add_argument("--out", default=None, help="write the per-synset summary as CSV here")
    args = ap.parse_args()

    t0 = time.perf_counter()
    hierarchy = load_hierarchy()
    t1 = time.perf_counter()
    world = World(hierarchy, WorldConfig(seed=args.seed))
    t2 = time.perf_counter()
    wnids = hierarchy.wnids[: args.limit]
    queries_for = None
    if args.lemmas_only:
        from imagenet_repro.world.web import lemma_queries as queries_for
    summary = world.collect_summary(wnids, queries_for=queries_for, amount=args.amount)
    t3 = time.perf_counter()
    if args.out:
        summary.to_csv(args.out)

    s = summary
    print(f"synsets                      {len(s):,}")
    print(f"hierarchy load               {t1 - t0:8.1f} s")
    print(f"world build                  {t2 - t1:8.1f} s")
    print(f"collection (wall)            {t3 - t2:8.1f} s  ({1000 * (t3 - t2) / len(s):.1f} ms per synset)")
    print(f"queries per synset           mean {s['queries'].mean():.2f}")
    print(f"raw results (rows)           {int(s['raw'].sum()):,}  (mean {s['raw'].mean():,.0f} per synset)")
    print(f"candidates after dedup       mean {s['unique'].mean():,.0f}  median {s['unique'].median():,.0f}"
          f"  total {int(s['unique'].sum()):,}")
    print(f"duplicates removed           exact {int(s['exact_duplicates'].sum()):,}"
          f"  near {int(s['near_duplicates'].sum()):,}")
    print(f"raw precision (SIMULATED)    mean {s['raw_precision'].mean():.3f}"
          f"  median {s['raw_precision'].median():.3f}"
          f"  pooled {s['positives_raw'].sum() / s['raw'].sum():.3f}")
    print(f"precision after dedup        mean {s['unique_precision'].mean():.3f}")
    print(f"positives after dedup        mean {s['positives_unique'].mean():,.0f}"
          f"  median {s['positives_unique'].median():,.0f}")
    print(f"junk share of raw results    mean {s['junk_share'].mean():.3f}")
    print("by subtree (mean candidates after dedup, mean raw precision):")
    g = s.groupby("subtree", sort=False).agg(synsets=("raw", "size"), unique=("unique", "mean"),
                                              precision=("raw_precision", "mean"))
    print(g.round({"unique": 0, "precision": 3}).to_string())


if __name__ == "__main__":
    main()
