"""The tree-max classifier of Sec 4.2 / Fig 9: what the hierarchy buys a classifier.

Protocol (the paper's words in quotes; our reading where it says nothing):

- every synset of the hierarchy with at least ``min_images`` images takes part; its images
  (those labelled with it) are split "90% ... positive training image set, ... 10% as
  testing images", seeded per synset (``rng(seed, "treemax-split", wnid)``);
- "a common negative image set by aggregating 10 images randomly sampled from each synset",
  drawn from the training side (a test image is never a training negative);
- the classifier of synset s (AdaBoost with decision stumps, ``boosting.py``) is trained on
  the training images of s and the common negatives "excluding the images drawn from this
  synset, and its child and parent synsets" (``exclude="paper"``; ``"lineage"`` also drops
  every descendant and ancestor);
- scores on the held-out images: independent = the synset's own classifier; tree-max = "the
  maximum of all the classifier responses in this subtree" (s and every descendant that has
  a classifier). A response is the boosted margin divided by sum alpha (in [-1, 1]), so
  classifiers of different synsets compare; ``response="margin"`` takes the raw margin;
- AUC of synset s on the held-out images: positives are those of s and its descendants,
  negatives every other held-out image (held-out images of synsets outside the analysed
  subtree count as negatives: a subtree root has none unless such images are given);
- Fig 9: mean AUC over the synsets of each tree height (hierarchy's height, leaf = 1), both
  curves, with the number of synsets; a height with no AUC says why.

Trained classifiers are cached (``cache.cached_object``) keyed by a digest of the features
and labels, the hierarchy's synsets, the configuration and the seed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import paper
from ..cache import cached_object
from ..config import CACHE_DIR
from ..errors import UserError
from ..hierarchy import Hierarchy
from ..parallel import ParallelConfig, parallel_map
from ..rng import rng
from .boosting import CRITERIA, SharedNegatives, StumpBins, StumpEnsemble, fit_batch, make_bins

EXCLUDE = ("paper", "lineage")
RESPONSES = ("normalized", "margin")


@dataclass(frozen=True)
class TreeMaxConfig:
    """Parameters of the experiment; the paper fixes the split and the negatives."""

    min_images: int = 10  # a synset takes part with at least this many images
    train_share: float = paper.TRAIN_SHARE
    negatives_per_synset: int = paper.COMMON_NEGATIVES_PER_SYNSET
    exclude: str = "paper"  # which synsets' common negatives a classifier leaves out
    n_rounds: int = 50  # boosting rounds (stumps) per classifier
    n_bins: int = 32  # candidate thresholds per feature
    criterion: str = "gini"  # stump choice: "gini" as scikit-learn's trees, "error" classic
    balance: bool = True  # initial weights: half on the positives, half on the negatives
    response: str = "normalized"  # classifier response compared by the max
    batch_size: int = 32  # classifiers trained in lockstep

    def __post_init__(self) -> None:
        if int(self.min_images) < 2:
            raise UserError(f"TreeMaxConfig.min_images must be at least 2 (a train and a test image), "
                            f"got {self.min_images}")
        if not 0 < self.train_share < 1:
            raise UserError(f"TreeMaxConfig.train_share must be in (0, 1), got {self.train_share}")
        if int(self.negatives_per_synset) < 1:
            raise UserError("TreeMaxConfig.negatives_per_synset must be at least 1")
        if self.exclude not in EXCLUDE:
            raise UserError(f"TreeMaxConfig.exclude must be one of {', '.join(EXCLUDE)}, got {self.exclude!r}")
        if self.criterion not in CRITERIA:
            raise UserError(f"TreeMaxConfig.criterion must be one of {', '.join(CRITERIA)}")
        if self.response not in RESPONSES:
            raise UserError(f"TreeMaxConfig.response must be one of {', '.join(RESPONSES)}")
        if int(self.n_rounds) < 1 or int(self.n_bins) < 2 or int(self.batch_size) < 1:
            raise UserError("TreeMaxConfig: n_rounds >= 1, n_bins >= 2 and batch_size >= 1")

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# ---------------------------------------------------------------- split and negatives

@dataclass(frozen=True)
class Split:
    """Which images train, which are held out, and the common negative set."""

    participants: tuple[str, ...]  # synsets with enough images, hierarchy order
    train: dict[str, np.ndarray]  # wnid -> image indices (sorted)
    test: dict[str, np.ndarray]
    negatives: np.ndarray  # image indices of the common negative set
    negative_source: np.ndarray  # the synset (wnid) each negative was drawn from
    too_few: dict[str, int]  # synsets with images but fewer than min_images: their count


def split_images(labels: np.ndarray, hierarchy: Hierarchy, config: TreeMaxConfig, seed: int) -> Split:
    """The paper's 90/10 split per synset and the common negatives (training side only)."""
    labels = np.asarray(labels).astype(str)
    counts = pd.Series(labels).value_counts()
    order = [w for w in hierarchy.synsets.index if w in counts.index]
    participants = tuple(w for w in order if counts[w] >= config.min_images)
    too_few = {w: int(counts[w]) for w in order if counts[w] < config.min_images}
    train, test, negs, src = {}, {}, [], []
    for w in participants:  # a loop per synset
        idx = np.flatnonzero(labels == w)
        perm = rng(seed, "treemax-split", w).permutation(len(idx))
        n_test = min(len(idx) - 1, max(1, int(round((1 - config.train_share) * len(idx)))))
        test[w] = np.sort(idx[perm[:n_test]])
        train[w] = np.sort(idx[perm[n_test:]])
        k = min(int(config.negatives_per_synset), len(train[w]))
        drawn = np.sort(rng(seed, "treemax-negatives", w).choice(train[w], size=k, replace=False))
        negs.append(drawn)
        src += [w] * k
    return Split(participants, train, test, np.concatenate(negs) if negs else np.zeros(0, np.int64),
                 np.array(src, dtype=str), too_few)


