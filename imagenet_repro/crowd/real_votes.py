"""The paper's cleaning method (Sec 3.2) on real human votes.

Two real sources: the ReaL re-annotation of the ILSVRC-2012 validation set (85 raters, 184,962
questions, 5 votes each; 78 raters on each of 1,135 golden questions; 5 experts on those;
``sources.reassessed``), and any votes CSV with an optional truth file (``votes_csv``). On both:

- **Fig 7**: confidence tables P(good | yes, no), estimated two ways and labelled: against a
  truth (the experts; a truth file), and as the paper did, from the consensus of the full votes
  of an initial subset (the 78-rater golden votes: >= 10 votes per image). Golden questions are
  at most 6 per class, so the tables are made for two groups of classes (``FIG7_GROUPS``).
- **votes needed against WordNet depth**: the paper's claim that a fine-grained synset needs more
  votes for the same confidence, checked on all classes rather than assumed.
- **the dynamic consensus replayed** on the real votes in seeded orders (several; the spread is
  reported), beside majority vote and Dawid-Skene on the same votes; precision and recall
  against the experts, the only truth independent of these votes (ReaL itself is Dawid-Skene over
  them: agreement with ReaL is agreement, never a verdict).
- **Fig 4**: the precision of ImageNet's own labels as independent raters judge them (ILSVRC-2012
  labels against ReaL), per class and by depth, on the re-rated images (biased toward images
  models disagreed on), the all-images figure only as an upper bound.
- **calibration**: how often images with a given table value or Dawid-Skene posterior are good.

Everything is vectorised over votes (loops run over classes, groups, orders or bootstrap draws).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .. import paper
from ..errors import UserError
from ..rng import rng as stream
from ..sources import reassessed as R
from .baselines import VoteRecord, cost_precision, majority_vote
from .consensus import (ACCEPT, ConfidenceTable, ConsensusConfig, confidence_table, decide,
                        dynamic_consensus, subset_weights, table_from_votes)
from .dawid_skene import dawid_skene, dawid_skene_matrix
from ..sources.votes_csv import TruthTable, VoteTable, match_truth
from .pipeline import vote_matrices
from .workers import NO_VOTE, MatrixVotes

JUDGE = "dawid-skene"  # how real subsets are judged by default (workers known; see consensus.py)
THRESHOLDS = (0.9, 0.95, 0.98, 0.99)  # confidences at which votes needed are read
ACCEPT_GRID = (0.8, 0.9, 0.95, 0.98, 0.99, 0.995)
FIG7_CELLS = tuple(zip(paper.FIG7["yes"], paper.FIG7["no"]))


# ---------------------------------------------------------------- the ReaL data

@dataclass
class RealData:
    """The ReaL votes with one "maybe" mapping, and everything judged against them."""

    votes: pd.DataFrame  # the 85 raters' votes (vote table: wnid, image_id, worker_id, vote, question, ...)
    golden: pd.DataFrame  # the 78 raters' votes on the golden questions
    experts: pd.DataFrame  # per golden question (index: question): truth, expert_share, ...
    questions: pd.DataFrame  # per question (index: question): image_id, label_index, wnid, in_real, score, golden
    classes: pd.DataFrame  # per class (index: label_index): wnid, name, subtree, depth, wordnet_depth
    labels: pd.DataFrame  # ILSVRC-2012 label per validation image
    real: pd.DataFrame  # ReaL set per validation image
    maybe: str
    answers: pd.DataFrame = field(repr=False)  # every main answer (maybe kept), for remapping
    golden_answers: pd.DataFrame = field(repr=False)
    seconds: float = 0.0

    def remap(self, maybe: str) -> "RealData":
        """The same data under another "maybe" mapping (cheap: no file is read)."""
        return replace(self, votes=R.to_votes(self.answers, maybe), golden=R.to_votes(self.golden_answers, maybe),
                       maybe=maybe)

    def counts(self) -> dict[str, int]:
        return {"raters": int(self.answers["rater"].nunique()), "questions": int(len(self.questions)),
                "images": int(self.questions["image_id"].nunique()), "answers": int(len(self.answers)),
                "votes": int(len(self.votes)), "golden_questions": int(len(self.experts)),
                "golden_raters": int(self.golden_answers["rater"].nunique()),
                "golden_votes_per_question_min": int(self.golden.groupby("question").size().min())}


def load_real_data(maybe: str = R.DEFAULT_MAYBE, root: Path | str = R.REASSESSED_DIR) -> RealData:
    """Load every ReaL file (votes vectorised; the rater tensors are cached after the first read)."""
    t0 = time.perf_counter()
    main = R.load_answers("raters", root)
    golden = R.load_answers("raters_golden", root)
    experts = R.load_expert_answers(root).set_index("question")
    real = R.load_real_labels(root)
    pairs = R.real_label_pairs(real)
    q = main.questions.set_index("question")
    q["in_real"] = np.isin(R.question_key(q["image_id"], q["label_index"]),
                           R.question_key(pairs["image_id"], pairs["label_index"]))
    q["score"] = R.load_scores(root)["score"].to_numpy()
    q["golden"] = q.index.isin(experts.index)
    data = RealData(R.to_votes(main.answers, maybe), R.to_votes(golden.answers, maybe), experts, q,
                    R.class_table(root), R.load_ilsvrc_labels(root), real, maybe, main.answers, golden.answers)
    data.seconds = time.perf_counter() - t0
    return data


def vote_matrix(row: np.ndarray, worker: np.ndarray, vote: np.ndarray, n_rows: int, seed: int,
                order: int | None = None, name: str = "votes") -> tuple[np.ndarray, np.ndarray]:
    """[n_rows, k] worker and vote matrices (NO_VOTE where a row has fewer votes): each row's
    votes in a random order drawn from the stream (seed, "real-vote-order", name, order), or in
    the given order when ``order`` is None. Vectorised: one sort, no loop per vote."""
    row = np.asarray(row, np.int64)
    if order is None:
        idx = np.argsort(row, kind="stable")
    else:
        u = stream(seed, "real-vote-order", name, int(order)).random(len(row))
        idx = np.lexsort((u, row))
    r = row[idx]
    start = np.searchsorted(r, np.arange(n_rows))
    slot = np.arange(len(r)) - start[r]
    k = int(slot.max()) + 1 if len(slot) else 0
    w = np.full((n_rows, k), -1, np.int64)
    v = np.full((n_rows, k), NO_VOTE, np.int8)
    w[r, slot] = np.asarray(worker)[idx]
    v[r, slot] = np.asarray(vote)[idx]
    return w, v


def _rows(votes: pd.DataFrame, questions: pd.Index) -> np.ndarray:
    pos = questions.get_indexer(votes["question"].to_numpy())
    if (pos < 0).any():
        raise UserError("a vote's question is not among the questions asked for")
    return pos


def golden_matrix(data: RealData, seed: int, order: int | None = 0) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """The 78 raters' votes on the golden questions: (question ids, workers, votes)."""
    qs = data.experts.index
    w, v = vote_matrix(_rows(data.golden, qs), data.golden["rater"].to_numpy(), data.golden["vote"].to_numpy(),
                       len(qs), seed, order, "golden")
    return qs, w, v


