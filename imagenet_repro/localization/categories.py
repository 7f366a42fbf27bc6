"""Which 22 categories Sec 4.3 localizes.

The paper names none but two: "22 categories from different depths" of the mammal and vehicle
subtrees, and Fig 12 shows "tusker" and "stealth aircraft". The rule here: half from each
subtree; each subtree's named category first (tusker.n.01 is a mammal, depth 2; stealth_aircraft.n.01
a vehicle, depth 4, both in WordNet 3.0), the rest round-robin over the depths of the subtree
below its root (shallowest first, random within a depth, seeded), so that every level is covered
as the paper says. The root itself is left out: "mammal" mixes every other category.
"""

from __future__ import annotations

from .. import paper
from ..errors import UserError
from ..hierarchy import Hierarchy, round_robin_by_depth
from ..rng import rng

FIG12_SYNSETS: dict[str, str] = {"tusker": "tusker.n.01", "stealth aircraft": "stealth_aircraft.n.01"}


def localization_categories(hierarchy: Hierarchy, n: int = paper.LOCALIZATION_CATEGORIES,
                            subtrees: tuple[str, ...] = paper.LOCALIZATION_SUBTREES,
                            seed: int = 2009) -> list[str]:
    """``n`` wnids split evenly over ``subtrees`` (the first takes the odd one), the Fig 12
    categories first, the others spread over depths; in hierarchy order within a subtree."""
    table = hierarchy.synsets
    missing = [s for s in subtrees if s not in set(table["subtree"])]
    if missing:
        raise UserError(f"the hierarchy lacks the subtree(s) {missing}: load it with {subtrees}")
    if n < len(subtrees):
        raise UserError(f"n = {n}: need at least one category per subtree")
    named = {table.index[table["name"] == name][0] for name in FIG12_SYNSETS.values()
             if (table["name"] == name).any()}
    chosen: list[str] = []
    for i, sub in enumerate(subtrees):
        k = n // len(subtrees) + (1 if i < n % len(subtrees) else 0)
        frame = table[(table["subtree"] == sub) & (table["depth"] > 1)]
        first = [w for w in frame.index if w in named][:k]
        rest = frame.drop(index=first)
        picked = set(first) | set(round_robin_by_depth(rest, k - len(first), rng(seed, "localization-categories", sub)))
        chosen += [w for w in frame.index if w in picked]
    return chosen
