"""Classifiers per second: our vectorised AdaBoost (recognition/boosting.py) against
scikit-learn's ``AdaBoostClassifier(DecisionTreeClassifier(max_depth=1))`` on the same data.

    .venv/bin/python benchmarks/adaboost.py [--n 10000] [--d 256] [--rounds 50] [--pos 100]

The data has the shape of one synset's classifier in the tree-max experiment (Fig 9): a
synset's ~100 training positives against the common negative set (10 images of each of
~1,000 synsets), d features. Prints seconds per classifier, classifiers per second, the
ratio, and how close the two ensembles are (training error, AUC on held-out rows).
Pinned to one BLAS thread so the comparison is core for core.
"""

from __future__ import annotations

import argparse
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.ensemble import AdaBoostClassifier  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from imagenet_repro.recognition.boosting import (SharedNegatives, balanced_weights, fit_batch,  # noqa: E402
                                                  fit_codes, make_bins)
from imagenet_repro.rng import rng  # noqa: E402


def data(n: int, d: int, pos: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Histogram-like non-negative features; positives shifted on a few dimensions."""
    g = rng(seed, "bench-adaboost")
    X = g.gamma(0.6, 1.0, size=(n, d))
    y = np.zeros(n, dtype=bool)
    y[:pos] = True
    X[:pos, : d // 8] += g.gamma(0.6, 0.6, size=(pos, d // 8))
    return X, y


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="training images per classifier")
    ap.add_argument("--d", type=int, default=256, help="features")
    ap.add_argument("--pos", type=int, default=100, help="positives among them")
    ap.add_argument("--rounds", type=int, default=50, help="boosting rounds (stumps)")
    ap.add_argument("--bins", type=int, default=32, help="thresholds per feature (ours)")
    ap.add_argument("--repeat", type=int, default=2, help="our single classifiers timed (sklearn: 1)")
    ap.add_argument("--batch", type=int, default=32, help="classifiers trained in lockstep on shared negatives")
    args = ap.parse_args()
    X, y = data(args.n + 2000, args.d, args.pos + 20)
    test = np.r_[np.arange(args.pos, args.pos + 20), np.arange(args.n + 20, args.n + 2000)]
    train = np.setdiff1d(np.arange(len(y)), test)
    Xtr, ytr, Xte, yte = X[train], y[train], X[test], y[test]
    w0 = balanced_weights(ytr)

    t = time.perf_counter()
    bins = make_bins(Xtr, args.bins)
    codes = bins.codes(Xtr)
    t_bins = time.perf_counter() - t
    res = {}
    for crit in ("error", "gini"):
        t = time.perf_counter()
        for _ in range(args.repeat):
            m = fit_codes(codes, ytr, bins, n_rounds=args.rounds, sample_weight=w0, criterion=crit)
        res[crit] = ((time.perf_counter() - t) / args.repeat, m)

    # the tree-max case: many classifiers, one common negative set (each its own positives;
    # here the same positives with different initial weights, so the work is the same)
    neg = SharedNegatives.from_codes(codes[~ytr], bins)
    pos = [codes[ytr]] * args.batch
    g = rng(1, "bench-adaboost-batch")
    wn = np.full((len(neg), args.batch), 0.5 / len(neg)) * g.uniform(0.5, 1.5, size=(len(neg), args.batch))
    t = time.perf_counter()
    batch = fit_batch(neg, pos, bins, wn, [np.full(int(ytr.sum()), 0.5 / ytr.sum())] * args.batch,
                      n_rounds=args.rounds, criterion="gini")
    t_batch = (time.perf_counter() - t) / args.batch

    t = time.perf_counter()
    sk = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=args.rounds,
                            random_state=0).fit(Xtr, ytr, sample_weight=w0)
    t_sk = time.perf_counter() - t

    print(f"data: {len(ytr)} training images ({int(ytr.sum())} positive) x {args.d} features, "
          f"{args.rounds} rounds; held out {len(yte)} ({int(yte.sum())} positive)")
    print(f"ours: thresholds and codes once per pool: {t_bins:.3f} s ({args.bins} bins per feature)")
    print(f"scikit-learn AdaBoost(depth-1 tree): {t_sk:.3f} s per classifier "
          f"({1 / t_sk:.2f} classifiers/s), train error {1 - sk.score(Xtr, ytr):.4f}, "
          f"held-out AUC {roc_auc_score(yte, sk.decision_function(Xte)):.4f}")
    for crit, (sec, m) in res.items():
        print(f"ours criterion={crit}: {sec:.3f} s per classifier ({1 / sec:.2f} classifiers/s), "
              f"ratio {t_sk / sec:.1f}x scikit-learn; train error {m.train_error:.4f}, "
              f"held-out AUC {roc_auc_score(yte, m.decision_function(Xte)):.4f}")
    print(f"ours in lockstep, {args.batch} classifiers on shared negatives (criterion=gini, as tree-max): "
          f"{t_batch:.3f} s per classifier ({1 / t_batch:.2f} classifiers/s), ratio {t_sk / t_batch:.1f}x "
          f"scikit-learn, {res['gini'][0] / t_batch:.1f}x one at a time; "
          f"mean train error {np.mean([b.train_error for b in batch]):.4f}")


if __name__ == "__main__":
    main()
