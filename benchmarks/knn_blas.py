"""Exact nearest neighbours by chunked float32 BLAS (features.knn) against the SGEMM peak,
scikit-learn's brute force and faiss's flat index; an approximate faiss HNSW index with its
recall; NBNN's kernel; images rendered and SIFT-described per second per core.

    .venv/bin/python benchmarks/knn_blas.py [--quick]

Every timing is the best of a few repeats, on the BLAS threads the machine gives (2 cores on
the development machine, shared: run it when the machine is quiet). The SGEMM peak is measured
in the same run (a large square product), so the fraction of peak does not depend on a number
from a data sheet.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def best(fn, repeats: int = 3) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller problems (a smoke test)")
    args = ap.parse_args()
    from threadpoolctl import threadpool_info

    from imagenet_repro.features import knn, segment_min_distances

    threads = max(i.get("num_threads", 1) for i in threadpool_info() if i.get("user_api") == "blas")
    g = np.random.default_rng(0)
    s = 0.5 if args.quick else 1.0

    # SGEMM peak, same run
    n = int(3072 * s)
    a, b = g.standard_normal((n, n), dtype=np.float32), g.standard_normal((n, n), dtype=np.float32)
    t = best(lambda: a @ b)
    peak = 2 * n ** 3 / t / 1e9
    print(f"SGEMM peak ({n}^3, {threads} BLAS threads): {peak:.1f} GFLOP/s")

    problems = {"tiny images (d=3072, k=100)": (int(2000 * s), int(20000 * s), 3072, 100),
                "SIFT (d=128, k=10)": (int(8000 * s), int(100000 * s), 128, 10)}
    for name, (nq, nb, d, k) in problems.items():
        q, base = g.standard_normal((nq, d), dtype=np.float32), g.standard_normal((nb, d), dtype=np.float32)
        flops = 2.0 * nq * nb * d
        t_ours = best(lambda: knn(q, base, k))
        ours = knn(q, base, k)
        print(f"\n{name}: {nq:,} queries x {nb:,} base")
        print(f"  features.knn (exact):   {t_ours:7.3f} s  {flops / t_ours / 1e9:6.1f} GFLOP/s = "
              f"{flops / t_ours / 1e9 / peak:5.1%} of the SGEMM peak")
        from sklearn.neighbors import NearestNeighbors

        nn = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(base)
        t_sk = best(lambda: nn.kneighbors(q), repeats=1)
        sk = nn.kneighbors(q, return_distance=False)
        print(f"  sklearn brute force:    {t_sk:7.3f} s  (ours {t_sk / t_ours:4.1f}x faster; "
              f"same neighbours {np.mean(sk == ours.indices):.4f})")
        import faiss

        faiss.omp_set_num_threads(threads)
        flat = faiss.IndexFlatL2(d)
        flat.add(base)
        t_fa = best(lambda: flat.search(q, k))
        _, fi = flat.search(q, k)
        print(f"  faiss IndexFlatL2:      {t_fa:7.3f} s  (ours / faiss time {t_ours / t_fa:4.2f}; "
              f"same neighbours {np.mean(fi == ours.indices):.4f})")
        if d <= 256:
            hnsw = faiss.IndexHNSWFlat(d, 32)
            hnsw.hnsw.efConstruction = 80
            t_build = time.perf_counter()
            hnsw.add(base)
            t_build = time.perf_counter() - t_build
            for ef in (32, 128):
                hnsw.hnsw.efSearch = ef
                t_h = best(lambda: hnsw.search(q, k), repeats=1)
                _, hi = hnsw.search(q, k)
                recall = np.mean([len(set(hi[i]) & set(ours.indices[i])) / k for i in range(nq)])
                print(f"  faiss HNSW32 ef={ef:<4d}   {t_h:7.3f} s  recall@{k} {recall:.3f} (build {t_build:.1f} s)")
        del q, base

    # NBNN's kernel: min squared distance per class segment
    nq, nb, C = int(6400 * s), int(300_000 * s), int(1000 * s)
    q, base = g.standard_normal((nq, 128), dtype=np.float32), g.standard_normal((nb, 128), dtype=np.float32)
    offsets = np.linspace(0, nb, C + 1).astype(np.int64)
    t = best(lambda: segment_min_distances(q, base, offsets), repeats=1)
    flops = 2.0 * nq * nb * 129
    print(f"\nNBNN kernel (segment_min_distances): {nq:,} query descriptors x {nb:,} class descriptors "
          f"in {C} classes: {t:.2f} s, {flops / t / 1e9:.1f} GFLOP/s = {flops / t / 1e9 / peak:.1%} of peak")
    del q, base

    # rendering and SIFT per core
    import cv2
    from threadpoolctl import threadpool_limits

    from imagenet_repro.features import SiftParams, sift_descriptors, tiny_image
    from imagenet_repro.world.render import LATENT_DIM, render_scene

    cv2.setNumThreads(1)
    lat = g.standard_normal((20, LATENT_DIM))
    n_img = 60 if args.quick else 200
    with threadpool_limits(1):
        render_scene(lat[0], 0.5, (1, 0, 0))
        t0 = time.perf_counter()
        imgs = [render_scene(lat[i % 20], (i % 10) / 10, (1, i % 20, i)).image for i in range(n_img)]
        t_r = time.perf_counter() - t0
        t0 = time.perf_counter()
        n_desc = sum(len(sift_descriptors(im, SiftParams())[0]) for im in imgs)
        t_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for im in imgs:
            tiny_image(im)
        t_t = time.perf_counter() - t0
    print(f"\nper core (one thread): {n_img / t_r:.0f} images rendered/s (web style, ~400x350), "
          f"{n_img / t_s:.0f} images SIFT-described/s ({n_desc / n_img:.0f} descriptors each, longer side 256), "
          f"{n_img / t_t:.0f} tiny images/s")
    print(f"(os.cpu_count() = {os.cpu_count()})")


if __name__ == "__main__":
    main()
