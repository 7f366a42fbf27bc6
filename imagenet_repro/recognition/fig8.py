"""Fig 8 (Sec 4.1): four non-parametric recognition experiments on 16 mammal categories.

The paper tests on Caltech256 images of 16 categories shared with the mammal subtree, one ROC
per category (negatives: the test images of the other 15), and compares
1. NN-voting + noisy ImageNet: the raw candidates (Sec 3.1) as 32x32 tiny images, 100 nearest
   neighbours by SSD from the mammal subtree, score = neighbours inside the target's tree;
2. NN-voting + clean ImageNet: the same on the cleaned images;
3. NBNN with SIFT on the clean images, score = minimum rank of the target and its subclasses;
4. NBNN-100: the same with at most 100 images per category.
Duplicates of training images (~20 per category) were removed from the test set.

What we do (simulated mode):

- training classes: every mammal synset of notebook 02's clean set (all 1,170 at
  scale=default; at ci 02 cleans a sample, and the test categories are cleaned here with 02's
  worker model when missing);
- per class, ``candidates_per_synset`` raw candidates drawn at random (after the collection's
  duplicate removal): all of them are the *noisy* set (labels = the synset queried, junk and
  wrong senses included), the ones 02 accepted are the *clean* set: noisy and clean come from
  the same candidates, the clean one smaller, as in the paper;
- test images: Caltech-style renders of the categories (``style="caltech"``: centred,
  canonical pose, plain background), the stand-in for Caltech256; fresh renders never repeat a
  training image, so ``planted_per_category`` altered copies of the category's training images
  (``variant`` >= 1000: crop, resize, colour shift, JPEG) are planted among them and must be
  found by ``collect.dedup``'s perceptual hash (Hamming distance <= threshold to any clean
  training image: the paper removed duplicates "with ImageNet"); every flagged image leaves the
  test set, and the recall and precision on the planted copies are reported;
- NBNN's classes are the same mammal synsets; each keeps at most ``descriptors_per_class``
  SIFT descriptors (exact search, a seeded sample: see ``nbnn``); NBNN-k keeps at most
  ``limited_images`` images per class (the paper's 100 at scale=paper; fewer at smaller scales,
  where a class has fewer images to begin with).

Null worlds (``NULL_WORLDS``): the world assumptions that could make an effect by themselves,
each switched off and the experiments rerun: no junk among the candidates (the noisy set
without its junk images), Caltech style off (the test images rendered in web style), latent
noise constant over depth (``WorldConfig(latent_decay=1.0)``: every image re-rendered).

Real mode: training from an ImageNet-layout folder (the clean set; a second folder of raw
candidates gives the noisy one), test images from a Caltech-layout folder.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import paper
from ..collect.dedup import DEFAULT_THRESHOLD, hamming_distances, phash64, validate_threshold
from ..errors import UserError
from ..features import FeatureSpec, ImageFeatures, SiftParams, SourceImages, WorldImages, compute_features, tiny_vectors
from ..rng import rng
from ..sources.simulated import SYNTHETIC_ID_BASE
from .nbnn import class_descriptors, nbnn
from .nnvote import nn_voting, subtree_matrix
from .roc import Difference, RocSet, category_rocs, mean_auc_difference

EXPERIMENTS: dict[str, str] = {
    "noisy": "NN-voting + noisy ImageNet",
    "clean": "NN-voting + clean ImageNet",
    "nbnn": "NBNN",
    "nbnn_limited": "NBNN-{k}",
}
# not the paper's: NN-voting on noisy candidates cut to the clean set's size per class (label
# noise without the noisy set's larger size), to see which of the two moves the comparison
DIAGNOSTICS: dict[str, str] = {"noisy_matched": "NN-voting + noisy, clean's size (diagnostic)"}
# name -> (what is switched off, the world assumption it tests)
NULL_WORLDS: dict[str, str] = {
    "no-junk": "no junk among the candidates (the noisy set without its junk images)",
    "web-test": "Caltech style off: test images rendered in the web (ImageNet) style",
    "latent-decay": "latent noise constant over depth (WorldConfig latent_decay=1.0; every image re-rendered)",
}
PLANTED_VARIANT_BASE = 1000  # altered copies planted in the test set: variants far above the web's


@dataclass(frozen=True)
class Fig8Config:
    """Sizes and settings of the Fig 8 run (sizes from ``config.Scale``)."""

    candidates_per_synset: int
    test_per_category: int
    planted_per_category: int
    limited_images: int
    descriptors_per_class: int | None
    null_candidates_per_synset: int | None = None  # the latent-decay world's sample (None: the same)
    neighbours: int = paper.NN_NEIGHBOURS
    sift: SiftParams = SiftParams()
    dedup_threshold: int = DEFAULT_THRESHOLD
    n_boot: int = 500
    seed: int = 2009

    def __post_init__(self) -> None:
        for name in ("candidates_per_synset", "test_per_category", "limited_images", "neighbours"):
            if getattr(self, name) < 1:
                raise UserError(f"Fig8Config.{name} must be >= 1, got {getattr(self, name)}")
        if self.planted_per_category < 0:
            raise UserError("Fig8Config.planted_per_category must be >= 0")
        validate_threshold(self.dedup_threshold)

    @classmethod
    def from_scale(cls, scale: Any, seed: int, **changes: Any) -> "Fig8Config":
        base = cls(candidates_per_synset=scale.fig8_candidates_per_synset,
                   test_per_category=scale.fig8_test_per_category,
                   planted_per_category=scale.fig8_planted_per_category,
                   limited_images=scale.fig8_limited_images,
                   descriptors_per_class=scale.fig8_descriptors_per_class,
                   null_candidates_per_synset=scale.fig8_null_candidates_per_synset,
                   neighbours=scale.fig8_neighbours, seed=seed)
        return dataclasses.replace(base, **{k: v for k, v in changes.items() if v is not None})

    def label(self, experiment: str) -> str:
        return {**EXPERIMENTS, **DIAGNOSTICS}[experiment].format(k=self.limited_images)


# ---------------------------------------------------------------- categories and classes

def fig8_categories(n: int | None = None, seed: int = 2009, mapping: dict[str, str] | None = None) -> dict[str, str]:
    """{wnid: label} of the paper's 16 categories (Caltech names mapped by
    data/caltech256_to_wordnet.csv); ``n`` < 16 keeps elk and killer-whale (Fig 8b, c) and
    draws the rest at random."""
    from ..sources import read_caltech_mapping

    mapping = read_caltech_mapping() if mapping is None else mapping
    names = list(paper.FIG8_CATEGORIES)
    missing = [c for c in names if c not in mapping]
    if missing:
        raise UserError(f"Fig 8 categories missing from the Caltech table: {', '.join(missing)}")
    if n is not None and n < len(names):
        if n < len(paper.FIG8_NAMED):
            raise UserError(f"Fig 8 needs at least {len(paper.FIG8_NAMED)} categories, got {n}")
        others = [c for c in names if c not in paper.FIG8_NAMED]
        pick = set(paper.FIG8_NAMED) | {others[i] for i in
                                        rng(seed, "fig8-categories").choice(len(others), n - len(paper.FIG8_NAMED),
                                                                            replace=False)}
        names = [c for c in names if c in pick]
    return {mapping[c]: c for c in names}


def categories_with_clean_images(sample: pd.DataFrame, hierarchy: Any, categories: dict[str, str]
                                  ) -> tuple[dict[str, str], list[str]]:
    """The categories whose subtree has clean training images (the ones the simulated ImageNet
    holds: a synset where the crowd reached no consensus has none), and the labels dropped."""
    have = set(sample.loc[sample["accepted"].to_numpy(bool), "label_wnid"])
    keep = {w: l for w, l in categories.items() if have & set(hierarchy.descendants(w))}
    return keep, [l for w, l in categories.items() if w not in keep]


def training_classes(hierarchy: Any, clean_wnids: Sequence[str], categories: Sequence[str],
                     subtree: str = "mammal") -> list[str]:
    """The synsets of ``subtree`` the clean set has, plus the test categories, in hierarchy order."""
    have = set(clean_wnids) | set(categories)
    out = [w for w in hierarchy.subtree(subtree) if w in have]
    missing = [c for c in categories if c not in set(out)]
    if missing:
        raise UserError(f"test categories outside the {subtree} subtree: {', '.join(missing)}")
    return out


def clean_set_covering(results_dir: Path | str, world: Any, needed: Sequence[str], out: Any, seed: int,
                       amount: float) -> tuple[pd.DataFrame, list[str]]:
    """Notebook 02's clean set, completed with the ``needed`` synsets 02 did not clean at this
    scale (crowd.pipeline.clean_set_covering; table ``cleaned_in_05``). Returns the clean set and
    the wnids cleaned here."""
    from ..crowd.pipeline import clean_set_covering as covering

    clean, _, missing = covering(results_dir, world, needed, out, seed, amount, table="cleaned_in_05")
    return clean, missing


def training_sizes(sample: pd.DataFrame, classes: Sequence[str], cleaned_here: Sequence[str],
                   categories: dict[str, str], dropped: Sequence[str]) -> pd.Series:
    """The sizes of Fig 8's training and test sets, in words (a table of the notebook)."""
    return pd.Series({"mammal synsets (classes)": len(classes), "cleaned here": len(cleaned_here),
                      "test categories": len(categories),
                      "categories dropped (no clean image)": ", ".join(dropped) or "none",
                      "noisy training images (raw candidates)": len(sample),
                      "of which junk": int(sample["junk"].sum()),
                      "of which not of the synset's subtree": int((~sample["is_positive"]).sum()),
                      "clean training images (accepted)": int(sample["accepted"].sum()),
                      "precision of the clean ones":
                          round(float(sample.loc[sample["accepted"], "is_positive"].mean()), 4)})


