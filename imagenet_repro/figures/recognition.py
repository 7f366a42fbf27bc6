"""Figures of Sec 4.1 (notebook 05): Fig 8's ROC curves, and the mean AUCs in each null world."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import paper
from ._style import mode_label, styled

EXPERIMENT_COLOURS = {"noisy": "#9467bd", "clean": "#1f77b4", "nbnn": "#d62728", "nbnn_limited": "#ff7f0e"}


@styled
def fig8_roc(result, mode: str = "simulated", named: tuple[str, ...] = paper.FIG8_NAMED, note: str = "",
             experiments: tuple[str, ...] = tuple(EXPERIMENT_COLOURS)) -> plt.Figure:
    """Fig 8: (a) the mean ROC of the four experiments over the categories, (b)(c) the ROCs of
    elk and killer whale (those the run has). ``result``: a recognition.fig8.Fig8Result (rocs,
    experiment_labels)."""
    panels = [("mean", "(a) mean over categories")] + [
        (n, f"({chr(98 + i)}) {n}") for i, n in enumerate(named) if n in next(iter(result.rocs.values())).curves]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.4 * len(panels), 4.4), squeeze=False)
    for ax, (key, title) in zip(axes[0], panels):
        for k, roc in result.rocs.items():
            if k not in experiments:
                continue
            if key == "mean":
                fpr, tpr, a = roc.mean_fpr, roc.mean_tpr, roc.mean_auc
            else:
                (fpr, tpr), a = roc.curves[key], roc.aucs[key]
            ax.plot(fpr, tpr, color=EXPERIMENT_COLOURS.get(k, "#333333"), lw=1.6,
                    label=f"{result.experiment_labels[k]} (AUC {a:.3f})")
        ax.plot([0, 1], [0, 1], color="#aaaaaa", lw=0.8, ls=":")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.01)
        ax.set_aspect("equal")
        ax.set_xlabel("false positive rate")
        ax.set_ylabel("true positive rate")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(f"Fig 8: non-parametric recognition, {len(result.labels)} categories ({mode_label(mode)}){note}",
                 fontsize=10)
    fig.tight_layout()
    return fig


@styled
def fig8_null_worlds(mean_aucs: pd.DataFrame, mode: str = "simulated") -> plt.Figure:
    """Mean AUC of each experiment (columns) in the world and in each null world (rows)."""
    worlds, exps = list(mean_aucs.index), list(mean_aucs.columns)
    fig, ax = plt.subplots(figsize=(1.9 + 1.7 * len(worlds), 4.2))
    x = np.arange(len(worlds))
    w = 0.8 / len(exps)
    colours = list(EXPERIMENT_COLOURS.values()) + ["#9a9a9a"]  # the diagnostic in grey
    for i, e in enumerate(exps):
        vals = mean_aucs[e].to_numpy(float)
        ax.bar(x + (i - (len(exps) - 1) / 2) * w, np.nan_to_num(vals), w, color=colours[i % len(colours)], label=e)
    ax.set_xticks(x, worlds)
    ax.set_ylabel("mean AUC")
    ax.axhline(0.5, color="#aaaaaa", lw=0.8, ls=":")
    lo = np.nanmin(mean_aucs.to_numpy(float))
    ax.set_ylim(max(0.0, min(0.5, lo) - 0.05), 1.0)
    ax.legend(fontsize=8, ncol=2)
    ax.set_title(f"Fig 8 in the world and in the null worlds ({mode_label(mode)})", fontsize=10)
    fig.tight_layout()
    return fig
