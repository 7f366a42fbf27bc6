"""Figures of Sec 3.1 (notebook 01): translations, raw results, dedup, candidates, raw precision."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import paper
from ._style import PALETTE, mode_label, mosaic, square_tile, styled, wrap  # noqa: F401


@styled
def translation_coverage_bars(coverage: pd.DataFrame, mode: str = "real") -> plt.Figure:
    """Share of synsets with at least one translation, per language (collect.queries)."""
    fig, ax = plt.subplots(figsize=(9, 3.4))
    labels = [f"{r['name']} ({i})\n{r['resource']}" for i, r in coverage.iterrows()]
    share = coverage["share"].to_numpy(dtype=float)
    bars = ax.barh(labels[::-1], share[::-1], color=PALETTE.get(mode, PALETTE["real"]))
    for b, (_, r) in zip(bars, coverage.iloc[::-1].iterrows()):
        text = (f"{int(r.with_translation):,} of {int(r.synsets):,} ({r.share:.0%})"
                if r.available else "not covered: resource missing")
        ax.text(b.get_width() + 0.01, b.get_y() + b.get_height() / 2, text, va="center", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of synsets with >= 1 translation")
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(f"Translations of the queries ({mode_label(mode)}): "
                 f"{int(coverage['synsets'].iloc[0]):,} synsets")
    fig.subplots_adjust(left=0.3, right=0.97, bottom=0.16, top=0.9)
    return fig


@styled
def candidate_contact_sheet(images: list, correct: list, captions: list, title: str,
                            mode: str = "simulated", ncols: int = 8, tile: int = 120) -> plt.Figure:
    """Raw search results as thumbnails, framed green (correct) or red (incorrect)."""
    n = len(images)
    nrows = max(1, int(np.ceil(n / ncols)))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.55 * ncols, 1.75 * nrows + 0.5), squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k >= n:
            continue
        ax.imshow(square_tile(images[k], tile))
        colour = "#1a9641" if correct[k] else "#d7191c"
        ax.add_patch(plt.Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False,
                                   lw=4, edgecolor=colour))
        ax.set_title(captions[k], fontsize=6.5, pad=2, color=colour)
    fig.suptitle(f"{title} ({mode_label(mode)}); green = correct, red = incorrect", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return fig


@styled
def dedup_threshold_sweep(sweep: pd.DataFrame, distances: pd.DataFrame, threshold: int,
                          mode: str = "simulated") -> plt.Figure:
    """Left: Hamming distances of same / different web-image pairs; right: P/R vs threshold."""
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 4.2))
    bins = np.arange(0, 66, 2) - 0.5
    same = distances.loc[distances["same_image"], "distance"]
    diff = distances.loc[~distances["same_image"], "distance"]
    ax0.hist(diff, bins=bins, color="#999999", label=f"different web images ({len(diff):,} pairs)")
    ax0.hist(same, bins=bins, color="#d62728", alpha=0.8, label=f"same web image ({len(same):,} pairs)")
    ax0.axvline(threshold + 0.5, color="black", ls="--", lw=1)
    ax0.text(threshold + 1, ax0.get_ylim()[1] * 0.9, f"threshold {threshold}", fontsize=9)
    ax0.set_yscale("log")
    ax0.set_xlabel("Hamming distance between 64-bit perceptual hashes")
    ax0.set_ylabel("image pairs within a synset")
    ax0.legend(fontsize=8, loc="upper right")
    ax1.plot(sweep["threshold"], sweep["precision"], "o-", ms=3, label="precision")
    ax1.plot(sweep["threshold"], sweep["recall"], "s-", ms=3, label="recall")
    ax1.axvline(threshold, color="black", ls="--", lw=1)
    ax1.set_ylim(0, 1.03)
    ax1.set_xlabel("Hamming threshold (bits of 64)")
    ax1.set_ylabel('pairwise "same web image" decisions')
    ax1.legend(fontsize=9, loc="lower left")
    fig.suptitle(f"Near-duplicate removal on rendered candidates ({mode_label(mode)}): "
                 "perceptual hash vs the known web images", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig


@styled
def candidates_per_synset(summary: pd.DataFrame, mode: str = "simulated",
                          paper_candidates: float = paper.CANDIDATES_PER_SYNSET,
                          paper_precision: float = paper.RAW_PRECISION) -> plt.Figure:
    """Candidates per synset after dedup and raw precision, per subtree (Sec 3.1)."""
    subtrees = list(dict.fromkeys(summary["subtree"]))
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(13, 0.38 * len(subtrees) + 2.9), sharey=True)
    data0 = [summary.loc[summary["subtree"] == s, "unique"].to_numpy() for s in subtrees]
    data1 = [summary.loc[summary["subtree"] == s, "raw_precision"].dropna().to_numpy() for s in subtrees]
    labels = [f"{s} ({len(d)})" for s, d in zip(subtrees, data0)]
    for ax, data in ((ax0, data0), (ax1, data1)):
        ax.boxplot(data, vert=False, showfliers=False, widths=0.6,
                   medianprops=dict(color="black"), patch_artist=True,
                   boxprops=dict(facecolor=PALETTE["simulated"] if mode == "simulated" else PALETTE["real"],
                                 alpha=0.35))
        ax.scatter([np.mean(d) if len(d) else np.nan for d in data], range(1, len(data) + 1),
                   marker="D", color="black", s=14, zorder=3, label="mean")
    ax0.set_yticks(range(1, len(subtrees) + 1), labels)
    ax0.invert_yaxis()
    ax0.set_xscale("log")
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    ax0.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax0.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax0.xaxis.set_minor_formatter(NullFormatter())
    ax0.axvline(paper_candidates, color=PALETTE["paper"], ls="--", lw=1.2,
                label=f"paper: over {paper_candidates:,.0f} on average")
    ax0.set_xlabel("candidates per synset after duplicate removal (log)")
    ax0.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2)
    ax1.axvline(paper_precision, color=PALETTE["paper"], ls="--", lw=1.2,
                label=f"paper: around {paper_precision:.0%}")
    ax1.set_xlim(0, 1)
    ax1.set_xlabel("raw precision of the search results")
    ax1.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2)
    fig.suptitle(f"Candidate collection per subtree ({mode_label(mode)}): "
                 f"{len(summary):,} synsets; boxes = quartiles, diamonds = means", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return fig


@styled
def precision_sensitivity(frame: pd.DataFrame, crossings: pd.DataFrame, target: float = paper.RAW_PRECISION,
                          mode: str = "simulated") -> plt.Figure:
    """Mean raw precision as one world assumption moves (others at defaults), one panel each.

    ``frame``: collect.sensitivity.precision_sensitivity; ``crossings``: precision_crossings
    (indexed by assumption, with description, default, crossing, reached)."""
    names = list(crossings.index)
    fig, axes = plt.subplots(1, len(names), figsize=(4.6 * len(names), 4.3), sharey=True, squeeze=False)
    colour = PALETTE["simulated"] if mode == "simulated" else PALETTE["real"]
    for ax, name in zip(axes[0], names):
        g = frame[frame["assumption"] == name].sort_values("value")
        c = crossings.loc[name]
        log = bool((g["value"] > 0).all() and g["value"].max() / g["value"].min() > 20)
        ax.plot(g["value"], g["mean_precision"], "o-", color=colour, label="mean over synsets")
        ax.plot(g["value"], g["pooled_precision"], "s:", color=colour, alpha=0.5, ms=4,
                label="pooled over results")
        d = g[g["is_default"]]
        ax.scatter(d["value"], d["mean_precision"], s=130, facecolors="none", edgecolors="black",
                   zorder=3, label="world's default")
        ax.axhline(target, color=PALETTE["paper"], ls="--", lw=1.2, label=f"paper: around {target:.0%}")
        if c["reached"]:
            ax.axvline(c["crossing"], color="black", ls=":", lw=1)
            v = c["crossing"]
            text = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
            if c["default"]:
                text += f" ({v / c['default']:.3g}x the default)"
            ax.annotate(text, (v, target), xytext=(-5, -8), textcoords="offset points", fontsize=8,
                        ha="right", va="top")
        else:
            ax.text(0.03, 0.03, "10% not reached in the grid", transform=ax.transAxes, fontsize=8)
        if log:
            ax.set_xscale("log")
        ax.set_xlabel(wrap(str(c["description"]), 42), fontsize=9)
        ax.set_title(name, fontsize=10)
    axes[0][0].set_ylabel("raw precision of search results")
    axes[0][0].set_ylim(0, None)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, loc="lower center", ncol=4, bbox_to_anchor=(0.5, 0.0))
    n = int(frame["synsets"].iloc[0]) if len(frame) else 0
    fig.suptitle(f"Raw precision as one assumption of the world moves ({mode_label(mode)}; "
                 f"{n} synsets, others at their defaults)", fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
