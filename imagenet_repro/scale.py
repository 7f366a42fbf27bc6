"""How big, dense and balanced ImageNet is: Fig 1, Fig 2, Fig 6 and Table 1 (paper Sec 2, 2.1).

Two sources of per-synset image counts, always kept apart and labelled:

- **real**: ImageNet's fall-2011 release, tallied per node from its public URL list
  (``data/imagenet_fall2011_url_counts.csv``; columns synid, class_name, urls, flickr_urls).
  It is two years younger than the paper (3.8M images in the 5,247 synsets of the 12
  subtrees, against the paper's 3.2M), and counts are per node, not per subtree;
- **simulated**: the accepted images per synset of the simulated cleaning pipeline
  (notebook 02's ``clean_per_synset.csv``).

Everything here takes a ``pd.Series`` of images per synset (wnid -> count, per node), so both
versions go through the very same code.

"Very few images" is not defined in the paper. We say fewer than ``VERY_FEW = 100``: a tenth
of the paper's target of about 1000 images per synset, a fifth of its lower end of 500
(Sec 2: "500-1000 per synset"). The notebook also shows the share under 10 and 50.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .config import DATA_DIR
from .errors import InputDataError, UserError
from .hierarchy import Hierarchy
from .wordnet import WNID_RE
from .wordnet import synset as get_synset
from .wordnet import wnid as get_wnid

FALL2011_COUNTS = DATA_DIR / "imagenet_fall2011_url_counts.csv"
FALL2011_COLUMNS = ("synid", "class_name", "urls", "flickr_urls")

VERY_FEW = 100  # "very few images" (the paper gives no number; see the module docstring)
MANY = 500  # "over 50% synsets have more than 500 images"
HIST_BIN = 100  # width of the histogram bins, images per synset

# Sec 1-2 and Fig 2 of the paper.
PAPER_TOTAL_IMAGES = 3_200_000
PAPER_MEAN_IMAGES = 600  # "on average over 600 images are collected for each synset"
PAPER_SHARE_VERY_FEW = 0.20  # "about 20% of the synsets have very few images"
PAPER_SHARE_MANY = 0.50  # "over 50% synsets have more than 500 images"
# The Fig 2 table (SPEC section 10), read off the figure.
PAPER_FIG2_TABLE = pd.DataFrame(
    {
        "synsets": [1170, 520, 176, 197, 872, 164],
        "avg_synset_size": [737, 610, 436, 797, 809, 672],
        "total_images": [862_000, 317_000, 77_000, 157_000, 705_000, 110_000],
    },
    index=pd.Index(["mammal", "vehicle", "geological formation", "furniture", "bird",
                    "musical instrument"], name="subtree"),
)
FIG2_SUBTREES = tuple(PAPER_FIG2_TABLE.index)

# Fig 1: the paper's two root-to-leaf branches, as the paper names them, resolved to
# WordNet 3.0 synsets. "husky" is eskimo_dog.n.01 (Eskimo dog, husky; n02109961), the breed
# directly under working dog (husky.n.01 sits under sled dog, which the paper's branch skips);
# "watercraft" is vessel.n.02 (vessel, watercraft; n04530566).
FIG1_BRANCHES: dict[str, tuple[tuple[str, str], ...]] = {
    "mammal": (
        ("mammal", "mammal.n.01"), ("placental", "placental.n.01"),
        ("carnivore", "carnivore.n.01"), ("canine", "canine.n.02"), ("dog", "dog.n.01"),
        ("working dog", "working_dog.n.01"), ("husky", "eskimo_dog.n.01"),
    ),
    "vehicle": (
        ("vehicle", "vehicle.n.01"), ("craft", "craft.n.02"), ("watercraft", "vessel.n.02"),
        ("sailing vessel", "sailing_vessel.n.01"), ("sailboat", "sailboat.n.01"),
        ("trimaran", "trimaran.n.01"),
    ),
}


# ---------------------------------------------------------------- the real fall-2011 counts

def load_fall2011_counts(path: Path | str = FALL2011_COUNTS) -> pd.DataFrame:
    """The fall-2011 per-node counts, indexed by wnid; a bad file is named with its line."""
    path = Path(path)
    if not path.is_file():
        raise InputDataError(f"{path}: file not found (the fall-2011 counts; see data/README.md)")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != FALL2011_COLUMNS:
            raise InputDataError(f"{path}, line 1: expected the columns {','.join(FALL2011_COLUMNS)}, "
                                 f"found {header}")
        rows, seen = [], set()
        for line, row in enumerate(reader, start=2):
            if len(row) != 4:
                raise InputDataError(f"{path}, line {line}: expected 4 fields, found {len(row)}")
            wnid, name, urls, flickr = (x.strip() for x in row)
            if not WNID_RE.match(wnid):
                raise InputDataError(f"{path}, line {line}: {wnid!r} is not a wnid like n02084071")
            if wnid in seen:
                raise InputDataError(f"{path}, line {line}: wnid {wnid} appears twice")
            try:
                u, f = int(urls), int(flickr)
            except ValueError:
                raise InputDataError(f"{path}, line {line}: counts must be integers, "
                                     f"found {urls!r}, {flickr!r}") from None
            if u < 0 or f < 0 or f > u:
                raise InputDataError(f"{path}, line {line}: need 0 <= flickr_urls <= urls, "
                                     f"found urls={u}, flickr_urls={f}")
            seen.add(wnid)
            rows.append((wnid, name, u, f))
    df = pd.DataFrame(rows, columns=list(FALL2011_COLUMNS)).set_index("synid")
    df.index.name = "wnid"
    return df


def real_counts(hierarchy: Hierarchy, counts: pd.DataFrame | None = None,
                column: str = "urls") -> pd.Series:
    """Real images per node for every synset of the hierarchy (0 where fall 2011 has none)."""
    counts = load_fall2011_counts() if counts is None else counts
    if column not in counts.columns:
        raise UserError(f"no column {column!r} in the fall-2011 counts: use urls or flickr_urls")
    out = counts[column].reindex(hierarchy.synsets.index).fillna(0).astype(np.int64)
    out.name = "images"
    return out


def simulated_counts(hierarchy: Hierarchy, per_synset: pd.DataFrame,
                     column: str = "accepted") -> pd.Series:
    """Clean images per node from the simulated pipeline's per-synset table (wnid column or index).

    Only the synsets the run covered are returned (a ci run covers a few branches).
    """
    df = per_synset.set_index("wnid") if "wnid" in per_synset.columns else per_synset
    if column not in df.columns:
        raise UserError(f"the clean per-synset table has no {column!r} column "
                        f"(columns: {', '.join(map(str, df.columns))})")
    unknown = [w for w in df.index if w not in hierarchy]
    if unknown:
        raise InputDataError(f"clean per-synset table: {len(unknown)} wnid(s) not in the hierarchy, "
                             f"e.g. {unknown[0]}")
    order = [w for w in hierarchy.synsets.index if w in df.index]
    out = df.loc[order, column].astype(np.int64)
    out.index.name = "wnid"
    out.name = "images"
    return out


# ---------------------------------------------------------------- Fig 2

def _subtree_of(hierarchy: Hierarchy, counts: pd.Series) -> pd.Series:
    return hierarchy.synsets.loc[counts.index, "subtree"]


def scale_summary(counts: pd.Series, very_few: int = VERY_FEW, many: int = MANY) -> dict[str, float]:
    """The four numbers of the paper's scale claims, for one set of per-synset counts."""
    c = np.asarray(counts, dtype=np.int64)
    if c.size == 0:
        raise UserError("no synsets to summarise")
    return {
        "synsets": int(c.size),
        "total_images": int(c.sum()),
        "mean_images": float(c.mean()),
        "median_images": float(np.median(c)),
        "share_very_few": float((c < very_few).mean()),
        "share_over_many": float((c > many).mean()),
        "share_empty": float((c == 0).mean()),
    }


