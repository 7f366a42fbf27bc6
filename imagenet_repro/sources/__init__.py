"""Where images and counts come from, behind one interface: folders of real photographs
(ImageNet and Caltech-256 layouts) and the simulated world, with robust decoding (bad files
are skipped and listed, ARCHITECTURE.md "Bad input"); the fall-2011 per-node counts.

    src.synsets() -> list of wnids
    src.images(wnid) -> iterator of (image_id, path)
    src.load(image_id) -> (H, W, 3) uint8 RGB, or raises ImageSkipped (an InputDataError)
    src.boxes(image_id) -> list of (x0, y0, x1, y1)
    src.skipped -> list of SkippedFile(path, reason, detail)
    src.mode -> "real" | "simulated"
"""

from .base import Box, ImageSource
from .decode import (DEFAULT_MAX_PIXELS, SKIP_REASONS, ImageSkipped, SkippedFile, check_header,
                     decode_image, try_decode)
from .folders import CaltechFolder, ImageNetFolder, parse_voc_boxes, read_caltech_mapping
from .simulated import SimulatedSource

__all__ = ["Box", "ImageSource", "DEFAULT_MAX_PIXELS", "SKIP_REASONS", "ImageSkipped",
           "SkippedFile", "check_header", "decode_image", "try_decode", "CaltechFolder", "ImageNetFolder",
           "parse_voc_boxes", "read_caltech_mapping", "SimulatedSource"]
