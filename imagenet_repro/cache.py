"""Caching expensive intermediates on disk, keyed by everything that determines them.

The key is a SHA-256 of the parameters (JSON, sorted keys) and of the package's own source
code, so neither a changed parameter nor an edited function ever reads a stale result.
Files are written atomically.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import __version__
from .config import CACHE_DIR
from .results import atomic_write_bytes


@lru_cache(maxsize=1)
def code_fingerprint(package_dir: Path = Path(__file__).resolve().parent) -> str:
    """SHA-256 of every .py file of the package (path and bytes), read once per process."""
    h = hashlib.sha256()
    for f in sorted(package_dir.rglob("*.py")):
        h.update(f.relative_to(package_dir).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def cache_key(name: str, params: dict[str, Any]) -> str:
    blob = json.dumps({"name": name, "version": __version__, "code": code_fingerprint(),
                       "params": params}, sort_keys=True, default=str)
    return f"{name}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"


def _cached(name: str, params: dict[str, Any], compute: Callable[[], Any], cache_dir: Path | None,
            suffix: str, dump: Callable[[Any], bytes], load: Callable[[Path], Any]) -> Any:
    """Load .cache/<name>-<key>.<suffix> if it exists, else compute, store atomically, return."""
    if cache_dir is None:
        return compute()
    path = Path(cache_dir) / f"{cache_key(name, params)}.{suffix}"
    if path.is_file():
        return load(path)
    value = compute()
    atomic_write_bytes(path, dump(value))
    return value


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf)
    return buf.getvalue()


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _load_npz(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def cached_frame(name: str, params: dict[str, Any], compute: Callable[[], pd.DataFrame],
                 cache_dir: Path | None = CACHE_DIR) -> pd.DataFrame:
    """A DataFrame from .cache/<name>-<key>.parquet, computed and stored on a miss."""
    return _cached(name, params, compute, cache_dir, "parquet", _parquet_bytes, pd.read_parquet)


def cached_arrays(name: str, params: dict[str, Any], compute: Callable[[], dict[str, np.ndarray]],
                  cache_dir: Path | None = CACHE_DIR) -> dict[str, np.ndarray]:
    """A dict of numpy arrays from .cache/<name>-<key>.npz."""
    return _cached(name, params, compute, cache_dir, "npz", _npz_bytes, _load_npz)


def cached_object(name: str, params: dict[str, Any], compute: Callable[[], Any],
                  cache_dir: Path | None = CACHE_DIR) -> Any:
    """Any picklable object (only our own caches are ever unpickled)."""
    return _cached(name, params, compute, cache_dir, "pkl",
                   lambda obj: pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL),
                   lambda path: pickle.loads(path.read_bytes()))


def stored_object(name: str, params: dict[str, Any], cache_dir: Path | None = CACHE_DIR) -> Any | None:
    """The object cached_object(name, params, ...) stored, or None when it is not on disk
    (for a cache worth using when present but not worth computing for a small job)."""
    if cache_dir is None:
        return None
    path = Path(cache_dir) / f"{cache_key(name, params)}.pkl"
    return pickle.loads(path.read_bytes()) if path.is_file() else None
