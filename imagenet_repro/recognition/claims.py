"""The claims of Fig 8 (Sec 4.1), checked on the run's AUCs, never assumed.

The paper states three orderings, and a fourth in passing:
1. clean NN-voting above noisy NN-voting ("having more accurate data improves classification");
2. NBNN above NN-voting ("NBNN gives substantially better performance");
3. NBNN-100 above NN-voting with the entire dataset ("NBNN-100 outperforms NN-voting with
   access to the entire dataset");
4. NBNN above NBNN-100 ("Performance can be significantly improved by enlarging the dataset").

A statement *holds* in a world when the mean AUC difference's 95% paired-bootstrap interval
lies above 0 (``roc.mean_auc_difference``). In simulated mode it is called reproduced only
when it holds in the world and in every null world that switches off an assumption which could
make it by itself (``STATEMENTS[...].null_worlds``): then the effect comes from the method,
not from how the world was built. Real photos need no null world.

The interval resamples the test images only; the random draw of the training candidates adds
variation it does not cover (another draw can move a category's AUC by much more than its
interval), so a small difference is weak evidence even when its interval excludes 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .. import paper
from .fig8 import NULL_WORLDS, Fig8Run

if TYPE_CHECKING:  # pragma: no cover
    from ..results import ResultWriter

SECTION = "Sec 4.1 / Fig 8"


@dataclass(frozen=True)
class Statement:
    """Experiment ``better`` beats every experiment of ``than`` (mean AUC)."""

    key: str
    better: str
    than: tuple[str, ...]
    text: str
    null_worlds: tuple[str, ...]
    why: str  # why those null worlds


STATEMENTS: tuple[Statement, ...] = (
    Statement("clean_above_noisy", "clean", ("noisy",),
              "NN-voting on the clean set beats NN-voting on the noisy candidates", ("no-junk", "latent-decay"),
              "junk pages are rendered by the world's own rules (clutter, graphics, patterns) and could help or "
              "hurt by themselves; the latent decay makes siblings alike, which changes what a wrong label costs"),
    Statement("nbnn_above_nn_voting", "nbnn", ("clean", "noisy"),
              "NBNN (SIFT, clean set) beats NN-voting (tiny images, clean and noisy)", ("web-test", "latent-decay"),
              "the renderer's Caltech style (plain background, canonical pose) could favour local features by "
              "itself; the latent decay shapes how alike subclasses look"),
    Statement("nbnn_limited_above_nn_voting_all", "nbnn_limited", ("clean",),
              "NBNN-k (at most k images per class) beats NN-voting with the entire clean set",
              ("web-test", "latent-decay"), "as for NBNN against NN-voting"),
    Statement("nbnn_above_nbnn_limited", "nbnn", ("nbnn_limited",),
              "NBNN with all images beats NBNN-k (enlarging the dataset helps)", ("latent-decay",),
              "the latent decay sets how much an image of a subclass tells about its parent"),
)
# Not the paper's: clean against noisy candidates cut to the clean set's size (info only).
DIAGNOSTIC_STATEMENTS: tuple[Statement, ...] = (
    Statement("clean_above_noisy_same_size", "clean", ("noisy_matched",),
              "diagnostic: NN-voting on the clean set beats NN-voting on as many noisy candidates per class",
              (), "label noise alone, without the noisy set's larger size"),
)


def evaluate(run: Fig8Run, n_boot: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Every statement in every world that ran its experiments: delta = mean AUC(better) -
    mean AUC(than), the bootstrap interval and whether it holds (one row per pair)."""
    n_boot = run.cfg.n_boot if n_boot is None else n_boot
    seed = run.cfg.seed if seed is None else seed
    rows = []
    for st in STATEMENTS + DIAGNOSTIC_STATEMENTS:
        for world, res in run.results.items():
            if st.better not in res.scores:
                continue
            for b in st.than:
                if b not in res.scores:
                    continue
                d = res.difference(st.better, b, n_boot, seed)
                rows.append({"statement": st.key, "world": world, "better": run.cfg.label(st.better),
                             "than": run.cfg.label(b), "auc_better": res.mean_auc(st.better),
                             "auc_than": res.mean_auc(b), "delta": d.delta, "low": d.low, "high": d.high,
                             "holds": d.holds})
    return pd.DataFrame(rows)


def verdicts(run: Fig8Run, table: pd.DataFrame) -> pd.DataFrame:
    """Per statement: holds in the main (or real) world, in each relevant null world, and the
    verdict (reproduced only where every one holds)."""
    main = "real" if "real" in run.results else "main"
    out = []
    for st in STATEMENTS:
        t = table[table["statement"] == st.key]
        if t.empty or not (t["world"] == main).any():
            continue
        row = {"statement": st.key, "text": st.text, main: bool(t.loc[t["world"] == main, "holds"].all())}
        nulls = [w for w in st.null_worlds if (t["world"] == w).any()] if main == "main" else []
        for w in nulls:
            row[w] = bool(t.loc[t["world"] == w, "holds"].all())
        row["reproduced"] = row[main] and all(row[w] for w in nulls)
        row["null_worlds_run"] = ", ".join(nulls)
        out.append(row)
    return pd.DataFrame(out)


