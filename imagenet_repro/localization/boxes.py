"""The box search and the box metrics of Sec 4.3.

The paper puts one box "around the region which accumulates the highest likelihood". Every
likelihood is positive, so the box that accumulates the most of it is the whole image; what
is meant is the region where the category explains the patches better than the background
does. So each patch carries a signed score, log p(x|c) - log p(x|background) (topics.py),
the scores are summed over a grid of cells, and the box is the maximum-sum rectangle of the
grid: 2-D Kadane, vectorised over all pairs of rows (the column sums of every row band at
once, then the best contiguous run of columns of each band from prefix sums), O(R^2 C); ties
(empty cells score 0) go to the smallest rectangle.

Boxes are (x0, y0, x1, y1) pixel edges, x1/y1 exclusive, as render.Rendered.box.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UserError


def max_sum_rectangle(grid: np.ndarray) -> tuple[tuple[int, int, int, int], float]:
    """The non-empty rectangle of cells with the largest sum: ((r0, c0, r1, c1) exclusive, sum)."""
    g = np.asarray(grid, dtype=np.float64)
    if g.ndim != 2 or g.size == 0:
        raise UserError(f"the score grid must be a non-empty 2-D array, got shape {g.shape}")
    if not np.all(np.isfinite(g)):
        raise UserError("the score grid has NaN or infinite values")
    R, C = g.shape
    # ties (cells without patches score 0) go to the smallest rectangle: every cell costs a hair
    eps = 1e-9 * max(1.0, float(np.abs(g).max()))
    rows = np.vstack([np.zeros((1, C)), np.cumsum(g - eps, axis=0)])  # rows[k] = sum of rows < k
    r0, r1 = np.triu_indices(R + 1, k=1)  # every band of rows [r0, r1)
    band = rows[r1] - rows[r0]  # (bands, C) column sums
    prefix = np.hstack([np.zeros((band.shape[0], 1)), np.cumsum(band, axis=1)])
    low = np.minimum.accumulate(prefix[:, :-1], axis=1)  # min prefix before each end column
    gain = prefix[:, 1:] - low  # best run ending at column k (inclusive)
    b, k = np.unravel_index(int(np.argmax(gain)), gain.shape)
    j = int(np.argmin(prefix[b, :k + 1]))
    r_0, r_1 = int(r0[b]), int(r1[b])
    return (r_0, j, r_1, int(k) + 1), float(g[r_0:r_1, j:k + 1].sum())


def score_grid(xy: np.ndarray, scores: np.ndarray, size: tuple[int, int], cell: int) -> np.ndarray:
    """Patch scores summed per cell of ``cell`` pixels: (rows, cols) over an image of size (W, H)."""
    W, H = int(size[0]), int(size[1])
    if cell < 1:
        raise UserError(f"cell must be >= 1 pixel, got {cell}")
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    if xy.shape[0] != s.shape[0]:
        raise UserError(f"{xy.shape[0]} patch positions but {s.shape[0]} scores")
    rows, cols = -(-H // cell), -(-W // cell)
    c = np.clip((xy[:, 0] // cell).astype(np.int64), 0, cols - 1)
    r = np.clip((xy[:, 1] // cell).astype(np.int64), 0, rows - 1)
    return np.bincount(r * cols + c, weights=s, minlength=rows * cols).reshape(rows, cols)


def search_box(xy: np.ndarray, scores: np.ndarray, size: tuple[int, int], cell: int = 16
               ) -> tuple[tuple[int, int, int, int], float]:
    """The detected box of one image (pixel edges, clipped to the image) and its summed score."""
    (r0, c0, r1, c1), total = max_sum_rectangle(score_grid(xy, scores, size, cell))
    W, H = int(size[0]), int(size[1])
    return (c0 * cell, r0 * cell, min(W, c1 * cell), min(H, r1 * cell)), total


def whole_box(size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The whole image as a box (the baseline a positive likelihood would always give)."""
    return 0, 0, int(size[0]), int(size[1])


def centred_box(size: tuple[int, int], area_frac: float) -> tuple[int, int, int, int]:
    """A box at the image centre with the image's aspect, covering ``area_frac`` of its area."""
    if not 0 < area_frac <= 1:
        raise UserError(f"area_frac must be in (0, 1], got {area_frac}")
    W, H = int(size[0]), int(size[1])
    f = np.sqrt(area_frac)
    w, h = max(1, int(round(W * f))), max(1, int(round(H * f)))
    x0, y0 = (W - w) // 2, (H - h) // 2
    return x0, y0, x0 + w, y0 + h


@dataclass(frozen=True)
class BoxScores:
    """Per-box metrics against the true boxes, by pixel areas (arrays, one value per image)."""

    precision: np.ndarray  # |B & T| / |B|
    recall: np.ndarray  # |B & T| / |T|
    iou: np.ndarray  # |B & T| / |B | T|
    f1: np.ndarray  # 2 P R / (P + R)


def box_scores(pred: np.ndarray, true: np.ndarray) -> BoxScores:
    """Precision, recall, IoU and F1 of predicted boxes against true ones ((n, 4) each)."""
    p = np.asarray(pred, dtype=np.float64).reshape(-1, 4)
    t = np.asarray(true, dtype=np.float64).reshape(-1, 4)
    if p.shape != t.shape:
        raise UserError(f"{p.shape[0]} predicted boxes but {t.shape[0]} true boxes")
    if np.any(p[:, 2:] <= p[:, :2]) or np.any(t[:, 2:] <= t[:, :2]):
        raise UserError("every box needs x1 > x0 and y1 > y0")
    iw = np.clip(np.minimum(p[:, 2], t[:, 2]) - np.maximum(p[:, 0], t[:, 0]), 0, None)
    ih = np.clip(np.minimum(p[:, 3], t[:, 3]) - np.maximum(p[:, 1], t[:, 1]), 0, None)
    inter = iw * ih
    ap = (p[:, 2] - p[:, 0]) * (p[:, 3] - p[:, 1])
    at = (t[:, 2] - t[:, 0]) * (t[:, 3] - t[:, 1])
    prec, rec = inter / ap, inter / at
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(prec + rec > 0, 2 * prec * rec / (prec + rec), 0.0)
    return BoxScores(precision=prec, recall=rec, iou=inter / (ap + at - inter), f1=f1)


def evaluate_boxes(pred: np.ndarray, true: np.ndarray, sizes: np.ndarray) -> dict[str, float]:
    """Mean metrics of one category's detected boxes and of the baselines on the same images:
    a centred box of the same area as each detected box (where it is put, not how big), a
    centred box of half the image, and the whole image. ``sizes``: (n, 2) (width, height)."""
    pred = np.asarray(pred).reshape(-1, 4)
    sizes = np.asarray(sizes).reshape(-1, 2)
    area = (pred[:, 2] - pred[:, 0]) * (pred[:, 3] - pred[:, 1]) / (sizes[:, 0] * sizes[:, 1])
    out = {"images": float(len(pred)), "box_area": float(area.mean())}
    for name, boxes in (("", pred),
                        ("centred_same_", np.array([centred_box(s, min(1.0, a)) for s, a in zip(sizes, area)])),
                        ("centred_half_", np.array([centred_box(s, 0.5) for s in sizes])),
                        ("whole_", np.array([whole_box(s) for s in sizes]))):
        m = box_scores(boxes, true)
        for metric in ("precision", "recall", "iou", "f1"):
            out[name + metric] = float(getattr(m, metric).mean())
    return out