def excluded_synsets(hierarchy: Hierarchy, wnid: str, exclude: str = "paper") -> set[str]:
    """The synsets whose common negatives the classifier of ``wnid`` leaves out: itself, its
    children and its parents (the paper), or its whole lineage (``"lineage"``)."""
    if exclude == "paper":
        return {wnid, *hierarchy.children[wnid], *hierarchy.parents[wnid]}
    if exclude == "lineage":
        return set(hierarchy.descendants(wnid)) | set(hierarchy.ancestors(wnid))
    raise UserError(f"exclude must be one of {', '.join(EXCLUDE)}, got {exclude!r}")


def negative_mask(split: Split, wnid: str, hierarchy: Hierarchy, exclude: str = "paper") -> np.ndarray:
    """Which common negatives the classifier of ``wnid`` trains on (bool per negative)."""
    return ~np.isin(split.negative_source, sorted(excluded_synsets(hierarchy, wnid, exclude)))


# ---------------------------------------------------------------- training

@dataclass(frozen=True)
class TreeMaxModels:
    """The trained classifiers (one per analysed synset) and what they were trained on."""

    wnids: tuple[str, ...]
    models: tuple[StumpEnsemble, ...]
    bins: StumpBins
    n_negatives: tuple[int, ...]  # common negatives each classifier used
    seconds: float  # training time when computed (a cache hit keeps the first run's)


def _train_batch(item: tuple) -> list[StumpEnsemble]:
    """One lockstep batch (module-level, pure: for the parallel map)."""
    negatives, positives, bins, wn, wp, n_rounds, criterion = item
    return fit_batch(negatives, positives, bins, wn, wp, n_rounds=n_rounds, criterion=criterion)