def _pairs_note(t: pd.DataFrame) -> str:
    return "; ".join(f"{r.world}: {r.better} {r.auc_better:.3f} vs {r.than} {r.auc_than:.3f}, delta {r.delta:+.3f} "
                     f"[{r.low:+.3f}, {r.high:+.3f}]" for r in t.itertuples())


def record_fig8_claims(out: "ResultWriter", run: Fig8Run, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The statements' verdicts, the mean AUCs (and elk's and killer whale's) of every
    experiment in every world, and the duplicate removal on the test set. Returns verdicts."""
    table = evaluate(run) if table is None else table
    v = verdicts(run, table)
    mode = "real" if "real" in run.results else "simulated"
    main = "real" if mode == "real" else "main"
    base = "fig8.real" if mode == "real" else "fig8"  # real and simulated claims side by side
    for r in v.to_dict("records"):
        st = next(s for s in STATEMENTS if s.key == r["statement"])
        t = table[table["statement"] == st.key]
        if mode == "simulated":
            fate = [f"{w}: {'holds' if r[w] else 'does not hold'}" for w in
                    (r["null_worlds_run"].split(", ") if r["null_worlds_run"] else [])]
            extra = (f" Null worlds ({'; '.join(fate)}): {st.why}." if fate else " No null world was run.")
        else:
            extra = ""
        diag = table[(table["statement"] == "clean_above_noisy_same_size") & (table["world"] == main)]
        if st.key == "clean_above_noisy" and len(diag):
            extra += (f" Diagnostic, noisy cut to the clean set's size per class: clean {diag['delta'].iloc[0]:+.3f} "
                      f"[{diag['low'].iloc[0]:+.3f}, {diag['high'].iloc[0]:+.3f}] above it.")
        out.claim(f"{base}.{st.key}", st.text + " (95% bootstrap interval of the mean AUC difference above 0)",
                  SECTION, "yes", "yes" if r["reproduced"] else "no", mode, direction="==",
                  note=_pairs_note(t) + "." + extra)
    for world, res in run.results.items():
        for k in res.scores:
            prefix = base if world == main else f"fig8.null.{world}"
            named = ", ".join(f"{n} {res.rocs[k].aucs[n]:.3f}" for n in paper.FIG8_NAMED if n in res.rocs[k].aucs)
            out.claim(f"{prefix}.mean_auc.{k}", f"mean AUC over the categories, {run.cfg.label(k)}"
                      + ("" if world == main else f" (null world: {NULL_WORLDS[world]})"), SECTION, None,
                      round(res.mean_auc(k), 4), mode, direction="info",
                      note=f"{len(res.labels)} categories, {len(res.test_category)} test images; {named}")
    for st in DIAGNOSTIC_STATEMENTS:
        t = table[(table["statement"] == st.key) & (table["world"] == main)]
        if len(t):
            out.claim(f"{base}.{st.key}", st.text, SECTION, None, round(float(t["delta"].iloc[0]), 4), mode,
                      unit="mean AUC difference", direction="info", note=_pairs_note(t) + f". {st.why}.")
    d = run.dedup
    if d.planted:
        out.claim(f"{base}.test_duplicates_recall", "test images that are altered copies of training images found by "
                  "the perceptual-hash dedup (recall on the planted copies)", "Sec 4.1, footnote 7", None,
                  round(d.recall, 4), mode, unit="share", direction="info",
                  note=f"{d.planted} planted ({run.cfg.planted_per_category} per category; paper: "
                       f"~{paper.TEST_DUPLICATES_PER_CATEGORY} duplicates per category removed), Hamming <= {d.threshold}")
        out.claim(f"{base}.test_duplicates_precision", "share of the test images flagged as duplicates that are planted "
                  "copies (precision)", "Sec 4.1, footnote 7", None, round(d.precision, 4), mode, unit="share",
                  direction="info", note=f"{d.flagged} flagged, {d.flagged - d.found} of them fresh renders")
    else:
        out.claim(f"{base}.test_duplicates_removed", "test images removed as duplicates of training images",
                  "Sec 4.1, footnote 7", None, d.flagged, mode, unit="images", direction="info",
                  note=f"of {d.test_images}; Hamming <= {d.threshold}; paper: ~{paper.TEST_DUPLICATES_PER_CATEGORY} per "
                       "category")
    return v
