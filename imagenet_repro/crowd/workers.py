"""A simulated pool of Mechanical Turk workers who vote yes/no on candidate images.

The assumptions, all parameters of :class:`WorkerModel` (defaults are prior guesses, not
fitted; ``fit_worker_model`` in :mod:`.consensus` may fit some of them to the paper's Fig 7,
visibly, in notebook 02):

- three kinds of workers: *careful* and *careless* workers (a skill ``theta`` on the logit
  scale, drawn around a per-kind mean) and *spammers*, who answer yes at their own fixed
  rate (uniform in [0, 1]) whatever the image shows;
- an honest worker w is right about candidate c of synset s with probability
  ``sigmoid(theta_w * clarity_c)``, never below a coin flip: hard cases make workers
  unsure, not systematically wrong, so more votes can still settle them (the paper's
  premise). ``clarity_c`` in (0, 1] is how much of the worker's skill can show:

  ``clarity_c = imageability_s ** imageability_power * exp(-beta_difficulty * difficulty_c``
  ``- beta_confusability * confusability_s ** p - beta_similarity * similarity_c ** p)``

  an occluded or cluttered image (difficulty), a synset a picture cannot show
  (imageability), a fine-grained synset with look-alike siblings (confusability: is this
  *Burmese* cat really Burmese?) and, for a wrong image, its likeness to the synset
  (similarity: a Siamese cat offered as a Burmese cat; 0 for junk and for right images)
  all push a worker towards a coin flip. ``p = similarity_power``: in the world all
  synsets of a subtree have latent cosine similarities of 0.85-0.99, and the power spreads
  that range (0.85 ** 20 = 0.04, 0.95 ** 20 = 0.36, 0.99 ** 20 = 0.82);
- each vote goes to a worker drawn by activity (heavy-tailed, log-normal), never the same
  worker twice on one image.

Votes are drawn per *slot*: slot j is the j-th vote of every candidate of a synset, from a
generator seeded by (seed, synset, j). So the dynamic consensus, which asks for slot j only
for the still-open candidates, and the baselines, which read the whole vote matrix, see the
very same votes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UserError
from ..rng import rng

CAREFUL, CARELESS, SPAMMER = 0, 1, 2
KIND_NAMES = ("careful", "careless", "spammer")
NO_VOTE = -1


@dataclass(frozen=True)
class WorkerModel:
    """Parameters of the simulated crowd (see the module docstring for the vote model)."""

    n_workers: int = 1000
    share_careful: float = 0.6
    share_careless: float = 0.3
    share_spammer: float = 0.1
    skill_careful: float = 4.0  # logit of a right vote on a perfectly clear image (0.98)
    skill_careless: float = 2.0  # (0.88)
    skill_sd: float = 0.5  # spread of skill within a kind
    activity_sigma: float = 1.0  # log-normal spread of how many votes a worker casts
    beta_difficulty: float = 1.0
    beta_confusability: float = 1.0
    beta_similarity: float = 3.0
    similarity_power: float = 20.0
    imageability_power: float = 1.0

    def __post_init__(self) -> None:
        shares = (self.share_careful, self.share_careless, self.share_spammer)
        if min(shares) < 0 or abs(sum(shares) - 1) > 1e-9:
            raise UserError(f"worker shares must be >= 0 and sum to 1, got {shares}")
        if self.n_workers < 11:
            raise UserError("the worker pool needs at least 11 workers (10 distinct votes per image)")

    def with_params(self, **params: float) -> "WorkerModel":
        unknown = set(params) - set(asdict(self))
        if unknown:
            raise UserError(f"unknown worker-model parameter(s): {', '.join(sorted(unknown))}")
        return replace(self, **params)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class WorkerPool:
    """The workers: kind, skill, yes-rate (spammers) and activity, one array entry each.

    The standard-normal draws behind the skills are fixed by the seed, so changing a skill
    mean moves every worker smoothly (what a fit needs).
    """

    model: WorkerModel
    seed: int
    name: str
    kind: np.ndarray  # int8
    skill: np.ndarray  # float64, logit scale (unused for spammers)
    yes_rate: np.ndarray  # float64, spammers only
    activity: np.ndarray  # float64, sums to 1

    @classmethod
    def create(cls, model: WorkerModel = WorkerModel(), seed: int = 2009,
               name: str = "worker-pool") -> "WorkerPool":
        """The pool called ``name`` (another name: other people, e.g. "verifiers")."""
        gen = rng(seed, name)
        n = model.n_workers
        counts = np.floor(np.array([model.share_careful, model.share_careless]) * n).astype(int)
        kind = np.repeat(np.array([CAREFUL, CARELESS, SPAMMER], dtype=np.int8),
                         [counts[0], counts[1], n - counts.sum()])
        if model.share_spammer == 0:
            kind[kind == SPAMMER] = CARELESS if model.share_careless > 0 else CAREFUL
        z = gen.standard_normal(n)
        mean = np.where(kind == CAREFUL, model.skill_careful, model.skill_careless)
        skill = mean + model.skill_sd * z
        yes_rate = gen.random(n)
        activity = gen.lognormal(0.0, model.activity_sigma, n)
        return cls(model, seed, name, kind, skill, yes_rate, activity / activity.sum())

    def with_model(self, model: WorkerModel) -> "WorkerPool":
        """The same workers (the same seeded draws) under other parameters."""
        return WorkerPool.create(model, self.seed, self.name)

    def __len__(self) -> int:
        return len(self.kind)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"kind": [KIND_NAMES[k] for k in self.kind], "skill": self.skill,
                             "yes_rate": self.yes_rate, "activity": self.activity},
                            index=pd.RangeIndex(len(self), name="worker_id"))


@dataclass(frozen=True)
class SynsetTask:
    """What a worker is shown for one synset: its candidates' hidden truth and hardness."""

    wnid: str
    is_positive: np.ndarray  # bool [n]
    clarity: np.ndarray  # float [n], in (0, 1]: how much of a worker's skill can show

    def __len__(self) -> int:
        return len(self.is_positive)


