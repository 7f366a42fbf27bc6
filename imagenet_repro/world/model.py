"""The simulated world, statistical level: what the 2008 web held for each synset.

Why: the paper's candidate collection (Sec 3.1) ran on live image search engines; offline,
a seeded generative world stands in for them. It states its assumptions and nothing else:
no outcome of an experiment (precision of raw results, candidates per synset, dataset
precision) is written into it; those come out of the methods running on its data.

Assumptions (each a field of WorldConfig, defaults in brackets):

1. Appearance. Each synset has a latent vector (LATENT_DIM = 64): a root's is N(0, I); a
   synset's is the mean of its parents' plus N(0, decay**(2 (depth - 1)) I) [decay 0.85],
   so noise shrinks with depth and deep siblings look alike (Siamese vs Burmese cat).
   Subtree roots are independent.
2. Web availability. A synset's images on the web (all languages) are lognormal [median
   8,000, sigma 1.8], times (1 + hyponyms) ** generality [0.25]: general words have more
   pictures. Heavy-tailed: a few synsets have almost none. Any WordNet noun has one (the
   other senses of a query word need theirs), keyed by its offset.
3. Mixture. An inner synset's web images show the synset itself with probability
   inner_self_share [0.35], else one of its descendants, chosen by their availability; a
   leaf's images show the leaf. The truth of an image is fixed (a hash of its id).
4. Imageability in [0, 1]: Beta(8, 2); halved [non_visual_penalty 0.5] when the first
   words of the gloss define the synset by age, sex or maturity ("two-year-old horse",
   "mature female of ..."), which a picture cannot show. It raises the difficulty of the
   images (workers then fail to agree).
5. Diversity in [0, 1]: Beta(4, 4) on the logit scale shifted by
   diversity_generality * log(1 + hyponyms) [0.3]: an inner synset mixes its descendants.
6. Languages of the pages: en .55, zh .10, es .06, it .03, nl .02, other .24 (assumed
   2008 web shares). A query reaches the images whose page is in its language.
7. Search (see web.py): a query word returns every WordNet noun sense it names, the parent
   and siblings of the queried synset on related_mention_rate [5%] of their pages, and junk
   (pages mentioning the word without showing it): lognormal per word [median 40,000 x
   language share, sigma 1.0]. An expanded query ("whippet dog") matches on-topic pages at
   expansion_on_topic_rate [35%] and off-topic pages (junk, senses not under "dog") at
   expansion_off_topic_rate [3%]. Engines (web.DEFAULT_ENGINES): caps 1000/1000/600/300,
   coverage .6/.5/.35/.2, relevance boost 3/2.5/2/1.5. Images are picked by popularity,
   Zipf with exponent popularity_alpha [0.6].
8. Copies: copied_share [30%] of web images have 1..max_copies [3] altered copies; a
   result is the original or one of its copies with equal chance.
9. Difficulty of an image: logit-normal around base + diversity and (1 - imageability) of
   its true synset [0.15 + 0.3 d + 0.4 (1 - i), logit sd 0.8]; junk around 0.15.

Outcomes, not inputs: the raw precision of a query follows from (2), (7) and the engines:
within one language, junk pages outnumber a median synset's pictures about 5 to 1 and the
engines' ranking boosts on-topic pictures 1.5-3x; rare and polysemous words come out worse.
The number of candidates follows from the queries, the caps and the popularity overlap.
None of these was adjusted to reach the paper's numbers (Sec 3.1: ~10% precision, >10K
candidates per synset after duplicate removal); benchmarks/collect_statistical.py prints them.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.special import betaincinv, expit, logit
from tqdm import tqdm  # text bars: they stream to the terminal under run_all.sh

from ..errors import UserError
from ..hierarchy import SUBTREE_ROOTS, Hierarchy, load_hierarchy
from ..rng import gumbel, mix, normal, text_key, uniform
from ..wordnet import wordnet
from . import web
from .web import (
    DEFAULT_ENGINES,
    MAX_POOL,
    PAGE_LANGUAGES,
    SOURCES,
    TAG_AVAIL,
    TAG_COPIES,
    TAG_DIFF,
    TAG_DIVERS,
    TAG_IMAGE,
    TAG_JUNK,
    TAG_LATENT,
    TAG_MIXTURE,
    TAG_RANK,
    TAG_ROUND,
    TAG_VARIANT,
    EngineSpec,
    Query,
    apportion,
    as_query,
    first_occurrences,
    group_rank,
    image_id,
    junk_pool_code,
    parse_query,
    sample_pools,
)

QueryFunction = Callable[[str], Sequence[Query]]
# How per-synset work is spread: parallel.parallel_map's signature (fn, items, desc=...,
# progress=...). The world layer imports no machinery, so collect.simulated_web hands it in;
# without one, a plain loop in this process.
Mapper = Callable[..., list]
# Fewer synsets (times the web's size) than this are searched here: starting worker processes
# and building the world in each takes ~10 s, more than a small job costs.
PARALLEL_MIN_SYNSETS = 250

if TYPE_CHECKING:  # pragma: no cover
    from .render import RenderJob

LATENT_DIM = 64
JUNK_RENDER_INDEX = 0  # the "synset" part of a junk image's render key
# The body plan the renderer draws a synset with (render.BODY_PLANS), by subtree; in the
# vehicle subtree by WordNet ancestry, the first of VEHICLE_PLANS whose synset is an ancestor
# (or the synset itself) wins: craft that fly are aircraft, craft on water are watercraft,
# every other vehicle (wheeled, tracked, sled, military ...) a land vehicle.
SUBTREE_PLANS: dict[str, str] = {
    "mammal": "animal", "bird": "animal", "fish": "animal", "reptile": "animal", "amphibian": "animal",
    "vehicle": "land_vehicle", "furniture": "furniture", "musical instrument": "instrument",
    "geological formation": "landform", "tool": "tool", "flower": "flower", "fruit": "fruit",
}
VEHICLE_PLANS: tuple[tuple[str, str], ...] = (
    ("aircraft.n.01", "aircraft"), ("spacecraft.n.01", "aircraft"), ("rocket.n.01", "aircraft"),
    ("vessel.n.02", "watercraft"), ("landing_craft.n.01", "watercraft"), ("hovercraft.n.01", "watercraft"),
)
_NON_VISUAL = re.compile(r"\b(?:young|yearling|year|years|adult|mature|juvenile|female|male|"
                         r"castrated|unweaned|pregnant|newborn|infant|old)\b")


@dataclass(frozen=True)
class WorldConfig:
    """Every generative assumption of the statistical world (see the module docstring)."""

    seed: int = 2009
    latent_decay: float = 0.85
    availability_median: float = 8000.0
    availability_sigma: float = 1.8
    availability_generality: float = 0.25
    inner_self_share: float = 0.35
    imageability_beta: tuple[float, float] = (8.0, 2.0)
    non_visual_penalty: float = 0.5
    diversity_beta: tuple[float, float] = (4.0, 4.0)
    diversity_generality: float = 0.3
    language_shares: tuple[float, ...] = (0.55, 0.10, 0.06, 0.03, 0.02, 0.24)
    engines: tuple[EngineSpec, ...] = DEFAULT_ENGINES
    related_mention_rate: float = 0.05
    expansion_on_topic_rate: float = 0.35
    expansion_off_topic_rate: float = 0.03
    junk_median: float = 40000.0
    junk_sigma: float = 1.0
    popularity_alpha: float = 0.6
    copied_share: float = 0.3
    max_copies: int = 3
    difficulty_base: float = 0.15
    difficulty_diversity: float = 0.3
    difficulty_imageability: float = 0.4
    difficulty_sigma: float = 0.8
    junk_difficulty: float = 0.15

    def __post_init__(self) -> None:
        if len(self.language_shares) != len(PAGE_LANGUAGES):
            raise UserError(f"language_shares needs {len(PAGE_LANGUAGES)} values ({', '.join(PAGE_LANGUAGES)})")
        if not self.engines:
            raise UserError("the world needs at least one search engine")
        for e in self.engines:
            if e.cap < 1 or not 0 < e.coverage <= 1 or e.relevance <= 0:
                raise UserError(f"engine {e.name!r}: cap >= 1, 0 < coverage <= 1, relevance > 0")
        for name in ("inner_self_share", "related_mention_rate", "expansion_on_topic_rate",
                     "expansion_off_topic_rate", "copied_share", "non_visual_penalty"):
            if not 0 <= getattr(self, name) <= 1:
                raise UserError(f"WorldConfig.{name} must be in [0, 1], got {getattr(self, name)}")
        if not 0 <= self.popularity_alpha < 5:
            raise UserError("WorldConfig.popularity_alpha must be in [0, 5)")

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for notebook parameters and cache keys."""
        return dataclasses.asdict(self)


