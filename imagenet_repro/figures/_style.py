"""The one style of every figure, applied with a context manager, and shared drawing helpers.

Why no global rcParams: a figure drawn by the package must not change how a user's own plots
look in the same notebook. ``styled`` wraps each figure function in ``plt.rc_context``.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np

PALETTE = {"real": "#1f77b4", "simulated": "#d62728", "paper": "#555555"}
STYLE = {
    "figure.dpi": 100, "savefig.dpi": 150, "font.size": 10, "axes.titlesize": 11,
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
    "grid.alpha": 0.3, "legend.frameon": False,
}


def styled(func):
    """Decorator: draw the figure under the artifact's style (``plt.rc_context(STYLE)``)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with plt.rc_context(STYLE):
            return func(*args, **kwargs)

    return wrapper


def mode_label(mode: str) -> str:
    """The tag every figure title carries, so no simulated number passes for a real one."""
    return "SIMULATED" if mode == "simulated" else "real data"


def square_tile(img: np.ndarray, size: int) -> np.ndarray:
    """Centre-crop to a square and resize (for image mosaics)."""
    from PIL import Image

    h, w = img.shape[:2]
    s = min(h, w)
    y0, x0 = (h - s) // 2, (w - s) // 2
    crop = np.ascontiguousarray(img[y0:y0 + s, x0:x0 + s, :3])
    return np.asarray(Image.fromarray(crop).resize((size, size), Image.BILINEAR))


def mosaic(images: list, grid: int = 3, tile: int = 96, gap: int = 3) -> np.ndarray:
    """A grid x grid mosaic of square tiles; missing images are grey tiles."""
    side = grid * tile + (grid + 1) * gap
    out = np.full((side, side, 3), 255, np.uint8)
    for k in range(grid * grid):
        r, c = divmod(k, grid)
        y, x = gap + r * (tile + gap), gap + c * (tile + gap)
        if k < len(images):
            out[y:y + tile, x:x + tile] = square_tile(images[k], tile)
        else:
            out[y:y + tile, x:x + tile] = 225  # no image: a grey tile
    return out


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width))
