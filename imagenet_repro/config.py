"""Scale presets and paths shared by every notebook.

A preset fixes sizes only; every method parameter keeps its own default where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
RESULTS_DIR = PROJECT_ROOT / "results"
CACHE_DIR = PROJECT_ROOT / ".cache"
DEFAULT_SEED = 2009


@dataclass(frozen=True)
class Scale:
    """Sizes of one run; every size that depends on the scale lives here.

    A notebook parameter left at ``None`` whose name is a field here takes the scale's value
    (``notebook.setup``), so a user can still override any of them with ``-p NAME VALUE``.
    """

    name: str
    subtrees: tuple[str, ...] | None  # None = all 12
    max_synsets_per_subtree: int | None  # statistical level; None = all
    candidates_per_synset: float  # scales the simulated web's availability (1.0 = the paper's web)
    dedup_web_images: int  # 01: web images rendered per named synset for the pixel dedup check
    sensitivity_synsets: int  # 01: synsets re-collected per grid value of the precision study
    size_sample: int  # 03: clean images rendered to measure image sizes (Table 1 FullRes)


# Add a field to Scale and set it for every preset here, by keyword.
SCALES: dict[str, Scale] = {
    "ci": Scale(name="ci", subtrees=("mammal", "vehicle"), max_synsets_per_subtree=40,
                candidates_per_synset=0.05, dedup_web_images=25, sensitivity_synsets=60, size_sample=40),
    "default": Scale(name="default", subtrees=None, max_synsets_per_subtree=None,
                     candidates_per_synset=0.25, dedup_web_images=60, sensitivity_synsets=300,
                     size_sample=200),
    "paper": Scale(name="paper", subtrees=None, max_synsets_per_subtree=None,
                   candidates_per_synset=1.0, dedup_web_images=100, sensitivity_synsets=300,
                   size_sample=500),
}


def get_scale(name: str) -> Scale:
    """The preset called ``name``; a clear error for anything else."""
    try:
        return SCALES[name]
    except KeyError:
        raise UserError(
            f"unknown scale {name!r}: choose one of {', '.join(SCALES)}"
        ) from None

