"""Folders of real photographs: ImageNet layout and Caltech-256 layout.

ImageNet: ``root/nXXXXXXXX/*.JPEG``, optionally a PASCAL-VOC box file ``<stem>.xml`` beside
an image (or under ``boxes_root/nXXXXXXXX/<stem>.xml``, ImageNet's own bounding-box layout).
Caltech-256: ``root/NNN.name/*.jpg``; class names map to wnids through an explicit,
editable table (default ``data/caltech256_to_wordnet.csv``, see data/README.md).

Listing is done once, when the source is made: a folder that is not a synset, an empty
synset folder or an unreadable mapping stops with a message naming it. Files that are not
images are listed in ``skipped`` at once; a broken image is listed when it is loaded.
Image ids are ``"<folder>/<file name>"``.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from ..config import DATA_DIR
from ..errors import InputDataError, UserError
from ..wordnet import WNID_RE
from .base import Box, ImageSource
from .decode import DEFAULT_MAX_PIXELS, ImageSkipped, SkippedFile, decode_image, is_image_name

CALTECH_FOLDER_RE = re.compile(r"^(\d{3})\.(.+)$")
CALTECH_MAPPING = DATA_DIR / "caltech256_to_wordnet.csv"
MAPPING_COLUMNS = ("caltech_class", "wnid")


def _check_root(root: Path | str, what: str) -> Path:
    root = Path(root).expanduser()
    if not root.exists():
        raise UserError(f"{what} folder {root} does not exist")
    if not root.is_dir():
        raise UserError(f"{what} folder {root} is not a folder")
    return root


def _visible(entries) -> list[Path]:
    return sorted((p for p in entries if not p.name.startswith(".")), key=lambda p: p.name)


def _validate_wnid(wnid: str, where: str) -> str:
    from ..wordnet import synset

    try:
        s = synset(wnid)
    except UserError:
        s = None
    if s is None:
        raise UserError(f"{where}: {wnid} is not a WordNet 3.0 noun synset")
    return wnid


def parse_voc_boxes(xml_path: Path) -> list[tuple[str, Box]]:
    """(object name, box) of a PASCAL-VOC annotation; VOC's 1-based inclusive corners become
    0-based pixel edges (x0 = xmin - 1, x1 = xmax)."""
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise InputDataError(f"{xml_path}, line {line}: not a valid PASCAL-VOC XML file ({exc})") from None
    except OSError as exc:
        raise InputDataError(f"{xml_path}: cannot read box file ({exc.strerror})") from None
    out = []
    for i, obj in enumerate(root.iter("object")):
        bb = obj.find("bndbox")
        name = (obj.findtext("name") or "").strip()
        if bb is None:
            raise InputDataError(f"{xml_path}: object {i + 1} ({name or 'unnamed'}) has no <bndbox>")
        try:
            xmin, ymin, xmax, ymax = (float(bb.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
        except (TypeError, ValueError):
            raise InputDataError(
                f"{xml_path}: object {i + 1} ({name or 'unnamed'}) needs numeric xmin, ymin, xmax, ymax"
            ) from None
        if xmax < xmin or ymax < ymin:
            raise InputDataError(f"{xml_path}: object {i + 1} has xmax < xmin or ymax < ymin")
        out.append((name, (int(round(xmin)) - 1, int(round(ymin)) - 1, int(round(xmax)), int(round(ymax)))))
    return out


class _FolderSource(ImageSource):
    mode = "real"

    def __init__(self, root: Path, max_pixels: int | None) -> None:
        super().__init__()
        self.root = root
        self.max_pixels = max_pixels
        self._images: dict[str, list[tuple[str, Path]]] = {}
        self._paths: dict[str, Path] = {}

    def _add_folder(self, wnid: str, folder: Path) -> int:
        """List one class folder's images; non-images go to skipped. Returns the image count."""
        listed = self._images.setdefault(wnid, [])
        n = 0
        for p in _visible(folder.iterdir()):
            if p.is_dir():
                self._record_skip(SkippedFile(p, "not-an-image", "a folder inside a class folder"))
            elif p.suffix.lower() == ".xml":
                continue  # box annotations, read by boxes()
            elif not is_image_name(p):
                self._record_skip(SkippedFile(p, "not-an-image", f"extension {p.suffix or '(none)'!r}"))
            else:
                image_id = f"{folder.name}/{p.name}"
                listed.append((image_id, p))
                self._paths[image_id] = p
                n += 1
        return n

    def synsets(self) -> list[str]:
        return list(self._images)

    def images(self, wnid: str) -> Iterator[tuple[str, Path]]:
        if wnid not in self._images:
            raise UserError(f"{self.root} has no images of synset {wnid!r}")
        return iter(list(self._images[wnid]))

    def count(self, wnid: str) -> int:
        return len(self._images.get(wnid, ()))

    def path(self, image_id: str) -> Path:
        try:
            return self._paths[image_id]
        except KeyError:
            raise UserError(f"unknown image id {image_id!r} in {self.root}") from None

    def load(self, image_id: str) -> np.ndarray:
        path = self.path(image_id)
        try:
            return decode_image(path, self.max_pixels)
        except ImageSkipped as exc:
            self._record_skip(exc.skipped)
            raise

    def scan(self) -> list[SkippedFile]:
        """Decode every listed image once (slow on big folders); returns all skipped files."""
        for wnid in self.synsets():
            for image_id, _ in self.images(wnid):
                try:
                    self.load(image_id)
                except ImageSkipped:
                    pass
        return self.skipped