def make_task(model: WorkerModel, wnid: str, candidates: pd.DataFrame, imageability: float,
              confusability: float) -> SynsetTask:
    """The clarity of one synset's candidates (see the module docstring)."""
    missing = [c for c in ("is_positive", "similarity", "difficulty") if c not in candidates]
    if missing:
        raise UserError(f"candidates of {wnid} lack column(s) {', '.join(missing)}")
    pos = candidates["is_positive"].to_numpy(dtype=bool)
    sim = np.clip(candidates["similarity"].to_numpy(dtype=np.float64), 0.0, 1.0)
    diff = np.clip(candidates["difficulty"].to_numpy(dtype=np.float64), 0.0, 1.0)
    conf = float(np.clip(confusability, 0.0, 1.0)) if np.isfinite(confusability) else 0.0
    img = float(np.clip(imageability, 0.0, 1.0))
    lookalike = np.where(pos, 0.0, sim ** model.similarity_power)
    clarity = img ** model.imageability_power * np.exp(
        -model.beta_difficulty * diff - model.beta_confusability * conf ** model.similarity_power
        - model.beta_similarity * lookalike)
    return SynsetTask(wnid, pos, clarity)


def p_yes(pool: WorkerPool, task: SynsetTask, workers: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """P(worker votes yes) for pairs (workers[i], candidate rows[i])."""
    k = pool.kind[workers]
    right = sigmoid(pool.skill[workers] * task.clarity[rows])
    p = np.where(task.is_positive[rows], right, 1.0 - right)
    return np.where(k == SPAMMER, pool.yes_rate[workers], p)


def expected_yes_rate(pool: WorkerPool, task: SynsetTask) -> np.ndarray:
    """P(a vote is yes) per candidate, averaged over the pool by activity (votes are
    independent given the candidate, up to the no-repeat rule): what a fit needs."""
    honest = pool.kind != SPAMMER
    a_h, a_s = pool.activity[honest], pool.activity[~honest]
    right = sigmoid(task.clarity[:, None] * pool.skill[honest][None, :]) @ a_h
    p_honest = np.where(task.is_positive, right, a_h.sum() - right)
    return p_honest + float(pool.yes_rate[~honest] @ a_s)


class SimulatedVotes:
    """Votes on one synset's candidates, drawn slot by slot (slot j = the j-th vote of every
    candidate). Slot j's uniforms come from a generator seeded by (seed, stream, wnid, j) and
    are drawn for all candidates at once (cheap), but workers and votes are computed only for
    the rows that ask; so a candidate's j-th vote is the same whether the dynamic consensus
    asks for it or a baseline reads the whole matrix."""

    def __init__(self, pool: WorkerPool, task: SynsetTask, seed: int, stream: str = "votes",
                 capacity: int = 16) -> None:
        self.pool, self.task, self.seed, self.stream = pool, task, seed, stream
        n = len(task)
        self.workers = np.full((n, capacity), -1, np.int32)
        self.votes = np.full((n, capacity), NO_VOTE, np.int8)
        self._cum = np.cumsum(pool.activity)
        self._uniforms: dict[tuple[int, int], tuple[np.ndarray, ...]] = {}  # (slot, attempt) -> draws
        self.simulated = 0  # votes computed so far

    def __len__(self) -> int:
        return len(self.task)

    def _rng(self, j: int, attempt: int) -> np.random.Generator:
        return rng(self.seed, self.stream, self.task.wnid, j, attempt)

    def _draws(self, j: int, attempt: int) -> tuple[np.ndarray, ...]:
        """The uniforms of (slot, attempt) for every candidate: attempt 0 draws two (worker,
        vote), a redraw one. Kept, so the initial subset and the later rounds, which both
        ask for slot j, seed and draw its generator once."""
        got = self._uniforms.get((j, attempt))
        if got is None:
            gen, n = self._rng(j, attempt), len(self.task)
            got = (gen.random(n), gen.random(n)) if attempt == 0 else (gen.random(n),)
            self._uniforms[(j, attempt)] = got
        return got

    def _pick(self, u: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(self._cum, u * self._cum[-1], side="right")
        return np.minimum(idx, len(self._cum) - 1).astype(np.int32)

    def _draw(self, j: int, rows: np.ndarray) -> None:
        if j >= self.workers.shape[1]:
            grow = max(j + 1, 2 * self.workers.shape[1]) - self.workers.shape[1]
            self.workers = np.pad(self.workers, ((0, 0), (0, grow)), constant_values=-1)
            self.votes = np.pad(self.votes, ((0, 0), (0, grow)), constant_values=NO_VOTE)
        all_worker, all_vote = self._draws(j, 0)
        u_worker, u_vote = all_worker[rows], all_vote[rows]
        w = self._pick(u_worker)
        prev = self.workers[rows, :j]
        for attempt in range(1, 200):  # redraw workers who already voted on the same image
            clash = (prev == w[:, None]).any(axis=1) if j else np.zeros(len(rows), bool)
            if not clash.any():
                break
            w[clash] = self._pick(self._draws(j, attempt)[0][rows[clash]])
        self.workers[rows, j] = w
        self.votes[rows, j] = u_vote < p_yes(self.pool, self.task, w, rows)
        self.simulated += len(rows)

    def slot(self, j: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(worker ids, votes 0/1) of vote j for the given candidate rows (all if None)."""
        rows = np.arange(len(self)) if rows is None else np.asarray(rows, dtype=np.int64)
        for jj in range(j + 1):
            if jj < self.workers.shape[1]:
                need = rows[self.votes[rows, jj] == NO_VOTE]
            else:
                need = rows
            if len(need):
                self._draw(jj, need)
        return self.workers[rows, j], self.votes[rows, j]

    def matrix(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Workers and votes of slots 0..k-1: two [n, k] arrays."""
        if k:
            self.slot(k - 1)
        return self.workers[:, :k].copy(), self.votes[:, :k].copy()


class MatrixVotes:
    """Votes already collected (a real CSV, or a stored simulated matrix): slot j of a row is
    its j-th vote, NO_VOTE (-1) where the image has no more votes."""

    def __init__(self, workers: np.ndarray, votes: np.ndarray) -> None:
        if workers.shape != votes.shape:
            raise ValueError("workers and votes must have the same shape")
        self.workers, self.votes = workers, votes
        self.simulated = 0

    def __len__(self) -> int:
        return self.votes.shape[0]

    def slot(self, j: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        rows = np.arange(len(self)) if rows is None else rows
        if j >= self.votes.shape[1]:
            return np.full(len(rows), -1, np.int32), np.full(len(rows), NO_VOTE, np.int8)
        return self.workers[rows, j], self.votes[rows, j]

    def matrix(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        w, v = self.workers[:, :k], self.votes[:, :k]
        if v.shape[1] < k:
            pad = k - v.shape[1]
            w = np.pad(w, ((0, 0), (0, pad)), constant_values=-1)
            v = np.pad(v, ((0, 0), (0, pad)), constant_values=NO_VOTE)
        return w, v