def main_matrix(data: RealData, seed: int, order: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """The 85 raters' votes on every question (row = question id), 5 per question at most."""
    return vote_matrix(data.votes["question"].to_numpy(), data.votes["rater"].to_numpy(),
                       data.votes["vote"].to_numpy(), len(data.questions), seed, order, "main")


# ---------------------------------------------------------------- counting tables, vectorised

def cell_weights(yes: np.ndarray, total: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Every image's subset weight of every cell (y, n), y + n <= size: (cells [c, 2], W [n, c])."""
    cells = np.array([(y, k - y) for k in range(size + 1) for y in range(k + 1)])
    w = np.stack([subset_weights(yes, total, int(y), int(n)) for y, n in cells], axis=1)
    return cells, w


def _table(values: np.ndarray, weight: np.ndarray, cells: np.ndarray, size: int) -> ConfidenceTable:
    v = np.full((size + 1, size + 1), np.nan)
    wt = np.zeros((size + 1, size + 1))
    v[cells[:, 0], cells[:, 1]] = values
    wt[cells[:, 0], cells[:, 1]] = weight
    return ConfidenceTable(v, wt)


def counted_tables(w: np.ndarray, good: np.ndarray, mult: np.ndarray) -> np.ndarray:
    """Tables counted with image multiplicities ``mult`` [b, n] (bootstrap draws): [b, c]."""
    num = mult @ (w * good[:, None])
    den = mult @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def bootstrap_multiplicities(groups: np.ndarray, n_boot: int, seed: int, *key: str | int) -> np.ndarray:
    """[n_boot, n]: how often each row is drawn when its groups (images) are resampled."""
    codes, uniq = pd.factorize(pd.Series(groups))
    r = stream(seed, "real-bootstrap", *key)
    draws = r.integers(0, len(uniq), size=(n_boot, len(uniq)))
    per_group = np.stack([np.bincount(d, minlength=len(uniq)) for d in draws])  # per draw
    return per_group[:, codes].astype(float)


def votes_to_reach(values: np.ndarray, cells: np.ndarray, threshold: float) -> np.ndarray:
    """Fewest unanimous yes votes whose cell reaches ``threshold``, per table row of ``values``
    [b, c] (NaN: never within the table)."""
    unanimous = np.flatnonzero((cells[:, 1] == 0) & (cells[:, 0] >= 1))
    ys = cells[unanimous, 0]
    hit = values[:, unanimous] >= threshold
    first = np.where(hit.any(1), ys[np.argmax(hit, axis=1)], np.nan)
    return first.astype(float)


# ---------------------------------------------------------------- Fig 7 on real votes

@dataclass(frozen=True)
class ClassGroup:
    """Classes whose golden questions make one confidence table (no single class has enough)."""

    key: str
    label: str
    select: Callable[[pd.DataFrame], np.ndarray]  # classes frame -> bool mask
    paper_column: str  # the paper's Fig 7 column it stands beside
    why: str


def classes_under(classes: pd.DataFrame, synset_name: str) -> np.ndarray:
    """Which classes are the synset or below it in WordNet (any hypernym path)."""
    from ..wordnet import synset

    root = synset(synset_name)
    return np.array([root == s or root in s.closure(lambda x: x.hypernyms())
                     for s in (synset(w) for w in classes["wnid"])])


FIG7_GROUPS: tuple[ClassGroup, ...] = (
    ClassGroup("vehicle", "vehicle classes", lambda c: (c["subtree"] == "vehicle").to_numpy(), "cat.n.01",
               "visually distinct: 67 machines of different shapes (school bus, canoe, tractor, ...), the "
               "paper's Fig 4 subtree; stands beside the paper's 'cat'"),
    ClassGroup("dog", "dog breeds", lambda c: classes_under(c, "dog.n.01"), "burmese_cat.n.01",
               "fine-grained look-alikes: 118 breeds, asked mostly on images of other dogs, like the "
               "paper's 'Burmese cat' (ILSVRC has only 5 cat classes, 3 golden questions)"),
)


@dataclass
class Fig7Real:
    cells: pd.DataFrame  # group, label, yes, no, paper, expert(+lo/hi), consensus(+lo/hi), two_class, weight
    tables: dict[tuple[str, str], ConfidenceTable]  # (group key, "expert" | "consensus" | "two-class")
    groups: pd.DataFrame  # per group: classes, questions, images, good (experts), judge, why
    need: pd.DataFrame  # per group and estimate: unanimous yes votes to reach each threshold (+ spread)


def judged_table(w: np.ndarray, v: np.ndarray, config: ConsensusConfig,
                 judge: str = JUDGE) -> tuple[ConfidenceTable, np.ndarray]:
    """The table of a subset ([n, k] worker and vote matrices, all votes judging) and the
    P(good) it was counted on: judged by Dawid-Skene, the two-class model ("latent") or the
    majority of the votes."""
    from .consensus import JUDGES, fit_latent

    if judge not in JUDGES:
        raise UserError(f"judge must be one of {', '.join(JUDGES)}, not {judge!r}")
    yes, tot = (v == 1).sum(1), (v != NO_VOTE).sum(1)
    if judge == "dawid-skene":
        good = dawid_skene_matrix(w, v)
        return table_from_votes(yes, tot, config, good=good), good
    cfg = ConsensusConfig(**{**config.to_dict(), "labels": judge})
    if judge == "majority":
        good = (yes > tot / 2).astype(float) + 0.5 * (yes == tot / 2)
    else:
        good = fit_latent(yes, tot, config.min_evidence, config.min_good_yes)[0]
    return table_from_votes(yes, tot, cfg), good


def real_fig7(data: RealData, config: ConsensusConfig, seed: int = 2009,
              groups: tuple[ClassGroup, ...] = FIG7_GROUPS, judge: str = JUDGE, n_boot: int = 200,
              thresholds: tuple[float, ...] = THRESHOLDS) -> Fig7Real:
    """Fig 7's tables for groups of real classes, from the 78-rater golden votes (all of each
    question's votes weigh its cells, hypergeometric): against the experts, and from the
    consensus (the subset judged by ``judge`` over all its votes; also by the two-class model,
    the simulation's judge). Spread: 5-95% over ``n_boot`` resamplings of the images."""
    qs, w_all, v_all = golden_matrix(data, seed, None)
    exp = data.experts.loc[qs]
    size = config.initial_votes
    rows, tables, ginfo, need = [], {}, [], []
    for g in groups:
        member = g.select(data.classes)[exp["label_index"].to_numpy()]
        if member.sum() == 0:
            raise UserError(f"group {g.key!r} has no golden question")
        w, v = w_all[member], v_all[member]
        yes, tot = (v == 1).sum(1), (v != NO_VOTE).sum(1)
        truth = exp["truth"].to_numpy()[member].astype(float)
        t_cons, g_cons = judged_table(w, v, config, judge)
        est = {"expert": confidence_table(yes, tot, truth, size), "consensus": t_cons,
               "two-class": judged_table(w, v, config, "latent")[0]}
        tables.update({(g.key, k): t for k, t in est.items()})
        cells, wm = cell_weights(yes, tot, size)
        mult = bootstrap_multiplicities(exp["image_id"].to_numpy()[member], n_boot, seed, "fig7", g.key)
        boots = {"expert": counted_tables(wm, truth, mult), "consensus": counted_tables(wm, g_cons, mult)}
        lo_hi = {k: np.nanpercentile(b, [5, 95], axis=0) for k, b in boots.items()}
        cidx = {tuple(c): i for i, c in enumerate(cells)}
        for y, n in FIG7_CELLS:
            i = cidx[(y, n)]
            rows.append({"group": g.key, "label": g.label, "yes": y, "no": n,
                         "paper": float(paper.FIG7.set_index(["yes", "no"]).loc[(y, n), g.paper_column]),
                         "paper_label": g.paper_column,
                         "expert": est["expert"].values[y, n], "expert_lo": lo_hi["expert"][0, i],
                         "expert_hi": lo_hi["expert"][1, i], "consensus": est["consensus"].values[y, n],
                         "consensus_lo": lo_hi["consensus"][0, i], "consensus_hi": lo_hi["consensus"][1, i],
                         "two_class": est["two-class"].values[y, n], "weight": est["expert"].weight[y, n]})
        ginfo.append({"group": g.key, "label": g.label, "classes": int(g.select(data.classes).sum()),
                      "questions": int(member.sum()), "images": int(exp["image_id"][member].nunique()),
                      "good": int(truth.sum()), "votes_per_question": int(tot.min()), "judge": judge,
                      "paper_column": g.paper_column, "why": g.why})
        for k in ("expert", "consensus", "two-class"):
            point = est[k].values[cells[:, 0], cells[:, 1]][None, :]
            for t in thresholds:
                row = {"group": g.key, "estimate": k, "threshold": t,
                       "votes": float(votes_to_reach(point, cells, t)[0])}
                if k in boots:
                    b = votes_to_reach(boots[k], cells, t)
                    row.update(votes_median=float(np.nanmedian(b)) if np.isfinite(b).any() else np.nan,
                               never_share=float(np.isnan(b).mean()),
                               votes_lo=float(np.nanpercentile(b, 5)) if np.isfinite(b).any() else np.nan,
                               votes_hi=float(np.nanpercentile(b, 95)) if np.isfinite(b).any() else np.nan)
                need.append(row)
    return Fig7Real(pd.DataFrame(rows), tables, pd.DataFrame(ginfo).set_index("group"), pd.DataFrame(need))


def fine_grained_needs_more(fig7: Fig7Real, threshold: float, estimate: str,
                            coarse: str = "vehicle", fine: str = "dog") -> bool | None:
    """Does the fine-grained group need more unanimous yes votes than the distinct one
    (a table that never reaches the threshold counts as needing more than any that does)?"""
    n = fig7.need[(fig7.need["estimate"] == estimate) & (fig7.need["threshold"] == threshold)].set_index("group")
    a, b = n.at[coarse, "votes"], n.at[fine, "votes"]
    if np.isnan(a) and np.isnan(b):
        return None
    return bool((np.isnan(b) and not np.isnan(a)) or (not np.isnan(b) and not np.isnan(a) and b > a))


# ---------------------------------------------------------------- votes needed against depth

DEPTH_BINS = (0, 8, 10, 12, 14, 99)  # WordNet depth (entity = 1) bins of the golden questions


def votes_needed_golden(data: RealData, config: ConsensusConfig, seed: int = 2009,
                        bins: tuple[int, ...] = DEPTH_BINS, threshold: float = 0.95, n_boot: int = 200,
                        judge: str = JUDGE) -> pd.DataFrame:
    """Golden questions grouped by the WordNet depth of their class: per depth bin, the expert
    table's and the consensus table's unanimous yes votes to reach ``threshold``, with the 5-95%
    spread over image resamplings (and how often a resampled table never gets there)."""
    qs, w_all, v_all = golden_matrix(data, seed, None)
    exp = data.experts.loc[qs]
    depth = data.classes.loc[exp["label_index"].to_numpy(), "wordnet_depth"].to_numpy()
    which = np.digitize(depth, bins[1:-1], right=True)
    size = config.initial_votes
    out = []
    for b in range(len(bins) - 1):
        m = which == b
        if m.sum() < 10:
            continue
        yes, tot = (v_all[m] == 1).sum(1), (v_all[m] != NO_VOTE).sum(1)
        truth = exp["truth"].to_numpy()[m].astype(float)
        good = judged_table(w_all[m], v_all[m], config, judge)[1]
        cells, wm = cell_weights(yes, tot, size)
        mult = bootstrap_multiplicities(exp["image_id"].to_numpy()[m], n_boot, seed, "depth", b)
        row = {"depth_bin": f"{bins[b] + 1}-{bins[b + 1]}" if bins[b + 1] < 99 else f">={bins[b] + 1}",
               "depth_mean": float(depth[m].mean()), "questions": int(m.sum()), "good": int(truth.sum()),
               "classes": int(pd.unique(exp["label_index"].to_numpy()[m]).size)}
        c3 = int(np.flatnonzero((cells[:, 0] == 3) & (cells[:, 1] == 0))[0])
        for k, g in (("expert", truth), ("consensus", good)):
            point = counted_tables(wm, g, np.ones((1, m.sum())))
            tb = counted_tables(wm, g, mult)
            boots = votes_to_reach(tb, cells, threshold)
            row[f"{k}_votes"] = float(votes_to_reach(point, cells, threshold)[0])
            fin = boots[np.isfinite(boots)]
            row[f"{k}_lo"] = float(np.percentile(fin, 5)) if len(fin) else np.nan
            row[f"{k}_hi"] = float(np.percentile(fin, 95)) if len(fin) else np.nan
            row[f"{k}_never"] = float(np.isnan(boots).mean())
            row[f"{k}_y3n0"] = float(point[0, c3])
            row[f"{k}_y3n0_lo"], row[f"{k}_y3n0_hi"] = (float(x) for x in np.nanpercentile(tb[:, c3], [5, 95]))
        out.append(row)
    df = pd.DataFrame(out)
    df.attrs["threshold"] = threshold
    return df


def votes_needed_classes(data: RealData, good: np.ndarray, threshold: float = 0.95,
                         cap: int = 20) -> pd.DataFrame:
    """Per class, from its own questions' 5 votes: the two-class yes-rates counted on ``good``
    (P(good) per question, e.g. Dawid-Skene over all the votes) and the unanimous yes votes that
    take its base rate to ``threshold`` under them (votes assumed independent, so optimistic in
    absolute terms: Fig 7 shows by how much; NaN beyond ``cap``; ``votes_model_exact``: the same
    before rounding up, a finer measure of the class's difficulty), and, counted without a model,
    the fewest unanimous yes votes among its questions' 5 whose counted P(good) reaches it."""
    q = data.questions
    lab = q["label_index"].to_numpy()
    v = data.votes
    row = v["question"].to_numpy()
    yes = np.bincount(row, weights=v["vote"].to_numpy(), minlength=len(q))
    tot = np.bincount(row, minlength=len(q)).astype(float)
    g = np.asarray(good, float)
    nc = len(data.classes)
    s = lambda x: np.bincount(lab, weights=x, minlength=nc)  # noqa: E731
    eps = 1e-4
    p1 = np.clip(s(g * yes) / np.maximum(s(g * tot), 1e-12), eps, 1 - eps)
    p0 = np.clip(s((1 - g) * yes) / np.maximum(s((1 - g) * tot), 1e-12), eps, 1 - eps)
    n_q = np.bincount(lab, minlength=nc)
    prior = np.clip(s(g) / np.maximum(n_q, 1), eps, 1 - eps)
    step = np.log(p1) - np.log(p0)
    exact = (np.log(threshold / (1 - threshold)) - np.log(prior / (1 - prior))) / np.where(step > 0, step, np.nan)
    need = np.ceil(exact)
    need = np.where((need >= 1) & (need <= cap), need, np.where(need < 1, 1.0, np.nan))
    exact = np.where(exact <= cap, exact, np.nan)
    counted = np.full(nc, np.nan)
    for y in range(int(tot.max()), 0, -1):  # fewest y with the counted cell (y, 0) >= threshold
        w = subset_weights(yes, tot, y, 0)
        cell = s(w * g) / np.maximum(s(w), 1e-12)
        counted = np.where((s(w) > 0) & (cell >= threshold), y, counted)
    c = data.classes
    return pd.DataFrame({"wnid": c["wnid"], "name": c["name"], "subtree": c["subtree"], "depth": c["depth"],
                         "wordnet_depth": c["wordnet_depth"], "questions": n_q, "good_share": s(g) / np.maximum(n_q, 1),
                         "p_yes_good": p1, "p_yes_bad": p0, "votes_model_exact": exact, "votes_model": need,
                         "votes_counted": counted},
                        index=c.index).assign(threshold=threshold)


def needed_by_depth(per_class: pd.DataFrame, column: str = "votes_model_exact", cap: int = 20) -> pd.DataFrame:
    """Per WordNet depth: classes, median and quartiles of the votes needed (NaN counted as
    beyond ``cap``), and the share of classes that never get there. ``attrs``: Spearman rho of
    depth against votes needed over the classes, and its p-value."""
    from scipy.stats import spearmanr

    x = per_class[column].fillna(cap + 1)
    g = per_class.assign(_v=x).groupby("wordnet_depth")["_v"]
    out = pd.DataFrame({"classes": g.size(), "median": g.median(), "q25": g.quantile(0.25), "q75": g.quantile(0.75),
                        "mean": g.mean(), "never_share": per_class.groupby("wordnet_depth")[column].apply(
                            lambda s: float(s.isna().mean()))})
    rho = spearmanr(per_class["wordnet_depth"], x)
    out.attrs.update(spearman=float(rho.statistic), p_value=float(rho.pvalue), column=column, cap=cap)
    return out


# ---------------------------------------------------------------- the dynamic consensus replayed

@dataclass
class ReplayResult:
    runs: pd.DataFrame  # one row per (source, method, parameter, order)
    summary: pd.DataFrame  # per (source, method, parameter): mean, min and max over orders
    golden: pd.DataFrame  # per golden question, order 0: main-vote decisions, confidences, posteriors, truth
    table: ConfidenceTable  # the pooled table of the main replay (golden subset)
    seconds: float = 0.0
    notes: dict[str, str] = field(default_factory=dict)
    ds_all: np.ndarray | None = None  # Dawid-Skene P(good) of every question from all its votes


def pooled_table(data: RealData, config: ConsensusConfig, seed: int = 2009, judge: str = JUDGE) -> ConfidenceTable:
    """One table from all golden questions (the initial subset: 78 votes each), judged by all
    their votes: per-class tables are impossible here (at most 6 golden questions per class)."""
    _, w, v = golden_matrix(data, seed, None)
    return judged_table(w, v, config, judge)[0]


def _score_main(accepted: np.ndarray, used: np.ndarray, data: RealData, gold: np.ndarray,
                truth: np.ndarray) -> dict:
    tp = int((accepted[gold] & truth).sum())
    acc = int(accepted[gold].sum())
    in_real = data.questions["in_real"].to_numpy()
    n_acc = int(accepted.sum())
    return {"votes_per_image": float(used[gold].mean()), "accepted": acc,
            "precision": tp / acc if acc else np.nan, "recall": tp / max(int(truth.sum()), 1),
            "votes_per_image_all": float(used.mean()),
            "agreement_real": float((accepted & in_real).sum() / n_acc) if n_acc else np.nan,
            "share_of_real_accepted": float((accepted & in_real).sum() / max(int(in_real.sum()), 1))}


def real_replay(data: RealData, config: ConsensusConfig, seed: int = 2009, orders: int = 5,
                judge: str = JUDGE, accept_grid: tuple[float, ...] = ACCEPT_GRID,
                ks_main: tuple[int, ...] = (1, 3, 5), ks_golden: tuple[int, ...] = (1, 3, 5, 7, 9),
                ds_iter: int = 50, ds_orders: int = 1, ds_all: np.ndarray | None = None,
                progress: bool = True) -> ReplayResult:
    """The paper's dynamic consensus on the real votes, in ``orders`` seeded vote orders:

    - "main": every question's 5 votes (the 85 raters), one table from the golden subset
      (``pooled_table``), each question voted on until the table decides or its votes run out
      (``decide``); beside majority vote of the first k and Dawid-Skene (crowd-kit, fitted on all
      184,962 questions); scored against the experts on the golden questions' own 5 votes;
      agreement with ReaL over all questions. Dawid-Skene on a prefix of the votes (and on the
      golden questions) is refitted for the first ``ds_orders`` orders only (2 s a fit on 925K
      votes; its spread is over those orders); on all 5 votes once
      (``ds_all``, from ``question_posteriors``, when already fitted).
    - "golden": the 1,135 golden questions as one synset with 78 votes each (``dynamic_consensus``
      on a ``MatrixVotes`` source): an initial subset of ``config.n_initial`` questions judged by
      all its votes, the rest voted on up to ``max_votes``; ``cost_precision`` beside it (the
      subset's 78 votes count as initial_votes each there, as the paper's subset would).
    """
    from tqdm import tqdm  # text bars: they stream to the terminal under run_all.sh

    t0 = time.perf_counter()
    table = pooled_table(data, config, seed, judge)
    qs = data.experts.index
    gold = np.zeros(len(data.questions), bool)
    gold[data.questions.index.get_indexer(qs)] = True
    gold_rows = np.flatnonzero(gold)
    truth = data.experts.loc[data.questions.index[gold_rows], "truth"].to_numpy()
    mv_max = min(config.max_votes, 5)
    cfg_main = ConsensusConfig(**{**config.to_dict(), "max_votes": mv_max})
    runs, golden_frame = [], None
    if ds_all is None:
        ds_all = question_posteriors(data, seed, ds_iter)  # all votes: the same in every order
    for o in tqdm(range(orders), desc="real replay (orders)", disable=not progress):
        w, v = main_matrix(data, seed, o)
        rows = []
        for a in accept_grid:
            cfg = ConsensusConfig(**{**cfg_main.to_dict(), "accept": a, "reject": min(cfg_main.reject, a / 2)})
            dec, used = decide(table, v, np.zeros(len(v), bool), cfg)
            rows.append({"method": "dynamic consensus (paper)", "parameter": f"accept={a}",
                         **_score_main(dec == ACCEPT, used, data, gold, truth)})
            if a == config.accept:
                run_dec, run_used = dec, used
        for k in ks_main:
            rows.append({"method": "majority vote", "parameter": f"k={k}",
                         **_score_main(majority_vote(v, k), (v[:, :k] != NO_VOTE).sum(1), data, gold, truth)})
        for k in ks_main:
            if k < 2 or (k < v.shape[1] and o >= ds_orders):
                continue  # one vote per question tells Dawid-Skene nothing about the workers
            p = ds_all if k >= v.shape[1] else _ds_first_k(w, v, k, ds_iter)
            rows.append({"method": "Dawid-Skene (P>=0.5)", "parameter": f"k={k}",
                         **_score_main(p >= 0.5, (v[:, :k] != NO_VOTE).sum(1), data, gold, truth)})
        if o < ds_orders:
            vd = np.where(np.arange(v.shape[1])[None, :] < run_used[:, None], v, NO_VOTE).astype(np.int8)
            p_dyn = _ds_first_k(w, vd, v.shape[1], ds_iter)
            rows.append({"method": "Dawid-Skene on the dynamic votes (P>=0.5)", "parameter": "adaptive",
                         **_score_main(p_dyn >= 0.5, run_used, data, gold, truth)})
        runs += [{"source": "main (5 votes per question)", "order": o, **r} for r in rows]
        if o == 0:
            yes5, tot5 = (v[gold_rows] == 1).sum(1), (v[gold_rows] != NO_VOTE).sum(1)
            yes_u = (np.where(np.arange(v.shape[1])[None, :] < run_used[gold_rows, None], v[gold_rows], 0) == 1).sum(1)
            golden_frame = pd.DataFrame({
                "question": data.questions.index[gold_rows], "truth": truth, "expert_share":
                data.experts.loc[data.questions.index[gold_rows], "expert_share"].to_numpy(),
                "votes_used": run_used[gold_rows], "yes_used": yes_u,
                "confidence": table.lookup_capped(yes_u, run_used[gold_rows] - yes_u),
                "decision": run_dec[gold_rows], "table_all_votes": table.lookup_capped(yes5, tot5 - yes5),
                "dawid_skene": ds_all[gold_rows], "real_score": data.questions["score"].to_numpy()[gold_rows],
                "in_real": data.questions["in_real"].to_numpy()[gold_rows]})
        # the golden questions as one synset, 78 votes each, through dynamic_consensus
        qg, wg, vg = golden_matrix(data, seed, o)
        res = dynamic_consensus(MatrixVotes(wg, vg), config, "golden", int(stream(seed, "golden-subset", o).integers(2**31)),
                                subset_votes=vg.shape[1], judge=judge)
        tg = data.experts.loc[qg, "truth"].to_numpy()
        rec = VoteRecord("golden", qg.to_numpy(np.int64), tg, wg[:, :config.max_votes], vg[:, :config.max_votes],
                         res.initial, res.table, res.n_votes, res.decision)
        ds_ks = tuple(k for k in ks_golden if k >= 2) if o < ds_orders else ()
        cp = cost_precision([rec], config, accept_grid, ks_golden, ds_thresholds=(0.5,), ds_iter=ds_iter, ds_ks=ds_ks)
        runs += [{"source": "golden (78 votes per question, up to max_votes used)", "order": o, **r}
                 for r in cp.drop(columns=["precision_mean_synset", "synsets_with_images"]).to_dict("records")]
    runs = pd.DataFrame(runs)
    keys = ["source", "method", "parameter"]
    agg = runs.groupby(keys, sort=False)[["precision", "recall", "votes_per_image"]].agg(["mean", "min", "max"])
    agg.columns = [f"{a}_{b}" if b != "mean" else a for a, b in agg.columns]
    summary = agg.reset_index()
    extra = runs.groupby(keys, sort=False)[["agreement_real", "share_of_real_accepted", "votes_per_image_all"]].mean()
    summary = summary.merge(extra.reset_index(), on=keys, how="left")
    notes = {"table": f"one table from the {len(qs):,} golden questions (78 votes each, judged by {judge}); "
                      "per-class tables are impossible here (at most 6 golden questions per class)",
             "truth": "precision and recall against the 5 experts' majority on the golden questions",
             "orders": f"{orders} seeded orders of each question's votes; min and max over them beside the mean"}
    summary["orders"] = runs.groupby(keys, sort=False).size().to_numpy()
    return ReplayResult(runs, summary, golden_frame, table, time.perf_counter() - t0, notes, ds_all)


def question_posteriors(data: RealData, seed: int = 2009, n_iter: int = 50) -> np.ndarray:
    """Dawid-Skene (crowd-kit) P(good) of every question from all its votes (row = question id)."""
    w, v = main_matrix(data, seed, None)
    return _ds_first_k(w, v, v.shape[1], n_iter)


def _ds_first_k(w: np.ndarray, v: np.ndarray, k: int, n_iter: int) -> np.ndarray:
    return dawid_skene_matrix(w[:, :k], v[:, :k], n_iter, missing=0.0)


# ---------------------------------------------------------------- calibration

def reliability(pred: np.ndarray, truth: np.ndarray, bins: int | tuple[float, ...] = 10) -> pd.DataFrame:
    """Binned reliability: per bin of the predicted P(good), the images, their mean prediction,
    how often they are really good (with a 90% Wilson interval). ``attrs``: expected
    calibration error (mean |observed - predicted| weighted by images) and images."""
    pred = np.asarray(pred, float)
    truth = np.asarray(truth, float)
    ok = np.isfinite(pred) & np.isfinite(truth)
    pred, truth = pred[ok], truth[ok]
    edges = np.linspace(0, 1, bins + 1) if isinstance(bins, int) else np.asarray(bins, float)
    idx = np.clip(np.digitize(pred, edges[1:-1], right=False), 0, len(edges) - 2)
    n = np.bincount(idx, minlength=len(edges) - 1).astype(float)
    mp = np.bincount(idx, weights=pred, minlength=len(edges) - 1) / np.maximum(n, 1)
    obs = np.bincount(idx, weights=truth, minlength=len(edges) - 1) / np.maximum(n, 1)
    z = 1.6449
    den = 1 + z ** 2 / np.maximum(n, 1)
    centre = (obs + z ** 2 / (2 * np.maximum(n, 1))) / den
    half = z * np.sqrt(obs * (1 - obs) / np.maximum(n, 1) + z ** 2 / (4 * np.maximum(n, 1) ** 2)) / den
    out = pd.DataFrame({"bin_lo": edges[:-1], "bin_hi": edges[1:], "images": n.astype(int), "predicted": mp,
                        "observed": obs, "observed_lo": centre - half, "observed_hi": centre + half})
    out = out[out["images"] > 0].reset_index(drop=True)
    out.attrs.update(ece=float((out["images"] * (out["observed"] - out["predicted"]).abs()).sum() / max(len(pred), 1)),
                     images=int(len(pred)))
    return out


def real_calibration(replay: ReplayResult, bins: int = 10) -> dict[str, pd.DataFrame]:
    """Reliability against the experts on the golden questions (their 5 main votes, order 0):
    the table at the votes the replay used, the table at all 5 votes, our Dawid-Skene posterior
    and ReaL's own Dawid-Skene score."""
    g = replay.golden
    return {"table at the votes used": reliability(g["confidence"], g["truth"], bins),
            "table at all 5 votes": reliability(g["table_all_votes"], g["truth"], bins),
            "Dawid-Skene posterior (5 votes)": reliability(g["dawid_skene"], g["truth"], bins),
            "ReaL's Dawid-Skene score": reliability(g["real_score"], g["truth"], bins)}


def calibration_summary(curves: dict[str, pd.DataFrame], accept: float) -> pd.DataFrame:
    """Per curve: ECE, and among images predicted >= accept, the mean prediction and the share
    really good."""
    rows = []
    for name, c in curves.items():
        if c.empty:
            continue
        hi = c[c["bin_lo"] >= accept - 1e-12] if (c["bin_lo"] >= accept - 1e-12).any() else c.iloc[-1:]
        n = hi["images"].sum()
        rows.append({"prediction": name, "images": c.attrs["images"], "ece": c.attrs["ece"],
                     "top_bin_images": int(n),
                     "top_bin_predicted": float((hi["images"] * hi["predicted"]).sum() / max(n, 1)),
                     "top_bin_observed": float((hi["images"] * hi["observed"]).sum() / max(n, 1))})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- Fig 4: ILSVRC labels judged by ReaL

def ilsvrc_precision(data: RealData) -> pd.DataFrame:
    """Per class: its 50 validation images, the re-rated ones, and the share of those whose
    original label is in the ReaL set (strict: an empty set counts as wrong; ``labelled``: over
    the images with a ReaL label only), and the all-images share (upper bound: the images nobody
    re-rated count as right)."""
    lab = data.labels  # in validation-file order, as data.real
    rerated = np.isin(R.image_index(lab["image_id"]), R.image_index(data.questions["image_id"]))
    pairs = R.real_label_pairs(data.real)
    inset = np.isin(R.question_key(lab["image_id"], lab["label_index"]),
                    R.question_key(pairs["image_id"], pairs["label_index"]))
    nonempty = data.real["n_labels"].to_numpy() > 0
    c = lab["label_index"].to_numpy()
    nc = len(data.classes)
    cnt = lambda m: np.bincount(c, weights=m.astype(float), minlength=nc)  # noqa: E731
    out = data.classes.copy()
    out["images"] = np.bincount(c, minlength=nc)
    out["rerated"] = cnt(rerated).astype(int)
    out["right_rerated"] = cnt(rerated & inset).astype(int)
    out["rerated_labelled"] = cnt(rerated & nonempty).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["precision_rerated"] = out["right_rerated"] / out["rerated"]
        out["precision_labelled"] = cnt(rerated & nonempty & inset) / out["rerated_labelled"]
    out["precision_all"] = cnt(inset | ~rerated) / out["images"]
    return out


def fig4_real_by_depth(per_class: pd.DataFrame, subtrees: tuple[str, ...] = paper.FIG4_SUBTREES) -> pd.DataFrame:
    """Fig 4 on real labels: per depth of the given subtrees, classes, mean precision over the
    classes (re-rated images, strict), the worst class, the labelled-only and the all-images
    (upper bound) means. ``attrs``: the means over the classes of each subtree, of all of them,
    and of all 12 subtrees."""
    sub = per_class[per_class["subtree"].isin(subtrees) & (per_class["rerated"] > 0)]
    g = sub.groupby("depth")
    out = pd.DataFrame({"synsets": g.size(), "precision": g["precision_rerated"].mean(),
                        "precision_min": g["precision_rerated"].min(),
                        "precision_labelled": g["precision_labelled"].mean(),
                        "precision_upper": g["precision_all"].mean(), "rerated_images": g["rerated"].sum()})
    all12 = per_class[(per_class["subtree"] != "") & (per_class["rerated"] > 0)]
    means = {f"mean_{s}": float(sub.loc[sub["subtree"] == s, "precision_rerated"].mean()) for s in subtrees}
    means.update({f"upper_{s}": float(sub.loc[sub["subtree"] == s, "precision_all"].mean()) for s in subtrees})
    means.update(mean=float(sub["precision_rerated"].mean()), mean_upper=float(sub["precision_all"].mean()),
                 mean_labelled=float(sub["precision_labelled"].mean()),
                 mean_all12=float(all12["precision_rerated"].mean()), upper_all12=float(all12["precision_all"].mean()),
                 classes=int(len(sub)), classes_all12=int(len(all12)), subtrees=tuple(subtrees))
    out.attrs.update(means)
    return out


def fig4_real_per_subtree(per_class: pd.DataFrame) -> pd.DataFrame:
    """Per subtree of the 12 (and outside them): classes, mean precision (re-rated, strict;
    labelled only; all images as the upper bound) and the re-rated images."""
    pc = per_class.assign(subtree=per_class["subtree"].replace("", "(outside the 12 subtrees)"))
    g = pc[pc["rerated"] > 0].groupby("subtree")
    out = pd.DataFrame({"classes": g.size(), "precision": g["precision_rerated"].mean(),
                        "precision_labelled": g["precision_labelled"].mean(),
                        "precision_upper": g["precision_all"].mean(), "rerated_images": g["rerated"].sum(),
                        "images": g["images"].sum()})
    order = [s for s in paper.SUBTREES if s in out.index] + [s for s in out.index if s not in paper.SUBTREES]
    return out.loc[order]


# ---------------------------------------------------------------- the "maybe" mapping

def maybe_effect(data: RealData, config: ConsensusConfig, seed: int = 2009, judge: str = JUDGE,
                 ds_iter: int = 50, ds_current: np.ndarray | None = None, with_ds: bool = False) -> pd.DataFrame:
    """The main numbers under each mapping of "maybe" (no / yes / drop): votes, share of yes,
    Fig 7 cells of all golden questions (experts and consensus), and the main replay (order 0)
    with majority vote of all 5 votes (and, ``with_ds``, Dawid-Skene: 2 s a fit), scored
    against the experts. ``ds_current``: the Dawid-Skene posterior already fitted under data's
    own mapping (saves a fit)."""
    rows = []
    for m in R.MAYBE_CHOICES:
        d = data if m == data.maybe else data.remap(m)
        qs, w, v = golden_matrix(d, seed, None)
        yes, tot = (v == 1).sum(1), (v != NO_VOTE).sum(1)
        truth = d.experts.loc[qs, "truth"].to_numpy()
        te = confidence_table(yes, tot, truth.astype(float), config.initial_votes)
        tc = judged_table(w, v, config, judge)[0]
        gold = d.questions.index.get_indexer(qs)
        mask = np.zeros(len(d.questions), bool)
        mask[gold] = True
        t_gold = d.experts.loc[d.questions.index[mask], "truth"].to_numpy()
        wm, vm = main_matrix(d, seed, 0)
        cfg = ConsensusConfig(**{**config.to_dict(), "max_votes": min(config.max_votes, vm.shape[1])})
        dec, used = decide(tc, vm, np.zeros(len(vm), bool), cfg)
        dyn = _score_main(dec == ACCEPT, used, d, mask, t_gold)
        mv = _score_main(majority_vote(vm, vm.shape[1]), (vm != NO_VOTE).sum(1), d, mask, t_gold)
        ds = {"precision": np.nan, "recall": np.nan}
        if with_ds or (m == data.maybe and ds_current is not None):
            p = ds_current if (m == data.maybe and ds_current is not None) else _ds_first_k(wm, vm, vm.shape[1], ds_iter)
            ds = _score_main(p >= 0.5, (vm != NO_VOTE).sum(1), d, mask, t_gold)
        rows.append({"maybe": m, "votes": len(d.votes), "yes_share": float(d.votes["vote"].mean()),
                     "expert_y1n0": te.values[1, 0], "expert_y3n0": te.values[3, 0], "expert_y0n1": te.values[0, 1],
                     "consensus_y1n0": tc.values[1, 0], "consensus_y3n0": tc.values[3, 0],
                     "consensus_y0n1": tc.values[0, 1],
                     "dynamic_precision": dyn["precision"], "dynamic_recall": dyn["recall"],
                     "dynamic_votes_per_image": dyn["votes_per_image"],
                     "mv_all_precision": mv["precision"], "mv_all_recall": mv["recall"],
                     "ds_all_precision": ds["precision"], "ds_all_recall": ds["recall"],
                     "dynamic_agreement_real": dyn["agreement_real"]})
    return pd.DataFrame(rows).set_index("maybe")


def maybe_evidence(data: RealData) -> pd.DataFrame:
    """How often the experts' majority says the class is shown, by the raters' answer (no /
    maybe / yes) on the golden questions: what each answer is worth."""
    a = data.golden_answers
    t = data.experts["truth"].reindex(a["question"].to_numpy()).to_numpy()
    df = pd.DataFrame({"answer": np.array(R.ANSWERS)[a["answer"].to_numpy()], "truth": t})
    out = df.groupby("answer")["truth"].agg(answers="size", expert_yes="mean").reindex(list(R.ANSWERS))
    out.attrs["base_rate"] = float(data.experts["truth"].mean())
    return out


# ---------------------------------------------------------------- a votes CSV (and a truth file)

@dataclass
class CsvResult:
    """The real path on a user's votes CSV: decisions, tables (both estimates where a truth
    exists), cost and precision beside the baselines, calibration."""

    images: pd.DataFrame  # wnid, image_id, votes_available, votes_read, n_votes, yes, confidence, decision, truth
    summary: pd.DataFrame  # per synset
    cells: pd.DataFrame  # per synset, Fig 7's cells: consensus, truth (NaN without a truth file)
    tables: dict[tuple[str, str], ConfidenceTable]
    cost: pd.DataFrame | None
    calibration: dict[str, pd.DataFrame]
    truth_info: dict[str, object]
    votes_per_image: int | None
    judge: str


def analyse_votes_csv(table: VoteTable, config: ConsensusConfig, seed: int = 2009,
                      truth: TruthTable | None = None, votes_per_image: int | None = None,
                      judge: str | None = None, ks: tuple[int, ...] = (1, 3, 5, 7, 9),
                      ds_iter: int = 50) -> CsvResult:
    """The real path for a votes CSV: per synset, the dynamic consensus (initial subset among
    images with >= initial_votes votes, judged by all their votes up to ``votes_per_image``),
    its table and, with a truth file, the table counted against the truth, precision and recall
    of the decisions beside majority vote and Dawid-Skene on the same votes, and calibration."""
    judge = judge or JUDGE
    mats = vote_matrices(table, votes_per_image)
    tmatch = match_truth(table, truth) if truth is not None else None
    img_rows, summ, cells, tables, records = [], [], [], {}, []
    ids = 0
    for wnid, (images, source, _) in mats.items():
        have = (source.votes != NO_VOTE).sum(1)
        eligible = have >= config.initial_votes
        res = dynamic_consensus(source, config, wnid, seed, eligible=eligible,
                                subset_votes=max(config.initial_votes, source.votes.shape[1]), judge=judge)
        tables[(wnid, "consensus")] = res.table
        t = np.full(len(images), np.nan)
        if tmatch is not None:
            tm = tmatch[tmatch["wnid"] == wnid].set_index("image_id")["truth"]
            t = tm.reindex(images).astype(float).to_numpy()
        yes_all, tot_all = (source.votes == 1).sum(1), have
        known = np.isfinite(t)
        if known.any():
            tables[(wnid, "truth")] = confidence_table(yes_all[known], tot_all[known], t[known], config.initial_votes)
            k = min(config.max_votes, source.votes.shape[1])
            records.append(VoteRecord(wnid, np.arange(ids, ids + known.sum(), dtype=np.int64), t[known].astype(bool),
                                      source.workers[known, :k], source.votes[known, :k], res.initial[known],
                                      res.table, res.n_votes[known], res.decision[known]))
            ids += int(known.sum())
        read = res.n_votes if res.votes_read is None else res.votes_read
        img_rows.append(pd.DataFrame({"wnid": wnid, "image_id": images, "votes_available": have, "votes_read": read,
                                      "n_votes": res.n_votes, "yes": res.yes, "initial": res.initial,
                                      "confidence": res.confidence, "decision": res.decision,
                                      "accepted": res.decision == ACCEPT, "truth": t,
                                      "table_all_votes": res.table.lookup_capped(yes_all, tot_all - yes_all)}))
        acc = res.decision == ACCEPT
        summ.append({"wnid": wnid, "images": len(images), "initial": int(res.initial.sum()),
                     "votes_per_image_max": int(have.max()), "accepted": int(acc.sum()),
                     "votes_used": res.total_votes, "votes_available": int(have.sum()),
                     "consensus": res.consensus, "table_max": res.table.max_confidence(config.max_votes),
                     "images_with_truth": int(known.sum()),
                     "precision": float(t[acc & known].mean()) if (acc & known).any() else np.nan,
                     "recall": float(acc[known & (t == 1)].mean()) if (known & (t == 1)).any() else np.nan,
                     "note": "" if eligible.any() else
                     f"no image has {config.initial_votes} votes: no initial subset, no table (paper: at least 10)"})
        for y, n in FIG7_CELLS:
            if y + n <= config.initial_votes:
                tt = tables.get((wnid, "truth"))
                cells.append({"wnid": wnid, "yes": y, "no": n, "consensus": res.table.values[y, n],
                              "truth": tt.values[y, n] if tt is not None else np.nan,
                              "weight_truth": tt.weight[y, n] if tt is not None else np.nan})
    images = pd.concat(img_rows, ignore_index=True)
    cost, calib, info = None, {}, {}
    if tmatch is not None:
        info = {"images_with_truth": int(np.isfinite(images["truth"]).sum()), "images": len(images),
                "truth_rows_without_votes": tmatch.attrs["unmatched"],
                "first_unmatched_lines": tmatch.attrs["unmatched_lines"]}
        if records:
            kk = tuple(k for k in ks if k <= config.max_votes)
            cost = cost_precision(records, config, ACCEPT_GRID, kk, ds_thresholds=(0.5,), ds_iter=ds_iter)
            calib["table at the votes used"] = reliability(images["confidence"], images["truth"])
            if images["table_all_votes"].notna().any():  # images with no more votes than the table covers
                calib["table at all votes"] = reliability(images["table_all_votes"], images["truth"])
            ds = _csv_dawid_skene(mats, ds_iter)
            calib["Dawid-Skene posterior (all votes)"] = reliability(ds, images["truth"])
            images["dawid_skene"] = ds
    return CsvResult(images, pd.DataFrame(summ), pd.DataFrame(cells), tables, cost, calib, info,
                     votes_per_image, judge)


def _csv_dawid_skene(mats: dict, ds_iter: int) -> np.ndarray:
    """Dawid-Skene over every synset's votes at once (workers shared across synsets), in the
    row order of ``analyse_votes_csv``'s images."""
    parts, off = [], 0
    for images, source, _ in mats.values():
        r, c = np.nonzero(source.votes != NO_VOTE)
        parts.append(pd.DataFrame({"task": r + off, "worker": source.workers[r, c],
                                   "label": source.votes[r, c].astype(np.int64)}))
        off += len(images)
    p = dawid_skene(pd.concat(parts, ignore_index=True), ds_iter)
    return p.reindex(np.arange(off)).to_numpy(float)


def csv_figure_cells(res: CsvResult) -> pd.DataFrame:
    """A votes CSV's Fig 7 cells in the shape ``figures.real_fig7_tables`` draws: one panel per
    synset, the table against the truth file (if any) beside the consensus table."""
    c = res.cells.rename(columns={"truth": "expert"})
    return c.assign(label=c["wnid"].map(lambda w: f"{w} (your votes)"))


def csv_overconfidence(cells: pd.DataFrame) -> float:
    """The largest excess of the consensus table over the truth table at Fig 7's cells (NaN
    without a truth): how much the votes alone overstate the confidence."""
    d = (cells["consensus"] - cells["truth"]).dropna()
    return float(d.max()) if len(d) else np.nan



# ---------------------------------------------------------------- real beside simulated

def compare_fig7(simulated: pd.DataFrame | None, real: Fig7Real) -> pd.DataFrame:
    """Fig 7's cells: the paper's, the simulated estimate (notebook 02's ``fig7``: label, yes,
    no, paper, estimated) and the real ones of the group standing beside each paper column."""
    r = real.cells.rename(columns={"paper_label": "paper_column", "label": "real_group"})
    out = r[["paper_column", "yes", "no", "paper", "real_group", "expert", "consensus"]].rename(
        columns={"expert": "real_expert", "consensus": "real_consensus"})
    if simulated is not None and "estimated" in simulated:
        sim = simulated.rename(columns={"label": "paper_column", "estimated": "simulated"})
        out = out.merge(sim[["paper_column", "yes", "no", "simulated"]], on=["paper_column", "yes", "no"], how="left")
    return out


def compare_fig4(simulated: pd.DataFrame | None, real: pd.DataFrame) -> pd.DataFrame:
    """Mean precision per synset: the paper's, the simulated ones (``by_depth.attrs``: mean,
    mean_verified) and the real bounds (``fig4_real_by_depth``), labelled."""
    rows = [("paper (2009 AMT, independent subjects)", "paper", paper.FIG4_MEAN_PRECISION)]
    if simulated is not None:
        rows += [("simulated, against the world's truth", "simulated", simulated.attrs.get("mean", np.nan)),
                 ("simulated, as independent simulated workers judge it", "simulated",
                  simulated.attrs.get("mean_verified", np.nan))]
    a = real.attrs
    rows += [("real: ILSVRC-2012 labels by ReaL, re-rated images (lower bound)", "real", a["mean"]),
             ("real: the same, images with a ReaL label only", "real", a["mean_labelled"]),
             ("real: all images, un-rated counted right (upper bound)", "real", a["mean_upper"])]
    rows += [(f"real: {s} classes, re-rated images", "real", a[f"mean_{s}"]) for s in a.get("subtrees", ())]
    return pd.DataFrame(rows, columns=["measurement", "mode", "mean_precision"]).set_index("measurement")


def compare_cost(simulated: pd.DataFrame | None, real: ReplayResult, accept: float,
                 rows: tuple[tuple[str, str], ...] = (("dynamic consensus (paper)", "accept={accept}"),
                                                      ("majority vote", "k=3"), ("majority vote", "k=5"),
                                                      ("Dawid-Skene (P>=0.5)", "k=5"))) -> pd.DataFrame:
    """Precision, recall and votes per image of the same aggregators, simulated (notebook 02's
    ``cp``, against the world's truth) beside real (the main replay, against the experts)."""
    out = []
    real_main = real.summary[real.summary["source"] == "main (5 votes per question)"]
    for m, p in rows:
        p = p.format(accept=accept)
        for mode, frame in (("simulated", simulated), ("real", real_main)):
            hit = frame[(frame["method"] == m) & (frame["parameter"] == p)] if frame is not None else frame
            if hit is not None and len(hit):
                r = hit.iloc[0]
                out.append({"method": m, "parameter": p, "mode": mode, "precision": r["precision"],
                            "recall": r["recall"], "votes_per_image": r["votes_per_image"]})
    return pd.DataFrame(out)


def needed_by_group(per_class: pd.DataFrame, classes: pd.DataFrame,
                    groups: tuple[ClassGroup, ...] = FIG7_GROUPS, column: str = "votes_model_exact") -> pd.DataFrame:
    """Votes needed (``votes_needed_classes``) per group of classes and over all classes:
    classes, median and quartiles."""
    rows = [("all classes", np.ones(len(per_class), bool))] + [(g.label, g.select(classes)) for g in groups]
    out = [{"group": name, "classes": int(m.sum()), "median": float(per_class.loc[m, column].median()),
            "q25": float(per_class.loc[m, column].quantile(0.25)), "q75": float(per_class.loc[m, column].quantile(0.75))}
           for name, m in rows]
    return pd.DataFrame(out).set_index("group")
