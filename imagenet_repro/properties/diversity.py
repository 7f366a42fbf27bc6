"""Fig 5 (Sec 2, "Diversity"): the lossless JPEG size of a synset's average image.

The paper: "we compute the average image of each synset and measure lossless JPG file size
which reflects the amount of information in an image ... a synset containing diverse images
will result in a blurrier average image, the extreme being a gray image, whereas a synset
with little diversity will result in a more structured, sharper average image. We therefore
expect to see a smaller JPG file size of the average image of a more diverse synset."
Average images are downsampled to 32x32 and sizes are in bytes; Caltech's average uses all its
images of a category and ImageNet's an equal number sampled at random.

What we compute:

- the average image = the mean of the images' 32x32 tiny images (``features.tiny``: area
  downsampling is linear, so this is the 32x32 downsample of the full-size average of
  same-size images), rounded to uint8;
- its size under three lossless codecs. **Headline: lossless JPEG**, ITU T.81 process 14
  (``imagecodecs.jpeg8_encode(lossless=True)``, libjpeg-turbo, predictor 1 = left neighbour,
  RGB coded without a colour transform), because it is what the paper names ("lossless JPG").
  Every file is checked to carry the SOF3 marker (0xFFC3) and to decode bit for bit; Pillow's
  ``lossless=True`` is not used: it silently writes a lossy baseline file. JPEG-LS
  (``jpegls_encode``, LOCO-I) and PNG (deflate, level 9) are reported beside it as a check that
  the ordering does not hang on one codec.

The check of the measure itself (the simulated world knows each synset's diversity, the input
that widens pose, position, scale, background and clutter of its renders): at a fixed number
of images, the Spearman rank correlation between file size and that diversity over randomly
drawn mammal synsets. The ImageNet-vs-Caltech gap of the simulated world holds by
construction (the renderer draws the Caltech style centred, in canonical pose on a plain
background) and is recorded as info only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from .. import paper
from ..errors import UserError
from ..features import FeatureSpec, SourceImages, WorldImages, average_image, compute_features
from ..rng import rng
from ..sources.simulated import SYNTHETIC_ID_BASE  # ids of images outside the candidates

if TYPE_CHECKING:  # pragma: no cover
    from ..results import ResultWriter

AVERAGE_SIDE = paper.AVERAGE_IMAGE_SIDE
CODECS = ("jpeg-lossless", "jpeg-ls", "png")
HEADLINE_CODEC = "jpeg-lossless"
SOF3 = 0xC3  # start of frame, lossless (process 14), Huffman coding

STYLE_LABEL = {"web": "ImageNet", "caltech": "Caltech"}


# ---------------------------------------------------------------- codecs

def lossless_jpeg(image: np.ndarray) -> bytes:
    """ITU T.81 lossless JPEG (SOF3, predictor 1) of an HxWx3 uint8 image."""
    import imagecodecs

    a = _check(image)
    return bytes(imagecodecs.jpeg8_encode(a, lossless=True, predictor=1))


def jpeg_frame_marker(data: bytes) -> int:
    """The SOFn marker code (0xC0..0xCF, not DHT/JPG/DAC) of a JPEG stream; walks the marker
    segments from SOI. A UserError when the bytes are not a JPEG with a frame header."""
    if data[:2] != b"\xff\xd8":
        raise UserError("not a JPEG stream (no SOI marker)")
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise UserError(f"corrupt JPEG: expected a marker at byte {i}")
        m = data[i + 1]
        if m == 0xFF:  # fill byte
            i += 1
            continue
        if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
            return m
        if m in (0xD8, 0x01) or 0xD0 <= m <= 0xD7:
            i += 2
            continue
        if m == 0xDA:
            break
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    raise UserError("JPEG stream has no frame header before its scan")


def codec_check(seed: int) -> pd.DataFrame:
    """Why the headline codec is imagecodecs' lossless JPEG: on a random 32x32 image it writes a
    SOF3 frame and decodes bit for bit, while Pillow's ``lossless=True`` writes a lossy SOF0 file."""
    import io

    import imagecodecs
    from PIL import Image

    probe = rng(seed, "codec-probe").integers(0, 256, (32, 32, 3), dtype=np.uint8)
    ours = lossless_jpeg(probe)
    buf = io.BytesIO()
    Image.fromarray(probe).save(buf, format="JPEG", lossless=True)
    pillow = buf.getvalue()
    return pd.DataFrame([
        {"encoder": "imagecodecs.jpeg8_encode(lossless=True)", "frame marker": hex(jpeg_frame_marker(ours)),
         "bytes": len(ours), "decodes to the same pixels": bool(np.array_equal(imagecodecs.jpeg8_decode(ours), probe))},
        {"encoder": "Pillow save(lossless=True)", "frame marker": hex(jpeg_frame_marker(pillow)), "bytes": len(pillow),
         "decodes to the same pixels": bool(np.array_equal(np.asarray(Image.open(io.BytesIO(pillow))), probe))}])


