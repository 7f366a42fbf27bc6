"""The 12 subtrees of ImageNet 2009 from WordNet 3.0, and the one definition of depth and height.

Each subtree is the hyponym closure (hyponyms only, not instance hyponyms) of its root.
WordNet is a DAG: a synset can have several parents inside a subtree (dog.n.01 is both a
canine and a domestic animal). So, once and for everyone:

- depth: synsets on the *shortest* path from the subtree root, root = 1;
- height: synsets on the *longest* path down to a leaf, a leaf = 1 (the paper's Fig 9).

Both count synsets, not edges, so a leaf has height 1 and a root has depth 1.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from . import paper
from .errors import UserError
from .rng import rng
from .wordnet import lemma as get_lemma
from .wordnet import synset as get_synset
from .wordnet import wnid as get_wnid
from .wordnet import wordnet

# The WordNet 3.0 root synset of each of the paper's 12 subtrees, in the paper's order (Sec 1).
SUBTREE_ROOTS: dict[str, str] = {
    "mammal": "mammal.n.01",
    "bird": "bird.n.01",
    "fish": "fish.n.01",
    "reptile": "reptile.n.01",
    "amphibian": "amphibian.n.03",
    "vehicle": "vehicle.n.01",
    "furniture": "furniture.n.01",
    "musical instrument": "musical_instrument.n.01",
    "geological formation": "geological_formation.n.01",
    "tool": "tool.n.01",
    "flower": "flower.n.01",
    "fruit": "fruit.n.01",
}
assert tuple(SUBTREE_ROOTS) == paper.SUBTREES, "SUBTREE_ROOTS must follow paper.SUBTREES"


@dataclass(frozen=True)
class Hierarchy:
    """The synsets of some subtrees and their IS-A links inside them.

    ``synsets`` is indexed by wnid (in a fixed order: subtree, then breadth-first) with
    columns name, lemma, subtree, depth, height, is_leaf, n_parents, gloss.
    """

    synsets: pd.DataFrame
    children: dict[str, tuple[str, ...]] = field(repr=False)
    parents: dict[str, tuple[str, ...]] = field(repr=False)

    def __len__(self) -> int:
        return len(self.synsets)

    def __contains__(self, wnid: str) -> bool:
        return wnid in self.children

    @property
    def wnids(self) -> list[str]:
        return list(self.synsets.index)

    def check(self, wnid: str) -> str:
        if wnid not in self.children:
            raise UserError(f"synset {wnid!r} is not in the hierarchy "
                            f"(subtrees: {', '.join(self.subtree_names)})")
        return wnid

    @property
    def subtree_names(self) -> list[str]:
        return list(dict.fromkeys(self.synsets["subtree"]))

    def subtree(self, name: str) -> list[str]:
        """wnids of one subtree, root first."""
        if name not in self.subtree_names:
            raise UserError(f"unknown subtree {name!r}: choose from {', '.join(self.subtree_names)}")
        return list(self.synsets.index[self.synsets["subtree"] == name])

    def root(self, name: str) -> str:
        return get_wnid(get_synset(SUBTREE_ROOTS[name]))

    def descendants(self, wnid: str, include_self: bool = True) -> list[str]:
        """The synset's own subtree (every hyponym below it), breadth-first."""
        self.check(wnid)
        seen = {wnid}
        order = [wnid] if include_self else []
        queue = deque([wnid])
        while queue:
            for child in self.children[queue.popleft()]:
                if child not in seen:
                    seen.add(child)
                    order.append(child)
                    queue.append(child)
        return order

    def ancestors(self, wnid: str, include_self: bool = True) -> list[str]:
        """Every synset above this one inside its subtree (all parents' paths)."""
        self.check(wnid)
        seen = {wnid}
        order = [wnid] if include_self else []
        queue = deque([wnid])
        while queue:
            for parent in self.parents[queue.popleft()]:
                if parent not in seen:
                    seen.add(parent)
                    order.append(parent)
                    queue.append(parent)
        return order

    def path_from_root(self, wnid: str) -> list[str]:
        """One shortest root-to-synset path (the one that defines depth)."""
        self.check(wnid)
        path = [wnid]
        while self.parents[path[-1]]:
            d = self.synsets["depth"]
            path.append(min(self.parents[path[-1]], key=lambda p: (d[p], p)))
        return path[::-1]

    def descendant_matrix(self) -> "np.ndarray":
        """Boolean [n, n]: row i marks the descendants of synset i (itself included)."""
        index = {w: i for i, w in enumerate(self.synsets.index)}
        n = len(index)
        mat = np.zeros((n, n), dtype=bool)
        # Deepest-first by height: a node's closure is itself plus its children's closures.
        for w in self.synsets.sort_values("height").index:
            i = index[w]
            mat[i, i] = True
            for c in self.children[w]:
                mat[i] |= mat[index[c]]
        return mat

    def stats(self) -> pd.DataFrame:
        """One row per subtree: synsets, leaves, depth and height ranges."""
        g = self.synsets.groupby("subtree", sort=False)
        out = pd.DataFrame({
            "root": [SUBTREE_ROOTS[s] for s in g.groups],
            "synsets": g.size(),
            "leaves": g["is_leaf"].sum(),
            "inner": g.size() - g["is_leaf"].sum(),
            "multi_parent": g["n_parents"].apply(lambda s: int((s > 1).sum())),
            "depth_min": g["depth"].min(),
            "depth_max": g["depth"].max(),
            "depth_mean": g["depth"].mean().round(3),
            "height_max": g["height"].max(),
            "height_mean": g["height"].mean().round(3),
        })
        out.index.name = "subtree"
        return out.astype({c: int for c in out.columns if c not in ("root", "depth_mean", "height_mean")})