def train_classifiers(features: np.ndarray, split: Split, analysed: Sequence[str], hierarchy: Hierarchy,
                      config: TreeMaxConfig, parallel: ParallelConfig | None = None,
                      progress: bool = True) -> TreeMaxModels:
    """AdaBoost for every analysed synset: its training images against the common negatives
    less the excluded synsets'; thresholds made once from all training images."""
    t0 = time.perf_counter()
    pool = np.sort(np.concatenate([split.train[w] for w in split.participants]))
    bins = make_bins(features[pool], config.n_bins)
    codes = np.zeros((len(features), bins.n_features), dtype=np.uint8 if bins.n_bins <= 256 else np.uint16)
    codes[pool] = bins.codes(features[pool])
    negatives = SharedNegatives.from_codes(codes[split.negatives], bins)
    items, n_negs = [], []
    for lo in range(0, len(analysed), int(config.batch_size)):
        batch = list(analysed[lo:lo + int(config.batch_size)])
        use = np.stack([negative_mask(split, w, hierarchy, config.exclude) for w in batch], axis=1)
        n_neg = use.sum(axis=0)
        if (n_neg == 0).any():
            w = batch[int(np.flatnonzero(n_neg == 0)[0])]
            raise UserError(f"synset {w} has no common negative left after excluding itself, its children "
                            f"and parents: give images of more synsets")
        n_pos = np.array([len(split.train[w]) for w in batch])
        if config.balance:
            wn = np.where(use, 0.5 / n_neg[None, :], 0.0)
            wp = [np.full(n, 0.5 / n) for n in n_pos]
        else:
            tot = n_pos + n_neg
            wn = np.where(use, 1.0 / tot[None, :], 0.0)
            wp = [np.full(n, 1.0 / t) for n, t in zip(n_pos, tot)]
        items.append((negatives, [codes[split.train[w]] for w in batch], bins, wn, wp,
                      int(config.n_rounds), config.criterion))
        n_negs += n_neg.tolist()
    batches = parallel_map(_train_batch, items, desc="tree-max: AdaBoost per synset", progress=progress,
                           config=parallel)
    models = tuple(m for b in batches for m in b)
    return TreeMaxModels(tuple(analysed), models, bins, tuple(int(n) for n in n_negs),
                         time.perf_counter() - t0)


# ---------------------------------------------------------------- scores and AUC

def responses(models: TreeMaxModels, X: np.ndarray, response: str = "normalized") -> np.ndarray:
    """Each classifier's response to each image: (images, classifiers)."""
    Xt = np.ascontiguousarray(np.asarray(X).T)
    out = np.zeros((len(models.models), Xt.shape[1]))
    for j, m in enumerate(models.models):  # a loop per synset
        out[j] = m.decision_function_t(Xt, normalized=response == "normalized")
    return np.ascontiguousarray(out.T)


