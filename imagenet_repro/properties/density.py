"""How dense the hierarchy is: Fig 3 (the "cat" and "cattle" trees, ESP vs ImageNet), Fig 6
(mammal labels over tree depth) and the populated synsets behind Table 1's DenseHie (Sec 2.1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import paper
from ..hierarchy import Hierarchy
from ..wordnet import synset as get_synset
from ..wordnet import wnid as get_wnid

FIG3_SYNSETS = {"cat": "cat.n.01", "cattle": "cattle.n.01"}  # paper.FIG3_TREES in WordNet 3.0


@dataclass(frozen=True)
class Tree:
    """A subtree drawn as a tree: each synset hangs under the parent on its shortest path from
    ``root`` (WordNet is a DAG; Fig 3 draws trees)."""

    root: str
    parent: dict[str, str]  # child -> parent inside the subtree
    order: list[str]  # its synsets, root first, breadth-first
    names: dict[str, str]  # wnid -> label


def tree_of(hierarchy: Hierarchy, root: str) -> Tree:
    """The subtree under ``root`` as a drawable Tree."""
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
    return Tree(root, parent, order, names)


def fig3_subtrees(hierarchy: Hierarchy) -> dict[str, Tree]:
    """Fig 3's "cat" and "cattle" subtrees as drawable trees."""
    return {name: tree_of(hierarchy, get_wnid(get_synset(FIG3_SYNSETS[name]))) for name in paper.FIG3_TREES}


@dataclass(frozen=True)
class TreeSide:
    """One dataset's images (labels) per node of a Fig 3 tree."""

    title: str
    mode: str
    counts: pd.Series


@dataclass(frozen=True)
class Fig3Panel:
    """One row of Fig 3: a tree, ESP's labels and ImageNet's images on it."""

    name: str
    tree: Tree
    esp: TreeSide
    imagenet: TreeSide

    @property
    def sides(self) -> tuple[TreeSide, TreeSide]:
        """Left to right as drawn: ESP, then ImageNet."""
        return self.esp, self.imagenet

    def populated(self, side: TreeSide) -> int:
        return int((side.counts > 0).sum())


def fig3_panels(trees: dict[str, Tree], imagenet_counts: pd.Series, esp_counts: pd.Series,
                imagenet_mode: str, imagenet_title: str) -> list[Fig3Panel]:
    """One Fig 3 panel per tree: ESP's labels and ImageNet's images per node of the tree."""
    def side(title: str, mode: str, counts: pd.Series, t: Tree) -> TreeSide:
        return TreeSide(title, mode, counts.reindex(t.order).fillna(0).astype(int))

    return [Fig3Panel(name, t, side("ESP game", "simulated", esp_counts, t),
                      side(imagenet_title, imagenet_mode, imagenet_counts, t)) for name, t in trees.items()]


def fig3_table(panels: list[Fig3Panel]) -> pd.DataFrame:
    """Per tree and dataset: synsets with images, images, and the largest node."""
    rows = [(p.name, s.title, int((s.counts > 0).sum()), int(s.counts.sum()), int(s.counts.max()))
            for p in panels for s in p.sides]
    return pd.DataFrame(rows, columns=["tree", "dataset", "synsets_with_images", "images", "largest_node"])


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
    sub = hierarchy.synsets.loc[counts.index, "subtree"]
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


@dataclass(frozen=True)
class DepthSeries:
    """One dataset's images (labels) per tree depth of a subtree (``depth_distribution``)."""

    label: str
    mode: str
    dist: pd.DataFrame


@dataclass(frozen=True)
class Fig6Panel:
    """One panel of Fig 6: ImageNet's images and the ESP labels on them, per depth."""

    title: str
    imagenet: DepthSeries
    esp: DepthSeries

    @property
    def series(self) -> tuple[DepthSeries, DepthSeries]:
        return self.imagenet, self.esp


def fig6_versions(hierarchy: Hierarchy, imagenet: dict[str, pd.Series], esp: dict[str, pd.Series],
                  scale_name: str, subtree: str = "mammal") -> dict[str, Fig6Panel]:
    """Fig 6's panels: per version ("real", "simulated"), the depth distribution of ImageNet's
    images and of the ESP labels on them, in one subtree."""
    out = {}
    for k, counts in imagenet.items():
        title = ("real ImageNet fall-2011 images; ESP simulated on them" if k == "real"
                 else f"simulated clean set (scale={scale_name}); ESP simulated on it")
        out[k] = Fig6Panel(title,
                           DepthSeries("ImageNet", "real" if k == "real" else "simulated",
                                       depth_distribution(hierarchy, counts, subtree)),
                           DepthSeries("ESP game", "simulated", depth_distribution(hierarchy, esp[k], subtree)))
    return out


def fig6_table(panel: Fig6Panel) -> pd.DataFrame:
    """One version's depth distributions side by side (imagenet, esp)."""
    return pd.concat({"imagenet": panel.imagenet.dist, "esp": panel.esp.dist}, axis=1)


def fig6_shares(f6: dict[str, Fig6Panel]) -> pd.DataFrame:
    """Share of labels per depth, every version and dataset in one frame."""
    return pd.concat({k: pd.concat({s.label: s.dist["share"] for s in v.series}, axis=1)
                      for k, v in f6.items()}, axis=1)


def mean_depth(dist: pd.DataFrame) -> float:
    """Mean depth of the images (labels) of a ``depth_distribution``; 0 when there are none."""
    return float((dist.index.to_numpy() * dist["images"]).sum() / max(1, dist["images"].sum()))
