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
DIRECTIONS = ("==", ">=", "<=", ">", "<", "approx")
HASH_ALGORITHM = "sha256"  # of every input and output in the manifest
APT_PACKAGES_FILE = PROJECT_ROOT / "scripts" / "apt-packages.txt"


# ---------------------------------------------------------------- atomic writes

def atomic_write_bytes(path: Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
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
    verdict: str = field(default="", init=True)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise UserError(f"claim {self.id}: mode must be one of {MODES}, not {self.mode!r}")
        if self.direction not in DIRECTIONS + ("quoted", "info"):
            raise UserError(f"claim {self.id}: direction must be one of {DIRECTIONS}")
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


def judge(c: Claim) -> str:
    """The verdict of a claim; a number compared as its direction and tolerance say."""
    if c.direction == "quoted":
        return QUOTED
    if c.direction == "info" or c.paper is None:
        return INFO
    p, r = _as_float(c.paper), _as_float(c.reproduced)
    if p is None or r is None:
        ok = str(c.paper).strip().lower() == str(c.reproduced).strip().lower()
        return REPRODUCED if ok else NOT_REPRODUCED
    if c.direction == "==":
        ok = r == p
    elif c.direction == ">=":
        ok = r >= p
    elif c.direction == "<=":
        ok = r <= p
    elif c.direction == ">":
        ok = r > p
    elif c.direction == "<":
        ok = r < p
    else:  # approx
        tol = 0.0
        if c.tolerance is not None:
            tol = max(tol, c.tolerance)
        if c.rel_tolerance is not None:
            tol = max(tol, c.rel_tolerance * abs(p))
        if c.tolerance is None and c.rel_tolerance is None:
            tol = 0.1 * abs(p)  # within 10% unless the claim says otherwise
        ok = abs(r - p) <= tol
    return REPRODUCED if ok else NOT_REPRODUCED


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

    # -- inputs and outputs
    def input(self, path: Path | str) -> Path:
        """Record an input file (its SHA-256 goes into the manifest)."""
        p = Path(path)
        if not p.is_file():
            raise UserError(f"{self.notebook}: input file {p} does not exist")
        self.inputs[_rel(p, PROJECT_ROOT)] = sha256(p)
        return p

    def _output(self, path: Path) -> Path:
        self.outputs[_rel(path, self.dir)] = sha256(path)
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
              note: str = "", fitted: bool = False) -> Claim:
        """Record a claim; the verdict follows from direction and tolerance (and says
        "fitted" when the model behind the value was fitted to the paper's number)."""
        if any(c.id == id for c in self.claims):
            self.claims = [c for c in self.claims if c.id != id]  # re-running a cell replaces it
        c = Claim(id=id, description=description, section=section, paper=paper,
                  reproduced=_plain(reproduced), unit=unit, mode=mode, direction=direction,
                  tolerance=tolerance, rel_tolerance=rel_tolerance, notebook=self.notebook,
                  note=note, fitted=fitted)
        self.claims.append(c)
        self._write_claims()
        return c

    def claims_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(c) for c in self.claims])

    def _write_claims(self) -> None:
        write_json(self.dir / "claims" / f"{self.notebook}.json", [asdict(c) for c in self.claims])

    # -- the manifest
    def finish(self) -> Path:
        """Write this notebook's claims and its entry in results/manifest.json."""
        self._write_claims()
        self._output(self.dir / "claims" / f"{self.notebook}.json")
        manifest_path = self.dir / "manifest.json"
        manifest = read_manifest(manifest_path)
        manifest["git_commit"] = git_commit()
        manifest["hash_algorithm"] = HASH_ALGORITHM
        manifest["packages"] = package_versions()
        manifest["debian_packages"] = debian_packages()
        manifest.setdefault("notebooks", {})[self.notebook] = {
            "parameters": self.parameters,
            "parameters_from_scale": list(self.parameters_from_scale),
            "resources": self.resources,
            "seed": self.seed,
            "started": self.started,
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "inputs": dict(sorted(self.inputs.items())),
            "outputs": dict(sorted(self.outputs.items())),
            "claims": [c.id for c in self.claims],
        }
        return write_json(manifest_path, manifest)


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
