"""The tree-max experiment on images rendered by the simulated world (no SIFT needed).

Why: to see the method work on pixels before the shared SIFT / visual-word features exist,
and to run it again in a *null world*. In the default world a synset's latent appearance is
its parents' mean plus noise of sd ``latent_decay ** (depth - 1)`` (0.85): deep synsets
differ little from their parents, which by itself could make classification depend on
height. ``null_config`` switches that off (``latent_decay=1.0``: the same noise at every
depth); what survives there is the method's, not the world's.

Features per image: a joint HSV histogram (``features.colour``) and the 32 x 32 tiny image
(pixels / 255). The tiny image here is a plain area resize (``_tiny_pixels``), to be
replaced by ``features.tiny`` when that lands.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .. import paper
from ..cache import cached_arrays
from ..config import CACHE_DIR
from ..errors import UserError
from ..features.colour import hsv_histogram
from ..hierarchy import Hierarchy, load_hierarchy
from ..parallel import ParallelConfig, parallel_map
from ..sources.simulated import SYNTHETIC_ID_BASE
from ..world import World, WorldConfig
from .treemax import TreeMaxConfig, TreeMaxResult, resolve_root, run_treemax


def null_config(config: WorldConfig | None = None, **changes) -> WorldConfig:
    """The same world with the latent noise constant over depth (``latent_decay=1``), plus
    any other assumption switched off by ``changes`` (e.g. ``diversity_generality=0``)."""
    base = config if config is not None else WorldConfig()
    return dataclasses.replace(base, latent_decay=1.0, **changes)


@lru_cache(maxsize=4)
def _world(subtrees: tuple[str, ...], config: WorldConfig) -> World:
    return World(load_hierarchy(subtrees), config)


def _tiny_pixels(image: np.ndarray, side: int) -> np.ndarray:
    import cv2

    return cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA).astype(np.float32).ravel() / 255.0


def _render_features(item: tuple) -> np.ndarray:
    """Features of one rendered image (module-level and pure: for the parallel map)."""
    subtrees, config, wnid, i, side = item
    image = _world(subtrees, config).render(wnid, web_image_id=SYNTHETIC_ID_BASE + int(i)).image
    return np.concatenate([hsv_histogram(image), _tiny_pixels(image, side)])


@dataclass(frozen=True)
class RenderedSet:
    """Features (images x features) and one wnid label per rendered image."""

    features: np.ndarray
    labels: np.ndarray
    world: WorldConfig


def rendered_features(world_config: WorldConfig, wnids: Sequence[str], images_per_synset: int,
                      subtrees: tuple[str, ...] = ("mammal",), tiny_side: int = paper.TINY_IMAGE_SIDE,
                      cache_dir: Path | None = CACHE_DIR, parallel: ParallelConfig | None = None,
                      progress: bool = True) -> RenderedSet:
    """``images_per_synset`` clean images of each synset (web image ids from
    ``SYNTHETIC_ID_BASE``), rendered by the world, as colour histogram + tiny-image rows."""
    if int(images_per_synset) < 1:
        raise UserError(f"images_per_synset must be at least 1, got {images_per_synset}")
    wnids = list(dict.fromkeys(wnids))
    items = [(tuple(subtrees), world_config, w, i, int(tiny_side))
             for w in wnids for i in range(int(images_per_synset))]
    params = {"world": world_config.as_dict(), "subtrees": list(subtrees), "wnids": wnids,
              "images_per_synset": int(images_per_synset), "tiny_side": int(tiny_side)}

    def compute() -> dict[str, np.ndarray]:
        rows = parallel_map(_render_features, items, desc="tree-max: render and describe", progress=progress,
                            config=parallel)
        return {"features": np.stack(rows).astype(np.float32)}

    feats = cached_arrays("treemax-rendered", params, compute, cache_dir=cache_dir)["features"]
    labels = np.array([w for w in wnids for _ in range(int(images_per_synset))])
    return RenderedSet(feats, labels, world_config)


def world_experiment(world_config: WorldConfig, roots: Sequence[str], images_per_synset: int = 16,
                     background: Sequence[str] = (), subtrees: tuple[str, ...] = ("mammal",),
                     seed: int = 2009, config: TreeMaxConfig | None = None,
                     cache_dir: Path | None = CACHE_DIR, parallel: ParallelConfig | None = None,
                     progress: bool = True) -> TreeMaxResult:
    """Render every synset under ``roots`` (and the ``background`` subtrees, whose images are
    only common and held-out negatives), describe the images, run ``run_treemax``."""
    hierarchy: Hierarchy = load_hierarchy(tuple(subtrees))
    analysed = [resolve_root(hierarchy, r) for r in roots]
    others = [resolve_root(hierarchy, r) for r in background]
    wnids = list(dict.fromkeys(d for r in analysed + others for d in hierarchy.descendants(r)))
    data = rendered_features(world_config, wnids, images_per_synset, subtrees, cache_dir=cache_dir,
                             parallel=parallel, progress=progress)
    return run_treemax(data.features, data.labels, hierarchy, analysed, seed, config=config,
                       cache_dir=cache_dir, parallel=parallel, progress=progress)
