"""Execute the notebook sequence with papermill: ``python -m imagenet_repro.run``.

``run_all.sh`` calls this after setting up the environment. Each notebook is executed into
a temporary file and renamed into ``results/notebooks/`` only when it succeeds; a failing
notebook is kept as ``<name>.failed.ipynb`` and the run stops with the notebook's name, the
failing cell and the error. What earlier notebooks wrote stays as it was.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .config import DEFAULT_SEED, PROJECT_ROOT, RESULTS_DIR, SCALES, get_scale
from .errors import UserError

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
# Parameters every notebook has; the runner sets them.
RUNNER_PARAMETERS = ("scale", "seed", "results_dir")


@dataclass(frozen=True)
class NotebookFailed(Exception):
    notebook: str
    cell: str
    error: str

    def __str__(self) -> str:
        return f"notebook {self.notebook} failed in {self.cell}: {self.error}"


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


def parse_value(text: str) -> object:
    """A parameter value as Python would read it ('3' -> 3, 'True' -> True), else the string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def notebook_parameters(path: Path) -> dict[str, object]:
    import papermill as pm

    return dict(pm.inspect_notebook(str(path)))


def check_parameters(books: list[Path], extra: dict[str, object]) -> dict[Path, dict[str, object]]:
    """Each notebook's share of the extra parameters; unknown names are an error."""
    per_book: dict[Path, dict[str, object]] = {}
    declared: dict[Path, dict[str, object]] = {b: notebook_parameters(b) for b in books}
    for b, params in declared.items():
        if not params:
            raise UserError(f"{b.name} has no cell tagged 'parameters'")
        missing = [p for p in RUNNER_PARAMETERS if p not in params]
        if missing:
            raise UserError(f"{b.name} lacks the parameter(s) {', '.join(missing)}")
    for name in extra:
        if not any(name in params for params in declared.values()):
            listing = "; ".join(f"{b.stem}: {', '.join(p)}" for b, p in declared.items())
            raise UserError(f"no selected notebook has a parameter {name!r} (parameters: {listing})")
    for b, params in declared.items():
        per_book[b] = {k: v for k, v in extra.items() if k in params}
    return per_book


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
    """A kernel manager on local IPC sockets: nothing listens on TCP, and no plain-text warning."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"

    return IPCKernelManager


def execute(book: Path, out_dir: Path, parameters: dict[str, object], progress: bool = True,
            cwd: Path = PROJECT_ROOT) -> Path:
    """Run one notebook; rename the executed copy into place only if it succeeded."""
    import papermill as pm

    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / book.name
    partial = out_dir / f".{book.stem}.partial.ipynb"
    failed = out_dir / f"{book.stem}.failed.ipynb"
    failed.unlink(missing_ok=True)
    try:
        pm.execute_notebook(str(book), str(partial), parameters=parameters, cwd=str(cwd),
                            progress_bar=progress, kernel_name="python3", log_output=False,
                            kernel_manager_class=_ipc_kernel_manager())
    except Exception as exc:  # papermill wraps the cell's error
        if partial.exists():
            os.replace(partial, failed)
        cell, error = _failing_cell(exc, failed)
        raise NotebookFailed(book.stem, cell, error) from None
    os.replace(partial, final)
    return final


def run(scale: str = "default", only: str | None = None, extra: dict[str, object] | None = None,
        seed: int = DEFAULT_SEED, results_dir: Path = RESULTS_DIR, progress: bool = True,
        notebooks_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    get_scale(scale)
    extra = dict(extra or {})
    for name in RUNNER_PARAMETERS:
        if name in extra:
            raise UserError(f"set {name} with --{name.replace('_', '-')}, not -p")
    books = select_notebooks(only, notebooks_dir)
    per_book = check_parameters(books, extra)
    results_dir = Path(results_dir).resolve()
    done = []
    for book in books:
        params = {"scale": scale, "seed": seed, "results_dir": str(results_dir), **per_book[book]}
        print(f"==> {book.stem} (scale={scale}, seed={seed}"
              + "".join(f", {k}={v!r}" for k, v in per_book[book].items()) + ")", flush=True)
        t0 = time.perf_counter()
        done.append(execute(book, results_dir / "notebooks", params, progress=progress))
        print(f"    {book.stem} done in {time.perf_counter() - t0:.1f} s", flush=True)
    return done


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="run_all.sh", description=(
        "Regenerate the artifact's figures, tables and report by executing the notebooks "
        "in numeric order with papermill."))
    ap.add_argument("--scale", default="default", help=f"one of {', '.join(SCALES)} (default: default)")
    ap.add_argument("--only", default=None, help="comma list of notebooks to run, e.g. 00,99")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    ap.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where outputs go (default results/)")
    ap.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                    help="pass a notebook parameter through (repeatable), e.g. -p threshold 0.9")
    ap.add_argument("--notebooks-dir", type=Path, default=NOTEBOOK_DIR, help=argparse.SUPPRESS)
    ap.add_argument("--list", action="store_true", help="list the notebooks and their parameters")
    ap.add_argument("--no-progress", action="store_true", help="no per-cell progress bars")
    args = ap.parse_args(argv)
    try:
        if args.list:
            for b in list_notebooks(args.notebooks_dir):
                print(f"{b.stem}: " + ", ".join(f"{k}={v['default']}" for k, v in notebook_parameters(b).items()))
            return 0
        extra = {name: parse_value(value) for name, value in args.param}
        t0 = time.perf_counter()
        run(args.scale, args.only, extra, args.seed, args.results_dir, progress=not args.no_progress,
            notebooks_dir=args.notebooks_dir)
        print(f"all done in {time.perf_counter() - t0:.1f} s; report: "
              f"{Path(args.results_dir) / 'REPORT.md'}", flush=True)
        return 0
    except NotebookFailed as exc:
        print(f"error: {exc}\n  executed copy: {Path(args.results_dir) / 'notebooks' / (exc.notebook + '.failed.ipynb')}",
              file=sys.stderr)
        return 1
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