class _CandidateSample:
    """n raw candidates of one synset, drawn at random (picklable, for parallel_map)."""

    def __init__(self, world: Any, n: int, amount: float, seed: int) -> None:
        self.world, self.n, self.amount, self.seed = world, n, amount, seed

    def __call__(self, wnid: str) -> pd.DataFrame:
        c = self.world.dedup(self.world.candidates(wnid, amount=self.amount))
        take = min(self.n, len(c))
        pick = np.sort(rng(self.seed, "fig8-train", int(wnid[1:])).choice(len(c), take, replace=False))
        c = c.iloc[pick]
        return pd.DataFrame({"label_wnid": wnid, "candidate_id": c["candidate_id"].to_numpy(np.int64),
                             "true_wnid": c["true_wnid"].astype(str).to_numpy(),
                             "web_image_id": c["web_image_id"].to_numpy(np.int64),
                             "variant": c["variant"].to_numpy(np.int64),
                             "is_positive": c["is_positive"].to_numpy(bool)})


def sample_candidates(world: Any, classes: Sequence[str], n: int, amount: float, seed: int,
                      progress: bool = True) -> pd.DataFrame:
    """The noisy training set: n raw candidates (after dedup) per class, drawn at random;
    computed once (parallel over synsets) and cached."""
    from ..cache import cached_frame
    from ..parallel import parallel_config, parallel_map

    key = {"world": world.config.as_dict(), "classes": list(classes), "n": n, "amount": amount, "seed": seed}

    def compute() -> pd.DataFrame:
        # a worker loads WordNet for the queries first (seconds): worth it only for many synsets
        cfg = dataclasses.replace(parallel_config(), min_items=200)
        parts = parallel_map(_CandidateSample(world, n, amount, seed), list(classes), config=cfg,
                             desc=f"Fig 8: sampling candidates of {len(classes):,} synsets", progress=progress)
        return pd.concat(parts, ignore_index=True)

    return cached_frame("fig8-candidates", key, compute)


