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
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, MutableMapping

from .config import PROJECT_ROOT, Scale, get_scale
from .errors import UserError
from .inputs import VALIDATORS
from .results import ResultWriter

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
USER_INPUTS = (*VALIDATORS, "truth_csv")  # parameters naming the user's files and folders


# The annotations a parameter may carry (papermill reads types only from annotations).
PARAMETER_TYPES = ("bool", "int", "float", "str", "Path", "list[str]", "list[int]", "list[float]",
                   "int | None", "float | None", "str | None")
_TRUE, _FALSE = {"true", "yes", "y", "1", "on"}, {"false", "no", "n", "0", "off"}


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter of a notebook's ``parameters`` cell: ``name: type = default  # help``."""

    name: str
    type: str
    default: Any
    help: str = ""

    def parse(self, text: str, cwd: Path | None = None) -> Any:
        """The value of ``-p NAME TEXT`` as this parameter's type; a Path is made absolute
        against ``cwd`` (the user's working directory). One-line UserError when it does not fit."""
        try:
            return _parse(self.type, text, cwd)
        except ValueError as exc:
            raise UserError(f"-p {self.name} {text!r}: expected {_describe(self.type)}{f' ({exc})' if str(exc) else ''}") from None


def _describe(kind: str) -> str:
    return {"bool": "true or false (also yes/no/1/0)", "int": "an integer", "float": "a number",
            "str": "text", "Path": "a path", "list[str]": "a comma-separated list",
            "list[int]": "a comma-separated list of integers", "list[float]": "a comma-separated list of numbers",
            }.get(kind, f"{_describe(kind.split(' | ')[0])} or none" if " | None" in kind else kind)


def _parse(kind: str, text: str, cwd: Path | None) -> Any:
    import math

    if not isinstance(text, str):
        text = str(text)
    s = text.strip()
    if kind.endswith(" | None"):
        return None if s.lower() in ("none", "null", "") else _parse(kind[:-7], text, cwd)
    if kind == "bool":
        if s.lower() in _TRUE:
            return True
        if s.lower() in _FALSE:
            return False
        raise ValueError("")
    if kind == "int":
        if not re.fullmatch(r"[+-]?\d+", s.replace("_", "")):
            raise ValueError("")
        return int(s)
    if kind == "float":
        try:
            v = float(s)
        except ValueError:
            raise ValueError("") from None
        if not math.isfinite(v):
            raise ValueError("not a finite number")
        return v
    if kind == "str":
        return text
    if kind == "Path":
        if s == "":
            return ""
        p = Path(s).expanduser()
        return str(p if p.is_absolute() or cwd is None else (Path(cwd) / p).resolve())
    if kind.startswith("list["):
        inner = kind[5:-1]
        if s.startswith("["):
            try:
                items = ast.literal_eval(s)
            except (ValueError, SyntaxError):
                raise ValueError("not a Python list") from None
            if not isinstance(items, list):
                raise ValueError("not a list")
            items = [str(x) for x in items]
        else:
            items = [x.strip() for x in s.split(",") if x.strip()]
        return [_parse(inner, x, cwd) for x in items]
    raise ValueError(f"unsupported parameter type {kind!r}")


def _conforms(kind: str, value: Any) -> bool:
    if kind.endswith(" | None"):
        return value is None or _conforms(kind[:-7], value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in ("str", "Path"):
        return isinstance(value, str)
    if kind.startswith("list["):
        return isinstance(value, list) and all(_conforms(kind[5:-1], v) for v in value)
    return False


def parameter_specs(notebook: Path) -> list[ParameterSpec]:
    """The parameters of a notebook's cell tagged ``parameters``, in order, with their types.

    Every parameter must be annotated with one of PARAMETER_TYPES and have a literal default
    of that type: the runner types ``-p`` values by them.
    """
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"cannot read notebook {notebook}: {exc}") from None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines = source.splitlines()
            specs = []
            for node in ast.parse(source).body:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    continue
                if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
                    raise UserError(f"{Path(notebook).name}: parameter {node.targets[0].id} has no type "
                                    f"annotation (write `{node.targets[0].id}: TYPE = ...`, TYPE one of "
                                    f"{', '.join(PARAMETER_TYPES)})")
                if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
                    raise UserError(f"{Path(notebook).name}: the parameters cell holds only annotated "
                                    f"assignments (line {node.lineno})")
                name, kind = node.target.id, ast.unparse(node.annotation)
                if kind not in PARAMETER_TYPES:
                    raise UserError(f"{Path(notebook).name}: parameter {name} has the unsupported type "
                                    f"{kind!r} (use one of {', '.join(PARAMETER_TYPES)})")
                try:
                    default = ast.literal_eval(node.value)
                except (ValueError, SyntaxError):
                    raise UserError(f"{Path(notebook).name}: parameter {name} needs a literal default") from None
                if not _conforms(kind, default):
                    raise UserError(f"{Path(notebook).name}: parameter {name}'s default {default!r} is not {kind}")
                comment = lines[node.end_lineno - 1].split("#", 1)
                specs.append(ParameterSpec(name, kind, default, comment[1].strip() if len(comment) > 1 else ""))
            return specs
    raise UserError(f"{notebook} has no cell tagged 'parameters'")


def parameter_names(notebook: Path) -> list[str]:
    """The names assigned in a notebook's cell tagged ``parameters``, in order."""
    return [s.name for s in parameter_specs(notebook)]


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
    for n in USER_INPUTS:  # the user's files and folders: their hashes go into the manifest
        if params.get(n):
            out.input(resolve_path(params[n]))
    return Notebook(name, scale, int(params["seed"]), results_dir, params, out, tuple(filled))
