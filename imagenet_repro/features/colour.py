"""Colour histograms of RGB pixel arrays: a cheap global feature (used by the tree-max
check on rendered images, Sec 4.2, beside tiny-image pixels).

A joint HSV histogram: hue carries most of what separates object colours, so it gets the
most bins; saturation and value fewer. Normalised to sum 1, so image size does not matter.
"""

from __future__ import annotations

import numpy as np

from ..errors import UserError

HSV_BINS = (8, 4, 4)  # hue, saturation, value


def hsv_histogram(image: np.ndarray, bins: tuple[int, int, int] = HSV_BINS) -> np.ndarray:
    """Joint HSV histogram (hue x saturation x value bins, flattened) of an RGB uint8 image
    (H, W, 3), normalised to sum 1; float32."""
    import cv2

    img = np.asarray(image)
    if img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
        raise UserError(f"hsv_histogram needs an RGB uint8 image (H, W, 3), got {img.dtype} {img.shape}")
    if len(bins) != 3 or min(bins) < 1:
        raise UserError(f"bins must be three positive counts (hue, saturation, value), got {bins!r}")
    hsv = cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2HSV)  # H in [0, 180), S, V in [0, 256)
    nh, ns, nv = (int(b) for b in bins)
    h = (hsv[..., 0].astype(np.int32) * nh) // 180
    s = (hsv[..., 1].astype(np.int32) * ns) // 256
    v = (hsv[..., 2].astype(np.int32) * nv) // 256
    code = ((np.minimum(h, nh - 1) * ns + s) * nv + v).ravel()
    hist = np.bincount(code, minlength=nh * ns * nv).astype(np.float32)
    return hist / max(float(hist.sum()), 1.0)


def rgb_histogram(image: np.ndarray, bins: int = 4) -> np.ndarray:
    """Joint RGB histogram (bins**3, flattened) of an RGB uint8 image, normalised; float32."""
    img = np.asarray(image)
    if img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
        raise UserError(f"rgb_histogram needs an RGB uint8 image (H, W, 3), got {img.dtype} {img.shape}")
    q = (img.astype(np.int32) * int(bins)) // 256
    code = ((q[..., 0] * bins + q[..., 1]) * bins + q[..., 2]).ravel()
    hist = np.bincount(code, minlength=bins ** 3).astype(np.float32)
    return hist / max(float(hist.sum()), 1.0)
