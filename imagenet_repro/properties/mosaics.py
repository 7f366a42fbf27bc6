"""Fig 1: two root-to-leaf branches with random images per synset, and measured image sizes.

The paper's names (paper.FIG1_BRANCHES) resolved to WordNet 3.0 synsets: "husky" is
eskimo_dog.n.01 (Eskimo dog, husky; n02109961), the breed directly under working dog
(husky.n.01 sits under sled dog, which the paper's branch skips); "watercraft" is vessel.n.02
(vessel, watercraft; n04530566).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .. import paper
from ..errors import UserError
from ..hierarchy import Hierarchy
from ..rng import rng
from ..sources.simulated import render_many
from ..wordnet import synset as get_synset
from ..wordnet import wnid as get_wnid

# paper name -> WordNet 3.0 synset, branch by branch, in the paper's order
FIG1_SYNSETS: dict[str, tuple[str, ...]] = {
    "mammal": ("mammal.n.01", "placental.n.01", "carnivore.n.01", "canine.n.02", "dog.n.01",
               "working_dog.n.01", "eskimo_dog.n.01"),
    "vehicle": ("vehicle.n.01", "craft.n.02", "vessel.n.02", "sailing_vessel.n.01", "sailboat.n.01",
                "trimaran.n.01"),
}


@dataclass
class BranchItem:
    """One synset of a Fig 1 branch: its images (H x W x 3 uint8) and where they came from."""

    label: str  # the paper's name
    wnid: str
    images: list = field(default_factory=list)
    available: int = 0  # usable images the synset has (decodable, or passing the header check)
    shown: pd.DataFrame = field(default_factory=pd.DataFrame)  # the rows (ids) shown
    from_subtree: bool = False  # the synset had none of its own: images of its descendants


def fig1_branches(hierarchy: Hierarchy | None = None) -> dict[str, list[tuple[str, str]]]:
    """The two branches of Fig 1 as (paper name, wnid), checked to be parent -> child chains."""
    out: dict[str, list[tuple[str, str]]] = {}
    for branch, names in paper.FIG1_BRANCHES.items():
        chain = list(zip(names, FIG1_SYNSETS[branch], strict=True))
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


def sample_images(images: pd.DataFrame, wnids: Iterable[str], n: int = paper.FIG1_IMAGES_PER_SYNSET, seed: int = 2009,
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
        take = rng(seed, int(w[1:])).choice(len(g), size=min(n, len(g)), replace=False)
        parts.append(g.iloc[np.sort(take)])
    if not parts:
        return images.iloc[:0]
    return pd.concat(parts)


def branch_images_from_clean(world, clean: pd.DataFrame, branches: dict[str, list[tuple[str, str]]],
                             n: int = paper.FIG1_IMAGES_PER_SYNSET,
                             seed: int = 2009, from_subtree: bool = False) -> dict[str, list[BranchItem]]:
    """Fig 1 from the simulated clean set: ``n`` random accepted images per synset, rendered.

    ``available`` is the synset's clean images; ``shown`` the sampled clean-set rows. With
    ``from_subtree``, a synset without clean images of its own shows those of its descendants
    (marked ``from_subtree``).
    """
    wnids = [w for chain in branches.values() for _, w in chain]
    own = set(clean["wnid"])
    below = {}
    if from_subtree:
        for w in wnids:
            if w not in own and w in world.hierarchy:
                desc = set(world.hierarchy.descendants(w, include_self=False)) & own
                if desc:
                    below[w] = desc
        if below:  # the descendants' rows, relabelled with the synset they stand in for
            extra = pd.concat([clean[clean["wnid"].isin(d)].assign(wnid=w) for w, d in below.items()])
            clean = pd.concat([clean, extra], ignore_index=True)
    picked = sample_images(clean, wnids, n=n, seed=seed)
    sizes = clean.groupby("wnid").size()
    by = {w: g for w, g in picked.groupby("wnid", sort=False)}
    keys = list(zip(picked["true_wnid"], picked["web_image_id"], picked["variant"]))
    rendered = dict(zip(keys, (r.image for r in render_many(world, keys, desc="rendering Fig 1"))))
    out: dict[str, list[BranchItem]] = {}
    for branch, chain in branches.items():
        items = []
        for label, w in chain:
            g = by.get(w, picked.iloc[:0])
            imgs = [rendered[k] for k in zip(g["true_wnid"], g["web_image_id"], g["variant"])]
            items.append(BranchItem(label, w, imgs, int(sizes.get(w, 0)), g, w in below))
        out[branch] = items
    return out


def branch_images_from_source(source, branches: dict[str, list[tuple[str, str]]], n: int = paper.FIG1_IMAGES_PER_SYNSET,
                              seed: int = 2009, hierarchy: Hierarchy | None = None,
                              from_subtree: bool = False) -> dict[str, list[BranchItem]]:
    """Fig 1 from real photos (an ImageNet-layout folder, ``sources.ImageNetFolder``): ``n``
    random decodable images per synset; broken files are skipped (``source.skipped``) and not
    counted. With ``from_subtree`` (and the ``hierarchy``), a synset without images of its own
    shows images of its descendants, marked ``from_subtree``."""
    from ..sources import ImageSkipped

    if from_subtree and hierarchy is None:
        raise UserError("from_subtree needs the hierarchy (to find the synset's descendants)")
    have = set(source.synsets())
    out: dict[str, list[BranchItem]] = {}
    for branch, chain in branches.items():
        items = []
        for label, w in chain:
            ids = [i for i, _ in source.images(w)] if w in have else []
            below = False
            if not ids and from_subtree:
                ids = [i for d in hierarchy.descendants(w, include_self=False) if d in have
                       for i, _ in source.images(d)]
                below = bool(ids)
            imgs, shown = [], []
            for k in rng(seed, int(w[1:])).permutation(len(ids)):
                if len(imgs) >= n:
                    break
                try:
                    imgs.append(source.load(ids[k]))
                    shown.append(ids[k])
                except ImageSkipped:
                    continue
            broken = {str(s.path) for s in source.skipped}
            usable = sum(str(source.path(i)) not in broken for i in ids)
            items.append(BranchItem(label, w, imgs, usable, pd.DataFrame({"wnid": w, "image_id": shown}), below))
        out[branch] = items
    return out


def image_sizes(branch_items: dict[str, list[BranchItem]]) -> np.ndarray:
    """(width, height) of every image shown in a Fig 1 set, for Table 1's FullRes."""
    sizes = [(im.shape[1], im.shape[0]) for items in branch_items.values() for it in items
             for im in it.images]
    return np.array(sizes, dtype=np.int64).reshape(-1, 2)


