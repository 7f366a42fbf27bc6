"""Scale presets and paths shared by every notebook.

A preset fixes sizes only; every method parameter keeps its own default where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from .errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
RESULTS_DIR = PROJECT_ROOT / "results"
CACHE_DIR = PROJECT_ROOT / ".cache"
DEFAULT_SEED = 2009


@dataclass(frozen=True)
class Scale:
    """Sizes of one run. ``subtrees`` None means all 12."""

    name: str
    subtrees: tuple[str, ...] | None
    max_synsets_per_subtree: int | None  # statistical level; None = all
    candidates_per_synset: float  # scales the simulated web's availability
    pixel_images_per_synset: int  # rendered images per category in pixel-level experiments
    pixel_categories: int | None  # None = all the paper's categories


SCALES: dict[str, Scale] = {
    "ci": Scale("ci", ("mammal", "vehicle"), 40, 0.05, 12, 4),
    "default": Scale("default", None, None, 0.25, 100, None),
    "paper": Scale("paper", None, None, 1.0, 300, None),
}


def get_scale(name: str) -> Scale:
    """The preset called ``name``; a clear error for anything else."""
    try:
        return SCALES[name]
    except KeyError:
        raise UserError(
            f"unknown scale {name!r}: choose one of {', '.join(SCALES)}"
        ) from None


def scale_fields() -> list[str]:
    return [f.name for f in fields(Scale)]
