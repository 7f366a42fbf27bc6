"""Figure of Sec 4.2: Fig 9, mean AUC by tree height, independent vs tree-max classifiers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ._style import PALETTE, mode_label, styled

TREEMAX_COLOUR = PALETTE["simulated"]
INDEPENDENT_COLOUR = "#2166ac"


def _curves(ax, by_height: pd.DataFrame, alpha: float = 1.0, ls: str = "-", suffix: str = "") -> None:
    h = by_height.index.to_numpy()
    for col, name, colour, marker in (("auc_independent", "independent classifiers", INDEPENDENT_COLOUR, "s"),
                                      ("auc_treemax", "tree-max classifiers", TREEMAX_COLOUR, "o")):
        ax.plot(h, by_height[col], ls=ls, marker=marker, color=colour, alpha=alpha, label=name + suffix)
        sem = f"sem_{col.split('_', 1)[1]}"
        if sem in by_height and not suffix:
            ax.fill_between(h, by_height[col] - by_height[sem], by_height[col] + by_height[sem],
                            color=colour, alpha=0.12, lw=0)


@styled
def fig9_treemax(by_height: pd.DataFrame, mode: str = "simulated", examples: pd.DataFrame | None = None,
                 null_by_height: pd.DataFrame | None = None, note: str = "") -> plt.Figure:
    """Fig 9: mean AUC of the synsets at each tree height (leaf = 1), independent and
    tree-max; n synsets per height under the axis, heights without an AUC marked, the
    paper's named examples (``treemax.named_examples``) as labelled points, and the null
    world's curves dashed when given. ``by_height`` as ``treemax.auc_by_height`` returns."""
    fig, ax = plt.subplots(figsize=(8.6, 5.2))
    _curves(ax, by_height)
    if null_by_height is not None:
        _curves(ax, null_by_height, alpha=0.6, ls="--", suffix=" (null world: latent_decay=1)")
    h = by_height.index.to_numpy()
    missing = by_height["missing"] != ""
    for x in h[missing.to_numpy()]:
        ax.axvspan(x - 0.4, x + 0.4, color="#dddddd", alpha=0.5, lw=0)
    ax.set_xticks(h, [f"{x}\nn={n}" + ("\n(none)" if m else "") for x, n, m in
                      zip(h, by_height["n_synsets"], missing)], fontsize=8)
    if examples is not None:
        shown = examples.dropna(subset=["auc_independent"])
        for i, (name, r) in enumerate(shown.iterrows()):
            ax.scatter([r["height"]], [r["auc_independent"]], marker="*", s=140, color="black", zorder=4)
            ax.annotate(f"{name} ({r['auc_independent']:.2f})", (r["height"], r["auc_independent"]),
                        textcoords="offset points", xytext=(8, 8 if i % 2 else -14), fontsize=8)
    vals = pd.concat([by_height["auc_independent"], by_height["auc_treemax"]]).dropna()
    lo = min(0.5, float(vals.min()) - 0.05) if len(vals) else 0.5
    ax.set_ylim(lo, 1.01)
    ax.axhline(0.5, color=PALETTE["paper"], lw=0.8, ls=":")
    ax.set_xlabel("tree height (longest path to a leaf, leaf = 1); n = synsets with an AUC; grey: none")
    ax.set_ylabel("mean AUC over the synsets of the height")
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(f"Fig 9: average AUC at each tree height ({mode_label(mode)}){note}")
    fig.tight_layout()
    return fig


@styled
def treemax_gain_scatter(per_synset: pd.DataFrame, mode: str = "simulated") -> plt.Figure:
    """Each synset's tree-max AUC against its independent AUC, coloured by height."""
    fig, ax = plt.subplots(figsize=(5.6, 5.2))
    d = per_synset.dropna(subset=["auc_independent", "auc_treemax"])
    sc = ax.scatter(d["auc_independent"], d["auc_treemax"], c=d["height"], cmap="viridis", s=18)
    ax.plot([0, 1], [0, 1], color=PALETTE["paper"], lw=0.8)
    lo = float(np.nanmin(d[["auc_independent", "auc_treemax"]].to_numpy())) - 0.02 if len(d) else 0.0
    ax.set_xlim(lo, 1.01)
    ax.set_ylim(lo, 1.01)
    ax.set_xlabel("independent classifier AUC")
    ax.set_ylabel("tree-max AUC")
    fig.colorbar(sc, ax=ax, label="tree height")
    ax.set_title(f"Tree-max vs independent per synset ({mode_label(mode)})")
    fig.tight_layout()
    return fig