def mark_accepted(sample: pd.DataFrame, clean: pd.DataFrame) -> pd.DataFrame:
    """The sample with ``accepted`` (the clean set holds the candidate) and ``junk`` columns;
    a clean set from another world or scale (ids that name other images) is an error."""
    c = clean[["wnid", "candidate_id", "web_image_id", "variant"]].rename(columns={"wnid": "label_wnid"})
    m = sample.merge(c, on=["label_wnid", "candidate_id"], how="left", suffixes=("", "_clean"))
    hit = m["web_image_id_clean"].notna().to_numpy()
    bad = hit & ((m["web_image_id_clean"].to_numpy(np.float64) != m["web_image_id"].to_numpy(np.float64))
                 | (m["variant_clean"].to_numpy(np.float64) != m["variant"].to_numpy(np.float64)))
    if bad.any():
        raise UserError(f"{int(bad.sum())} clean-set candidates name other images than this world's: the clean set "
                        "comes from another seed or scale (rerun notebook 02 with the same --scale and --seed)")
    out = sample.copy()
    out["accepted"] = hit
    out["noisy"] = True
    out["junk"] = out["true_wnid"] == ""
    return out


# ---------------------------------------------------------------- the data of one world

@dataclass
class Fig8Data:
    """Training and test sets of one world, with their features.

    ``rows``: one row per (class, training image): label (class index), image (index into
    ``tiny``), sift (index into ``sift``, -1 if not clean), noisy, accepted, junk.
    ``test``: one row per test image: category (target index), planted, duplicate, kept.
    """

    mode: str
    classes: list[str]
    categories: dict[str, str]
    subtree: np.ndarray
    rows: pd.DataFrame
    tiny: ImageFeatures
    sift: ImageFeatures
    test: pd.DataFrame
    test_features: ImageFeatures
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return list(self.categories.values())


