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


# ---------------------------------------------------------------- real votes (ReaL, a votes CSV)

REAL_SERIES = (("paper", "paper (Fig 7, AMT)", PALETTE["paper"]),
               ("expert", "against the experts (truth)", PALETTE["real"]),
               ("consensus", "consensus of the subset's votes (as the paper)", "#ff7f0e"),
               ("two_class", "consensus, two-class judge (the simulation's)", "#fdd0a2"))


@styled
def real_fig7_tables(cells: pd.DataFrame, mode: str = "real", truth_name: str = "the experts") -> plt.Figure:
    """Fig 7 on real votes: P(good | yes, no) per group of classes, estimated against a truth
    and from the consensus, with 5-95% bars where given, beside the paper's table of the
    column each group stands beside. ``cells``: label, yes, no, paper, paper_label, and any of
    expert(_lo/_hi), consensus(_lo/_hi), two_class."""
    labels = list(dict.fromkeys(cells["label"]))
    series = [s for s in REAL_SERIES if s[0] in cells.columns and cells[s[0]].notna().any()]
    fig, axes = plt.subplots(1, len(labels), figsize=(6.4 * len(labels), 4.8), sharey=True, squeeze=False)
    width = 0.8 / max(len(series), 1)
    for ax, lab in zip(axes[0], labels):
        t = cells[cells["label"] == lab].reset_index(drop=True)
        x = np.arange(len(t))
        for i, (col, name, colour) in enumerate(series):
            xx = x + (i - (len(series) - 1) / 2) * width
            if col == "paper" and "paper_label" in t:
                name = f'paper: "{t["paper_label"].iat[0].split(".")[0].replace("_", " ")}" (Fig 7, AMT)'
            if col == "expert":
                name = f"against {truth_name} (truth)"
            err = None
            if f"{col}_lo" in t and t[f"{col}_lo"].notna().any():
                err = np.vstack([(t[col] - t[f"{col}_lo"]).clip(lower=0), (t[f"{col}_hi"] - t[col]).clip(lower=0)])
            ax.bar(xx, t[col], width, color=colour, label=name, yerr=err, capsize=2,
                   error_kw={"lw": 0.8, "ecolor": "#333333"})
        ax.set_xticks(x, [f"{y} yes\n{n} no" for y, n in zip(t["yes"], t["no"])], fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title(f"{lab}", fontsize=10)
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    axes[0][0].set_ylabel("P(image is good | votes)")
    fig.suptitle(f"Fig 7 on {mode_label(mode)}: confidence tables (bars: 5-95% over image resamplings)")
    fig.tight_layout()
    return fig


@styled
def real_votes_needed_by_depth(golden_bins: pd.DataFrame, per_depth: pd.DataFrame, mode: str = "real") -> plt.Figure:
    """Does a deeper (more fine-grained) synset need more votes for the same confidence? Left:
    golden questions by WordNet depth bin, the unanimous yes votes the expert and the consensus
    tables need (5-95% bars); right: every class, from its own 5-vote questions (median and
    quartiles per depth)."""
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 4.6))
    x = np.arange(len(golden_bins))
    for dx, (k, name, colour) in zip((-0.15, 0.15), (("expert", "against the experts", PALETTE["real"]),
                                                    ("consensus", "consensus (as the paper)", "#ff7f0e"))):
        y = golden_bins[f"{k}_votes"]
        err = np.vstack([(y - golden_bins[f"{k}_lo"]).clip(lower=0), (golden_bins[f"{k}_hi"] - y).clip(lower=0)])
        ax0.errorbar(x + dx, y, yerr=err, fmt="o", color=colour, capsize=3, label=name)
    ax0.set_xticks(x, [f"{b}\n{q} q." for b, q in zip(golden_bins["depth_bin"], golden_bins["questions"])], fontsize=8)
    ax0.set_xlabel("WordNet depth of the class (entity = 1); q. = golden questions")
    ax0.set_ylabel(f"unanimous yes votes to reach {golden_bins.attrs.get('threshold', '')}")
    ax0.set_title("golden questions (78 votes each)", fontsize=10)
    ax0.legend(fontsize=8)
    d = per_depth.index.to_numpy()
    ax1.bar(d, per_depth["median"], color=PALETTE["real"], alpha=0.6, label="median over classes")
    ax1.errorbar(d, per_depth["median"], yerr=np.vstack([per_depth["median"] - per_depth["q25"],
                                                          per_depth["q75"] - per_depth["median"]]),
                 fmt="none", ecolor="#333333", capsize=3, label="quartiles")
    ax1.plot(d, per_depth["mean"], "k.-", lw=1, label="mean")
    for xi, n in zip(d, per_depth["classes"]):
        ax1.annotate(f"{n}", (xi, 0.1), ha="center", fontsize=7, color="white")
    ax1.set_xlabel("WordNet depth of the class (entity = 1); white: classes")
    ax1.set_ylabel(f"unanimous yes votes needed ({per_depth.attrs.get('column', '')})", fontsize=8)
    a = per_depth.attrs
    ax1.set_title(f"all 1,000 classes: Spearman rho {a.get('spearman', float('nan')):.2f} "
                  f"(p = {a.get('p_value', float('nan')):.1g})", fontsize=10)
    ax1.legend(fontsize=8)
    fig.suptitle(f"Votes needed against depth ({mode_label(mode)}): does a fine-grained synset need more?")
    fig.tight_layout()
    return fig


