"""Sec 4.3: automatic object localization (Figs 10-12).

A bounding box around the object of each image from a topic model over visual words learnt
against a global background class (the paper's [14], OPTIMOL), measured against the true
boxes (precision, recall, IoU beside a centred and a whole-image box), and k-means clusters
of the detected boxes (Fig 12) compared with the poses the images were drawn in.

Inputs are visual words with positions (imagenet_repro.features computes them); the
localization never sees a true box or mask: only ``metrics`` and ``claims`` do.
"""

from .boxes import (BoxScores, box_scores, centred_box, evaluate_boxes, max_sum_rectangle, score_grid, search_box,
                    whole_box)
from .categories import localization_categories
from .clusters import BoxClusters, ViewAgreement, box_crops, cluster_boxes, view_agreement
from .topics import (CategoryModel, ImageWords, LocalizationParams, LocalizationResult, fit_topic_model,
                     localize_category, patch_scores)

__all__ = [n for n in dir() if not n.startswith("_")]
