"""Discrete AdaBoost over decision stumps, vectorised over every feature at once (Sec 4.2).

Why our own: the tree-max experiment (Fig 9) trains one classifier per synset, about a
thousand of them on the same ten-thousand common negatives; scikit-learn's
``AdaBoostClassifier(DecisionTreeClassifier(max_depth=1))`` re-sorts every feature in
every round. Here the candidate thresholds of each feature are fixed once (``StumpBins``:
one cut per quantile window, across its widest gap; every cut when a feature has few
distinct values), each image becomes a row of bin codes, and a round is one weighted
histogram over (feature, bin) followed by running sums: the weighted Gini impurity (or
error) of every stump of every feature at once. Classifiers sharing their negatives (the
common negative set) train in lockstep (``fit_batch``): the negatives' histograms of all of
them are one sparse one-hot (feature-bin x image) @ weights (image x classifier) product.
``benchmarks/adaboost.py`` prints the speed against scikit-learn's.

The boosting is SAMME with two classes, exactly as scikit-learn runs it (weights
normalised, clipped at machine epsilon, alpha = log((1 - err) / err), a perfect stump
ends training with alpha 1, a stump no better than chance ends it before being kept).
Two ways to choose the stump of a round:

- ``criterion="gini"`` (default): the stump of least weighted Gini impurity with each side
  voting its weighted majority, as a scikit-learn depth-1 tree chooses it. With bins on
  every distinct value this reproduces scikit-learn's ensemble (tests/test_treemax.py);
- ``criterion="error"``: the stump of least weighted error, the classic discrete AdaBoost
  (Freund and Schapire; the detector cascades of Viola and Jones).

The real-valued score of an image is the boosted margin, sum over rounds of alpha * h(x)
with h in {-1, +1} (``decision_function``; ``normalized=True`` divides by sum alpha, which
is scikit-learn's decision function divided by 2).

Deterministic: no random draw anywhere; ties between stumps go to the lowest
(feature, threshold) index; a classifier's result does not depend on the batch it is
trained in (tests/test_treemax.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import UserError

CRITERIA = ("error", "gini")
_FEATURE_BLOCK = 256  # features sorted at once when building bins (bounds memory)


# ---------------------------------------------------------------- candidate thresholds

@dataclass(frozen=True)
class StumpBins:
    """Candidate thresholds of every feature; ``edges[f, :n_edges[f]]`` ascending, +inf after.

    A stump on feature f at edge k sends x to the right side when x > edges[f, k]. The bin
    code of a value is the number of edges below it, so "right of edge k" is "code > k".
    """

    edges: np.ndarray  # (d, n_bins - 1) float64
    n_edges: np.ndarray  # (d,) int64

    @property
    def n_features(self) -> int:
        return int(self.edges.shape[0])

    @property
    def n_bins(self) -> int:
        return int(self.edges.shape[1]) + 1

    def codes(self, X: np.ndarray) -> np.ndarray:
        """Bin codes (n, d) of the rows of X: uint8 when there are at most 256 bins."""
        X = _check_matrix(X, "X")
        if X.shape[1] != self.n_features:
            raise UserError(f"X has {X.shape[1]} features, the bins were made for {self.n_features}")
        dtype = np.uint8 if self.n_bins <= 256 else np.uint16
        out = np.empty(X.shape, dtype=dtype)
        for f in range(self.n_features):  # one searchsorted per feature (d calls, vectorised over images)
            out[:, f] = np.searchsorted(self.edges[f, :self.n_edges[f]], X[:, f], side="left")
        return out


def make_bins(X: np.ndarray, n_bins: int = 32) -> StumpBins:
    """At most ``n_bins - 1`` thresholds per feature, one per quantile window: the sorted
    values are cut into ``n_bins - 1`` windows of about n / n_bins cuts around the
    ``k / n_bins`` quantiles, and each window keeps its cut across the widest gap between
    consecutive values (none if all its values are tied). So a gap between two clusters of
    values is always a candidate, and a feature with at most ``n_bins`` distinct values
    keeps every cut. Each threshold is the midpoint of the two values (as scikit-learn's)."""
    X = _check_matrix(X, "X")
    if not 2 <= int(n_bins) <= 65536:
        raise UserError(f"n_bins must be in [2, 65536], got {n_bins!r}")
    n, d = X.shape
    n_bins = int(n_bins)
    edges = np.full((d, n_bins - 1), np.inf)
    n_edges = np.zeros(d, dtype=np.int64)
    if n < 2:
        return StumpBins(edges, n_edges)
    # cut c (1..n-1) splits the sorted column into s[:c] | s[c:]; row c - 1 of the gaps.
    # Windows: [1, m_1), [m_1, m_2), ..., [m_{K-1}, n) with m_k halfway between quantiles.
    t = np.arange(1, n_bins) * n / n_bins
    mids = np.rint((t[:-1] + t[1:]) / 2).astype(np.int64)
    starts = (np.arange(1, n) if n <= n_bins  # every cut its own window
              else np.unique(np.clip(np.r_[1, mids], 1, n - 1)))  # first cut of each window
    lengths = np.diff(np.r_[starts, n])
    window = np.repeat(np.arange(len(starts)), lengths)  # window of each cut row
    rows = np.arange(n - 1)
    for lo in range(0, d, _FEATURE_BLOCK):
        s = np.sort(X[:, lo:lo + _FEATURE_BLOCK].astype(np.float64), axis=0)
        gap = s[1:] - s[:-1]  # (n-1, b)
        widest = np.maximum.reduceat(gap, starts - 1, axis=0)  # (windows, b)
        first = np.where(gap == widest[window], rows[:, None], n)
        cut = np.minimum.reduceat(first, starts - 1, axis=0) + 1  # the first widest cut
        ok = widest > 0
        cols = np.arange(s.shape[1])
        safe = np.where(ok, cut, 1)
        left, right = s[safe - 1, cols[None, :]], s[safe, cols[None, :]]
        mid = left / 2.0 + right / 2.0
        mid = np.where(np.isfinite(mid) & (mid != right), mid, left)  # scikit-learn's rule
        # compact: valid edges first (stable), +inf after
        order = np.argsort(~ok, axis=0, kind="stable")
        block = np.where(np.take_along_axis(ok, order, axis=0), np.take_along_axis(mid, order, axis=0), np.inf)
        edges[lo:lo + s.shape[1], :block.shape[0]] = block.T
        n_edges[lo:lo + s.shape[1]] = ok.sum(axis=0)
    return StumpBins(edges, n_edges)


# ---------------------------------------------------------------- the boosted ensemble

@dataclass(frozen=True)
class StumpEnsemble:
    """T stumps: h_t(x) = right[t] if x[feature[t]] > threshold[t] else left[t] (values +-1)."""

    feature: np.ndarray  # (T,) int64
    threshold: np.ndarray  # (T,) float64
    left: np.ndarray  # (T,) int8, +1 or -1
    right: np.ndarray  # (T,) int8
    alpha: np.ndarray  # (T,) float64
    error: np.ndarray  # (T,) weighted training error of each stump
    train_error: float  # share of training images the sign of the margin gets wrong

    @property
    def n_rounds(self) -> int:
        return int(self.alpha.shape[0])

    def decision_function(self, X: np.ndarray, normalized: bool = False) -> np.ndarray:
        """The boosted margin sum_t alpha_t h_t(x) of each row (divided by sum alpha when
        ``normalized``, so that classifiers of different synsets compare); 0 when empty."""
        X = np.asarray(X)
        if X.ndim != 2:
            raise UserError(f"X must be a 2-d matrix (images x features), got shape {X.shape}")
        if self.n_rounds == 0:
            return np.zeros(X.shape[0])
        if X.shape[1] <= int(self.feature.max()):
            raise UserError(f"X has {X.shape[1]} features, the classifier uses feature {int(self.feature.max())}")
        return self.decision_function_t(np.ascontiguousarray(X.T), normalized)

    def decision_function_t(self, Xt: np.ndarray, normalized: bool = False) -> np.ndarray:
        """``decision_function`` of the transposed matrix (features x images, C-contiguous):
        one contiguous row per stump, for scoring many classifiers on the same images.
        margin = sum_t alpha_t left_t + sum_t alpha_t (right_t - left_t) [x_f > threshold_t]."""
        if self.n_rounds == 0:
            return np.zeros(Xt.shape[1])
        fires = (Xt[self.feature] > self.threshold[:, None]).astype(np.float64)  # (T, images)
        margin = float(self.alpha @ self.left) + (self.alpha * (self.right - self.left)) @ fires
        return margin / self.alpha.sum() if normalized else margin

    def predict(self, X: np.ndarray) -> np.ndarray:
        """True where the margin is positive."""
        return self.decision_function(X) > 0


@dataclass(frozen=True)
class SharedNegatives:
    """Negatives shared by many classifiers, prepared once: their bin codes and the sparse
    one-hot matrix (feature-bin x image) whose product with a weight matrix gives every
    classifier's weighted histogram at once."""

    codes: np.ndarray  # (n, d) bin codes
    codes_t: np.ndarray  # (d, n) the same, one contiguous row per feature
    onehot_t: Any  # scipy.sparse CSR (n_bins * d, n) float32, row b * d + f: one 1 per (feature, image)

    @classmethod
    def from_codes(cls, codes: np.ndarray, bins: StumpBins) -> "SharedNegatives":
        from scipy import sparse

        codes = np.asarray(codes)
        n, d = codes.shape
        nb = bins.n_bins
        cols = (codes.astype(np.int64) * d + np.arange(d, dtype=np.int64)[None, :]).ravel()  # bin-major
        onehot = sparse.csr_matrix((np.ones(n * d, dtype=np.float32), cols, np.arange(0, n * d + 1, d)),
                                   shape=(n, d * nb))
        return cls(codes, np.ascontiguousarray(codes.T), onehot.T.tocsr())

    def __len__(self) -> int:
        return int(self.codes.shape[0])


def fit_batch(negatives: SharedNegatives, positives: list[np.ndarray], bins: StumpBins,
              neg_weight: np.ndarray, pos_weight: list[np.ndarray], n_rounds: int = 50,
              criterion: str = "gini", learning_rate: float = 1.0) -> list[StumpEnsemble]:
    """Discrete AdaBoost (SAMME, two classes) for C classifiers at once, in lockstep.

    Classifier c is trained on the bin codes ``positives[c]`` (its own positives, weights
    ``pos_weight[c]``) and on the shared negatives with weights ``neg_weight[:, c]`` (0
    leaves a negative out). A round costs one sparse (feature-bin x image) @ (image x C)
    product for the negatives' histograms and one ``bincount`` for the positives'; each
    classifier's result depends on its own data only (the product sums each column
    separately), not on which others share the batch. Histograms are summed in float32
    (they only choose the stump); errors, alphas and weights are float64."""
    if criterion not in CRITERIA:
        raise UserError(f"unknown stump criterion {criterion!r}: choose one of {', '.join(CRITERIA)}")
    if int(n_rounds) < 1:
        raise UserError(f"n_rounds must be at least 1, got {n_rounds!r}")
    C, d, nb = len(positives), bins.n_features, bins.n_bins
    n_neg = len(negatives)
    # the negatives' weights as (C, n) rows: every per-classifier sum runs over one contiguous
    # row, so a classifier's numbers do not depend on the batch it is trained in
    Wn = np.ascontiguousarray(np.asarray(neg_weight, dtype=np.float64).reshape(n_neg, C).T)
    uses_neg = Wn > 0
    sizes = np.array([len(p) for p in positives], dtype=np.int64)
    owner = np.repeat(np.arange(C), sizes)
    P = (np.concatenate([np.asarray(p).reshape(-1, d) for p in positives]) if C
         else np.zeros((0, d), np.uint8))
    Wp = (np.concatenate([np.asarray(w, dtype=np.float64).ravel() for w in pos_weight]) if C
          else np.zeros(0))
    if Wp.shape != (len(P),) or (Wn < 0).any() or (Wp < 0).any() \
            or not (np.isfinite(Wn).all() and np.isfinite(Wp).all()):
        raise UserError("weights must be finite and non-negative, one per training image")
    n_pos_c = np.bincount(owner, weights=(Wp > 0), minlength=C)
    n_neg_c = uses_neg.sum(axis=1)
    if C and (n_pos_c.min() == 0 or n_neg_c.min() == 0):
        c = int(np.flatnonzero((n_pos_c == 0) | (n_neg_c == 0))[0])
        raise UserError(f"classifier {c} needs positive and negative images with weight, "
                        f"got {int(n_pos_c[c])} and {int(n_neg_c[c])}")
    total = Wn.sum(axis=1) + np.bincount(owner, weights=Wp, minlength=C)
    Wn /= total[:, None]
    Wp /= total[owner]
    zero_n, zero_p = ~uses_neg, Wp == 0
    # histograms are laid out (bin, feature, classifier), as the sparse product gives them;
    # the stumps are scored one edge at a time over (feature, classifier) slabs
    flat_p = ((P.astype(np.int64) * d + np.arange(d, dtype=np.int64)[None, :]) * C + owner[:, None]).ravel()
    invalid = ~(np.arange(nb - 1)[:, None] < bins.n_edges[None, :])  # (nb-1, d)
    eps = np.finfo(np.float64).eps
    active = np.full(C, bool((~invalid).any()))
    rec: dict[str, list[list]] = {k: [[] for _ in range(C)]
                                  for k in ("feature", "edge", "left", "right", "alpha", "error")}
    rows_p = np.arange(len(P))
    for t in range(int(n_rounds)):
        if not active.any():
            break
        np.clip(Wn, eps, None, out=Wn)
        Wn[zero_n] = 0.0
        np.clip(Wp, eps, None, out=Wp)
        Wp[zero_p] = 0.0
        hn = (negatives.onehot_t @ np.ascontiguousarray(Wn.T, dtype=np.float32)).reshape(nb, d, C)
        hp = np.bincount(flat_p, weights=np.repeat(Wp, d), minlength=nb * d * C).reshape(nb, d, C)
        tn, tp = hn[:, 0].sum(axis=0, dtype=np.float64), hp[:, 0].sum(axis=0)  # (C,) totals
        k, f, lnk, lpk = _best_stumps(hn, hp, tn, tp, invalid, criterion)
        found = k >= 0
        k, f = np.maximum(k, 0), np.maximum(f, 0)
        if criterion == "error":  # h = +1 on the side with more positive than negative weight
            ep = lpk + (tn - lnk)  # error of h = +1 on the right
            right = np.where(ep <= (tn + tp) - ep, 1, -1)
            left = -right
        else:  # each side votes its weighted majority (ties to the negative class)
            left = np.where(lpk > lnk, 1, -1)
            right = np.where(tp - lpk > tn - lnk, 1, -1)
        # each classifier's stump on its own training images: a negative is wrong on +1
        wrong_n = np.where(negatives.codes_t[f] > k[:, None], right[:, None], left[:, None]) > 0  # (C, n)
        wrong_p = np.where(P[rows_p, f[owner]] > k[owner], right[owner], left[owner]) < 0
        w_total = Wn.sum(axis=1) + np.bincount(owner, weights=Wp, minlength=C)
        err = (np.where(wrong_n, Wn, 0.0).sum(axis=1)
               + np.bincount(owner, weights=np.where(wrong_p, Wp, 0.0), minlength=C)) / w_total
        perfect = active & found & (err <= 0)  # kept with weight 1, training ends (scikit-learn's rule)
        keep = active & found & (err < 0.5)  # a stump no better than chance ends training, unkept
        with np.errstate(divide="ignore"):
            alpha = np.where(perfect, 1.0, learning_rate * np.log((1.0 - err) / np.where(err > 0, err, 1.0)))
        for c in np.flatnonzero(keep):
            for key, val in (("feature", f[c]), ("edge", k[c]), ("left", left[c]), ("right", right[c]),
                             ("alpha", alpha[c]), ("error", err[c])):
                rec[key][c].append(val)
        active = keep & ~perfect
        if t < int(n_rounds) - 1 and active.any():
            a = np.where(active, alpha, 0.0)
            with np.errstate(divide="ignore"):  # log 0 = -inf stays 0 (scikit-learn's update)
                Wn = np.exp(np.log(Wn) + a[:, None] * wrong_n * (Wn > 0))
                Wp = np.exp(np.log(Wp) + a[owner] * wrong_p * (Wp > 0))
            total = Wn.sum(axis=1) + np.bincount(owner, weights=Wp, minlength=C)
            ok = np.isfinite(total) & (total > 0)
            active &= ok
            total = np.where(ok, total, 1.0)
            Wn /= total[:, None]
            Wp /= total[owner]
    start = np.r_[0, np.cumsum(sizes)]
    models = []
    for c in range(C):
        feature = np.asarray(rec["feature"][c], dtype=np.int64)
        edge = np.asarray(rec["edge"][c], dtype=np.int64)
        left = np.asarray(rec["left"][c], dtype=np.int8)
        right = np.asarray(rec["right"][c], dtype=np.int8)
        alpha = np.asarray(rec["alpha"][c], dtype=np.float64)
        own = P[start[c]:start[c + 1]]
        wrong = np.r_[_margin_codes(feature, edge, left, right, alpha, own) <= 0,
                      _margin_codes(feature, edge, left, right, alpha, negatives.codes[uses_neg[c]]) > 0]
        models.append(StumpEnsemble(
            feature=feature, threshold=bins.edges[feature, edge] if len(feature) else np.zeros(0),
            left=left, right=right, alpha=alpha, error=np.asarray(rec["error"][c], dtype=np.float64),
            train_error=float(wrong.mean())))
    return models


def _best_stumps(hn: np.ndarray, hp: np.ndarray, tn: np.ndarray, tp: np.ndarray, invalid: np.ndarray,
                 criterion: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The best stump of each classifier from (bin, feature, classifier) histograms: edge k,
    feature f (-1 when none is valid) and the negative / positive weight left of it.

    One pass over the edges with running sums and in-place arithmetic (no (edges x features
    x classifiers) array); the first best wins in (feature, edge) order. Error: the stump
    whose better polarity has the least weighted error, i.e. the largest
    |lp - ln + (tn - tp) / 2|. Gini: scikit-learn's proxy (ln^2 + lp^2) / l + (rn^2 + rp^2) / r,
    both sides holding weight."""
    nb, d, C = hn.shape
    shape = (d, C)
    ln, lp = np.zeros(shape), np.zeros(shape)
    score, t1, t2 = np.empty(shape), np.empty(shape), np.empty(shape)
    best = np.full(shape, -np.inf)
    best_k = np.full(shape, -1, dtype=np.int64)
    up = np.empty(shape, dtype=bool)
    half = (tn - tp) / 2
    tiny = 1e-12 * (tn + tp)  # a side holding less weight is empty
    for b in range(nb - 1):  # a loop over the edges, vectorised over features and classifiers
        ln += hn[b]
        lp += hp[b]
        if criterion == "error":
            np.subtract(lp, ln, out=score)
            score += half
            np.abs(score, out=score)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                np.add(ln, lp, out=t2)  # left weight
                np.less_equal(t2, tiny, out=up)
                np.multiply(ln, ln, out=score)
                np.multiply(lp, lp, out=t1)
                score += t1
                score /= t2
                np.subtract(tn, ln, out=t1)  # rn
                np.subtract(tp, lp, out=t2)  # rp
                np.multiply(t1, t1, out=t1)
                np.multiply(t2, t2, out=t2)
                t1 += t2  # rn^2 + rp^2
                np.add(ln, lp, out=t2)
                np.subtract(tn + tp, t2, out=t2)  # right weight
                up |= t2 <= tiny
                t1 /= t2
                score += t1
                score[up] = -np.inf
        score[invalid[b]] = -np.inf
        np.greater(score, best, out=up)
        np.copyto(best, score, where=up)
        np.copyto(best_k, b, where=up)
    cols = np.arange(C)
    f = np.argmax(best, axis=0)  # first feature among the best
    k = best_k[f, cols]
    f = np.where(k >= 0, f, -1)
    fs, ks = np.maximum(f, 0), np.maximum(k, 0)
    lnk = np.cumsum(hn[:, fs, cols], axis=0)[ks, cols]  # (nb, C) -> the chosen edge's
    lpk = np.cumsum(hp[:, fs, cols], axis=0)[ks, cols]
    return k, f, lnk, lpk


def _margin_codes(feature, edge, left, right, alpha, codes: np.ndarray) -> np.ndarray:
    if len(feature) == 0:
        return np.zeros(codes.shape[0])
    return np.where(codes[:, feature] > edge, right, left).astype(np.float64) @ alpha


def fit_codes(codes: np.ndarray, y: np.ndarray, bins: StumpBins, n_rounds: int = 50,
              sample_weight: np.ndarray | None = None, criterion: str = "gini",
              learning_rate: float = 1.0) -> StumpEnsemble:
    """One classifier on precomputed bin codes (``bins.codes(X)``); ``y`` True for positives;
    ``sample_weight`` the initial weights (uniform when None). The engine of ``fit_batch``."""
    codes = np.asarray(codes)
    y = np.asarray(y, dtype=bool)
    if codes.ndim != 2 or codes.shape[1] != bins.n_features:
        raise UserError(f"codes must be (images, {bins.n_features}) bin codes, got shape {codes.shape}")
    n = codes.shape[0]
    if y.shape != (n,):
        raise UserError(f"y must have one label per image ({n}), got shape {y.shape}")
    if y.all() or not y.any():
        raise UserError(f"AdaBoost needs positive and negative images, got {int(y.sum())} positive of {n}")
    w = np.full(n, 1.0 / n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if w.shape != (n,) or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise UserError("sample_weight must be n finite non-negative weights with a positive sum")
    neg = SharedNegatives.from_codes(codes[~y], bins)
    return fit_batch(neg, [codes[y]], bins, w[~y][:, None], [w[y]], n_rounds=n_rounds,
                     criterion=criterion, learning_rate=learning_rate)[0]


def fit_adaboost(X: np.ndarray, y: np.ndarray, n_rounds: int = 50, n_bins: int = 32,
                 sample_weight: np.ndarray | None = None, criterion: str = "gini",
                 learning_rate: float = 1.0, bins: StumpBins | None = None) -> StumpEnsemble:
    """Discrete AdaBoost with decision stumps on a feature matrix (images x features).

    ``bins``: thresholds made elsewhere (e.g. once for a pool of images shared by many
    classifiers); by default made from X with ``n_bins`` per feature."""
    X = _check_matrix(X, "X")
    bins = make_bins(X, n_bins) if bins is None else bins
    return fit_codes(bins.codes(X), y, bins, n_rounds=n_rounds, sample_weight=sample_weight,
                     criterion=criterion, learning_rate=learning_rate)


def balanced_weights(y: np.ndarray) -> np.ndarray:
    """Initial weights giving the positives and the negatives half the total each (Viola and
    Jones' start), so a rare class is not ignored by the first stumps."""
    y = np.asarray(y, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise UserError(f"balanced weights need both classes, got {n_pos} positive and {n_neg} negative")
    return np.where(y, 0.5 / n_pos, 0.5 / n_neg)


def _check_matrix(X: np.ndarray, name: str) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2:
        raise UserError(f"{name} must be a 2-d matrix (images x features), got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.number):
        raise UserError(f"{name} must be numeric, got dtype {X.dtype}")
    if X.size and not np.all(np.isfinite(X)):
        raise UserError(f"{name} holds NaN or infinite values")
    return X