def subtree_table(hierarchy: Hierarchy, counts: pd.Series,
                  subtrees: Iterable[str] | None = FIG2_SUBTREES) -> pd.DataFrame:
    """Fig 2's table: synsets, average synset size and total images per subtree.

    ``subtrees`` None gives every subtree present in ``counts``. Subtrees absent from
    ``counts`` (a ci run) are left out.
    """
    sub = _subtree_of(hierarchy, counts)
    g = counts.groupby(sub, sort=False)
    table = pd.DataFrame({"synsets": g.size(), "avg_synset_size": g.mean(), "total_images": g.sum()})
    names = list(subtrees) if subtrees is not None else list(table.index)
    table = table.reindex([n for n in names if n in table.index])
    table.index.name = "subtree"
    return table.astype({"synsets": np.int64, "total_images": np.int64})


def table_beside_paper(table: pd.DataFrame) -> pd.DataFrame:
    """Our Fig 2 table with the paper's numbers beside it (only the paper's six subtrees)."""
    rows = [s for s in table.index if s in PAPER_FIG2_TABLE.index]
    out = table.loc[rows].copy()
    for col in PAPER_FIG2_TABLE.columns:
        out[f"paper_{col}"] = PAPER_FIG2_TABLE.loc[rows, col]
    out["total_ratio"] = (out["total_images"] / out["paper_total_images"]).round(3)
    cols = ["synsets", "paper_synsets", "avg_synset_size", "paper_avg_synset_size",
            "total_images", "paper_total_images", "total_ratio"]
    return out[cols]


