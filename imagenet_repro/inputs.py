"""The user's own inputs, checked before any notebook runs (in seconds, not after a simulation).

Why: a missing votes file, a bad row or an empty folder used to surface minutes into a run.
The runner calls ``validate_inputs`` on every path parameter the user passed with ``-p``; each
known input kind is read the way its notebook will read it. What can be skipped is counted
and announced (the notebook lists every skipped item in a table under ``results/tables/``);
what cannot stops the run with one line naming the file and line and the switch to type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from .errors import UserError

# Where a notebook lists what it skipped of each input (results/tables/<name>.csv).
SKIPPED_TABLES = {"votes_csv": "real_votes_skipped_rows", "imagenet_root": "fig1_skipped_files",
                  "caltech_root": "caltech_root_skipped_files"}


def _votes(path: Path, params: dict[str, Any]) -> str:
    from .hierarchy import load_hierarchy
    from .sources.votes_csv import read_votes_csv

    table = read_votes_csv(path, known_wnids=load_hierarchy().wnids,
                           skip_bad=bool(params.get("votes_skip_bad", False)))
    msg = f"{len(table.votes):,} votes of {table.votes['wnid'].nunique():,} synsets"
    if table.skipped:
        msg += f"; {len(table.skipped)} bad row(s) will be skipped and listed"
    return msg


def _folder(src: Any, what: str) -> str:
    msg = f"{src.n_images:,} images {what.format(len(src.synsets()))}"
    if src.skipped:
        msg += f"; {len(src.skipped)} file(s) or folder(s) will be skipped and listed"
    return msg


def _imagenet(path: Path, params: dict[str, Any]) -> str:
    from .sources import ImageNetFolder

    return _folder(ImageNetFolder(path), "in {:,} synset folders")


def _caltech(path: Path, params: dict[str, Any]) -> str:
    from .sources import CaltechFolder

    return _folder(CaltechFolder(path), "of {:,} mapped classes")


def _counts(path: Path, params: dict[str, Any]) -> str:
    from .sources.fall2011 import load_fall2011_counts

    return f"{len(load_fall2011_counts(path)):,} synsets"


VALIDATORS: dict[str, Callable[[Path, dict[str, Any]], str]] = {
    "votes_csv": _votes, "imagenet_root": _imagenet, "candidates_root": _imagenet, "caltech_root": _caltech,
    "counts_csv": _counts,
}


def validate_inputs(books: list[Path], per_book: dict[Path, dict[str, Any]], results_dir: Path,
                    log: Callable[[str], None] = print) -> None:
    """Check every input path the user passed (non-empty values of VALIDATORS' parameters)."""
    seen: set[tuple[str, str]] = set()
    for book in books:
        given = per_book.get(book, {})
        for name, value in given.items():
            if name not in VALIDATORS or not value or (name, str(value)) in seen:
                continue
            seen.add((name, str(value)))
            path = Path(value)
            if not path.exists():
                raise UserError(f"-p {name} {value}: no such file or folder")
            try:
                summary = VALIDATORS[name](path, given)
            except UserError as exc:  # InputDataError included: the file is named in the message
                raise UserError(f"-p {name}: {exc}") from None
            where = SKIPPED_TABLES.get(name)
            tail = f" (listed in {results_dir / 'tables' / where}.csv)" if where and "skipped" in summary else ""
            log(f"checked -p {name} {path}: {summary}{tail}")
