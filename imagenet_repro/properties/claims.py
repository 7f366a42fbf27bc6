"""The claims of Sec 2 (notebook 03): Fig 2's scale, Fig 3's and Fig 6's density, Table 1 and
the ESP game. Each function takes the notebook's ResultWriter and the computed results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from .. import paper
from ..results import wilson_interval
from .density import Fig3Panel, Fig6Panel, mean_depth
from .esp import ESPResult
from .counts import VERY_FEW, Fig2Version
from .table1 import TABLE1_DATASETS, TABLE1_PROPERTIES, Table1Measurement

if TYPE_CHECKING:  # pragma: no cover
    from ..results import ResultWriter

MIN_SYNSETS = 30  # a share or mean over synsets compared with the paper needs at least this many
# Table 1: the least sample that gets a verdict, per measured property (fewer: "info: too few")
TABLE1_MIN_N = {"LabelDisam": 100, "Clean": 10, "DenseHie": 100, "FullRes": 20}


def record_fig2_claims(out: ResultWriter, versions: dict[str, Fig2Version], comparable: bool, scale_name: str,
                       amount: float) -> None:
    """Fig 2's scale claims for each version; the simulated ones are info only when the
    simulated web is scaled down (not comparable with the paper's counts)."""
    for key, v in versions.items():
        s, mode = v.summary, v.mode
        info = key == "simulated" and not comparable
        why = (f"simulated web scaled by candidates_per_synset={amount} at scale={scale_name}: "
               "not comparable with the paper (info only)" if info else
               ("fall-2011 release, two years after the paper" if key == "real" else "simulated at full size"))
        cov = f"; {s['synsets']:,} synsets"
        n = int(s["synsets"])
        out.claim(f"fig2.{key}.total_images", "images in the 12 subtrees", "Sec 2 / Fig 2", paper.TOTAL_IMAGES,
                  s["total_images"], mode, unit="images", direction="info" if info else "approx", note=why + cov)
        out.claim(f"fig2.{key}.mean_images", "average images per synset (paper: over 600)", "Sec 2 / Fig 2",
                  paper.MEAN_IMAGES_PER_SYNSET, round(s["mean_images"], 1), mode, unit="images",
                  direction="info" if info else ">=", note=why + cov, n=n, min_n=MIN_SYNSETS)
        out.claim(f"fig2.{key}.share_very_few", f"share of synsets with very few (< {VERY_FEW}) images",
                  "Fig 2", paper.SHARE_VERY_FEW, round(s["share_very_few"], 4), mode,
                  direction="info" if info else "approx", tolerance=0.05,
                  note=why + f"; 'very few' = fewer than {VERY_FEW} (our threshold; the paper gives none)",
                  n=n, interval=wilson_interval(s["share_very_few"] * n, n))
        out.claim(f"fig2.{key}.share_over_500", "share of synsets with more than 500 images", "Fig 2",
                  paper.SHARE_OVER_MANY, round(s["share_over_many"], 4), mode,
                  direction="info" if info else ">", note=why + cov, n=n, min_n=MIN_SYNSETS)
        for name, row in v.table.iterrows():
            out.claim(f"fig2.{key}.total_images.{name.replace(' ', '_')}", f"total images of the {name} subtree",
                      "Fig 2 (table)", int(row["paper_total_images"]), int(row["total_images"]), mode,
                      unit="images", direction="info" if info else "approx", note=why)


def record_fig3_claims(out: ResultWriter, f3: dict[str, list[Fig3Panel]], comparable: bool, scale_name: str,
                       amount: float) -> None:
    """Fig 3's claim per version: ImageNet's trees have more populated synsets than ESP's."""
    for k, panels in f3.items():
        mode = "real" if k == "real" else "simulated"
        denser = all(p.populated(p.imagenet) > p.populated(p.esp) for p in panels)
        detail = "; ".join(f"{p.name}: ImageNet {p.populated(p.imagenet)} vs ESP "
                           f"{p.populated(p.esp)} synsets with images" for p in panels)
        info = k == "simulated" and not comparable
        out.claim(f"fig3.{k}.denser_than_esp", "ImageNet's cat and cattle trees have more populated synsets than ESP's",
                  "Sec 2 / Fig 3", "yes", "yes" if denser else "no", "simulated", direction="info" if info else "==",
                  note=f"ESP simulated; ImageNet side {mode}. {detail}" + (
                      f"; simulated web scaled by {amount} at scale={scale_name}, so many synsets are empty (info only)"
                      if info else ""))


def record_fig6_claims(out: ResultWriter, f6: dict[str, Fig6Panel]) -> None:
    """Per version: the depth of each dataset's highest bar (info), and whether ImageNet's
    labels lie deeper than ESP's on average (the paper's point)."""
    for k, v in f6.items():
        d_in, d_esp = v.imagenet.dist, v.esp.dist
        for label, d, mode in (("imagenet", d_in, "real" if k == "real" else "simulated"), ("esp", d_esp, "simulated")):
            top = int(d["images"].idxmax())
            out.claim(f"fig6.{k}.{label}.peak",
                      f"highest bar of {'ImageNet' if label == 'imagenet' else 'ESP'} mammal labels: its depth (count in the note)",
                      "Fig 6", None, top, mode, unit="depth", direction="info",
                      note=f"{int(d['images'].max()):,} labels at depth {top} ({d['share'].max():.1%})")
        out.claim(f"fig6.{k}.imagenet_deeper", "ImageNet's mammal labels lie deeper than ESP's (mean depth)",
                  "Fig 6", "yes", "yes" if mean_depth(d_in) > mean_depth(d_esp) else "no", "simulated",
                  direction="==", note=f"mean depth ImageNet {mean_depth(d_in):.2f} vs ESP {mean_depth(d_esp):.2f}; "
                  f"share at depth >= 6: ImageNet {d_in.loc[6:, 'share'].sum():.1%} vs ESP {d_esp.loc[6:, 'share'].sum():.1%}")


def record_table1_claims(out: ResultWriter, measured: Iterable[Table1Measurement]) -> None:
    """Table 1's claims: the measured ImageNet properties against the paper's Y, then every
    other cell quoted from the paper."""
    measured = list(measured)
    for m in measured:
        out.claim(f"table1.imagenet.{m.property}", f"ImageNet: {m.property}", "Table 1", "Y", m.verdict, m.mode,
                  direction="==", note=f"{m.value}; Y if {m.rule}", n=m.n, min_n=TABLE1_MIN_N[m.property])
    done = {m.property for m in measured}
    for prop in TABLE1_PROPERTIES:
        for ds in TABLE1_DATASETS:
            if ds == "ImageNet" and prop in done:
                continue
            out.claim(f"table1.{ds}.{prop}", f"{ds}: {prop}", "Table 1", paper.TABLE1.at[prop, ds],
                      paper.TABLE1.at[prop, ds], "real", direction="quoted", note="quoted from the paper")


def record_esp_claims(out: ResultWriter, esp: dict[str, ESPResult]) -> None:
    """Per version: the share of ESP labels at the basic level and the share a most-frequent-
    sense reading gets wrong (both info: the paper gives no number)."""
    for k, r in esp.items():
        s = r.summary()
        out.claim(f"esp.{k}.share_basic", "share of ESP labels at the basic level", "Sec 2.1 / Fig 6", None,
                  round(s["share_basic"], 4), "simulated", direction="info",
                  note=f"simulated players on the {k} ImageNet mammal images; "
                       f"p_sub={r.config.p_subordinate}, p_super={r.config.p_superordinate}")
        out.claim(f"esp.{k}.disambiguation_errors", "share of ESP labels whose most frequent sense is not the meant synset",
                  "Sec 2.1", None, round(s["share_disambiguation_errors"], 4), "simulated", direction="info",
                  note="words are read back as their most frequent WordNet noun sense")