def histogram(counts: pd.Series, bin_width: int = HIST_BIN, max_images: int | None = None) -> pd.DataFrame:
    """Synsets per bin of images per synset: bins [lo, hi), the last one closed on the max."""
    c = np.asarray(counts, dtype=np.int64)
    top = int(max_images if max_images is not None else max(int(c.max(initial=0)), 1))
    edges = np.arange(0, top + bin_width, bin_width, dtype=np.int64)
    if edges[-1] <= top:
        edges = np.append(edges, edges[-1] + bin_width)
    n, _ = np.histogram(np.minimum(c, edges[-1] - 1), bins=edges)
    return pd.DataFrame({"lo": edges[:-1], "hi": edges[1:], "synsets": n.astype(np.int64)})


# ---------------------------------------------------------------- Fig 1

def fig1_branches(hierarchy: Hierarchy | None = None) -> dict[str, list[tuple[str, str]]]:
    """The two branches of Fig 1 as (paper name, wnid), checked to be parent -> child chains."""
    out: dict[str, list[tuple[str, str]]] = {}
    for branch, chain in FIG1_BRANCHES.items():
        resolved = [(label, get_wnid(get_synset(name))) for label, name in chain]
        for (pl, pw), (cl, cw) in zip(resolved, resolved[1:]):
            if pw not in {get_wnid(h) for h in get_synset(cw).hypernyms()}:
                raise UserError(f"Fig 1 branch {branch}: {cl} ({cw}) is not a hyponym of {pl} ({pw})")
        if hierarchy is not None:
            missing = [w for _, w in resolved if w not in hierarchy]
            if missing:
                raise UserError(f"Fig 1 branch {branch}: {', '.join(missing)} not in the hierarchy "
                                f"(load the {branch} subtree)")
        out[branch] = resolved
    return out


def sample_images(images: pd.DataFrame, wnids: Iterable[str], n: int = 9, seed: int = 2009,
                  by: str = "wnid") -> pd.DataFrame:
    """``n`` images drawn at random (without replacement) per synset; fewer if it has fewer.

    The draw for a synset depends on (seed, wnid) only, so adding a synset changes nothing else.
    """
    wnids = list(wnids)
    parts = []
    grouped = {k: g for k, g in images[images[by].isin(wnids)].groupby(by, sort=False)}
    for w in wnids:
        g = grouped.get(w)
        if g is None or len(g) == 0:
            continue
        rng = np.random.default_rng(np.random.SeedSequence([seed, int(w[1:])]))
        take = rng.choice(len(g), size=min(n, len(g)), replace=False)
        parts.append(g.iloc[np.sort(take)])
    if not parts:
        return images.iloc[:0]
    return pd.concat(parts)


def branch_images_from_clean(world, clean: pd.DataFrame, branches: dict[str, list[tuple[str, str]]],
                             n: int = 9, seed: int = 2009) -> dict[str, list[dict]]:
    """Fig 1 from the simulated clean set: ``n`` random accepted images per synset, rendered.

    Each item: label, wnid, images (list of HxWx3 uint8), available (clean images of the
    synset), shown (the sampled clean-set rows).
    """
    from tqdm.auto import tqdm

    wnids = [w for chain in branches.values() for _, w in chain]
    picked = sample_images(clean, wnids, n=n, seed=seed)
    sizes = clean.groupby("wnid").size()
    by = {w: g for w, g in picked.groupby("wnid", sort=False)}
    out: dict[str, list[dict]] = {}
    bar = tqdm(total=len(picked), desc="rendering Fig 1", unit="image", leave=False)
    for branch, chain in branches.items():
        items = []
        for label, w in chain:
            g = by.get(w, picked.iloc[:0])
            imgs = []
            for t, i, v in zip(g["true_wnid"], g["web_image_id"], g["variant"]):
                imgs.append(world.render(str(t), int(i), int(v)).image)
                bar.update(1)
            items.append({"label": label, "wnid": w, "images": imgs,
                          "available": int(sizes.get(w, 0)), "shown": g})
        out[branch] = items
    bar.close()
    return out


def branch_images_from_source(source, branches: dict[str, list[tuple[str, str]]], n: int = 9,
                              seed: int = 2009) -> dict[str, list[dict]]:
    """Fig 1 from real photos (an ImageNet-layout folder, ``sources.ImageNetFolder``):
    ``n`` random decodable images per synset; broken files are skipped (``source.skipped``)."""
    from .sources import ImageSkipped

    have = set(source.synsets())
    out: dict[str, list[dict]] = {}
    for branch, chain in branches.items():
        items = []
        for label, w in chain:
            ids = [i for i, _ in source.images(w)] if w in have else []
            rng = np.random.default_rng(np.random.SeedSequence([seed, int(w[1:])]))
            imgs, shown = [], []
            for k in rng.permutation(len(ids)):
                if len(imgs) >= n:
                    break
                try:
                    imgs.append(source.load(ids[k]))
                    shown.append(ids[k])
                except ImageSkipped:
                    continue
            items.append({"label": label, "wnid": w, "images": imgs, "available": len(ids),
                          "shown": pd.DataFrame({"wnid": w, "image_id": shown})})
        out[branch] = items
    return out


