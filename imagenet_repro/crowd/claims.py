"""The claims notebook 02 records (Fig 7, Fig 4, the clean set, votes, cost and quality).

Each function takes the notebook's ResultWriter and the numbers it computed, and records
claims with the ids, values and notes the report shows; here so they are tested, not
rewritten by hand in notebook cells. Every claim is simulated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import paper
from ..results import mean_interval, wilson_interval
from .consensus import ConfidenceTable, WorkerFit

if TYPE_CHECKING:
    from ..results import ResultWriter

FIG7_KEYS = {"cat.n.01": "cat", "burmese_cat.n.01": "burmese_cat"}  # label -> id part

# The rows of the cost-precision table that become claims: (method, parameter, id part);
# the dynamic consensus's parameter is filled with the accept threshold of the run.
COST_CLAIMS: tuple[tuple[str, str, str], ...] = (
    ("dynamic consensus (paper)", "accept={accept}", "dynamic"),
    ("majority vote", "k=3", "mv3"), ("majority vote", "k=5", "mv5"), ("majority vote", "k=9", "mv9"),
    ("Dawid-Skene (P>=0.5)", "k=5", "ds5"), ("Dawid-Skene (P>=0.99)", "k=9", "ds9_099"),
    ("Dawid-Skene on the dynamic votes (P>=0.99)", "adaptive", "ds_dynamic_099"),
)


def record_fig7_claims(out: ResultWriter, fig7: pd.DataFrame, estimated: dict[str, ConfidenceTable],
                       accept: float, fit: WorkerFit | None = None) -> dict[str, int | None]:
    """Fig 7: every cell of the estimated tables against the paper's (within 0.1), whether
    "Burmese cat" needs more unanimous yes votes than "cat" to reach ``accept``, and the
    fit's RMSE when the worker model was fitted. Returns the votes each needs (None: never)."""
    for r in fig7.itertuples():
        w = float(estimated[r.label].weight[r.yes, r.no])  # subset images behind the cell
        out.claim(f"fig7.{FIG7_KEYS[r.label]}.y{r.yes}n{r.no}", f'P(good | {r.yes} yes, {r.no} no) for "{r.label}", '
                  "table estimated from the simulated initial subset", "Sec 3.2 / Fig 7", r.paper, r.estimated,
                  "simulated", direction="approx", tolerance=0.1, fitted=fit is not None, n=round(w),
                  interval=wilson_interval(r.estimated * w, w),
                  note=f"worker model {'fitted to Fig 7' if fit is not None else 'at its priors'}; "
                       f"model's expected value {r.fitted:.3f}")
    need = {label: t.votes_to_reach(accept) for label, t in estimated.items()}
    more = (need["burmese_cat.n.01"] or 99) > (need["cat.n.01"] or 99)
    out.claim("fig7.burmese_needs_more_votes", '"Burmese cat" needs more votes than "cat" for the same confidence',
              "Sec 3.2 / Fig 7", "yes", "yes" if more else "no", "simulated", direction="==",
              fitted=fit is not None, note=f"unanimous yes votes to reach {accept}: {need}")
    if fit is not None:
        out.claim("fig7.fit_rmse", "RMSE of the fitted worker model's tables against Fig 7's 14 cells",
                  "Sec 3.2 / Fig 7", None, fit.rmse, "simulated", direction="info",
                  note=f"prior guess: {fit.rmse_start:.3f}; fitted {fit.params}")
    return need


def record_clean_claims(out: ResultWriter, summary: pd.DataFrame, clean: pd.DataFrame,
                        amount: float) -> None:
    """The clean set of every synset: mean precision and recall against the truth, and its
    size (all info: the paper measured precision on a sample only, Fig 4)."""
    pooled = summary["true_accepted"].sum() / max(summary["accepted"].sum(), 1)
    out.claim("clean.precision_all_synsets", "precision of the clean set, mean over every cleaned synset (truth)",
              "Sec 3.2", None, summary["precision"].mean(), "simulated", direction="info",
              note=f"{summary['precision'].notna().sum()} synsets with images; pooled over images {pooled:.4f}")
    out.claim("clean.recall_all_synsets",
              "share of the true images among the candidates that were accepted (mean over synsets)",
              "Sec 3.2", None, summary["recall"].mean(), "simulated", direction="info")
    out.claim("clean.images", "clean images in the simulated run", "Sec 2", None, len(clean), "simulated",
              direction="info", note=f"web scaled by {amount}; full size only at scale=paper")