@styled
def real_cost_precision(summary: pd.DataFrame, mode: str = "real") -> plt.Figure:
    """Votes per image against precision and recall (against a truth), one row of panels per
    vote source, one line per aggregator; bars: min-max over the vote orders."""
    sources = list(dict.fromkeys(summary["source"]))
    fig, axes = plt.subplots(len(sources), 2, figsize=(12, 4.2 * len(sources)), squeeze=False)
    colours = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    for row, src in zip(axes, sources):
        s = summary[summary["source"] == src]
        for (method, g), c in zip(s.groupby("method", sort=False), colours):
            star = g["parameter"].eq("adaptive").all()
            for ax, col in zip(row, ("precision", "recall")):
                err = None
                if f"{col}_min" in g:
                    err = np.vstack([100 * (g[col] - g[f"{col}_min"]), 100 * (g[f"{col}_max"] - g[col])])
                ax.errorbar(g["votes_per_image"], 100 * g[col], yerr=err, marker="*" if star else "o",
                            ms=11 if star else 4, color=c, label=method, lw=0 if star else 1.5, capsize=2)
                for xv, yv, p in zip(g["votes_per_image"], 100 * g[col], g["parameter"]):
                    if not star:
                        ax.annotate(p.split("=")[1] if p.startswith("accept") else p, (xv, yv), fontsize=6.5,
                                    xytext=(3, 3), textcoords="offset points", color=c)
        row[0].set_ylabel("precision (%)")
        row[1].set_ylabel("recall (%)")
        for ax in row:
            ax.set_xlabel("votes per image")
            ax.set_title(src, fontsize=9)
        row[0].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"Cost and quality on the same votes ({mode_label(mode)}): the paper's dynamic consensus vs "
                 "majority vote vs Dawid-Skene", fontsize=11)
    fig.tight_layout()
    return fig


@styled
def real_fig4_by_depth(by_depth: pd.DataFrame, paper_mean: float = paper.FIG4_MEAN_PRECISION,
                       simulated: dict[str, float] | None = None, mode: str = "real", note: str = "") -> plt.Figure:
    """Fig 4 on real labels: the precision of the ILSVRC-2012 labels as ReaL's raters judge them,
    per depth of the mammal and vehicle subtrees (mean over classes; re-rated images, biased low;
    the all-images upper bound beside), with the paper's mean and the simulated ones."""
    fig, ax = plt.subplots(figsize=(9, 5.4))
    d = by_depth.index.to_numpy()
    a = by_depth.attrs
    ax.bar(d - 0.2, 100 * by_depth["precision"], 0.4, color=PALETTE["real"],
           label=f"re-rated images (mean {100 * a.get('mean', np.nan):.1f}%; biased low)")
    ax.bar(d + 0.2, 100 * by_depth["precision_upper"], 0.4, color="#9ecae1",
           label=f"all images, un-rated ones counted right (upper bound, mean {100 * a.get('mean_upper', np.nan):.1f}%)")
    ax.scatter(d - 0.2, 100 * by_depth["precision_min"], marker="_", s=120, color="black", zorder=3,
               label="worst class at that depth (re-rated)")
    ax.axhline(100 * paper_mean, color=PALETTE["paper"], ls="--", lw=1.2, label=f"paper: {100 * paper_mean:.1f}% on average")
    for key, name, ls in (("mean", "against the truth", ":"), ("mean_verified", "as simulated workers judge it", "-.")):
        if simulated and key in simulated and np.isfinite(simulated[key]):
            ax.axhline(100 * simulated[key], color=PALETTE["simulated"], ls=ls, lw=1.2,
                       label=f"SIMULATED, {name}: {100 * simulated[key]:.1f}%")
    ax.set_xticks(d, [f"{x}\nn={n}" for x, n in zip(d, by_depth["synsets"])])
    ax.set_xlabel("tree depth in the subtree (root = 1); n = classes")
    ax.set_ylabel("precision of the ILSVRC-2012 labels (%)")
    ax.set_ylim(0, 104)
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    ax.set_title(f"Fig 4 on {mode_label(mode)}: ILSVRC-2012 validation labels judged by ReaL's raters{note}", fontsize=10)
    fig.tight_layout()
    return fig


@styled
def reliability_diagram(curves: dict[str, pd.DataFrame], mode: str = "real", truth_name: str = "the experts") -> plt.Figure:
    """How often images with a given predicted P(good) are really good (binned; marker area =
    images; bars: 90% Wilson intervals). On the diagonal = calibrated; below = overconfident."""
    fig, ax = plt.subplots(figsize=(6.6, 6.0))
    colours = ["#d62728", "#ff7f0e", "#2ca02c", "#1f77b4", "#9467bd"]
    ax.plot([0, 1], [0, 1], color="#999999", lw=1, ls="--", label="calibrated")
    for (name, c), colour in zip(curves.items(), colours):
        if c.empty:
            continue
        err = np.vstack([(c["observed"] - c["observed_lo"]).clip(lower=0), (c["observed_hi"] - c["observed"]).clip(lower=0)])
        ax.errorbar(c["predicted"], c["observed"], yerr=err, fmt="-", color=colour, lw=1, capsize=2, alpha=0.8)
        ax.scatter(c["predicted"], c["observed"], s=10 + 200 * np.sqrt(c["images"] / max(c["images"].max(), 1)),
                   color=colour, label=f"{name} (ECE {c.attrs.get('ece', np.nan):.3f}, {c.attrs.get('images', 0)} images)",
                   zorder=3)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("predicted P(good) (bin mean)")
    ax.set_ylabel(f"share really good (according to {truth_name})")
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title(f"Calibration ({mode_label(mode)})")
    fig.tight_layout()
    return fig
