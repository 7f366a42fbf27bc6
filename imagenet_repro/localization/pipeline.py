"""Sec 4.3 end to end (notebook 07): images of the 22 categories and of a background class,
SIFT visual words with their positions (``features/``), one HDP per category against the
background's, one box per image, and the boxes scored against the world's true boxes.

Why fresh renders of each category (web style): the paper annotated 100 ImageNet images per
category; here every image shows the category's own object with the clutter, distractors,
scale and position that its diversity gives. The true box and the view label of each image
are read from the renderer **after** the boxes are found (``true_boxes``): the localization
functions receive only words, positions and image sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import paper
from ..errors import UserError
from ..features import FeatureSpec, ImageFeatures, SiftParams, WorldImages, compute_features, learn_vocabulary
from ..parallel import ParallelConfig, parallel_config, parallel_map
from ..rng import rng
from ..sources.simulated import SYNTHETIC_ID_BASE
from ..wordnet import lemma, synset
from .boxes import evaluate_boxes
from .clusters import BoxClusters, ViewAgreement, box_crops, cluster_boxes, view_agreement
from .topics import ImageWords, LocalizationParams, fit_topic_model, localize_category

MIN_PARALLEL_CATEGORIES = 8  # a category's HDP takes seconds: fewer run in this process (no start-up)
BACKGROUND_JUNK_SHARE = 1 / 8  # of the background images: junk web images (pages, patterns, clutter)


@dataclass(frozen=True)
class LocalizationConfig:
    """Sizes and settings of a localization run (sizes from ``config.Scale``)."""

    images_per_category: int
    background_images: int
    vocabulary: int
    sift: SiftParams = SiftParams(max_side=320, max_descriptors=300)
    params: LocalizationParams = field(default_factory=LocalizationParams)
    seed: int = 2009

    def __post_init__(self) -> None:
        if self.images_per_category < 2 or self.background_images < 2 or self.vocabulary < 2:
            raise UserError("LocalizationConfig: at least 2 images per category, 2 background images and 2 words")


def category_items(categories: Sequence[str], n: int, style: str) -> list[tuple[str, int, int, str]]:
    """n fresh images per category (web image ids outside the candidates'), as feature items."""
    return [(w, SYNTHETIC_ID_BASE + i, 0, style) for w in categories for i in range(n)]


def background_items(hierarchy: Any, categories: Sequence[str], n: int, style: str, seed: int
                     ) -> list[tuple[str, int, int, str]]:
    """The background class: images of other synsets of the subtrees (not the categories nor
    their descendants) and junk web images, drawn at random."""
    skip = {d for c in categories for d in hierarchy.descendants(c)}
    pool = [w for w in hierarchy.synsets.index if w not in skip]
    g = rng(seed, "localization-background")
    n_junk = int(round(n * BACKGROUND_JUNK_SHARE))
    picks = g.choice(len(pool), n - n_junk, replace=len(pool) < n - n_junk)
    items = [(pool[p], SYNTHETIC_ID_BASE + 10_000 + k, 0, style) for k, p in enumerate(picks)]
    return items + [("", SYNTHETIC_ID_BASE + 20_000 + k, 0, style) for k in range(n_junk)]


@dataclass
class LocalizationData:
    """Words of every image of a run: the categories' and the background's."""

    items: list[tuple[str, int, int, str]]
    category: np.ndarray  # wnid per item ("" for the background)
    docs: list[ImageWords]
    vocabulary: int
    features: ImageFeatures


def words_of(world: Any, hierarchy: Any, categories: Sequence[str], cfg: LocalizationConfig, style: str = "web",
             name: str = "fig10", progress: bool = True) -> LocalizationData:
    """Render, describe (SIFT with positions) and quantise every image of the run."""
    cat_items = category_items(categories, cfg.images_per_category, style)
    bg_items = background_items(hierarchy, categories, cfg.background_images, style, cfg.seed)
    items = cat_items + bg_items
    load = WorldImages(world, sorted({i[0] for i in items} - {""}))
    feats = compute_features(items, load, FeatureSpec(tiny_side=None, sift=cfg.sift), name=f"{name}-{style}",
                             progress=progress, desc=f"Sec 4.3: {len(items):,} images ({style})")
    voc = learn_vocabulary(feats.descriptors, min(cfg.vocabulary, max(2, len(feats.descriptors) // 2)), cfg.seed)
    words = voc.assign(feats.descriptors)
    docs = []
    for i, item in enumerate(items):
        s, e = feats.offsets[i], feats.offsets[i + 1]
        h, w = (int(v) for v in feats.size[i])
        docs.append(ImageWords(words[s:e], feats.xy[s:e], (max(w, 1), max(h, 1)), f"{item[0] or 'junk'}/{item[1]}"))
    category = np.array([it[0] if k < len(cat_items) else "" for k, it in enumerate(items)], dtype=object)
    return LocalizationData(items, category, docs, voc.size, feats)


@dataclass
class LocalizationRun:
    """Boxes per category of one world (nothing here has seen a true box)."""

    boxes: dict[str, np.ndarray]
    sizes: dict[str, np.ndarray]  # (n, 2) width, height
    items: dict[str, list[tuple[str, int, int, str]]]
    seconds: dict[str, float]


class _CategoryJob:
    """One category's topic model and boxes against a trained background (picklable, for
    parallel_map: the HDP's seed comes from the category's key, so any process gives the same)."""

    def __init__(self, background: Any, params: Any, vocabulary: int) -> None:
        self.background, self.params, self.vocabulary = background, params, vocabulary

    def __call__(self, job: tuple[str, list[ImageWords]]) -> Any:
        c, docs = job
        return localize_category(docs, self.background, self.params, vocab_size=self.vocabulary, key=c)


def localize(data: LocalizationData, cfg: LocalizationConfig, progress: bool = True,
             parallel: ParallelConfig | None = None) -> LocalizationRun:
    """One HDP for the background, one per category (through the parallel map), one box per image."""
    bg_docs = [d for d, c in zip(data.docs, data.category) if c == ""]
    background = fit_topic_model(bg_docs, data.vocabulary, cfg.params, key="background")
    cats = list(dict.fromkeys(c for c in data.category if c))
    index = {c: np.flatnonzero(data.category == c) for c in cats}
    docs_of = {c: [data.docs[i] for i in index[c]] for c in cats}
    results = parallel_map(_CategoryJob(background, cfg.params, data.vocabulary), list(docs_of.items()),
                           desc="Sec 4.3: topic models and boxes (categories)", progress=progress,
                           config=parallel or replace(parallel_config(), min_items=MIN_PARALLEL_CATEGORIES),
                           chunk_size=1)
    boxes, sizes, items, seconds = {}, {}, {}, {"background": background.seconds}
    for c, res in zip(cats, results):
        boxes[c] = res.boxes
        sizes[c] = np.array([d.size for d in docs_of[c]], np.int64)
        items[c] = [data.items[i] for i in index[c]]
        seconds[c] = res.fit_seconds + res.search_seconds
    return LocalizationRun(boxes, sizes, items, seconds)


def _truth_of(job) -> tuple[tuple[int, int, int, int] | None, str | None]:
    from ..world.render import render_job

    r = render_job(job)
    return r.box, r.view


def true_boxes(world: Any, items: Sequence[tuple[str, int, int, str]], progress: bool = True
               ) -> tuple[np.ndarray, list[str]]:
    """The renderer's true boxes and view labels of some items (read only to score the boxes)."""
    from ..parallel import parallel_map

    jobs = [world.render_job(w, i, v, s) for w, i, v, s in items]
    out = parallel_map(_truth_of, jobs, desc="true boxes (for scoring only)", progress=progress)
    if any(b is None for b, _ in out):
        raise UserError("an image has no object in view: no true box to score against")
    return np.array([b for b, _ in out], np.int64), [v for _, v in out]


def score(world: Any, run: LocalizationRun, names: dict[str, str], progress: bool = True
          ) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, list[str]]]]:
    """Fig 10's table (one row per category: precision, recall, IoU, F1 and the baselines') and
    each category's true boxes and views."""
    rows, truth = [], {}
    for c, boxes in run.boxes.items():
        t, views = true_boxes(world, run.items[c], progress=False)
        truth[c] = (t, views)
        rows.append({"wnid": c, "name": names.get(c, c), **evaluate_boxes(boxes, t, run.sizes[c])})
    return pd.DataFrame(rows), truth


@dataclass
class PoseClusters:
    """Fig 12 for one category: the crops, their clusters, the views, and the agreement."""

    name: str
    crops: np.ndarray
    clusters: BoxClusters
    views: list[str]
    agreement: ViewAgreement
    true_agreement: ViewAgreement


def pose_clusters(world: Any, run: LocalizationRun, truth: dict[str, tuple[np.ndarray, list[str]]], wnid: str,
                  name: str, seed: int, n: int = paper.FIG12_IMAGES_PER_AVERAGE * paper.FIG12_CLUSTERS,
                  progress: bool = True) -> PoseClusters:
    """Crops of the detected boxes (grey, 32x32) of up to ``n`` images, k-means clusters, and
    their agreement with the rendered views beside that of the true-box crops (the ceiling)."""
    from ..sources.simulated import render_many

    items = run.items[wnid][:n]
    images = [r.image for r in render_many(world, [(w, i, v) for w, i, v, _ in items], style=items[0][3],
                                           desc=f"Fig 12: {name}", progress=progress)]
    t, views = truth[wnid]
    crops = box_crops(images, run.boxes[wnid][:len(items)])
    cl = cluster_boxes(crops, seed=seed, key=name)
    agree = view_agreement(cl.labels, views[:len(items)], seed=seed, key=name)
    true_cl = cluster_boxes(box_crops(images, t[:len(items)]), seed=seed, key=f"{name}-true")
    return PoseClusters(name, crops, cl, list(views[:len(items)]), agree,
                        view_agreement(true_cl.labels, views[:len(items)], seed=seed, key=f"{name}-true"))


def sample_boxes(world: Any, run: LocalizationRun, truth: dict[str, tuple[np.ndarray, list[str]]],
                 names: dict[str, str], per_category: int = 1, limit: int = 18, progress: bool = True
                 ) -> tuple[list[np.ndarray], np.ndarray, list[str], np.ndarray]:
    """Fig 11: a few images with their detected and true boxes."""
    from ..sources.simulated import render_many

    picks = [(c, k) for c in run.boxes for k in range(min(per_category, len(run.items[c])))][:limit]
    keys = [run.items[c][k][:3] for c, k in picks]
    images = [r.image for r in render_many(world, keys, style=run.items[picks[0][0]][0][3] if picks else "web",
                                           desc="Fig 11", progress=progress)]
    boxes = np.array([run.boxes[c][k] for c, k in picks]).reshape(-1, 4)
    true = np.array([truth[c][0][k] for c, k in picks]).reshape(-1, 4)
    return images, boxes, [names.get(c, c) for c, _ in picks], true


# ---------------------------------------------------------------- real photos with PASCAL-VOC boxes

@dataclass
class RealLocalization:
    """Real mode: boxes of the photos of each synset that has box files, scored against them."""

    table: pd.DataFrame
    run: LocalizationRun
    truth: dict[str, np.ndarray]
    skipped: pd.DataFrame


def real_localization(source: Any, cfg: LocalizationConfig, names: dict[str, str] | None = None,
                      progress: bool = True) -> RealLocalization:
    """Photos of an ImageNet-layout folder (``sources.ImageNetFolder``): the synsets whose
    photos have PASCAL-VOC boxes are the categories (at most ``images_per_category`` boxed
    photos each), the other photos the background (at most ``background_images``)."""
    from ..features import SourceImages

    cats, items, boxed = [], [], {}
    for w in source.synsets():
        ids = [i for i, _ in source.images(w) if source.boxes(i)]
        if ids:
            cats.append(w)
            boxed[w] = ids[:cfg.images_per_category]
    if not cats:
        raise UserError(f"{getattr(source, 'root', 'the folder')}: no photo has a PASCAL-VOC box file "
                        "(<image stem>.xml beside it): nothing to localize against")
    others = [i for w in source.synsets() for i, _ in source.images(w)
              if not (w in boxed and i in set(boxed[w]))]
    if len(others) > cfg.background_images:
        pick = np.sort(rng(cfg.seed, "localization-real-background").choice(len(others), cfg.background_images,
                                                                             replace=False))
        others = [others[k] for k in pick]
    items = [i for w in cats for i in boxed[w]] + others
    feats = compute_features(items, SourceImages(source), FeatureSpec(tiny_side=None, sift=cfg.sift),
                             name="fig10-real", progress=progress)
    voc = learn_vocabulary(feats.descriptors, min(cfg.vocabulary, max(2, len(feats.descriptors) // 2)), cfg.seed)
    words = voc.assign(feats.descriptors)
    category = np.array([w for w in cats for _ in boxed[w]] + [""] * len(others), dtype=object)
    keep = np.flatnonzero(feats.ok)
    docs = []
    for i in keep:
        s, e = feats.offsets[i], feats.offsets[i + 1]
        h, w = (int(v) for v in feats.size[i])
        docs.append(ImageWords(words[s:e], feats.xy[s:e], (w, h), str(items[i])))
    data = LocalizationData([(str(items[i]), 0, 0, "real") for i in keep], category[keep], docs, voc.size, feats)
    run = localize(data, cfg, progress)
    rows, truth = [], {}
    for c in run.boxes:
        ids = [it[0] for it in run.items[c]]
        t = np.array([source.boxes(i)[0] for i in ids], np.int64)  # the first box of each photo
        truth[c] = t
        rows.append({"wnid": c, "name": (names or {}).get(c) or lemma(synset(c)),
                     **evaluate_boxes(run.boxes[c], t, run.sizes[c])})
    return RealLocalization(pd.DataFrame(rows), run, truth, source.skipped_frame())
