"""Intra-synset duplicate removal (paper Sec 3.1: "after intra-synset duplicate removal").

The same web image comes back from several queries and engines (exact duplicates) and in
altered copies: resized, re-encoded, slightly cropped or recoloured (near duplicates). The
paper does not say how it found them; we use two standard tests, on any list of images
(rendered pixels or real photos):

- exact: a SHA-256 of the encoded bytes, or of the decoded pixel array (shape + bytes);
- near: the 64-bit DCT perceptual hash (``imagehash.phash``); two images are the same web
  image when their hashes differ in at most ``threshold`` of 64 bits. Hamming distances
  are computed with numpy bit operations (XOR + popcount) block by block, never a Python
  double loop; images are grouped transitively (connected components, scipy).

``pairwise_precision_recall`` scores the "same web image" decisions against known groups
(the simulated world knows each candidate's ``web_image_id``): every pair of images in one
predicted group is a "same" decision; precision is the share of those pairs that are truly
the same web image, recall the share of true same-image pairs that were found.
``threshold_sweep`` shows how both move with the threshold.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import UserError
from ..features.phash import check_image, phash64
from ..rng import rng as stream

HASH_BITS = 64
DEFAULT_THRESHOLD = 10  # chosen on the threshold sweep of notebook 01; see its text
SAMPLE_STREAM = 0xDED  # the stream key of sample_web_images (an int, kept so its draws stay as they were)


def validate_threshold(threshold: int) -> int:
    """The Hamming threshold as an int in 0..64, or a UserError saying what is allowed."""
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)):
        raise UserError(f"dedup threshold must be an integer number of bits in 0..{HASH_BITS}, "
                        f"got {threshold!r}")
    if not 0 <= int(threshold) <= HASH_BITS:
        raise UserError(f"dedup threshold {threshold} is out of range: a Hamming distance "
                        f"between {HASH_BITS}-bit hashes lies in 0..{HASH_BITS}")
    return int(threshold)




# ---------------------------------------------------------------- hashes

def content_hash(image: np.ndarray | bytes) -> str:
    """SHA-256 hex digest of encoded bytes, or of an array's shape, dtype and pixels."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        return hashlib.sha256(bytes(image)).hexdigest()
    a = np.ascontiguousarray(image)
    h = hashlib.sha256(f"{a.shape}{a.dtype.str}".encode())
    h.update(a.tobytes())
    return h.hexdigest()


def perceptual_hashes(images: Sequence[np.ndarray], progress: bool = False) -> np.ndarray:
    """uint64 phash per image (one imagehash call per image: each is pixel work)."""
    it: Iterable = images
    if progress:
        from tqdm import tqdm  # text bars: they stream to the terminal under run_all.sh

        it = tqdm(images, desc="phash", leave=False)
    out = np.empty(len(images), dtype=np.uint64)
    for i, img in enumerate(it):
        check_image(img, i)
        out[i] = phash64(img)
    return out


def hamming_distances(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Hamming distances (uint8) between uint64 hashes: len(a) x len(b) (b defaults to a)."""
    a = np.asarray(a, dtype=np.uint64)
    b = a if b is None else np.asarray(b, dtype=np.uint64)
    return np.bitwise_count(a[:, None] ^ b[None, :]).astype(np.uint8)


def near_pairs(hashes: np.ndarray, threshold: int, block: int = 512
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs i < j with Hamming distance <= threshold: (i, j, distance), blockwise."""
    threshold = validate_threshold(threshold)
    h = np.asarray(hashes, dtype=np.uint64)
    n = len(h)
    ii, jj, dd = [], [], []
    for start in range(0, n, block):
        d = hamming_distances(h[start:start + block], h[start:])  # only j >= this block
        r, c = np.nonzero(d <= threshold)
        keep = c > r  # c is relative to `start`, as is r: the upper triangle
        ii.append(r[keep] + start)
        jj.append(c[keep] + start)
        dd.append(d[r[keep], c[keep]])
    if not ii:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint8)
    return (np.concatenate(ii).astype(np.int64), np.concatenate(jj).astype(np.int64),
            np.concatenate(dd).astype(np.uint8))


def near_pairs_within(hashes: np.ndarray, threshold: int, by: Sequence | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """near_pairs, but only between items with the same ``by`` value (intra-synset dedup)."""
    if by is None:
        return near_pairs(hashes, threshold)
    threshold = validate_threshold(threshold)
    hashes = np.asarray(hashes, dtype=np.uint64)
    by = np.asarray(by)
    if len(by) != len(hashes):
        raise UserError(f"{len(hashes)} hashes but {len(by)} group keys")
    _, codes = np.unique(by, return_inverse=True)
    out_i, out_j, out_d = [], [], []
    for g in range(codes.max() + 1 if len(codes) else 0):  # one synset at a time
        idx = np.flatnonzero(codes == g)
        i, j, d = near_pairs(hashes[idx], threshold)
        out_i.append(idx[i]), out_j.append(idx[j]), out_d.append(d)
    if not out_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint8)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_d)


