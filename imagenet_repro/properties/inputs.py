"""What notebook 03 reads: notebook 02's clean set, completed with the synsets Fig 1 and Fig 3
need that 02 did not clean at a reduced scale."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable


from ..collect import simulated_web
from ..crowd.pipeline import clean_set_covering as covering
from ..crowd.pipeline import load_clean_summary
from ..hierarchy import Hierarchy, load_hierarchy


def clean_set_covering(results_dir: Path | str, hierarchy: Hierarchy, needed: Iterable[str], out,
                       seed: int = 2009, amount: float = 1.0):
    """Notebook 02's clean set and per-synset summary, completed with the ``needed`` synsets
    02 did not clean at this scale, so Fig 1 and Fig 3 have every synset they draw (table
    ``cleaned_in_03``). Returns (world, clean, summary, missing wnids)."""
    res = Path(results_dir)
    summary = load_clean_summary(res)
    missing = [w for w in dict.fromkeys(needed) if w not in set(summary["wnid"])]
    present = set(summary["subtree"]) | set(hierarchy.synsets.loc[missing, "subtree"])
    run_subtrees = tuple(s for s in hierarchy.subtree_names if s in present)
    world = simulated_web(load_hierarchy(run_subtrees), seed=seed)
    clean, summary, missing = covering(res, world, needed, out, seed, amount, table="cleaned_in_03")
    return world, clean, summary, missing
