"""The paper's cleaning algorithm (Sec 3.2): a confidence table per synset, then a dynamic
number of votes per candidate.

For each synset an initial random subset of candidates gets ``initial_votes`` (>= 10) votes
each. From it a **confidence table** T[y, n] = P(image is good | y yes and n no votes) is
counted: every subset image contributes, for each cell, the chance that a random y + n of
its votes are y yes and n no (hypergeometric), weighted by how good the image is. The paper
does not say how "good" was decided on the initial subset; we use each image's posterior
under a two-class model of all its votes (a mixture of two binomials fitted by EM), which
makes the counted table an unbiased estimate of P(good | y, n) when that model holds (the
tower property), and which stays near the base rate when the votes do not separate two
kinds of images (pure spammers, a synset a picture cannot show). ``labels="majority"``
uses the plain majority of the votes instead; with real votes, whose workers are known,
``judge="dawid-skene"`` judges the subset by Dawid-Skene (a confusion matrix per worker).
Sparse cells are shrunk towards the model's own posterior by ``smoothing`` pseudo-images.

Why a table can be overconfident (issue 9, measured on real votes in notebook 02): the subset
is judged from the very votes the table counts, through a model. The two-class model takes
every vote on an image as an independent draw with one yes-rate per class, so a look-alike
wrong image that fools most workers, or a yes from a worker who says yes to everything, counts
as much evidence as any other; its posterior is too sure, and so is every cell counted from
it. Where a cell uses all of an image's votes (y + n = the votes the image has) the cell *is*
the model's posterior, with nothing counted. Two things limit this: judging the subset by all
the votes a source has (``subset_votes``: a real source may hold 39 votes per image where the
table needs 10), and judging it by Dawid-Skene when the workers are known. What no judge can
remove is an error the whole crowd shares: the table is P(the crowd's consensus says good | y,
n), and only a truth (expert answers, a truth file) measures P(good | y, n).

Every remaining candidate then gets votes one round at a time (all still-open candidates
get one more vote per round, vectorised) until its confidence reaches ``accept`` (it joins
the clean set), falls to ``reject``, or ``max_votes`` is reached (undecided: left out).
A synset whose table never reaches ``accept`` within ``max_votes`` votes has **no
consensus**: the paper's synsets that "cannot be easily illustrated by images".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
from scipy.special import gammaln

from .. import paper
from ..errors import UserError
from ..rng import rng as stream
from .workers import NO_VOTE, WorkerModel, WorkerPool, expected_yes_rate, make_task

ACCEPT, REJECT, UNDECIDED = 1, 0, -1



class VoteSource(Protocol):
    def __len__(self) -> int: ...
    def slot(self, j: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]: ...
    def matrix(self, k: int) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(frozen=True)
class ConsensusConfig:
    """The dynamic consensus's parameters (the paper gives only 'at least 10' votes)."""

    n_initial: int = 100  # candidates in the initial random subset
    initial_votes: int = paper.INITIAL_VOTES  # votes on each of them ("at least 10 users", Sec 3.2)
    accept: float = 0.99  # confidence to accept (3 yes for "cat", ~5 for "Burmese cat" in Fig 7)
    reject: float = 0.05
    max_votes: int = 10  # vote cap per remaining candidate (the table reaches initial_votes)
    labels: str = "latent"  # "latent" | "majority": how subset images are judged good
    smoothing: float = 1.0  # pseudo-images pulling sparse cells towards the model posterior
    min_evidence: float = 10.0  # 2 log LR two classes vs one below which votes carry no signal
    min_good_yes: float = 0.5  # a "good" class must win a majority of its votes
    stop_without_consensus: bool = True  # no votes on the rest when the table cannot accept

    def __post_init__(self) -> None:
        if self.initial_votes < 1 or self.n_initial < 1:
            raise UserError("n_initial and initial_votes must be >= 1")
        if not 1 <= self.max_votes <= self.initial_votes:
            raise UserError(f"max_votes ({self.max_votes}) must be between 1 and initial_votes "
                            f"({self.initial_votes}): the confidence table reaches no further")
        if not 0 <= self.reject < self.accept <= 1:
            raise UserError(f"need 0 <= reject < accept <= 1, got {self.reject}, {self.accept}")
        if self.labels not in ("latent", "majority"):
            raise UserError(f"labels must be 'latent' or 'majority', not {self.labels!r}")

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- the two-class vote model

