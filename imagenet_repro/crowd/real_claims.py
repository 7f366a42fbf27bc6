"""The claims notebook 02 records on real votes (mode "real"): ReaL, and a user's votes CSV.

Each function takes the notebook's ResultWriter and what ``real_votes`` computed; here so the
ids, values and notes are tested, not rewritten in notebook cells. The paper's values come from
``paper``; every verdict compares a real measurement with them, and a note says what differs
(later images, trained raters, questions proposed by models, multi-label ReaL sets).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import paper

if TYPE_CHECKING:
    from ..results import ResultWriter
    from .real_votes import CsvResult, Fig7Real, RealData, ReplayResult

SECTION = "Sec 3.2"
DIFFERS = "ILSVRC-2012 val images, 2020 trained raters, questions proposed by models"


def _fmt(x: float, digits: int = 3) -> str:
    return "never" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}g}"


def record_real_data_claims(out: ResultWriter, data: RealData, coverage: pd.DataFrame) -> None:
    """What the real votes are: counts, the classes in the paper's subtrees, the subset's votes."""
    c = data.counts()
    out.claim("real.data.votes", "real votes loaded (ReaL: raters x questions)", SECTION, None, c["votes"], "real",
              direction="info", note=f"{c['raters']} raters, {c['questions']:,} questions on {c['images']:,} images, "
                                     f"{c['answers']:,} answers; maybe -> {data.maybe}")  # no timing: claims are byte-identical
    inside = int(coverage.drop(index="(outside the 12 subtrees)", errors="ignore")["classes"].sum())
    top = coverage.drop(index="(outside the 12 subtrees)", errors="ignore").sort_values("classes", ascending=False)
    out.claim("real.data.classes_in_subtrees", "share of the 1,000 ILSVRC-2012 classes inside the paper's 12 subtrees",
              "Sec 1", None, inside / coverage["classes"].sum(), "real", direction="info",
              note=f"{inside} classes; " + ", ".join(f"{s} {n}" for s, n in top["classes"].items() if n))
    out.claim("real.votes.initial_per_image", "votes on each image of the initial subset (the golden questions)",
              SECTION, paper.INITIAL_VOTES, c["golden_votes_per_question_min"], "real", direction=">=",
              note=f"{c['golden_raters']} raters on each of {c['golden_questions']:,} golden questions; paper: at least 10 users")


def record_real_fig7_claims(out: ResultWriter, fig7: Fig7Real, accept: float) -> dict[str, object]:
    """Fig 7 on real votes: each of the paper's cells of the expert table against the paper's
    column the group stands beside (within 0.1), how far the consensus table overstates the
    expert one, and whether the fine-grained group needs more unanimous yes votes to reach
    ``accept`` (against the experts and from the consensus). Returns the votes needed."""
    from .real_votes import fine_grained_needs_more

    g = fig7.groups
    for r in fig7.cells.itertuples():
        out.claim(f"real.fig7.{r.group}.y{r.yes}n{r.no}",
                  f"P(good | {r.yes} yes, {r.no} no) for {r.label}, counted against the experts", "Sec 3.2 / Fig 7",
                  r.paper, r.expert, "real", direction="approx", tolerance=0.1,
                  note=f"beside the paper's {r.paper_label}; 5-95% {r.expert_lo:.2f}-{r.expert_hi:.2f}; consensus "
                       f"{r.consensus:.3f}; {g.at[r.group, 'questions']} golden questions ({g.at[r.group, 'good']} good); {DIFFERS}")
    for key, sub in fig7.cells.groupby("group", sort=False):
        over = (sub["consensus"] - sub["expert"])
        out.claim(f"real.fig7.{key}.consensus_excess", f"largest excess of the consensus table over the expert one "
                  f"({sub['label'].iat[0]}, the paper's 7 cells)", "Sec 3.2 / Fig 7", None, float(over.max()), "real",
                  direction="info", note=f"at {sub.loc[over.idxmax(), 'yes']} yes {sub.loc[over.idxmax(), 'no']} no; "
                                         f"mean {over.mean():+.3f}: the table is P(the crowd's consensus says good), "
                                         "not P(good)")
    need = {}
    n = fig7.need[fig7.need["threshold"] == accept].set_index(["group", "estimate"])
    for est in ("expert", "consensus"):
        more = fine_grained_needs_more(fig7, accept, est)
        votes = {grp: n.at[(grp, est), "votes"] for grp in g.index}
        spread = {grp: f"{_fmt(n.at[(grp, est), 'votes_lo'], 2)}-{_fmt(n.at[(grp, est), 'votes_hi'], 2)}"
                  for grp in g.index if "votes_lo" in n.columns}
        need[est] = votes
        out.claim(f"real.fig7.finegrained_needs_more_votes.{est}",
                  f"dog breeds need more unanimous yes votes than vehicle classes to reach {accept} "
                  f"({'against the experts' if est == 'expert' else 'from the consensus'})", "Sec 3.2 / Fig 7",
                  "yes", "yes" if more else "no", "real", direction="==",
                  note=f"votes: {', '.join(f'{k} {_fmt(v, 2)}' for k, v in votes.items())}; 5-95% over image "
                       f"resamplings: {spread}; {DIFFERS}")
    return need


def record_real_depth_claims(out: ResultWriter, golden_bins: pd.DataFrame, per_depth: pd.DataFrame,
                             by_group: pd.DataFrame | None = None) -> None:
    """Votes needed against WordNet depth: the rank correlation over all classes and its
    verdict on the paper's claim (deeper, more fine-grained synsets need more votes), the
    groups' medians (dog breeds against vehicle classes), and the golden-question bins (against
    the experts) as information."""
    a = per_depth.attrs
    if by_group is not None:
        out.claim("real.votes_needed.by_group", "median votes a class needs (its own 5-vote questions), per group",
                  "Sec 3.2", None, "; ".join(f"{g}: {r['median']:.2f}" for g, r in by_group.iterrows()), "real",
                  direction="info", note="; ".join(f"{g}: {int(r['classes'])} classes, quartiles {r['q25']:.2f}-{r['q75']:.2f}"
                                                   for g, r in by_group.iterrows()))
    deeper = a["spearman"] > 0 and a["p_value"] < 0.01
    shallow = per_depth[per_depth.index <= 10]
    deep = per_depth[per_depth.index >= 12]
    out.claim("real.votes_needed.deeper_needs_more", "deeper (more fine-grained) synsets need more votes for the "
              "same confidence (all 1,000 classes, Spearman rho > 0 at p < 0.01)", "Sec 3.2", "yes",
              "yes" if deeper else "no", "real", direction="==",
              note=f"rho {a['spearman']:.3f} (p {a['p_value']:.2g}) over classes; mean votes at depth <= 10: "
                   f"{np.average(shallow['mean'], weights=shallow['classes']):.2f}, >= 12: "
                   f"{np.average(deep['mean'], weights=deep['classes']):.2f}; each class's own 5-vote questions; {DIFFERS}")
    out.claim("real.votes_needed.depth_spearman", "rank correlation of WordNet depth with the votes a class needs",
              "Sec 3.2", None, a["spearman"], "real", direction="info", note=f"p = {a['p_value']:.2g}; {a['column']}")
    t = golden_bins.attrs.get("threshold")
    out.claim("real.votes_needed.golden_by_depth", f"unanimous yes votes to reach {t} against the experts, per depth bin",
              "Sec 3.2", None, "; ".join(f"{r.depth_bin}: {_fmt(r.expert_votes, 2)} ({_fmt(r.expert_lo, 2)}-"
                                          f"{_fmt(r.expert_hi, 2)})" for r in golden_bins.itertuples()),
              "real", direction="info", note="golden questions, 5-95% over image resamplings; bins of few questions are noisy")


COST_ROWS = (("main (5 votes per question)", "dynamic consensus (paper)", "accept={accept}", "main.dynamic"),
             ("main (5 votes per question)", "majority vote", "k=1", "main.mv1"),
             ("main (5 votes per question)", "majority vote", "k=3", "main.mv3"),
             ("main (5 votes per question)", "majority vote", "k=5", "main.mv5"),
             ("main (5 votes per question)", "Dawid-Skene (P>=0.5)", "k=5", "main.ds5"),
             ("main (5 votes per question)", "Dawid-Skene on the dynamic votes (P>=0.5)", "adaptive", "main.ds_dynamic"),
             ("golden (78 votes per question, up to max_votes used)", "dynamic consensus (paper)", "accept={accept}",
              "golden.dynamic"),
             ("golden (78 votes per question, up to max_votes used)", "majority vote", "k=9", "golden.mv9"),
             ("golden (78 votes per question, up to max_votes used)", "Dawid-Skene (P>=0.5)", "k=9", "golden.ds9"))


def record_real_cost_claims(out: ResultWriter, replay: ReplayResult, accept: float) -> None:
    """Precision against the experts of the paper's method and the baselines on real votes,
    each with its spread over vote orders, recall, votes per image and agreement with ReaL."""
    s = replay.summary
    for src, m, p, key in COST_ROWS:
        p = p.format(accept=accept)
        hit = s[(s["source"] == src) & (s["method"] == m) & (s["parameter"] == p)]
        if not len(hit):
            continue
        r = hit.iloc[0]
        agree = f"; agreement with ReaL {r['agreement_real']:.3f}" if pd.notna(r.get("agreement_real")) else ""
        out.claim(f"real.cost.{key}.precision", f"{m} ({p}), {src}: precision against the experts", SECTION, None,
                  r["precision"], "real", direction="info",
                  note=f"{r['precision_min']:.3f}-{r['precision_max']:.3f} over {int(r['orders'])} vote orders; recall "
                       f"{r['recall']:.3f}; {r['votes_per_image']:.2f} votes per image{agree}")


def record_real_fig4_claims(out: ResultWriter, by_depth: pd.DataFrame) -> None:
    """Fig 4 on real labels: the mean precision of the ILSVRC-2012 labels over mammal and over
    vehicle classes (re-rated images: biased low) against the paper's mean, the upper bound,
    and whether the paper's value lies between the two."""
    a = by_depth.attrs
    lo_note = "re-rated images only (those where models disagreed with the label: biased low)"
    for s in a.get("subtrees", paper.FIG4_SUBTREES):
        out.claim(f"real.fig4.mean_precision_{s}", f"mean precision of the ILSVRC-2012 labels over {s} classes, as "
                  "ReaL's raters judge them", "Sec 2 / Fig 4", paper.FIG4_MEAN_PRECISION, a[f"mean_{s}"], "real",
                  direction="approx", tolerance=0.005,
                  note=f"{lo_note}; all images (un-rated ones counted right): {a[f'upper_{s}']:.3f}; {DIFFERS}")
    out.claim("real.fig4.mean_precision", "mean precision of the ILSVRC-2012 labels over the classes of "
              f"{' and '.join(a.get('subtrees', paper.FIG4_SUBTREES))}",
              "Sec 2 / Fig 4", paper.FIG4_MEAN_PRECISION, a["mean"], "real", direction="approx", tolerance=0.005,
              note=f"{a['classes']} classes; {lo_note}; over images with a ReaL label only: {a['mean_labelled']:.3f}")
    out.claim("real.fig4.upper_bound", "upper bound: the same over all 50 images per class, un-rated ones counted right",
              "Sec 2 / Fig 4", paper.FIG4_MEAN_PRECISION, a["mean_upper"], "real", direction="approx", tolerance=0.005,
              note="the 25,111 un-rated images' ReaL set is their original label by construction: nobody looked")
    inside = a["mean"] <= paper.FIG4_MEAN_PRECISION <= a["mean_upper"]
    out.claim("real.fig4.paper_within_bounds", "the paper's mean precision lies between the real lower and upper bounds",
              "Sec 2 / Fig 4", "yes", "yes" if inside else "no", "real", direction="==",
              note=f"bounds {a['mean']:.3f}-{a['mean_upper']:.3f}; all 12 subtrees {a['mean_all12']:.3f}-{a['upper_all12']:.3f}; "
                   "a later dataset and stricter, multi-label judges: not the paper's 2009 measurement")


