"""Fig 9 end to end (notebook 06): the clean images of the mammal and vehicle subtrees, a bag of
SIFT visual words plus a colour histogram per image, and the tree-max experiment of Sec 4.2.

Why these images: the paper trains on ImageNet's own images of each synset. Here they are the
clean-set images of Fig 8's training sample (notebook 05: raw candidates per mammal synset drawn
at random, the ones notebook 02 accepted), with the very same features (``fig8.train_features``:
one cache entry serves both notebooks); the vehicle subtree gets the same treatment. A synset's
images are those collected *for* it (``label_wnid``), as in ImageNet, where an inner synset's
images show it or its descendants.

The null world (latent noise constant over depth, ``WorldConfig(latent_decay=1.0)``): the same
sampling, cleaning decisions and features in a world whose deep synsets are no more alike than
shallow ones, so "easier near the leaves" can be told apart from the world's assumption.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import UserError
from ..features import FeatureSpec, SourceImages, WorldImages, compute_features, hsv_histogram, learn_vocabulary
from ..rng import rng
from ..hierarchy import Hierarchy
from .fig8 import Fig8Config, mark_accepted, sample_candidates, train_features
from .. import paper
from .treemax import TreeMaxConfig, TreeMaxResult, named_synsets, run_treemax


@dataclass(frozen=True)
class Fig9Config:
    """Sizes and settings of the Fig 9 run (sizes from ``config.Scale``)."""

    vocabulary: int  # visual words (MiniBatchKMeans on the training descriptors)
    min_images: int  # a synset takes part with at least this many images
    n_rounds: int = 50  # boosting rounds per classifier
    seed: int = 2009

    def __post_init__(self) -> None:
        if self.vocabulary < 2:
            raise UserError(f"Fig9Config.vocabulary must be at least 2 words, got {self.vocabulary}")

    def treemax(self) -> TreeMaxConfig:
        return TreeMaxConfig(min_images=self.min_images, n_rounds=self.n_rounds)


@dataclass
class Fig9Images:
    """The images of one run: their label (wnid), subtree, and features (BoW | HSV histogram)."""

    labels: np.ndarray
    subtree: np.ndarray
    features: np.ndarray
    n_words: int
    world: dict[str, Any]

    def __len__(self) -> int:
        return len(self.labels)

    def summary(self) -> pd.DataFrame:
        df = pd.DataFrame({"subtree": self.subtree, "wnid": self.labels})
        g = df.groupby("subtree", sort=False)
        return pd.DataFrame({"images": g.size(), "synsets": g["wnid"].nunique()})


def clean_images(world: Any, classes: Sequence[str], clean: pd.DataFrame, fig8: Fig8Config, amount: float,
                 progress: bool = True) -> pd.DataFrame:
    """Fig 8's sample of raw candidates of ``classes`` (cached: the same as notebook 05 draws for
    the mammal synsets) with ``accepted`` marked from the clean set."""
    return mark_accepted(sample_candidates(world, list(classes), fig8.candidates_per_synset, amount, fig8.seed,
                                           progress=progress), clean)


def image_features(sets: dict[str, tuple[Any, pd.DataFrame, str]], fig8: Fig8Config, cfg: Fig9Config,
                   progress: bool = True) -> Fig9Images:
    """Features of the accepted images of each subtree's sample, ``sets``: subtree -> (world,
    sample, feature-cache name; "fig8" for the mammals is notebook 05's own entry). One
    vocabulary is learnt on all their SIFT descriptors; each image is its word histogram (L1)
    beside an HSV histogram of its tiny image."""
    parts = []
    for key, (world, sample, name) in sets.items():
        load = WorldImages(world, sorted(set(sample["true_wnid"]) - {""}))
        rows, feats, _ = train_features(sample.reset_index(drop=True), load, fig8, name, progress)
        acc = rows[rows["accepted"].to_numpy(bool)]
        parts.append((key, acc["label_wnid"].astype(str).to_numpy(), feats.subset(acc["image"].to_numpy(np.int64))))
    return _describe(parts, cfg, {key: s[0].config.as_dict() for key, s in sets.items()})


def _describe(parts: list[tuple[str, np.ndarray, Any]], cfg: Fig9Config, world: dict[str, Any]) -> Fig9Images:
    """(subtree, labels, ImageFeatures with tiny + SIFT) per part -> word | colour histograms."""
    if not sum(len(p[1]) for p in parts):
        raise UserError("Fig 9: no usable image")
    all_desc = np.concatenate([f.descriptors for _, _, f in parts])
    if len(all_desc) < 2:
        raise UserError("Fig 9: the images have fewer than 2 SIFT descriptors in all")
    k = min(cfg.vocabulary, max(2, len(all_desc) // 2))
    voc = learn_vocabulary(all_desc, k, cfg.seed)
    bows = [voc.histograms(voc.assign(f.descriptors), f.offsets) for _, _, f in parts]
    colour = [np.stack([hsv_histogram(t) for t in f.tiny]) if len(f.tiny) else np.zeros((0, 128), np.float32)
              for _, _, f in parts]
    X = np.hstack([np.concatenate(bows), np.concatenate(colour)]).astype(np.float32)
    subtree = np.concatenate([np.full(len(lab), key, dtype=object) for key, lab, _ in parts])
    return Fig9Images(np.concatenate([lab for _, lab, _ in parts]), subtree, X, k, world)


def real_images(source: Any, hierarchy: Hierarchy, subtrees: Sequence[str], fig8: Fig8Config, cfg: Fig9Config,
                max_per_synset: int | None = None, progress: bool = True) -> Fig9Images:
    """The same features of photos in an ImageNet-layout folder (``sources.ImageNetFolder``):
    its synsets in ``subtrees`` (at most ``max_per_synset`` photos each, a seeded sample);
    files that cannot be decoded are left out (``source.skipped``)."""
    parts = []
    for key in subtrees:
        members = set(hierarchy.subtree(key))
        ids, labels = [], []
        for w in source.synsets():
            if w in members:
                have = [i for i, _ in source.images(w)]
                if max_per_synset is not None and len(have) > max_per_synset:
                    pick = np.sort(rng(cfg.seed, "fig9-real", int(w[1:])).choice(len(have), max_per_synset, replace=False))
                    have = [have[j] for j in pick]
                ids += have
                labels += [w] * len(have)
        if not ids:
            continue
        feats = compute_features(ids, SourceImages(source), FeatureSpec(sift=fig8.sift), name=f"fig9-real-{key}",
                                 progress=progress)
        ok = feats.ok
        parts.append((key, np.asarray(labels)[ok], feats.subset(np.flatnonzero(ok))))
    if not parts:
        raise UserError(f"the folder has no synset of the {', '.join(subtrees)} subtree(s)")
    return _describe(parts, cfg, {"real": str(getattr(source, "root", ""))})


def paper_examples(hierarchy: Hierarchy, subtree: str) -> tuple[str, ...]:
    """The synsets the paper names for Fig 9 (Sec 4.2: easy near the leaves, hard near the top)
    that lie in ``subtree``."""
    found = named_synsets(hierarchy, paper.FIG9_EASY_EXAMPLES + paper.FIG9_HARD_EXAMPLES)
    members = set(hierarchy.subtree(subtree))
    return tuple(p for p, w in found.items() if w in members)


def null_world(world: Any) -> Any:
    """The same world with latent noise constant over depth (new latents, same everything else)."""
    from ..world import World

    return World(world.hierarchy, dataclasses.replace(world.config, latent_decay=1.0), queries=world.queries)


def run_fig9(images: Fig9Images, hierarchy: Hierarchy, subtree: str, cfg: Fig9Config,
             progress: bool = True) -> TreeMaxResult:
    """The tree-max experiment on one subtree; the images of the other subtrees take part as
    common and held-out negatives (so the subtree's root has outside negatives too)."""
    return run_treemax(images.features, images.labels, hierarchy, subtree, cfg.seed, cfg.treemax(),
                       progress=progress)
