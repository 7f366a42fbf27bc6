"""Per-image costs of the pixel stages and the speed-up of the parallel map, measured in one run.

    .venv/bin/python benchmarks/pixel_stages.py [--images 200] [--workers 2]

Prints ratios that mean something on any machine: images rendered, tiny images made, SIFT
described and perceptually hashed per second per core; the speed-up of parallel_map from 1 to
N local workers (and its efficiency); and, from the per-image costs, how long each stage would
take at 50M images on W workers (the estimate ARCHITECTURE.md quotes).
"""

from __future__ import annotations

import argparse
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

from imagenet_repro.features import SiftParams, sift_descriptors, tiny_image  # noqa: E402
from imagenet_repro.features.phash import phash64  # noqa: E402
from imagenet_repro.hierarchy import load_hierarchy  # noqa: E402
from imagenet_repro.parallel import ParallelConfig, parallel_map  # noqa: E402
from imagenet_repro.sources.simulated import SYNTHETIC_ID_BASE  # noqa: E402
from imagenet_repro.world import World  # noqa: E402
from imagenet_repro.world.render import render_job  # noqa: E402


def _render(job):
    return render_job(job).image.shape


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=200)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    world = World(load_hierarchy(("mammal", "vehicle")))
    wnids = list(world.synsets.index)
    pick = np.linspace(0, len(wnids) - 1, args.images).astype(int)
    jobs = [world.render_job(wnids[p], SYNTHETIC_ID_BASE + k) for k, p in enumerate(pick)]

    t0 = time.perf_counter()
    images = [render_job(j).image for j in jobs]
    t_render = (time.perf_counter() - t0) / len(jobs)
    costs = {"render (about 400x350)": t_render}
    for name, fn in (("tiny image 32x32", tiny_image), ("perceptual hash", phash64),
                     ("SIFT (longer side 256, 100 keypoints)", lambda im: sift_descriptors(im, SiftParams()))):
        t0 = time.perf_counter()
        for im in images:
            fn(im)
        costs[name] = (time.perf_counter() - t0) / len(images)
    print(f"one core, {len(images)} images (load {os.getloadavg()[0]:.1f}):")
    for name, c in costs.items():
        print(f"  {name:40s} {1000 * c:7.2f} ms/image  {1 / c:8.1f} images/s/core")

    one = ParallelConfig("local", 1, min_items=1)
    many = ParallelConfig("local", args.workers, min_items=1)
    parallel_map(_render, jobs[:4], config=many, progress=False)  # start the worker pool once
    t0 = time.perf_counter()
    parallel_map(_render, jobs, config=one, progress=False)
    t1 = time.perf_counter()
    parallel_map(_render, jobs, config=many, progress=False)
    t2 = time.perf_counter()
    speedup = (t1 - t0) / (t2 - t1)
    print(f"parallel_map rendering: 1 worker {t1 - t0:.1f} s, {args.workers} workers {t2 - t1:.1f} s: "
          f"speed-up {speedup:.2f}x, efficiency {speedup / args.workers:.0%}")

    per_image = sum(costs.values())
    print("\nestimate at 50M images (render + tiny + hash + SIFT per image, perfect scaling x efficiency):")
    for w in (2, 16, 64, 256):
        hours = 50e6 * per_image / (w * min(1.0, speedup / args.workers)) / 3600
        print(f"  {w:4d} workers: {hours:8.1f} h")


if __name__ == "__main__":
    main()
