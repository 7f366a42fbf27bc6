"""Robust decoding of one image file into an RGB uint8 array, or a reason to skip it.

Why: folders of web images hold corrupt, truncated and non-image files, CMYK, greyscale,
alpha, 16-bit and EXIF-rotated photos, and now and then a decompression bomb. A run goes
on past a bad file and lists it; a usable file always comes back as
(H, W, 3) uint8 RGB in its upright orientation.

Conversions (the file is used): CMYK/YCbCr/LAB/palette/greyscale -> RGB; alpha is
composited on white; 16-bit greyscale is scaled to 8 bits (v / 257); EXIF orientation
is applied. Skips (the file is listed, never a crash): see SKIP_REASONS.
"""

from __future__ import annotations

import struct
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import InputDataError

# Pillow's own limit (pixels) at import time; a bigger image is treated as a bomb.
DEFAULT_MAX_PIXELS: int = int(Image.MAX_IMAGE_PIXELS or 89_478_485)

IMAGE_EXTENSIONS = frozenset({
    ".jpg", ".jpeg", ".jpe", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp",
    ".ppm", ".pgm", ".pbm", ".pnm",
})

SKIP_REASONS = {
    "empty": "the file has no bytes",
    "unreadable": "the file cannot be opened (missing, a folder, or no permission)",
    "not-an-image": "not an image file (unknown format or not an image extension)",
    "truncated": "the image data ends early",
    "corrupt": "the image data cannot be decoded",
    "decompression-bomb": "the image has more pixels than the limit (possible decompression bomb)",
    "unsupported": "the image mode cannot be converted to RGB",
    "empty-folder": "a synset (class) folder with no image files",
    "not-a-synset-folder": "a folder (or file) whose name is not a wnid like n02084071",
    "unknown-synset": "a folder named with a wnid that is not a WordNet 3.0 noun synset",
    "unmapped-class": "a class folder that the Caltech-to-WordNet table does not map",
}


@dataclass(frozen=True)
class SkippedFile:
    """A file left out of a run, with why (a key of SKIP_REASONS) and the decoder's words."""

    path: Path
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        extra = f": {self.detail}" if self.detail else ""
        return f"{self.path}: skipped, {self.reason}{extra}"


class ImageSkipped(InputDataError):
    """A file that cannot be used as an image; ``.skipped`` says which and why."""

    def __init__(self, skipped: SkippedFile):
        super().__init__(str(skipped))
        self.skipped = skipped


def is_image_name(path: Path | str) -> bool:
    return Path(path).suffix.lower() in IMAGE_EXTENSIONS


def _skip(path: Path, reason: str, detail: str = "") -> ImageSkipped:
    return ImageSkipped(SkippedFile(path, reason, detail))


def to_rgb(im: Image.Image) -> np.ndarray:
    """Any loaded Pillow image as (H, W, 3) uint8 RGB; alpha composited on white."""
    mode = im.mode
    if mode == "P" and "transparency" in im.info:
        im, mode = im.convert("RGBA"), "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        a = np.asarray(im.convert("RGBA"), dtype=np.float32)
        alpha = a[..., 3:4] / 255.0
        rgb = a[..., :3] * alpha + 255.0 * (1.0 - alpha)
        return np.ascontiguousarray(np.clip(np.round(rgb), 0, 255).astype(np.uint8))
    if mode.startswith("I;16") or mode == "I":
        a = np.asarray(im).astype(np.float64)
        if mode == "I" and a.size and a.max() <= 255 and a.min() >= 0:
            grey = a  # 8-bit values stored as 32-bit ints
        else:
            grey = np.clip(a, 0, 65535) / 257.0
        g = np.round(grey).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(g[..., None], 3, axis=2))
    if mode == "F":
        a = np.asarray(im, dtype=np.float64)
        scale = 255.0 if a.size and np.nanmax(a) <= 1.0 else 1.0
        g = np.clip(np.nan_to_num(a * scale), 0, 255).round().astype(np.uint8)
        return np.ascontiguousarray(np.repeat(g[..., None], 3, axis=2))
    return np.ascontiguousarray(np.asarray(im.convert("RGB"), dtype=np.uint8))


def decode_image(path: Path | str, max_pixels: int | None = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """The upright RGB pixels of an image file; raises ImageSkipped (an InputDataError
    naming the file) when it cannot be used. ``max_pixels`` None: Pillow's limit only."""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            raise _skip(path, "empty")
    except OSError as exc:
        raise _skip(path, "unreadable", exc.strerror or type(exc).__name__) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                w, h = im.size
                if max_pixels is not None and w * h > max_pixels:
                    raise _skip(path, "decompression-bomb",
                                f"{w}x{h} = {w * h:,} pixels > limit {max_pixels:,}")
                im.load()
                try:
                    upright = ImageOps.exif_transpose(im)
                except Exception:  # a malformed EXIF block: keep the pixels as stored
                    upright = im
                return to_rgb(upright)
    except ImageSkipped:
        raise
    except Image.DecompressionBombError as exc:
        raise _skip(path, "decompression-bomb", str(exc)) from None
    except UnidentifiedImageError:
        raise _skip(path, "not-an-image", "Pillow cannot identify the format") from None
    except (IsADirectoryError, PermissionError, FileNotFoundError) as exc:
        raise _skip(path, "unreadable", exc.strerror or type(exc).__name__) from None
    except OSError as exc:
        msg = str(exc)
        reason = "truncated" if "truncated" in msg.lower() else "corrupt"
        raise _skip(path, reason, msg) from None
    except MemoryError:
        raise _skip(path, "decompression-bomb", "out of memory while decoding") from None
    except (SyntaxError, ValueError, EOFError, struct.error, zlib.error, IndexError,
            TypeError, KeyError) as exc:
        msg = str(exc) or type(exc).__name__
        low = msg.lower()
        reason = "unsupported" if "conver" in low and ("mode" in low or "not supported" in low) else "corrupt"
        raise _skip(path, reason, msg) from None


def check_header(path: Path | str, max_pixels: int | None = DEFAULT_MAX_PIXELS) -> SkippedFile | None:
    """A fast check of one file (its size and image header, no pixel decoding): the reason it
    cannot be an image, or None. Truncated pixel data is only found when the image is loaded."""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            return SkippedFile(path, "empty")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                w, h = im.size
    except (IsADirectoryError, PermissionError, FileNotFoundError) as exc:
        return SkippedFile(path, "unreadable", exc.strerror or type(exc).__name__)
    except UnidentifiedImageError:
        return SkippedFile(path, "not-an-image", "Pillow cannot identify the format")
    except Image.DecompressionBombError as exc:
        return SkippedFile(path, "decompression-bomb", str(exc))
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error) as exc:
        return SkippedFile(path, "corrupt", str(exc) or type(exc).__name__)
    if max_pixels is not None and w * h > max_pixels:
        return SkippedFile(path, "decompression-bomb", f"{w}x{h} = {w * h:,} pixels > limit {max_pixels:,}")
    return None


def try_decode(path: Path | str, max_pixels: int | None = DEFAULT_MAX_PIXELS
               ) -> np.ndarray | SkippedFile:
    """decode_image that returns the SkippedFile instead of raising."""
    try:
        return decode_image(path, max_pixels)
    except ImageSkipped as exc:
        return exc.skipped