def planted_copies(rows: pd.DataFrame, classes: Sequence[str], categories: dict[str, str], subtree: np.ndarray,
                   n: int, seed: int) -> pd.DataFrame:
    """n altered copies per category of its clean training images (its own or its
    subclasses'; any positive candidate if it has none clean), drawn at random."""
    out = []
    for t, w in enumerate(categories):
        in_tree = subtree[t][rows["label"].to_numpy()]
        pool = np.flatnonzero(in_tree & rows["accepted"].to_numpy())
        if len(pool) == 0:
            pool = np.flatnonzero(in_tree & rows["is_positive"].to_numpy())
        if len(pool) == 0 or n == 0:
            continue
        pick = rng(seed, "fig8-planted", int(w[1:])).choice(pool, n, replace=len(pool) < n)
        r = rows.iloc[pick]
        out.append(pd.DataFrame({"category": t, "wnid": w, "true_wnid": r["true_wnid"].to_numpy(),
                                 "web_image_id": r["web_image_id"].to_numpy(),
                                 "variant": PLANTED_VARIANT_BASE + np.arange(n), "style": "web", "planted": True,
                                 "train_row": pick}))
    cols = ["category", "wnid", "true_wnid", "web_image_id", "variant", "style", "planted", "train_row"]
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=cols)


def fresh_test_images(categories: dict[str, str], n: int, style: str = "caltech") -> pd.DataFrame:
    """n new renders per category (SimulatedSource's ids, never a candidate) in ``style``."""
    return pd.DataFrame([{"category": t, "wnid": w, "true_wnid": w, "web_image_id": SYNTHETIC_ID_BASE + i,
                          "variant": 0, "style": style, "planted": False, "train_row": -1}
                         for t, w in enumerate(categories) for i in range(n)])


def _items(frame: pd.DataFrame, style: str | None = None) -> list[tuple[str, int, int, str]]:
    styles = frame["style"] if style is None else [style] * len(frame)
    return [(str(t), int(w), int(v), str(s)) for t, w, v, s in
            zip(frame["true_wnid"], frame["web_image_id"], frame["variant"], styles)]


