"""One parallel map for every pixel stage: local processes by default, dask.distributed on a cluster.

Why one: rendering, tiny images, SIFT, perceptual hashes and the per-category topic models are
all "the same pure function over many items"; the backend is the user's choice, never the
stage's. (Visual words are one BLAS product in the calling process: nothing to distribute.) The
results are the same bytes whichever backend and however many workers, because

- ``fn`` is a module-level, pure function of its item (every random draw inside it comes from
  ``rng.rng(...)`` keyed by the item), so where it runs cannot change what it returns;
- results come back in the order of ``items``;
- BLAS and OpenCV use one thread inside a worker (``_one_thread``), so no float reduction order
  depends on how many threads a machine has.

Backends (``parallel_config``): ``serial`` (one process, the fallback for small jobs), ``local``
(joblib's loky processes, ``workers`` of them; default all cores), ``dask`` (a dask.distributed
scheduler at ``scheduler``: ``tcp://HOST:PORT``). The environment variables
``IMAGENET_REPRO_SCHEDULER`` and ``IMAGENET_REPRO_WORKERS`` set the defaults, so the runner's
``--scheduler`` and ``--workers`` reach the notebooks' kernels.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

from .errors import UserError

T = TypeVar("T")
R = TypeVar("R")

SCHEDULER_ENV = "IMAGENET_REPRO_SCHEDULER"
WORKERS_ENV = "IMAGENET_REPRO_WORKERS"
BACKENDS = ("serial", "local", "dask")


@dataclass(frozen=True)
class ParallelConfig:
    """Where a parallel map runs. ``workers`` None: every core (local) or the cluster's (dask)."""

    backend: str = "local"
    workers: int | None = None
    scheduler: str | None = None
    min_items: int = 16  # fewer items than this run serially (process start-up costs more)

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise UserError(f"unknown parallel backend {self.backend!r}: choose one of {', '.join(BACKENDS)}")
        if self.workers is not None and (not isinstance(self.workers, int) or self.workers < 1):
            raise UserError(f"workers must be a positive integer, got {self.workers!r}")
        if self.backend == "dask" and not self.scheduler:
            raise UserError("the dask backend needs a scheduler address (tcp://HOST:PORT)")


def parallel_config() -> ParallelConfig:
    """The configuration the environment asks for (runner flags arrive as variables)."""
    scheduler = os.environ.get(SCHEDULER_ENV, "").strip() or None
    raw = os.environ.get(WORKERS_ENV, "").strip()
    workers = None
    if raw:
        try:
            workers = int(raw)
        except ValueError:
            raise UserError(f"{WORKERS_ENV}={raw!r} is not a positive integer") from None
    if scheduler:
        return ParallelConfig("dask", workers, scheduler)
    if workers == 1:
        return ParallelConfig("serial", 1)
    return ParallelConfig("local", workers)


def check_scheduler(address: str, timeout: float = 5.0) -> str:
    """A scheduler address as ``tcp://HOST:PORT`` that answers; a one-line error otherwise."""
    import re
    import socket

    m = re.fullmatch(r"(?:tcp://)?([^:/\s]+):(\d{1,5})", address.strip())
    if not m or not 0 < int(m.group(2)) < 65536:
        raise UserError(f"--scheduler {address!r}: expected tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786)")
    host, port = m.group(1), int(m.group(2))
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise UserError(f"--scheduler {address}: no dask scheduler answers at {host}:{port} ({exc.strerror or exc}); "
                        "start one with `dask scheduler` (see README)") from None
    return f"tcp://{host}:{port}"


def _one_thread() -> None:
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover
        pass


class _Chunk:
    """Applies ``fn`` to a chunk of items with one BLAS/OpenCV thread (picklable)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __call__(self, chunk: Sequence[Any]) -> list[Any]:
        from threadpoolctl import threadpool_limits

        _one_thread()
        with threadpool_limits(1):
            return [self.fn(x) for x in chunk]


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def parallel_map(fn: Callable[[T], R], items: Sequence[T], desc: str = "", progress: bool = True,
                 config: ParallelConfig | None = None, chunk_size: int | None = None) -> list[R]:
    """``[fn(x) for x in items]``, in order, on the configured backend, with a progress bar."""
    from tqdm import tqdm  # text bars: they stream to the terminal under run_all.sh

    items = list(items)
    cfg = config if config is not None else parallel_config()
    n = len(items)
    if n == 0:
        return []
    workers = cfg.workers or (os.cpu_count() or 1)
    if cfg.backend == "serial" or n < cfg.min_items or (cfg.backend == "local" and workers == 1):
        run = _Chunk(fn)
        out: list[R] = []
        for x in tqdm(items, desc=desc or None, disable=not progress, leave=False):
            out.extend(run([x]))
        return out
    size = chunk_size or max(1, min(64, n // (4 * workers) or 1))
    chunks = _chunks(items, size)
    bar = tqdm(total=n, desc=desc or None, disable=not progress, leave=False)
    results: list[list[R]] = []
    if cfg.backend == "local":
        from joblib import Parallel, delayed

        job = Parallel(n_jobs=workers, backend="loky", return_as="generator")
        for part in job(delayed(_Chunk(fn))(c) for c in chunks):
            results.append(part)
            bar.update(len(part))
    else:
        for part in _dask_map(_Chunk(fn), chunks, cfg.scheduler):
            results.append(part)
            bar.update(len(part))
    bar.close()
    return [r for part in results for r in part]


def _dask_map(fn: Callable[[Sequence[Any]], list[Any]], chunks: list[Sequence[Any]], address: str):
    """Chunks submitted to a dask.distributed scheduler; yields results in chunk order."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover
        raise UserError("the dask backend needs the 'distributed' package (pip install distributed)") from None
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise UserError(f"cannot reach the dask scheduler at {address}: {exc}") from None
    try:
        futures = client.map(fn, chunks, pure=False)
        for fut in futures:
            yield fut.result()
    finally:
        client.close()