def tree_max_scores(scores: np.ndarray, wnids: Sequence[str], hierarchy: Hierarchy) -> np.ndarray:
    """Tree-max: the score of synset s is the maximum over s and its descendants among
    ``wnids`` (the columns of ``scores``)."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2 or scores.shape[1] != len(wnids):
        raise UserError(f"scores must be (images, {len(wnids)} synsets), got shape {scores.shape}")
    col = {w: j for j, w in enumerate(wnids)}
    out = np.empty_like(scores)
    for j, w in enumerate(wnids):  # a loop per synset
        sub = [col[d] for d in hierarchy.descendants(w) if d in col]
        out[:, j] = scores[:, sub].max(axis=1)
    return out


def _auc(scores: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """Tie-aware AUC (Mann-Whitney with mid-ranks) of each column; NaN without both classes.
    (A private helper: recognition/roc.py will hold the shared one.) Vectorised over
    columns: one sort per column, mid-ranks of tied runs from running first/last indices."""
    scores = np.asarray(scores, dtype=np.float64)
    positive = np.asarray(positive, dtype=bool)
    if scores.ndim == 1:
        return _auc(scores[:, None], positive.reshape(-1, 1))[0]
    S = np.ascontiguousarray(scores.T)  # (columns, images)
    Pm = np.ascontiguousarray(np.broadcast_to(positive, scores.shape).T)
    n = S.shape[1]
    order = np.argsort(S, axis=1, kind="stable")
    v = np.take_along_axis(S, order, axis=1)
    pos = np.arange(n)[None, :]
    starts = np.ones(v.shape, dtype=bool)
    starts[:, 1:] = v[:, 1:] != v[:, :-1]
    ends = np.ones(v.shape, dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    first = np.maximum.accumulate(np.where(starts, pos, 0), axis=1)
    last = np.minimum.accumulate(np.where(ends, pos, n)[:, ::-1], axis=1)[:, ::-1]
    ranks = (first + last) / 2.0 + 1.0  # mid-rank, 1-based
    p_sorted = np.take_along_axis(Pm, order, axis=1)
    n_pos = p_sorted.sum(axis=1).astype(np.float64)
    n_neg = n - n_pos
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = ((ranks * p_sorted).sum(axis=1) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return np.where((n_pos > 0) & (n_neg > 0), auc, np.nan)


# ---------------------------------------------------------------- the experiment

@dataclass
class TreeMaxResult:
    """Per-synset AUCs and the Fig 9 curves of one run."""

    roots: tuple[str, ...]  # wnids of the analysed subtrees' roots
    per_synset: pd.DataFrame  # indexed by wnid
    by_height: pd.DataFrame  # indexed by height 1..height of the root
    config: TreeMaxConfig
    seed: int
    n_images: int
    n_participants: int  # synsets (anywhere in the labels) with enough images
    n_analysed: int  # classifiers trained (analysed subtree)
    n_test: int
    train_seconds: float  # this run's training (or cache load)
    trained_seconds: float  # the training itself when it ran (a cache hit keeps the first run's)
    score_seconds: float
    models: TreeMaxModels | None = field(default=None, repr=False)

    def summary(self) -> str:
        bh = self.by_height.dropna(subset=["auc_independent"])
        return (f"tree-max on {', '.join(self.roots)}: {self.n_analysed} classifiers "
                f"({self.n_participants} synsets with "
                f">= {self.config.min_images} images), {self.n_test} held-out images; heights with AUC "
                f"{bh.index.tolist()}; tree-max >= independent at "
                f"{int((bh['auc_treemax'] >= bh['auc_independent']).sum())} of {len(bh)}")


def resolve_root(hierarchy: Hierarchy, subtree: str) -> str:
    """A subtree name ("mammal"), a wnid or a WordNet name ("bear.n.01") -> the root's wnid."""
    if subtree in hierarchy.subtree_names:
        return hierarchy.root(subtree)
    if subtree in hierarchy:
        return subtree
    hit = hierarchy.synsets.index[hierarchy.synsets["name"] == subtree]
    if len(hit):
        return str(hit[0])
    raise UserError(f"subtree {subtree!r} is neither a subtree name ({', '.join(hierarchy.subtree_names)}) "
                    f"nor a synset of the hierarchy (wnid or WordNet name)")


def _digest(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.dtype.str, a.shape)).encode())
        h.update(a.tobytes() if a.dtype != object else "\x00".join(map(str, a.ravel())).encode())
    return h.hexdigest()


