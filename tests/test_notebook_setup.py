"""notebook.setup: one call reads the parameters cell, fills None from the scale, records all."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from nbtools import write_notebook  # noqa: E402

from imagenet_repro.errors import UserError  # noqa: E402
from imagenet_repro.notebook import parameter_names, resolve_path, setup  # noqa: E402


def test_setup_records_every_parameter_and_fills_from_the_scale(tmp_path):
    nbdir = tmp_path / "nb"
    nbdir.mkdir()
    write_notebook(nbdir / "07_x.ipynb", [("params", 'from pathlib import Path\nscale: str = "default"\nseed: int = 2009\n'
                                                    'results_dir: Path = "results"\nsize_sample: int | None = None\n'
                                                    'threshold: float = 0.5\nlabel: str | None = None')])
    assert parameter_names(nbdir / "07_x.ipynb") == ["scale", "seed", "results_dir", "size_sample", "threshold", "label"]
    ns = {"scale": "ci", "seed": 3, "results_dir": str(tmp_path / "res"), "size_sample": None,
          "threshold": 0.75, "label": None, "unrelated": 1}
    nb = setup("07_x", ns, notebook_dir=nbdir)
    assert ns["size_sample"] == 40 and nb.from_scale == ("size_sample",)  # the ci preset's value
    assert ns["label"] is None  # not a Scale field: stays None
    assert nb.parameters == {"scale": "ci", "seed": 3, "results_dir": str(tmp_path / "res"), "size_sample": 40,
                             "threshold": 0.75, "label": None}
    nb.out.finish()
    entry = json.loads((tmp_path / "res" / "manifest.json").read_text())["notebooks"]["07_x"]
    assert entry["parameters"]["size_sample"] == 40 and entry["parameters_from_scale"] == ["size_sample"]
    assert entry["seed"] == 3


def test_setup_errors_and_paths(tmp_path):
    nbdir = tmp_path / "nb"
    nbdir.mkdir()
    write_notebook(nbdir / "01_y.ipynb", [("params", 'scale: str = "ci"\nseed: int = 1')])
    with pytest.raises(UserError, match="lacks results_dir"):
        setup("01_y", {"scale": "ci", "seed": 1}, notebook_dir=nbdir)
    write_notebook(nbdir / "02_z.ipynb", [("code", "x = 1")])
    with pytest.raises(UserError, match="no cell tagged 'parameters'"):
        parameter_names(nbdir / "02_z.ipynb")
    assert resolve_path("/abs/x.csv") == Path("/abs/x.csv")
    assert resolve_path("data/x.csv").is_absolute()
