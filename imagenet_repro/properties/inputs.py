"""What notebook 03 reads: notebook 02's clean set, completed with the synsets Fig 1 and Fig 3
need that 02 did not clean at a reduced scale."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from ..collect import simulated_web
from ..crowd.pipeline import (
    clean_synsets,
    load_clean_set,
    load_clean_summary,
    load_worker_model,
)
from ..hierarchy import Hierarchy, load_hierarchy


def clean_set_covering(results_dir: Path | str, hierarchy: Hierarchy, needed: Iterable[str], out,
                       seed: int = 2009, amount: float = 1.0):
    """Notebook 02's clean set and per-synset summary, completed with the ``needed`` synsets
    02 did not clean at this scale (same pipeline, seed and fitted worker model), so Fig 1 and
    Fig 3 have every synset they draw. Records the inputs, and the synsets cleaned here as the
    table ``cleaned_in_03``. Returns (world, clean, summary, missing wnids)."""
    res = Path(results_dir)
    clean = load_clean_set(res)
    summary = load_clean_summary(res)
    out.input(res / "data" / "clean_set.parquet")
    out.input(res / "tables" / "clean_per_synset.csv")
    missing = [w for w in dict.fromkeys(needed) if w not in set(summary["wnid"])]
    present = set(summary["subtree"]) | set(hierarchy.synsets.loc[missing, "subtree"])
    run_subtrees = tuple(s for s in hierarchy.subtree_names if s in present)
    world = simulated_web(load_hierarchy(run_subtrees), seed=seed)
    if missing:  # with the (fitted) worker model and consensus settings notebook 02 used
        model, consensus = load_worker_model(res)
        out.input(res / "data" / "crowd_worker_model.json")
        extra = clean_synsets(world, missing, model, consensus, seed=seed, amount=amount, progress=False)
        clean = pd.concat([clean, extra.clean], ignore_index=True)
        summary = pd.concat([summary, extra.summary[summary.columns]], ignore_index=True)
        out.table(extra.summary[["wnid", "subtree", "depth", "candidates", "accepted", "precision"]],
                  "cleaned_in_03", index=False)
    return world, clean, summary, missing
