"""The one interface every image source offers (folders of photographs, the simulated world).

Why: the applications (Figs 5, 8-12) run unchanged on real data supplied by the user and
on the simulated default; only the source differs, and it says which it is (``mode``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .decode import ImageSkipped, SkippedFile

Box = tuple[int, int, int, int]  # (x0, y0, x1, y1), 0-based pixel edges, x1/y1 exclusive


class ImageSource(ABC):
    """Images per synset. ``mode`` is "real" or "simulated" (recorded with every result)."""

    mode: str = "real"

    def __init__(self) -> None:
        self._skipped: dict[Path | str, SkippedFile] = {}

    @property
    def skipped(self) -> list[SkippedFile]:
        """Every file left out so far, with its reason, in the order met."""
        return list(self._skipped.values())

    def _record_skip(self, skipped: SkippedFile) -> None:
        self._skipped.setdefault(skipped.path, skipped)

    @abstractmethod
    def synsets(self) -> list[str]:
        """The wnids this source has images for."""

    @abstractmethod
    def images(self, wnid: str) -> Iterator[tuple[str, Path | None]]:
        """(image_id, path) of every candidate image of ``wnid`` (path None if rendered)."""

    @abstractmethod
    def load(self, image_id: str) -> np.ndarray:
        """(H, W, 3) uint8 RGB pixels; raises ImageSkipped (InputDataError) naming the file."""

    def boxes(self, image_id: str) -> list[Box]:
        """Object boxes of an image (empty when the source has none)."""
        return []

    def count(self, wnid: str) -> int:
        return sum(1 for _ in self.images(wnid))

    def iter_loaded(self, wnid: str, limit: int | None = None) -> Iterator[tuple[str, np.ndarray]]:
        """(image_id, pixels) of the usable images of ``wnid``; broken ones go to ``skipped``."""
        n = 0
        for image_id, _ in self.images(wnid):
            if limit is not None and n >= limit:
                return
            try:
                pixels = self.load(image_id)
            except ImageSkipped:
                continue
            n += 1
            yield image_id, pixels

    def skipped_frame(self):
        """The skipped files as a DataFrame (path, reason, detail), for a results table."""
        import pandas as pd

        return pd.DataFrame([(str(s.path), s.reason, s.detail) for s in self.skipped],
                            columns=["path", "reason", "detail"])
