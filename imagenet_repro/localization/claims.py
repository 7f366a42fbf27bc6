"""The claims notebook 07 records (Sec 4.3, Figs 10-12).

The paper gives no number in Sec 4.3 but two statements: precision is low "due to extreme
variability of the objects and because of small objects" (Fig 10: recall above precision),
and the clusters of the detected boxes "consistently discover viewpoints or common poses"
(Fig 12). Recall above precision holds for any box larger than the object, so the boxes
must also beat a centred box (of the same area, and of half the image) and the whole image
on the same images, by F1 and IoU. And a simulated result could come from the world alone
(objects near the centre, large, on their habitat's background): the same claims are recorded
for the null world (render style "web-anywhere": size and position uniform), and a claim is
reproduced only where it holds there too (see ``record_null_world_claims``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import paper
from .clusters import ViewAgreement

if TYPE_CHECKING:
    from ..results import ResultWriter

METHOD_COLUMNS = ("precision", "recall", "iou", "f1")
MIN_CATEGORIES = 10  # a statement over categories gets a verdict from at least this many (the paper: 22)
MIN_IMAGES = 20  # Fig 12: images clustered for a verdict on the poses


def _yes(b: bool) -> str:
    return "yes" if b else "no"


def _box_claims(out: ResultWriter, table: pd.DataFrame, prefix: str, world: str, mode: str) -> dict[str, bool]:
    m = table.mean(numeric_only=True)
    verdicts = {}
    n = len(table)
    out.claim(f"{prefix}.mean_precision", f"mean box precision over {n} categories ({world})", "Sec 4.3 / Fig 10",
              None, m["precision"], mode, direction="info", note="precision = |B & T| / |B| by pixel area")
    out.claim(f"{prefix}.mean_recall", f"mean box recall over {n} categories ({world})", "Sec 4.3 / Fig 10",
              None, m["recall"], mode, direction="info", note="recall = |B & T| / |T| by pixel area")
    verdicts["recall_above_precision"] = bool(m["recall"] > m["precision"])
    out.claim(f"{prefix}.recall_above_precision", f"recall above precision (the paper: precision is low) ({world})",
              "Sec 4.3 / Fig 10", "yes", _yes(verdicts["recall_above_precision"]), mode, direction="==",
              n=n, min_n=MIN_CATEGORIES,
              note=f"means: precision {m['precision']:.3f}, recall {m['recall']:.3f}; categories with recall > "
                   f"precision: {(table['recall'] > table['precision']).sum()}/{n}; mean box area "
                   f"{m['box_area']:.2f} of the image")
    for metric in ("f1", "iou"):
        for base, label in (("centred_same", "a centred box of the same area"), ("centred_half", "a centred box of half the image"),
                            ("whole", "the whole image")):
            ok = bool(m[metric] > m[f"{base}_{metric}"])
            verdicts[f"beats_{base}_{metric}"] = ok
            out.claim(f"{prefix}.beats_{base}_{metric}", f"detected boxes beat {label} by mean {metric.upper()} ({world})",
                      "Sec 4.3 / Fig 10", "yes", _yes(ok), mode, direction="==", n=n, min_n=MIN_CATEGORIES,
                      note=f"{metric.upper()} {m[metric]:.3f} vs {m[f'{base}_{metric}']:.3f}; better in "
                           f"{(table[metric] > table[f'{base}_{metric}']).sum()}/{n} categories")
    return verdicts


def record_localization_claims(out: ResultWriter, table: pd.DataFrame, mode: str = "simulated",
                               prefix: str = "loc") -> dict[str, bool]:
    """Fig 10 on the standard world (or on real photos, with another ``prefix``): one row per
    category with evaluate_boxes' columns. Returns each claim's outcome (for the null world)."""
    out.claim(f"{prefix}.categories", "categories localized (mammal and vehicle, different depths)", "Sec 4.3",
              paper.LOCALIZATION_CATEGORIES, len(table), mode, direction="==" if mode == "simulated" else "info",
              note=f"images per category: {int(table['images'].min())}-{int(table['images'].max())} "
                   f"(paper: {paper.LOCALIZATION_IMAGES} annotated)")
    world = "web-style world" if mode == "simulated" else "real photos with box files"
    return _box_claims(out, table, prefix, world, mode)


def record_null_world_claims(out: ResultWriter, table: pd.DataFrame, standard: dict[str, bool],
                             mode: str = "simulated") -> pd.DataFrame:
    """The same claims in the null world (objects of any size anywhere in the frame), and which
    of the standard world's outcomes survive it: only those are the method's."""
    null = _box_claims(out, table, "loc.null", "null world: object size and position uniform", mode)
    rows = pd.DataFrame({"standard world": pd.Series(standard), "null world": pd.Series(null)})
    rows["method's (holds in both)"] = rows["standard world"] & rows["null world"]
    return rows


def record_pose_claims(out: ResultWriter, name: str, agreement: ViewAgreement, sizes: list[int],
                       true_boxes: ViewAgreement | None = None, mode: str = "simulated", alpha: float = 0.05) -> None:
    """Fig 12: do k-means clusters of the detected boxes match the views the images were drawn
    in (adjusted Rand index, p under shuffled views)? With the same on true-box crops as the
    ceiling of what grey 32x32 crops can show."""
    key = name.replace(" ", "_")
    note = (f"ARI {agreement.ari:.3f}, p {agreement.p_value:.3f} ({agreement.shuffles} shuffles; null mean "
            f"{agreement.null_mean:.3f}, 95% {agreement.null_95:.3f}); cluster sizes {sizes}")
    if true_boxes is not None:
        note += f"; crops of the true boxes: ARI {true_boxes.ari:.3f}, p {true_boxes.p_value:.3f}"
    out.claim(f"fig12.{key}.clusters_match_views", f'clusters of the detected "{name}" boxes match the rendered views '
              f"(p < {alpha})", "Sec 4.3 / Fig 12", "yes", _yes(agreement.p_value < alpha), mode, direction="==",
              note=note, n=int(sum(sizes)), min_n=MIN_IMAGES)