def image_sizes(branch_items: dict[str, list[dict]]) -> np.ndarray:
    """(width, height) of every image shown in a Fig 1 set, for Table 1's FullRes."""
    sizes = [(im.shape[1], im.shape[0]) for items in branch_items.values() for it in items
             for im in it["images"]]
    return np.array(sizes, dtype=np.int64).reshape(-1, 2)


def rendered_sizes(world, clean: pd.DataFrame, n: int = 100, seed: int = 2009) -> np.ndarray:
    """(width, height) of ``n`` clean images drawn at random from the whole clean set, rendered."""
    from tqdm.auto import tqdm

    from .world.web import text_key

    rng = np.random.default_rng(np.random.SeedSequence([seed, text_key("fullres")]))
    take = np.sort(rng.choice(len(clean), size=min(n, len(clean)), replace=False))
    rows = clean.iloc[take]
    out = []
    for t, i, v in tqdm(list(zip(rows["true_wnid"], rows["web_image_id"], rows["variant"])),
                        desc="rendering for image sizes", unit="image", leave=False):
        im = world.render(str(t), int(i), int(v)).image
        out.append((im.shape[1], im.shape[0]))
    return np.array(out, dtype=np.int64).reshape(-1, 2)


# ---------------------------------------------------------------- Fig 3

def tree_of(hierarchy: Hierarchy, root: str) -> dict:
    """The subtree under ``root`` as a tree for drawing: each synset hangs under the parent
    on its shortest path from ``root`` (WordNet is a DAG; Fig 3 draws trees)."""
    hierarchy.check(root)
    order = hierarchy.descendants(root)  # breadth-first: a parent comes before its children
    inside = set(order)
    depth = {root: 0}
    parent: dict[str, str] = {}
    for w in order[1:]:
        ps = [p for p in hierarchy.parents[w] if p in inside and p in depth]
        best = min(ps, key=lambda p: (depth[p], p))
        parent[w] = best
        depth[w] = depth[best] + 1
    names = {w: hierarchy.synsets.at[w, "lemma"] for w in order}
    return {"root": root, "parent": parent, "order": order, "names": names}


# ---------------------------------------------------------------- Fig 6 and density

def depth_distribution(hierarchy: Hierarchy, counts: pd.Series, subtree: str = "mammal") -> pd.DataFrame:
    """Images (or labels) per tree depth of one subtree: count and share, depth 1 = the root."""
    members = hierarchy.synsets.index[hierarchy.synsets["subtree"] == subtree]
    c = counts.reindex(members).fillna(0).astype(np.int64)
    depth = hierarchy.synsets.loc[members, "depth"]
    per = c.groupby(depth.values).sum()
    per = per.reindex(range(1, int(depth.max()) + 1), fill_value=0)
    total = per.sum()
    out = pd.DataFrame({"images": per.astype(np.int64),
                        "share": per / total if total else per * 0.0})
    out.index.name = "depth"
    return out


def populated_synsets(hierarchy: Hierarchy, counts: pd.Series, min_images: int = 1) -> pd.DataFrame:
    """Dense hierarchy (Table 1): per subtree, synsets covered and how many have images."""
    sub = _subtree_of(hierarchy, counts)
    has = (counts >= min_images)
    g = has.groupby(sub, sort=False)
    inner = ~hierarchy.synsets.loc[counts.index, "is_leaf"]
    out = pd.DataFrame({
        "synsets": g.size(),
        "populated": g.sum().astype(np.int64),
        "populated_inner": (has & inner).groupby(sub, sort=False).sum().astype(np.int64),
        "populated_leaves": (has & ~inner).groupby(sub, sort=False).sum().astype(np.int64),
        "max_depth_populated": pd.Series(
            hierarchy.synsets.loc[counts.index[has.values], "depth"].values,
            index=sub[has.values].values).groupby(level=0).max(),
    })
    out = out.reindex(list(dict.fromkeys(sub)))  # the hierarchy's subtree order
    out["share_populated"] = (out["populated"] / out["synsets"]).round(4)
    out.index.name = "subtree"
    return out.fillna({"max_depth_populated": 0}).astype({"max_depth_populated": np.int64})


# ---------------------------------------------------------------- Table 1

TABLE1_PROPERTIES = ("LabelDisam", "Clean", "DenseHie", "FullRes", "PublicAvail", "Segmented")
TABLE1_DATASETS = ("ImageNet", "TinyImage", "LabelMe", "ESP", "LHill")
PAPER_TABLE1 = pd.DataFrame(
    [["Y", "Y", "N", "N", "Y"], ["Y", "N", "Y", "Y", "Y"], ["Y", "Y", "N", "N", "N"],
     ["Y", "N", "Y", "Y", "Y"], ["Y", "Y", "Y", "N", "N"], ["N", "N", "Y", "N", "Y"]],
    index=pd.Index(TABLE1_PROPERTIES, name="property"), columns=list(TABLE1_DATASETS),
)

