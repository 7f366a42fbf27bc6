"""Tiny images (Torralba, Fergus and Freeman [24]): every image squashed to 32x32 colour pixels.

Why: the paper's NN-voting (Sec 4.1) imitates the TinyImage dataset, "down-sample them to
32x32", and compares images by the sum of squared pixel differences (SSD); the average image
of Fig 5 is downsampled to 32x32 too. Downsampling is OpenCV's area interpolation (the mean of
the source pixels under each target pixel, a linear map), so the mean of tiny images equals the
tiny image of the mean of same-size images: Fig 5's "average, then downsample" and our
"downsample, then average" agree. The aspect ratio is not kept (a 400x350 photo becomes
32x32), as in [24].

Stored as uint8 (3 KB an image); ``tiny_vectors`` makes the float32 rows the nearest-neighbour
search uses, normalised per image to zero mean and unit norm as [24] do before the SSD (so a
brighter copy of a photo is still its nearest neighbour); ``normalize=False`` keeps raw
intensities in [0, 1].
"""

from __future__ import annotations

import cv2
import numpy as np

from .. import paper
from ..errors import UserError

TINY_SIDE = paper.TINY_IMAGE_SIDE


def _rgb(image: np.ndarray) -> np.ndarray:
    a = np.asarray(image)
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] != 3 or min(a.shape[:2]) < 1:
        raise UserError(f"expected an HxWx3 uint8 RGB image, got shape {a.shape} dtype {a.dtype}")
    return np.ascontiguousarray(a)


def tiny_image(image: np.ndarray, side: int = TINY_SIDE) -> np.ndarray:
    """(side, side, 3) uint8: the image resized by area averaging (aspect not kept)."""
    if side < 1:
        raise UserError(f"tiny image side must be >= 1, got {side}")
    a = _rgb(image)
    interp = cv2.INTER_AREA if a.shape[0] >= side and a.shape[1] >= side else cv2.INTER_LINEAR
    return np.ascontiguousarray(cv2.resize(a, (side, side), interpolation=interp))


def tiny_vectors(tiny: np.ndarray, normalize: bool = True) -> np.ndarray:
    """(n, side*side*3) float32 rows of a stack of tiny images (n, side, side, 3).

    ``normalize``: zero mean and unit L2 norm per image ([24]; a constant image becomes all
    zeros); otherwise intensities / 255.
    """
    t = np.asarray(tiny)
    if t.ndim == 3:
        t = t[None]
    if t.ndim != 4:
        raise UserError(f"expected a stack of tiny images (n, side, side, 3), got shape {t.shape}")
    v = t.reshape(len(t), -1).astype(np.float32) / np.float32(255)
    if not normalize:
        return v
    v -= v.mean(axis=1, keepdims=True)
    norm = np.sqrt(np.einsum("ij,ij->i", v, v))
    flat = norm < np.float32(1e-4)  # a constant image: its residual is rounding noise
    v /= np.where(flat, np.float32(1), norm)[:, None]
    v[flat] = 0
    return v


def average_image(tiny: np.ndarray) -> np.ndarray:
    """The mean of a stack of tiny images, rounded to uint8 (Fig 5's average image)."""
    t = np.asarray(tiny)
    if t.ndim != 4 or len(t) == 0:
        raise UserError(f"average_image needs a non-empty stack (n, side, side, 3), got shape {t.shape}")
    return np.clip(np.rint(t.astype(np.float64).mean(axis=0)), 0, 255).astype(np.uint8)
