"""One call sets up a notebook: its parameters, its scale, its results folder and its ResultWriter.

Why: every notebook used to resolve paths and copy each parameter by hand into the manifest,
and could record a value it later changed. ``setup(name, globals())`` reads the parameter
names from the notebook's own ``parameters`` cell, takes their values from the kernel (after
papermill's injected cell), fills every parameter left at ``None`` that has a field of the same
name in ``config.Scale`` with the scale's value (in the namespace too, so the notebook uses
exactly what is recorded), and opens the ResultWriter with all of them.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, MutableMapping

from .config import PROJECT_ROOT, Scale, get_scale
from .errors import UserError
from .results import ResultWriter

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"


def parameter_names(notebook: Path) -> list[str]:
    """The names assigned in a notebook's cell tagged ``parameters``, in order."""
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"cannot read notebook {notebook}: {exc}") from None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            names = []
            for node in ast.parse(source).body:
                targets = node.targets if isinstance(node, ast.Assign) else \
                    [node.target] if isinstance(node, ast.AnnAssign) else []
                names += [t.id for t in targets if isinstance(t, ast.Name)]
            return names
    raise UserError(f"{notebook} has no cell tagged 'parameters'")


def resolve_path(path: str | Path, root: Path = PROJECT_ROOT) -> Path:
    """A notebook input path: absolute as given, relative ones against the project root (the
    runner hands over paths already made absolute against the user's working directory)."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else root / p


@dataclass
class Notebook:
    """What a notebook's first code cell gets back from ``setup``."""

    name: str
    scale: Scale
    seed: int
    results_dir: Path
    parameters: dict[str, Any]
    out: ResultWriter
    from_scale: tuple[str, ...]  # parameters that took the scale's value

    def path(self, path: str | Path) -> Path:
        return resolve_path(path)

    def input(self, path: str | Path) -> Path:
        """Resolve an input file and record its SHA-256 in the manifest."""
        return self.out.input(resolve_path(path))


def setup(name: str, namespace: MutableMapping[str, Any], notebook_dir: Path = NOTEBOOK_DIR) -> Notebook:
    """Set up notebook ``name`` from the kernel's ``namespace`` (pass ``globals()``)."""
    names = parameter_names(notebook_dir / f"{name}.ipynb")
    missing = [n for n in ("scale", "seed", "results_dir") if n not in names]
    if missing:
        raise UserError(f"{name}: the parameters cell lacks {', '.join(missing)}")
    absent = [n for n in names if n not in namespace]
    if absent:
        raise UserError(f"{name}: run the parameters cell first ({', '.join(absent)} not defined)")
    scale = get_scale(namespace["scale"])
    scale_fields = {f.name for f in fields(Scale)} - {"name"}  # the preset's name is `scale` itself
    filled = []
    for n in names:
        if namespace[n] is None and n in scale_fields:
            namespace[n] = getattr(scale, n)
            filled.append(n)
    params = {n: namespace[n] for n in names}
    results_dir = resolve_path(params["results_dir"])
    out = ResultWriter(name, parameters=params, results_dir=results_dir, seed=params["seed"])
    out.parameters_from_scale = tuple(filled)
    return Notebook(name, scale, int(params["seed"]), results_dir, params, out, tuple(filled))