# Thresholds that turn a measurement into Y/N (stated here, not fitted).
CLEAN_MIN_PRECISION = 0.9  # TinyImage, "N" in the paper, has 10-25% clean images
FULLRES_MIN_SIDE = 200  # TinyImage's 32x32 is "N"; ImageNet's ~400x350 is "Y"
DENSE_MIN_SHARE_POPULATED = 0.9  # nearly every synset of a subtree has images, inner and leaf


@dataclass(frozen=True)
class Table1Measurement:
    """One measured property of the ImageNet row of Table 1."""

    property: str
    value: str  # what was measured, in words with the number
    verdict: str  # "Y" or "N" from the stated threshold
    mode: str  # "real" or "simulated"
    rule: str  # the threshold that gives Y


def measure_label_disambiguation(labels: Iterable[str], hierarchy: Hierarchy, mode: str = "simulated",
                                 contrast: str = "") -> Table1Measurement:
    """Y when every image's label is a wnid of the hierarchy: one synset, never a bare word."""
    labels = pd.Series(list(labels), dtype=str)
    ok = float(labels.isin(hierarchy.synsets.index).mean()) if len(labels) else float("nan")
    return Table1Measurement("LabelDisam", f"{ok:.1%} of {len(labels):,} labels are WordNet synsets (wnids)"
                             + (f" ({contrast})" if contrast else ""),
                             "Y" if ok == 1.0 else "N", mode, "all labels are wnids")


def measure_clean(precision: float, n_synsets: int, mode: str = "simulated") -> Table1Measurement:
    return Table1Measurement("Clean", f"mean precision {precision:.1%} over {n_synsets} synsets",
                             "Y" if precision >= CLEAN_MIN_PRECISION else "N", mode,
                             f"mean precision >= {CLEAN_MIN_PRECISION:.0%}")


def measure_dense(populated: pd.DataFrame, mode: str) -> Table1Measurement:
    share = populated["populated"].sum() / populated["synsets"].sum()
    return Table1Measurement(
        "DenseHie", f"{int(populated['populated'].sum()):,} of {int(populated['synsets'].sum()):,} "
        f"synsets ({share:.1%}) have images, inner nodes and leaves alike",
        "Y" if share >= DENSE_MIN_SHARE_POPULATED else "N", mode,
        f"share of synsets with images >= {DENSE_MIN_SHARE_POPULATED:.0%}")


def measure_full_resolution(sizes: np.ndarray, mode: str) -> Table1Measurement:
    """``sizes``: [n, 2] of (width, height) in pixels."""
    sizes = np.asarray(sizes, dtype=float).reshape(-1, 2)
    if len(sizes) == 0:
        raise UserError("no image sizes to measure full resolution on")
    w, h = sizes.mean(axis=0)
    short = np.median(sizes.min(axis=1))
    return Table1Measurement("FullRes", f"mean {w:.0f}x{h:.0f} px over {len(sizes):,} images "
                             f"(median shorter side {short:.0f} px)",
                             "Y" if short >= FULLRES_MIN_SIDE else "N", mode,
                             f"median shorter side >= {FULLRES_MIN_SIDE} px")


def table1(measurements: Iterable[Table1Measurement]) -> pd.DataFrame:
    """Table 1: the paper's Y/N for every dataset, ours beside it for the ImageNet row.

    Rows are properties; ``ImageNet (artifact)`` holds the measured verdict where a property
    was measured, else "quoted"; ``how`` says what was measured (or that it is quoted).
    """
    out = PAPER_TABLE1.copy()
    out.columns = [f"{c} (paper)" for c in out.columns]
    measured = {m.property: m for m in measurements}
    unknown = set(measured) - set(TABLE1_PROPERTIES)
    if unknown:
        raise UserError(f"unknown Table 1 properties: {', '.join(sorted(unknown))}")
    out.insert(0, "ImageNet (artifact)", [measured[p].verdict if p in measured else "quoted"
                                          for p in TABLE1_PROPERTIES])
    out["mode"] = [measured[p].mode if p in measured else "quoted" for p in TABLE1_PROPERTIES]
    out["how"] = [f"{measured[p].value}; Y if {measured[p].rule}" if p in measured
                  else "quoted from the paper (not measurable here)" for p in TABLE1_PROPERTIES]
    return out


# ---------------------------------------------------------------- notebook 03: inputs, versions, claims
#
# What notebook 03 computes per version (real fall-2011 counts / simulated clean set) and the
# claims it records, here so that the notebook cells stay a few lines and the numbers are tested.

FIG3_ROOTS = {"cat": "cat.n.01", "cattle": "cattle.n.01"}  # Fig 3's two subtrees