def encoded_size(image: np.ndarray, codec: str = HEADLINE_CODEC) -> int:
    """Bytes of the image under a lossless codec (CODECS); lossless JPEG is checked to be SOF3
    and to decode to the same pixels."""
    import imagecodecs

    a = _check(image)
    if codec == "jpeg-lossless":
        data = lossless_jpeg(a)
        if jpeg_frame_marker(data) != SOF3:
            raise UserError("the JPEG encoder did not write a lossless (SOF3) frame")
        if not np.array_equal(imagecodecs.jpeg8_decode(data), a):
            raise UserError("the lossless JPEG does not decode to the same pixels")
    elif codec == "jpeg-ls":
        data = bytes(imagecodecs.jpegls_encode(a))
    elif codec == "png":
        data = bytes(imagecodecs.png_encode(a, level=9))
    else:
        raise UserError(f"unknown codec {codec!r}: choose one of {', '.join(CODECS)}")
    return len(data)


def encoded_sizes(image: np.ndarray) -> dict[str, int]:
    return {c: encoded_size(image, c) for c in CODECS}


def _check(image: np.ndarray) -> np.ndarray:
    a = np.asarray(image)
    if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] != 3:
        raise UserError(f"expected an HxWx3 uint8 image, got shape {a.shape} dtype {a.dtype}")
    return np.ascontiguousarray(a)


# ---------------------------------------------------------------- average images

@dataclass
class AverageImage:
    """One synset's average image in one dataset (style), with its sizes in bytes."""

    wnid: str
    label: str
    dataset: str  # "ImageNet" | "Caltech"
    n_images: int
    average: np.ndarray  # (32, 32, 3) uint8
    sizes: dict[str, int] = field(default_factory=dict)
    examples: list[Any] = field(default_factory=list)  # items of a few images, for the figure

    def row(self) -> dict[str, Any]:
        return {"wnid": self.wnid, "label": self.label, "dataset": self.dataset, "images": self.n_images,
                **{f"bytes_{c}": s for c, s in self.sizes.items()}}


def synthetic_items(wnid: str, n: int, style: str) -> list[tuple[str, int, int, str]]:
    """Items of n images of the synset itself (SimulatedSource's ids) in a render style."""
    return [(wnid, SYNTHETIC_ID_BASE + i, 0, style) for i in range(n)]


def average_of(tiny: np.ndarray, wnid: str, label: str, dataset: str, examples: list[Any] | None = None
               ) -> AverageImage:
    avg = average_image(tiny)
    return AverageImage(wnid, label, dataset, len(tiny), avg, encoded_sizes(avg), list(examples or []))


def simulated_averages(world: Any, synsets: dict[str, str], n: int, styles: Sequence[str] = ("web", "caltech"),
                       n_examples: int = 3, name: str = "fig5-averages") -> list[AverageImage]:
    """Average images of each synset ({wnid: label}) from n renders per style (web style =
    ImageNet, caltech style = Caltech), features computed once and cached."""
    if n < 1:
        raise UserError(f"Fig 5 needs at least one image per synset, got n={n}")
    items = [it for w in synsets for s in styles for it in synthetic_items(w, n, s)]
    f = compute_features(items, WorldImages(world, list(synsets)), FeatureSpec(tiny_side=AVERAGE_SIDE), name=name,
                         desc=f"Fig 5: rendering {len(items):,} images")
    out, k = [], 0
    for w, label in synsets.items():
        for s in styles:
            out.append(average_of(f.tiny[k:k + n], w, label, STYLE_LABEL[s], items[k:k + n_examples]))
            k += n
    return out


def averages_frame(averages: Sequence[AverageImage]) -> pd.DataFrame:
    return pd.DataFrame([a.row() for a in averages])


def size_comparison(averages: Sequence[AverageImage], codec: str = HEADLINE_CODEC) -> pd.DataFrame:
    """One row per synset: ImageNet and Caltech bytes and their ratio."""
    df = averages_frame(averages)
    t = df.pivot_table(index=["wnid", "label"], columns="dataset", values=f"bytes_{codec}", sort=False)
    t = t.reset_index()
    t.columns.name = None
    t["ratio"] = t["ImageNet"] / t["Caltech"]
    return t


def example_panels(averages: Sequence[AverageImage], load: Any) -> list[dict[str, Any]]:
    """Fig 5 (b)(c)'s data: per synset, the examples' pixels (``load(item)``; a dict
    {"ImageNet": loader, "Caltech": loader} when the datasets load differently), the average
    image and its bytes, for ImageNet and Caltech (``figures.fig5_examples``)."""
    by: dict[str, dict[str, Any]] = {}
    for a in averages:
        p = by.setdefault(a.wnid, {"label": a.label})
        f = load[a.dataset] if isinstance(load, dict) else load
        p[a.dataset] = {"examples": [x for x in (f(i) for i in a.examples) if x is not None],
                        "average": a.average, "bytes": a.sizes.get(HEADLINE_CODEC)}
    return [p for p in by.values() if "ImageNet" in p and "Caltech" in p]