def record_real_calibration_claims(out: ResultWriter, summary: pd.DataFrame, prefix: str = "real",
                                   truth_name: str = "the experts") -> None:
    """Per prediction (table value, Dawid-Skene posterior, ...): its expected calibration error
    against the truth, and in its top bin the mean prediction against the share really good."""
    for r in summary.itertuples():
        key = r.prediction.lower().replace("'", "").replace("(", "").replace(")", "").replace(" ", "_")
        out.claim(f"{prefix}.calibration.{key}", f"calibration of the {r.prediction} against {truth_name}: ECE",
                  SECTION, None, r.ece, "real", direction="info",
                  note=f"{r.images} images; top bin ({r.top_bin_images} images): predicted {r.top_bin_predicted:.3f}, "
                       f"really good {r.top_bin_observed:.3f}")


def record_maybe_claims(out: ResultWriter, effect: pd.DataFrame, evidence: pd.DataFrame, default: str) -> None:
    """How "maybe" was mapped, what a maybe is worth, and how much the choice moves the replay."""
    e = effect["dynamic_precision"]
    out.claim("real.maybe.mapping", 'how the raters\' third answer "maybe" becomes a vote', SECTION, None, default, "real",
              direction="info", note="experts' yes share by the raters' answer: "
                                     + ", ".join(f"{a} {r.expert_yes:.2f}" for a, r in evidence.iterrows())
                                     + f" (base rate {evidence.attrs['base_rate']:.2f}); dynamic precision by mapping: "
                                     + ", ".join(f"{m} {v:.3f}" for m, v in e.items()))