def run_treemax(features: np.ndarray, labels: Sequence[str] | np.ndarray, hierarchy: Hierarchy,
                subtree: str | Sequence[str], seed: int, config: TreeMaxConfig | None = None,
                cache_dir: Path | None = CACHE_DIR, parallel: ParallelConfig | None = None,
                progress: bool = True, keep_models: bool = True) -> TreeMaxResult:
    """The tree-max experiment on a feature matrix (images x features) with one wnid label
    per image. Classifiers for the synsets of ``subtree`` (a subtree name or the root of a
    smaller one, or several); images of other synsets of the hierarchy take part as common
    negatives and held-out negatives."""
    cfg = config if config is not None else TreeMaxConfig()
    X = np.asarray(features)
    labels = np.asarray(labels).astype(str)
    if X.ndim != 2 or not np.issubdtype(X.dtype, np.number):
        raise UserError(f"features must be a numeric matrix (images x features), got shape {X.shape}, "
                        f"dtype {X.dtype}")
    if len(labels) != len(X):
        raise UserError(f"{len(labels)} labels for {len(X)} feature rows: give one wnid per image")
    if not np.all(np.isfinite(X)):
        bad = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise UserError(f"features hold NaN or infinite values (first at row {bad})")
    unknown = sorted(set(labels) - set(hierarchy.synsets.index))
    if unknown:
        raise UserError(f"{len(unknown)} label(s) are not synsets of the hierarchy, e.g. {unknown[:3]}")
    roots = tuple(dict.fromkeys(resolve_root(hierarchy, s)
                                for s in ([subtree] if isinstance(subtree, str) else subtree)))
    if not roots:
        raise UserError("give at least one subtree to analyse")
    in_subtree = {d for r in roots for d in hierarchy.descendants(r)}
    split = split_images(labels, hierarchy, cfg, seed)
    analysed = [w for w in split.participants if w in in_subtree]
    if not analysed:
        raise UserError(f"no synset under {', '.join(roots)} has {cfg.min_images} or more images (min_images)")

    params = {"features": _digest(X), "labels": _digest(labels), "seed": int(seed),
              "synsets": _digest(np.array(hierarchy.wnids, dtype=object)),
              "analysed": _digest(np.array(analysed, dtype=object)),
              "config": {k: v for k, v in cfg.as_dict().items() if k not in ("response", "batch_size")}}
    t0 = time.perf_counter()
    models = cached_object("treemax-models", params,
                           lambda: train_classifiers(X, split, analysed, hierarchy, cfg, parallel, progress),
                           cache_dir=cache_dir)
    train_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    test_idx = np.sort(np.concatenate([split.test[w] for w in split.participants]))
    indep = responses(models, X[test_idx], cfg.response)
    tmax = tree_max_scores(indep, models.wnids, hierarchy)
    test_labels = labels[test_idx]
    positive = np.zeros((len(test_idx), len(analysed)), dtype=bool)
    for j, w in enumerate(analysed):  # a loop per synset
        positive[:, j] = np.isin(test_labels, hierarchy.descendants(w))
    auc_i, auc_t = _auc(indep, positive), _auc(tmax, positive)
    score_seconds = time.perf_counter() - t0

    table = hierarchy.synsets
    n_pos, n_neg = positive.sum(axis=0), (~positive).sum(axis=0)
    col = {w: j for j, w in enumerate(analysed)}
    per = pd.DataFrame({
        "lemma": table.loc[analysed, "lemma"], "subtree": table.loc[analysed, "subtree"],
        "depth": table.loc[analysed, "depth"], "height": table.loc[analysed, "height"],
        "n_images": [len(split.train[w]) + len(split.test[w]) for w in analysed],
        "n_train": [len(split.train[w]) for w in analysed],
        "n_test": [len(split.test[w]) for w in analysed],
        "n_negatives": list(models.n_negatives),
        "classifiers_in_max": [sum(d in col for d in hierarchy.descendants(w)) for w in analysed],
        "test_positives": n_pos, "test_negatives": n_neg,
        "train_error": [m.train_error for m in models.models],
        "auc_independent": auc_i, "auc_treemax": auc_t,
    }, index=pd.Index(analysed, name="wnid"))
    per["missing"] = np.where(n_neg == 0, "AUC undefined: no held-out image outside its subtree", "")
    by_height = auc_by_height(per, hierarchy, roots, split.too_few)
    return TreeMaxResult(roots=roots, per_synset=per, by_height=by_height, config=cfg, seed=int(seed),
                         n_images=len(X), n_participants=len(split.participants), n_analysed=len(analysed),
                         n_test=len(test_idx), train_seconds=train_seconds, trained_seconds=models.seconds,
                         score_seconds=score_seconds,
                         models=models if keep_models else None)


