"""Figures of Sec 2 (notebook 03): Fig 1 mosaics, Fig 2 scale, Fig 3 trees, Fig 6 depth, Table 1."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import paper
from ._style import PALETTE, mode_label, mosaic, square_tile, styled, wrap  # noqa: F401


@styled
def fig1_branches(branches: dict[str, list], mode: str, source: str = "", per_synset: int = 9) -> plt.Figure:
    """Fig 1: each synset of two root-to-leaf branches with up to ``per_synset`` of its images (3x3);
    under each, how many are shown of how many it has.

    ``branches``: branch name -> list of properties.mosaics.BranchItem (label, wnid, images, available).
    """
    ncols = max(len(v) for v in branches.values())
    fig, axes = plt.subplots(len(branches), ncols, figsize=(2.1 * ncols, 2.9 * len(branches)),
                             squeeze=False)
    for r, (branch, items) in enumerate(branches.items()):
        for c in range(ncols):
            ax = axes[r, c]
            ax.axis("off")
            if c >= len(items):
                continue
            it = items[c]
            ax.imshow(mosaic(it.images))
            ax.set_title(it.label, fontsize=10, fontweight="bold", pad=3)
            n = len(it.images)
            whose = " of its subtree" if it.from_subtree else ""
            note = f"{it.wnid}  ({n} shown of {it.available:,}{whose})" if n else f"{it.wnid}  (no images)"
            ax.text(0.5, -0.04, note, transform=ax.transAxes, ha="center", va="top", fontsize=7,
                    color="#444444")
            if c + 1 < len(items):
                ax.annotate("", xy=(1.07, 0.5), xytext=(1.0, 0.5), xycoords="axes fraction",
                            arrowprops=dict(arrowstyle="->", color="#888888"))
    fig.suptitle(f"Fig 1 ({mode_label(mode)}): two root-to-leaf branches, mammal (top) and vehicle "
                 f"(bottom); up to {per_synset} randomly sampled images per synset (shown / available "
                 "under each)" + (f"\n{source}" if source else ""),
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95 if not source else 0.92), h_pad=2.5)
    return fig


@styled
def fig2_scale(versions: list, very_few: int, many: int) -> plt.Figure:
    """Fig 2: histogram of images per synset, and the subtree table beside the paper's.

    ``versions``: properties.counts.Fig2Version objects (title, mode, hist, summary, table, note).
    """
    n = len(versions)
    fig = plt.figure(figsize=(7.2 * n, 8.2))
    gs = fig.add_gridspec(2, n, height_ratios=[3.2, 1.7], hspace=0.32, wspace=0.22)
    for j, v in enumerate(versions):
        ax = fig.add_subplot(gs[0, j])
        h, s = v.hist, v.summary
        mid = (h["lo"] + h["hi"]) / 2
        colour = PALETTE[v.mode] if v.mode in PALETTE else "#d62728"
        ax.fill_between(mid, h["synsets"], step=None, alpha=0.15, color="#d62728")
        ax.plot(mid, h["synsets"], color="#d62728", lw=2, marker="o", ms=3)
        ax.axvline(very_few, color="#555555", ls="--", lw=1)
        ax.axvline(many, color="#555555", ls=":", lw=1)
        ax.set_xlabel(f"images per synset (bins of {int(h['hi'].iloc[0] - h['lo'].iloc[0])})")
        ax.set_ylabel("synsets")
        ax.set_xlim(0, float(h["hi"].max()))
        ax.set_ylim(0, max(1, h["synsets"].max()) * 1.15)
        text = (f"synsets: {s['synsets']:,}\n"
                f"total images: {s['total_images']:,} (paper {paper.TOTAL_IMAGES / 1e6:.1f}M)\n"
                f"mean per synset: {s['mean_images']:,.0f} (paper > {paper.MEAN_IMAGES_PER_SYNSET})\n"
                f"< {very_few} images: {s['share_very_few']:.1%} (paper ~{paper.SHARE_VERY_FEW:.0%})\n"
                f"> {many} images: {s['share_over_many']:.1%} (paper > {paper.SHARE_OVER_MANY:.0%})")
        ax.text(0.98, 0.97, text, transform=ax.transAxes, ha="right", va="top", fontsize=9,
                bbox=dict(boxstyle="round", fc="white", ec="#cccccc"))
        ax.set_title(f"{v.title} ({mode_label(v.mode)})", color=colour)
        if v.note:
            ax.text(0.0, -0.13, v.note, transform=ax.transAxes, fontsize=8, color="#444444",
                    va="top", wrap=True)
        tax = fig.add_subplot(gs[1, j])
        tax.axis("off")
        t = v.table
        if len(t):
            cells = [[name, f"{int(t.at[name, 'synsets']):,} ({int(t.at[name, 'paper_synsets']):,})",
                      f"{t.at[name, 'avg_synset_size']:,.0f} ({int(t.at[name, 'paper_avg_synset_size']):,})",
                      f"{t.at[name, 'total_images'] / 1000:,.1f}K "
                      f"({t.at[name, 'paper_total_images'] / 1000:,.0f}K)"]
                     for name in t.index]
            tab = tax.table(cellText=cells, colLabels=["subtree", "synsets\n(paper)",
                                                       "avg. synset size\n(paper)",
                                                       "total images\n(paper)"],
                            loc="upper center", cellLoc="center",
                            colWidths=[0.34, 0.2, 0.23, 0.23])
            tab.auto_set_font_size(False)
            tab.set_fontsize(9)
            tab.scale(1, 1.3)
            for (row, _), cell in tab.get_celld().items():
                if row == 0:
                    cell.set_height(cell.get_height() * 1.7)
        else:
            tax.text(0.5, 0.5, "none of the paper's six subtrees in this run", ha="center")
    fig.suptitle("Fig 2: scale of ImageNet, images per synset over the subtrees, and a summary of "
                 "selected subtrees (ours, the paper's in brackets)", fontsize=12)
    return fig


def _tree_layout(root: str, parent: dict[str, str], nodes: list[str]) -> dict[str, tuple[float, float]]:
    """x = depth below the root, y = leaf order (a tidy left-to-right tree)."""
    kids: dict[str, list[str]] = {w: [] for w in nodes}
    for w in nodes:
        if w != root:
            kids[parent[w]].append(w)
    pos: dict[str, tuple[float, float]] = {}
    next_y = [0.0]

    def place(w: str, d: int) -> float:
        if not kids[w]:
            y = next_y[0]
            next_y[0] += 1
        else:
            ys = [place(k, d + 1) for k in kids[w]]
            y = (min(ys) + max(ys)) / 2
        pos[w] = (float(d), y)
        return y

    place(root, 0)
    return pos


@styled
def fig3_trees(panels: list[dict], title_note: str = "") -> plt.Figure:
    """Fig 3: ESP vs ImageNet trees, node area proportional to images, shared nodes red.

    ``panels``: properties.density.Fig3Panel rows (a Tree and its ESP and ImageNet sides).
    A synset is in a dataset's tree when it has images; its ancestors are drawn (hollow) to
    connect it. Shared nodes have images in both trees of the row.
    """
    ncols = max(len(p.sides) for p in panels)
    heights = []
    for p in panels:
        n = max(sum(1 for c in s.counts.values if c > 0) for s in p.sides)
        heights.append(max(3.0, 0.2 * n + 1.2))
    fig, axes = plt.subplots(len(panels), ncols, figsize=(6.8 * ncols, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for r, p in enumerate(panels):
        have = [set(s.counts.index[s.counts > 0]) for s in p.sides]
        tree = p.tree
        shared = set.intersection(*have) if have else set()
        for c, side in enumerate(p.sides):
            ax = axes[r, c]
            ax.axis("off")
            counts = side.counts
            nodes = set(have[c])
            for w in list(nodes):
                while w != tree.root:
                    w = tree.parent[w]
                    nodes.add(w)
            if not have[c]:
                ax.text(0.5, 0.5, "no images", ha="center", transform=ax.transAxes)
                ax.set_title(f"{side.title} ({mode_label(side.mode)})")
                continue
            order = [w for w in tree.order if w in nodes]
            pos = _tree_layout(tree.root, tree.parent, order)
            for w in order:
                if w != tree.root:
                    (x0, y0), (x1, y1) = pos[tree.parent[w]], pos[w]
                    ax.plot([x0, x0, x1], [y0, y1, y1], color="#bbbbbb", lw=0.8, zorder=1)
            big = max(int(counts.get(w, 0)) for w in order)
            for w in order:
                x, y = pos[w]
                n = int(counts.get(w, 0))
                size = max(12.0, 380.0 * n / big) if n > 0 else 10.0
                if n > 0:
                    ax.scatter([x], [y], s=size, color="#d62728" if w in shared else "#4c72b0",
                               alpha=0.85, edgecolors="white", linewidths=0.5, zorder=3)
                else:
                    ax.scatter([x], [y], s=size, facecolors="white", edgecolors="#888888", zorder=3)
                ax.annotate(tree.names[w], (x, y), xytext=(np.sqrt(size) / 2 + 2, 0),
                            textcoords="offset points", fontsize=7, va="center", zorder=4,
                            color="#222222" if n > 0 else "#888888")
            top = max(order, key=lambda w: (int(counts.get(w, 0)), w == tree.root))
            xt, yt = pos[top]
            ax.annotate(f"{big:,}", (xt, yt), xytext=(-6, 9), textcoords="offset points",
                        fontsize=9, fontweight="bold", ha="right")
            xs = [v[0] for v in pos.values()]
            ys = [v[1] for v in pos.values()]
            ax.set_xlim(min(xs) - 0.4, max(xs) + 2.2)
            ax.set_ylim(max(ys) + 0.8, min(ys) - 0.8)
            n_nodes = len(have[c])
            ax.set_title(f"\"{p.name}\": {side.title} ({mode_label(side.mode)})\n"
                         f"{n_nodes} synsets with images, {int(counts[counts > 0].sum()):,} images; "
                         f"largest node {big:,}", fontsize=10)
    fig.suptitle("Fig 3: the \"cat\" and \"cattle\" subtrees, ESP vs ImageNet. Node area is "
                 "proportional to its images; red = shared by both trees; hollow = no images "
                 "(drawn to connect)" + (f"\n{title_note}" if title_note else ""), fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97 if not title_note else 0.95))
    return fig


@styled
def fig6_depth(panels: list[dict]) -> plt.Figure:
    """Fig 6: share of "mammal" labels per tree depth, ImageNet vs ESP; highest bars' counts.

    ``panels``: properties.density.Fig6Panel objects (ImageNet and ESP depth series).
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(6.6 * len(panels), 5.2), squeeze=False)
    colours = ["#4c72b0", "#dd8452", "#55a868"]
    for ax, p in zip(axes[0], panels):
        depths = sorted(set().union(*[set(s.dist.index) for s in p.series]))
        width = 0.8 / len(p.series)
        for k, s in enumerate(p.series):
            d = s.dist.reindex(depths, fill_value=0)
            x = np.arange(len(depths)) + (k - (len(p.series) - 1) / 2) * width
            ax.bar(x, 100 * d["share"], width, color=colours[k % 3],
                   label=f"{s.label} ({mode_label(s.mode)}), {int(d['images'].sum()):,} labels")
            i = int(np.argmax(d["share"].values))
            ax.annotate(f"{int(d['images'].iloc[i]):,}", (x[i], 100 * d["share"].iloc[i]),
                        xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8,
                        color=colours[k % 3], fontweight="bold")
        ax.set_xticks(np.arange(len(depths)), [str(d) for d in depths])
        ax.set_xlabel("tree depth in the mammal subtree (mammal = 1)")
        ax.set_ylabel("% of the dataset's mammal labels")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1)
        ax.set_title(p.title, fontsize=10)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.1)
    fig.suptitle("Fig 6: distribution of \"mammal\" labels over tree depth, ImageNet vs ESP "
                 "(number on the highest bar: its images)", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig


@styled
def table1_figure(table: pd.DataFrame) -> plt.Figure:
    """Table 1 drawn as a table: the paper's Y/N, and the artifact's ImageNet row beside it."""
    measured = [p for p in table.index if table.loc[p, "mode"] != "quoted"]
    h_table, h_notes = 0.3 * (len(table) + 1), 0.17 * len(measured) + 0.2
    fig, ax = plt.subplots(figsize=(13, h_table + h_notes + 0.5))
    ax.axis("off")
    cols = [c for c in table.columns if c not in ("how",)]
    cells = [[prop] + [str(table.loc[prop, c]) for c in cols] for prop in table.index]
    share = h_table / (h_table + h_notes)
    tab = ax.table(cellText=cells, colLabels=["property"] + cols, cellLoc="center",
                   bbox=[0, 1 - share, 1, share])
    tab.auto_set_font_size(False)
    tab.set_fontsize(9)
    for i, prop in enumerate(table.index, start=1):
        v = str(table.loc[prop, "ImageNet (artifact)"])
        paper = str(table.loc[prop, "ImageNet (paper)"])
        tab[i, 1].set_facecolor("#e3f1e3" if v == paper else ("#f4e3e3" if v in "YN" else "#eeeeee"))
    notes = "\n".join(f"{p} ({table.loc[p, 'mode']}): {table.loc[p, 'how']}" for p in measured)
    ax.text(0.0, 1 - share - 0.04, notes, transform=ax.transAxes, fontsize=8, va="top", ha="left",
            color="#333333")
    fig.suptitle("Table 1: properties of ImageNet vs other datasets; \"ImageNet (artifact)\" is measured "
                 "where measurable (mode: real data / SIMULATED), else quoted from the paper", fontsize=10)
    return fig
