"""How big ImageNet is ("Scale", Sec 2): images per synset, Fig 2's histogram and table.

Two sources of per-synset image counts, always kept apart and labelled:

- **real**: ImageNet's fall-2011 release, tallied per node from its public URL list
  (``sources.fall2011``). It is two years younger than the paper (3.8M images in the 5,247
  synsets of the 12 subtrees, against the paper's total), and counts are per node;
- **simulated**: the accepted images per synset of the simulated cleaning pipeline
  (notebook 02's ``clean_per_synset.csv``).

Everything here takes a ``pd.Series`` of images per synset (wnid -> count, per node), so both
versions go through the very same code.

"Very few images" is not defined in the paper. We say fewer than ``VERY_FEW = 100``: a tenth
of the paper's target of about 1000 images per synset, a fifth of its lower end of 500
(Sec 2: "500-1000 per synset"). The notebook also shows the share under 10 and 50.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from .. import paper
from ..errors import InputDataError, UserError
from ..hierarchy import Hierarchy

VERY_FEW = 100  # "very few images" (the paper gives no number; see the module docstring)
MANY = paper.MANY_IMAGES  # "over 50% synsets have more than 500 images"
HIST_BIN = 100  # width of the histogram bins, images per synset
FIG2_SUBTREES = tuple(paper.FIG2_TABLE.index)


def simulated_counts(hierarchy: Hierarchy, per_synset: pd.DataFrame,
                     column: str = "accepted") -> pd.Series:
    """Clean images per node from the simulated pipeline's per-synset table (wnid column or index).

    Only the synsets the run covered are returned (a ci run covers a few branches).
    """
    df = per_synset.set_index("wnid") if "wnid" in per_synset.columns else per_synset
    if column not in df.columns:
        raise UserError(f"the clean per-synset table has no {column!r} column "
                        f"(columns: {', '.join(map(str, df.columns))})")
    unknown = [w for w in df.index if w not in hierarchy]
    if unknown:
        raise InputDataError(f"clean per-synset table: {len(unknown)} wnid(s) not in the hierarchy, "
                             f"e.g. {unknown[0]}")
    order = [w for w in hierarchy.synsets.index if w in df.index]
    out = df.loc[order, column].astype(np.int64)
    out.index.name = "wnid"
    out.name = "images"
    return out


def _subtree_of(hierarchy: Hierarchy, counts: pd.Series) -> pd.Series:
    return hierarchy.synsets.loc[counts.index, "subtree"]


def scale_summary(counts: pd.Series, very_few: int = VERY_FEW, many: int = MANY) -> dict[str, float]:
    """The four numbers of the paper's scale claims, for one set of per-synset counts."""
    c = np.asarray(counts, dtype=np.int64)
    if c.size == 0:
        raise UserError("no synsets to summarise")
    return {
        "synsets": int(c.size),
        "total_images": int(c.sum()),
        "mean_images": float(c.mean()),
        "median_images": float(np.median(c)),
        "share_very_few": float((c < very_few).mean()),
        "share_over_many": float((c > many).mean()),
        "share_empty": float((c == 0).mean()),
    }


def subtree_table(hierarchy: Hierarchy, counts: pd.Series,
                  subtrees: Iterable[str] | None = FIG2_SUBTREES) -> pd.DataFrame:
    """Fig 2's table: synsets, average synset size and total images per subtree.

    ``subtrees`` None gives every subtree present in ``counts``. Subtrees absent from
    ``counts`` (a ci run) are left out.
    """
    sub = _subtree_of(hierarchy, counts)
    g = counts.groupby(sub, sort=False)
    table = pd.DataFrame({"synsets": g.size(), "avg_synset_size": g.mean(), "total_images": g.sum()})
    names = list(subtrees) if subtrees is not None else list(table.index)
    table = table.reindex([n for n in names if n in table.index])
    table.index.name = "subtree"
    return table.astype({"synsets": np.int64, "total_images": np.int64})


def table_beside_paper(table: pd.DataFrame) -> pd.DataFrame:
    """Our Fig 2 table with the paper's numbers beside it (only the paper's six subtrees)."""
    rows = [s for s in table.index if s in paper.FIG2_TABLE.index]
    out = table.loc[rows].copy()
    for col in paper.FIG2_TABLE.columns:
        out[f"paper_{col}"] = paper.FIG2_TABLE.loc[rows, col]
    out["total_ratio"] = (out["total_images"] / out["paper_total_images"]).round(3)
    cols = ["synsets", "paper_synsets", "avg_synset_size", "paper_avg_synset_size",
            "total_images", "paper_total_images", "total_ratio"]
    return out[cols]


def histogram(counts: pd.Series, bin_width: int = HIST_BIN, max_images: int | None = None) -> pd.DataFrame:
    """Synsets per bin of images per synset: bins [lo, hi), the last one closed on the max."""
    c = np.asarray(counts, dtype=np.int64)
    top = int(max_images if max_images is not None else max(int(c.max(initial=0)), 1))
    edges = np.arange(0, top + bin_width, bin_width, dtype=np.int64)
    if edges[-1] <= top:
        edges = np.append(edges, edges[-1] + bin_width)
    n, _ = np.histogram(np.minimum(c, edges[-1] - 1), bins=edges)
    return pd.DataFrame({"lo": edges[:-1], "hi": edges[1:], "synsets": n.astype(np.int64)})


@dataclass(frozen=True)
class Fig2Version:
    """One version of Fig 2 (real fall-2011 counts, or the simulated clean set), labelled."""

    key: str  # "simulated" | "real"
    title: str
    mode: str
    note: str
    counts: pd.Series  # images per synset (per node)
    table_all: pd.DataFrame  # subtree_table over every subtree present
    hist: pd.DataFrame  # histogram
    summary: dict[str, float]  # scale_summary
    table: pd.DataFrame  # table_beside_paper


def fig2_versions(hierarchy: Hierarchy, simulated: pd.Series, real: pd.Series, scale_name: str,
                  amount: float) -> dict[str, Fig2Version]:
    """Fig 2's two versions (simulated first, then real): the same code on both, labels kept apart."""
    versions: dict[str, Fig2Version] = {}
    for key, counts, mode, title, note in (
            ("simulated", simulated, "simulated", f"simulated clean set (scale={scale_name})",
             f"{len(simulated):,} synsets cleaned; web scaled by {amount} (counts full size only at scale=paper)"),
            ("real", real, "real", "ImageNet fall 2011, per-node URL counts",
             "fall-2011 release (2 years after the paper); synsets absent from it count 0 images")):
        table = subtree_table(hierarchy, counts, subtrees=None)
        versions[key] = Fig2Version(key, title, mode, note, counts, table, histogram(counts),
                                    scale_summary(counts), table_beside_paper(table))
    return versions


def save_fig2_tables(out, versions: dict[str, Fig2Version]) -> None:
    """The per-subtree table, the table beside the paper's and the histogram of each version."""
    for key, v in versions.items():
        out.table(v.table_all, f"fig2_subtrees_{key}")
        out.table(v.table, f"fig2_table_{key}")
        out.table(v.hist, f"fig2_histogram_{key}", index=False)


def share_below(versions: dict[str, Fig2Version], thresholds: Iterable[int] = (1, 10, 50, 100, 200)) -> pd.DataFrame:
    """Share of synsets under each threshold, per version: how much "very few" (undefined in
    the paper) depends on where it is put."""
    thresholds = list(thresholds)
    return pd.DataFrame({k: {f"< {t}": float((v.counts < t).mean()) for t in thresholds}
                         for k, v in versions.items()})
