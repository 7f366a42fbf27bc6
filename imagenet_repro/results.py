"""Writing figures, tables and claims with provenance: the one place results are written.

Every write is atomic (a temporary file in the same folder, then ``os.replace``), so a run
that dies half-way never leaves a half-written file that looks whole. Each notebook opens
one :class:`ResultWriter`; its claims go to ``results/claims/<notebook>.json`` and its
provenance (parameters, seed, input and output hashes) into ``results/manifest.json``.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import platform
import re
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Literal

import pandas as pd

from .config import PROJECT_ROOT, RESULTS_DIR
from .errors import UserError

Mode = Literal["real", "simulated"]
MODES = ("real", "simulated")
# Verdicts, in words a reviewer can read.
REPRODUCED, NOT_REPRODUCED, QUOTED, INFO = "reproduced", "not reproduced", "quoted", "info"
# A value the model was fitted to cannot reproduce it: its verdict says only whether the fit reached it.
FITTED_AGREES, FITTED_MISSES = "fitted: agrees", "fitted: misses"
# Too small a sample to tell: the 95% interval is wider than the tolerance band (and overlaps
# it), or, where no interval applies, fewer items than the claim's stated minimum.
TOO_FEW = "info: too few"
DIRECTIONS = ("==", ">=", "<=", ">", "<", "approx")
HASH_ALGORITHM = "sha256"  # of every input and output in the manifest
APT_PACKAGES_FILE = PROJECT_ROOT / "scripts" / "apt-packages.txt"


# ---------------------------------------------------------------- atomic writes

@lru_cache(maxsize=1)
def file_mode() -> int:
    """The mode a new file gets under the user's umask (mkstemp alone would give 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, obj: Any) -> Path:
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=_json_default) + "\n")


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):  # numpy scalars
        return o.item()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def folder_fingerprint(folder: Path) -> str:
    """SHA-256 of a folder's listing: every file's relative path and size, sorted. A fingerprint,
    not a content hash: hashing every photo of an ImageNet folder would read ~150 GB."""
    h = hashlib.sha256()
    root = Path(folder)
    files = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = Path(dirpath) / n
            files.append((p.relative_to(root).as_posix(), p.stat().st_size))
    for rel, size in sorted(files):
        h.update(f"{rel}\t{size}\n".encode())
    return h.hexdigest()


# ---------------------------------------------------------------- claims

@dataclass
class Claim:
    """One number of the paper set beside the artifact's own."""

    id: str
    description: str
    section: str  # the paper's section or figure, e.g. "Sec 2 / Fig 2"
    paper: Any  # the paper's value (number, text) or None
    reproduced: Any
    unit: str = ""
    mode: Mode = "real"
    direction: str = "approx"  # how reproduced must relate to the paper value
    tolerance: float | None = None  # absolute, for "approx"
    rel_tolerance: float | None = None  # relative, for "approx"
    notebook: str = ""
    note: str = ""
    fitted: bool = False  # the model behind `reproduced` was fitted to `paper`
    n: int | None = None  # the sample behind `reproduced` (synsets, images, votes, ...)
    interval: list[float] | None = None  # its 95% interval [lo, hi], where one applies
    min_n: int | None = None  # without an interval: the least n that gets a verdict
    verdict: str = field(default="", init=True)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise UserError(f"claim {self.id}: mode must be one of {MODES}, not {self.mode!r}")
        if self.direction not in DIRECTIONS + ("quoted", "info"):
            raise UserError(f"claim {self.id}: direction must be one of {DIRECTIONS}")
        if self.interval is not None:
            lo, hi = (float(x) for x in self.interval)
            if not lo <= hi:
                raise UserError(f"claim {self.id}: interval {self.interval} is not [lo, hi]")
            self.interval = [float(f"{lo:.6g}"), float(f"{hi:.6g}")]
        if not self.verdict:
            self.verdict = judge(self)
            if self.fitted and self.verdict in (REPRODUCED, NOT_REPRODUCED):
                self.verdict = FITTED_AGREES if self.verdict == REPRODUCED else FITTED_MISSES


