"""Per-image costs of the pixel stages and the speed-up of the parallel map, measured in one run.

    .venv/bin/python benchmarks/pixel_stages.py [--images 200] [--workers 2]

Prints ratios that mean something on any machine: images rendered, tiny images made, SIFT
described, perceptually hashed and turned into visual words per second per core; exact
nearest-neighbour search of tiny images against the SGEMM peak of the same run; the speed-up
of parallel_map from 1 to N local workers (and its efficiency); and, from the per-image costs,
how long each stage would take at 50M images on W workers (the estimate ARCHITECTURE.md
quotes). All on one BLAS thread per process, as inside the parallel map's workers.
"""

from __future__ import annotations

import argparse
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

from imagenet_repro.features import (SiftParams, knn, learn_vocabulary, sift_descriptors,  # noqa: E402
                                     tiny_image, tiny_vectors)
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
    desc = [sift_descriptors(im, SiftParams())[0] for im in images]
    vocab = learn_vocabulary(np.concatenate(desc), 1000, seed=0)
    t0 = time.perf_counter()
    for d in desc:
        vocab.assign(d)
    costs["visual words (1,000-word vocabulary)"] = (time.perf_counter() - t0) / len(images)
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

    g = np.random.default_rng(0)
    n = 1536
    a, b = g.standard_normal((n, n), dtype=np.float32), g.standard_normal((n, n), dtype=np.float32)
    t0 = time.perf_counter()
    for _ in range(3):
        a @ b
    peak = 3 * 2 * n ** 3 / (time.perf_counter() - t0)
    tiny = tiny_vectors(np.stack([tiny_image(im) for im in images]))
    base = np.concatenate([tiny] * (20000 // len(tiny) + 1))[:20000]
    base = base + g.normal(0, 1e-3, base.shape).astype(np.float32)
    q = tiny[:200]
    t0 = time.perf_counter()
    knn(q, base, 100)
    t = time.perf_counter() - t0
    rate = 2.0 * len(q) * len(base) * base.shape[1] / t
    print(f"\nexact kNN of tiny images (d=3072, k=100, one thread): {rate / 1e9:.1f} GFLOP/s = "
          f"{rate / peak:.0%} of this run's SGEMM peak ({peak / 1e9:.1f} GFLOP/s)")

    eff = min(1.0, speedup / args.workers)
    print(f"\nestimate at 50M images on W workers (the per-image costs above, scaling x {eff:.2f}):")
    print(f"  {'stage':40s}" + "".join(f"{w:>10d} w" for w in (2, 16, 64, 256)))
    for name, c in costs.items():
        print(f"  {name:40s}" + "".join(f"{50e6 * c / (w * eff) / 3600:>10.1f} h" for w in (2, 16, 64, 256)))
    per_query = 2.0 * 50e6 * 3072 / rate  # one query image against 50M tiny images
    print(f"  {'kNN: 1,000 test images vs 50M tiny':40s}"
          + "".join(f"{1000 * per_query / (w * eff) / 3600:>10.1f} h" for w in (2, 16, 64, 256)))


if __name__ == "__main__":
    main()
