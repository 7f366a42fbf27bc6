"""Exact nearest neighbours by chunked float32 BLAS (features.knn) against the SGEMM peak,
scikit-learn's brute force and faiss's flat index; an approximate faiss HNSW index with its
recall; NBNN's kernel; images rendered and SIFT-described per second per core.

    .venv/bin/pip install -e '.[bench]'      # faiss, for the comparison (the package needs none)
    .venv/bin/python benchmarks/knn_blas.py [--quick]

Without faiss the faiss lines are left out and said so.

Timings are the best of a few repeats, the methods' repeats interleaved (a busy neighbour on a
shared machine then slows them alike), on the BLAS threads the machine gives. The SGEMM peak is
measured in the same run (a large square product of numpy's BLAS), so the fraction of peak
does not hang on a data sheet. The SIFT problem uses real descriptors of rendered images (HNSW's
recall on random vectors would understate it).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def interleaved(fns: dict, repeats: int = 3) -> dict[str, float]:
    """Best time of each function, the repeats taken round-robin (after one warm-up each)."""
    best = {k: np.inf for k in fns}
    for f in fns.values():
        f()
    for _ in range(repeats):
        for k, f in fns.items():
            t = time.perf_counter()
            f()
            best[k] = min(best[k], time.perf_counter() - t)
    return best


def sift_problem(n_base_images: int, n_query_images: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    """SIFT descriptors of rendered web images (base) and Caltech-style ones (queries), and the
    render and SIFT rates per core (one thread)."""
    import cv2
    from threadpoolctl import threadpool_limits

    from imagenet_repro.features import SiftParams, sift_descriptors
    from imagenet_repro.world.render import LATENT_DIM, render_scene

    cv2.setNumThreads(1)
    g = np.random.default_rng(1)
    lat = g.standard_normal((50, LATENT_DIM))
    with threadpool_limits(1):
        render_scene(lat[0], 0.5, (1, 0, 0))
        t0 = time.perf_counter()
        imgs = [render_scene(lat[i % 50], (i % 10) / 10, (1, i % 50, i), style="web" if i < n_base_images else "caltech").image
                for i in range(n_base_images + n_query_images)]
        render_rate = len(imgs) / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        desc = [sift_descriptors(im, SiftParams())[0] for im in imgs]
        sift_rate = len(imgs) / (time.perf_counter() - t0)
    return np.concatenate(desc[:n_base_images]), np.concatenate(desc[n_base_images:]), render_rate, sift_rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller problems (a smoke test)")
    args = ap.parse_args()
    try:
        import faiss
    except ImportError:
        faiss = None
        print("faiss not installed (pip install -e '.[bench]'): its lines are left out")
    from sklearn.neighbors import NearestNeighbors
    from threadpoolctl import threadpool_info

    from imagenet_repro.features import knn, segment_min_distances

    threads = max(i.get("num_threads", 1) for i in threadpool_info() if i.get("user_api") == "blas")
    if faiss is not None:
        faiss.omp_set_num_threads(threads)
    g = np.random.default_rng(0)
    s = 0.5 if args.quick else 1.0

    n = int(3072 * s)
    a, b = g.standard_normal((n, n), dtype=np.float32), g.standard_normal((n, n), dtype=np.float32)
    peak = 2 * n ** 3 / interleaved({"gemm": lambda: a @ b})["gemm"] / 1e9
    print(f"SGEMM peak ({n}^3, numpy's OpenBLAS, {threads} threads): {peak:.1f} GFLOP/s")
    del a, b

    base_sift, query_sift, render_rate, sift_rate = sift_problem(int(1000 * s), int(80 * s))
    problems = {
        "tiny images (d=3072, k=100)": (g.standard_normal((int(2000 * s), 3072), dtype=np.float32),
                                        g.standard_normal((int(20000 * s), 3072), dtype=np.float32), 100),
        "SIFT of renders (d=128, k=10)": (query_sift, base_sift, 10),
    }
    for name, (q, base, k) in problems.items():
        nq, nb, d = len(q), len(base), base.shape[1]
        flops = 2.0 * nq * nb * d
        nn = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(base)
        methods = {"ours": lambda: knn(q, base, k), "sklearn": lambda: nn.kneighbors(q)}
        if faiss is not None:
            flat = faiss.IndexFlatL2(d)
            flat.add(base)
            methods["faiss"] = lambda: flat.search(q, k)
        t = interleaved(methods, repeats=2)
        ours = knn(q, base, k)
        same_sk = np.mean(nn.kneighbors(q, return_distance=False) == ours.indices)
        print(f"\n{name}: {nq:,} queries x {nb:,} base")
        print(f"  features.knn (exact): {t['ours']:7.3f} s  {flops / t['ours'] / 1e9:6.1f} GFLOP/s = "
              f"{flops / t['ours'] / 1e9 / peak:5.1%} of the SGEMM peak")
        print(f"  sklearn brute force:  {t['sklearn']:7.3f} s  ours {t['sklearn'] / t['ours']:4.2f}x faster "
              f"(same neighbours {same_sk:.4f})")
        if faiss is None:
            continue
        same_fa = np.mean(flat.search(q, k)[1] == ours.indices)
        print(f"  faiss IndexFlatL2:    {t['faiss']:7.3f} s  ours {t['faiss'] / t['ours']:4.2f}x faster "
              f"(same neighbours {same_fa:.4f})")
        if d <= 256:
            hnsw = faiss.IndexHNSWFlat(d, 32)
            hnsw.hnsw.efConstruction = 80
            t0 = time.perf_counter()
            hnsw.add(base)
            build = time.perf_counter() - t0
            for ef in (32, 128, 512):
                hnsw.hnsw.efSearch = ef
                th = interleaved({"h": lambda: hnsw.search(q, k)}, repeats=1)["h"]
                hi = hnsw.search(q, k)[1]
                recall = np.mean([len(set(hi[i]) & set(ours.indices[i])) / k for i in range(nq)])
                print(f"  faiss HNSW32 ef={ef:<4d} {th:7.3f} s  recall@{k} {recall:.3f}  (build {build:.1f} s)")

    nq, nb, C = int(6400 * s), int(300_000 * s), int(1000 * s)
    q = base_sift[g.integers(0, len(base_sift), nq)] + g.normal(0, 5, (nq, 128)).astype(np.float32)
    base = np.concatenate([base_sift] * (nb // len(base_sift) + 1))[:nb]
    offsets = np.linspace(0, nb, C + 1).astype(np.int64)
    t = interleaved({"nbnn": lambda: segment_min_distances(q, base, offsets)}, repeats=1)["nbnn"]
    flops = 2.0 * nq * nb * 129
    print(f"\nNBNN kernel (segment_min_distances): {nq:,} query descriptors x {nb:,} class descriptors in "
          f"{C} classes: {t:.2f} s, {flops / t / 1e9:.1f} GFLOP/s = {flops / t / 1e9 / peak:.1%} of the peak")
    print(f"\nper core (one thread): {render_rate:.0f} images rendered/s (web and Caltech style, ~400x350), "
          f"{sift_rate:.0f} images SIFT-described/s (longer side 256, at most 100 descriptors)")
    print(f"(os.cpu_count() = {os.cpu_count()})")


if __name__ == "__main__":
    main()
