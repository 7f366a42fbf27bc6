"""One function per paper figure; all drawing lives here.

Each function takes computed data (frames, arrays) and returns a matplotlib Figure; it
computes nothing a test would need to check. Simulated data is labelled in the title.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg") if matplotlib.get_backend().lower() == "agg" else None
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

PALETTE = {"real": "#1f77b4", "simulated": "#d62728", "paper": "#555555"}


def style() -> None:
    """A readable default: larger fonts, light grid, no top/right spines."""
    plt.rcParams.update({
        "figure.dpi": 100, "savefig.dpi": 150, "font.size": 10, "axes.titlesize": 11,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
        "grid.alpha": 0.3, "legend.frameon": False,
    })


def mode_label(mode: str) -> str:
    """The tag every figure title carries, so no simulated number passes for a real one."""
    return "SIMULATED" if mode == "simulated" else "real data"


# ---------------------------------------------------------------- Sec 1-2: the hierarchy

def hierarchy_depth_height(synsets: pd.DataFrame) -> plt.Figure:
    """Distributions of depth and height per subtree (00_hierarchy)."""
    style()
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


# ---------------------------------------------------------------- 03_scale_and_hierarchy: Figs 1, 2, 3, 6, Table 1

def _square_tile(img: np.ndarray, size: int) -> np.ndarray:
    """Centre-crop to a square and resize (for image mosaics)."""
    from PIL import Image

    h, w = img.shape[:2]
    s = min(h, w)
    y0, x0 = (h - s) // 2, (w - s) // 2
    crop = np.ascontiguousarray(img[y0:y0 + s, x0:x0 + s, :3])
    return np.asarray(Image.fromarray(crop).resize((size, size), Image.BILINEAR))


def _mosaic(images: list, grid: int = 3, tile: int = 96, gap: int = 3) -> np.ndarray:
    side = grid * tile + (grid + 1) * gap
    out = np.full((side, side, 3), 255, np.uint8)
    for k in range(grid * grid):
        r, c = divmod(k, grid)
        y, x = gap + r * (tile + gap), gap + c * (tile + gap)
        if k < len(images):
            out[y:y + tile, x:x + tile] = _square_tile(images[k], tile)
        else:
            out[y:y + tile, x:x + tile] = 225  # no image: a grey tile
    return out


def fig1_branches(branches: dict[str, list[dict]], mode: str, source: str = "") -> plt.Figure:
    """Fig 1: each synset of two root-to-leaf branches with 9 of its images (3x3).

    ``branches``: branch name -> list of {"label", "wnid", "images": [H,W,3 uint8], "available"}.
    """
    style()
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
            ax.imshow(_mosaic(it["images"]))
            ax.set_title(it["label"], fontsize=10, fontweight="bold", pad=3)
            n = len(it["images"])
            note = f"{it['wnid']}  ({it['available']:,} images)" if n else f"{it['wnid']}  (no images)"
            ax.text(0.5, -0.04, note, transform=ax.transAxes, ha="center", va="top", fontsize=7,
                    color="#444444")
            if c + 1 < len(items):
                ax.annotate("", xy=(1.07, 0.5), xytext=(1.0, 0.5), xycoords="axes fraction",
                            arrowprops=dict(arrowstyle="->", color="#888888"))
    fig.suptitle(f"Fig 1 ({mode_label(mode)}): two root-to-leaf branches, mammal (top) and vehicle "
                 f"(bottom); 9 randomly sampled images per synset" + (f"\n{source}" if source else ""),
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95 if not source else 0.92), h_pad=2.5)
    return fig


def fig2_scale(versions: list[dict], very_few: int, many: int) -> plt.Figure:
    """Fig 2: histogram of images per synset, and the subtree table beside the paper's.

    ``versions``: list of {"title", "mode", "hist" (lo, hi, synsets), "summary" (dict of
    scale_summary), "table" (table_beside_paper), "note"}.
    """
    style()
    n = len(versions)
    fig = plt.figure(figsize=(7.2 * n, 8.2))
    gs = fig.add_gridspec(2, n, height_ratios=[3.2, 1.7], hspace=0.32, wspace=0.22)
    for j, v in enumerate(versions):
        ax = fig.add_subplot(gs[0, j])
        h, s = v["hist"], v["summary"]
        mid = (h["lo"] + h["hi"]) / 2
        colour = PALETTE[v["mode"]] if v["mode"] in PALETTE else "#d62728"
        ax.fill_between(mid, h["synsets"], step=None, alpha=0.15, color="#d62728")
        ax.plot(mid, h["synsets"], color="#d62728", lw=2, marker="o", ms=3)
        ax.axvline(very_few, color="#555555", ls="--", lw=1)
        ax.axvline(many, color="#555555", ls=":", lw=1)
        ax.set_xlabel(f"images per synset (bins of {int(h['hi'].iloc[0] - h['lo'].iloc[0])})")
        ax.set_ylabel("synsets")
        ax.set_xlim(0, float(h["hi"].max()))
        ax.set_ylim(0, max(1, h["synsets"].max()) * 1.15)
        text = (f"synsets: {s['synsets']:,}\n"
                f"total images: {s['total_images']:,} (paper 3.2M)\n"
                f"mean per synset: {s['mean_images']:,.0f} (paper > 600)\n"
                f"< {very_few} images: {s['share_very_few']:.1%} (paper ~20%)\n"
                f"> {many} images: {s['share_over_many']:.1%} (paper > 50%)")
        ax.text(0.98, 0.97, text, transform=ax.transAxes, ha="right", va="top", fontsize=9,
                bbox=dict(boxstyle="round", fc="white", ec="#cccccc"))
        ax.set_title(f"{v['title']} ({mode_label(v['mode'])})", color=colour)
        if v.get("note"):
            ax.text(0.0, -0.13, v["note"], transform=ax.transAxes, fontsize=8, color="#444444",
                    va="top", wrap=True)
        tax = fig.add_subplot(gs[1, j])
        tax.axis("off")
        t = v["table"]
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


def fig3_trees(panels: list[dict], title_note: str = "") -> plt.Figure:
    """Fig 3: ESP vs ImageNet trees, node area proportional to images, shared nodes red.

    ``panels``: list of rows, each {"tree": "cat", "root", "parent" (child -> parent inside
    the subtree), "order" (its synsets, root first), "names" (wnid -> label), "sides":
    [{"title", "mode", "counts": Series}, ...]} (see ``scale.tree_of``).
    A synset is in a dataset's tree when it has images; its ancestors are drawn (hollow) to
    connect it. Shared nodes have images in both trees of the row.
    """
    style()
    ncols = max(len(p["sides"]) for p in panels)
    heights = []
    for p in panels:
        n = max(sum(1 for c in s["counts"].values if c > 0) for s in p["sides"])
        heights.append(max(3.0, 0.2 * n + 1.2))
    fig, axes = plt.subplots(len(panels), ncols, figsize=(6.8 * ncols, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for r, p in enumerate(panels):
        have = [set(s["counts"].index[s["counts"] > 0]) for s in p["sides"]]
        shared = set.intersection(*have) if have else set()
        for c, side in enumerate(p["sides"]):
            ax = axes[r, c]
            ax.axis("off")
            counts = side["counts"]
            nodes = set(have[c])
            for w in list(nodes):
                while w != p["root"]:
                    w = p["parent"][w]
                    nodes.add(w)
            if not have[c]:
                ax.text(0.5, 0.5, "no images", ha="center", transform=ax.transAxes)
                ax.set_title(f"{side['title']} ({mode_label(side['mode'])})")
                continue
            order = [w for w in p["order"] if w in nodes]
            pos = _tree_layout(p["root"], p["parent"], order)
            for w in order:
                if w != p["root"]:
                    (x0, y0), (x1, y1) = pos[p["parent"][w]], pos[w]
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
                ax.annotate(p["names"][w], (x, y), xytext=(np.sqrt(size) / 2 + 2, 0),
                            textcoords="offset points", fontsize=7, va="center", zorder=4,
                            color="#222222" if n > 0 else "#888888")
            top = max(order, key=lambda w: (int(counts.get(w, 0)), w == p["root"]))
            xt, yt = pos[top]
            ax.annotate(f"{big:,}", (xt, yt), xytext=(-6, 9), textcoords="offset points",
                        fontsize=9, fontweight="bold", ha="right")
            xs = [v[0] for v in pos.values()]
            ys = [v[1] for v in pos.values()]
            ax.set_xlim(min(xs) - 0.4, max(xs) + 2.2)
            ax.set_ylim(max(ys) + 0.8, min(ys) - 0.8)
            n_nodes = len(have[c])
            ax.set_title(f"\"{p['tree']}\": {side['title']} ({mode_label(side['mode'])})\n"
                         f"{n_nodes} synsets with images, {int(counts[counts > 0].sum()):,} images; "
                         f"largest node {big:,}", fontsize=10)
    fig.suptitle("Fig 3: the \"cat\" and \"cattle\" subtrees, ESP vs ImageNet. Node area is "
                 "proportional to its images; red = shared by both trees; hollow = no images "
                 "(drawn to connect)" + (f"\n{title_note}" if title_note else ""), fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97 if not title_note else 0.95))
    return fig


def fig6_depth(panels: list[dict]) -> plt.Figure:
    """Fig 6: share of "mammal" labels per tree depth, ImageNet vs ESP; highest bars' counts.

    ``panels``: list of {"title", "series": [{"label", "mode", "dist" (depth -> images, share)}]}.
    """
    style()
    fig, axes = plt.subplots(1, len(panels), figsize=(6.6 * len(panels), 5.2), squeeze=False)
    colours = ["#4c72b0", "#dd8452", "#55a868"]
    for ax, p in zip(axes[0], panels):
        depths = sorted(set().union(*[set(s["dist"].index) for s in p["series"]]))
        width = 0.8 / len(p["series"])
        for k, s in enumerate(p["series"]):
            d = s["dist"].reindex(depths, fill_value=0)
            x = np.arange(len(depths)) + (k - (len(p["series"]) - 1) / 2) * width
            ax.bar(x, 100 * d["share"], width, color=colours[k % 3],
                   label=f"{s['label']} ({mode_label(s['mode'])}), {int(d['images'].sum()):,} labels")
            i = int(np.argmax(d["share"].values))
            ax.annotate(f"{int(d['images'].iloc[i]):,}", (x[i], 100 * d["share"].iloc[i]),
                        xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8,
                        color=colours[k % 3], fontweight="bold")
        ax.set_xticks(np.arange(len(depths)), [str(d) for d in depths])
        ax.set_xlabel("tree depth in the mammal subtree (mammal = 1)")
        ax.set_ylabel("% of the dataset's mammal labels")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1)
        ax.set_title(p["title"], fontsize=10)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.1)
    fig.suptitle("Fig 6: distribution of \"mammal\" labels over tree depth, ImageNet vs ESP "
                 "(number on the highest bar: its images)", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig


def table1_figure(table: pd.DataFrame) -> plt.Figure:
    """Table 1 drawn as a table: the paper's Y/N, and the artifact's ImageNet row beside it."""
    style()
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


# ---------------------------------------------------------------- 01_collect_candidates: Sec 3.1

def translation_coverage_bars(coverage: pd.DataFrame, mode: str = "real") -> plt.Figure:
    """Share of synsets with at least one translation, per language (collect.queries)."""
    style()
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


def candidate_contact_sheet(images: list, correct: list, captions: list, title: str,
                            mode: str = "simulated", ncols: int = 8, tile: int = 120) -> plt.Figure:
    """Raw search results as thumbnails, framed green (correct) or red (incorrect)."""
    style()
    n = len(images)
    nrows = max(1, int(np.ceil(n / ncols)))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.55 * ncols, 1.75 * nrows + 0.5), squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k >= n:
            continue
        ax.imshow(_square_tile(images[k], tile))
        colour = "#1a9641" if correct[k] else "#d7191c"
        ax.add_patch(plt.Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False,
                                   lw=4, edgecolor=colour))
        ax.set_title(captions[k], fontsize=6.5, pad=2, color=colour)
    fig.suptitle(f"{title} ({mode_label(mode)}); green = correct, red = incorrect", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return fig


def dedup_threshold_sweep(sweep: pd.DataFrame, distances: pd.DataFrame, threshold: int,
                          mode: str = "simulated") -> plt.Figure:
    """Left: Hamming distances of same / different web-image pairs; right: P/R vs threshold."""
    style()
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


def candidates_per_synset(summary: pd.DataFrame, mode: str = "simulated",
                          paper_candidates: float = 10_000, paper_precision: float = 0.10) -> plt.Figure:
    """Candidates per synset after dedup and raw precision, per subtree (Sec 3.1)."""
    style()
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
    from matplotlib.ticker import FuncFormatter, NullFormatter
    from matplotlib.ticker import LogLocator
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


# ---------------------------------------------------------------- 02_clean_with_crowd: Fig 4, Fig 7, cost

def fig7_confidence_tables(tables: pd.DataFrame, mode: str = "simulated") -> plt.Figure:
    """Fig 7 (right): P(good | yes, no votes) for "cat" and "Burmese cat", the paper's values
    beside the worker model's (before and after the fit) and the table the pipeline
    estimated from its own initial subset. ``tables``: label, yes, no, paper, and any of
    start, fitted, estimated."""
    style()
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


def fig4_precision_by_depth(by_depth: pd.DataFrame, paper_mean: float = 0.997,
                            mode: str = "simulated", note: str = "") -> plt.Figure:
    """Fig 4: precision of the clean set per tree depth, against the world's truth and as an
    independent group of workers would estimate it. ``by_depth`` indexed by depth with
    synsets, precision, precision_verified (and optionally precision_min)."""
    style()
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


def crowd_votes_by_depth(by_depth: pd.DataFrame, mode: str = "simulated") -> plt.Figure:
    """Votes per candidate image and the share of synsets without consensus, per depth."""
    style()
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


def crowd_cost_precision(cp: pd.DataFrame, mode: str = "simulated") -> plt.Figure:
    """Votes per image against precision and recall, one line per aggregator."""
    style()
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


# ---------------------------------------------------------------- 01_collect_candidates: raw precision sensitivity

def precision_sensitivity(frame: pd.DataFrame, crossings: pd.DataFrame, target: float = 0.10,
                          mode: str = "simulated") -> plt.Figure:
    """Mean raw precision as one world assumption moves (others at defaults), one panel each.

    ``frame``: collect.sensitivity.precision_sensitivity; ``crossings``: precision_crossings
    (indexed by assumption, with description, default, crossing, reached)."""
    style()
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
        ax.set_xlabel(_wrap(str(c["description"]), 42), fontsize=9)
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


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
