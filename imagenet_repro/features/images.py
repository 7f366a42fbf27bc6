"""Features of an image set, computed once: per-image work through ``parallel.parallel_map``,
the result cached on disk (``cache.cached_arrays``) keyed by the items, the loader and the spec.

Why: Figs 5 and 8-12 describe the same kinds of images (rendered candidates, Caltech-style
test images, real photos) with the same features. A set is a list of hashable *items* and a
*loader* (a picklable callable item -> RGB pixels, or None when the file cannot be used); the
loader says what determines its pixels (``cache_params``), so a cache entry is never reused
for other pixels. Two loaders:

- ``WorldImages(world)``: items ``(true_wnid, web_image_id, variant, style)`` of the simulated
  world (``true_wnid`` "" for junk), rendered exactly as ``World.render`` does (a test checks
  it pixel for pixel) from a small copy of the world (latents, diversity, offsets), so
  workers receive kilobytes, not the world;
- ``SourceImages(source)``: items are image ids of an ``ImageSource`` (folders of photos);
  a broken file comes back as not ``ok`` and is listed by ``skipped_items``.

What is computed (``FeatureSpec``): tiny images (uint8), a 64-bit image hash given by the
caller (``hash64``, e.g. ``collect.dedup.phash64`` for duplicate removal against a training set:
the function is handed over, so features imports no stage), SIFT descriptors with their
keypoint positions (flat arrays, ``offsets`` per image).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..config import CACHE_DIR
from ..errors import UserError
from .sift import DESCRIPTOR_DIM, SiftParams, sift_descriptors
from .tiny import TINY_SIDE, tiny_image


@dataclass(frozen=True)
class FeatureSpec:
    """Which features to compute: ``tiny_side`` (None: none), ``hash64`` (a module-level
    function pixels -> 64-bit int, None: none), ``sift`` (None: none)."""

    tiny_side: int | None = TINY_SIDE
    hash64: Callable[[np.ndarray], Any] | None = None
    sift: SiftParams | None = None

    def key(self) -> dict[str, Any]:
        h = self.hash64
        return {"tiny_side": self.tiny_side, "sift": None if self.sift is None else asdict(self.sift),
                "hash64": None if h is None else f"{h.__module__}.{h.__qualname__}"}


@dataclass
class ImageFeatures:
    """Features of n images. ``ok`` False: the image could not be loaded (its features are
    zeros and it has no descriptors). ``size`` is (height, width). Descriptors of image i are
    rows offsets[i]:offsets[i+1] of ``descriptors`` (float32) and ``xy`` (keypoint x, y in the
    image's pixels)."""

    ok: np.ndarray
    size: np.ndarray
    tiny: np.ndarray | None = None
    hash64: np.ndarray | None = None
    descriptors: np.ndarray | None = None
    xy: np.ndarray | None = None
    offsets: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ok)

    @property
    def n_descriptors(self) -> np.ndarray:
        """Descriptors per image (int64)."""
        if self.offsets is None:
            raise UserError("these features have no SIFT descriptors (FeatureSpec.sift was None)")
        return np.diff(self.offsets)

    def descriptor_image(self) -> np.ndarray:
        """The image index (int64) of every descriptor."""
        return np.repeat(np.arange(len(self)), self.n_descriptors)

    def image_descriptors(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        s, e = self.offsets[i], self.offsets[i + 1]
        return self.descriptors[s:e], self.xy[s:e]

    def subset(self, index: Sequence[int] | np.ndarray) -> "ImageFeatures":
        """The features of some images, in the order given."""
        idx = np.asarray(index, np.int64)
        out = ImageFeatures(self.ok[idx], self.size[idx],
                            None if self.tiny is None else self.tiny[idx],
                            None if self.hash64 is None else self.hash64[idx], meta=dict(self.meta))
        if self.offsets is not None:
            counts = self.n_descriptors[idx]
            new_offsets = np.r_[0, np.cumsum(counts)].astype(np.int64)
            rows = np.repeat(self.offsets[idx] - new_offsets[:-1], counts) + np.arange(new_offsets[-1])
            out.descriptors, out.xy = self.descriptors[rows], self.xy[rows]
            out.offsets = new_offsets
        return out

    @staticmethod
    def concat(parts: Sequence["ImageFeatures"]) -> "ImageFeatures":
        """Several sets one after the other (they must carry the same features)."""
        if not parts:
            raise UserError("nothing to concatenate")
        out = ImageFeatures(np.concatenate([p.ok for p in parts]), np.concatenate([p.size for p in parts]))
        if all(p.tiny is not None for p in parts):
            out.tiny = np.concatenate([p.tiny for p in parts])
        if all(p.hash64 is not None for p in parts):
            out.hash64 = np.concatenate([p.hash64 for p in parts])
        if all(p.offsets is not None for p in parts):
            out.descriptors = np.concatenate([p.descriptors for p in parts])
            out.xy = np.concatenate([p.xy for p in parts])
            out.offsets = np.r_[0, np.cumsum(np.concatenate([p.n_descriptors for p in parts]))].astype(np.int64)
        return out

    def to_arrays(self) -> dict[str, np.ndarray]:
        a = {"ok": self.ok, "size": self.size}
        if self.tiny is not None:
            a["tiny"] = self.tiny
        if self.hash64 is not None:
            a["hash64"] = self.hash64
        if self.offsets is not None:
            a["descriptors"] = self.descriptors.astype(np.uint8)  # OpenCV's SIFT values are integers 0..255
            a["xy"], a["offsets"] = self.xy, self.offsets
        return a

    @staticmethod
    def from_arrays(a: dict[str, np.ndarray]) -> "ImageFeatures":
        out = ImageFeatures(a["ok"].astype(bool), a["size"], a.get("tiny"), a.get("hash64"))
        if "offsets" in a:
            out.descriptors = a["descriptors"].astype(np.float32)
            out.xy, out.offsets = a["xy"], a["offsets"]
        return out


# ---------------------------------------------------------------- loaders

class WorldImages:
    """Pixels of simulated images, items ``(true_wnid, web_image_id, variant, style)``.

    The same pixels as ``world.render(true_wnid, web_image_id, variant, style)``; holds only
    the latents, diversity and WordNet offsets of ``wnids`` (default: every synset of the
    world) so it is cheap to send to worker processes.
    """

    def __init__(self, world: Any, wnids: Sequence[str] | None = None) -> None:
        table = world.synsets
        keep = list(table.index) if wnids is None else [w for w in dict.fromkeys(wnids) if w]
        missing = [w for w in keep if w not in table.index]
        if missing:
            raise UserError(f"synset(s) not in the simulated world: {', '.join(missing[:5])}")
        rows = table.loc[keep, "index"].to_numpy(np.int64)
        self.seed = int(world.config.seed)
        self.row = {w: i for i, w in enumerate(keep)}
        self.latent = np.ascontiguousarray(world.latent[rows])
        self.diversity = table.loc[keep, "diversity"].to_numpy(np.float64)
        self.offset = np.array([int(w[1:]) for w in keep], np.int64)
        self.plan = [world.body_plan(w) for w in keep]  # the renderer's body plan of each synset
        self._key = {"world": world.config.as_dict(),
                     "hierarchy": hashlib.sha256(" ".join(table.index).encode()).hexdigest()[:16]}

    def cache_params(self) -> dict[str, Any]:
        return self._key

    def render(self, item: Sequence[Any], size: tuple[int, int] | None = None):
        """The Rendered image (pixels, box, mask) of an item, as World.render makes it."""
        from ..world.model import JUNK_RENDER_INDEX
        from ..world.render import RenderJob, render_job

        true_wnid, wid, variant, style = _world_item(item)
        if true_wnid == "":
            return render_job(RenderJob(None, 0.0, (self.seed, JUNK_RENDER_INDEX, wid), variant, style, size))
        i = self.row.get(true_wnid)
        if i is None:
            raise UserError(f"synset {true_wnid} was not given to this WorldImages loader")
        return render_job(RenderJob(self.latent[i], float(self.diversity[i]), (self.seed, int(self.offset[i]), wid),
                                    variant, style, size, self.plan[i]))

    def __call__(self, item: Sequence[Any]) -> np.ndarray:
        return self.render(item).image


def _world_item(item: Sequence[Any]) -> tuple[str, int, int, str]:
    try:
        true_wnid, wid, variant = str(item[0]), int(item[1]), int(item[2])
        style = str(item[3]) if len(item) > 3 else "web"
    except (TypeError, ValueError, IndexError):
        raise UserError(f"a simulated image item is (true_wnid, web_image_id, variant, style), got {item!r}") from None
    return true_wnid, wid, variant, style


def world_items(frame, style: str = "web") -> list[tuple[str, int, int, str]]:
    """Items of a frame with columns true_wnid, web_image_id, variant (one per row)."""
    return [(str(t), int(w), int(v), style) for t, w, v in
            zip(frame["true_wnid"].astype(str), frame["web_image_id"], frame["variant"])]


class SourceImages:
    """Pixels of an ``ImageSource`` (folders of photos), items = its image ids; None for a
    file the source skips (unreadable, truncated, not an image, ...)."""

    def __init__(self, source: Any) -> None:
        self.source = source
        root = getattr(source, "root", None)
        self._key = {"source": type(source).__name__, "root": str(root) if root is not None else "",
                     "mode": getattr(source, "mode", "real")}

    def cache_params(self) -> dict[str, Any]:
        return self._key

    def __call__(self, item: str) -> np.ndarray | None:
        from ..sources import ImageSkipped

        try:
            return self.source.load(item)
        except ImageSkipped:
            return None


# ---------------------------------------------------------------- computing

class _Extractor:
    """Features of one item (picklable: a loader and a spec)."""

    def __init__(self, load: Callable[[Any], np.ndarray | None], spec: FeatureSpec) -> None:
        self.load, self.spec = load, spec

    def __call__(self, job: tuple[Any, bool]) -> dict[str, Any]:
        item, with_sift = job
        spec = self.spec
        pixels = self.load(item)
        out: dict[str, Any] = {"ok": pixels is not None}
        if pixels is None:
            out["size"] = (0, 0)
            return out
        out["size"] = pixels.shape[:2]
        if spec.tiny_side:
            out["tiny"] = tiny_image(pixels, spec.tiny_side)
        if spec.hash64 is not None:
            out["hash64"] = spec.hash64(pixels)
        if spec.sift is not None and with_sift:
            out["descriptors"], out["xy"] = sift_descriptors(pixels, spec.sift)
        return out


def _assemble(parts: list[dict[str, Any]], spec: FeatureSpec) -> dict[str, np.ndarray]:
    n = len(parts)
    a: dict[str, np.ndarray] = {"ok": np.array([p["ok"] for p in parts], bool),
                                "size": np.array([p["size"] for p in parts], np.int32).reshape(n, 2)}
    if spec.tiny_side:
        s = spec.tiny_side
        a["tiny"] = np.stack([p.get("tiny", np.zeros((s, s, 3), np.uint8)) for p in parts]) if n \
            else np.zeros((0, s, s, 3), np.uint8)
    if spec.hash64 is not None:
        a["hash64"] = np.array([p.get("hash64", 0) for p in parts], np.uint64)
    if spec.sift is not None:
        empty_d, empty_xy = np.zeros((0, DESCRIPTOR_DIM), np.float32), np.zeros((0, 2), np.float32)
        descs = [p.get("descriptors", empty_d) for p in parts]
        a["descriptors"] = np.concatenate(descs).astype(np.uint8) if n else empty_d.astype(np.uint8)
        a["xy"] = np.concatenate([p.get("xy", empty_xy) for p in parts]) if n else empty_xy
        a["offsets"] = np.r_[0, np.cumsum([len(d) for d in descs])].astype(np.int64)
    return a


def items_digest(items: Sequence[Any]) -> str:
    """SHA-256 of the items (JSON), the part of a cache key that names the images."""
    return hashlib.sha256(json.dumps(list(items), default=str).encode()).hexdigest()


def compute_features(items: Sequence[Any], load: Callable[[Any], np.ndarray | None], spec: FeatureSpec,
                     name: str = "features", params: dict[str, Any] | None = None,
                     cache_dir: Path | None = CACHE_DIR, desc: str | None = None,
                     progress: bool = True, config: Any = None,
                     sift_mask: Sequence[bool] | np.ndarray | None = None) -> ImageFeatures:
    """The features of every item, computed once (parallel_map, progress bar) and cached.

    The cache key holds the items, the loader's ``cache_params()``, the spec and ``params``
    (anything else the caller wants named); ``cache_dir`` None computes without caching.
    ``sift_mask``: SIFT only for the items marked True (the others get no descriptors), so a
    set whose tiny images are all needed but descriptors only for some is rendered once.
    """
    from ..cache import cached_arrays
    from ..parallel import parallel_map

    items = [tuple(x) if isinstance(x, list) else x for x in items]
    mask = np.ones(len(items), bool) if sift_mask is None else np.asarray(sift_mask, bool)
    if mask.shape != (len(items),):
        raise UserError(f"sift_mask needs one flag per item ({len(items)}), got shape {mask.shape}")
    loader_key = load.cache_params() if hasattr(load, "cache_params") else {"loader": repr(load)}
    key = {"spec": spec.key(), "items": items_digest(items), "n": len(items), "loader": loader_key,
           **(params or {})}
    if sift_mask is not None and spec.sift is not None:
        key["sift_mask"] = hashlib.sha256(np.packbits(mask).tobytes()).hexdigest()

    def compute() -> dict[str, np.ndarray]:
        jobs = list(zip(items, mask.tolist()))
        parts = parallel_map(_Extractor(load, spec), jobs, desc=desc or f"{name} ({len(items):,} images)",
                             progress=progress, config=config)
        return _assemble(parts, spec)

    out = ImageFeatures.from_arrays(cached_arrays(name, key, compute, cache_dir))
    out.meta = {"name": name, "spec": spec}
    return out


def skipped_items(items: Sequence[Any], features: ImageFeatures) -> list[Any]:
    """The items whose image could not be loaded."""
    return [items[i] for i in np.flatnonzero(~features.ok)]
