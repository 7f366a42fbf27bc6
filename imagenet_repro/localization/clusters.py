"""Fig 12: the detected boxes as 32x32 grey crops, their average, k-means clusters with their
averages, and how well the clusters match the poses the images were drawn in.

The paper: boxes "converted to grayscale and rescaled to 32x32", k-means, "the average images
of the single clusters consistently discover viewpoints or common poses". In the simulated world
each rendering carries its view label (render.Rendered.view), so the claim becomes a number:
the adjusted Rand index of clusters against views, and its p-value under a permutation null
(views shuffled among the same images).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from .. import paper
from ..errors import UserError
from ..rng import rng


def box_crops(images: Sequence[np.ndarray], boxes: np.ndarray, side: int = paper.AVERAGE_IMAGE_SIDE) -> np.ndarray:
    """Each box cut out of its image, grey, resized to side x side (aspect not kept, as the
    paper rescales), values in [0, 1]: (n, side, side) float32."""
    boxes = np.asarray(boxes).reshape(-1, 4)
    if len(images) != len(boxes):
        raise UserError(f"{len(images)} images but {len(boxes)} boxes")
    out = np.zeros((len(images), side, side), np.float32)
    for i, (img, (x0, y0, x1, y1)) in enumerate(zip(images, boxes)):
        crop = np.ascontiguousarray(img[int(y0):int(y1), int(x0):int(x1), :3])
        if crop.size == 0:
            raise UserError(f"box {i} {tuple(int(v) for v in (x0, y0, x1, y1))} is empty or outside its image")
        grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
        out[i] = cv2.resize(grey, (side, side), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    return out


@dataclass(frozen=True)
class BoxClusters:
    """k-means clusters of box crops, largest first."""

    labels: np.ndarray  # (n,) cluster of each crop, 0 = largest cluster
    averages: np.ndarray  # (k, side, side) mean crop of each cluster
    sizes: np.ndarray  # (k,)
    average: np.ndarray  # (side, side) mean of all crops


def cluster_boxes(crops: np.ndarray, k: int = paper.FIG12_CLUSTERS, seed: int = 2009, key: str = "",
                  standardise: bool = True) -> BoxClusters:
    """k-means (sklearn, seeded, 10 restarts) of the crops as vectors; each crop standardised
    (zero mean, unit variance) first unless ``standardise`` is False, so that brightness and
    contrast do not decide the clusters. Averages are of the raw crops."""
    from sklearn.cluster import KMeans

    crops = np.asarray(crops, np.float32)
    n = crops.shape[0]
    if n < k:
        raise UserError(f"{n} crops cannot make {k} clusters")
    X = crops.reshape(n, -1).astype(np.float64)
    if standardise:
        X = (X - X.mean(axis=1, keepdims=True)) / np.maximum(X.std(axis=1, keepdims=True), 1e-6)
    state = int(rng(seed, "fig12-kmeans", key).integers(0, 2**31 - 1))
    raw = KMeans(n_clusters=k, n_init=10, random_state=state).fit_predict(X)
    order = np.argsort(-np.bincount(raw, minlength=k), kind="stable")
    relabel = np.empty(k, np.int64)
    relabel[order] = np.arange(k)
    labels = relabel[raw]
    averages = np.stack([crops[labels == j].mean(axis=0) for j in range(k)])
    return BoxClusters(labels=labels, averages=averages, sizes=np.bincount(labels, minlength=k),
                       average=crops.mean(axis=0))


@dataclass(frozen=True)
class ViewAgreement:
    """Adjusted Rand index of clusters against view labels, with its permutation null."""

    ari: float
    p_value: float  # share of shuffles with an ARI >= the observed one ((hits + 1) / (shuffles + 1))
    null_mean: float
    null_95: float
    shuffles: int


def view_agreement(labels: np.ndarray, views: Sequence[str], shuffles: int = 2000, seed: int = 2009,
                   key: str = "") -> ViewAgreement:
    """How far the clusters recover the renderer's view labels beyond chance."""
    from sklearn.metrics import adjusted_rand_score

    labels = np.asarray(labels)
    views = np.asarray(views, dtype=object)
    if labels.shape[0] != views.shape[0]:
        raise UserError(f"{labels.shape[0]} cluster labels but {views.shape[0]} view labels")
    codes = np.unique(views.astype(str), return_inverse=True)[1]
    ari = float(adjusted_rand_score(codes, labels))
    g = rng(seed, "fig12-view-null", key)
    null = np.array([adjusted_rand_score(g.permutation(codes), labels) for _ in range(shuffles)])
    return ViewAgreement(ari=ari, p_value=float((np.sum(null >= ari) + 1) / (shuffles + 1)),
                         null_mean=float(null.mean()), null_95=float(np.quantile(null, 0.95)), shuffles=shuffles)
