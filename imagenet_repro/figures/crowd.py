"""Figures of Sec 3.2 (notebook 02): Fig 7 confidence tables, Fig 4 precision by depth, cost."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import paper
from ._style import PALETTE, mode_label, mosaic, square_tile, styled, wrap  # noqa: F401


@styled
def fig7_confidence_tables(tables: pd.DataFrame, mode: str = "simulated") -> plt.Figure:
    """Fig 7 (right): P(good | yes, no votes) for "cat" and "Burmese cat", the paper's values
    beside the worker model's (before and after the fit) and the table the pipeline
    estimated from its own initial subset. ``tables``: label, yes, no, paper, and any of
    start, fitted, estimated."""
    labels = list(dict.fromkeys(tables["label"]))
    series = [("paper", "paper (Fig 7)", PALETTE["paper"]), ("start", "model, prior guess", "#f4a582"),
              ("fitted", "model, fitted to Fig 7", "#d62728"),
              ("estimated", "estimated from simulated votes", "#2166ac")]
    series = [s for s in series if s[0] in tables.columns]
    fig, axes = plt.subplots(1, len(labels), figsize=(6.4 * len(labels), 4.6), sharey=True, squeeze=False)
    width = 0.8 / len(series)
    for ax, lab in zip(axes[0], labels):
        t = tables[tables["label"] == lab].reset_index(drop=True)
        x = np.arange(len(t))
        for i, (col, name, colour) in enumerate(series):
            ax.bar(x + (i - (len(series) - 1) / 2) * width, t[col], width, color=colour, label=name)
        ax.set_xticks(x, [f"{y} yes\n{n} no" for y, n in zip(t["yes"], t["no"])], fontsize=8)
        ax.set_ylim(0, 1.05)
        name = lab.split(".")[0].replace("_", " ")
        ax.set_title(f'"{name.capitalize() if name != "cat" else name}" ({lab})')
    axes[0][0].set_ylabel("P(image is good | votes)")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, fontsize=9, loc="lower center", ncol=len(series), bbox_to_anchor=(0.5, 0.0))
    fig.suptitle(f"Fig 7: confidence tables ({mode_label(mode)} workers beside the paper's AMT workers)")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


@styled
def fig4_precision_by_depth(by_depth: pd.DataFrame, paper_mean: float = paper.FIG4_MEAN_PRECISION,
                            mode: str = "simulated", note: str = "") -> plt.Figure:
    """Fig 4: precision of the clean set per tree depth, against the world's truth and as an
    independent group of workers would estimate it. ``by_depth`` indexed by depth with
    synsets, precision, precision_verified (and optionally precision_min)."""
    fig, ax = plt.subplots(figsize=(8.5, 5.4))
    d = by_depth.index.to_numpy()
    w = 0.38
    ax.bar(d - w / 2, 100 * by_depth["precision"], w, color=PALETTE["simulated"],
           label=f"against the truth (mean {100 * by_depth.attrs.get('mean', by_depth['precision'].mean()):.1f}%)")
    ax.bar(d + w / 2, 100 * by_depth["precision_verified"], w, color="#f4a582",
           label="as independent simulated workers judge it "
                 f"(mean {100 * by_depth.attrs.get('mean_verified', by_depth['precision_verified'].mean()):.1f}%)")
    if "precision_min" in by_depth:
        ax.scatter(d - w / 2, 100 * by_depth["precision_min"], marker="_", s=120, color="black",
                   label="worst synset at that depth", zorder=3)
    ax.axhline(100 * paper_mean, color=PALETTE["paper"], ls="--", lw=1.2, label=f"paper: {100 * paper_mean:.1f}% on average")
    ax.set_xticks(d, [f"{x}\nn={n}" for x, n in zip(d, by_depth["synsets"])])
    ax.set_xlabel("tree depth (synsets from the subtree root; root = 1); n = synsets sampled")
    ax.set_ylabel("precision of the clean set (%)")
    ax.set_ylim(0, 104)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2)
    ax.set_title(f"Fig 4: percent of clean images per tree depth ({mode_label(mode)}){note}")
    fig.tight_layout()
    return fig


@styled
def crowd_votes_by_depth(by_depth: pd.DataFrame, mode: str = "simulated") -> plt.Figure:
    """Votes per candidate image and the share of synsets without consensus, per depth."""
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4))
    d = by_depth.index.to_numpy()
    ax0.bar(d, by_depth["votes_per_image"], color=PALETTE["simulated"])
    ax0.set_xlabel("tree depth")
    ax0.set_ylabel("votes per candidate image")
    ax1.bar(d, 100 * by_depth["no_consensus"], color="#888888")
    ax1.set_xlabel("tree depth")
    ax1.set_ylabel("synsets without consensus (%)")
    for ax in (ax0, ax1):
        ax.set_xticks(d)
    fig.suptitle(f"Cost of the dynamic consensus by tree depth ({mode_label(mode)})")
    fig.tight_layout()
    return fig


@styled
def crowd_cost_precision(cp: pd.DataFrame, mode: str = "simulated") -> plt.Figure:
    """Votes per image against precision and recall, one line per aggregator."""
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 4.8))
    colours = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    for (method, g), c in zip(cp.groupby("method", sort=False), colours):
        marker = "*" if g["parameter"].eq("adaptive").all() else "o"
        for ax, col in ((ax0, "precision"), (ax1, "recall")):
            ax.plot(g["votes_per_image"], 100 * g[col], marker=marker, ms=11 if marker == "*" else 4,
                    color=c, label=method, lw=1.5 if marker == "o" else 0)
            for x, y, p in zip(g["votes_per_image"], 100 * g[col], g["parameter"]):
                if marker == "o" and (p.startswith("accept") or method == "majority vote"):
                    ax.annotate(p.split("=")[1] if p.startswith("accept") else p, (x, y), fontsize=6.5,
                                xytext=(3, -8 if p.startswith("accept") else 3), textcoords="offset points",
                                color=c)
    ax0.set_ylabel("precision of accepted images (%)")
    ax1.set_ylabel("recall of the true images (%)")
    for ax in (ax0, ax1):
        ax.set_xlabel("votes per candidate image")
    ax0.text(0.01, 0.99, "dynamic consensus: labels = accept threshold\n(points in threshold order)",
             transform=ax0.transAxes, fontsize=7, va="top", color=colours[0])
    handles, names = ax0.get_legend_handles_labels()
    fig.legend(handles, names, fontsize=8, loc="lower center", ncol=3, bbox_to_anchor=(0.5, 0.0))
    fig.suptitle(f"Cost and quality on the same votes ({mode_label(mode)}): the paper's dynamic consensus "
                 "vs fixed-k majority vote vs Dawid-Skene", fontsize=11)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return fig
