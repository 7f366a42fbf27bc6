"""Notebook 01's tables and claims about the candidate collection (paper Sec 3.1).

Why a module: the notebook only calls these, so every number it shows (queries per synset,
raw precision per query and engine, candidates per subtree, the claims) is computed by code
with tests. Queries are real (collect.queries); everything about search results comes from
the simulated world and is labelled SIMULATED in its claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np
import pandas as pd

from .. import paper
from ..errors import UserError
from ..hierarchy import Hierarchy, sample_synsets
from ..results import mean_interval
from ..rng import rng
from . import queries as Q

if TYPE_CHECKING:  # pragma: no cover
    from ..results import ResultWriter
    from ..world import World



MIN_SYNSETS = 30  # a per-synset mean compared with the paper's needs at least this many synsets


# ---------------------------------------------------------------- which synsets

def named_wnids(names: Sequence[str]) -> list[str]:
    """wnids of synsets given by name ("whippet.n.01") or wnid, in the given order."""
    from ..wordnet import synset, wnid

    return [wnid(synset(n)) for n in names]


def collection_synsets(hierarchy: Hierarchy, max_per_subtree: int | None,
                       extra: Iterable[str] = (), seed: int = 2009) -> list[str]:
    """The synsets of the statistical collection: the scale's sample (hierarchy.sample_synsets,
    the same synsets notebook 02 cleans), then any ``extra`` ones the hierarchy holds."""
    wnids = sample_synsets(hierarchy.synsets, max_per_subtree, seed)
    return list(dict.fromkeys(wnids + [w for w in extra if w in hierarchy]))


# ---------------------------------------------------------------- queries (real)

def named_queries_frame(named: Sequence[str], hierarchy: Hierarchy) -> pd.DataFrame:
    """queries_frame of the named synsets with their synset name as second column."""
    q = Q.queries_frame(named)
    q.insert(1, "synset", [hierarchy.synsets.loc[w, "name"] for w in q["wnid"]])
    return q


def queries_overview(named_queries: pd.DataFrame) -> pd.DataFrame:
    """One row per (language, kind), one column per synset, queries joined by "; "."""
    return (named_queries.groupby(["synset", "language", "kind"], sort=False)["text"]
            .agg(lambda t: "; ".join(t)).unstack(["language", "kind"]).T.fillna("")
            .rename(index=lambda lang: Q.LANGUAGE_NAMES.get(lang, lang), level=0))


def expansion_texts(wnid: str) -> list[str]:
    """The English queries the parent-gloss expansion adds to a synset, sorted."""
    return sorted(q.text for q in Q.queries_for(wnid, languages=["en"]) if q.kind == "expansion")


@dataclass(frozen=True)
class QueryCounts:
    """Queries over many synsets: per (language, kind) per synset, and per synset."""

    per_kind: pd.Series       # (language, kind) -> queries per synset
    per_synset: pd.Series     # wnid -> number of queries (0 when none)
    n_queries: int
    expansion_share: float    # share of synsets with at least one expansion

    def describe(self) -> str:
        n = len(self.per_synset)
        return (f"{self.n_queries:,} queries for {n:,} synsets: {self.per_synset.mean():.2f} per synset "
                f"(median {self.per_synset.median():.0f}); synsets with an expansion: "
                f"{self.expansion_share:.1%}")


def query_counts(all_queries: pd.DataFrame, wnids: Sequence[str]) -> QueryCounts:
    """Count a queries_frame over ``wnids`` (synsets without a query count as 0)."""
    wnids = pd.Index(wnids)
    if len(wnids) == 0:
        raise UserError("query_counts needs at least one wnid")
    per_kind = (all_queries.groupby(["language", "kind"]).size() / len(wnids)).rename("queries per synset")
    per_synset = all_queries.groupby("wnid").size().reindex(wnids, fill_value=0)
    expanded = all_queries.loc[all_queries["kind"] == "expansion", "wnid"].nunique()
    return QueryCounts(per_kind, per_synset, len(all_queries), expanded / len(wnids))


def record_query_claims(out: "ResultWriter", expanded: Sequence[str], counts: QueryCounts) -> None:
    """Claims: whippet's expansion (paper: "whippet dog; whippet greyhound") and queries per synset."""
    out.claim("collect.whippet_expansion", 'queries added to "whippet" by the parent-gloss expansion',
              "Sec 3.1", paper=paper.WHIPPET_EXPANSION, reproduced="; ".join(expanded),
              mode="real", direction="==")
    out.claim("collect.queries_per_synset", "queries per synset (synonyms + expansions + translations)",
              "Sec 3.1", paper=None, reproduced=round(float(counts.per_synset.mean()), 2), unit="queries",
              mode="real", direction="info")