def record_csv_claims(out: ResultWriter, res: CsvResult, accept: float) -> None:
    """A user's votes CSV through the real path: its tables, and with a truth file the
    precision, recall and votes per image of the paper's method beside the baselines, how far
    the table overstates the truth and its calibration."""
    from .real_votes import csv_overconfidence

    s = res.summary
    out.claim("csv.votes", "votes of the user's CSV through the paper's consensus", SECTION, None,
              int(s["votes_available"].sum()), "real", direction="info",
              note=f"{len(s)} synset(s), {int(s['images'].sum())} images, up to {int(s['votes_per_image_max'].max())} "
                   f"votes per image ({'all' if res.votes_per_image is None else res.votes_per_image} used); subset "
                   f"judged by {res.judge}; {int(s['accepted'].sum())} accepted")
    out.claim("csv.initial_per_image", "votes on each image of the initial subset", SECTION, paper.INITIAL_VOTES,
              int(s["votes_per_image_max"].max()), "real", direction=">=", note="the most votes any image has")
    if res.cost is None:
        return
    c = res.cost
    for m, p, key in (("dynamic consensus (paper)", f"accept={accept}", "dynamic"), ("majority vote", "k=5", "mv5"),
                      ("Dawid-Skene (P>=0.5)", "k=5", "ds5")):
        hit = c[(c["method"] == m) & (c["parameter"] == p)]
        if len(hit):
            r = hit.iloc[0]
            out.claim(f"csv.cost.{key}.precision", f"{m} ({p}): precision against the truth file", SECTION, None,
                      r["precision"], "real", direction="info",
                      note=f"recall {r['recall']:.3f}; {r['votes_per_image']:.2f} votes per image")
    out.claim("csv.table_excess", "largest excess of the consensus table over the truth table (Fig 7's cells)", SECTION,
              None, csv_overconfidence(res.cells), "real", direction="info",
              note=f"{res.truth_info.get('images_with_truth')} of {res.truth_info.get('images')} images have a truth")
    from .real_votes import calibration_summary

    record_real_calibration_claims(out, calibration_summary(res.calibration, accept), "csv", "the truth file")
