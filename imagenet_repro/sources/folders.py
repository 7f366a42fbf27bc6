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
from .decode import DEFAULT_MAX_PIXELS, ImageSkipped, SkippedFile, check_header, decode_image, is_image_name

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


def _is_noun_synset(wnid: str) -> bool:
    from ..wordnet import synset

    try:
        synset(wnid)
    except UserError:
        return False
    return True


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
    """A folder of class folders. Unusable class folders and files are skipped and listed
    (``skipped``); only a folder with nothing usable left is an error, listing everything."""

    mode = "real"

    def __init__(self, root: Path, max_pixels: int | None, check_headers: bool) -> None:
        super().__init__()
        self.root = root
        self.max_pixels = max_pixels
        self.check_headers = check_headers
        self._images: dict[str, list[tuple[str, Path]]] = {}
        self._paths: dict[str, Path] = {}

    def _add_folder(self, wnid: str, folder: Path) -> int:
        """List one class folder's images; non-images (and, with ``check_headers``, files whose
        header is not an image's) go to skipped. Returns the image count."""
        listed = []
        for p in _visible(folder.iterdir()):
            if p.is_dir():
                self._record_skip(SkippedFile(p, "not-an-image", "a folder inside a class folder"))
            elif p.suffix.lower() == ".xml":
                continue  # box annotations, read by boxes()
            elif not is_image_name(p):
                self._record_skip(SkippedFile(p, "not-an-image", f"extension {p.suffix or '(none)'!r}"))
            elif self.check_headers and (bad := check_header(p, self.max_pixels)) is not None:
                self._record_skip(bad)
            else:
                listed.append((f"{folder.name}/{p.name}", p))
        if not listed:
            self._record_skip(SkippedFile(folder, "empty-folder", "no usable image file"))
            return 0
        self._images.setdefault(wnid, []).extend(listed)
        self._paths.update(dict(listed))
        return len(listed)

    def _nothing_usable(self, what: str) -> InputDataError:
        lines = "\n".join(f"  {s}" for s in self.skipped)
        return InputDataError(f"{what} folder {self.root}: nothing usable ({len(self.skipped)} item(s) skipped):\n{lines}")

    def synsets(self) -> list[str]:
        return list(self._images)

    def images(self, wnid: str) -> Iterator[tuple[str, Path]]:
        if wnid not in self._images:
            raise UserError(f"{self.root} has no images of synset {wnid!r}")
        return iter(list(self._images[wnid]))

    def count(self, wnid: str) -> int:
        return len(self._images.get(wnid, ()))

    @property
    def n_images(self) -> int:
        return sum(len(v) for v in self._images.values())

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
    """``root/nXXXXXXXX/*.JPEG`` with optional PASCAL-VOC box XML beside the images.

    Folders not named by a WordNet 3.0 noun wnid, empty synset folders and files that are not
    images are skipped and listed in ``skipped``; ``check_headers`` (default) also reads every
    file's image header (fast), so a file that cannot be an image never counts as one.
    """

    def __init__(self, root: Path | str, boxes_root: Path | str | None = None,
                 max_pixels: int | None = DEFAULT_MAX_PIXELS, check_headers: bool = True) -> None:
        super().__init__(_check_root(root, "ImageNet"), max_pixels, check_headers)
        self.boxes_root = Path(boxes_root) if boxes_root is not None else None
        entries = _visible(self.root.iterdir())
        if not any(p.is_dir() for p in entries):
            raise UserError(f"ImageNet folder {self.root} has no synset folders (expected root/nXXXXXXXX/*.JPEG)")
        for entry in entries:
            if not entry.is_dir():
                self._record_skip(SkippedFile(entry, "not-a-synset-folder", "a file at the top of the folder"))
            elif not WNID_RE.match(entry.name):
                self._record_skip(SkippedFile(entry, "not-a-synset-folder", f"{entry.name!r} is not a wnid"))
            elif not _is_noun_synset(entry.name):
                self._record_skip(SkippedFile(entry, "unknown-synset", f"{entry.name} is not in WordNet 3.0"))
            else:
                self._add_folder(entry.name, entry)
        if not self._images:
            raise self._nothing_usable("ImageNet")

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
                 strict: bool = False, max_pixels: int | None = DEFAULT_MAX_PIXELS,
                 check_headers: bool = True) -> None:
        super().__init__(_check_root(root, "Caltech"), max_pixels, check_headers)
        if mapping is None or isinstance(mapping, (str, Path)):
            self.mapping = read_caltech_mapping(mapping or CALTECH_MAPPING)
        else:
            self.mapping = {str(k): _validate_wnid(str(v), f"mapping entry {k!r}") for k, v in mapping.items()}
        self.unmapped: list[Path] = []
        self.folders: dict[str, list[Path]] = {}
        entries = _visible(self.root.iterdir())
        if not any(p.is_dir() for p in entries):
            raise UserError(f"Caltech folder {self.root} has no class folders (expected root/NNN.name/*.jpg)")
        for folder in entries:
            if not folder.is_dir():
                self._record_skip(SkippedFile(folder, "not-a-synset-folder", "a file at the top of the folder"))
                continue
            m = CALTECH_FOLDER_RE.match(folder.name)
            name = m.group(2) if m else folder.name
            wnid = self.mapping.get(name)
            if wnid is None:
                if strict:
                    raise UserError(f"{folder}: class {name!r} is not in the Caltech-to-WordNet table; "
                                    f"add a row to {CALTECH_MAPPING} or pass strict=False")
                self.unmapped.append(folder)
                self._record_skip(SkippedFile(folder, "unmapped-class", f"class {name!r} is not in {CALTECH_MAPPING.name}"))
                continue
            if self._add_folder(wnid, folder):
                self.folders.setdefault(wnid, []).append(folder)
        if not self._images:
            raise self._nothing_usable("Caltech")
