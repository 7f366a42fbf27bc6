"""The model of Sec 4.3: bags of visual words, an HDP topic model per category and one for a
global background class, and the signed patch score the box search sums.

The paper ([14], OPTIMOL) represents every image as a bag of visual words, learns the topics
z_i of a category against a global background class with a non-parametric (HDP) model, and
scores each patch by p(x|c) = sum_i p(x|z_i, c) p(z_i|c). Here:

- one ``tomotopy.HDPModel`` per category, trained on the bags of words of that category's
  images, and one for the background class (images of other synsets and junk), each seeded
  from ``rng`` and trained with one worker thread so that results are reproducible;
- p(x|z_i, c): the topic's word distribution, the Dirichlet posterior mean
  (n_zw + eta) / (n_z + V eta) over the whole vocabulary of V words (words the model never
  saw keep the pseudo-count); p(z_i|c): the share of the category's words assigned to topic
  i (live topics only);
- the score of a patch with word x: log p(x|c) - log p(x|background) - bias. Positive where
  the category explains the patch better than the background does; the box is the maximum-sum
  rectangle of these scores (boxes.py). ``relative=True`` subtracts each image's mean score
  first: the category's own context (its habitat's background) also scores above the global
  background, and the plain ratio then spreads the box over most of the image.

What differs from OPTIMOL: OPTIMOL learns incrementally, accepting images from a raw web
stream batch by batch into its model; here the model is learnt once, in batch, from the
category's (already clean) images and then localizes those same images (transductive), with
tomotopy's Gibbs sampler rather than OPTIMOL's own. Nothing here ever receives a true box or
mask: an image is only its words, their positions and its size.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from tqdm import tqdm  # text bars: they stream to the terminal under run_all.sh

from ..errors import UserError
from ..rng import rng
from .boxes import search_box


@dataclass(frozen=True)
class ImageWords:
    """One image as the localization sees it: visual-word ids, their (x, y) pixel positions and
    the image size (width, height). No box, no mask."""

    words: np.ndarray  # (n,) int word ids in [0, vocab size)
    xy: np.ndarray  # (n, 2) float pixel positions (x right, y down)
    size: tuple[int, int]  # (width, height)
    image_id: str = ""

    def __post_init__(self) -> None:
        w = np.asarray(self.words)
        xy = np.asarray(self.xy, dtype=np.float64)
        if w.ndim != 1 or not np.issubdtype(w.dtype, np.integer):
            raise UserError(f"image {self.image_id!r}: words must be a 1-D array of ints, got {w.dtype} {w.shape}")
        if xy.shape != (w.shape[0], 2):
            raise UserError(f"image {self.image_id!r}: xy must be ({w.shape[0]}, 2), got {xy.shape}")
        if w.size and w.min() < 0:
            raise UserError(f"image {self.image_id!r}: word ids must be >= 0")
        if len(self.size) != 2 or min(int(self.size[0]), int(self.size[1])) < 1:
            raise UserError(f"image {self.image_id!r}: size must be (width, height) >= 1, got {self.size!r}")


@dataclass(frozen=True)
class LocalizationParams:
    """Parameters of the model and the box search (defaults used in notebook 07)."""

    cell: int = 16  # pixels per grid cell of the box search
    iterations: int = 150  # Gibbs sweeps of the HDP
    initial_k: int = 8  # topics to start from (the HDP adds and removes topics)
    alpha: float = 0.5  # document-level concentration
    gamma: float = 0.5  # corpus-level concentration
    eta: float = 0.01  # topic-word Dirichlet
    bias: float = 0.0  # subtracted from every patch score (0: the plain log likelihood ratio)
    relative: bool = False  # also subtract each image's mean patch score (a box of above-average patches)
    seed: int = 2009

    def __post_init__(self) -> None:
        if self.cell < 1 or self.iterations < 1 or self.initial_k < 1:
            raise UserError("LocalizationParams: cell, iterations and initial_k must be >= 1")
        if min(self.alpha, self.gamma, self.eta) <= 0:
            raise UserError("LocalizationParams: alpha, gamma and eta must be > 0")


@dataclass(frozen=True)
class CategoryModel:
    """A trained HDP reduced to what scoring needs."""

    word_prob: np.ndarray  # (V,) p(x|c) = sum_i p(x|z_i, c) p(z_i|c)
    topic_word: np.ndarray  # (K, V) p(x|z_i, c), live topics
    topic_share: np.ndarray  # (K,) p(z_i|c)
    images: int
    seconds: float

    @property
    def n_topics(self) -> int:
        return int(self.topic_share.size)


def _vocab_size(docs: Sequence[ImageWords]) -> int:
    return int(max((int(d.words.max()) + 1 for d in docs if d.words.size), default=1))


def fit_topic_model(docs: Sequence[ImageWords], vocab_size: int, params: LocalizationParams,
                    key: str | int = "category") -> CategoryModel:
    """Train an HDP on the bags of words of ``docs`` (positions are not used by the topics)."""
    import tomotopy as tp

    docs = [d for d in docs if d.words.size]
    if not docs:
        raise UserError(f"topic model {key!r}: no image with any visual word to learn from")
    if _vocab_size(docs) > vocab_size:
        raise UserError(f"topic model {key!r}: a word id >= vocab_size {vocab_size}")
    t0 = time.perf_counter()
    seed = int(rng(params.seed, "localization-hdp", key).integers(0, 2**31 - 1))
    mdl = tp.HDPModel(initial_k=params.initial_k, alpha=params.alpha, eta=params.eta, gamma=params.gamma,
                      seed=seed)
    for d in docs:
        mdl.add_doc([str(int(w)) for w in d.words])
    mdl.train(params.iterations, workers=1)
    vocab = np.array([int(v) for v in mdl.used_vocabs], np.int64)
    counts = np.asarray(mdl.get_count_by_topics(), np.float64)
    live = np.array([k for k in range(mdl.k) if mdl.is_live_topic(k) and counts[k] > 0], np.int64)
    n_used = vocab.size
    topic_word = np.full((live.size, vocab_size), params.eta)
    for row, k in enumerate(live):
        dist = np.asarray(mdl.get_topic_word_dist(int(k)), np.float64)  # (n_zw + eta) / (n_z + U eta)
        topic_word[row, vocab] = dist * (counts[k] + n_used * params.eta)
    topic_word /= (counts[live] + vocab_size * params.eta)[:, None]
    share = counts[live] / counts[live].sum()
    return CategoryModel(word_prob=share @ topic_word, topic_word=topic_word, topic_share=share,
                         images=len(docs), seconds=time.perf_counter() - t0)


def patch_scores(doc: ImageWords, category: CategoryModel, background: CategoryModel, bias: float = 0.0
                 ) -> np.ndarray:
    """log p(x|c) - log p(x|background) - bias of every patch of one image."""
    ratio = np.log(category.word_prob) - np.log(background.word_prob)
    w = np.asarray(doc.words, np.int64)
    if w.size and w.max() >= ratio.size:
        raise UserError(f"image {doc.image_id!r}: word id {int(w.max())} outside the models' vocabulary")
    return ratio[w] - bias


@dataclass(frozen=True)
class LocalizationResult:
    """Detected boxes of one category's images, and what the models and the search cost."""

    boxes: np.ndarray  # (n, 4) int (x0, y0, x1, y1) pixel edges
    box_score: np.ndarray  # (n,) summed patch score inside each box
    n_topics: int
    n_topics_background: int
    fit_seconds: float  # training the category's topic model
    search_seconds: float  # scoring the patches and searching the boxes