def fig5_synsets(hierarchy: Any, seed: int, k: int = paper.FIG5_SYNSETS, mapping: dict[str, str] | None = None
                 ) -> dict[str, str]:
    """k synsets drawn at random among the mammal classes that Caltech-256 took from
    Caltech101 (its "-101" folders in data/caltech256_to_wordnet.csv); {wnid: label}."""
    from ..sources import read_caltech_mapping

    mapping = read_caltech_mapping() if mapping is None else mapping
    mammal = set(hierarchy.subtree("mammal"))
    pool = [(name.removesuffix("-101"), w) for name, w in mapping.items() if name.endswith("-101") and w in mammal]
    if len(pool) < k:
        raise UserError(f"only {len(pool)} Caltech101 mammal classes in the Caltech table, Fig 5 needs {k}")
    pick = np.sort(rng(seed, "fig5-synsets").choice(len(pool), k, replace=False))
    return {pool[i][1]: pool[i][0] for i in pick}


def fig8_category_synsets(mapping: dict[str, str] | None = None, categories: Sequence[str] = paper.FIG8_CATEGORIES
                          ) -> dict[str, str]:
    """The paper's 16 Fig 8 categories (Caltech256 and mammal) as {wnid: label}."""
    from ..sources import read_caltech_mapping

    mapping = read_caltech_mapping() if mapping is None else mapping
    missing = [c for c in categories if c not in mapping]
    if missing:
        raise UserError(f"Fig 8 categories missing from the Caltech table: {', '.join(missing)}")
    return {mapping[c]: c for c in categories}


# ---------------------------------------------------------------- the measure against diversity

@dataclass
class DiversityCheck:
    """File size against the world's diversity at a fixed number of images."""

    table: pd.DataFrame  # wnid, name, depth, diversity, bytes_<codec>
    spearman: dict[str, tuple[float, float]]  # codec -> (rho, p)
    n_images: int


def diversity_correlation(world: Any, n_synsets: int, n_images: int, seed: int, subtree: str = "mammal",
                          name: str = "fig5-diversity") -> DiversityCheck:
    """n_synsets synsets of ``subtree`` drawn at random, n_images web-style renders each; the
    Spearman correlation of each codec's size with the world's diversity."""
    from scipy.stats import spearmanr

    pool = [w for w in world.synsets.index if world.synsets.at[w, "subtree"] == subtree]
    if n_synsets < 3 or n_synsets > len(pool):
        raise UserError(f"the diversity check needs 3..{len(pool)} synsets, got {n_synsets}")
    wnids = [pool[i] for i in np.sort(rng(seed, "fig5-diversity-synsets").choice(len(pool), n_synsets, replace=False))]
    avgs = simulated_averages(world, {w: w for w in wnids}, n_images, styles=("web",), n_examples=0, name=name)
    t = averages_frame(avgs).drop(columns=["label", "dataset"])
    t.insert(1, "name", world.synsets.loc[wnids, "name"].to_numpy())
    t.insert(2, "depth", world.synsets.loc[wnids, "depth"].to_numpy())
    t.insert(3, "diversity", world.synsets.loc[wnids, "diversity"].to_numpy())
    rho = {}
    for c in CODECS:
        r = spearmanr(t["diversity"], t[f"bytes_{c}"])
        rho[c] = (float(r.statistic), float(r.pvalue))
    return DiversityCheck(t, rho, n_images)


# ---------------------------------------------------------------- real photos

