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


# Add a field to Scale (with a default) and set it per preset here, by keyword.
SCALES: dict[str, Scale] = {
    "ci": Scale(name="ci", subtrees=("mammal", "vehicle"), max_synsets_per_subtree=40,
                candidates_per_synset=0.05, pixel_images_per_synset=12, pixel_categories=4),
    "default": Scale(name="default", subtrees=None, max_synsets_per_subtree=None,
                     candidates_per_synset=0.25, pixel_images_per_synset=100, pixel_categories=None),
    "paper": Scale(name="paper", subtrees=None, max_synsets_per_subtree=None,
                   candidates_per_synset=1.0, pixel_images_per_synset=300, pixel_categories=None),
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
