"""Real crowd votes from a CSV: one row per vote, validated before any consensus runs.

Format (header required, comma separated, UTF-8)::

    wnid,image_id,worker_id,vote[,time]
    n02123394,img_000017,A1B2C3,1,2009-03-02T10:11:12

``vote`` is 1 (the image shows the synset) or 0; ``time`` (a number or an ISO date) orders
each image's votes, otherwise file order does. A problem names the file and its line
(the header is line 1; one CSV record per line is assumed). Missing columns and unreadable
files always stop the run; unknown wnids, bad votes, empty ids, bad times and duplicate
(wnid, image, worker) rows stop it too unless ``skip_bad=True``, which drops those rows
(for duplicates, every repeat after the first) and lists each with its line and reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from ..errors import InputDataError

REQUIRED_COLUMNS = ("wnid", "image_id", "worker_id", "vote")
OPTIONAL_COLUMNS = ("time",)


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class VoteTable:
    """Validated votes: wnid, image_id, worker_id (str), vote (int8), time (float or NaN),
    line (the CSV line of the vote)."""

    path: Path
    votes: pd.DataFrame
    skipped: list[SkippedRow] = field(default_factory=list)

    @property
    def wnids(self) -> list[str]:
        return list(dict.fromkeys(self.votes["wnid"]))

    def skipped_frame(self) -> pd.DataFrame:
        """Every skipped row: file, line, reason (a results table)."""
        return pd.DataFrame([(str(self.path), s.line, s.reason) for s in self.skipped],
                            columns=["file", "line", "reason"])


def _fail(path: Path, line: int, msg: str) -> InputDataError:
    return InputDataError(f"{path}:{line}: {msg}")


def read_votes_csv(path: Path | str, known_wnids: Iterable[str] | None = None,
                   skip_bad: bool = False) -> VoteTable:
    """Read and validate a votes CSV; see the module docstring for the rules."""
    path = Path(path)
    if not path.is_file():
        raise InputDataError(f"{path}: votes file not found")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False,
                          skipinitialspace=True, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise InputDataError(f"{path}:1: the file is empty; expected a header "
                             f"{','.join(REQUIRED_COLUMNS)}[,time]") from None
    except pd.errors.ParserError as e:
        raise InputDataError(f"{path}: cannot parse the CSV ({e})") from None
    except UnicodeDecodeError as e:
        raise InputDataError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise _fail(path, 1, f"missing column(s) {', '.join(missing)}; the header has "
                             f"{', '.join(raw.columns)} (need {', '.join(REQUIRED_COLUMNS)}[, time])")
    lines = np.arange(len(raw)) + 2
    df = pd.DataFrame({c: raw[c].str.strip() for c in REQUIRED_COLUMNS})
    problems: list[tuple[np.ndarray, str]] = []  # (bad mask, reason template)

    empty = (df[["wnid", "image_id", "worker_id", "vote"]] == "").any(axis=1).to_numpy()
    problems.append((empty, "empty field (wnid, image_id, worker_id and vote are required)"))
    vote_ok = df["vote"].isin(["0", "1"]).to_numpy()
    problems.append((~vote_ok & ~empty, "vote must be 0 or 1, got {vote!r}"))
    if known_wnids is not None:
        known = set(known_wnids)
        unknown = ~df["wnid"].isin(known).to_numpy() & ~empty
        problems.append((unknown, "unknown wnid {wnid!r} (not a synset of the hierarchy)"))
    times = np.full(len(df), np.nan)
    if "time" in raw.columns:
        t = raw["time"].str.strip()
        num = pd.to_numeric(t, errors="coerce")
        if num.notna().sum() < (t != "").sum():  # not all numbers: try dates
            dt = pd.to_datetime(t, errors="coerce", utc=True, format="ISO8601")
            num = pd.Series(np.where(dt.notna(), (dt - pd.Timestamp(0, tz="UTC")).dt.total_seconds(),
                                     np.nan), index=t.index)
        times = num.to_numpy(float)
        bad_time = (t != "").to_numpy() & np.isnan(times)
        problems.append((bad_time, "time {time!r} is neither a number nor an ISO date"))
    bad = np.zeros(len(df), bool)
    for mask, _ in problems:
        bad |= mask
    key = df["wnid"] + "\x1f" + df["image_id"] + "\x1f" + df["worker_id"]
    dup = key.duplicated(keep="first").to_numpy() & ~bad
    first_line = pd.Series(lines, index=key.index).groupby(key).transform("min").to_numpy()

    skipped: list[SkippedRow] = []
    order = np.flatnonzero(bad | dup)
    for i in order:  # only the bad rows (few), to word each message
        reasons = []
        for mask, template in problems:
            if mask[i]:
                reasons.append(template.format(vote=df["vote"].iat[i], wnid=df["wnid"].iat[i],
                                               time=raw["time"].iat[i] if "time" in raw else ""))
        if dup[i]:
            reasons.append(f"duplicate vote: worker {df['worker_id'].iat[i]!r} already voted on "
                           f"image {df['image_id'].iat[i]!r} of {df['wnid'].iat[i]} at line {first_line[i]}")
        if not skip_bad:
            raise _fail(path, int(lines[i]), "; ".join(reasons) + " (to skip such rows and list them: "
                        "-p votes_skip_bad true; in Python skip_bad=True)")
        skipped.append(SkippedRow(int(lines[i]), "; ".join(reasons)))
    keep = ~(bad | dup)
    out = df[keep].copy()
    out["vote"] = out["vote"].astype(np.int8)
    out["time"] = times[keep]
    out["line"] = lines[keep]
    if out.empty:
        raise InputDataError(f"{path}: no usable votes" + (f" ({len(skipped)} rows skipped)" if skipped else ""))
    return VoteTable(path, out.reset_index(drop=True), skipped)