def groups_from_pairs(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected components of n items linked by pairs (i, j): a group label per item.

    Labels are renumbered in order of first appearance, so the same links give the same
    labels whatever the pair order.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if n == 0:
        return np.zeros(0, dtype=np.int64)
    g = coo_matrix((np.ones(len(i), dtype=np.int8), (np.asarray(i), np.asarray(j))), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))  # rank of each component by first member
    return order[inverse].astype(np.int64)


def exact_groups(images: Sequence[np.ndarray | bytes]) -> np.ndarray:
    """A group label per image; equal labels = identical content (bytes or pixels)."""
    digests = np.array([content_hash(x) for x in images], dtype=object)
    if len(digests) == 0:
        return np.zeros(0, dtype=np.int64)
    _, first, inverse = np.unique(digests.astype(str), return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse].astype(np.int64)


# ---------------------------------------------------------------- dedup

@dataclass(frozen=True)
class DedupResult:
    """Groups of one image list: ``group`` (exact + near, transitive), ``exact_group``,
    the perceptual ``hashes`` and ``keep`` (the first image of each group)."""

    group: np.ndarray
    exact_group: np.ndarray
    hashes: np.ndarray
    threshold: int

    @property
    def keep(self) -> np.ndarray:
        mask = np.zeros(len(self.group), dtype=bool)
        mask[np.unique(self.group, return_index=True)[1]] = True
        return mask

    @property
    def n_images(self) -> int:
        return len(self.group)

    @property
    def n_exact_removed(self) -> int:
        return int(len(self.exact_group) - len(np.unique(self.exact_group)))

    @property
    def n_removed(self) -> int:
        return int(len(self.group) - len(np.unique(self.group)))

    def summary(self) -> dict:
        return {"images": self.n_images, "threshold": self.threshold,
                "exact_duplicates_removed": self.n_exact_removed,
                "near_duplicates_removed": self.n_removed - self.n_exact_removed,
                "kept": self.n_images - self.n_removed}


def find_duplicates(images: Sequence[np.ndarray], threshold: int = DEFAULT_THRESHOLD,
                    by: Sequence | None = None, progress: bool = False) -> DedupResult:
    """Exact and near duplicates of a list of RGB arrays.

    ``by`` (optional, one key per image, e.g. the wnid) keeps duplicates within a key:
    the paper's removal is intra-synset.
    """
    threshold = validate_threshold(threshold)
    images = [check_image(x, i) for i, x in enumerate(images)]
    exact = exact_groups(images)
    hashes = perceptual_hashes(images, progress=progress)
    return dedup_hashes(hashes, threshold, exact, by=by)


def dedup_hashes(hashes: np.ndarray, threshold: int = DEFAULT_THRESHOLD,
                 exact: np.ndarray | None = None, by: Sequence | None = None) -> DedupResult:
    """Group already-computed hashes (and exact labels, if any) at ``threshold``."""
    threshold = validate_threshold(threshold)
    hashes = np.asarray(hashes, dtype=np.uint64)
    n = len(hashes)
    exact = _within(np.arange(n) if exact is None else np.asarray(exact), by)
    i, j, _ = near_pairs_within(hashes, threshold, by)
    ei, ej = _label_links(exact)
    group = groups_from_pairs(n, np.concatenate([i, ei]), np.concatenate([j, ej]))
    return DedupResult(group=group, exact_group=exact, hashes=hashes, threshold=threshold)


def _within(labels: np.ndarray, by: Sequence | None) -> np.ndarray:
    """Labels split by ``by``: equal only when both the label and the key are equal."""
    if by is None:
        return np.asarray(labels)
    keys = np.rec.fromarrays([np.unique(np.asarray(by), return_inverse=True)[1],
                              np.unique(np.asarray(labels), return_inverse=True)[1]])
    return np.unique(keys, return_inverse=True)[1].reshape(-1)