def rendered_sizes(world, clean: pd.DataFrame, n: int = 100, seed: int = 2009) -> np.ndarray:
    """(width, height) of ``n`` clean images drawn at random from the whole clean set, rendered."""
    take = np.sort(rng(seed, "fullres").choice(len(clean), size=min(n, len(clean)), replace=False))
    rows = clean.iloc[take]
    keys = list(zip(rows["true_wnid"], rows["web_image_id"], rows["variant"]))
    size_of = getattr(world, "render_size", None)  # the size without the pixels, when the world can
    if size_of is not None:
        out = [tuple(size_of(str(t), int(i), int(v))) for t, i, v in keys]
    else:
        out = [(r.image.shape[1], r.image.shape[0]) for r in render_many(world, keys, desc="rendering for image sizes")]
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def fig1_real_images(out, root: Path | str, branches: dict[str, list[tuple[str, str]]], n: int = paper.FIG1_IMAGES_PER_SYNSET,
                     seed: int = 2009, hierarchy: Hierarchy | None = None,
                     from_subtree: bool = False) -> tuple[dict[str, list[BranchItem]], list]:
    """Fig 1 from real photos in an ImageNet-layout folder; the images shown, and the files
    skipped as undecodable, are written as tables. Returns (branch items, skipped files)."""
    from ..sources import ImageNetFolder

    src = ImageNetFolder(root)
    items = branch_images_from_source(src, branches, n=n, seed=seed, hierarchy=hierarchy, from_subtree=from_subtree)
    out.table(pd.concat([it.shown for chain in items.values() for it in chain]), "fig1_images_real",
              index=False)
    if src.skipped:
        out.table(src.skipped_frame(), "fig1_skipped_files", index=False)
    return items, list(src.skipped)
