"""A simulated ESP game: two players label an image with words (paper Sec 2.1, Figs 3 and 6).

The ESP game [von Ahn & Dabbish 2004] shows one image to two players who type words until
they type the same one; that word becomes a label. The paper argues that (a) such labels
crowd at the *basic level* (Rosch & Lloyd: "bird", not "sparrow" nor "vertebrate") and (b)
a word is not a synset ("bank"), so a reader must guess its sense. Both follow here from
stated rules; nothing is fitted to the paper's figures.

**The basic-level rule** (testable, no free parameter). A synset's *word* is its most frequent
single-word lemma (a multi-word lemma only when it has no single-word one). A lemma's
frequency is the English word frequency of its word (``wordfreq``, Zipf scale) times the
share of this sense among the word's noun senses in WordNet's SemCor tag counts
(``lemma.count()``, add-one smoothed): "seal" is a frequent word, but its animal sense is a
small share of it. The **basic level** of a synset is the synset on its shortest path from
the subtree root (root and itself included) whose word has the highest frequency; ties go
to the more general synset. Rosch's basic-level names are the most frequent, earliest
learned names of a taxonomy: Siamese cat -> "cat", Eskimo dog -> "dog", house sparrow ->
"bird" (the paper's own example), cab -> "car".

**The players** (``ESPConfig``). For an image of true synset s each player types
``words_per_player`` words, each independently: the word of the basic level of s with
probability ``1 - p_subordinate - p_superordinate``; with ``p_subordinate`` the word of a
synset drawn uniformly from those between the basic level and s (s included); with
``p_superordinate`` the word of a synset drawn uniformly from those above the basic level
inside the subtree. Where a level has no synset, the player uses the basic word. The label
is the first word of player A that player B also typed; images without a match stay
unlabelled.

**Reading the labels back.** Words are not disambiguated: a reader maps a word to its most
frequent WordNet noun sense (``wordnet.synsets(word, "n")[0]``). A label is a
*disambiguation error* when that sense is not the synset the player meant ("seal" -> sealing
wax; "tiger" -> a fierce person). Counts of ESP labels per synset are counts of these
mapped senses, as an ESP-based dataset would have them.

The image pool is given as images per true synset (the simulated clean set, or ImageNet's
real per-node counts), so ESP and ImageNet are compared on the same images.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..errors import UserError
from ..hierarchy import Hierarchy
from ..rng import rng
from ..wordnet import synset as get_synset
from ..wordnet import wnid as get_wnid
from ..wordnet import wordnet

BASIC, SUBORDINATE, SUPERORDINATE = 0, 1, 2
LEVEL_NAMES = ("basic", "subordinate", "superordinate")


@dataclass(frozen=True)
class ESPConfig:
    """How the simulated players label (module docstring); defaults are guesses, not fits."""

    p_subordinate: float = 0.1
    p_superordinate: float = 0.1
    words_per_player: int = 3
    seed: int = 2009

    def __post_init__(self) -> None:
        if min(self.p_subordinate, self.p_superordinate) < 0 or \
                self.p_subordinate + self.p_superordinate > 1:
            raise UserError("ESP: p_subordinate and p_superordinate must be >= 0 and sum to <= 1, "
                            f"got {self.p_subordinate}, {self.p_superordinate}")
        if self.words_per_player < 1:
            raise UserError(f"ESP: words_per_player must be >= 1, got {self.words_per_player}")

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- words and the basic level

def _is_single_word(name: str) -> bool:
    return "_" not in name and "-" not in name and " " not in name


@lru_cache(maxsize=None)
def _noun_sense_total(word: str) -> int:
    return sum(lem.count() + 1 for lem in wordnet().lemmas(word, "n"))


@lru_cache(maxsize=None)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.replace("_", " "), "en")


def lemma_frequency(synset_name: str, lemma_name: str) -> float:
    """log10 frequency of a word used in this sense: Zipf(word) + log10(smoothed sense share)."""
    lem = next((x for x in get_synset(synset_name).lemmas() if x.name() == lemma_name), None)
    if lem is None:
        raise UserError(f"{lemma_name!r} is not a lemma of {synset_name}")
    total = _noun_sense_total(lemma_name) or 1
    return _zipf(lemma_name) + math.log10((lem.count() + 1) / total)


@lru_cache(maxsize=None)
def synset_word(wnid: str) -> tuple[str, float]:
    """The word a player types for a synset, and its frequency (see the module docstring)."""
    s = get_synset(wnid)
    lemmas = [x.name() for x in s.lemmas()]
    single = [n for n in lemmas if _is_single_word(n)]
    pool = single or lemmas
    scored = [(lemma_frequency(s.name(), n), -i, n) for i, n in enumerate(pool)]
    freq, _, name = max(scored)
    return name.replace("_", " ").lower(), freq  # players type lower case


def has_single_word(wnid: str) -> bool:
    return any(_is_single_word(x.name()) for x in get_synset(wnid).lemmas())


def basic_level(wnid: str, hierarchy: Hierarchy) -> str:
    """The basic-level synset of ``wnid``: the most frequent word on its root path."""
    path = hierarchy.path_from_root(wnid)
    candidates = [w for w in path if has_single_word(w)] or path[:1]
    # max by frequency; on a tie the earlier (more general) synset wins
    best = max(range(len(candidates)), key=lambda i: (synset_word(candidates[i])[1], -i))
    return candidates[best]


def basic_word(wnid: str, hierarchy: Hierarchy) -> str:
    return synset_word(basic_level(wnid, hierarchy))[0]


@lru_cache(maxsize=None)
def most_frequent_sense(word: str) -> str:
    """The wnid a reader of ESP data takes a word to mean: its first (most frequent) noun sense."""
    senses = wordnet().synsets(word.replace(" ", "_"), "n")
    return get_wnid(senses[0]) if senses else ""


# ---------------------------------------------------------------- the game

@dataclass
class ESPResult:
    """Agreed labels of a simulated ESP game, aggregated.

    ``labels``: one row per (true synset, meant synset, level, word) with the number of
    images so labelled; ``mapped`` is the most-frequent-sense wnid a reader gets, ``error``
    whether it differs from the meant synset, ``in_hierarchy`` whether it is one of the
    hierarchy's synsets. ``images``: images per true synset, ``unlabelled``: those without
    an agreed word.
    """

    labels: pd.DataFrame
    images: pd.Series
    unlabelled: pd.Series
    config: ESPConfig

    def counts(self, hierarchy: Hierarchy | None = None) -> pd.Series:
        """ESP labels per synset as a reader maps them (only synsets of the hierarchy)."""
        ok = self.labels[self.labels["in_hierarchy"]]
        out = ok.groupby("mapped", sort=True)["images"].sum().astype(np.int64)
        if hierarchy is not None:
            order = [w for w in hierarchy.synsets.index if w in out.index]
            out = out.reindex(order)
        out.index.name = "wnid"
        out.name = "labels"
        return out

    def summary(self) -> dict[str, float]:
        lab = self.labels
        n_img = int(self.images.sum())
        n_lab = int(lab["images"].sum())
        by_level = lab.groupby("level")["images"].sum()
        err = int(lab.loc[lab["error"], "images"].sum())
        out = int(lab.loc[~lab["in_hierarchy"], "images"].sum())
        return {
            "images": n_img,
            "labelled": n_lab,
            "share_labelled": n_lab / n_img if n_img else float("nan"),
            **{f"share_{name}": float(by_level.get(name, 0)) / n_lab if n_lab else float("nan")
               for name in LEVEL_NAMES},
            "disambiguation_errors": err,
            "share_disambiguation_errors": err / n_lab if n_lab else float("nan"),
            "mapped_outside_hierarchy": out,
        }

    def errors(self, top: int = 15) -> pd.DataFrame:
        """The words that a most-frequent-sense reading gets wrong most often."""
        e = self.labels[self.labels["error"]]
        g = (e.groupby(["word", "meant", "mapped"], sort=False)["images"].sum()
             .sort_values(ascending=False, kind="stable").head(top).reset_index())
        g["meant_name"] = [get_synset(w).name() for w in g["meant"]]
        g["mapped_name"] = [get_synset(w).name() if w else "" for w in g["mapped"]]
        return g[["word", "meant_name", "mapped_name", "images"]]


def simulate_esp(images: pd.Series, hierarchy: Hierarchy, config: ESPConfig = ESPConfig()) -> ESPResult:
    """Play the ESP game on ``images`` (true wnid -> number of images), one loop per synset.

    Each synset's draws come from a generator seeded by (config.seed, wnid), so adding a
    synset to the pool changes no other synset's labels.
    """
    images = images[images > 0].astype(np.int64)
    unknown = [w for w in images.index if w not in hierarchy]
    if unknown:
        raise UserError(f"ESP: {len(unknown)} synset(s) of the image pool are not in the hierarchy, "
                        f"e.g. {unknown[0]}")
    k = config.words_per_player
    p_sub, p_sup = config.p_subordinate, config.p_superordinate
    rows: list[tuple] = []
    unlabelled = {}
    for w, n in images.items():
        path = hierarchy.path_from_root(w)
        b = path.index(basic_level(w, hierarchy))
        n_sub, n_sup = len(path) - 1 - b, b
        gen = rng(config.seed, "esp-game", int(w[1:]))
        u_level = gen.random((2, n, k))
        u_pick = gen.random((2, n, k))
        level = np.where(u_level < p_sub, SUBORDINATE,
                         np.where(u_level < p_sub + p_sup, SUPERORDINATE, BASIC))
        if n_sub == 0:
            level[level == SUBORDINATE] = BASIC
        if n_sup == 0:
            level[level == SUPERORDINATE] = BASIC
        pos = np.full(level.shape, b, dtype=np.int64)
        sub = level == SUBORDINATE
        pos[sub] = b + 1 + np.minimum((u_pick[sub] * n_sub).astype(np.int64), n_sub - 1)
        sup = level == SUPERORDINATE
        pos[sup] = np.minimum((u_pick[sup] * n_sup).astype(np.int64), n_sup - 1)
        # players type words: two synsets on the path can share one (then they match)
        words = [synset_word(x)[0] for x in path]
        uniq = {word: i for i, word in enumerate(dict.fromkeys(words))}
        word_id = np.array([uniq[x] for x in words])[pos]  # [2, n, k]
        a, bb = word_id[0], word_id[1]
        match = (a[:, :, None] == bb[:, None, :]).any(axis=2)  # [n, k]
        agreed = match.any(axis=1)
        first = match.argmax(axis=1)
        idx = np.nonzero(agreed)[0]
        unlabelled[w] = int(n - idx.size)
        if idx.size == 0:
            continue
        chosen_pos = pos[0, idx, first[idx]]
        chosen_level = level[0, idx, first[idx]]
        key = chosen_pos * 3 + chosen_level
        vals, cnt = np.unique(key, return_counts=True)
        for v, c in zip(vals.tolist(), cnt.tolist()):
            p, lv = divmod(v, 3)
            meant = path[p]
            word = synset_word(meant)[0]
            rows.append((w, meant, LEVEL_NAMES[lv], word, c))
    labels = pd.DataFrame(rows, columns=["true", "meant", "level", "word", "images"])
    labels["mapped"] = [most_frequent_sense(x) for x in labels["word"]]
    labels["error"] = labels["mapped"] != labels["meant"]
    labels["in_hierarchy"] = [m in hierarchy for m in labels["mapped"]]
    labels = labels.groupby(["true", "meant", "level", "word", "mapped", "error", "in_hierarchy"],
                            sort=False, as_index=False)["images"].sum()
    labels["images"] = labels["images"].astype(np.int64)
    return ESPResult(labels=labels, images=images.rename("images"),
                     unlabelled=pd.Series(unlabelled, dtype=np.int64, name="unlabelled"),
                     config=config)


def basic_levels(hierarchy: Hierarchy, wnids: list[str] | None = None) -> pd.DataFrame:
    """The basic level of each synset (for tables and tests): wnid, name, basic wnid and word."""
    wnids = list(hierarchy.synsets.index) if wnids is None else wnids
    rows = []
    for w in wnids:
        b = basic_level(w, hierarchy)
        rows.append((w, hierarchy.synsets.at[w, "name"], b, hierarchy.synsets.at[b, "name"],
                     synset_word(b)[0], int(hierarchy.synsets.at[b, "depth"])))
    return pd.DataFrame(rows, columns=["wnid", "name", "basic_wnid", "basic_name", "basic_word",
                                       "basic_depth"]).set_index("wnid")


# ---------------------------------------------------------------- notebook 03: the image pools

def image_pools(hierarchy: Hierarchy, real: pd.Series, clean: pd.DataFrame,
                subtree: str = "mammal") -> dict[str, pd.Series]:
    """The images the ESP players label, per version: real fall-2011 counts per node and the
    simulated clean set per true synset, both limited to one subtree (ESP and ImageNet are
    compared on the same images)."""
    members = hierarchy.synsets.index[hierarchy.synsets["subtree"] == subtree]
    return {"real": real.reindex(members).dropna().astype(int),
            "simulated": clean[clean["true_wnid"].isin(set(members))].groupby("true_wnid").size()}