def _label_links(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs chaining the members of each label (enough for connected components)."""
    labels = np.asarray(labels)
    order = np.argsort(labels, kind="stable")
    same = labels[order][1:] == labels[order][:-1]
    return order[:-1][same].astype(np.int64), order[1:][same].astype(np.int64)


# ---------------------------------------------------------------- evaluation

def _pairs(counts: np.ndarray) -> int:
    counts = counts.astype(np.int64)
    return int(np.sum(counts * (counts - 1) // 2))


def pairwise_precision_recall(predicted: Sequence, truth: Sequence,
                              by: Sequence | None = None) -> dict[str, float]:
    """Precision and recall of the "same web image" decisions implied by two groupings.

    A pair of items is decided "same" when both are in one predicted group; it is truly
    the same when both share a true label (and, with ``by``, the same key: the same web
    image in two synsets is two candidates). precision = TP / predicted pairs, recall =
    TP / true pairs (NaN when there is no pair to count).
    """
    p = np.asarray(predicted)
    t = np.asarray(truth)
    if p.shape != t.shape or p.ndim != 1:
        raise UserError(f"predicted and true groups must be 1-d and of equal length, got "
                        f"{p.shape} and {t.shape}")
    if by is not None:
        if len(by) != len(p):
            raise UserError(f"{len(p)} labels but {len(by)} group keys")
        p, t = _within(p, by), _within(t, by)
    _, p_codes = np.unique(p, return_inverse=True)
    _, t_codes = np.unique(t, return_inverse=True)
    pred_pairs = _pairs(np.bincount(p_codes)) if len(p) else 0
    true_pairs = _pairs(np.bincount(t_codes)) if len(t) else 0
    if len(p):
        joint = p_codes.astype(np.int64) * (t_codes.max() + 1) + t_codes
        tp = _pairs(np.unique(joint, return_counts=True)[1])
    else:
        tp = 0
    precision = tp / pred_pairs if pred_pairs else float("nan")
    recall = tp / true_pairs if true_pairs else float("nan")
    f1 = (2 * precision * recall / (precision + recall)
          if pred_pairs and true_pairs and (precision + recall) > 0 else float("nan"))
    return {"precision": precision, "recall": recall, "f1": f1, "true_positive_pairs": tp,
            "predicted_pairs": pred_pairs, "true_pairs": true_pairs}


def threshold_sweep(hashes: np.ndarray, truth: Sequence, thresholds: Iterable[int] = range(0, 33),
                    exact: np.ndarray | None = None, by: Sequence | None = None) -> pd.DataFrame:
    """Pairwise precision/recall of the dedup at each Hamming threshold (one row each).

    Distances are computed once, up to the largest threshold; each threshold then only
    filters the pairs and recomputes the connected components. With ``by``, images are
    compared only within a key and the truth is taken within a key too.
    """
    thresholds = sorted({validate_threshold(t) for t in thresholds})
    if not thresholds:
        raise UserError("threshold_sweep needs at least one threshold")
    hashes = np.asarray(hashes, dtype=np.uint64)
    truth = np.asarray(truth)
    if len(truth) != len(hashes):
        raise UserError(f"{len(hashes)} hashes but {len(truth)} true labels")
    n = len(hashes)
    truth = _within(truth, by)
    i, j, d = near_pairs_within(hashes, thresholds[-1], by)
    ei, ej = _label_links(_within(np.arange(n) if exact is None else np.asarray(exact), by))
    rows = []
    for t in thresholds:
        m = d <= t
        group = groups_from_pairs(n, np.concatenate([i[m], ei]), np.concatenate([j[m], ej]))
        pr = pairwise_precision_recall(group, truth)
        rows.append({"threshold": t, **pr, "groups": int(len(np.unique(group))),
                     "removed": int(n - len(np.unique(group)))})
    return pd.DataFrame(rows)


def pair_distances(hashes: np.ndarray, truth: Sequence, by: Sequence | None = None) -> pd.DataFrame:
    """Every within-key pair's Hamming distance and whether it is truly one web image."""
    hashes = np.asarray(hashes, dtype=np.uint64)
    truth = _within(truth, by)
    i, j, d = near_pairs_within(hashes, HASH_BITS, by)
    return pd.DataFrame({"i": i, "j": j, "distance": d, "same_image": truth[i] == truth[j]})


# ---------------------------------------------------------------- the simulated world's sample

def sample_web_images(candidates: pd.DataFrame, n_web_images: int, seed: int) -> pd.DataFrame:
    """All raw result rows of ``n_web_images`` web images of one synset's candidates.

    Half of the web images (at most) are drawn among those that came back in two or more
    altered copies, so near duplicates are present to be found; the rest uniformly. Every
    row of a drawn image is kept, so exact duplicates (one image from several queries or
    engines) are in the sample as they are in the raw results. Deterministic in seed.
    """
    need = {"web_image_id", "variant", "true_wnid", "candidate_id"}
    if need - set(candidates.columns):
        raise UserError(f"candidates lack the columns {sorted(need - set(candidates.columns))}")
    if n_web_images < 1:
        raise UserError(f"n_web_images must be >= 1, got {n_web_images}")
    gen = stream(seed, SAMPLE_STREAM)
    variants = candidates.groupby("web_image_id", sort=True)["variant"].nunique()
    multi = variants.index[variants.to_numpy() > 1].to_numpy()
    single = variants.index[variants.to_numpy() <= 1].to_numpy()
    k_multi = min(len(multi), n_web_images // 2)
    k_single = min(len(single), n_web_images - k_multi)
    pick = np.concatenate([gen.choice(multi, k_multi, replace=False),
                           gen.choice(single, k_single, replace=False)])
    rows = candidates[candidates["web_image_id"].isin(pick)]
    return rows.sort_values("candidate_id", kind="stable").reset_index(drop=True)


def render_rows(world, rows: pd.DataFrame, progress: bool = False) -> list[np.ndarray]:
    """Pixels of each row, rendering each (web image, variant) once (exact copies share it),
    through the parallel map."""
    from ..sources.simulated import render_many

    keys = list(zip(rows["true_wnid"].astype(str), rows["web_image_id"].astype(np.int64),
                    rows["variant"].astype(np.int64)))
    unique = list(dict.fromkeys(keys))
    pixels = dict(zip(unique, (r.image for r in render_many(world, unique, progress=progress))))
    return [pixels[k] for k in keys]


# ---------------------------------------------------------------- evaluation on the simulated world

@dataclass(frozen=True)
class WorldDedupEvaluation:
    """The pixel dedup run on rendered raw results of some synsets, scored against the
    world's known web images (notebook 01). ``pr``: pairwise precision/recall at
    ``result.threshold``; ``sweep``: the same at every threshold; ``distances``: every
    within-synset pair's Hamming distance and whether it is truly one web image."""

    sample: pd.DataFrame
    result: DedupResult
    pr: dict[str, float]
    sweep: pd.DataFrame
    distances: pd.DataFrame

    @property
    def n_synsets(self) -> int:
        return int(self.sample["wnid"].astype(str).nunique())

    def pixel_sample_table(self) -> pd.DataFrame:
        """One row: the dedup's counts and its pairwise scores."""
        return pd.DataFrame([{**self.result.summary(), **self.pr}])

    def describe(self) -> str:
        pr, web = self.pr, self.sample.groupby("wnid", observed=True).web_image_id.nunique().sum()
        return (f"{len(self.sample):,} rendered candidates of {self.n_synsets} synsets, "
                f"{web:,} web images; {self.result.summary()}\n"
                f"threshold {self.result.threshold}: precision {pr['precision']:.3f}, "
                f"recall {pr['recall']:.3f} ({pr['true_positive_pairs']} of {pr['true_pairs']} "
                f"true pairs, {pr['predicted_pairs']} merged)")


def evaluate_on_world(world, wnids: Sequence[str], n_web_images: int, seed: int,
                      threshold: int = DEFAULT_THRESHOLD, amount: float = 1.0,
                      thresholds: Iterable[int] = range(0, 33),
                      progress: bool = False) -> WorldDedupEvaluation:
    """Sample ``n_web_images`` web images per synset from its raw results (sample_web_images),
    render every row of them, dedup within each synset and score it (pairwise), at
    ``threshold`` and over ``thresholds``. Pixels are rendered and hashed once."""
    threshold = validate_threshold(threshold)
    if not len(wnids):
        raise UserError("evaluate_on_world needs at least one synset")
    sample = pd.concat([sample_web_images(world.candidates(w, amount=amount), n_web_images, seed)
                        for w in wnids], ignore_index=True)
    pixels = render_rows(world, sample, progress=progress)
    exact = exact_groups(pixels)
    hashes = perceptual_hashes(pixels, progress=progress)
    by, truth = sample["wnid"].astype(str).to_numpy(), sample["web_image_id"].to_numpy()
    result = dedup_hashes(hashes, threshold, exact, by=by)
    pr = pairwise_precision_recall(result.group, truth, by=by)
    sweep = threshold_sweep(hashes, truth, thresholds=thresholds, exact=exact, by=by)
    return WorldDedupEvaluation(sample, result, pr, sweep, pair_distances(hashes, truth, by=by))


def record_dedup_claims(out, evaluation: WorldDedupEvaluation) -> None:
    """Info claims (SIMULATED): pairwise precision and recall at the chosen threshold."""
    t, ev = evaluation.result.threshold, evaluation
    for key in ("precision", "recall"):
        out.claim(f"collect.dedup_{key}", f"pairwise {key} of the pixel dedup at threshold {t} "
                  "(same web image decisions, rendered candidates)", "Sec 3.1", paper=None,
                  reproduced=round(float(ev.pr[key]), 4), unit="share", mode="simulated", direction="info",
                  note=f"{len(ev.sample)} rendered candidates of {ev.n_synsets} synsets; "
                       "the paper gives no number")
