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

Files as people write them: crowd-kit's ``worker,task,label`` layout is recognised by its
header; any other names map through ``columns`` ({our name: the file's name}, or the text
"image_id=task,vote=label"). A file without a wnid column holds one synset (named by ``wnid``).

A truth file (``read_truth_csv``: ``image_id,truth[,wnid]``, or crowd-kit's ``task,true_label``)
gives the real truth of some images, validated the same way, for precision, recall and
calibration of what the votes decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from ..errors import InputDataError, UserError

REQUIRED_COLUMNS = ("wnid", "image_id", "worker_id", "vote")
OPTIONAL_COLUMNS = ("time",)
CROWDKIT_COLUMNS = {"image_id": "task", "worker_id": "worker", "vote": "label"}  # crowd-kit's layout
TRUTH_COLUMNS = ("image_id", "truth")
CROWDKIT_TRUTH_COLUMNS = {"image_id": "task", "truth": "true_label"}
ONE_SYNSET = "(one synset)"  # the wnid of a file without a wnid column, unless named


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class VoteTable:
    """Validated votes: wnid, image_id, worker_id (str), vote (int8), time (float or NaN),
    line (the CSV line of the vote). ``columns``: the file's names behind ours."""

    path: Path
    votes: pd.DataFrame
    skipped: list[SkippedRow] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def wnids(self) -> list[str]:
        return list(dict.fromkeys(self.votes["wnid"]))

    def skipped_frame(self) -> pd.DataFrame:
        """Every skipped row: file, line, reason (a results table)."""
        return pd.DataFrame([(str(self.path), s.line, s.reason) for s in self.skipped],
                            columns=["file", "line", "reason"])


def _fail(path: Path, line: int, msg: str) -> InputDataError:
    return InputDataError(f"{path}:{line}: {msg}")


def parse_columns(columns: dict[str, str] | str | None, allowed: Iterable[str],
                  parameter: str = "columns") -> dict[str, str]:
    """{our name: the file's name} from a dict or from text "ours=theirs,ours=theirs"."""
    if columns is None or columns == "" or columns == {}:
        return {}
    if isinstance(columns, str):
        pairs = [p.strip() for p in columns.split(",") if p.strip()]
        bad = [p for p in pairs if p.count("=") != 1]
        if bad:
            raise UserError(f"{parameter}: {bad[0]!r} is not ours=theirs (e.g. \"image_id=task,vote=label\")")
        columns = dict(tuple(s.strip() for s in p.split("=")) for p in pairs)
    if not isinstance(columns, dict):
        raise UserError(f"{parameter} must be a dict {{our name: the file's name}} or text ours=theirs,...")
    allowed = tuple(allowed)
    unknown = [k for k in columns if k not in allowed]
    if unknown:
        raise UserError(f"{parameter}: unknown column name {unknown[0]!r}; ours are {', '.join(allowed)}")
    return {str(k): str(v).strip().lower() for k, v in columns.items()}


@dataclass
class _Raw:
    """A CSV file's records: one row per record after the header (fields padded or cut to the
    header's width), its file line, and what is wrong with its shape ("" when nothing)."""

    frame: pd.DataFrame
    lines: np.ndarray
    shape: np.ndarray


def _read_raw(path: Path, what: str, expected: str) -> _Raw:
    """Parse a CSV strictly: a duplicated column name is an error; a record with too many or
    too few fields, or an empty line, is a bad row (named with its line, skippable)."""
    import csv
    import io
    from collections import Counter

    if not path.is_file():
        raise InputDataError(f"{path}: {what} file not found")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InputDataError(f"{path}:{line}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    try:
        rows = list(csv.reader(io.StringIO(text), skipinitialspace=True))
    except csv.Error as e:
        raise InputDataError(f"{path}: cannot parse the CSV ({e})") from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise InputDataError(f"{path}:1: the file is empty; expected a header {expected}")
    header = [c.strip().lower() or f"(unnamed {i + 1})" for i, c in enumerate(rows[0])]
    twice = [c for c, k in Counter(header).items() if k > 1]
    if twice:
        raise InputDataError(f"{path}:1: column {twice[0]!r} appears {header.count(twice[0])} times in the "
                             "header: each column name once")
    body = rows[1:]
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if physical == len(rows):  # one record per line: record k is on line k + 2
        lines = np.arange(2, len(rows) + 1)
    else:  # a quoted field spans lines: ask the reader where each record starts
        reader, starts, prev = csv.reader(io.StringIO(text), skipinitialspace=True), [], 0
        for _ in reader:
            starts.append(prev + 1)
            prev = reader.line_num
        lines = np.asarray(starts[1:], dtype=np.int64)
    width = len(header)
    lens = np.fromiter(map(len, body), dtype=np.int64, count=len(body))
    shape = np.full(len(body), "", dtype=object)
    for i in np.flatnonzero(lens != width):  # only the malformed records (few)
        k = int(lens[i])
        shape[i] = ("empty line" if k == 0 or (k == 1 and not body[i][0].strip()) else
                    f"too many fields ({k}; the header has {width})" if k > width else
                    f"too few fields ({k}; the header has {width})")
        body[i] = (list(body[i]) + [""] * width)[:width]
    frame = pd.DataFrame(body, columns=header, dtype=str) if body else pd.DataFrame(columns=header, dtype=str)
    return _Raw(frame, lines, shape)


def _map_columns(raw: pd.DataFrame, path: Path, columns: dict[str, str], ours: tuple[str, ...],
                 crowdkit: dict[str, str], expected: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename the file's columns to ours: the mapping given, or crowd-kit's when the header is
    crowd-kit's and lacks ours. Returns the frame and the mapping used."""
    if not columns and not all(c in raw.columns for c in ours if c in crowdkit) \
            and all(c in raw.columns for c in crowdkit.values()):
        columns = dict(crowdkit)
    absent = [f"{ours_}={theirs!r}" for ours_, theirs in columns.items() if theirs not in raw.columns]
    if absent:
        raise _fail(path, 1, f"columns mapping names column(s) the header lacks: {', '.join(absent)}; the "
                             f"header has {', '.join(raw.columns)}")
    clash = [c for c in columns if c in raw.columns and columns[c] != c]
    if clash:
        raise _fail(path, 1, f"the header has both {clash[0]!r} and {columns[clash[0]]!r}, which the "
                             f"columns mapping also names {clash[0]!r}: drop one")
    raw = raw.rename(columns={theirs: ours_ for ours_, theirs in columns.items()})
    return raw, columns


def read_votes_csv(path: Path | str, known_wnids: Iterable[str] | None = None,
                   skip_bad: bool = False, columns: dict[str, str] | str | None = None,
                   wnid: str | None = None) -> VoteTable:
    """Read and validate a votes CSV; see the module docstring for the rules. ``columns`` maps
    our names to the file's ({"image_id": "task", ...}; crowd-kit's worker,task,label is
    recognised alone); a file without a wnid column is one synset, ``wnid`` (checked against
    ``known_wnids`` when given) or "(one synset)"."""
    path = Path(path)
    expected = f"{','.join(REQUIRED_COLUMNS)}[,time] (or crowd-kit's worker,task,label)"
    parsed = _read_raw(path, "votes", expected)
    raw = parsed.frame
    mapping = parse_columns(columns, REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    raw, mapping = _map_columns(raw, path, mapping, REQUIRED_COLUMNS + OPTIONAL_COLUMNS, CROWDKIT_COLUMNS, expected)
    if "wnid" not in raw.columns:
        if wnid is not None and known_wnids is not None and wnid not in set(known_wnids):
            raise UserError(f"wnid {wnid!r} (for {path}, which has no wnid column) is not a synset of the hierarchy")
        raw["wnid"] = wnid or ONE_SYNSET
        if wnid is None:
            known_wnids = None  # nothing to check a placeholder against
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise _fail(path, 1, f"missing column(s) {', '.join(missing)}; the header has "
                             f"{', '.join(raw.columns)} (need {', '.join(REQUIRED_COLUMNS)}[, time], "
                             "or map yours with columns={'image_id': 'task', ...})")
    lines = parsed.lines
    df = pd.DataFrame({c: raw[c].str.strip() for c in REQUIRED_COLUMNS})
    problems: list[tuple[np.ndarray, str]] = []  # (bad mask, reason template)

    malformed = parsed.shape != ""
    problems.append((malformed, "{shape}"))
    empty = (df[["wnid", "image_id", "worker_id", "vote"]] == "").any(axis=1).to_numpy() & ~malformed
    problems.append((empty, "empty field (wnid, image_id, worker_id and vote are required)"))
    vote_ok = df["vote"].isin(["0", "1"]).to_numpy()
    problems.append((~vote_ok & ~empty & ~malformed, "vote must be 0 or 1, got {vote!r}"))
    if known_wnids is not None:
        known = set(known_wnids)
        unknown = ~df["wnid"].isin(known).to_numpy() & ~empty & ~malformed
        problems.append((unknown, "unknown wnid {wnid!r} (not a synset of the hierarchy)"))
    times = np.full(len(df), np.nan)
    if "time" in raw.columns:
        t = raw["time"].str.strip()
        num = pd.to_numeric(t, errors="coerce")
        if num.notna().sum() < (t != "").sum():  # not all numbers: dates, if more of them parse as dates
            dt = pd.to_datetime(t, errors="coerce", utc=True, format="ISO8601")
            if dt.notna().sum() > num.notna().sum():
                num = pd.Series(np.where(dt.notna(), (dt - pd.Timestamp(0, tz="UTC")).dt.total_seconds(),
                                         np.nan), index=t.index)
        times = num.to_numpy(float)
        bad_time = (t != "").to_numpy() & np.isnan(times) & ~malformed
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
                reasons.append(template.format(vote=df["vote"].iat[i], wnid=df["wnid"].iat[i], shape=parsed.shape[i],
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
    return VoteTable(path, out.reset_index(drop=True), skipped, mapping)


@dataclass
class TruthTable:
    """Validated truth: image_id (str), truth (bool), wnid (str, "" when the file has none),
    line."""

    path: Path
    truth: pd.DataFrame
    skipped: list[SkippedRow] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)


TRUE_VALUES, FALSE_VALUES = ("1", "true", "yes"), ("0", "false", "no")


def read_truth_csv(path: Path | str, columns: dict[str, str] | str | None = None,
                   skip_bad: bool = False) -> TruthTable:
    """Read and validate a truth file: ``image_id,truth[,wnid]`` (truth 1/0, true/false or
    yes/no), or crowd-kit's ``task,true_label``, or any names through ``columns``. Empty ids,
    bad truth values and an image given twice (same wnid) are named with their line; they stop
    the run unless ``skip_bad=True`` (then skipped and listed)."""
    path = Path(path)
    expected = "image_id,truth[,wnid] (or crowd-kit's task,true_label)"
    parsed = _read_raw(path, "truth", expected)
    raw = parsed.frame
    mapping = parse_columns(columns, TRUTH_COLUMNS + ("wnid",), "truth_columns")
    raw, mapping = _map_columns(raw, path, mapping, TRUTH_COLUMNS + ("wnid",), CROWDKIT_TRUTH_COLUMNS, expected)
    missing = [c for c in TRUTH_COLUMNS if c not in raw.columns]
    if missing:
        raise _fail(path, 1, f"missing column(s) {', '.join(missing)}; the header has {', '.join(raw.columns)} "
                             f"(need {expected}, or map yours with truth_columns={{'truth': 'label', ...}})")
    df = pd.DataFrame({"image_id": raw["image_id"].str.strip(), "truth_text": raw["truth"].str.strip().str.lower(),
                       "wnid": raw["wnid"].str.strip() if "wnid" in raw.columns else ""})
    lines = parsed.lines
    malformed = parsed.shape != ""
    empty = ((df["image_id"] == "") | (df["truth_text"] == "")).to_numpy() | malformed
    ok = df["truth_text"].isin(TRUE_VALUES + FALSE_VALUES).to_numpy()
    key = df["wnid"] + "\x1f" + df["image_id"]
    dup = key.duplicated(keep="first").to_numpy() & ~empty
    first_line = pd.Series(lines, index=key.index).groupby(key).transform("min").to_numpy()
    skipped: list[SkippedRow] = []
    for i in np.flatnonzero(empty | ~ok | dup):  # only the bad rows (few), to word each message
        if malformed[i]:
            reason = str(parsed.shape[i])
        elif empty[i]:
            reason = "empty field (image_id and truth are required)"
        elif not ok[i]:
            reason = f"truth must be 1/0 (or true/false, yes/no), got {raw['truth'].iat[i]!r}"
        else:
            reason = f"image {df['image_id'].iat[i]!r} already has a truth at line {first_line[i]}"
        if not skip_bad:
            raise _fail(path, int(lines[i]), reason + " (to skip such rows and list them: -p votes_skip_bad true; "
                                                      "in Python skip_bad=True)")
        skipped.append(SkippedRow(int(lines[i]), reason))
    keep = ~(empty | ~ok | dup)
    out = pd.DataFrame({"image_id": df["image_id"][keep], "truth": df["truth_text"][keep].isin(TRUE_VALUES),
                        "wnid": df["wnid"][keep], "line": lines[keep]}).reset_index(drop=True)
    if out.empty:
        raise InputDataError(f"{path}: no usable truth rows" + (f" ({len(skipped)} skipped)" if skipped else ""))
    return TruthTable(path, out, skipped, mapping)


def match_truth(votes: VoteTable, truth: TruthTable) -> pd.DataFrame:
    """The truth of each voted (wnid, image_id): truth (bool) and line, NaN where the file has
    none. A truth file without wnids matches on image_id alone, which must then be unique
    among the votes' images. ``attrs``: unmatched (truth rows no voted image has), first lines."""
    images = votes.votes[["wnid", "image_id"]].drop_duplicates().reset_index(drop=True)
    t = truth.truth
    if (t["wnid"] == "").all():
        amb = images["image_id"].duplicated(keep=False)
        shared = set(images.loc[amb, "image_id"]) & set(t["image_id"])
        if shared:
            first = t[t["image_id"].isin(shared)].iloc[0]
            raise InputDataError(f"{truth.path}:{int(first['line'])}: image {first['image_id']!r} has votes for "
                                 "several synsets; add a wnid column to the truth file")
        out = images.merge(t[["image_id", "truth", "line"]], on="image_id", how="left")
        used = t["image_id"].isin(images["image_id"])
    else:
        out = images.merge(t[["wnid", "image_id", "truth", "line"]], on=["wnid", "image_id"], how="left")
        used = (t["wnid"] + "\x1f" + t["image_id"]).isin(images["wnid"] + "\x1f" + images["image_id"])
    out.attrs["unmatched"] = int((~used).sum())
    out.attrs["unmatched_lines"] = t.loc[~used, "line"].head(5).tolist()
    return out