@dataclass(frozen=True)
class LatentFit:
    """Two kinds of images: good ones get a yes with p_good, bad ones with p_bad."""

    prior: float
    p_good: float
    p_bad: float
    evidence: float  # 2 * (log-lik two classes - log-lik one class)
    separates: bool  # evidence >= min_evidence and p_good >= min_good_yes

    def posterior(self, yes: np.ndarray, no: np.ndarray) -> np.ndarray:
        if not self.separates:
            return np.full(np.broadcast(yes, no).shape, self.prior)
        lo = (np.log(self.prior) - np.log1p(-self.prior)
              + yes * (np.log(self.p_good) - np.log(self.p_bad))
              + no * (np.log1p(-self.p_good) - np.log1p(-self.p_bad)))
        return 1.0 / (1.0 + np.exp(-lo))


def fit_latent(yes: np.ndarray, total: np.ndarray, min_evidence: float = 10.0,
               min_good_yes: float = 0.5, n_iter: int = 500,
               tol: float = 1e-10) -> tuple[np.ndarray, LatentFit]:
    """EM for a mixture of two binomials on per-image (yes, total) counts -> P(good) each.

    The votes "separate" good from bad images only if two classes fit clearly better than
    one (2 log LR >= min_evidence) and the good class wins a majority of its votes
    (p_good >= min_good_yes: the paper's "convincing majority"; a class that draws yes
    from only a third of the workers is a set of look-alikes, not the synset). Otherwise
    every image gets the same P(good), the share of yes votes, and no cell can accept.
    """
    yes, total = np.asarray(yes, float), np.asarray(total, float)
    no = total - yes
    eps = 1e-4
    if total.sum() == 0:
        fit = LatentFit(0.5, 0.5, 0.5, 0.0, False)
        return np.full(len(yes), 0.5), fit
    p1_all = np.clip(yes.sum() / total.sum(), eps, 1 - eps)
    ll1 = float(np.sum(yes * np.log(p1_all) + no * np.log1p(-p1_all)))
    pi, p1, p0 = 0.5, 0.8, 0.2
    prev = -np.inf
    g = np.full(len(yes), 0.5)
    for _ in range(n_iter):
        l1 = np.log(pi) + yes * np.log(p1) + no * np.log1p(-p1)
        l0 = np.log1p(-pi) + yes * np.log(p0) + no * np.log1p(-p0)
        m = np.maximum(l1, l0)
        ll = float(np.sum(m + np.log(np.exp(l1 - m) + np.exp(l0 - m))))
        g = 1.0 / (1.0 + np.exp(l0 - l1))
        # np.clip(x, eps, 1 - eps) and g.mean(), as plain scalar arithmetic (the same values)
        pi = float(min(max(g.sum() / g.size, eps), 1 - eps))
        p1 = float(min(max((g * yes).sum() / max((g * total).sum(), 1e-12), eps), 1 - eps))
        h = 1 - g
        p0 = float(min(max((h * yes).sum() / max((h * total).sum(), 1e-12), eps), 1 - eps))
        if ll - prev < tol:
            break
        prev = ll
    if p1 < p0:  # "good" is the class that gets more yes votes
        g, pi, p1, p0 = 1 - g, 1 - pi, p0, p1
    evidence = max(0.0, 2 * (prev - ll1))
    fit = LatentFit(pi, p1, p0, evidence, evidence >= min_evidence and p1 >= min_good_yes)
    if not fit.separates:
        g = np.full(len(yes), float(yes.sum() / total.sum()))
        fit = LatentFit(float(g[0]) if len(g) else 0.5, p1, p0, evidence, False)
    return g, fit


