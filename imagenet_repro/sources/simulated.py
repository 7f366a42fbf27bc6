"""The simulated world as an image source: the same interface as a folder of photographs,
images rendered on demand (never stored).

Two ways to choose a synset's images:
- ``from_candidates=False`` (default): ``images_per_synset`` clean images of the synset
  itself, web image ids ``SYNTHETIC_ID_BASE + i`` (far from the ids the simulated search
  engines hand out, so they never collide with a candidate);
- ``from_candidates=True``: the synset's positive candidates after the world's dedup
  (images of the synset or of its descendants, as in an ImageNet synset), in rank order.

Image ids read ``"<true wnid>/<web image id>"`` (``"~<variant>"`` appended for an altered
copy), so an id renders the same image in any process.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import UserError
from .base import Box, ImageSource

if TYPE_CHECKING:  # pragma: no cover
    from ..world.render import Rendered

SYNTHETIC_ID_BASE = 1 << 40


def render_many(world: Any, keys: Sequence[tuple[str, int, int]], style: str = "web",
                desc: str = "rendering", progress: bool = True) -> list["Rendered"]:
    """Render (true wnid, web image id, variant) keys with the parallel map (local processes, or
    a dask cluster): the same images as ``world.render`` one by one, in the order of ``keys``."""
    from ..parallel import parallel_map
    from ..world.render import render_job

    jobs = [world.render_job(str(w), int(i), int(v), style) for w, i, v in keys]
    return parallel_map(render_job, jobs, desc=desc, progress=progress)
_ID_RE = re.compile(r"^(n\d{8}|junk)/(\d+)(?:~(\d+))?$")


def image_id_of(true_wnid: str, web_image_id: int, variant: int = 0) -> str:
    base = f"{true_wnid or 'junk'}/{int(web_image_id)}"
    return f"{base}~{int(variant)}" if variant else base


def parse_image_id(image_id: str) -> tuple[str, int, int]:
    """(true wnid ('' for junk), web image id, variant) of a simulated image id."""
    m = _ID_RE.match(image_id)
    if not m:
        raise UserError(f"{image_id!r} is not a simulated image id like 'n02084071/12' or 'n02084071/12~1'")
    wnid = "" if m.group(1) == "junk" else m.group(1)
    return wnid, int(m.group(2)), int(m.group(3) or 0)


class SimulatedSource(ImageSource):
    """Images of the simulated ``world`` (the World of imagenet_repro.world), per synset."""

    mode = "simulated"

    def __init__(self, world: Any, wnids: Sequence[str] | None = None, images_per_synset: int = 100,
                 style: str = "web", from_candidates: bool = False, cache_size: int = 64) -> None:
        super().__init__()
        from ..world.render import STYLES  # lazily: the world package may be built later

        if style not in STYLES:
            raise UserError(f"unknown render style {style!r}: choose one of {', '.join(STYLES)}")
        if images_per_synset < 1:
            raise UserError(f"images_per_synset must be >= 1, got {images_per_synset}")
        self.world = world
        self.style = style
        self.images_per_synset = int(images_per_synset)
        self.from_candidates = from_candidates
        known = world.synsets.index
        if wnids is None:
            self._wnids = list(known)
        else:
            unknown = [w for w in wnids if w not in known]
            if unknown:
                raise UserError(f"synset(s) not in the simulated world: {', '.join(unknown[:5])}"
                                f"{' ...' if len(unknown) > 5 else ''}")
            self._wnids = list(wnids)
        self._cache: OrderedDict[str, Rendered] = OrderedDict()
        self._cache_size = cache_size

    def synsets(self) -> list[str]:
        return list(self._wnids)

    def _ids(self, wnid: str) -> list[str]:
        if wnid not in self.world.synsets.index:
            raise UserError(f"synset {wnid!r} is not in the simulated world")
        n = self.images_per_synset
        if not self.from_candidates:
            return [image_id_of(wnid, SYNTHETIC_ID_BASE + i) for i in range(n)]
        cands = self.world.dedup(self.world.candidates(wnid))
        pos = cands[cands["is_positive"].to_numpy(bool)].head(n)
        return [image_id_of(t, w, v) for t, w, v in
                zip(pos["true_wnid"], pos["web_image_id"], pos["variant"])]

    def images(self, wnid: str) -> Iterator[tuple[str, None]]:
        return ((i, None) for i in self._ids(wnid))

    def count(self, wnid: str) -> int:
        return len(self._ids(wnid))

    def rendered(self, image_id: str) -> "Rendered":
        """The Rendered image (pixels, box, mask) of an id, from a small LRU cache."""
        hit = self._cache.get(image_id)
        if hit is not None:
            self._cache.move_to_end(image_id)
            return hit
        true_wnid, web_image_id, variant = parse_image_id(image_id)
        r = self.world.render(true_wnid, web_image_id, variant=variant, style=self.style)
        self._cache[image_id] = r
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return r

    def load(self, image_id: str) -> np.ndarray:
        return self.rendered(image_id).image

    def boxes(self, image_id: str) -> list[Box]:
        box = self.rendered(image_id).box
        return [] if box is None else [box]

    @staticmethod
    def true_wnid(image_id: str) -> str:
        return parse_image_id(image_id)[0]