class ImageNetFolder(_FolderSource):
    """``root/nXXXXXXXX/*.JPEG`` with optional PASCAL-VOC box XML beside the images."""

    def __init__(self, root: Path | str, boxes_root: Path | str | None = None,
                 max_pixels: int | None = DEFAULT_MAX_PIXELS) -> None:
        super().__init__(_check_root(root, "ImageNet"), max_pixels)
        self.boxes_root = Path(boxes_root) if boxes_root is not None else None
        folders = [p for p in _visible(self.root.iterdir()) if p.is_dir()]
        if not folders:
            raise UserError(f"ImageNet folder {self.root} has no synset folders (expected root/nXXXXXXXX/*.JPEG)")
        for folder in folders:
            if not WNID_RE.match(folder.name):
                raise UserError(
                    f"{folder}: folder name is not a wnid; an ImageNet folder holds only "
                    "synset folders named like n02084071"
                )
            _validate_wnid(folder.name, str(folder))
            if self._add_folder(folder.name, folder) == 0:
                raise UserError(f"{folder}: synset folder has no image files")

    def _box_file(self, image_id: str) -> Path | None:
        path = self.path(image_id)
        candidates = [path.with_suffix(".xml")]
        if self.boxes_root is not None:
            candidates.append(self.boxes_root / path.parent.name / (path.stem + ".xml"))
        return next((c for c in candidates if c.is_file()), None)

    def boxes(self, image_id: str) -> list[Box]:
        xml = self._box_file(image_id)
        return [] if xml is None else [box for _, box in parse_voc_boxes(xml)]


def read_caltech_mapping(path: Path | str = CALTECH_MAPPING) -> dict[str, str]:
    """Caltech class name (folder name without its 'NNN.' prefix) -> wnid, from the CSV table."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputDataError(f"{path}: cannot read the Caltech-to-WordNet table ({exc.strerror})") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in MAPPING_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputDataError(f"{path}, line 1: missing column(s) {', '.join(missing)} "
                             f"(needs {', '.join(MAPPING_COLUMNS)})")
    mapping: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        name, wnid = (row.get("caltech_class") or "").strip(), (row.get("wnid") or "").strip()
        if not name or not wnid:
            raise InputDataError(f"{path}, line {line}: caltech_class and wnid must both be set")
        if name in mapping:
            raise InputDataError(f"{path}, line {line}: class {name!r} appears twice")
        if not WNID_RE.match(wnid):
            raise InputDataError(f"{path}, line {line}: {wnid!r} is not a wnid like n02084071")
        try:
            _validate_wnid(wnid, f"{path}, line {line}")
        except UserError as exc:
            raise InputDataError(str(exc)) from None
        mapping[name] = wnid
    return mapping


class CaltechFolder(_FolderSource):
    """``root/NNN.name/*.jpg`` (Caltech-256; plain ``name`` folders as in Caltech-101 too).

    ``mapping``: the CSV table (path) or a dict class name -> wnid. Class folders missing
    from it are listed in ``unmapped`` (``strict=True`` makes them an error).
    """

    def __init__(self, root: Path | str, mapping: Path | str | Mapping[str, str] | None = None,
                 strict: bool = False, max_pixels: int | None = DEFAULT_MAX_PIXELS) -> None:
        super().__init__(_check_root(root, "Caltech"), max_pixels)
        if mapping is None or isinstance(mapping, (str, Path)):
            self.mapping = read_caltech_mapping(mapping or CALTECH_MAPPING)
        else:
            self.mapping = {str(k): _validate_wnid(str(v), f"mapping entry {k!r}") for k, v in mapping.items()}
        self.unmapped: list[Path] = []
        self.folders: dict[str, list[Path]] = {}
        folders = [p for p in _visible(self.root.iterdir()) if p.is_dir()]
        if not folders:
            raise UserError(f"Caltech folder {self.root} has no class folders (expected root/NNN.name/*.jpg)")
        for folder in folders:
            m = CALTECH_FOLDER_RE.match(folder.name)
            name = m.group(2) if m else folder.name
            wnid = self.mapping.get(name)
            if wnid is None:
                if strict:
                    raise UserError(f"{folder}: class {name!r} is not in the Caltech-to-WordNet table; "
                                    f"add a row to {CALTECH_MAPPING} or pass strict=False")
                self.unmapped.append(folder)
                continue
            if self._add_folder(wnid, folder) == 0:
                raise UserError(f"{folder}: class folder has no image files")
            self.folders.setdefault(wnid, []).append(folder)
        if not self._images:
            raise UserError(f"Caltech folder {self.root}: none of its {len(folders)} class folders is in "
                            "the Caltech-to-WordNet table")