def _as_float(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _tolerance(c: Claim, p: float) -> float:
    tol = 0.0
    if c.tolerance is not None:
        tol = max(tol, c.tolerance)
    if c.rel_tolerance is not None:
        tol = max(tol, c.rel_tolerance * abs(p))
    if c.tolerance is None and c.rel_tolerance is None:
        tol = 0.1 * abs(p)  # within 10% unless the claim says otherwise
    return tol


def judge(c: Claim) -> str:
    """The verdict of a claim; a number compared as its direction and tolerance say, when its
    sample is large enough to tell (``TOO_FEW`` otherwise)."""
    if c.direction == "quoted":
        return QUOTED
    if c.direction == "info" or c.paper is None:
        return INFO
    p, r = _as_float(c.paper), _as_float(c.reproduced)
    if p is not None and isinstance(c.reproduced, float) and math.isnan(c.reproduced):
        return TOO_FEW  # no value measured (e.g. no height with enough synsets): nothing to judge
    if p is None or r is None:
        if c.min_n is not None and (c.n is None or c.n < c.min_n):
            return TOO_FEW
        ok = str(c.paper).strip().lower() == str(c.reproduced).strip().lower()
        return REPRODUCED if ok else NOT_REPRODUCED
    if c.direction == "approx":
        tol = _tolerance(c, p)
        if c.interval is not None:
            lo, hi = c.interval
            if hi - lo > 2 * tol:  # too wide to confirm agreement within the tolerance ...
                outside = hi < p - tol or lo > p + tol  # ... but it may still exclude it
                return NOT_REPRODUCED if outside else TOO_FEW
        elif c.min_n is not None and (c.n is None or c.n < c.min_n):
            return TOO_FEW
        return REPRODUCED if abs(r - p) <= tol else NOT_REPRODUCED
    if c.min_n is not None and (c.n is None or c.n < c.min_n):
        return TOO_FEW
    ok = {"==": r == p, ">=": r >= p, "<=": r <= p, ">": r > p, "<": r < p}[c.direction]
    return REPRODUCED if ok else NOT_REPRODUCED


def wilson_interval(k: float, n: float, z: float = 1.96) -> list[float]:
    """The 95% Wilson interval of a share k/n (n may be a weight)."""
    if n <= 0:
        return [0.0, 1.0]
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return [max(0.0, centre - half), min(1.0, centre + half)]


def mean_interval(values: Iterable[float], z: float = 1.96) -> list[float]:
    """The normal 95% interval of a mean over independent items (e.g. synsets)."""
    v = [float(x) for x in values if x == x]
    if len(v) < 2:
        return [-math.inf, math.inf]
    m = sum(v) / len(v)
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))
    half = z * sd / math.sqrt(len(v))
    return [m - half, m + half]


# ---------------------------------------------------------------- provenance helpers

def git_commit(root: Path = PROJECT_ROOT) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True).stdout.strip()
        commit = out.stdout.strip() or "unknown"
        return commit + ("+dirty" if dirty else "")
    except OSError:
        return "unknown"


def runtime_requirements(dist: str = "imagenet_repro") -> list[str]:
    """The names of the package's own runtime requirements (pyproject.toml), not a hand list."""
    try:
        reqs = metadata.requires(dist) or []
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        import tomllib

        reqs = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = []
    for r in reqs:
        if "extra ==" in r:
            continue
        names.append(re.split(r"[\s<>=!~;\[(]", r.strip(), maxsplit=1)[0])
    return names


def package_versions(names: Iterable[str] | None = None) -> dict[str, str]:
    """Python's version and the installed version of every runtime requirement."""
    out = {"python": platform.python_version()}
    for n in (runtime_requirements() if names is None else names):
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "not installed"
    return out


def debian_packages(listing: Path = APT_PACKAGES_FILE) -> dict[str, str]:
    """The Debian data packages the artifact reads (scripts/apt-packages.txt) and their versions."""
    if not listing.is_file():
        return {}
    names = [line.split()[0] for line in listing.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    out = {}
    for n in names:
        try:
            proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}|${Version}", n],
                                  capture_output=True, text=True)
        except OSError:
            out[n] = "unknown (no dpkg)"
            continue
        status, _, version = proc.stdout.partition("|")
        out[n] = version if proc.returncode == 0 and "install ok installed" in status else "not installed"
    return out


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- the writer

