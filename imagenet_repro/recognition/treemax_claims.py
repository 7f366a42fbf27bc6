"""The claims of Sec 4.2 / Fig 9, recorded from a tree-max run (``treemax.run_treemax``).

The paper's two statements, made testable:

1. "At nearly all levels, the performance of the tree-max classifier is consistently higher
   than the independent classifier": the share of tree heights (with at least
   ``min_synsets`` synsets, from height 2: at height 1 every synset is a leaf and its
   tree-max is its own classifier) where the mean tree-max AUC is at or above the
   independent one, against ``paper.FIG9_NEARLY_ALL``.
2. "images are easier to classify at the bottom of the tree ... as opposed to the top":
   the mean AUC of the synsets at heights 1-2 minus that of the top heights (those above
   half the tallest height with an AUC, and at least 3), > 0; and the sign of Spearman's
   rank correlation of AUC with height over synsets, < 0.

Statement 2 could come from the simulated world alone (latent noise shrinking with depth,
``WorldConfig.latent_decay``). Given a run in the null world (``latent_decay=1``), the
claim ``fig9.leaves_easier`` takes the null world's value (what the method makes without
that assumption) and the default world's is recorded beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import paper
from ..hierarchy import Hierarchy
from .treemax import TreeMaxResult, named_examples

if TYPE_CHECKING:
    from ..results import ResultWriter

BOTTOM_HEIGHTS = (1, 2)
SECTION = "Sec 4.2 / Fig 9"


def compared_heights(by_height: pd.DataFrame, min_synsets: int = 3) -> pd.DataFrame:
    """Heights from 2 up with at least ``min_synsets`` synsets that have an AUC."""
    rows = by_height[(by_height.index >= 2) & (by_height["n_synsets"] >= min_synsets)]
    return rows.dropna(subset=["auc_independent", "auc_treemax"])


def top_heights(per_synset: pd.DataFrame) -> list[int]:
    """The top of the tree: heights above half the tallest height with an AUC, and >= 3."""
    scored = per_synset.dropna(subset=["auc_independent"])
    if scored.empty:
        return []
    tallest = int(scored["height"].max())
    return [h for h in range(3, tallest + 1) if h > tallest / 2 and (scored["height"] == h).any()]


def leaves_easier(per_synset: pd.DataFrame, column: str = "auc_independent") -> dict[str, float]:
    """Mean AUC at heights 1-2, at the top heights, their difference, and Spearman's rho of
    AUC with height over synsets (with its p-value)."""
    from scipy.stats import spearmanr

    scored = per_synset.dropna(subset=[column])
    top = top_heights(per_synset)
    bottom = scored[scored["height"].isin(BOTTOM_HEIGHTS)][column]
    upper = scored[scored["height"].isin(top)][column]
    rho, p = (spearmanr(scored["height"], scored[column])
              if scored["height"].nunique() > 1 and scored[column].nunique() > 1 else (np.nan, np.nan))
    return {"bottom": float(bottom.mean()) if len(bottom) else np.nan,
            "top": float(upper.mean()) if len(upper) else np.nan,
            "difference": float(bottom.mean() - upper.mean()) if len(bottom) and len(upper) else np.nan,
            "n_bottom": len(bottom), "n_top": len(upper), "top_heights": top,
            "rho": float(rho), "p": float(p)}


def treemax_share(by_height: pd.DataFrame, min_synsets: int = 3) -> dict[str, object]:
    """Heights compared, how many have tree-max at or above / strictly above independent."""
    rows = compared_heights(by_height, min_synsets)
    at_or_above = rows["auc_treemax"] >= rows["auc_independent"]
    return {"heights": rows.index.tolist(), "n": len(rows), "at_or_above": int(at_or_above.sum()),
            "above": int((rows["auc_treemax"] > rows["auc_independent"]).sum()),
            "share": float(at_or_above.mean()) if len(rows) else np.nan,
            "below": rows.index[~at_or_above].tolist()}


def _world_note(null: bool) -> str:
    return "null world (latent_decay=1)" if null else "default world"


def record_treemax_claims(out: ResultWriter, result: TreeMaxResult, hierarchy: Hierarchy, mode: str,
                          null_result: TreeMaxResult | None = None, min_synsets: int = 3,
                          phrases: tuple[str, ...] = paper.FIG9_EASY_EXAMPLES + paper.FIG9_HARD_EXAMPLES,
                          prefix: str = "fig9") -> dict[str, object]:
    """Every Fig 9 claim of a run (and of its null-world rerun when given), ids starting
    with ``prefix`` (another prefix keeps a second run's claims beside the first's).
    Returns the numbers recorded, for the notebook to print."""
    per, bh = result.per_synset, result.by_height
    subtree_size = len({d for r in result.roots for d in hierarchy.descendants(r)})
    out.claim(f"{prefix}.synsets", "synsets of the subtree with a classifier (enough images)", SECTION, None,
              result.n_analysed, mode, direction="info",
              note=f"of {subtree_size} synsets; at least {result.config.min_images} images each; "
                   f"{result.n_test} held-out images; {result.n_participants} synsets with enough images in all")
    missing = bh[bh["missing"] != ""]
    out.claim(f"{prefix}.heights_missing", "tree heights without a mean AUC", SECTION, None, len(missing), mode,
              direction="info", note="; ".join(f"height {h}: {m}" for h, m in missing["missing"].items()) or "none")

    share = treemax_share(bh, min_synsets)
    out.claim(f"{prefix}.treemax_at_or_above", "share of tree heights where tree-max's mean AUC is at or above "
              "the independent classifiers'", SECTION, paper.FIG9_NEARLY_ALL, share["share"], mode,
              direction=">=",
              note=f"{share['at_or_above']} of {share['n']} heights (heights >= 2 with >= {min_synsets} synsets: "
                   f"{share['heights']}); strictly above at {share['above']}; below at {share['below'] or 'none'}; "
                   f"paper: 'at nearly all levels' (read as >= {paper.FIG9_NEARLY_ALL:.0%})")
    gain = (per["auc_treemax"] - per["auc_independent"])[per["height"] >= 2]
    out.claim(f"{prefix}.treemax_mean_gain", "mean AUC gain of tree-max over independent, synsets of height >= 2",
              SECTION, None, float(gain.mean()) if len(gain) else np.nan, mode, direction="info",
              note=f"{int(gain.notna().sum())} synsets; gain > 0 for {int((gain > 0).sum())}, < 0 for "
                   f"{int((gain < 0).sum())}")

    default = {c: leaves_easier(per, c) for c in ("auc_independent", "auc_treemax")}
    null = ({c: leaves_easier(null_result.per_synset, c) for c in ("auc_independent", "auc_treemax")}
            if null_result is not None else None)
    for col, key in (("auc_independent", f"{prefix}.leaves_easier"),
                     ("auc_treemax", f"{prefix}.leaves_easier.treemax")):
        use = null[col] if null is not None else default[col]
        name = "independent" if col == "auc_independent" else "tree-max"
        note = (f"{_world_note(null is not None)}: heights 1-2 ({use['n_bottom']} synsets) {use['bottom']:.3f} vs top "
                f"heights {use['top_heights']} ({use['n_top']}) {use['top']:.3f}")
        if null is not None:
            d = default[col]
            note += (f"; default world: {d['bottom']:.3f} vs {d['top']:.3f} (difference {d['difference']:+.3f}); "
                     "the null world's value is the claim (the effect the method makes without the "
                     "world's depth-shrinking latent noise)")
        else:
            note += "; no null-world run: the effect may come from the world's latent decay alone"
        out.claim(key, f"{name}: mean AUC at heights 1-2 minus mean AUC at the top heights (> 0: easier "
                  "near the leaves)", SECTION, 0.0, use["difference"], mode, direction=">", note=note)
        if null is not None:
            d = default[col]
            out.claim(f"{key}.default_world", f"{name}: the same difference in the default world "
                      "(latent noise shrinking with depth)", SECTION, None, d["difference"], mode,
                      direction="info", note=f"heights 1-2 {d['bottom']:.3f}, top {d['top']:.3f}")
    rho = (null or default)["auc_independent"]
    out.claim(f"{prefix}.auc_height_spearman", "Spearman's rho of a synset's independent AUC with its height (< 0: "
              "easier near the leaves)", SECTION, 0.0, rho["rho"], mode, direction="<",
              note=f"{_world_note(null is not None)}; p = {rho['p']:.3g}"
                   + (f"; default world rho {default['auc_independent']['rho']:+.3f}" if null is not None else ""))
    if null_result is not None:
        ns = treemax_share(null_result.by_height, min_synsets)
        out.claim(f"{prefix}.null_world.treemax_at_or_above", "null world: share of heights where tree-max is at "
                  "or above independent", SECTION, paper.FIG9_NEARLY_ALL, ns["share"], mode, direction=">=",
                  note=f"{ns['at_or_above']} of {ns['n']} heights {ns['heights']}; below at {ns['below'] or 'none'}")

    examples = record_example_claims(out, result, hierarchy, mode, default, phrases, prefix)
    return {"share": share, "leaves_easier": default, "null_leaves_easier": null, "examples": examples}


def record_example_claims(out: ResultWriter, result: TreeMaxResult, hierarchy: Hierarchy, mode: str,
                          easier: dict[str, dict] | None = None,
                          phrases: tuple[str, ...] = paper.FIG9_EASY_EXAMPLES + paper.FIG9_HARD_EXAMPLES,
                          prefix: str = "fig9") -> pd.DataFrame:
    """The paper's named synsets: an easy one's AUC above the top heights' mean, a hard
    one's below the mean at heights 1-2 (independent classifier); info where absent.
    ``phrases``: which of them (e.g. ("minivan", "vehicle") for a run on the vehicle
    subtree, so that it does not overwrite the mammal run's other examples)."""
    easier = easier or {"auc_independent": leaves_easier(result.per_synset)}
    ref = easier["auc_independent"]
    table = named_examples(result, hierarchy, phrases)
    for name, r in table.iterrows():
        easy = name in paper.FIG9_EASY_EXAMPLES
        key = f"{prefix}.example." + name.replace(" ", "_").replace("-", "_")
        base = ref["top"] if easy else ref["bottom"]
        if r["status"] or not np.isfinite(r["auc_independent"]) or not np.isfinite(base):
            why = r["status"] or ("no synsets at the " + ("top heights" if easy else "heights 1-2"))
            out.claim(key, f'"{name}" ({"bottom" if easy else "top"} of the tree in the paper)', SECTION, None,
                      None, mode, direction="info", note=f"not measured: {why}")
            continue
        out.claim(key, f'"{name}": independent AUC minus the mean AUC at the '
                  + ("top heights (> 0: easy, as the paper's bottom-of-tree example)" if easy
                     else "heights 1-2 (< 0: hard, as the paper's top-of-tree example)"),
                  SECTION, 0.0, float(r["auc_independent"] - base), mode, direction=">" if easy else "<",
                  note=f"{r['wnid']}, height {int(r['height'])}: independent {r['auc_independent']:.3f}, "
                       f"tree-max {r['auc_treemax']:.3f}; reference {base:.3f}")
    return table
