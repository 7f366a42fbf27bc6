"""Rendered images per second of the simulated world's pixel level, on one core.

    .venv/bin/python benchmarks/render_throughput.py [--n 300]

Pins the process to one CPU and OpenCV to one thread, renders web-style and Caltech-style
scenes (diversity spread over [0, 1], default sizes: about 400x350), junk images and
near-duplicate variants, and prints images per second and the mean image size.
"""

from __future__ import annotations

import argparse
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import time  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from imagenet_repro.world.render import (LATENT_DIM, make_variant, render_junk,  # noqa: E402
                                         render_scene)


def _rate(fn, n: int) -> tuple[float, np.ndarray]:
    fn(0)  # warm-up (lazy constants)
    sizes = np.zeros((n, 2))
    t = time.perf_counter()
    for i in range(n):
        img = fn(i)
        sizes[i] = img.shape[1], img.shape[0]
    return n / (time.perf_counter() - t), sizes.mean(axis=0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="images per measurement")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    cv2.setNumThreads(1)
    rng = np.random.default_rng(2009)
    latents = rng.standard_normal((50, LATENT_DIM))
    diversity = rng.random(50)
    base = render_scene(latents[0], 0.5, (2009, 0, 0)).image
    runs = {
        "web": lambda i: render_scene(latents[i % 50], diversity[i % 50], (2009, i % 50, i)).image,
        "caltech": lambda i: render_scene(latents[i % 50], diversity[i % 50], (2009, i % 50, i),
                                          style="caltech").image,
        "junk": lambda i: render_junk((2009, 0, i)).image,
        "variant": lambda i: make_variant(base, 1 + i % 5, (2009, 0, i)),
    }
    print(f"render throughput on 1 core, {args.n} images each")
    for name, fn in runs.items():
        rate, size = _rate(fn, args.n)
        print(f"{name:>8}: {rate:6.1f} images/s   mean size {size[0]:.0f}x{size[1]:.0f}")


if __name__ == "__main__":
    main()