# Fields read only when a query is searched (web.py, junk_size, _difficulty), never when the
# world is built: a world with other values of these needs no rebuild (World.with_search_config).
SEARCH_FIELDS = frozenset({
    "language_shares", "engines", "related_mention_rate", "expansion_on_topic_rate",
    "expansion_off_topic_rate", "junk_median", "junk_sigma", "popularity_alpha", "copied_share",
    "max_copies", "difficulty_base", "difficulty_diversity", "difficulty_imageability",
    "difficulty_sigma", "junk_difficulty",
})


def _beta(u: np.ndarray, ab: tuple[float, float]) -> np.ndarray:
    return betaincinv(ab[0], ab[1], u)


class World:
    """The seeded simulated world over a hierarchy: latents, availability, search results.

    Cheap to build; every per-synset quantity is a hash of (seed, WordNet offset), so a
    synset gets the same values in any hierarchy that holds its ancestors. The world takes
    queries as input: ``queries`` maps a wnid to the queries searched for it when a call gives
    none (the paper's queries come from collect.queries; collect.simulated_web builds such a
    world). A world without one asks for explicit queries.
    """

    def __init__(self, hierarchy: Hierarchy | None = None, config: WorldConfig | None = None,
                 queries: QueryFunction | None = None, mapper: Mapper | None = None):
        self._hierarchy_key: tuple[bool, tuple[str, ...] | None] | None = (True, None) if hierarchy is None else None
        self.hierarchy = hierarchy if hierarchy is not None else load_hierarchy()
        self.config = config if config is not None else WorldConfig()
        self.queries = queries
        self.mapper = mapper
        cfg, h = self.config, self.hierarchy
        table = h.synsets
        n = len(table)
        wnids = list(table.index)
        self._row = {w: i for i, w in enumerate(wnids)}
        self._offsets = np.array([int(w[1:]) for w in wnids], np.int64)
        self._offset_row = {int(o): i for i, o in enumerate(self._offsets)}
        self._desc = h.descendant_matrix()
        n_hypo = self._desc.sum(axis=1) - 1
        depth = table["depth"].to_numpy()
        seed = cfg.seed
        off = self._offsets

        # 1. latent appearance, parents before children (a parent is always taller)
        z = normal(seed, off[:, None], TAG_LATENT, np.arange(LATENT_DIM)[None, :])
        latent = np.zeros((n, LATENT_DIM))
        parents = [[self._row[p] for p in h.parents[w]] for w in wnids]
        for i in np.argsort(-table["height"].to_numpy(), kind="stable"):
            ps = parents[i]
            base = latent[ps].mean(axis=0) if ps else 0.0
            latent[i] = base + cfg.latent_decay ** (depth[i] - 1) * z[i]
        self.latent = latent.astype(np.float32)
        norm = np.linalg.norm(self.latent, axis=1, keepdims=True)
        self._unit = self.latent / np.maximum(norm, 1e-12)

        # 2-5. availability, mixture, imageability, diversity
        self._availability = self._availability_from(off, n_hypo)
        self._build_mixture()
        gloss_cue = np.array([bool(_NON_VISUAL.search(" ".join(g.split()[:6])))
                              for g in table["gloss"]])
        imageability = _beta(uniform(seed, off, TAG_IMAGE), cfg.imageability_beta)
        imageability = np.where(gloss_cue, imageability * cfg.non_visual_penalty, imageability)
        diversity = expit(logit(_beta(uniform(seed, off, TAG_DIVERS), cfg.diversity_beta))
                          + cfg.diversity_generality * np.log1p(n_hypo))
        self._imageability = imageability
        self._diversity = diversity

        wn = wordnet()
        n_senses = np.array([len(wn.synsets(wn.synset_from_pos_and_offset("n", int(o)).lemma_names()[0],
                                            pos="n")) for o in off], np.int16)
        self.synsets = pd.DataFrame({
            "name": table["name"], "lemma": table["lemma"], "subtree": table["subtree"],
            "depth": table["depth"], "height": table["height"], "is_leaf": table["is_leaf"],
            "availability": self._availability,
            "imageability": imageability,
            "diversity": diversity,
            "confusability": self._confusability(),
            "n_senses": n_senses,
            "non_visual_gloss": gloss_cue,
            "index": np.arange(n, dtype=np.int64),
        }, index=table.index)

    # ---------------------------------------------------------------- per-synset properties
    def _availability_from(self, offsets: np.ndarray, n_hypo: np.ndarray) -> np.ndarray:
        cfg = self.config
        z = normal(cfg.seed, offsets, TAG_AVAIL)
        return (cfg.availability_median * np.power(1.0 + n_hypo, cfg.availability_generality)
                * np.exp(cfg.availability_sigma * z))

    def availability_of(self, offset: int) -> float:
        """Expected web images of any WordNet noun synset (all languages, amount 1)."""
        row = self._offset_row.get(int(offset))
        if row is not None:
            return float(self._availability[row])
        return float(self._availability_from(np.array([offset], np.int64),
                                             np.array([_wordnet_hyponym_count(int(offset))]))[0])

    def junk_size(self, word: str, lang: int) -> float:
        """Pages in one language that mention a word without showing it (amount 1)."""
        cfg = self.config
        z = float(normal(cfg.seed, text_key(word), TAG_JUNK))
        return cfg.junk_median * cfg.language_shares[lang] * float(np.exp(cfg.junk_sigma * z))

    def _build_mixture(self) -> None:
        """Flat cumulative tables: which synset an image of pool i shows."""
        cfg = self.config
        members, cums, starts = [], [], [0]
        for i in range(len(self._offsets)):
            d = np.flatnonzero(self._desc[i])
            others = d[d != i]
            if others.size == 0:
                m, w = np.array([i]), np.array([1.0])
            else:
                a = self._availability[others]
                m = np.r_[i, others]
                w = np.r_[cfg.inner_self_share, (1 - cfg.inner_self_share) * a / a.sum()]
            c = np.cumsum(w)
            c[-1] = 1.0
            members.append(m)
            cums.append(i + c)
            starts.append(starts[-1] + m.size)
        self._mix_members = np.concatenate(members).astype(np.int64)
        self._mix_cum = np.concatenate(cums)
        self._mix_end = np.array(starts[1:], np.int64)

    def _mixture_draw(self, pool_rows: np.ndarray, u: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self._mix_cum, pool_rows + u, side="right")
        pos = np.minimum(pos, self._mix_end[pool_rows] - 1)
        return self._mix_members[pos]

    def _confusability(self, chunk: int = 512) -> np.ndarray:
        """Cosine similarity to the most similar synset that is neither ancestor nor descendant."""
        n = len(self._unit)
        out = np.full(n, np.nan, np.float32)
        for a in range(0, n, chunk):
            sim = self._unit[a:a + chunk] @ self._unit.T
            related = self._desc[a:a + chunk] | self._desc[:, a:a + chunk].T
            sim[related] = -np.inf
            best = sim.max(axis=1)
            out[a:a + chunk] = np.where(np.isfinite(best), best, np.nan)
        return out

    def _related(self, s: int) -> np.ndarray:
        """Parents and siblings of a synset (not itself, not its descendants)."""
        w = self.synsets.index[s]
        rel = set()
        for p in self.hierarchy.parents[w]:
            rel.add(self._row[p])
            rel.update(self._row[c] for c in self.hierarchy.children[p])
        rel.discard(s)
        rows = np.array(sorted(rel), np.int64)
        return rows[~self._desc[s, rows]] if rows.size else rows

    def _is_descendant(self, s: int, true: np.ndarray) -> np.ndarray:
        out = np.zeros(true.size, bool)
        m = true >= 0
        out[m] = self._desc[s, true[m]]
        return out

    def _similarity_to(self, s: int, true: np.ndarray) -> np.ndarray:
        sims = self._unit @ self._unit[s]
        return np.where(true >= 0, sims[np.maximum(true, 0)], 0.0).astype(np.float32)

    def _difficulty(self, true: np.ndarray, wid: np.ndarray) -> np.ndarray:
        cfg = self.config
        t = np.maximum(true, 0)
        mean = np.where(true >= 0,
                        cfg.difficulty_base + cfg.difficulty_diversity * self._diversity[t]
                        + cfg.difficulty_imageability * (1 - self._imageability[t]),
                        cfg.junk_difficulty)
        mean = np.clip(mean, 0.02, 0.98)
        return expit(logit(mean) + cfg.difficulty_sigma * normal(cfg.seed, wid, TAG_DIFF)).astype(np.float32)

    # ---------------------------------------------------------------- rebuilding in a worker
    def spec(self) -> "WorldSpec | None":
        """How another process rebuilds this world (``world_from_spec``), or None when it cannot:
        its hierarchy did not come from ``load_hierarchy`` or its query function is not a
        module-level function. A parallel worker then builds the world once and keeps it,
        instead of unpickling its arrays with every chunk of synsets."""
        if self._hierarchy_key is None:
            names = tuple(self.hierarchy.subtree_names)
            keys: list[tuple[str, ...] | None] = [names] + ([None] if set(names) == set(SUBTREE_ROOTS) else [])
            found = [k for k in keys if load_hierarchy(k) is self.hierarchy]
            self._hierarchy_key = (bool(found), found[0] if found else None)
        ok, subtrees = self._hierarchy_key
        q = self.queries
        module_level = q is None or (getattr(q, "__qualname__", None) == getattr(q, "__name__", "")
                                     and "<" not in getattr(q, "__qualname__", "<"))
        return WorldSpec(subtrees, self.config, q) if ok and module_level else None

    def __copy__(self) -> "World":
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        return other

    # ---------------------------------------------------------------- public API
    def with_search_config(self, **changes: Any) -> "World":
        """This world with other search assumptions (SEARCH_FIELDS), for sensitivity studies.

        Cheap: latents, availability and the synset table are shared, not rebuilt; with no
        change the copy returns exactly the same results. A field that shapes the world
        itself (seed, availability, latents, ...) needs a new World and is refused.
        """
        bad = sorted(set(changes) - SEARCH_FIELDS)
        if bad:
            raise UserError(f"with_search_config changes search assumptions only ({', '.join(sorted(SEARCH_FIELDS))}); "
                            f"{', '.join(bad)} shape(s) the world itself: build a new World(config=...)")
        other = copy.copy(self)
        other.config = dataclasses.replace(self.config, **changes)
        return other

    def similarity(self, a_wnids: str | Sequence[str], b_wnids: str | Sequence[str]) -> np.ndarray:
        """Cosine similarities of latents, [len(a), len(b)]; a str drops its axis."""
        ia = self._rows(a_wnids)
        ib = self._rows(b_wnids)
        sim = self._unit[np.atleast_1d(ia)] @ self._unit[np.atleast_1d(ib)].T
        if np.ndim(ia) == 0:
            sim = sim[0]
        if np.ndim(ib) == 0:
            sim = sim[..., 0]
        return sim

    def _rows(self, wnids: str | Sequence[str]) -> int | np.ndarray:
        if isinstance(wnids, str):
            return self._row[self.hierarchy.check(wnids)]
        return np.array([self._row[self.hierarchy.check(w)] for w in wnids], np.int64)

    def queries_of(self, wnid: str) -> list[Query]:
        """The queries this world searches for a synset when a call gives none."""
        if self.queries is None:
            raise UserError("this World was built without a query function: pass queries=... to the call, "
                            "or build it with collect.simulated_web(hierarchy) (the paper's queries)")
        return [as_query(q) for q in self.queries(wnid)]

    def _arrays(self, wnid: str, queries: Iterable[Query | str] | None, amount: float,
                full: bool, variants: bool = True) -> dict[str, Any]:
        self.hierarchy.check(wnid)
        if not np.isfinite(amount) or amount <= 0:
            raise UserError(f"amount must be a positive number, got {amount!r}")
        qs = self.queries_of(wnid) if queries is None else [as_query(q) for q in queries]
        return self._search(wnid, qs, float(amount), full=full, variants=variants)

    def candidates(self, wnid: str, queries: Iterable[Any] | None = None,
                   amount: float = 1.0) -> pd.DataFrame:
        """Raw search results for one synset, one row per result: candidate_id, wnid, query,
        engine, rank, web_image_id, variant, true_wnid ("" for junk), is_positive, similarity,
        difficulty, language, source (see the module docstring and web.py)."""
        a = self._arrays(wnid, queries, amount, full=True)
        return self._frame(wnid, a)

    def deduped_candidates(self, wnid: str, queries: Iterable[Any] | None = None,
                           amount: float = 1.0) -> pd.DataFrame:
        """``dedup(candidates(...))`` without building the rows dedup drops: the same frame."""
        a = self._arrays(wnid, queries, amount, full=True)
        return self._frame(wnid, a, keep=first_occurrences(a["web_image_id"]))

    def _frame(self, wnid: str, a: dict[str, Any], keep: np.ndarray | None = None) -> pd.DataFrame:
        """The candidates frame of _search's arrays; ``keep`` (sorted row positions) keeps only
        those rows, with the codes and categories of the whole frame (as a row selection would)."""
        n = a["web_image_id"].size
        s_off = int(wnid[1:])
        texts = [q.text for q in a["queries"]]
        cats = list(dict.fromkeys(texts))
        qcode = np.array([cats.index(t) for t in texts], np.int32)[a["query"]] if n else np.empty(0, np.int32)
        true = a["true"]
        uniq = np.sort(pd.unique(true))  # np.unique(true, return_inverse=True), by hashing
        inv = np.searchsorted(uniq, true)
        true_cats = [("" if t < 0 else self.synsets.index[t]) for t in uniq]
        if "" not in true_cats:
            true_cats, inv = [""] + true_cats, inv + 1
        ids = (np.int64(s_off) << np.int64(32)) + np.arange(n, dtype=np.int64)
        pick = (lambda x: x) if keep is None else (lambda x: x[keep])  # noqa: E731
        m = n if keep is None else len(keep)
        return pd.DataFrame({
            "candidate_id": pick(ids),
            "wnid": pd.Categorical.from_codes(np.zeros(m, np.int8), categories=[wnid]),
            "query": pd.Categorical.from_codes(pick(qcode), categories=cats),
            "engine": pd.Categorical.from_codes(pick(a["engine"]),
                                                categories=[e.name for e in self.config.engines]),
            "rank": pick(a["rank"]) + np.int32(1),
            "web_image_id": pick(a["web_image_id"]),
            "variant": pick(a["variant"]),
            "true_wnid": pd.Categorical.from_codes(pick(inv.astype(np.int32)), categories=true_cats),
            "is_positive": pick(a["is_positive"]),
            "similarity": pick(a["similarity"]),
            "difficulty": pick(a["difficulty"]),
            "language": pd.Categorical.from_codes(pick(a["language"]), categories=list(PAGE_LANGUAGES)),
            "source": pd.Categorical.from_codes(pick(a["source"]), categories=list(SOURCES)),
        })

    def _search(self, wnid: str, queries: Sequence[Query], amount: float,
                full: bool = True, variants: bool = True) -> dict[str, Any]:
        """Raw results of every (query, engine) for one synset, as arrays sorted by
        (query, engine, rank). ``full`` adds similarity and difficulty (the summary skips them);
        ``variants=False`` skips which copy a result is (counter-based draws: nothing else changes).
        """
        cfg = self.config
        seed = cfg.seed
        s = self._row[wnid]
        s_off = int(self._offsets[s])
        engines = cfg.engines
        n_eng = len(engines)
        caps = np.array([max(1, int(round(e.cap * amount))) for e in engines], np.int64)
        cov = np.array([e.coverage for e in engines])
        rel = np.array([e.relevance for e in engines])
        shares = np.asarray(cfg.language_shares, np.float64)
        related = self._related(s)

        qlist = [as_query(q) for q in queries]
        # component table (per query; engines broadcast below)
        comp_q, comp_pool, comp_lang, comp_hidx, comp_size, comp_rate, comp_src = ([] for _ in range(7))
        for qi, q in enumerate(qlist):
            p = parse_query(q, s_off, cfg)
            share = shares[p.lang]
            for off, rate in zip(p.sense_offsets, p.sense_rates):
                h = self._offset_row.get(off, -1)
                avail = self.availability_of(off) if h < 0 else self._availability[h]
                comp_q.append(qi); comp_pool.append(off); comp_lang.append(p.lang)
                comp_hidx.append(h); comp_size.append(avail * share); comp_rate.append(rate)
                comp_src.append(0 if off == s_off else 1)
            for r in related:
                comp_q.append(qi); comp_pool.append(int(self._offsets[r])); comp_lang.append(p.lang)
                comp_hidx.append(int(r)); comp_size.append(self._availability[r] * share)
                comp_rate.append(p.related_rate); comp_src.append(2)
            comp_q.append(qi); comp_pool.append(junk_pool_code(p.head, p.lang)); comp_lang.append(p.lang)
            comp_hidx.append(-1); comp_size.append(self.junk_size(p.head, p.lang))
            comp_rate.append(p.junk_rate); comp_src.append(3)
        qkeys = np.array([text_key(f"{q.language}:{q.text}") for q in qlist], np.int64)

        n_comp = len(comp_q)
        E = np.tile(np.arange(n_eng), n_comp)
        rep = lambda a, dt: np.repeat(np.asarray(a, dtype=dt), n_eng)  # noqa: E731
        cq, cpool, clang, chidx = rep(comp_q, np.int64), rep(comp_pool, np.int64), rep(comp_lang, np.int64), rep(comp_hidx, np.int64)
        csize = np.minimum(np.floor(rep(comp_size, np.float64) * amount), MAX_POOL).astype(np.int64)
        csrc = rep(comp_src, np.int8)
        matched = csize * rep(comp_rate, np.float64) * cov[E]
        boost = np.where(csrc <= 1, rel[E], np.where(csrc == 2, np.sqrt(rel[E]), 1.0))
        request = cq * n_eng + E
        n_req = len(qlist) * n_eng
        total = np.minimum(caps[np.arange(n_req) % n_eng].astype(np.float64),
                           np.bincount(request, weights=matched, minlength=n_req))
        ckey = mix(seed, s_off, qkeys[cq], E, cpool, clang)
        need = apportion(request, matched * boost, matched, total, uniform(ckey, TAG_ROUND))

        c, j = sample_pools(ckey, csize, need, cfg.popularity_alpha)
        req = request[c]
        wid = image_id(cpool[c], clang[c], j)
        # rank inside each (query, engine): relevance boost plus noise; drop any rounding excess
        score = np.log(boost[c]) + gumbel(ckey[c], j, TAG_RANK)
        # np.lexsort((-score, req)) as two stable sorts (the same permutation, faster)
        order = np.argsort(-score, kind="stable")
        order = order[np.argsort(req[order].astype(np.int32 if n_req >= (1 << 15) else np.int16), kind="stable")]
        c, j, req, wid = c[order], j[order], req[order], wid[order]
        rank = group_rank(req)
        keep = rank < caps[req % n_eng]
        c, j, req, wid, rank = c[keep], j[keep], req[keep], wid[keep], rank[keep]

        # the true synset of each image (inner pools are mixtures of their descendants)
        h = chidx[c]
        true = np.full(c.size, -1, np.int64)
        inpool = h >= 0
        if inpool.any():
            true[inpool] = self._mixture_draw(h[inpool], uniform(seed, wid[inpool], TAG_MIXTURE))
        out = {
            "query": (req // n_eng).astype(np.int32),
            "engine": (req % n_eng).astype(np.int8),
            "rank": rank.astype(np.int32),
            "web_image_id": wid,
        }
        if variants:
            # altered copies: an image has 0-3 copies on the web; a result is the original or a copy
            ncopy = np.where(uniform(seed, wid, TAG_COPIES) < cfg.copied_share,
                             1 + np.floor(uniform(seed, wid, TAG_COPIES, 1) * cfg.max_copies), 0)
            out["variant"] = np.floor(uniform(ckey[c], j, TAG_VARIANT) * (ncopy + 1)).astype(np.int16)
        out.update({
            "true": true.astype(np.int32),
            "is_positive": self._is_descendant(s, true),
            "language": clang[c].astype(np.int8),
            "source": csrc[c],
        })
        if full:
            out["similarity"] = self._similarity_to(s, true)
            out["difficulty"] = self._difficulty(true, wid)
        out["queries"] = qlist
        return out

    @staticmethod
    def dedup(candidates: pd.DataFrame) -> pd.DataFrame:
        """One row per (synset, web image): the first by candidate_id (known truth)."""
        missing = {"candidate_id", "wnid", "web_image_id"} - set(candidates.columns)
        if missing:
            raise UserError(f"dedup needs the columns {sorted(missing)}")
        ids = candidates["candidate_id"]
        ordered = candidates if ids.is_monotonic_increasing else candidates.sort_values("candidate_id", kind="stable")
        if ordered["wnid"].nunique(dropna=False) <= 1:  # one synset: first row of each web image
            keep = np.zeros(len(ordered), bool)
            keep[first_occurrences(ordered["web_image_id"].to_numpy())] = True
        else:
            keep = (~ordered.duplicated(subset=["wnid", "web_image_id"], keep="first")).to_numpy()
        return ordered[keep].reset_index(drop=True)

    def collect_summary(self, wnids: Iterable[str],
                        queries_for: Callable[[str], Sequence[Any]] | None = None,
                        amount: float = 1.0, progress: bool = True,
                        counts_only: bool = False) -> pd.DataFrame:
        """Per-synset counts of the raw collection, one synset at a time (never all rows).
        ``counts_only``: no duplicate counting (web.summarise_counts), for sensitivity studies."""
        wnids = [self.hierarchy.check(w) for w in wnids]
        big = len(wnids) * min(amount, 1.0) >= PARALLEL_MIN_SYNSETS  # else not worth starting workers
        spec = self.spec() if self.mapper is not None and big else None
        items = []
        for w in wnids:
            qs = queries_for(w) if queries_for is not None else None
            if spec is not None and qs is None:
                qs = self.queries_of(w)  # here, once: a worker need not look translations up
            items.append((self if spec is None else spec, w, qs, amount, counts_only))
        if spec is None:
            rows = [_summary_row(x) for x in tqdm(items, desc="collecting candidates", disable=not progress)]
        else:
            rows = self.mapper(_summary_row, items, desc="collecting candidates", progress=progress)
        out = pd.DataFrame(rows).set_index("wnid")
        out.insert(0, "subtree", self.synsets.loc[out.index, "subtree"])
        out.insert(1, "depth", self.synsets.loc[out.index, "depth"])
        out["availability"] = self.synsets.loc[out.index, "availability"]
        return out

    def body_plan(self, wnid: str) -> str:
        """The renderer's body plan of a synset (SUBTREE_PLANS, VEHICLE_PLANS): from its subtree
        and, for vehicles, its WordNet ancestry inside the hierarchy."""
        row = self.synsets.loc[self.hierarchy.check(wnid)]
        plan = SUBTREE_PLANS[row["subtree"]]
        if row["subtree"] == "vehicle":
            names = set(self.synsets.loc[self.hierarchy.ancestors(wnid), "name"])
            for name, vehicle_plan in VEHICLE_PLANS:
                if name in names:
                    return vehicle_plan
        return plan

    def render_job(self, true_wnid: str, web_image_id: int, variant: int = 0, style: str = "web",
                   size: tuple[int, int] | None = None) -> "RenderJob":
        """What rendering one web image (or an altered copy) needs, small and picklable, so a
        parallel map can render it anywhere (render.render_job). Key: (seed, WordNet offset of
        the true synset, web image id, variant); the offset rather than a row number keeps
        renders the same in any hierarchy."""
        from .render import RenderJob

        seed, wid = self.config.seed, int(web_image_id)
        if true_wnid == "":
            return RenderJob(None, 0.0, (seed, JUNK_RENDER_INDEX, wid), int(variant), style, size, None)
        i = self._row[self.hierarchy.check(true_wnid)]
        return RenderJob(self.latent[i], float(self._diversity[i]), (seed, int(self._offsets[i]), wid),
                         int(variant), style, size, self.body_plan(true_wnid))

    def render_size(self, true_wnid: str, web_image_id: int, variant: int = 0) -> tuple[int, int]:
        """(width, height) of ``render(true_wnid, web_image_id, variant)`` at its default size,
        without rendering (Table 1's image sizes need only these)."""
        from .render import rendered_size

        if true_wnid == "":
            synset_key = JUNK_RENDER_INDEX
        else:
            synset_key = int(self._offsets[self._row[self.hierarchy.check(true_wnid)]])
        seed, wid = self.config.seed, int(web_image_id)
        return rendered_size((seed, synset_key, wid, 0), int(variant), (seed, synset_key, wid, int(variant)))

    def render(self, true_wnid: str, web_image_id: int, variant: int = 0, style: str = "web",
               size: tuple[int, int] | None = None):
        """Pixels of one web image (or an altered copy), rendered on demand via render.py."""
        from .render import render_job

        return render_job(self.render_job(true_wnid, web_image_id, variant, style, size))


@dataclass(frozen=True)
class WorldSpec:
    """What rebuilds a World in another process: the subtrees given to load_hierarchy (None:
    all 12), the configuration and the (module-level) query function."""

    subtrees: tuple[str, ...] | None
    config: WorldConfig
    queries: QueryFunction | None = None


@lru_cache(maxsize=2)
def _built_world(subtrees: tuple[str, ...] | None, config: WorldConfig,
                 queries: QueryFunction | None) -> World:
    return World(load_hierarchy(subtrees), config, queries)


def world_from_spec(spec: WorldSpec) -> World:
    """The world a spec describes, built once per process (search assumptions, SEARCH_FIELDS,
    are applied to a shallow copy: they need no rebuild)."""
    defaults = WorldConfig()
    build = dataclasses.replace(spec.config, **{f: getattr(defaults, f) for f in SEARCH_FIELDS})
    world = _built_world(spec.subtrees, build, spec.queries)
    changes = {f: getattr(spec.config, f) for f in SEARCH_FIELDS if getattr(spec.config, f) != getattr(build, f)}
    return world.with_search_config(**changes) if changes else world


def as_world(world: "World | WorldSpec") -> "World":
    """A world, or the world a spec rebuilds (in a parallel worker)."""
    return world_from_spec(world) if isinstance(world, WorldSpec) else world


def _summary_row(item: tuple) -> dict[str, Any]:
    """One synset's collect_summary row (module-level and pure: for the parallel map)."""
    world, wnid, queries, amount, counts_only = item
    a = as_world(world)._arrays(wnid, queries, amount, full=False, variants=not counts_only)
    return {"wnid": wnid, **(web.summarise_counts(a) if counts_only else web.summarise(a))}


@lru_cache(maxsize=100_000)
def _wordnet_hyponym_count(offset: int) -> int:
    s = wordnet().synset_from_pos_and_offset("n", offset)
    return sum(1 for _ in s.closure(lambda x: x.hyponyms()))