def fig3_subtrees(hierarchy: Hierarchy) -> dict[str, dict]:
    """Fig 3's "cat" and "cattle" subtrees as drawable trees (``tree_of``)."""
    return {name: tree_of(hierarchy, get_wnid(get_synset(s))) for name, s in FIG3_ROOTS.items()}


def clean_set_covering(results_dir: Path | str, hierarchy: Hierarchy, needed: Iterable[str], out,
                       seed: int = 2009, amount: float = 1.0):
    """Notebook 02's clean set and per-synset summary, completed with the ``needed`` synsets
    02 did not clean at this scale (same pipeline, seed and fitted worker model), so Fig 1 and
    Fig 3 have every synset they draw. Records the inputs, and the synsets cleaned here as the
    table ``cleaned_in_03``. Returns (world, clean, summary, missing wnids)."""
    from .crowd.pipeline import clean_synsets, load_clean_set, load_clean_summary, load_worker_model
    from .hierarchy import load_hierarchy
    from .world import World, WorldConfig

    res = Path(results_dir)
    clean = load_clean_set(res)
    summary = load_clean_summary(res)
    out.input(res / "data" / "clean_set.parquet")
    out.input(res / "tables" / "clean_per_synset.csv")
    missing = [w for w in dict.fromkeys(needed) if w not in set(summary["wnid"])]
    present = set(summary["subtree"]) | set(hierarchy.synsets.loc[missing, "subtree"])
    run_subtrees = tuple(s for s in hierarchy.subtree_names if s in present)
    world = World(load_hierarchy(run_subtrees), WorldConfig(seed=seed))
    if missing:  # with the (fitted) worker model and consensus settings notebook 02 used
        model, consensus = load_worker_model(res)
        out.input(res / "data" / "crowd_worker_model.json")
        extra = clean_synsets(world, missing, model, consensus, seed=seed, amount=amount, progress=False)
        clean = pd.concat([clean, extra.clean], ignore_index=True)
        summary = pd.concat([summary, extra.summary[summary.columns]], ignore_index=True)
        out.table(extra.summary[["wnid", "subtree", "depth", "candidates", "accepted", "precision"]],
                  "cleaned_in_03", index=False)
    return world, clean, summary, missing


def fig2_versions(hierarchy: Hierarchy, simulated: pd.Series, real: pd.Series, scale_name: str,
                  amount: float) -> dict[str, dict]:
    """Fig 2's two versions, each with its title, mode, note, counts, subtree tables,
    histogram and summary: the same code on both, labels kept apart."""
    versions: dict[str, dict] = {}
    for key, counts, mode, title, note in (
            ("simulated", simulated, "simulated", f"simulated clean set (scale={scale_name})",
             f"{len(simulated):,} synsets cleaned; web scaled by {amount} (counts full size only at scale=paper)"),
            ("real", real, "real", "ImageNet fall 2011, per-node URL counts",
             "fall-2011 release (2 years after the paper); synsets absent from it count 0 images")):
        table = subtree_table(hierarchy, counts, subtrees=None)
        versions[key] = dict(title=title, mode=mode, note=note, counts=counts, table_all=table,
                             hist=histogram(counts), summary=scale_summary(counts),
                             table=table_beside_paper(table))
    return versions


def save_fig2_tables(out, versions: dict[str, dict]) -> None:
    """The per-subtree table, the table beside the paper's and the histogram of each version."""
    for key, v in versions.items():
        out.table(v["table_all"], f"fig2_subtrees_{key}")
        out.table(v["table"], f"fig2_table_{key}")
        out.table(v["hist"], f"fig2_histogram_{key}", index=False)


def share_below(versions: dict[str, dict], thresholds: Iterable[int] = (1, 10, 50, 100, 200)) -> pd.DataFrame:
    """Share of synsets under each threshold, per version: how much "very few" (undefined in
    the paper) depends on where it is put."""
    thresholds = list(thresholds)
    return pd.DataFrame({k: {f"< {t}": float((v["counts"] < t).mean()) for t in thresholds}
                         for k, v in versions.items()})


