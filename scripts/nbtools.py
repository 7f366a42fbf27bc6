"""Authoring notebooks from Python: a list of ("md"|"code"|"params", source) -> .ipynb.

Used to write the committed notebooks (without outputs); edit a notebook in JupyterLab or
here, whichever is easier. ``python scripts/nbtools.py --strip notebooks/*.ipynb`` removes
outputs and execution counts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def write_notebook(path: Path, cells: list[tuple[str, str]]) -> None:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, src in cells:
        src = src.strip("\n")
        if kind == "md":
            nb.cells.append(new_markdown_cell(src))
        else:
            cell = new_code_cell(src)
            if kind == "params":
                cell.metadata["tags"] = ["parameters"]
            nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"
    nbformat.write(nb, str(path))


def strip(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, str(path))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--strip"]:
        for p in sys.argv[2:]:
            strip(Path(p))