def record_translation_resources(out: "ResultWriter", coverage: pd.DataFrame) -> None:
    """Which translation resources this run found (manifest and report): without one, that
    language's queries are missing from the whole collection."""
    for lang, r in coverage.iterrows():
        detail = str(r["resource"]) + ("" if r["available"] else f": {r['note']}; {r['name']} queries are missing")
        out.resource(f"translations.{lang}", bool(r["available"]), detail)


def record_coverage_claims(out: "ResultWriter", coverage: pd.DataFrame) -> None:
    """One info claim per translation language: share of synsets with a translation."""
    for lang, r in coverage.iterrows():
        out.claim(f"collect.translation_coverage.{lang}",
                  f"share of the 5,247 synsets with a {r['name']} translation ({r['resource']})",
                  "Sec 3.1", paper=None, reproduced=round(float(r["share"]), 4), unit="share",
                  mode="real", direction="info",
                  note="" if r["available"] else f"not covered: {r['note']}")


def record_mapping_claim(out: "ResultWriter", check: dict[str, float]) -> None:
    """Info claim: share of WordNet 1.6 hypernym links the 1.6 -> 3.0 mapping preserves."""
    out.claim("collect.wn16_mapping_consistency", "WordNet 1.6 -> 3.0 mapping: hypernym links preserved",
              "Sec 3.1 (translations)", paper=None, reproduced=round(float(check["consistent"]), 4),
              unit="share", mode="real", direction="info")


# ---------------------------------------------------------------- raw results (SIMULATED)

def results_by_query(candidates: pd.DataFrame, named_queries: pd.DataFrame) -> pd.DataFrame:
    """Raw results and precision per query text, with the query's language and kind."""
    kind = named_queries.drop_duplicates("text").set_index("text")["kind"]
    return (candidates.groupby("query", observed=True)
            .agg(results=("is_positive", "size"), precision=("is_positive", "mean"),
                 language=("language", "first"))
            .assign(kind=lambda d: d.index.map(kind)))


def results_by_engine(candidates: pd.DataFrame) -> pd.DataFrame:
    """Raw results and precision per search engine."""
    return candidates.groupby("engine", observed=True).agg(results=("is_positive", "size"),
                                                           precision=("is_positive", "mean"))


@dataclass(frozen=True)
class ContactSheet:
    """A random sample of one synset's raw results, ready for figures.candidate_contact_sheet."""

    rows: pd.DataFrame
    correct: list[bool]
    captions: list[str]
    title: str


def contact_sheet(world: "World", wnid: str, candidates: pd.DataFrame, seed: int,
                  stream: int = 1, n: int = 24) -> ContactSheet:
    """``n`` raw results drawn without replacement (seeded by (seed, stream)), in result order;
    captions say the query and what the image truly shows ("junk": no synset)."""
    c = candidates
    if len(c) == 0:
        raise UserError(f"{wnid}: no raw results to show")
    sheet = c.iloc[np.sort(rng(seed, stream).choice(len(c), min(n, len(c)), replace=False))]

    def name(w: str) -> str:
        return "junk" if w == "" else world.synsets.loc[w, "lemma"]

    captions = [f'"{r.query}"\n-> {name(str(r.true_wnid))}'[:48] for r in sheet.itertuples()]
    lemma = world.synsets.loc[wnid, "lemma"]
    title = (f'Random raw results for "{lemma}" ({c.is_positive.mean():.0%} correct; '
             "query -> what the image shows)")
    return ContactSheet(sheet, sheet["is_positive"].tolist(), captions, title)


