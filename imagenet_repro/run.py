"""Execute the notebook sequence with papermill: ``python -m imagenet_repro.run`` (``run_all.sh``).

Each notebook is executed into a temporary file and renamed into ``results/notebooks/`` only
when it succeeds. A failing notebook is kept as ``<name>.failed.ipynb``, an interrupted one
(Ctrl-C, SIGTERM) as ``<name>.interrupted.ipynb``; either way the run stops with one line naming
the notebook, its manifest entry says so, and what earlier notebooks wrote stays as it was.

Everything the user gives is checked before any notebook runs: ``-p`` values are typed by the
notebook's own annotated ``parameters`` cell, relative paths are the user's (resolved against
the directory ``run_all.sh`` was called from), the results folder must be writable.
While a notebook runs, the terminal shows which section of it runs and the package's own
progress bars (the kernel's stderr is streamed), with an estimate of the time left.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import DEFAULT_SEED, PROJECT_ROOT, RESULTS_DIR, SCALES, get_scale
from .errors import UserError
from .notebook import ParameterSpec, parameter_specs
from .parallel import SCHEDULER_ENV, WORKERS_ENV

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
# Parameters every notebook has; the runner sets them.
RUNNER_PARAMETERS = ("scale", "seed", "results_dir")
CALLER_CWD_ENV = "IMAGENET_REPRO_CALLER_CWD"  # set by run_all.sh before it changes directory
# Seconds per notebook measured on the 2-core development machine (warm environment), for
# the estimate of the time left before this machine has timings of its own in the manifest.
REFERENCE_SECONDS: dict[str, dict[str, float]] = {
    "ci": {"00": 10, "01": 42, "02": 28, "03": 22, "04": 13, "05": 16, "06": 29, "07": 29, "99": 2},
    "default": {"00": 9, "01": 81, "02": 91, "03": 26, "04": 79, "05": 285, "06": 175.8, "07": 180, "99": 2},
    "paper": {"00": 11, "01": 105, "02": 153, "03": 48, "99": 2},
}


@dataclass(frozen=True)
class NotebookFailed(Exception):
    notebook: str
    cell: str
    error: str

    def __str__(self) -> str:
        return f"notebook {self.notebook} failed in {self.cell}: {self.error}"


@dataclass(frozen=True)
class NotebookInterrupted(Exception):
    notebook: str
    signal_name: str
    seconds: float

    def __str__(self) -> str:
        return f"interrupted ({self.signal_name}): notebook {self.notebook} stopped after {self.seconds:.0f} s"


def caller_cwd() -> Path:
    """The directory the user called run_all.sh from (relative paths are theirs)."""
    return Path(os.environ.get(CALLER_CWD_ENV) or os.getcwd())


def list_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def select_notebooks(only: str | None, folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """Notebooks in numeric order; ``only`` is a comma list of numbers or names ("00,99")."""
    books = list_notebooks(folder)
    if not books:
        raise UserError(f"no notebooks found in {folder}")
    if not only:
        return books
    chosen: list[Path] = []
    for item in (s.strip() for s in only.split(",") if s.strip()):
        key = item.removesuffix(".ipynb")
        match = [b for b in books if b.stem == key or b.stem.split("_", 1)[0] == key]
        if not match:
            known = ", ".join(b.stem for b in books)
            raise UserError(f"unknown notebook {item!r} in --only: known notebooks are {known}")
        chosen.extend(m for m in match if m not in chosen)
    return sorted(chosen)


def notebook_parameters(path: Path) -> dict[str, ParameterSpec]:
    return {s.name: s for s in parameter_specs(path)}


def check_parameters(books: list[Path], extra: dict[str, Any], cwd: Path | None = None
                     ) -> dict[Path, dict[str, Any]]:
    """Each notebook's share of the extra parameters, typed by its parameters cell. Unknown
    names and values of the wrong type are one-line errors, raised before anything runs."""
    cwd = caller_cwd() if cwd is None else cwd
    declared = {b: notebook_parameters(b) for b in books}
    for b, params in declared.items():
        missing = [p for p in RUNNER_PARAMETERS if p not in params]
        if missing:
            raise UserError(f"{b.name} lacks the parameter(s) {', '.join(missing)}")
    for name in extra:
        if not any(name in params for params in declared.values()):
            listing = "; ".join(f"{b.stem}: {', '.join(p)}" for b, p in declared.items())
            raise UserError(f"no selected notebook has a parameter {name!r} (parameters: {listing})")
    per_book: dict[Path, dict[str, Any]] = {}
    for b, params in declared.items():
        typed = {}
        for k, v in extra.items():
            if k in params:
                typed[k] = params[k].parse(v if isinstance(v, str) else _as_text(v), cwd)
        per_book[b] = typed
    return per_book


def _as_text(value: Any) -> str:
    """A Python value passed through the API, as the text a user would have typed."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return "none" if value is None else str(value)