def flag_duplicates(test_hash: np.ndarray, train_hash: np.ndarray, threshold: int, block: int = 256
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(flagged, nearest Hamming distance) of each test image against every training image."""
    test_hash, train_hash = np.asarray(test_hash, np.uint64), np.asarray(train_hash, np.uint64)
    if len(train_hash) == 0:
        return np.zeros(len(test_hash), bool), np.full(len(test_hash), 64, np.uint8)
    dmin = np.empty(len(test_hash), np.uint8)
    for s in range(0, len(test_hash), block):
        dmin[s:s + block] = hamming_distances(test_hash[s:s + block], train_hash).min(axis=1)
    return dmin <= threshold, dmin


@dataclass(frozen=True)
class DedupReport:
    """The test-set duplicate removal: images flagged, and recall/precision on the planted
    copies (NaN in real mode, where nothing is planted)."""

    test_images: int
    planted: int
    flagged: int
    found: int
    threshold: int

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else float("nan")

    @property
    def precision(self) -> float:
        return self.found / self.flagged if self.flagged and self.planted else float("nan")

    def row(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "recall": self.recall, "precision": self.precision,
                "fresh_removed": self.flagged - self.found}


def dedup_sweep(test: pd.DataFrame, thresholds: Sequence[int] = range(0, 17)) -> pd.DataFrame:
    """Recall and precision on the planted copies at other Hamming thresholds (from each test
    image's nearest distance to the clean training images, computed once)."""
    planted = test["planted"].to_numpy(bool)
    dmin = test["nearest_hamming"].to_numpy()
    rows = []
    for t in thresholds:
        f = dmin <= t
        rows.append({"threshold": t, "flagged": int(f.sum()), "found": int((f & planted).sum()),
                     "recall": (f & planted).sum() / planted.sum() if planted.any() else np.nan,
                     "precision": (f & planted).sum() / f.sum() if f.any() and planted.any() else np.nan})
    return pd.DataFrame(rows)


def dedup_report(test: pd.DataFrame, threshold: int) -> DedupReport:
    planted = test["planted"].to_numpy(bool)
    dup = test["duplicate"].to_numpy(bool)
    return DedupReport(len(test), int(planted.sum()), int(dup.sum()), int((dup & planted).sum()), threshold)


def train_features(rows: pd.DataFrame, load: Any, cfg: Fig8Config, name: str, progress: bool
                    ) -> tuple[pd.DataFrame, ImageFeatures, ImageFeatures]:
    """Unique training images, rendered once: tiny + hash for all, SIFT for the clean ones.
    Returns the rows with ``image`` and ``sift`` (both index the same features here)."""
    keys = list(zip(rows["true_wnid"], rows["web_image_id"], rows["variant"]))
    uniq = list(dict.fromkeys(keys))
    index = {k: i for i, k in enumerate(uniq)}
    rows = rows.copy()
    rows["image"] = np.array([index[k] for k in keys], np.int64)
    items = [(str(t), int(w), int(v), "web") for t, w, v in uniq]
    clean = np.zeros(len(uniq), bool)
    clean[rows.loc[rows["accepted"].to_numpy(bool), "image"].to_numpy()] = True
    feats = compute_features(items, load, FeatureSpec(hash64=phash64, sift=cfg.sift), name=f"{name}-train",
                             progress=progress, sift_mask=clean,
                             desc=f"Fig 8 training: {len(items):,} images (tiny, hash; SIFT for {int(clean.sum()):,})")
    rows["sift"] = np.where(rows["accepted"].to_numpy(bool), rows["image"].to_numpy(), -1)
    return rows, feats, feats


def _test_features(test: pd.DataFrame, load: Any, cfg: Fig8Config, name: str, progress: bool) -> ImageFeatures:
    return compute_features(_items(test), load, FeatureSpec(hash64=phash64, sift=cfg.sift), name=f"{name}-test",
                            progress=progress, desc=f"Fig 8 test: {len(test):,} images")


def simulated_data(world: Any, sample: pd.DataFrame, hierarchy: Any, categories: dict[str, str], cfg: Fig8Config,
                   test_style: str = "caltech", name: str = "fig8", progress: bool = True) -> Fig8Data:
    """Features of the training sample (with ``accepted``) and of the test set (fresh renders
    in ``test_style`` + planted copies), and the duplicate removal."""
    classes = list(dict.fromkeys(sample["label_wnid"]))
    col = {w: j for j, w in enumerate(classes)}
    rows = sample.reset_index(drop=True).copy()
    rows["label"] = rows["label_wnid"].map(col).to_numpy(np.int64)
    subtree = subtree_matrix(hierarchy, list(categories), classes)
    load = WorldImages(world, sorted(set(rows["true_wnid"]) | set(categories)))
    rows, tiny, sift = train_features(rows, load, cfg, name, progress)
    test = pd.concat([fresh_test_images(categories, cfg.test_per_category, test_style),
                      planted_copies(rows, classes, categories, subtree, cfg.planted_per_category, cfg.seed)],
                     ignore_index=True)
    feats = _test_features(test, load, cfg, name, progress)
    data = Fig8Data("simulated", classes, dict(categories), subtree, rows, tiny, sift, test, feats,
                    notes={"world": world.config.as_dict(), "test_style": test_style})
    return dedup_test_set(data, cfg.dedup_threshold)


def clean_hashes(data: Fig8Data) -> np.ndarray:
    """Perceptual hashes of the clean training images ("ImageNet": the set duplicates are
    removed against; the noisy candidates are not ImageNet)."""
    imgs = np.unique(data.rows.loc[data.rows["accepted"].to_numpy(bool), "image"].to_numpy())
    imgs = imgs[data.tiny.ok[imgs]]
    return data.tiny.hash64[imgs]


def dedup_test_set(data: Fig8Data, threshold: int) -> Fig8Data:
    """Flag test images within ``threshold`` bits of any clean training image; they leave the
    test set."""
    flagged, dmin = flag_duplicates(data.test_features.hash64, clean_hashes(data), threshold)
    test = data.test.copy()
    test["nearest_hamming"] = dmin
    test["duplicate"] = flagged
    test["kept"] = ~flagged & data.test_features.ok
    return dataclasses.replace(data, test=test)


# ---------------------------------------------------------------- the experiments

@dataclass
class Fig8Result:
    """The four experiments on one world: scores (kept test images, targets), ROCs, sizes."""

    world: str
    mode: str
    labels: list[str]
    test_category: np.ndarray
    scores: dict[str, np.ndarray]
    rocs: dict[str, RocSet]
    sizes: dict[str, Any]
    experiment_labels: dict[str, str]

    def auc_table(self) -> pd.DataFrame:
        """AUC per category (rows) and experiment (columns), with the mean as the last row."""
        t = pd.DataFrame({self.experiment_labels[k]: r.aucs for k, r in self.rocs.items()})
        t.loc["mean"] = t.mean()
        t.index.name = "category"
        return t

    def mean_auc(self, experiment: str) -> float:
        return self.rocs[experiment].mean_auc

    def difference(self, a: str, b: str, n_boot: int, seed: int) -> Difference:
        return mean_auc_difference(self.scores[a], self.scores[b], self.test_category, n_boot, seed)


def run_experiments(data: Fig8Data, cfg: Fig8Config, world: str = "main",
                    experiments: Sequence[str] = tuple(EXPERIMENTS), progress: bool = True) -> Fig8Result:
    """Scores, ROCs and AUCs of the chosen experiments on the kept test images."""
    kept = np.flatnonzero(data.test["kept"].to_numpy(bool))
    category = data.test["category"].to_numpy(np.int64)[kept]
    present = np.unique(category)
    if len(present) < 2:
        raise UserError("Fig 8 needs test images of at least two categories after duplicate removal")
    labels = data.labels
    rows = data.rows
    ok = data.tiny.ok[rows["image"].to_numpy()]
    scores: dict[str, np.ndarray] = {}
    sizes: dict[str, Any] = {"classes": len(data.classes), "test_images": len(kept)}
    q_tiny = query_sift = None
    for name in experiments:
        if name in ("noisy", "clean"):
            sel = ok & rows[name if name == "noisy" else "accepted"].to_numpy(bool)
            if not sel.any():
                continue  # no noisy set (real mode without a candidates folder)
            if q_tiny is None:
                q_tiny = tiny_vectors(data.test_features.tiny[kept])
            base_rows = rows[sel]
            base = data.tiny.tiny[base_rows["image"].to_numpy()]  # uint8: vectors block by block
            scores[name] = nn_voting(q_tiny, base, base_rows["label"].to_numpy(), data.subtree, cfg.neighbours,
                                     progress=progress)
            sizes[f"{name}_images"] = int(sel.sum())
        elif name == "noisy_matched":
            sel = ok & rows["noisy"].to_numpy(bool)
            want = rows.loc[rows["accepted"].to_numpy(bool)].groupby("label").size()
            keep = []
            for lab, idx in rows[sel].groupby("label").indices.items():  # one class at a time
                n = int(want.get(lab, 0))
                pos = np.flatnonzero(sel)[idx]
                if n:
                    keep.append(pos[np.sort(rng(cfg.seed, "fig8-matched", int(lab)).choice(len(pos), min(n, len(pos)),
                                                                                          replace=False))])
            if not keep:
                continue
            base_rows = rows.iloc[np.sort(np.concatenate(keep))]
            if q_tiny is None:
                q_tiny = tiny_vectors(data.test_features.tiny[kept])
            base = data.tiny.tiny[base_rows["image"].to_numpy()]
            scores[name] = nn_voting(q_tiny, base, base_rows["label"].to_numpy(), data.subtree, cfg.neighbours,
                                     progress=progress)
            sizes[f"{name}_images"] = len(base_rows)
        elif name in ("nbnn", "nbnn_limited"):
            clean = rows[rows["accepted"].to_numpy(bool) & (rows["sift"].to_numpy() >= 0)]
            limit = cfg.limited_images if name == "nbnn_limited" else None
            cd = class_descriptors(data.sift, clean["sift"].to_numpy(), clean["label"].to_numpy(), len(data.classes),
                                   cfg.descriptors_per_class, cfg.seed, limit)
            if query_sift is None:
                query_sift = data.test_features.subset(kept)
            scores[name] = nbnn(query_sift, cd, data.subtree, progress=progress)
            sizes[f"{name}_images"] = int(cd.images.sum())
            sizes[f"{name}_descriptors"] = int(cd.counts.sum())
            sizes[f"{name}_descriptors_per_class_median"] = float(np.median(cd.counts))
        else:
            raise UserError(f"unknown Fig 8 experiment {name!r}: choose among "
                            f"{', '.join([*EXPERIMENTS, *DIAGNOSTICS])}")
    # categories without kept test images have no ROC: keep the targets that have some
    cols = [t for t in range(len(labels)) if t in set(present)]
    remap = {t: i for i, t in enumerate(cols)}
    cat = np.array([remap[c] for c in category], np.int64)
    names = [labels[t] for t in cols]
    scores = {k: v[:, cols] for k, v in scores.items()}
    rocs = {k: category_rocs(v, cat, names) for k, v in scores.items()}
    return Fig8Result(world, data.mode, names, cat, scores, rocs, sizes,
                      {k: cfg.label(k) for k in scores})


def without_junk(data: Fig8Data) -> Fig8Data:
    """The null world without junk pages: the same data, junk training images left out."""
    return dataclasses.replace(data, rows=data.rows[~data.rows["junk"].to_numpy(bool)].reset_index(drop=True))


def with_web_test(world: Any, data: Fig8Data, cfg: Fig8Config, name: str = "fig8", progress: bool = True) -> Fig8Data:
    """The null world without the Caltech style: fresh test images rendered in web style
    (the same ids and planted copies), duplicates removed again."""
    test = data.test.drop(columns=["nearest_hamming", "duplicate", "kept"]).copy()
    test.loc[~test["planted"].to_numpy(bool), "style"] = "web"
    load = WorldImages(world, sorted(set(data.rows["true_wnid"]) | set(data.categories)))
    feats = _test_features(test, load, cfg, name, progress)
    out = dataclasses.replace(data, test=test, test_features=feats,
                              notes={**data.notes, "test_style": "web"})
    return dedup_test_set(out, cfg.dedup_threshold)


def latent_decay_world(world: Any, decay: float = 1.0) -> Any:
    """The same world with latent noise constant over depth (a new World: new latents)."""
    from ..world import World

    return World(world.hierarchy, dataclasses.replace(world.config, latent_decay=decay), queries=world.queries)


def subsample_per_class(sample: pd.DataFrame, n: int | None) -> pd.DataFrame:
    """The first n rows of each class of a random sample (itself a random sample)."""
    if n is None:
        return sample
    return sample.groupby("label_wnid", sort=False, group_keys=False).head(n).reset_index(drop=True)


@dataclass
class Fig8Run:
    """Fig 8 in every world: results by world name ("main" first), the main data, the dedup."""

    results: dict[str, Fig8Result]
    data: Fig8Data
    dedup: DedupReport
    cfg: Fig8Config
    null_dedup: dict[str, DedupReport] = field(default_factory=dict)

    def mean_aucs(self) -> pd.DataFrame:
        """Mean AUC of each experiment (columns) in each world (rows)."""
        return pd.DataFrame({w: {self.cfg.label(k): r.mean_auc(k) for k in r.scores}
                             for w, r in self.results.items()}).T


def simulated_fig8(world: Any, sample: pd.DataFrame, hierarchy: Any, categories: dict[str, str], cfg: Fig8Config,
                   null_worlds: Sequence[str] = tuple(NULL_WORLDS), progress: bool = True) -> Fig8Run:
    """The four experiments in the world and in each null world."""
    unknown = [w for w in null_worlds if w not in NULL_WORLDS]
    if unknown:
        raise UserError(f"unknown null world(s) {', '.join(unknown)}: choose among {', '.join(NULL_WORLDS)}")
    data = simulated_data(world, sample, hierarchy, categories, cfg, progress=progress)
    results = {"main": run_experiments(data, cfg, "main", (*EXPERIMENTS, *DIAGNOSTICS), progress=progress)}
    null_dedup = {}
    if "no-junk" in null_worlds:
        results["no-junk"] = run_experiments(without_junk(data), cfg, "no-junk", ("noisy", "clean"), progress)
    if "web-test" in null_worlds:
        d = with_web_test(world, data, cfg, progress=progress)
        null_dedup["web-test"] = dedup_report(d.test, cfg.dedup_threshold)
        results["web-test"] = run_experiments(d, cfg, "web-test", progress=progress)
    if "latent-decay" in null_worlds:
        w1 = latent_decay_world(world)
        sub = subsample_per_class(sample, cfg.null_candidates_per_synset)
        cats1, _ = categories_with_clean_images(sub, hierarchy, categories)
        d = simulated_data(w1, sub, hierarchy, cats1, cfg, name="fig8-decay1", progress=progress)
        null_dedup["latent-decay"] = dedup_report(d.test, cfg.dedup_threshold)
        results["latent-decay"] = run_experiments(d, cfg, "latent-decay", progress=progress)
    return Fig8Run(results, data, dedup_report(data.test, cfg.dedup_threshold), cfg, null_dedup)


# ---------------------------------------------------------------- real photos

def real_data(imagenet: Any, caltech: Any, hierarchy: Any, categories: dict[str, str], cfg: Fig8Config,
              candidates: Any = None, max_per_synset: int | None = None, subtree: str = "mammal",
              progress: bool = True) -> Fig8Data:
    """Fig 8's data from folders: ``imagenet`` (ImageNetFolder, the clean set: its synsets of
    ``subtree`` are the classes), ``caltech`` (CaltechFolder: the test images of the
    categories it has), ``candidates`` (optional ImageNetFolder of raw search results: the
    noisy set). At most ``max_per_synset`` images per synset (a seeded sample)."""
    classes = [w for w in hierarchy.subtree(subtree) if w in set(imagenet.synsets())
               or (candidates is not None and w in set(candidates.synsets()))]
    if not classes:
        raise UserError(f"the ImageNet folder {getattr(imagenet, 'root', '')} has no synset of the {subtree} subtree")
    tested = {w: l for w, l in categories.items() if w in set(caltech.synsets())}
    trained = set(classes)  # a category needs a training synset in its subtree, else no score can rank it
    cats = {w: l for w, l in tested.items() if any(c in trained for c in hierarchy.descendants(w))}
    untrained = [tested[w] for w in tested if w not in cats]
    if len(cats) < 2:
        raise UserError(f"the Caltech folder {getattr(caltech, 'root', '')} has images of {len(tested)} of the Fig 8 "
                        f"categories, {len(cats)} of them with training photos in the ImageNet folder (a synset "
                        f"of the category's {subtree} subtree)"
                        + (f"; none for {', '.join(untrained)}" if untrained else "") + "; the ROCs need at least two")
    col = {w: j for j, w in enumerate(classes)}
    rows, items = [], []
    for src, tag, accepted in ((imagenet, "imagenet", True), (candidates, "candidates", False)):
        if src is None:
            continue
        for w in classes:
            if w not in set(src.synsets()):
                continue
            ids = [i for i, _ in src.images(w)]
            if max_per_synset is not None and len(ids) > max_per_synset:
                ids = [ids[j] for j in np.sort(rng(cfg.seed, "fig8-real", tag, w).choice(len(ids), max_per_synset,
                                                                                          replace=False))]
            for i in ids:
                rows.append({"label_wnid": w, "label": col[w], "image": len(items), "noisy": not accepted,
                             "accepted": accepted, "junk": False, "is_positive": accepted, "true_wnid": w,
                             "source": tag})
                items.append((tag, i))
    rows_df = pd.DataFrame(rows)
    loaders = {"imagenet": SourceImages(imagenet), "candidates": SourceImages(candidates) if candidates else None}
    parts = []
    for tag in ("imagenet", "candidates"):  # SIFT for the clean (ImageNet) photos only
        sel = [it[1] for it in items if it[0] == tag]
        if sel:
            parts.append(compute_features(sel, loaders[tag], FeatureSpec(hash64=phash64, sift=cfg.sift),
                                          name=f"fig8-real-{tag}", progress=progress,
                                          sift_mask=np.full(len(sel), tag == "imagenet"),
                                          desc=f"Fig 8 training ({tag}): {len(sel):,} photos"))
    tiny = sift = ImageFeatures.concat(parts)
    rows_df["sift"] = np.where(rows_df["accepted"], rows_df["image"].to_numpy(), -1)
    test_rows = [{"category": t, "wnid": w, "image_id": i, "planted": False}
                 for t, w in enumerate(cats) for i, _ in caltech.images(w)]
    test = pd.DataFrame(test_rows)
    feats = compute_features(test["image_id"].tolist(), SourceImages(caltech), FeatureSpec(hash64=phash64, sift=cfg.sift),
                             name="fig8-real-caltech", progress=progress, desc=f"Fig 8 test: {len(test):,} photos")
    data = Fig8Data("real", classes, cats, subtree_matrix(hierarchy, list(cats), classes), rows_df, tiny, sift, test,
                    feats, notes={"imagenet": str(getattr(imagenet, "root", "")),
                                  "caltech": str(getattr(caltech, "root", "")),
                                  "categories without training photos (dropped)": ", ".join(untrained) or "none"})
    return dedup_test_set(data, cfg.dedup_threshold)


def real_fig8(data: Fig8Data, cfg: Fig8Config, progress: bool = True) -> Fig8Run:
    """The experiments on real photos (no null world: nothing is simulated)."""
    res = run_experiments(data, cfg, "real", progress=progress)
    return Fig8Run({"real": res}, data, dedup_report(data.test, cfg.dedup_threshold), cfg)