def record_fig4_claims(out: ResultWriter, sample: pd.DataFrame, by_depth: pd.DataFrame,
                       verify_votes: int, verified: pd.DataFrame | None = None) -> None:
    """Fig 4: synsets sampled, mean precision against the truth and as independent workers
    judge it (against the paper's mean, within 0.5 points), and the worst depth. The means are read from
    ``by_depth.attrs`` (mean, mean_verified), as ``fig4_precision`` sets them."""
    out.claim("fig4.synsets", "synsets sampled across depths of mammal and vehicle", "Sec 2 / Fig 4", paper.FIG4_SYNSETS,
              len(sample), "simulated", direction="==")
    out.claim("fig4.mean_precision", "mean precision of the clean set per synset, against the truth",
              "Sec 2 / Fig 4", paper.FIG4_MEAN_PRECISION, by_depth.attrs["mean"], "simulated", direction="approx",
              tolerance=0.005, n=len(sample),
              interval=None if verified is None else mean_interval(verified["precision"]),
              note=f"range over depths {by_depth['precision'].min():.3f}-{by_depth['precision'].max():.3f}")
    out.claim("fig4.mean_precision_verified", "mean precision as an independent group of simulated workers estimates it",
              "Sec 2 / Fig 4", paper.FIG4_MEAN_PRECISION, by_depth.attrs["mean_verified"], "simulated", direction="approx",
              tolerance=0.005, n=len(sample),
              interval=None if verified is None else mean_interval(verified["precision_verified"]), note=f"{verify_votes} votes per image, majority; range over depths "
              f"{by_depth['precision_verified'].min():.3f}-{by_depth['precision_verified'].max():.3f}")
    out.claim("fig4.min_depth_precision", "lowest mean precision at any depth (truth)", "Sec 2 / Fig 4", None,
              by_depth["precision"].min(), "simulated", direction="info",
              note=f"at depth {int(by_depth['precision'].idxmin())}")


def record_votes_claims(out: ResultWriter, summary: pd.DataFrame, by_depth: pd.DataFrame,
                        initial_votes: int) -> tuple[float, float]:
    """Votes per image (initial subset: the paper's "at least 10"; all candidates) and the
    share of synsets without consensus. Returns (votes per candidate, no-consensus share)."""
    vpi = summary["votes"].sum() / summary["candidates"].sum()
    no_cons = 1 - summary["consensus"].mean()
    out.claim("votes.initial_per_image", "votes on each image of the initial subset", "Sec 3.2", paper.INITIAL_VOTES,
              initial_votes,
              "simulated", direction=">=", note="paper: at least 10 users per image of the initial subset")
    out.claim("votes.per_image", "votes per candidate image, all synsets", "Sec 3.2", None, vpi, "simulated",
              direction="info",
              note=f"by depth {by_depth['votes_per_image'].min():.2f}-{by_depth['votes_per_image'].max():.2f}")
    out.claim("votes.no_consensus_share", "share of synsets whose confidence table never reaches the accept threshold",
              "Sec 3.2", None, no_cons, "simulated", direction="info",
              note="paper: 'for some synsets, users fail to reach a majority vote for any image' (no number)")
    return float(vpi), float(no_cons)


def record_cost_claims(out: ResultWriter, cp: pd.DataFrame, accept: float) -> None:
    """Precision (pooled over images) of the paper's method and of the baselines at the
    settings in COST_CLAIMS, each with its votes per image and recall; rows the table lacks
    (a k not run) are skipped."""
    for m, p, key in COST_CLAIMS:
        p = p.format(accept=accept)
        hit = cp[(cp["method"] == m) & (cp["parameter"] == p)]
        if len(hit):
            r = hit.iloc[0]
            out.claim(f"cost.{key}.precision", f"{m} ({p}): precision (pooled over images)", "Sec 3.2", None,
                      r["precision"], "simulated", direction="info",
                      note=f"{r['votes_per_image']:.2f} votes per image, recall {r['recall']:.3f}")
