"""The 64-bit perceptual hash of an image (a feature: duplicate removal in Sec 3.1 and Fig 8 use it)."""

from __future__ import annotations

import numpy as np

from ..errors import UserError


def check_image(image: np.ndarray, i: int) -> np.ndarray:
    """The image as an array, or a UserError naming it (the i-th) when it is not 8-bit pixels."""
    a = np.asarray(image)
    if a.dtype != np.uint8 or a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (1, 3, 4)) \
            or a.shape[0] == 0 or a.shape[1] == 0:
        raise UserError(f"image {i}: expected an HxWx3 (or HxW) uint8 array, "
                        f"got shape {a.shape} dtype {a.dtype}")
    return a


def phash64(image: np.ndarray) -> np.uint64:
    """imagehash's 64-bit DCT perceptual hash of one image, packed into a uint64."""
    import imagehash
    from PIL import Image

    a = check_image(image, 0)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    bits = imagehash.phash(Image.fromarray(a), hash_size=8).hash.reshape(-1)
    return np.packbits(bits.astype(np.uint8)).view(">u8")[0].astype(np.uint64)