# ---------------------------------------------------------------- per-synset collection (SIMULATED)

def summary_by_subtree(summary: pd.DataFrame) -> pd.DataFrame:
    """Means per subtree of a World.collect_summary frame (subtrees in first-seen order)."""
    return summary.groupby("subtree", sort=False).agg(
        synsets=("raw", "size"), raw=("raw", "mean"), candidates_after_dedup=("unique", "mean"),
        exact_duplicates=("exact_duplicates", "mean"), near_duplicates=("near_duplicates", "mean"),
        raw_precision=("raw_precision", "mean"))


@dataclass(frozen=True)
class CollectionNumbers:
    """The headline numbers of a collect_summary frame."""

    synsets: int
    mean_unique: float       # candidates per synset after dedup (mean)
    median_unique: float
    mean_precision: float    # raw precision, mean over synsets
    precision_interval: list[float]  # its 95% interval over synsets
    pooled_precision: float  # raw precision over all results
    duplicate_share: float   # share of raw results removed as duplicates

    def describe(self) -> str:
        return (f"{self.synsets:,} synsets: {self.mean_unique:,.0f} candidates per synset after dedup "
                f"on average (median {self.median_unique:,.0f}); raw precision mean "
                f"{self.mean_precision:.1%}, pooled {self.pooled_precision:.1%}")


def collection_numbers(summary: pd.DataFrame) -> CollectionNumbers:
    """Means, medians and pooled shares of a World.collect_summary frame."""
    if len(summary) == 0:
        raise UserError("collection_numbers needs a non-empty collect_summary frame")
    return CollectionNumbers(
        synsets=len(summary),
        mean_unique=float(summary["unique"].mean()),
        median_unique=float(summary["unique"].median()),
        mean_precision=float(summary["raw_precision"].mean()),
        precision_interval=mean_interval(summary["raw_precision"]),
        pooled_precision=float(summary["positives_raw"].sum() / summary["raw"].sum()),
        duplicate_share=float(1 - summary["unique"].sum() / summary["raw"].sum()),
    )


def record_collection_claims(out: "ResultWriter", numbers: CollectionNumbers, amount: float) -> None:
    """Claims: candidates after dedup (paper >= 10K), raw precision (paper ~10%), duplicate share."""
    out.claim("collect.candidates_after_dedup", "candidates per synset after intra-synset duplicate removal (mean)",
              "Sec 3.1", paper=paper.CANDIDATES_PER_SYNSET, reproduced=round(numbers.mean_unique), unit="images",
              mode="simulated", direction=">=", note=f"{numbers.synsets} synsets, amount={amount}",
              n=numbers.synsets, min_n=MIN_SYNSETS)
    out.claim("collect.raw_precision", "precision of raw image search results (mean over synsets)",
              "Sec 3.1 (quoting [24])", paper=paper.RAW_PRECISION, reproduced=round(numbers.mean_precision, 4),
              unit="share", mode="simulated", direction="approx", tolerance=0.05,
              note=f'paper: "around 10%"; pooled over all results {numbers.pooled_precision:.3f}',
              n=numbers.synsets, interval=numbers.precision_interval)
    out.claim("collect.duplicate_share", "share of raw results removed as duplicates (exact + near)",
              "Sec 3.1", paper=None, reproduced=round(numbers.duplicate_share, 4),
              unit="share", mode="simulated", direction="info")