def record_fig2_claims(out, versions: dict[str, dict], comparable: bool, scale_name: str,
                       amount: float) -> None:
    """Fig 2's scale claims for each version; the simulated ones are info only when the
    simulated web is scaled down (not comparable with the paper's counts)."""
    for key, v in versions.items():
        s, mode = v["summary"], v["mode"]
        info = key == "simulated" and not comparable
        why = (f"simulated web scaled by candidates_per_synset={amount} at scale={scale_name}: "
               "not comparable with the paper (info only)" if info else
               ("fall-2011 release, two years after the paper" if key == "real" else "simulated at full size"))
        cov = f"; {s['synsets']:,} synsets"
        out.claim(f"fig2.{key}.total_images", "images in the 12 subtrees", "Sec 2 / Fig 2", PAPER_TOTAL_IMAGES,
                  s["total_images"], mode, unit="images", direction="info" if info else "approx", note=why + cov)
        out.claim(f"fig2.{key}.mean_images", "average images per synset (paper: over 600)", "Sec 2 / Fig 2",
                  PAPER_MEAN_IMAGES, round(s["mean_images"], 1), mode, unit="images",
                  direction="info" if info else ">=", note=why + cov)
        out.claim(f"fig2.{key}.share_very_few", f"share of synsets with very few (< {VERY_FEW}) images",
                  "Fig 2", PAPER_SHARE_VERY_FEW, round(s["share_very_few"], 4), mode,
                  direction="info" if info else "approx", tolerance=0.05,
                  note=why + f"; 'very few' = fewer than {VERY_FEW} (our threshold; the paper gives none)")
        out.claim(f"fig2.{key}.share_over_500", "share of synsets with more than 500 images", "Fig 2",
                  PAPER_SHARE_MANY, round(s["share_over_many"], 4), mode,
                  direction="info" if info else ">", note=why + cov)
        for name, row in v["table"].iterrows():
            out.claim(f"fig2.{key}.total_images.{name.replace(' ', '_')}", f"total images of the {name} subtree",
                      "Fig 2 (table)", int(row["paper_total_images"]), int(row["total_images"]), mode,
                      unit="images", direction="info" if info else "approx", note=why)


def fig1_real_images(out, root: Path | str, branches: dict[str, list[tuple[str, str]]], n: int = 9,
                     seed: int = 2009) -> tuple[dict[str, list[dict]], list]:
    """Fig 1 from real photos in an ImageNet-layout folder; the images shown, and the files
    skipped as undecodable, are written as tables. Returns (branch items, skipped files)."""
    from .sources import ImageNetFolder

    src = ImageNetFolder(root)
    items = branch_images_from_source(src, branches, n=n, seed=seed)
    out.table(pd.concat([it["shown"] for chain in items.values() for it in chain]), "fig1_images_real",
              index=False)
    if src.skipped:
        out.table(src.skipped_frame(), "fig1_skipped_files", index=False)
    return items, list(src.skipped)


def fig3_panels(trees: dict[str, dict], imagenet_counts: pd.Series, esp_counts: pd.Series,
                imagenet_mode: str, imagenet_title: str) -> list[dict]:
    """One Fig 3 panel per tree: ESP's labels and ImageNet's images per node of the tree."""
    panels = []
    for name, t in trees.items():
        sides = [dict(title="ESP game", mode="simulated",
                      counts=esp_counts.reindex(t["order"]).fillna(0).astype(int)),
                 dict(title=imagenet_title, mode=imagenet_mode,
                      counts=imagenet_counts.reindex(t["order"]).fillna(0).astype(int))]
        panels.append(dict(tree=name, **t, sides=sides))
    return panels


def fig3_table(panels: list[dict]) -> pd.DataFrame:
    """Per tree and dataset: synsets with images, images, and the largest node."""
    rows = [(p["tree"], s["title"], int((s["counts"] > 0).sum()), int(s["counts"].sum()), int(s["counts"].max()))
            for p in panels for s in p["sides"]]
    return pd.DataFrame(rows, columns=["tree", "dataset", "synsets_with_images", "images", "largest_node"])


def record_fig3_claims(out, f3: dict[str, list[dict]], comparable: bool, scale_name: str,
                       amount: float) -> None:
    """Fig 3's claim per version: ImageNet's trees have more populated synsets than ESP's."""
    for k, panels in f3.items():
        mode = "real" if k == "real" else "simulated"
        denser = all((p["sides"][1]["counts"] > 0).sum() > (p["sides"][0]["counts"] > 0).sum() for p in panels)
        detail = "; ".join(f"{p['tree']}: ImageNet {(p['sides'][1]['counts'] > 0).sum()} vs ESP "
                           f"{(p['sides'][0]['counts'] > 0).sum()} synsets with images" for p in panels)
        info = k == "simulated" and not comparable
        out.claim(f"fig3.{k}.denser_than_esp", "ImageNet's cat and cattle trees have more populated synsets than ESP's",
                  "Sec 2 / Fig 3", "yes", "yes" if denser else "no", "simulated", direction="info" if info else "==",
                  note=f"ESP simulated; ImageNet side {mode}. {detail}" + (
                      f"; simulated web scaled by {amount} at scale={scale_name}, so many synsets are empty (info only)"
                      if info else ""))


def fig6_versions(hierarchy: Hierarchy, imagenet: dict[str, pd.Series], esp: dict[str, pd.Series],
                  scale_name: str, subtree: str = "mammal") -> dict[str, dict]:
    """Fig 6's panels: per version ("real", "simulated"), the depth distribution of ImageNet's
    images and of the ESP labels on them, in one subtree."""
    out = {}
    for k, counts in imagenet.items():
        d_in = depth_distribution(hierarchy, counts, subtree)
        d_esp = depth_distribution(hierarchy, esp[k], subtree)
        out[k] = dict(title=("real ImageNet fall-2011 images; ESP simulated on them" if k == "real"
                             else f"simulated clean set (scale={scale_name}); ESP simulated on it"),
                      series=[dict(label="ImageNet", mode="real" if k == "real" else "simulated", dist=d_in),
                              dict(label="ESP game", mode="simulated", dist=d_esp)])
    return out


