"""The simulated web and its image search engines: which results a query returns.

A query for a synset goes to every engine. What an engine returns is a mixture of
*components*, each a pool of web images:

- one component per WordNet noun sense of the query word ("bank" returns river banks and
  banks); a sense in the hierarchy draws from that synset's pool (an inner synset's pool
  shows its descendants too), a sense outside it shows no synset of the hierarchy;
- one component per related synset (the parent and the siblings of the queried synset),
  whose pages mention the query word now and then;
- one junk component: pages that mention the word without showing it.

A component's *matched* size in an engine is pool size x share of the query's language x
the fraction of the pool's pages the query text matches x the engine's coverage. The engine
returns min(cap, total matched) results, apportioned to the components by matched size x a
relevance boost (engines rank pages that show the word above pages that only mention it),
and picks the images of a component by popularity (Zipf over the pool), distinct within one
result list. The same popular images come back from other queries and engines: exact
duplicates; a result may be an altered copy of its web image (variant > 0): near duplicates.

All randomness is counter-based (``rng.uniform``: a 64-bit hash of the seed and stable ids), so
the results of one (query, engine) do not depend on the other queries in the list or on their
order, and everything is vectorised per synset. This module holds the pieces (engines, the
Query type the world takes as input, how a query is parsed into senses, pool sampling);
``World._search`` in model.py runs them for one synset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import UserError
from ..rng import gumbel, text_key, uniform
from ..wordnet import wordnet

# Tags keep the hash streams of different quantities apart.
TAG_LATENT, TAG_AVAIL, TAG_IMAGE, TAG_DIVERS, TAG_JUNK = 11, 12, 13, 14, 15
TAG_ROUND, TAG_DRAW, TAG_DENSE, TAG_RANK, TAG_VARIANT = 21, 22, 23, 24, 25
TAG_MIXTURE, TAG_COPIES, TAG_DIFF = 31, 32, 33

# --------------------------------------------------------------------------------------
# Web image ids: pool code (WordNet offset, or a junk code) | language | index in the pool
# --------------------------------------------------------------------------------------
LANG_SHIFT, POOL_SHIFT = 30, 33
MAX_POOL = (1 << LANG_SHIFT) - 1
JUNK_POOL_BASE = 1 << 27  # WordNet 3.0 noun offsets are below 2**27

# The languages of web pages (WorldConfig.language_shares follows this order; a page language is
# part of every web image id, so the order is fixed).
PAGE_LANGUAGES = ("en", "zh", "es", "it", "nl", "other")
LANGUAGE_ALIASES = {
    "en": "en", "eng": "en", "english": "en",
    "zh": "zh", "cmn": "zh", "zho": "zh", "chinese": "zh", "zh-cn": "zh", "zh_cn": "zh",
    "es": "es", "spa": "es", "spanish": "es",
    "it": "it", "ita": "it", "italian": "it",
    "nl": "nl", "nld": "nl", "dut": "nl", "dutch": "nl",
}


def language_code(language: str | None) -> int:
    if language is None:
        return PAGE_LANGUAGES.index("other")
    return PAGE_LANGUAGES.index(LANGUAGE_ALIASES.get(str(language).strip().lower(), "other"))


def image_id(pool_code: np.ndarray, lang: np.ndarray, j: np.ndarray) -> np.ndarray:
    return ((np.asarray(pool_code, np.int64) << POOL_SHIFT)
            | (np.asarray(lang, np.int64) << LANG_SHIFT) | np.asarray(j, np.int64))


def junk_pool_code(word: str, lang: int) -> int:
    return JUNK_POOL_BASE + (text_key(f"{lang}:{word}") & (JUNK_POOL_BASE - 1))


# --------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EngineSpec:
    """One image search engine.

    cap: most results it lets one query retrieve; coverage: fraction of the web's matching
    images it has indexed; relevance: how strongly its ranking prefers images that show the
    query word over pages that only mention it (1 = no preference).
    """

    name: str
    cap: int
    coverage: float
    relevance: float


# Assumptions (2008-era engines): caps between a few hundred and a thousand (paper, Sec 3.1),
# different index sizes and ranking quality. Names are neutral on purpose.
DEFAULT_ENGINES: tuple[EngineSpec, ...] = (
    EngineSpec("engine_a", cap=1000, coverage=0.6, relevance=3.0),
    EngineSpec("engine_b", cap=1000, coverage=0.5, relevance=2.5),
    EngineSpec("engine_c", cap=600, coverage=0.35, relevance=2.0),
    EngineSpec("engine_d", cap=300, coverage=0.2, relevance=1.5),
)

# --------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------
QueryKind = Literal["synonym", "expansion", "translation"]
QUERY_KINDS: tuple[str, ...] = ("synonym", "expansion", "translation")


@dataclass(frozen=True)
class Query:
    """One search query, the world's input: its text, page language and kind.

    ``kind`` "expansion" marks a query expanded with a parent's word ("whippet dog"): the world
    then searches the head word's senses restricted by the context word. ``source_lemma`` and
    ``resource`` record where a query came from (collect.queries fills them).
    """

    text: str
    language: str = "en"
    kind: QueryKind = "synonym"
    source_lemma: str = ""
    resource: str = "WordNet 3.0"

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise UserError(f"a query must have non-empty text, got {self.text!r}")
        object.__setattr__(self, "text", self.text.strip())
        object.__setattr__(self, "language", PAGE_LANGUAGES[language_code(self.language)])
        if self.kind not in QUERY_KINDS:
            raise UserError(f"query kind must be one of {', '.join(QUERY_KINDS)}, got {self.kind!r}")

    @property
    def expanded(self) -> bool:
        return self.kind == "expansion"


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")


def as_query(q: Query | str | tuple) -> Query:
    """A Query, or a plain string / (text, language) tuple for quick use (a synonym query;
    language "zh" when the text is Chinese, else "en")."""
    if isinstance(q, Query):
        return q
    if isinstance(q, str):
        text, lang = q, None
    elif isinstance(q, tuple) and 1 <= len(q) <= 2:
        text, lang = q[0], (q[1] if len(q) > 1 else None)
    else:
        raise UserError(f"a query is a Query, a string or a (text, language) tuple, got {q!r}")
    if not isinstance(text, str) or not text.strip():
        raise UserError(f"a query must have non-empty text, got {q!r}")
    text = text.strip()
    if lang is None:
        lang = "zh" if _CJK.search(text) else "en"
    return Query(text=text, language=PAGE_LANGUAGES[language_code(lang)])


@dataclass(frozen=True)
class ParsedQuery:
    """Senses and match rates of one query for one target synset."""

    text: str
    lang: int
    head: str                       # the word whose senses and junk pool are searched
    sense_offsets: tuple[int, ...]  # WordNet noun offsets of its senses
    sense_rates: tuple[float, ...]  # fraction of each sense's pages the query matches
    related_rate: float
    junk_rate: float
    expanded: bool


@lru_cache(maxsize=200_000)
def noun_sense_offsets(word: str) -> tuple[int, ...]:
    """Offsets of the WordNet noun synsets a word names (with nltk's morphology)."""
    key = word.strip().lower().replace(" ", "_")
    if not key:
        return ()
    return tuple(s.offset() for s in wordnet().synsets(key, pos="n"))


@lru_cache(maxsize=200_000)
def hypernym_words(offset: int) -> frozenset[str]:
    """Every lemma of every hypernym above a synset (for 'whippet dog': is dog above it?)."""
    s = wordnet().synset_from_pos_and_offset("n", offset)
    above = s.closure(lambda x: x.hypernyms() + x.instance_hypernyms())
    return frozenset(n.lower() for a in above for n in a.lemma_names())


def parse_query(q: Query, target_offset: int, cfg: Any) -> ParsedQuery:
    """Which senses a query reaches and at which rates (see module docstring)."""
    lang = language_code(q.language)
    norm = " ".join(q.text.lower().replace("_", " ").split())
    on, off = cfg.expansion_on_topic_rate, cfg.expansion_off_topic_rate
    if lang == 0:
        senses = noun_sense_offsets(norm) if not q.expanded else ()
        if senses:
            return ParsedQuery(q.text, lang, norm, senses, (1.0,) * len(senses),
                               cfg.related_mention_rate, 1.0, False)
        words = norm.split()
        for k in range(len(words) - 1, 0, -1):  # longest head that names a noun
            head, context = " ".join(words[:k]), "_".join(words[k:])
            senses = noun_sense_offsets(head)
            if senses:
                rates = tuple(on if (context in hypernym_words(o) or o == target_offset) else off
                              for o in senses)
                if target_offset not in senses:
                    senses, rates = senses + (target_offset,), rates + (on,)
                return ParsedQuery(q.text, lang, head, senses, rates,
                                   cfg.related_mention_rate * on, off, True)
    # A translation (no sense inventory for it here) or an unknown string: it reaches the
    # target synset; its ambiguity is folded into its junk pool.
    if q.expanded:
        return ParsedQuery(q.text, lang, norm, (target_offset,), (on,),
                           cfg.related_mention_rate * on, off, True)
    return ParsedQuery(q.text, lang, norm, (target_offset,), (1.0,),
                       cfg.related_mention_rate, 1.0, False)


# --------------------------------------------------------------------------------------
# Sampling images from pools
# --------------------------------------------------------------------------------------
def zipf_index(u: np.ndarray, n: np.ndarray, alpha: float) -> np.ndarray:
    """Inverse CDF of a (continuous) Zipf law (x+1)^-alpha on [0, n): index 0 most popular."""
    n = n.astype(np.float64)
    if abs(alpha - 1.0) < 1e-9:
        x = np.expm1(u * np.log1p(n))
    else:
        b = 1.0 - alpha
        x = np.power(1.0 + u * (np.power(n + 1.0, b) - 1.0), 1.0 / b) - 1.0
    return np.minimum(np.floor(x).astype(np.int64), n.astype(np.int64) - 1)


def first_occurrences(values: np.ndarray) -> np.ndarray:
    """Sorted positions of the first occurrence of each distinct value (what
    ``np.unique(values, return_index=True)[1]`` gives, sorted), by hashing instead of sorting."""
    codes, _ = pd.factorize(values, sort=False)  # numbered by first appearance
    if codes.size == 0:
        return codes.astype(np.int64)
    seen = np.maximum.accumulate(codes)
    return np.flatnonzero(np.r_[True, codes[1:] > seen[:-1]])


def group_rank(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal (sorted) group values."""
    if groups.size == 0:
        return groups.astype(np.int64)
    start = np.r_[0, np.flatnonzero(groups[1:] != groups[:-1]) + 1]
    lengths = np.diff(np.r_[start, groups.size])
    return np.arange(groups.size) - np.repeat(start, lengths)


def sample_pools(keys: np.ndarray, sizes: np.ndarray, need: np.ndarray, alpha: float,
                 max_rounds: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """For each component c, ``need[c]`` distinct indices in [0, sizes[c]), by popularity.

    Returns (component, index) arrays, grouped by component in the order drawn. Small pools
    (need >= half the pool) are enumerated and ranked with Gumbel noise on the Zipf log
    weights; large ones are drawn with replacement in rounds until enough distinct.
    """
    need = np.minimum(need, sizes).astype(np.int64)
    active = np.flatnonzero(need > 0)
    dense = active[2 * need[active] >= sizes[active]]
    sparse = active[2 * need[active] < sizes[active]]
    out_c, out_j = [], []
    if dense.size:
        c = np.repeat(dense, sizes[dense])
        j = np.arange(c.size) - np.repeat(np.cumsum(sizes[dense]) - sizes[dense], sizes[dense])
        score = -alpha * np.log1p(j) + gumbel(keys[c], j, TAG_DENSE)
        order = np.lexsort((-score, c))
        c, j = c[order], j[order]
        keep = group_rank(c) < need[c]
        out_c.append(c[keep])
        out_j.append(j[keep])
    if sparse.size:
        sel_c = np.empty(0, np.int64)
        sel_j = np.empty(0, np.int64)
        pending = sparse
        have = np.zeros_like(need)
        for rnd in range(max_rounds):
            missing = need[pending] - have[pending]
            k = np.ceil(missing * (1.5 * 2 ** rnd)).astype(np.int64) + 8
            c = np.repeat(pending, k)
            d = np.arange(c.size) - np.repeat(np.cumsum(k) - k, k)
            j = zipf_index(uniform(keys[c], rnd, d, TAG_DRAW), sizes[c], alpha)
            # previously selected first, then new draws in order; keep first occurrences
            all_c = np.concatenate([sel_c, c])
            all_j = np.concatenate([sel_j, j])
            first = first_occurrences(all_c * (1 << 31) + all_j)
            all_c, all_j = all_c[first], all_j[first]
            order = np.argsort(all_c, kind="stable")
            all_c, all_j = all_c[order], all_j[order]
            keep = group_rank(all_c) < need[all_c]
            sel_c, sel_j = all_c[keep], all_j[keep]
            have = np.bincount(sel_c, minlength=need.size)
            pending = sparse[have[sparse] < need[sparse]]
            if pending.size == 0:
                break
        out_c.append(sel_c)
        out_j.append(sel_j)
    if not out_c:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    c = np.concatenate(out_c)
    j = np.concatenate(out_j)
    order = np.argsort(c, kind="stable")
    return c[order], j[order]


def apportion(request: np.ndarray, weight: np.ndarray, matched: np.ndarray, total: np.ndarray,
              u: np.ndarray, iterations: int = 8) -> np.ndarray:
    """Split each request's ``total`` over its components by weight, none above ``matched``.

    Water-filling (components that hit their matched size give their share to the others),
    then stochastic rounding with the uniforms ``u``.
    """
    n_req = total.size
    alloc = np.zeros_like(matched)
    free = matched > 0
    for _ in range(iterations):
        w = np.where(free, weight, 0.0)
        wsum = np.bincount(request, weights=w, minlength=n_req)
        left = total - np.bincount(request, weights=np.where(free, 0.0, alloc), minlength=n_req)
        share = np.divide(left[request] * w, wsum[request], out=np.zeros_like(w),
                          where=wsum[request] > 0)
        over = free & (share >= matched)
        alloc = np.where(free, np.minimum(share, matched), alloc)
        if not over.any():
            break
        free = free & ~over
    return np.minimum(np.floor(alloc + u), np.floor(matched)).astype(np.int64)


# --------------------------------------------------------------------------------------
# One synset's raw search results
# --------------------------------------------------------------------------------------
SOURCES = ("sense", "other_sense", "related", "junk")


def n_unique_pairs(a: np.ndarray, b: np.ndarray) -> int:
    """Distinct (a, b) pairs, without packing them into one integer."""
    if a.size == 0:
        return 0
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    return int(1 + np.count_nonzero((a[1:] != a[:-1]) | (b[1:] != b[:-1])))


def summarise(arrays: dict[str, np.ndarray]) -> dict[str, float]:
    """Counts of one synset's raw results: rows, unique images, duplicates, positives."""
    wid, var, pos = arrays["web_image_id"], arrays["variant"], arrays["is_positive"]
    raw = int(wid.size)
    first = first_occurrences(wid)
    if raw and wid.min() >= 0 and wid.max() < (1 << 61) and var.min() >= 0 and var.max() < 4:
        # (id, variant) packed into one int64 (ids use 61 bits), counted by hashing
        uniq_pairs = first_occurrences(wid | (var.astype(np.int64) << np.int64(61))).size
    else:
        uniq_pairs = n_unique_pairs(wid, var)
    unique = int(first.size)
    positives_unique = int(pos[first].sum()) if raw else 0
    return {
        "queries": len(arrays["queries"]),
        "raw": raw,
        "unique": unique,
        "exact_duplicates": raw - uniq_pairs,
        "near_duplicates": uniq_pairs - unique,
        "positives_raw": int(pos.sum()),
        "positives_unique": positives_unique,
        "raw_precision": float(pos.mean()) if raw else float("nan"),
        "unique_precision": positives_unique / unique if unique else float("nan"),
        "junk_share": float((arrays["source"] == 3).mean()) if raw else float("nan"),
    }


def summarise_counts(arrays: dict[str, np.ndarray]) -> dict[str, float]:
    """The counts of ``summarise`` that need no duplicate counting (raw results, positives,
    raw precision, junk share): all a sensitivity study of the raw precision reads."""
    pos = arrays["is_positive"]
    raw = int(pos.size)
    return {
        "queries": len(arrays["queries"]),
        "raw": raw,
        "positives_raw": int(pos.sum()),
        "raw_precision": float(pos.mean()) if raw else float("nan"),
        "junk_share": float((arrays["source"] == 3).mean()) if raw else float("nan"),
    }


def lemma_queries(wnid: str) -> list[Query]:
    """The synset's WordNet synonyms as plain queries (for tests and benchmarks of the world;
    the paper's queries, with expansions and translations, are collect.queries.queries_for)."""
    from ..wordnet import synset

    return [Query(name.replace("_", " "), "en") for name in synset(wnid).lemma_names()]

