"""The layout keeps its shape: layering from ARCHITECTURE.md, no cycle, clean notebooks, paper
values only in paper.py, every Scale field read, nothing pointing outside the repository.

Each check is a function over a folder, run on the real repository and on a planted case that
it must catch.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import fields
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "imagenet_repro"


# ---------------------------------------------------------------- the checks

def layer_ranks(architecture: Path = ROOT / "ARCHITECTURE.md") -> dict[str, int]:
    """unit -> rank, from the table between the layers markers of ARCHITECTURE.md."""
    text = architecture.read_text()
    block = text.split("<!-- layers", 1)[1].split("<!-- /layers -->", 1)[0]
    ranks = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].isdigit():
            ranks[cells[1]] = int(cells[0])
    return ranks


def module_imports(package_dir: Path) -> dict[str, set[str]]:
    """Each module of the package -> the package modules it imports (all imports, lazy too)."""
    pkg = package_dir.name
    out: dict[str, set[str]] = {}
    for f in sorted(package_dir.rglob("*.py")):
        rel = f.relative_to(package_dir.parent).with_suffix("")
        is_init = rel.name == "__init__"
        name = ".".join(rel.parts[:-1] if is_init else rel.parts)
        here = name.split(".") if is_init else name.split(".")[:-1]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] == pkg:
                    deps.add(target)
                    deps |= {f"{target}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.split(".")[0] == pkg}
        out[name] = deps
    return out


def _unit(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def layering_violations(package_dir: Path, ranks: dict[str, int]) -> list[str]:
    """"a -> b" for every import of a unit of higher rank than the importer's own (units of one
    rank, the machinery, may use each other; cycles are checked apart)."""
    mods = module_imports(package_dir)
    units = {_unit(m) for m in mods}
    bad = []
    for m, deps in mods.items():
        u = _unit(m)
        if u is None:
            continue
        if u not in ranks:
            bad.append(f"{m}: unit {u!r} has no row in the layer table")
            continue
        for d in sorted(deps):
            v = _unit(d)
            if v is None or v == u or v not in units:  # not a module (e.g. __version__)
                continue
            if v not in ranks:
                bad.append(f"{m} -> {d}: unit {v!r} has no row in the layer table")
            elif ranks[v] > ranks[u]:
                bad.append(f"{m} -> {d}: rank {ranks[u]} may not import rank {ranks[v]}")
    return bad


def import_cycles(package_dir: Path) -> list[list[str]]:
    """Cycles among modules (package __init__ re-exports left out)."""
    mods = module_imports(package_dir)
    inits = {m for m in mods if (package_dir.parent / m.replace(".", "/") / "__init__.py").exists()}
    graph = {m: {d for d in ds if d in mods and d != m and d not in inits} for m, ds in mods.items()
             if m not in inits}
    cycles, color = [], {}

    def visit(u: str, stack: list[str]) -> None:
        color[u] = 1
        stack.append(u)
        for v in sorted(graph.get(u, ())):
            if color.get(v) == 1:
                cycles.append(stack[stack.index(v):] + [v])
            elif not color.get(v):
                visit(v, stack)
        color[u] = 2
        stack.pop()

    for m in sorted(graph):
        if not color.get(m):
            visit(m, [])
    return cycles


def code_cells(notebook: Path) -> list[dict]:
    nb = json.loads(notebook.read_text())
    return [c for c in nb["cells"] if c.get("cell_type") == "code"]


def notebooks_with_outputs(folder: Path) -> list[str]:
    return [p.name for p in sorted(folder.glob("*.ipynb"))
            if any(c.get("outputs") or c.get("execution_count") for c in code_cells(p))]


def _numbers(source: str) -> list[tuple[int, float]]:
    """(line, value) of every number literal (comments and strings are not numbers)."""
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.NUMBER:
                try:
                    out.append((tok.start[0], float(tok.string.replace("_", ""))))
                except ValueError:
                    pass
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def paper_values_outside(package_dir: Path, notebook_dir: Path, values: frozenset[float]) -> list[str]:
    """'file:line value' for every distinctive paper number written outside paper.py, in the
    package's code and the notebooks' code cells; and any '0.997'/'99.7' in package text."""
    hits = []
    for f in sorted(package_dir.rglob("*.py")):
        if f.name == "paper.py" and f.parent == package_dir:
            continue
        text = f.read_text()
        hits += [f"{f.name}:{line} {v:g}" for line, v in _numbers(text) if v in values]
        hits += [f"{f.name}:{i} text" for i, line in enumerate(text.splitlines(), 1)
                 if re.search(r"0\.997|99\.7", line)]
    for nb in sorted(notebook_dir.glob("*.ipynb")):
        for k, cell in enumerate(code_cells(nb)):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            hits += [f"{nb.name} code cell {k + 1}, line {line}: {v:g}" for line, v in _numbers(src) if v in values]
    return hits


def unread_scale_fields(package_dir: Path, notebook_dir: Path) -> list[str]:
    """Scale fields whose name appears nowhere outside config.py (package or notebook code)."""
    from imagenet_repro.config import Scale

    text = "".join(f.read_text() for f in package_dir.rglob("*.py") if f.name != "config.py")
    for nb in notebook_dir.glob("*.ipynb"):
        text += "".join("".join(c["source"]) for c in code_cells(nb))
    return [f.name for f in fields(Scale) if not re.search(rf"\b{f.name}\b", text)]


OUTSIDE = re.compile(r"SPEC\.md|SPEC section|WORLD_CONTRACT|\.\./shared|shared folder")


def outside_references(root: Path) -> list[str]:
    """Files that send the reader to documents outside the repository."""
    hits = []
    for f in sorted(root.rglob("*")):
        if any(p in f.parts for p in (".git", ".venv", ".nltk_data", ".cache", "results", "__pycache__")):
            continue
        if f.is_file() and f.suffix in (".py", ".md", ".ipynb", ".sh", ".toml", ".yml", ".txt") \
                and f.name != "test_architecture.py":
            for i, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
                if OUTSIDE.search(line):
                    hits.append(f"{f.relative_to(root)}:{i}")
    return hits


# ---------------------------------------------------------------- the repository holds them

def test_layer_table_covers_the_package():
    ranks = layer_ranks()
    units = {p.stem if p.is_file() else p.name for p in PKG.iterdir()
             if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())}
    assert units <= set(ranks), units - set(ranks)
    assert ranks["world"] < ranks["collect"] < ranks["crowd"] < ranks["properties"] < ranks["recognition"] \
        < ranks["localization"]
    assert max(ranks[u] for u in ("errors", "config", "paper", "rng", "wordnet", "hierarchy")) < ranks["world"]


def test_imports_follow_the_layers():
    assert layering_violations(PKG, layer_ranks()) == []


def test_no_import_cycle():
    assert import_cycles(PKG) == []


def test_committed_notebooks_have_no_outputs():
    assert notebooks_with_outputs(ROOT / "notebooks") == []


def test_paper_values_only_in_paper_py():
    from imagenet_repro import paper

    assert paper_values_outside(PKG, ROOT / "notebooks", paper.distinctive_values()) == []


def test_every_scale_field_is_read():
    assert unread_scale_fields(PKG, ROOT / "notebooks") == []


def test_nothing_points_outside_the_repository():
    assert outside_references(ROOT) == []


def test_every_notebook_is_set_up_by_one_call():
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        first = "".join(code_cells(nb)[1]["source"])  # the cell after the parameters
        if nb.stem.startswith("99"):
            assert "resolve_path(results_dir)" in first, nb.name
        else:
            assert f'setup("{nb.stem}", globals())' in first, nb.name
            assert "ResultWriter(" not in first and "PROJECT_ROOT" not in first, nb.name


# ---------------------------------------------------------------- each check catches a planted case

def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    pkg = tmp_path / "imagenet_repro"
    for rel, src in files.items():
        f = pkg / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(src)
    return pkg


def test_planted_upward_import_is_caught(tmp_path):
    pkg = _package(tmp_path, {
        "__init__.py": "", "paper.py": "X = 1\n",
        "world/__init__.py": "", "world/model.py": "def f():\n    from ..collect.queries import q\n",
        "collect/__init__.py": "", "collect/queries.py": "from ..world import model\nq = 1\n",
        "crowd/__init__.py": "", "crowd/esp.py": "from ..properties import scale\n",
        "properties/__init__.py": "", "properties/scale.py": "import imagenet_repro.crowd.esp\n",
    })
    bad = layering_violations(pkg, layer_ranks())
    assert any(b.startswith("imagenet_repro.world.model -> imagenet_repro.collect.queries") for b in bad)
    assert any(b.startswith("imagenet_repro.crowd.esp -> imagenet_repro.properties") for b in bad)
    assert not any(b.startswith("imagenet_repro.collect.queries") for b in bad)  # downward: fine
    assert not any(b.startswith("imagenet_repro.properties.scale") for b in bad)


def test_planted_cycle_and_unknown_unit_are_caught(tmp_path):
    pkg = _package(tmp_path, {"__init__.py": "", "results.py": "from . import cache\n",
                              "cache.py": "from .results import x\n", "newthing.py": "from . import cache\n"})
    assert import_cycles(pkg) == [["imagenet_repro.cache", "imagenet_repro.results", "imagenet_repro.cache"]]
    assert layering_violations(pkg, layer_ranks()) == [
        "imagenet_repro.newthing: unit 'newthing' has no row in the layer table"]


def _notebook(path: Path, code: str, outputs: list | None = None) -> None:
    path.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": "# 0.997 in prose is fine"},
                                          {"cell_type": "code", "source": code, "outputs": outputs or [],
                                           "execution_count": 3 if outputs else None, "metadata": {}}],
                                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_planted_paper_value_and_outputs_are_caught(tmp_path):
    from imagenet_repro import paper

    pkg = _package(tmp_path, {"__init__.py": "", "paper.py": "FIG4 = 0.997\n",
                              "crowd/claims.py": "def f():\n    return 5_247  # synsets\n",
                              "crowd/note.py": '"""Precision 99.7% per synset."""\n'})
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs / "00_a.ipynb", "x = 1\ny = 0.997\n", outputs=[{"output_type": "stream", "text": "1"}])
    _notebook(nbs / "01_b.ipynb", "paper.FIG4_MEAN_PRECISION  # 0.997 in a comment\n")
    hits = paper_values_outside(pkg, nbs, paper.distinctive_values())
    assert hits == ["claims.py:2 5247", "note.py:1 text", "00_a.ipynb code cell 1, line 2: 0.997"]
    assert notebooks_with_outputs(nbs) == ["00_a.ipynb"]


def test_planted_outside_reference_is_caught(tmp_path):
    (tmp_path / "README.md").write_text("The design is in SPEC.md.\nAll here.\n")
    (tmp_path / "x.py").write_text('"""See ../shared/paper."""\n')
    assert outside_references(tmp_path) == ["README.md:1", "x.py:1"]


def test_planted_unread_scale_field_is_caught(tmp_path):
    pkg = _package(tmp_path, {"__init__.py": "", "config.py": "", "a.py": "S.name, S.subtrees\n"})
    (tmp_path / "notebooks").mkdir()
    unread = unread_scale_fields(pkg, tmp_path / "notebooks")
    assert "size_sample" in unread and "name" not in unread and "subtrees" not in unread


@pytest.mark.parametrize("value", [0.997, 5247, 3_200_000, 862_000])
def test_distinctive_values_hold_the_paper_headline_numbers(value):
    from imagenet_repro import paper

    assert float(value) in paper.distinctive_values()
