"""Table 1: properties of ImageNet against other datasets, the ImageNet row measured where the
artifact can measure it (LabelDisam, Clean, DenseHie, FullRes) with the stated rule that turns
a number into Y/N; the rest quoted from the paper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from .. import paper
from ..errors import UserError
from ..hierarchy import Hierarchy
from .mosaics import BranchItem, image_sizes, rendered_sizes

TABLE1_PROPERTIES = paper.TABLE1_PROPERTIES
TABLE1_DATASETS = paper.TABLE1_DATASETS

# Thresholds that turn a measurement into Y/N (stated here, not fitted).
CLEAN_MIN_PRECISION = 0.9  # TinyImage, "N" in the paper, has 10-25% clean images


FULLRES_MIN_SIDE = 200  # TinyImage's 32x32 is "N"; ImageNet's ~400x350 is "Y"


DENSE_MIN_SHARE_POPULATED = 0.9  # nearly every synset of a subtree has images, inner and leaf


@dataclass(frozen=True)
class Table1Measurement:
    """One measured property of the ImageNet row of Table 1."""

    property: str
    value: str  # what was measured, in words with the number
    verdict: str  # "Y" or "N" from the stated threshold
    mode: str  # "real" or "simulated"
    rule: str  # the threshold that gives Y
    n: int = 0  # the sample measured (labels, synsets, images)


def measure_label_disambiguation(labels: Iterable[str], hierarchy: Hierarchy, mode: str = "simulated",
                                 contrast: str = "") -> Table1Measurement:
    """Y when every image's label is a wnid of the hierarchy: one synset, never a bare word."""
    labels = pd.Series(list(labels), dtype=str)
    ok = float(labels.isin(hierarchy.synsets.index).mean()) if len(labels) else float("nan")
    return Table1Measurement("LabelDisam", f"{ok:.1%} of {len(labels):,} labels are WordNet synsets (wnids)"
                             + (f" ({contrast})" if contrast else ""),
                             "Y" if ok == 1.0 else "N", mode, "all labels are wnids", len(labels))


def measure_clean(precision: float, n_synsets: int, mode: str = "simulated") -> Table1Measurement:
    return Table1Measurement("Clean", f"mean precision {precision:.1%} over {n_synsets} synsets",
                             "Y" if precision >= CLEAN_MIN_PRECISION else "N", mode,
                             f"mean precision >= {CLEAN_MIN_PRECISION:.0%}", int(n_synsets))


def measure_dense(populated: pd.DataFrame, mode: str) -> Table1Measurement:
    share = populated["populated"].sum() / populated["synsets"].sum()
    return Table1Measurement(
        "DenseHie", f"{int(populated['populated'].sum()):,} of {int(populated['synsets'].sum()):,} "
        f"synsets ({share:.1%}) have images, inner nodes and leaves alike",
        "Y" if share >= DENSE_MIN_SHARE_POPULATED else "N", mode,
        f"share of synsets with images >= {DENSE_MIN_SHARE_POPULATED:.0%}", int(populated["synsets"].sum()))


def measure_full_resolution(sizes: np.ndarray, mode: str) -> Table1Measurement:
    """``sizes``: [n, 2] of (width, height) in pixels."""
    sizes = np.asarray(sizes, dtype=float).reshape(-1, 2)
    if len(sizes) == 0:
        raise UserError("no image sizes to measure full resolution on")
    w, h = sizes.mean(axis=0)
    short = np.median(sizes.min(axis=1))
    return Table1Measurement("FullRes", f"mean {w:.0f}x{h:.0f} px over {len(sizes):,} images "
                             f"(median shorter side {short:.0f} px)",
                             "Y" if short >= FULLRES_MIN_SIDE else "N", mode,
                             f"median shorter side >= {FULLRES_MIN_SIDE} px", len(sizes))


def table1(measurements: Iterable[Table1Measurement]) -> pd.DataFrame:
    """Table 1: the paper's Y/N for every dataset, ours beside it for the ImageNet row.

    Rows are properties; ``ImageNet (artifact)`` holds the measured verdict where a property
    was measured, else "quoted"; ``how`` says what was measured (or that it is quoted).
    """
    out = paper.TABLE1.copy()
    out.columns = [f"{c} (paper)" for c in out.columns]
    measured = {m.property: m for m in measurements}
    unknown = set(measured) - set(TABLE1_PROPERTIES)
    if unknown:
        raise UserError(f"unknown Table 1 properties: {', '.join(sorted(unknown))}")
    out.insert(0, "ImageNet (artifact)", [measured[p].verdict if p in measured else "quoted"
                                          for p in TABLE1_PROPERTIES])
    out["mode"] = [measured[p].mode if p in measured else "quoted" for p in TABLE1_PROPERTIES]
    out["how"] = [f"{measured[p].value}; Y if {measured[p].rule}" if p in measured
                  else "quoted from the paper (not measurable here)" for p in TABLE1_PROPERTIES]
    return out


def table1_sizes(world, clean: pd.DataFrame, fig1_real: dict[str, list[BranchItem]] | None, n: int = 100,
                 seed: int = 2009) -> tuple[np.ndarray, str]:
    """Image sizes for FullRes: the real Fig 1 photos when there are any, else rendered
    clean-set images. Returns (sizes, mode)."""
    if fig1_real is not None and len(image_sizes(fig1_real)):
        return image_sizes(fig1_real), "real"
    return rendered_sizes(world, clean, n=n, seed=seed), "simulated"


def table1_measurements(hierarchy: Hierarchy, clean: pd.DataFrame, summary: pd.DataFrame,
                        populated_real: pd.DataFrame, sizes: np.ndarray, size_mode: str,
                        esp_error_share: float) -> list[Table1Measurement]:
    """The four properties of ImageNet's row the artifact measures (LabelDisam, Clean,
    DenseHie, FullRes), ESP's disambiguation errors as the contrast for LabelDisam."""
    prec = summary["precision"].dropna()
    return [
        measure_label_disambiguation(clean["wnid"], hierarchy, "simulated",
                                     contrast=f"ESP words read as their most frequent sense: {esp_error_share:.1%} wrong"),
        measure_clean(float(prec.mean()), len(prec), "simulated"),
        measure_dense(populated_real, "real"),
        measure_full_resolution(sizes, size_mode),
    ]