def _build_subtree(name: str) -> tuple[list, dict, dict, dict]:
    root = get_synset(SUBTREE_ROOTS[name])
    members = {root} | set(root.closure(lambda s: s.hyponyms()))
    order: list = []
    depth: dict = {root: 1}
    queue = deque([root])
    while queue:  # breadth-first from the root gives shortest-path depth
        s = queue.popleft()
        order.append(s)
        for h in sorted(s.hyponyms(), key=lambda x: x.offset()):
            if h not in depth:
                depth[h] = depth[s] + 1
                queue.append(h)
    children = {s: tuple(sorted((h for h in s.hyponyms() if h in members), key=lambda x: x.offset()))
                for s in order}
    parents = {s: tuple(sorted((p for p in s.hypernyms() if p in members), key=lambda x: x.offset()))
               for s in order}
    return order, children, parents, depth


def _heights(order: list, children: dict) -> dict:
    """Longest path down, memoised (the subtrees are at most ~20 levels deep)."""
    height: dict = {}

    def h(s):
        if s not in height:
            kids = children[s]
            height[s] = 1 if not kids else 1 + max(h(k) for k in kids)
        return height[s]

    for s in order:
        h(s)
    return height


@lru_cache(maxsize=16)
def load_hierarchy(subtrees: tuple[str, ...] | None = None) -> Hierarchy:
    """The hierarchy of the given subtrees (all 12 by default), built from WordNet 3.0."""
    names = tuple(SUBTREE_ROOTS) if subtrees is None else tuple(subtrees)
    unknown = [n for n in names if n not in SUBTREE_ROOTS]
    if unknown:
        raise UserError(f"unknown subtree(s) {', '.join(map(repr, unknown))}: "
                        f"choose from {', '.join(SUBTREE_ROOTS)}")
    wordnet()
    rows, children, parents = [], {}, {}
    for name in names:
        order, ch, pa, depth = _build_subtree(name)
        height = _heights(order, ch)
        for s in order:
            w = get_wnid(s)
            children[w] = tuple(get_wnid(c) for c in ch[s])
            parents[w] = tuple(get_wnid(p) for p in pa[s])
            rows.append({
                "wnid": w, "name": s.name(), "lemma": get_lemma(s),
                "subtree": name, "depth": depth[s], "height": height[s],
                "is_leaf": not ch[s], "n_parents": len(pa[s]), "gloss": s.definition(),
            })
    table = pd.DataFrame(rows).set_index("wnid")
    return Hierarchy(table, children, parents)


def round_robin_by_depth(frame: pd.DataFrame, n: int, rng: np.random.Generator) -> list:
    """At most ``n`` index labels of ``frame`` (with a depth column), one per depth in turn
    (shallowest first), random within a depth: samples that cover every level of the tree."""
    by_depth = {d: list(rng.permutation(g.index.to_numpy())) for d, g in frame.groupby("depth")}
    chosen: list = []
    while len(chosen) < n and any(by_depth.values()):
        for d in sorted(by_depth):
            if by_depth[d] and len(chosen) < n:
                chosen.append(by_depth[d].pop())
    return chosen


def sample_synsets(synsets: pd.DataFrame, max_per_subtree: int | None, seed: int = 2009) -> list[str]:
    """The synsets a reduced-scale run covers: all, or at most ``max_per_subtree`` per subtree
    spread over depths, in hierarchy order. One choice for every notebook, so the synsets
    collected (01) are the ones cleaned (02)."""
    if max_per_subtree is None:
        return list(synsets.index)
    chosen: list[str] = []
    for name, sub in synsets.groupby("subtree", sort=False):
        picked = set(round_robin_by_depth(sub, max_per_subtree, rng(seed, "select", str(name))))
        chosen += [w for w in sub.index if w in picked]
    return chosen
