"""ImageNet's fall-2011 per-node image counts (``data/imagenet_fall2011_url_counts.csv``).

The real-data version of the paper's Fig 2: the number of images per synset of the fall-2011
release, tallied per node from its public URL list (columns synid, class_name, urls,
flickr_urls; provenance in data/README.md). Two years younger than the paper, and per node,
not per subtree.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import DATA_DIR
from ..errors import InputDataError, UserError
from ..hierarchy import Hierarchy
from ..wordnet import WNID_RE

FALL2011_COUNTS = DATA_DIR / "imagenet_fall2011_url_counts.csv"
FALL2011_COLUMNS = ("synid", "class_name", "urls", "flickr_urls")


def load_fall2011_counts(path: Path | str = FALL2011_COUNTS) -> pd.DataFrame:
    """The fall-2011 per-node counts, indexed by wnid; a bad file is named with its line."""
    path = Path(path)
    if not path.is_file():
        raise InputDataError(f"{path}: file not found (the fall-2011 counts; see data/README.md)")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != FALL2011_COLUMNS:
            raise InputDataError(f"{path}, line 1: expected the columns {','.join(FALL2011_COLUMNS)}, "
                                 f"found {header}")
        rows, seen = [], set()
        for line, row in enumerate(reader, start=2):
            if len(row) != 4:
                raise InputDataError(f"{path}, line {line}: expected 4 fields, found {len(row)}")
            wnid, name, urls, flickr = (x.strip() for x in row)
            if not WNID_RE.match(wnid):
                raise InputDataError(f"{path}, line {line}: {wnid!r} is not a wnid like n02084071")
            if wnid in seen:
                raise InputDataError(f"{path}, line {line}: wnid {wnid} appears twice")
            try:
                u, f = int(urls), int(flickr)
            except ValueError:
                raise InputDataError(f"{path}, line {line}: counts must be integers, "
                                     f"found {urls!r}, {flickr!r}") from None
            if u < 0 or f < 0 or f > u:
                raise InputDataError(f"{path}, line {line}: need 0 <= flickr_urls <= urls, "
                                     f"found urls={u}, flickr_urls={f}")
            seen.add(wnid)
            rows.append((wnid, name, u, f))
    df = pd.DataFrame(rows, columns=list(FALL2011_COLUMNS)).set_index("synid")
    df.index.name = "wnid"
    return df


def real_counts(hierarchy: Hierarchy, counts: pd.DataFrame | None = None,
                column: str = "urls") -> pd.Series:
    """Real images per node for every synset of the hierarchy (0 where fall 2011 has none)."""
    counts = load_fall2011_counts() if counts is None else counts
    if column not in counts.columns:
        raise UserError(f"no column {column!r} in the fall-2011 counts: use urls or flickr_urls")
    out = counts[column].reindex(hierarchy.synsets.index).fillna(0).astype(np.int64)
    out.name = "images"
    return out