def fig6_table(panel: dict) -> pd.DataFrame:
    """One version's depth distributions side by side (imagenet, esp)."""
    return pd.concat({"imagenet": panel["series"][0]["dist"], "esp": panel["series"][1]["dist"]}, axis=1)


def fig6_shares(f6: dict[str, dict]) -> pd.DataFrame:
    """Share of labels per depth, every version and dataset in one frame."""
    return pd.concat({k: pd.concat({s["label"]: s["dist"]["share"] for s in v["series"]}, axis=1)
                      for k, v in f6.items()}, axis=1)


def mean_depth(dist: pd.DataFrame) -> float:
    """Mean depth of the images (labels) of a ``depth_distribution``; 0 when there are none."""
    return float((dist.index.to_numpy() * dist["images"]).sum() / max(1, dist["images"].sum()))


def record_fig6_claims(out, f6: dict[str, dict]) -> None:
    """Per version: the depth of each dataset's highest bar (info), and whether ImageNet's
    labels lie deeper than ESP's on average (the paper's point)."""
    for k, v in f6.items():
        d_in, d_esp = v["series"][0]["dist"], v["series"][1]["dist"]
        for label, d, mode in (("imagenet", d_in, "real" if k == "real" else "simulated"), ("esp", d_esp, "simulated")):
            top = int(d["images"].idxmax())
            out.claim(f"fig6.{k}.{label}.peak",
                      f"highest bar of {'ImageNet' if label == 'imagenet' else 'ESP'} mammal labels: its depth (count in the note)",
                      "Fig 6", None, top, mode, unit="depth", direction="info",
                      note=f"{int(d['images'].max()):,} labels at depth {top} ({d['share'].max():.1%})")
        out.claim(f"fig6.{k}.imagenet_deeper", "ImageNet's mammal labels lie deeper than ESP's (mean depth)",
                  "Fig 6", "yes", "yes" if mean_depth(d_in) > mean_depth(d_esp) else "no", "simulated",
                  direction="==", note=f"mean depth ImageNet {mean_depth(d_in):.2f} vs ESP {mean_depth(d_esp):.2f}; "
                  f"share at depth >= 6: ImageNet {d_in.loc[6:, 'share'].sum():.1%} vs ESP {d_esp.loc[6:, 'share'].sum():.1%}")


def table1_sizes(world, clean: pd.DataFrame, fig1_real: dict[str, list[dict]] | None, n: int = 100,
                 seed: int = 2009) -> tuple[np.ndarray, str]:
    """Image sizes for FullRes: the real Fig 1 photos when there are any, else rendered
    clean-set images. Returns (sizes, mode)."""
    if fig1_real is not None and len(image_sizes(fig1_real)):
        return image_sizes(fig1_real), "real"
    return rendered_sizes(world, clean, n=n, seed=seed), "simulated"


def table1_measurements(hierarchy: Hierarchy, clean: pd.DataFrame, summary: pd.DataFrame,
                        populated_real: pd.DataFrame, sizes: np.ndarray, size_mode: str,
                        esp_error_share: float) -> list[Table1Measurement]:
    """The four properties of ImageNet's row the artifact measures (LabelDisam, Clean,
    DenseHie, FullRes), ESP's disambiguation errors as the contrast for LabelDisam."""
    prec = summary["precision"].dropna()
    return [
        measure_label_disambiguation(clean["wnid"], hierarchy, "simulated",
                                     contrast=f"ESP words read as their most frequent sense: {esp_error_share:.1%} wrong"),
        measure_clean(float(prec.mean()), len(prec), "simulated"),
        measure_dense(populated_real, "real"),
        measure_full_resolution(sizes, size_mode),
    ]


def record_table1_claims(out, measured: Iterable[Table1Measurement]) -> None:
    """Table 1's claims: the measured ImageNet properties against the paper's Y, then every
    other cell quoted from the paper."""
    measured = list(measured)
    for m in measured:
        out.claim(f"table1.imagenet.{m.property}", f"ImageNet: {m.property}", "Table 1", "Y", m.verdict, m.mode,
                  direction="==", note=f"{m.value}; Y if {m.rule}")
    done = {m.property for m in measured}
    for prop in TABLE1_PROPERTIES:
        for ds in TABLE1_DATASETS:
            if ds == "ImageNet" and prop in done:
                continue
            out.claim(f"table1.{ds}.{prop}", f"{ds}: {prop}", "Table 1", PAPER_TABLE1.at[prop, ds],
                      PAPER_TABLE1.at[prop, ds], "real", direction="quoted", note="quoted from the paper")
