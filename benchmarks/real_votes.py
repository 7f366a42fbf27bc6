"""Benchmark: the real-votes part of notebook 02 (ReaL: 924,810 votes), step by step.

Prints seconds per step and votes per second (writes nothing but the package's own cache):
loading the rater files (``--cold`` ignores the parquet cache, i.e. decompresses the 85 x
184,962 x 3 tensor), Fig 7 on real votes, Dawid-Skene over all votes, votes needed by depth,
the replay in ``--orders`` vote orders, the maybe mapping, Fig 4 on ILSVRC labels, calibration.

    NLTK_DATA=$PWD/.nltk_data .venv/bin/python benchmarks/real_votes.py [--orders 3] [--cold]
"""

from __future__ import annotations

import argparse
import time

from imagenet_repro.crowd import ConsensusConfig
from imagenet_repro.crowd import real_votes as RV
from imagenet_repro.sources import reassessed as R


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="read the rater tensors, not the cache")
    args = ap.parse_args()
    cfg, seed, times = ConsensusConfig(), 2009, {}

    def step(name, fn):
        t = time.perf_counter()
        out = fn()
        times[name] = time.perf_counter() - t
        print(f"{name:28s} {times[name]:6.2f} s", flush=True)
        return out

    if args.cold:
        step("decompress raters.npz", lambda: R.load_answers("raters", cache_dir=None))
    data = step("load (cached)", RV.load_real_data)
    step("Fig 7 (2 groups, bootstrap)", lambda: RV.real_fig7(data, cfg, seed))
    ds = step("Dawid-Skene, all votes", lambda: RV.question_posteriors(data, seed))
    step("votes needed by depth", lambda: (RV.votes_needed_golden(data, cfg, seed),
                                           RV.needed_by_depth(RV.votes_needed_classes(data, ds))))
    rep = step(f"replay ({args.orders} orders)", lambda: RV.real_replay(data, cfg, seed, args.orders, ds_all=ds,
                                                                        progress=False))
    step("maybe mapping", lambda: RV.maybe_effect(data, cfg, seed, ds_current=ds))
    step("Fig 4 (ILSVRC vs ReaL)", lambda: RV.fig4_real_by_depth(RV.ilsvrc_precision(data)))
    step("calibration", lambda: RV.real_calibration(rep))
    total = sum(v for k, v in times.items() if k != "decompress raters.npz")
    print(f"{'total (warm)':28s} {total:6.2f} s; {len(data.votes) / total:,.0f} votes/s over the whole part")


if __name__ == "__main__":
    main()