class ResultWriter:
    """All outputs of one notebook: figures, tables, claims, and their provenance."""

    def __init__(self, notebook: str, parameters: dict[str, Any] | None = None,
                 results_dir: Path | str = RESULTS_DIR, seed: int | None = None) -> None:
        self.notebook = notebook
        self.dir = Path(results_dir)
        self.parameters = dict(parameters or {})
        self.seed = seed if seed is not None else self.parameters.get("seed")
        self.claims: list[Claim] = []
        self.inputs: dict[str, str] = {}
        self.outputs: dict[str, str] = {}
        self.resources: dict[str, dict[str, Any]] = {}
        self.parameters_from_scale: tuple[str, ...] = ()
        self.started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for sub in ("figures", "tables", "claims"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        old = read_manifest(self.dir / "manifest.json").get("notebooks", {}).get(notebook, {})
        self._previous = set(old.get("outputs", {})) | set(old.get("stale_outputs", []))
        self._update_manifest("running")  # the manifest always says what is on disk

    # -- inputs and outputs
    def input(self, path: Path | str) -> Path:
        """Record an input file (its SHA-256 goes into the manifest) or folder (key ending in
        "/", the SHA-256 of its listing: ``folder_fingerprint``)."""
        p = Path(path)
        if p.is_dir():
            self.inputs[_rel(p, PROJECT_ROOT).rstrip("/") + "/"] = folder_fingerprint(p)
            return p
        if not p.is_file():
            raise UserError(f"{self.notebook}: input file {p} does not exist")
        self.inputs[_rel(p, PROJECT_ROOT)] = sha256(p)
        return p

    def _output(self, path: Path) -> Path:
        self.outputs[_rel(path, self.dir)] = sha256(path)
        self._update_manifest("running")
        return path

    def table(self, df: pd.DataFrame, name: str, index: bool = True, float_format: str = "%.6g") -> Path:
        """results/tables/<name>.csv, deterministic to the byte for the same frame."""
        buf = io.StringIO()
        df.to_csv(buf, index=index, float_format=float_format, lineterminator="\n")
        return self._output(atomic_write_text(self.dir / "tables" / f"{name}.csv", buf.getvalue()))

    def figure(self, fig: Any, name: str, dpi: int = 150) -> Path:
        """results/figures/<name>.png and .pdf (no timestamps, so reruns compare equal)."""
        out = None
        for ext, meta in (("png", {"Software": None}), ("pdf", {"CreationDate": None, "Producer": None})):
            buf = io.BytesIO()
            fig.savefig(buf, format=ext, dpi=dpi, bbox_inches="tight", metadata=meta)
            path = atomic_write_bytes(self.dir / "figures" / f"{name}.{ext}", buf.getvalue())
            self._output(path)
            out = out or path
        return out

    def file(self, data: bytes | str, relpath: str) -> Path:
        """Any other output under results/ (e.g. a parquet of the clean set)."""
        raw = data.encode() if isinstance(data, str) else data
        return self._output(atomic_write_bytes(self.dir / relpath, raw))

    def record_output(self, path: Path | str) -> Path:
        """An output written elsewhere (atomically) by the package, e.g. a parquet."""
        return self._output(Path(path))

    def resource(self, name: str, available: bool, detail: str = "") -> None:
        """Record an optional resource (a dictionary, a wordnet) and whether it was found, so
        the manifest and the report say what a run lacked (a missing one changes results)."""
        self.resources[name] = {"available": bool(available), "detail": detail}

    # -- claims
    def claim(self, id: str, description: str, section: str, paper: Any, reproduced: Any,
              mode: Mode, unit: str = "", direction: str = "approx",
              tolerance: float | None = None, rel_tolerance: float | None = None,
              note: str = "", fitted: bool = False, n: int | None = None,
              interval: Iterable[float] | None = None, min_n: int | None = None) -> Claim:
        """Record a claim; the verdict follows from direction and tolerance (and says
        "fitted" when the model behind the value was fitted to the paper's number). ``n`` is the
        sample behind the value; with a 95% ``interval`` wider than the tolerance band (or,
        without one, fewer than ``min_n`` items) the verdict is "info: too few"."""
        if any(c.id == id for c in self.claims):
            self.claims = [c for c in self.claims if c.id != id]  # re-running a cell replaces it
        c = Claim(id=id, description=description, section=section, paper=paper,
                  reproduced=_plain(reproduced), unit=unit, mode=mode, direction=direction,
                  tolerance=tolerance, rel_tolerance=rel_tolerance, notebook=self.notebook,
                  note=note, fitted=fitted, n=None if n is None else int(n),
                  interval=None if interval is None else [float(x) for x in interval], min_n=min_n)
        self.claims.append(c)
        self._write_claims()
        return c

    def claims_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(c) for c in self.claims])

    def _write_claims(self) -> None:
        self._output(write_json(self.dir / "claims" / f"{self.notebook}.json", [asdict(c) for c in self.claims]))

    # -- the manifest
    def finish(self) -> Path:
        """Write this notebook's claims and mark its entry in results/manifest.json complete."""
        self._write_claims()
        return self._update_manifest("complete")

    def _entry(self, status: str) -> dict[str, Any]:
        entry = {
            "status": status,
            "parameters": self.parameters,
            "parameters_from_scale": list(self.parameters_from_scale),
            "resources": self.resources,
            "seed": self.seed,
            "started": self.started,
            "inputs": dict(sorted(self.inputs.items())),
            "outputs": dict(sorted(self.outputs.items())),
            "claims": [c.id for c in self.claims],
        }
        if status == "complete":
            entry["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        else:  # files of an earlier run of this notebook that this one has not rewritten (yet)
            entry["stale_outputs"] = sorted(p for p in self._previous - set(self.outputs)
                                            if (self.dir / p).exists())
        return entry

    def _update_manifest(self, status: str) -> Path:
        path = self.dir / "manifest.json"
        manifest = read_manifest(path)
        if status == "complete":
            manifest["git_commit"] = git_commit()
            manifest["hash_algorithm"] = HASH_ALGORITHM
            manifest["packages"] = package_versions()
            manifest["debian_packages"] = debian_packages()
        manifest.setdefault("hash_algorithm", HASH_ALGORITHM)
        seconds = manifest.get("notebooks", {}).get(self.notebook, {}).get("seconds")
        entry = self._entry(status)
        if seconds is not None and status != "complete":
            entry["seconds"] = seconds
        manifest.setdefault("notebooks", {})[self.notebook] = entry
        return write_json(path, manifest)


def mark_notebook(results_dir: Path | str, notebook: str, status: str) -> None:
    """After a failure or an interruption: the notebook's entry says so (it stays "running"
    otherwise), so the manifest never passes a half-run notebook for a complete one."""
    path = Path(results_dir) / "manifest.json"
    try:
        manifest = read_manifest(path)
    except UserError:
        return  # a corrupt manifest is reported by the next run
    entry = manifest.setdefault("notebooks", {}).setdefault(notebook, {"outputs": {}})
    if entry.get("status") in (None, "running"):
        entry["status"] = status
        write_json(path, manifest)


def skipped_tables(results_dir: Path | str, notebook: str) -> list[tuple[str, int]]:
    """(relative path, rows) of the tables of skipped items a notebook wrote (tables/*skipped*)."""
    rd = Path(results_dir)
    entry = read_manifest(rd / "manifest.json").get("notebooks", {}).get(notebook, {})
    out = []
    for rel in entry.get("outputs", {}):
        if rel.startswith("tables/") and "skipped" in rel and (rd / rel).is_file():
            with open(rd / rel, encoding="utf-8") as fh:
                out.append((rel, max(0, sum(1 for _ in fh) - 1)))
    return out


def record_seconds(results_dir: Path | str, notebook: str, seconds: float) -> None:
    """How long the notebook took (the runner's estimate of the time left uses it)."""
    path = Path(results_dir) / "manifest.json"
    manifest = read_manifest(path)
    if notebook in manifest.get("notebooks", {}):
        manifest["notebooks"][notebook]["seconds"] = round(float(seconds), 1)
        write_json(path, manifest)


def _plain(x: Any) -> Any:
    if hasattr(x, "item"):
        x = x.item()
    if isinstance(x, float):
        return float(f"{x:.6g}")
    return x


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest, {} when there is none yet; a corrupt one stops the run (never replaced
    silently: it is the record of what earlier notebooks wrote)."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is corrupt ({exc}): move it away (or delete it) and re-run the "
                        "notebooks whose provenance it held") from None
    if not isinstance(data, dict):
        raise UserError(f"{path} is not a manifest (a JSON object expected): move it away and re-run")
    return data


def load_claims(results_dir: Path | str = RESULTS_DIR) -> pd.DataFrame:
    """Every notebook's claims, in notebook order."""
    files = sorted((Path(results_dir) / "claims").glob("*.json"))
    rows = [row for f in files for row in json.loads(f.read_text())]
    cols = [f.name for f in Claim.__dataclass_fields__.values()]
    return pd.DataFrame(rows, columns=cols)
