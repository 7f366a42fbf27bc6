"""All drawing lives here: one module per stage, one style (``_style.styled``).

Each function takes computed data (frames, arrays, small dataclasses) and returns a
matplotlib Figure; it computes nothing a test would need to check. Simulated data is
labelled in the title. A new stage adds a module and re-exports its functions below.
"""

from ._style import PALETTE, STYLE, mode_label, mosaic, square_tile, styled
from .collect import (candidate_contact_sheet, candidates_per_synset, dedup_threshold_sweep,
                      precision_sensitivity, translation_coverage_bars)
from .crowd import (crowd_cost_precision, crowd_votes_by_depth, fig4_precision_by_depth, fig7_confidence_tables,
                    real_cost_precision, real_fig4_by_depth, real_fig7_tables, real_votes_needed_by_depth,
                    reliability_diagram)
from .diversity import fig5_diversity_check, fig5_examples, fig5_sizes
from .hierarchy import hierarchy_depth_height
from .localization import fig10_precision_recall, fig11_samples, fig12_clusters
from .properties import fig1_branches, fig2_scale, fig3_trees, fig6_depth, table1_figure
from .recognition import fig8_null_worlds, fig8_roc
from .treemax import fig9_treemax, treemax_gain_scatter

__all__ = [n for n in dir() if not n.startswith("_")]
