"""Figures of Sec 2 "Diversity" (notebook 04): Fig 5 (a) sizes, (b)(c) examples and average
images, and the check of the measure against the simulated world's diversity."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ._style import PALETTE, mode_label, square_tile, styled

DATASET_COLOURS = {"ImageNet": "#d62728", "Caltech": "#1f77b4"}


def _bars(ax, table: pd.DataFrame, title: str, ylabel: bool = True) -> None:
    x = np.arange(len(table))
    w = 0.38
    for i, ds in enumerate(("ImageNet", "Caltech")):
        ax.bar(x + (i - 0.5) * w, table[ds], w, color=DATASET_COLOURS[ds], label=ds)
    ax.set_xticks(x, table["label"], rotation=45 if len(table) > 6 else 0, ha="right" if len(table) > 6 else "center")
    if ylabel:
        ax.set_ylabel("bytes (lossless JPEG of the 32x32 average)")
    ax.set_title(title, fontsize=10)
    lo = min(table["ImageNet"].min(), table["Caltech"].min())
    ax.set_ylim(max(0, lo * 0.85), None)
    ax.legend(fontsize=8)


@styled
def fig5_sizes(panel_a: pd.DataFrame, categories: pd.DataFrame | None = None, mode: str = "simulated",
               note: str = "") -> plt.Figure:
    """Fig 5 (a): bytes of the average images, ImageNet beside Caltech, per synset (columns
    label, ImageNet, Caltech); optionally the 16 Fig 8 categories beside them."""
    n = 2 if categories is not None and len(categories) else 1
    fig, axes = plt.subplots(1, n, figsize=(5.2 + 6.5 * (n - 1), 4.6), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 2.2][:n]})
    _bars(axes[0][0], panel_a, f"(a) {len(panel_a)} Caltech101 synsets of the mammal subtree")
    if n == 2:
        _bars(axes[0][1], categories, f"the {len(categories)} Fig 8 categories (Caltech256, footnote 3)", ylabel=False)
    fig.suptitle(f"Fig 5: smaller file = more diverse synset ({mode_label(mode)}){note}")
    fig.tight_layout()
    return fig


def _upscale(avg: np.ndarray, tile: int) -> np.ndarray:
    f = max(1, tile // avg.shape[0])
    return np.kron(avg, np.ones((f, f, 1), np.uint8))


@styled
def fig5_examples(panels: list[dict], mode: str = "simulated", tile: int = 96) -> plt.Figure:
    """Fig 5 (b)(c): per synset, example images and the average image of ImageNet and of
    Caltech. Each panel: label, and for "ImageNet" and "Caltech" a dict with examples (list
    of RGB arrays), average (32x32x3 uint8) and bytes."""
    k = max(len(p["ImageNet"]["examples"]) for p in panels)
    fig, axes = plt.subplots(len(panels), 2 * (k + 1), figsize=(1.35 * 2 * (k + 1), 1.5 * len(panels) + 0.6),
                             squeeze=False)
    for r, p in enumerate(panels):
        for j, ds in enumerate(("ImageNet", "Caltech")):
            d = p[ds]
            cells = [square_tile(e, tile) for e in d["examples"]] + [None] * (k - len(d["examples"]))
            for c, img in enumerate(cells + [_upscale(d["average"], tile)]):
                ax = axes[r][j * (k + 1) + c]
                ax.axis("off")
                if img is not None:
                    ax.imshow(img, interpolation="nearest")
                if c == k:
                    ax.set_title(f"{ds} average\n{d['bytes']} bytes", fontsize=7, color=DATASET_COLOURS[ds])
                elif c == 0:
                    ax.set_title(f"{p['label']}: {ds}", fontsize=7, loc="left")
    fig.suptitle(f"Fig 5 (b)(c): example images and average images ({mode_label(mode)})", fontsize=10)
    fig.tight_layout()
    return fig


@styled
def fig5_diversity_check(table: pd.DataFrame, spearman: dict[str, tuple[float, float]], n_images: int,
                         mode: str = "simulated") -> plt.Figure:
    """File size of the average image against the world's diversity, one panel per codec,
    with the Spearman rank correlation."""
    codecs = list(spearman)
    fig, axes = plt.subplots(1, len(codecs), figsize=(4.3 * len(codecs), 3.8), squeeze=False)
    for ax, c in zip(axes[0], codecs):
        rho, p = spearman[c]
        ax.scatter(table["diversity"], table[f"bytes_{c}"], s=14, color=PALETTE[mode])
        ax.set_xlabel("diversity of the synset (world input)")
        ax.set_ylabel(f"{c} bytes")
        ax.set_title(f"{c}: Spearman rho {rho:+.2f} (p {p:.1g})", fontsize=9)
    fig.suptitle(f"The measure against the truth: {len(table)} mammal synsets, {n_images} images each "
                 f"({mode_label(mode)})", fontsize=10)
    fig.tight_layout()
    return fig