# ---------------------------------------------------------------- confidence tables

def _log_comb(n: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    n = np.asarray(n, float)
    k = np.asarray(k, float)
    ok = (k >= 0) & (k <= n)
    out = gammaln(n + 1) - gammaln(np.where(ok, k, 0) + 1) - gammaln(np.where(ok, n - k, 0) + 1)
    return np.where(ok, out, -np.inf)


def subset_weights(yes: np.ndarray, total: np.ndarray, y: int, n: int) -> np.ndarray:
    """Per image: the chance that y + n of its votes drawn at random are y yes and n no."""
    yes, total = np.asarray(yes), np.asarray(total)
    k = y + n
    with np.errstate(invalid="ignore"):  # -inf - -inf where the image has fewer than k votes
        lw = _log_comb(yes, y) + _log_comb(total - yes, n) - _log_comb(total, k)
    return np.where(total >= k, np.exp(np.where(total >= k, lw, -np.inf)), 0.0)


def _cell_weights(yes: np.ndarray, total: np.ndarray, cells: list[tuple[int, int]]) -> np.ndarray:
    """subset_weights(yes, total, y, n) for every cell (y, n) at once, [cells, images]: the same
    elementwise operations on broadcast arrays, so the same values (one call, not 66)."""
    yes, total = np.asarray(yes, float), np.asarray(total, float)
    y = np.array([c[0] for c in cells], float)[:, None]
    n = np.array([c[1] for c in cells], float)[:, None]
    k = y + n
    with np.errstate(invalid="ignore"):
        lw = _log_comb(yes[None, :], y) + _log_comb((total - yes)[None, :], n) - _log_comb(total[None, :], k)
    inside = total[None, :] >= k
    return np.where(inside, np.exp(np.where(inside, lw, -np.inf)), 0.0)


@dataclass
class ConfidenceTable:
    """T[y, n] = P(good | y yes, n no), for y + n <= size; NaN beyond."""

    values: np.ndarray  # [size+1, size+1]
    weight: np.ndarray  # images behind each cell (sum of subset weights)
    latent: LatentFit | None = None

    @property
    def size(self) -> int:
        return self.values.shape[0] - 1

    def lookup(self, yes: np.ndarray, no: np.ndarray) -> np.ndarray:
        return self.values[np.asarray(yes, int), np.asarray(no, int)]

    def lookup_capped(self, yes: np.ndarray, no: np.ndarray) -> np.ndarray:
        """T at the counts, NaN where an image has more votes than the table covers."""
        yes, no = np.asarray(yes, int), np.asarray(no, int)
        inside = yes + no <= self.size
        out = np.full(yes.shape, np.nan)
        out[inside] = self.values[yes[inside], no[inside]]
        return out

    def max_confidence(self, max_votes: int | None = None) -> float:
        k = self.size if max_votes is None else max_votes
        y, n = np.meshgrid(np.arange(self.size + 1), np.arange(self.size + 1), indexing="ij")
        cells = (y + n >= 1) & (y + n <= k)
        v = self.values[cells]
        return float(np.nanmax(v)) if np.isfinite(v).any() else float("nan")

    def votes_to_reach(self, threshold: float) -> int | None:
        """Fewest unanimous yes votes whose confidence reaches the threshold (None: never)."""
        for y in range(1, self.size + 1):
            if self.values[y, 0] >= threshold:
                return y
        return None

    def frame(self) -> pd.DataFrame:
        y, n = np.meshgrid(np.arange(self.size + 1), np.arange(self.size + 1), indexing="ij")
        keep = (y + n <= self.size)
        return pd.DataFrame({"yes": y[keep], "no": n[keep], "confidence": self.values[keep],
                             "weight": self.weight[keep]}).sort_values(["no", "yes"]).reset_index(drop=True)


def confidence_table(yes: np.ndarray, total: np.ndarray, good: np.ndarray, size: int,
                     smoothing: float = 0.0, prior: np.ndarray | float | None = None,
                     latent: LatentFit | None = None) -> ConfidenceTable:
    """Count T[y, n] from the initial subset: sum of w_i(y, n) * good_i / sum of w_i(y, n).

    ``good`` is 0/1 or a probability per image. ``prior`` (a [size+1, size+1] array or a
    number; default the weighted base rate) fills empty cells and receives ``smoothing``
    pseudo-images of weight.
    """
    yes, total, good = (np.asarray(a, float) for a in (yes, total, good))
    base = float(good.mean()) if len(good) else 0.5
    if prior is None:
        prior = base
    prior_arr = np.broadcast_to(np.asarray(prior, float), (size + 1, size + 1))
    values = np.full((size + 1, size + 1), np.nan)
    weight = np.zeros((size + 1, size + 1))
    cells = [(y, k - y) for k in range(size + 1) for y in range(k + 1)]
    all_w = _cell_weights(yes, total, cells)
    for i, (y, n) in enumerate(cells):
        w = all_w[i].copy()  # a fresh contiguous row: the same sums as subset_weights' array
        s = w.sum()
        weight[y, n] = s
        p = prior_arr[y, n]
        num, den = float(w @ good) + smoothing * p, s + smoothing
        values[y, n] = num / den if den > 0 else p
    return ConfidenceTable(values, weight, latent)


def table_from_votes(yes: np.ndarray, total: np.ndarray, config: ConsensusConfig,
                     truth: np.ndarray | None = None, good: np.ndarray | None = None) -> ConfidenceTable:
    """The confidence table of one synset from its initial subset's vote counts.

    ``truth`` (known only in the simulation, or from experts) replaces the judged labels: the
    oracle table. ``good`` is P(good) per subset image judged elsewhere (e.g. by Dawid-Skene
    with the workers known); the table is counted on it like on the majority's judgements.
    Images may have more votes than the table's size: the cells then weigh a random
    initial_votes-sample of all of them (hypergeometric), judged by all of them.
    """
    size = config.initial_votes
    if truth is not None:
        return confidence_table(yes, total, np.asarray(truth, float), size, config.smoothing)
    g, fit = fit_latent(yes, total, config.min_evidence, config.min_good_yes)
    y, n = np.meshgrid(np.arange(size + 1), np.arange(size + 1), indexing="ij")
    if good is not None or config.labels == "majority":
        # each image judged elsewhere (``good``) or by the majority of its votes; sparse cells
        # are shrunk towards the naive-Bayes posterior with yes-rates counted on those judgements
        if good is not None:
            g = np.asarray(good, float)
            if g.shape != np.shape(yes):
                raise UserError(f"good has {g.shape} values for {np.shape(yes)} subset images")
        else:
            g = (yes > total / 2).astype(float) + 0.5 * (yes == total / 2)
        yes_f, tot_f, eps = np.asarray(yes, float), np.asarray(total, float), 1e-4
        p1 = float(np.clip((g @ yes_f) / max(g @ tot_f, 1e-12), eps, 1 - eps))
        p0 = float(np.clip(((1 - g) @ yes_f) / max((1 - g) @ tot_f, 1e-12), eps, 1 - eps))
        prior = float(np.clip(g.mean(), eps, 1 - eps)) if len(g) else 0.5
        nb = LatentFit(prior, p1, p0, fit.evidence, p1 > p0)
        return confidence_table(yes, total, g, size, config.smoothing, prior=nb.posterior(y, n), latent=nb)
    return confidence_table(yes, total, g, size, config.smoothing, prior=fit.posterior(y, n), latent=fit)


# ---------------------------------------------------------------- the dynamic consensus

@dataclass
class SynsetConsensus:
    """Outcome of the dynamic consensus on one synset's candidates (row order kept)."""

    wnid: str
    table: ConfidenceTable
    initial: np.ndarray  # bool: in the initial subset
    yes: np.ndarray  # int16 yes votes received
    n_votes: np.ndarray  # int16 votes received
    confidence: np.ndarray  # float32 T at the final counts
    decision: np.ndarray  # int8 ACCEPT / REJECT / UNDECIDED
    consensus: bool  # the table reaches `accept` within max_votes
    rounds: int = 0
    meta: dict = field(default_factory=dict)
    votes_read: np.ndarray | None = None  # int16 votes read per row, where the subset's judge read more

    @property
    def accepted(self) -> np.ndarray:
        return self.decision == ACCEPT

    @property
    def total_votes(self) -> int:
        return int((self.n_votes if self.votes_read is None else self.votes_read).sum())


def choose_initial(n: int, config: ConsensusConfig, seed: int, wnid: str,
                   eligible: np.ndarray | None = None) -> np.ndarray:
    """The initial random subset's rows (among ``eligible`` rows if given), sorted."""
    pool = np.arange(n) if eligible is None else np.flatnonzero(eligible)
    gen = stream(seed, "initial-subset", wnid)
    k = min(config.n_initial, len(pool))
    return np.sort(gen.choice(pool, size=k, replace=False)) if k else pool[:0]


JUDGES = ("latent", "majority", "dawid-skene")


def dynamic_consensus(source: VoteSource, config: ConsensusConfig, wnid: str, seed: int,
                      eligible: np.ndarray | None = None,
                      truth: np.ndarray | None = None, subset_votes: int | None = None,
                      judge: str | None = None) -> SynsetConsensus:
    """Run the paper's algorithm on one synset. ``source`` gives vote j of any rows.

    ``eligible`` restricts the initial subset (real votes: images with enough votes);
    ``truth`` swaps the judged labels for the true ones (an oracle table, for comparison).
    ``subset_votes`` (>= initial_votes; None: initial_votes) is how many votes of each subset
    image are read to judge it (a real source may hold more than the table's size: all of them
    make a better judge); ``judge`` ("latent", "majority", "dawid-skene"; None: config.labels)
    how the subset is judged. The subset's own decisions use the table at its first
    initial_votes votes.
    """
    judge = config.labels if judge is None else judge
    if judge not in JUDGES:
        raise UserError(f"judge must be one of {', '.join(JUDGES)}, not {judge!r}")
    sv = config.initial_votes if subset_votes is None else int(subset_votes)
    if sv < config.initial_votes:
        raise UserError(f"subset_votes ({sv}) must be >= initial_votes ({config.initial_votes})")
    n = len(source)
    init = choose_initial(n, config, seed, wnid, eligible)
    yes = np.zeros(n, np.int16)
    tot = np.zeros(n, np.int16)
    w_sub = np.full((len(init), sv), -1, np.int64)
    v_sub = np.full((len(init), sv), NO_VOTE, np.int8)
    for j in range(sv):
        w, v = source.slot(j, init)
        w_sub[:, j], v_sub[:, j] = w, v
    first = v_sub[:, :config.initial_votes]
    yes[init] = (first == 1).sum(1)
    tot[init] = (first != NO_VOTE).sum(1)
    y_all, t_all = (v_sub == 1).sum(1), (v_sub != NO_VOTE).sum(1)
    good = None
    if judge == "dawid-skene" and truth is None:
        from .dawid_skene import dawid_skene_matrix

        good = dawid_skene_matrix(w_sub, v_sub)
    cfg = config if judge == config.labels or judge == "dawid-skene" else \
        ConsensusConfig(**{**config.to_dict(), "labels": judge})
    table = table_from_votes(y_all, t_all, cfg, None if truth is None else np.asarray(truth)[init], good)
    decision, is_open, consensus = _start(table, config, init, yes, tot)
    rounds = 0
    for j in range(config.max_votes):
        rows = np.flatnonzero(is_open)
        if not len(rows):
            break
        rounds += 1
        _, v = source.slot(j, rows)
        _vote_round(table, config, rows, v, yes, tot, decision, is_open)
    confidence = table.lookup(yes, tot - yes).astype(np.float32)
    read = None
    if sv > config.initial_votes:
        read = tot.copy()
        read[init] = t_all
    return SynsetConsensus(wnid, table, np.isin(np.arange(n), init), yes, tot, confidence,
                           decision, consensus, rounds, votes_read=read)


def _start(table: "ConfidenceTable", config: "ConsensusConfig", init: np.ndarray, yes: np.ndarray,
           tot: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Decide the initial subset (rows ``init``) by the table; every other candidate is open,
    unless the table cannot reach ``accept`` and the run stops without consensus.
    Returns (decision, is_open, consensus); shared by the live consensus and its replay."""
    n = len(yes)
    decision = np.full(n, UNDECIDED, np.int8)
    conf0 = table.lookup(yes[init], tot[init] - yes[init])
    decision[init[conf0 >= config.accept]] = ACCEPT
    decision[init[conf0 <= config.reject]] = REJECT
    consensus = bool(table.max_confidence(config.max_votes) >= config.accept)
    is_open = np.ones(n, bool)
    is_open[init] = False
    if not consensus and config.stop_without_consensus:
        is_open[:] = False
    return decision, is_open, consensus


def _vote_round(table: "ConfidenceTable", config: "ConsensusConfig", rows: np.ndarray, v: np.ndarray,
                yes: np.ndarray, tot: np.ndarray, decision: np.ndarray, is_open: np.ndarray) -> None:
    """One more vote for each open candidate: accept, reject or keep open (in place).

    Shared by the live consensus and its replay on stored votes, so both decide alike."""
    got = v != NO_VOTE
    yes[rows] += (v == 1)
    tot[rows] += got
    conf = table.lookup(yes[rows], tot[rows] - yes[rows])
    acc = got & (conf >= config.accept)
    rej = got & (conf <= config.reject) & ~acc
    decision[rows[acc]] = ACCEPT
    decision[rows[rej]] = REJECT
    is_open[rows[acc | rej | ~got]] = False

def decide(table: ConfidenceTable, votes: np.ndarray, initial: np.ndarray,
           config: ConsensusConfig) -> tuple[np.ndarray, np.ndarray]:
    """Replay the dynamic consensus on a stored [n, k] vote matrix (NO_VOTE = missing) with
    a given table and thresholds: (decision, votes used). For cost-precision curves."""
    n, k = votes.shape
    yes = np.zeros(n, np.int16)
    tot = np.zeros(n, np.int16)
    iv = min(config.initial_votes, k)
    yes[initial] = (votes[initial, :iv] == 1).sum(1)
    tot[initial] = (votes[initial, :iv] != NO_VOTE).sum(1)
    decision, is_open, _ = _start(table, config, np.flatnonzero(initial), yes, tot)
    for j in range(min(config.max_votes, k)):
        rows = np.flatnonzero(is_open)
        if not len(rows):
            break
        _vote_round(table, config, rows, votes[rows, j], yes, tot, decision, is_open)
    return decision, tot


# ---------------------------------------------------------------- fitting the workers to Fig 7

@dataclass(frozen=True)
class FitSynset:
    """One synset whose measured confidence table the worker model is fitted to."""

    wnid: str  # also the column of ``paper`` (e.g. "cat.n.01") is matched by ``label``
    label: str
    candidates: pd.DataFrame  # is_positive, similarity, difficulty
    imageability: float
    confusability: float


def expected_table(pool: WorkerPool, fs: FitSynset, size: int = 3,
                   max_candidates: int | None = 4000) -> np.ndarray:
    """P(truly good | y yes, n no) under the worker model, votes independent given the
    image: sum_c t_c q_c^y (1-q_c)^n / sum_c q_c^y (1-q_c)^n, q_c the pool's yes-rate.
    Over a fixed random sample of at most ``max_candidates`` candidates (speed)."""
    cands = fs.candidates
    if max_candidates is not None and len(cands) > max_candidates:
        gen = stream(pool.seed, "fit-sample", fs.wnid)
        cands = cands.iloc[np.sort(gen.choice(len(cands), max_candidates, replace=False))]
    task = make_task(pool.model, fs.wnid, cands, fs.imageability, fs.confusability)
    q = np.clip(expected_yes_rate(pool, task), 1e-12, 1 - 1e-12)
    t = task.is_positive.astype(float)
    out = np.full((size + 1, size + 1), np.nan)
    lq, l1q = np.log(q), np.log1p(-q)
    for y in range(size + 1):
        for n in range(size + 1 - y):
            lw = y * lq + n * l1q
            w = np.exp(lw - lw.max())
            out[y, n] = float(w @ t / w.sum())
    return out


@dataclass
class WorkerFit:
    model: WorkerModel
    start: WorkerModel
    params: dict[str, float]
    residuals: pd.DataFrame  # label, yes, no, paper, start, fitted, residual
    rmse_start: float
    rmse: float
    success: bool
    message: str


# What Fig 7 can speak to: how much a fine-grained synset (confusability), a look-alike
# wrong image (similarity) and a hard image (difficulty) cost a worker. The skills and the
# shares of worker kinds stay at their stated priors (two tables cannot tell them apart
# from the costs).
DEFAULT_FIT_PARAMS: dict[str, tuple[float, float]] = {
    "beta_difficulty": (0.0, 10.0),
    "beta_confusability": (0.0, 40.0),
    "beta_similarity": (0.0, 40.0),
}


def fit_worker_model(synsets: list[FitSynset], model: WorkerModel = WorkerModel(),
                     seed: int = 2009, measured: pd.DataFrame | None = None,
                     params: dict[str, tuple[float, float]] | None = None) -> WorkerFit:
    """Least-squares fit of some worker-model parameters (with bounds) so that the model's
    confidence tables of the given synsets match ``measured`` ones (default: the paper's Fig 7).

    Deterministic: the expected tables are computed in closed form, no sampling.
    """
    from scipy.optimize import least_squares

    measured = paper.FIG7 if measured is None else measured

    params = dict(DEFAULT_FIT_PARAMS if params is None else params)
    names = list(params)
    for fs in synsets:
        if fs.label not in measured.columns:
            raise UserError(f"no measured table for {fs.label!r}: columns are {list(measured.columns)[2:]}")
    ys, ns = measured["yes"].to_numpy(int), measured["no"].to_numpy(int)
    size = int((ys + ns).max())
    target = np.concatenate([measured[fs.label].to_numpy(float) for fs in synsets])

    def predict(m: WorkerModel) -> np.ndarray:
        pool = WorkerPool.create(m, seed)
        return np.concatenate([expected_table(pool, fs, size)[ys, ns] for fs in synsets])

    def resid(x: np.ndarray) -> np.ndarray:
        return predict(model.with_params(**dict(zip(names, map(float, x))))) - target

    x0 = np.array([np.clip(getattr(model, k), *params[k]) for k in names], float)
    lo = np.array([params[k][0] for k in names])
    hi = np.array([params[k][1] for k in names])
    res = least_squares(resid, x0, bounds=(lo, hi), diff_step=1e-3, xtol=1e-8, ftol=1e-10)
    fitted = model.with_params(**dict(zip(names, map(float, res.x))))
    start_pred = predict(model)
    fit_pred = predict(fitted)
    rows = pd.DataFrame({
        "label": np.repeat([fs.label for fs in synsets], len(measured)),
        "yes": np.tile(ys, len(synsets)), "no": np.tile(ns, len(synsets)),
        "paper": target, "start": start_pred, "fitted": fit_pred, "residual": fit_pred - target})
    rmse = lambda p: float(np.sqrt(np.mean((p - target) ** 2)))  # noqa: E731
    return WorkerFit(fitted, model, dict(zip(names, map(float, res.x))), rows,
                     rmse(start_pred), rmse(fit_pred), bool(res.success), str(res.message))