def folder_averages(imagenet: Any, caltech: Any, seed: int, wnids: Sequence[str] | None = None,
                    labels: dict[str, str] | None = None, max_images: int | None = None
                    ) -> tuple[list[AverageImage], pd.DataFrame]:
    """Average images of the synsets both folders hold (ImageNetFolder, CaltechFolder): Caltech
    with all its usable images (at most ``max_images``), ImageNet with as many drawn at random.
    Returns the averages and the table of skipped files."""
    common = [w for w in (wnids or caltech.synsets()) if w in set(imagenet.synsets()) and w in set(caltech.synsets())]
    if not common:
        raise UserError("the ImageNet and Caltech folders have no synset in common (check the wnids and "
                        "data/caltech256_to_wordnet.csv)")
    cal_ids = {w: [i for i, _ in caltech.images(w)][:max_images] for w in common}
    cal_f = compute_features([i for w in common for i in cal_ids[w]], SourceImages(caltech),
                             FeatureSpec(tiny_side=AVERAGE_SIDE), name="fig5-real-caltech")
    out, k, skipped = [], 0, []
    inet_items: dict[str, list[str]] = {}
    cal_tiny: dict[str, np.ndarray] = {}
    for w in common:
        n = len(cal_ids[w])
        ok = cal_f.ok[k:k + n]
        cal_tiny[w] = cal_f.tiny[k:k + n][ok]
        skipped += [(i, "caltech") for i, good in zip(cal_ids[w], ok) if not good]
        k += n
        ids = [i for i, _ in imagenet.images(w)]
        take = min(len(ids), max(1, int(ok.sum())))
        inet_items[w] = [ids[j] for j in np.sort(rng(seed, "fig5-imagenet-sample", w).choice(len(ids), take, replace=False))]
    inet_f = compute_features([i for w in common for i in inet_items[w]], SourceImages(imagenet),
                              FeatureSpec(tiny_side=AVERAGE_SIDE), name="fig5-real-imagenet")
    k = 0
    for w in common:
        n = len(inet_items[w])
        ok = inet_f.ok[k:k + n]
        skipped += [(i, "imagenet") for i, good in zip(inet_items[w], ok) if not good]
        label = (labels or {}).get(w, w)
        if len(cal_tiny[w]) and ok.any():
            out.append(average_of(inet_f.tiny[k:k + n][ok], w, label, "ImageNet", inet_items[w][:3]))
            out.append(average_of(cal_tiny[w], w, label, "Caltech", cal_ids[w][:3]))
        k += n
    return out, pd.DataFrame(skipped, columns=["image_id", "folder"])


# ---------------------------------------------------------------- claims

def record_fig5_claims(out: "ResultWriter", panel_a: pd.DataFrame, categories: pd.DataFrame,
                       check: DiversityCheck, real: pd.DataFrame | None = None) -> None:
    """Fig 5: the sizes of (a) and of the 16 Fig 8 categories (info: the simulated gap holds by
    construction), the measure against the world's diversity (the verdict), and on real photos
    whether ImageNet's average images are smaller than Caltech's."""
    c = HEADLINE_CODEC
    for r in panel_a.itertuples():
        out.claim(f"fig5.{r.label}.bytes", f'lossless JPEG bytes of the 32x32 average image of "{r.label}", '
                  "ImageNet style (Caltech style in the note)", "Sec 2 / Fig 5a", None, int(r.ImageNet), "simulated",
                  unit="bytes", direction="info",
                  note=f"Caltech style {int(r.Caltech)} bytes (ratio {r.ratio:.3f}); the gap holds by construction: "
                       "the renderer draws the Caltech style centred, canonical, on a plain background")
    share = float((categories["ratio"] < 1).mean())
    out.claim("fig5.fig8_categories_imagenet_smaller", "share of the 16 Fig 8 categories (Caltech256) whose ImageNet "
              "average image is smaller than the Caltech one", "Sec 2 / Fig 5, footnote 3", None, round(share, 4),
              "simulated", unit="share", direction="info",
              note=f"median ratio {categories['ratio'].median():.3f}; by construction of the render styles; the paper: "
                   "Caltech256's diversity is 'comparable'")
    rho, p = check.spearman[c]
    holds = rho < 0 and p < 0.05
    agree = [k for k, (r_, p_) in check.spearman.items() if r_ < 0 and p_ < 0.05]
    others = ", ".join(f"{k}: rho {v[0]:+.3f} (p {v[1]:.2g})" for k, v in check.spearman.items() if k != c)
    others += f"; the codecs where it holds: {', '.join(agree) or 'none'}"
    out.claim("fig5.smaller_file_for_more_diverse", "a more diverse synset has a smaller lossless JPEG average image "
              f"(Spearman rho < 0 at p < 0.05, size vs the world's diversity, {check.n_images} images per synset)",
              "Sec 2 / Fig 5", "yes", "yes" if holds else "no", "simulated", direction="==",
              note=f"rho {rho:+.3f}, p {p:.2g}, {len(check.table)} mammal synsets; {others}")
    for k, (r_, p_) in check.spearman.items():
        out.claim(f"fig5.spearman_{k.replace('-', '_')}", f"Spearman rho of {k} size vs the world's diversity",
                  "Sec 2 / Fig 5", None, round(r_, 4), "simulated", direction="info", note=f"p {p_:.2g}")
    if real is not None and len(real):
        smaller = float((real["ratio"] < 1).mean())
        out.claim("fig5.real.imagenet_smaller", "ImageNet's average images are smaller (lossless JPEG) than "
                  "Caltech's for most synsets both folders hold", "Sec 2 / Fig 5a", "yes",
                  "yes" if smaller > 0.5 else "no", "real", direction="==",
                  note=f"{len(real)} synsets; share smaller {smaller:.2f}; median ratio {real['ratio'].median():.3f}")