def auc_by_height(per_synset: pd.DataFrame, hierarchy: Hierarchy, roots: str | Sequence[str],
                  too_few: dict[str, int] | None = None) -> pd.DataFrame:
    """Fig 9's curves: mean AUC of the synsets of each height (the hierarchy's, leaf = 1),
    for every height from 1 to the tallest root's; a height without an AUC says why."""
    too_few = too_few or {}
    roots = [roots] if isinstance(roots, str) else list(roots)
    members = list(dict.fromkeys(d for r in roots for d in hierarchy.descendants(r)))
    subtree = hierarchy.synsets.loc[members]
    rows = []
    for h in range(1, int(hierarchy.synsets.loc[roots, "height"].max()) + 1):
        in_tree = subtree.index[subtree["height"] == h]
        here = per_synset[per_synset["height"] == h]
        scored = here.dropna(subset=["auc_independent"])
        if len(in_tree) == 0:
            why = "no synset of this height in the subtree"
        elif len(here) == 0:
            few = sum(w in too_few for w in in_tree)
            why = (f"no synset of this height has enough images ({few} with fewer than the minimum, "
                   f"{len(in_tree) - few} without images)")
        elif len(scored) == 0:
            why = "AUC undefined: no held-out image outside these synsets' subtrees"
        else:
            why = ""
        rows.append({"height": h, "synsets_in_subtree": len(in_tree), "synsets_taking_part": len(here),
                     "n_synsets": len(scored),
                     "auc_independent": scored["auc_independent"].mean() if len(scored) else np.nan,
                     "auc_treemax": scored["auc_treemax"].mean() if len(scored) else np.nan,
                     "sem_independent": scored["auc_independent"].sem() if len(scored) > 1 else np.nan,
                     "sem_treemax": scored["auc_treemax"].sem() if len(scored) > 1 else np.nan,
                     "missing": why})
    out = pd.DataFrame(rows).set_index("height")
    out["gain"] = out["auc_treemax"] - out["auc_independent"]
    return out


# ---------------------------------------------------------------- named synsets

def named_synsets(hierarchy: Hierarchy, phrases: Sequence[str]) -> dict[str, str | None]:
    """The wnid whose WordNet lemmas include each phrase ("polar bear" is ice_bear.n.01),
    None when no synset of the hierarchy has it; the shallowest when several do."""
    from ..wordnet import synset as get_synset

    def norm(s: str) -> str:
        return s.lower().replace("_", " ").replace("-", " ").strip()

    wanted = {norm(p): p for p in phrases}
    found: dict[str, str | None] = {p: None for p in phrases}
    if not phrases:
        return found
    table = hierarchy.synsets.sort_values("depth", kind="stable")
    for w in table.index:  # a loop per synset (lemma names from WordNet)
        try:
            lemmas = get_synset(w).lemma_names()
        except UserError:  # not a WordNet synset (a hand-built hierarchy): its lemma only
            lemmas = [str(table.loc[w, "lemma"])]
        for lemma in lemmas:
            p = wanted.get(norm(lemma))
            if p is not None and found[p] is None:
                found[p] = str(w)
    return found


def named_examples(result: TreeMaxResult, hierarchy: Hierarchy,
                   phrases: Sequence[str] = paper.FIG9_EASY_EXAMPLES + paper.FIG9_HARD_EXAMPLES) -> pd.DataFrame:
    """The paper's named synsets (Sec 4.2) in this run: height and both AUCs, or why not."""
    found = named_synsets(hierarchy, phrases)
    per = result.per_synset
    analysed = {d for r in result.roots for d in hierarchy.descendants(r)}
    rows = []
    for p in phrases:
        w = found[p]
        row = {"example": p, "wnid": w, "height": np.nan, "auc_independent": np.nan, "auc_treemax": np.nan,
               "status": ""}
        if w is None:
            row["status"] = "not in the hierarchy"
        elif w not in analysed:
            row["status"] = "not in the analysed subtree"
        elif w not in per.index:
            row["status"] = f"fewer than {result.config.min_images} images"
        else:
            row.update(height=int(per.loc[w, "height"]), auc_independent=per.loc[w, "auc_independent"],
                       auc_treemax=per.loc[w, "auc_treemax"], status=per.loc[w, "missing"])
        rows.append(row)
    columns = ["example", "wnid", "height", "auc_independent", "auc_treemax", "status"]
    return pd.DataFrame(rows, columns=columns).set_index("example")
