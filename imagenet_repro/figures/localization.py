"""Figures of Sec 4.3 (notebook 07): Fig 10 precision and recall per category, Fig 11 sample
boxes, Fig 12 average images and k-means clusters of the detected boxes."""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ._style import PALETTE, mode_label, styled


@styled
def fig10_precision_recall(table: pd.DataFrame, mode: str = "simulated") -> plt.Figure:
    """Fig 10: mean box precision and recall per category (``table``: name, precision, recall,
    and the baselines' columns of localization.evaluate_boxes), with the means over categories
    beside the centred-box and whole-image baselines."""
    t = table.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(max(8.0, 0.45 * len(t) + 3), 5.2))
    x = np.arange(len(t))
    ax.bar(x - 0.2, t["precision"], 0.4, color=PALETTE["simulated"], label=f"precision (mean {t['precision'].mean():.2f})")
    ax.bar(x + 0.2, t["recall"], 0.4, color="#f4a582", label=f"recall (mean {t['recall'].mean():.2f})")
    for col, style, label in (("centred_same_precision", ":", "centred box of the same area, mean precision"),
                              ("whole_precision", "--", "whole image, mean precision")):
        if col in t:
            ax.axhline(t[col].mean(), color=PALETTE["paper"], ls=style, lw=1.1, label=f"{label} {t[col].mean():.2f}")
    names = [str(n).split(".")[0].replace("_", " ") for n in t["name"]]
    ax.set_xticks(x, names, rotation=60, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("mean over the category's images")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.42), ncol=2)
    ax.set_title(f"Fig 10: precision and recall of the detected boxes ({mode_label(mode)})")
    fig.tight_layout()
    return fig


def _greyed(img: np.ndarray, box: Sequence[int]) -> np.ndarray:
    """The image in light grey, the detected box in colour."""
    grey = img.astype(np.float32).mean(axis=2, keepdims=True)
    out = np.repeat(155 + 0.4 * grey, 3, axis=2)
    x0, y0, x1, y1 = (int(v) for v in box)
    out[y0:y1, x0:x1] = img[y0:y1, x0:x1]
    return out.clip(0, 255).astype(np.uint8)


@styled
def fig11_samples(images: Sequence[np.ndarray], boxes: np.ndarray, titles: Sequence[str],
                  true_boxes: np.ndarray | None = None, cols: int = 6, mode: str = "simulated") -> plt.Figure:
    """Fig 11: sampled images, the detected box in colour and the rest in light grey; the true
    box outlined in green where known."""
    n = len(images)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.3 * cols, 2.1 * rows), squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k >= n:
            continue
        ax.imshow(_greyed(images[k], boxes[k]))
        x0, y0, x1, y1 = boxes[k]
        ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, color=PALETTE["simulated"], lw=1.4))
        if true_boxes is not None:
            a0, b0, a1, b1 = true_boxes[k]
            ax.add_patch(plt.Rectangle((a0, b0), a1 - a0, b1 - b0, fill=False, color="#1a9850", lw=1.0, ls="--"))
        ax.set_title(titles[k], fontsize=7)
    fig.suptitle(f"Fig 11: detected boxes (colour; true box dashed green) ({mode_label(mode)})")
    fig.tight_layout()
    return fig


@styled
def fig12_clusters(categories: dict, samples: int = 4, mode: str = "simulated") -> plt.Figure:
    """Fig 12: per category, the average of all detected boxes (grey 32x32) with samples, then
    each k-means cluster's average with samples. ``categories``: name -> (crops, BoxClusters,
    views or None); a cluster's title gives its size and its most common view."""
    names = list(categories)
    k = max(len(c[1].sizes) for c in categories.values())
    cols = 1 + samples
    fig, axes = plt.subplots(len(names) * (k + 1), cols, figsize=(1.3 * cols, 1.3 * len(names) * (k + 1)),
                             squeeze=False)
    for a in axes.ravel():
        a.axis("off")
    for i, name in enumerate(names):
        crops, cl, views = categories[name]
        base = i * (k + 1)
        groups = [("all", np.arange(len(crops)), cl.average)]
        groups += [(f"cluster {j + 1}", np.flatnonzero(cl.labels == j), cl.averages[j]) for j in range(len(cl.sizes))]
        for r, (label, idx, avg) in enumerate(groups):
            ax = axes[base + r, 0]
            ax.imshow(avg, cmap="gray", vmin=0, vmax=1)
            title = f"{name}: {label}, n={len(idx)}"
            if views is not None and r > 0 and len(idx):
                vs = pd.Series(np.asarray(views)[idx]).value_counts()
                title += f"\nmostly {vs.index[0]} ({vs.iloc[0]}/{len(idx)})"
            ax.set_title(title, fontsize=6, loc="left")
            for c, j in enumerate(idx[:samples]):
                axes[base + r, 1 + c].imshow(crops[j], cmap="gray", vmin=0, vmax=1)
    fig.suptitle(f"Fig 12: average images and clusters of the detected boxes ({mode_label(mode)})", fontsize=9)
    fig.tight_layout()
    return fig
