"""Scale presets and paths shared by every notebook.

A preset fixes sizes only; every method parameter keeps its own default where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import paper
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
    pixel_images_per_synset: int  # 04: rendered images per category in the average images
    pixel_categories: int | None  # 04, 05: None = all the paper's categories
    # Fig 5 (notebook 04): synsets drawn for the check of the measure against the world's diversity
    fig5_correlation_synsets: int = 40
    # Fig 8 (notebook 05): raw candidates drawn per mammal synset (the noisy set; the clean set is
    # the accepted ones among them), test images per category, altered copies of training images
    # planted among them, images per class of NBNN-k, SIFT descriptors kept per NBNN class, and
    # candidates per synset of the latent-decay null world (None: as many as the main world)
    fig8_candidates_per_synset: int = 12
    fig8_test_per_category: int = 25
    fig8_planted_per_category: int = paper.TEST_DUPLICATES_PER_CATEGORY
    fig8_limited_images: int = paper.NBNN_LIMITED_IMAGES
    fig8_descriptors_per_class: int | None = 300
    fig8_null_candidates_per_synset: int | None = None
    # NN-voting's neighbours: the paper's 100, fewer at ci where the whole clean set is ~100 images
    fig8_neighbours: int = paper.NN_NEIGHBOURS
    # Fig 9 (notebook 06): visual words of the bag of SIFT words, and the images a synset needs
    # to take part (its 90/10 split needs a held-out image)
    fig9_vocabulary: int = 200
    fig9_min_images: int = 6
    # Sec 4.3 (notebook 07): categories, images per category (the paper annotated 100), background
    # images, visual words, Gibbs sweeps of each HDP
    loc_categories: int = paper.LOCALIZATION_CATEGORIES
    loc_images_per_category: int = paper.LOCALIZATION_IMAGES
    loc_background_images: int = 300
    loc_vocabulary: int = 200
    loc_iterations: int = 150


# Add a field to Scale and set it for every preset here, by keyword.
SCALES: dict[str, Scale] = {
    "ci": Scale(name="ci", subtrees=("mammal", "vehicle"), max_synsets_per_subtree=40,
                candidates_per_synset=0.05, dedup_web_images=25, sensitivity_synsets=60, size_sample=40,
                pixel_images_per_synset=12, pixel_categories=4,
                fig5_correlation_synsets=8, fig8_candidates_per_synset=10, fig8_test_per_category=6,
                fig8_planted_per_category=2, fig8_limited_images=1, fig8_descriptors_per_class=300,
                fig8_neighbours=10,
                fig9_vocabulary=40, fig9_min_images=3, loc_categories=4, loc_images_per_category=10,
                loc_background_images=30, loc_vocabulary=40, loc_iterations=40),
    "default": Scale(name="default", subtrees=None, max_synsets_per_subtree=None,
                     candidates_per_synset=0.25, dedup_web_images=60, sensitivity_synsets=300, size_sample=200,
                     pixel_images_per_synset=100, pixel_categories=None,
                     fig5_correlation_synsets=40, fig8_candidates_per_synset=12, fig8_test_per_category=25,
                     fig8_limited_images=1, fig8_descriptors_per_class=300),
    "paper": Scale(name="paper", subtrees=None, max_synsets_per_subtree=None,
                   candidates_per_synset=1.0, dedup_web_images=100, sensitivity_synsets=300, size_sample=500,
                   pixel_images_per_synset=300, pixel_categories=None,
                   fig5_correlation_synsets=100, fig8_candidates_per_synset=500, fig8_test_per_category=100,
                   fig8_descriptors_per_class=2000, fig9_vocabulary=500, fig9_min_images=10,
                   loc_background_images=600, loc_vocabulary=500, loc_iterations=300),
}


def get_scale(name: str) -> Scale:
    """The preset called ``name``; a clear error for anything else."""
    try:
        return SCALES[name]
    except KeyError:
        raise UserError(
            f"unknown scale {name!r}: choose one of {', '.join(SCALES)}"
        ) from None