def check_results_dir(path: Path) -> Path:
    """The results folder, created if needed; a one-line error when it cannot be written."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UserError(f"cannot write to the results folder {path}: {exc.strerror or exc} "
                        "(choose another with --results-dir)") from None
    return path


def _failing_cell(exc: Exception, executed: Path) -> tuple[str, str]:
    """Where it failed, counted as in the committed notebook (papermill's injected cell left out)."""
    index = getattr(exc, "cell_index", None)
    cell = "an unknown cell"
    if index is not None:
        injected = 0
        try:
            import nbformat

            cells = nbformat.read(str(executed), as_version=4).cells[:index]
            injected = sum("injected-parameters" in c.get("metadata", {}).get("tags", []) for c in cells)
        except Exception:
            pass
        cell = f"cell {index - injected + 1} (counting from 1)"
    source = getattr(exc, "source", "")
    if source:
        first = source.strip().splitlines()[0] if source.strip() else ""
        cell += f" starting {first[:80]!r}"
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    return cell, f"{ename}: {evalue}"


def _ipc_kernel_manager() -> type:
    """A kernel manager on local IPC sockets: nothing listens on TCP, no plain-text warning,
    and no spurious interrupt at shutdown."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts a kernel before every shutdown; an idle kernel then logs
            # "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel" on a successful run.
            # A busy kernel that ignores the shutdown request is still terminated by it.
            if not self.shutting_down:
                await super()._async_interrupt_kernel()

    return IPCKernelManager


def _headings(nb) -> list[str]:
    """For each cell, the latest markdown heading above it (the section it belongs to)."""
    out, current = [], ""
    for c in nb.cells:
        if c.cell_type == "markdown":
            for line in c.source.splitlines():
                if line.startswith("#"):
                    current = line.lstrip("#").strip()
                    break
        out.append(current)
    return out


def _step_engine(label: str, show: bool) -> str:
    """A papermill engine that prints the section each code cell belongs to as it starts."""
    from papermill.engines import NBClientEngine, papermill_engines

    class StepEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            headings = _headings(nb_man.nb)
            start = nb_man.cell_start
            last = [""]

            def cell_start(cell, cell_index=None, **kw):
                h = headings[cell_index] if cell_index is not None and cell_index < len(headings) else ""
                if show and h and h != last[0]:
                    print(f"    [{label}] {h}", file=sys.stderr, flush=True)
                    last[0] = h
                return start(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("imagenet_repro_steps", StepEngine)
    return "imagenet_repro_steps"


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def execute(book: Path, out_dir: Path, parameters: dict[str, Any], progress: bool = True,
            cwd: Path = PROJECT_ROOT) -> Path:
    """Run one notebook; rename the executed copy into place only if it succeeded."""
    import logging

    import papermill as pm

    from .results import mark_notebook

    # papermill re-reads the parameters cell with a regex that knows no `int | None` and warns about
    # every such line; the runner has already typed and checked every parameter (notebook.py)
    logging.getLogger("papermill").setLevel(logging.ERROR)

    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / book.name
    partial = out_dir / f".{book.stem}.partial.ipynb"
    failed = out_dir / f"{book.stem}.failed.ipynb"
    interrupted = out_dir / f"{book.stem}.interrupted.ipynb"
    for stale in (failed, interrupted):
        stale.unlink(missing_ok=True)
    results_dir = Path(parameters["results_dir"])
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(str(book), str(partial), parameters=parameters, cwd=str(cwd),
                            progress_bar=False, kernel_name="python3", log_output=False,
                            stderr_file=sys.stderr if progress else None,
                            engine_name=_step_engine(book.stem, progress),
                            kernel_manager_class=_ipc_kernel_manager())
    except KeyboardInterrupt as exc:
        _quiet_teardown()
        _set_aside(partial, interrupted, final)
        mark_notebook(results_dir, book.stem, "interrupted")
        raise NotebookInterrupted(book.stem, str(exc) or "SIGINT", time.perf_counter() - t0) from None
    except Exception as exc:  # papermill wraps the cell's error
        _set_aside(partial, failed, final)
        mark_notebook(results_dir, book.stem, "failed")
        cell, error = _failing_cell(exc, failed)
        raise NotebookFailed(book.stem, cell, error) from None
    os.replace(partial, final)
    return final


def _quiet_teardown() -> None:
    """After an interrupt the kernel is shut down under a cell still waiting for its reply;
    nbclient then logs "Kernel died" and asyncio a never-retrieved DeadKernelError, possibly after
    our one line. Both are the interrupt itself, so they are silenced and collected now."""
    import gc
    import logging

    for name in ("papermill", "traitlets", "asyncio", "nbclient"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    gc.collect()


def _set_aside(partial: Path, target: Path, final: Path) -> None:
    """The partial copy becomes ``target``; an earlier successful copy is removed, since its
    tables may now be partly overwritten (the manifest says the notebook did not finish)."""
    if partial.exists():
        os.replace(partial, target)
    final.unlink(missing_ok=True)


def estimate_seconds(books: list[Path], scale: str, results_dir: Path) -> dict[str, float]:
    """Expected seconds per notebook: this machine's last run at this scale (manifest), else the
    reference timings of the 2-core development machine."""
    from .results import read_manifest

    try:
        entries = read_manifest(results_dir / "manifest.json").get("notebooks", {})
    except UserError:
        entries = {}
    ref = REFERENCE_SECONDS.get(scale, {})
    out = {}
    for b in books:
        e = entries.get(b.stem, {})
        if e.get("status", "complete") == "complete" and e.get("parameters", {}).get("scale") == scale \
                and e.get("seconds"):
            out[b.stem] = float(e["seconds"])
        elif b.stem[:2] in ref:
            out[b.stem] = float(ref[b.stem[:2]])
    return out


def _fmt_seconds(s: float) -> str:
    return f"{s:.0f} s" if s < 90 else f"{s / 60:.1f} min"


def run(scale: str = "default", only: str | None = None, extra: dict[str, Any] | None = None,
        seed: int = DEFAULT_SEED, results_dir: Path = RESULTS_DIR, progress: bool = True,
        notebooks_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    get_scale(scale)
    extra = dict(extra or {})
    for name in RUNNER_PARAMETERS:
        if name in extra:
            raise UserError(f"set {name} with --{name.replace('_', '-')}, not -p")
    books = select_notebooks(only, notebooks_dir)
    per_book = check_parameters(books, extra)
    results_dir = check_results_dir(_user_path(results_dir))
    from .inputs import validate_inputs

    validate_inputs(books, per_book, results_dir)  # the user's files, before any notebook runs
    expected = estimate_seconds(books, scale, results_dir)
    done = []
    previous = {s: signal.signal(s, _raise_interrupt) for s in (signal.SIGTERM,)}
    try:
        for k, book in enumerate(books):
            params = {"scale": scale, "seed": seed, "results_dir": str(results_dir), **per_book[book]}
            left = sum(expected.get(b.stem, 0.0) for b in books[k:])
            eta = f"; about {_fmt_seconds(left)} left" if left else ""
            print(f"==> {book.stem} (scale={scale}, seed={seed}"
                  + "".join(f", {k2}={v!r}" for k2, v in per_book[book].items()) + f"){eta}", flush=True)
            t0 = time.perf_counter()
            done.append(execute(book, results_dir / "notebooks", params, progress=progress))
            seconds = time.perf_counter() - t0
            from .results import record_seconds, skipped_tables

            record_seconds(results_dir, book.stem, seconds)
            print(f"    {book.stem} done in {seconds:.1f} s", flush=True)
            for rel, n in skipped_tables(results_dir, book.stem):
                print(f"    {book.stem} skipped {n} item(s) of your input, each with its reason: "
                      f"{results_dir / rel}", flush=True)
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
    return done


def _user_path(path: Path | str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else (caller_cwd() / p).resolve()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="run_all.sh", description=(
        "Regenerate the artifact's figures, tables and report by executing the notebooks "
        "in numeric order with papermill."))
    ap.add_argument("--scale", default="default", help=f"one of {', '.join(SCALES)} (default: default)")
    ap.add_argument("--only", default=None, help="comma list of notebooks to run, e.g. 00,99")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    ap.add_argument("--results-dir", type=Path, default=None,
                    help="where outputs go (default results/ of the checkout; relative paths are yours)")
    ap.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                    help="pass a notebook parameter through (repeatable), e.g. -p accept 0.95")
    ap.add_argument("--scheduler", default=None,
                    help=f"dask.distributed scheduler for the pixel stages, tcp://HOST:PORT (or ${SCHEDULER_ENV})")
    ap.add_argument("--workers", type=int, default=None,
                    help=f"local worker processes for the pixel stages (default: all cores; or ${WORKERS_ENV})")
    ap.add_argument("--notebooks-dir", type=Path, default=NOTEBOOK_DIR, help=argparse.SUPPRESS)
    ap.add_argument("--list", action="store_true", help="list the notebooks and their parameters")
    ap.add_argument("--no-progress", action="store_true", help="no progress lines or bars")
    args = ap.parse_args(argv)
    results_dir = args.results_dir if args.results_dir is not None else RESULTS_DIR
    try:
        if args.list:
            for b in list_notebooks(args.notebooks_dir):
                print(f"{b.stem}:")
                for s in parameter_specs(b):
                    print(f"    {s.name}: {s.type} = {s.default!r}" + (f"  # {s.help}" if s.help else ""))
            return 0
        if args.workers is not None:
            if args.workers < 1:
                raise UserError(f"--workers must be at least 1, got {args.workers}")
            os.environ[WORKERS_ENV] = str(args.workers)
        if args.scheduler:
            from .parallel import check_scheduler

            os.environ[SCHEDULER_ENV] = check_scheduler(args.scheduler)
        extra = {name: value for name, value in args.param}
        t0 = time.perf_counter()
        run(args.scale, args.only, extra, args.seed, results_dir, progress=not args.no_progress,
            notebooks_dir=args.notebooks_dir)
        print(f"all done in {time.perf_counter() - t0:.1f} s; report: "
              f"{_user_path(results_dir) / 'REPORT.md'}", flush=True)
        return 0
    except NotebookFailed as exc:
        print(f"error: {exc}\n  executed copy: "
              f"{_user_path(results_dir) / 'notebooks' / (exc.notebook + '.failed.ipynb')}", file=sys.stderr)
        return 1
    except NotebookInterrupted as exc:
        print(f"{exc}; its partial copy: "
              f"{_user_path(results_dir) / 'notebooks' / (exc.notebook + '.interrupted.ipynb')}; "
              f"rerun it with --only {exc.notebook[:2]}", file=sys.stderr)
        return 143 if exc.signal_name == "SIGTERM" else 130
    except KeyboardInterrupt:
        print("interrupted before any notebook ran", file=sys.stderr)
        return 130
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