def localize_category(images: Sequence[ImageWords], background: Sequence[ImageWords] | CategoryModel,
                      params: LocalizationParams | None = None, vocab_size: int | None = None,
                      key: str | int = "category", progress: bool = False) -> LocalizationResult:
    """One box per image of a category: train its HDP (and the background's, unless a trained
    background model is given), score every patch, take each image's maximum-sum rectangle."""
    params = params or LocalizationParams()
    images = list(images)
    if not images:
        raise UserError(f"category {key!r}: no images to localize")
    if isinstance(background, CategoryModel):
        bg = background
        V = bg.word_prob.size if vocab_size is None else int(vocab_size)
        if V != bg.word_prob.size:
            raise UserError(f"vocab_size {V} differs from the background model's {bg.word_prob.size}")
    else:
        background = list(background)
        V = int(vocab_size) if vocab_size is not None else max(_vocab_size(images), _vocab_size(background))
        bg = fit_topic_model(background, V, params, key="background")
    cat = fit_topic_model(images, V, params, key=key)
    t0 = time.perf_counter()
    boxes = np.zeros((len(images), 4), np.int64)
    totals = np.zeros(len(images))
    for i, doc in enumerate(tqdm(images, desc=f"boxes {key}", disable=not progress)):
        if doc.words.size == 0:  # nothing to go on: the whole image
            boxes[i] = (0, 0, int(doc.size[0]), int(doc.size[1]))
            continue
        s = patch_scores(doc, cat, bg, params.bias)
        if params.relative:
            s = s - s.mean()
        box, totals[i] = search_box(doc.xy, s, doc.size, params.cell)
        boxes[i] = box
    return LocalizationResult(boxes=boxes, box_score=totals, n_topics=cat.n_topics,
                              n_topics_background=bg.n_topics, fit_seconds=cat.seconds,
                              search_seconds=time.perf_counter() - t0)
