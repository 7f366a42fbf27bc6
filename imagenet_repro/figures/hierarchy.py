"""Figures of the hierarchy (notebook 00, Sec 1-2)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ._style import PALETTE, mode_label, mosaic, square_tile, styled, wrap  # noqa: F401


@styled
def hierarchy_depth_height(synsets: pd.DataFrame) -> plt.Figure:
    """Distributions of depth and height per subtree (00_hierarchy)."""
    subtrees = list(dict.fromkeys(synsets["subtree"]))
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), sharey=True)
    for ax, col, title in ((axes[0], "depth", "depth (synsets from the subtree root; root = 1)"),
                           (axes[1], "height", "height (longest path to a leaf; leaf = 1)")):
        counts = (synsets.groupby(["subtree", col]).size().unstack(fill_value=0)
                  .reindex(subtrees))
        share = counts.div(counts.sum(axis=1), axis=0)
        im = ax.imshow(share.values, aspect="auto", cmap="viridis", vmin=0, vmax=share.values.max())
        ax.set_xticks(range(share.shape[1]), share.columns)
        ax.set_yticks(range(len(subtrees)), [f"{s} ({counts.loc[s].sum()})" for s in subtrees])
        for i in range(share.shape[0]):
            for j in range(share.shape[1]):
                n = counts.values[i, j]
                if n:
                    ax.text(j, i, str(n), ha="center", va="center", fontsize=7,
                            color="white" if share.values[i, j] < 0.6 * share.values.max() else "black")
        ax.set_xlabel(title)
        ax.grid(False)
    fig.colorbar(im, ax=axes, shrink=0.8, label="share of the subtree's synsets")
    fig.suptitle("The 12 ImageNet subtrees in WordNet 3.0 (real data): synsets per depth and height;"
                 " numbers are synset counts")
    return fig
