import json
import os

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from imagenet_repro import results as R
from imagenet_repro.errors import UserError
from imagenet_repro.report import build_report


def test_judge_directions_and_tolerances():
    c = lambda **kw: R.Claim(id="x", description="d", section="s", **kw)  # noqa: E731
    assert c(paper=5247, reproduced=5247, direction="==").verdict == R.REPRODUCED
    assert c(paper=5247, reproduced=5246, direction="==").verdict == R.NOT_REPRODUCED
    assert c(paper=600, reproduced=612.5, direction=">=").verdict == R.REPRODUCED
    assert c(paper=600, reproduced=599.9, direction=">=").verdict == R.NOT_REPRODUCED
    assert c(paper=0.10, reproduced=0.13, direction="approx", tolerance=0.05).verdict == R.REPRODUCED
    assert c(paper=0.10, reproduced=0.16, direction="approx", tolerance=0.05).verdict == R.NOT_REPRODUCED
    assert c(paper=100, reproduced=109, direction="approx").verdict == R.REPRODUCED  # default 10%
    assert c(paper=100, reproduced=111, direction="approx").verdict == R.NOT_REPRODUCED
    assert c(paper=1000, reproduced=1190, direction="approx", rel_tolerance=0.2).verdict == R.REPRODUCED
    assert c(paper="Y", reproduced="Y", direction="quoted").verdict == R.QUOTED
    assert c(paper=0.85, reproduced=0.81, tolerance=0.1, fitted=True).verdict == R.FITTED_AGREES
    assert c(paper=0.07, reproduced=0.17, tolerance=0.05, fitted=True).verdict == R.FITTED_MISSES
    assert c(paper=None, reproduced=0.06, direction="info", fitted=True).verdict == R.INFO
    assert c(paper="Y", reproduced="y", direction="==").verdict == R.REPRODUCED
    assert c(paper=0.8, reproduced=float("nan"), direction=">=").verdict == R.TOO_FEW  # nothing measured
    assert c(paper=0.0, reproduced=float("nan"), direction="approx").verdict == R.TOO_FEW
    with pytest.raises(UserError, match="mode"):
        c(paper=1, reproduced=1, mode="guessed")


def test_atomic_write_leaves_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    R.atomic_write_text(target, "old,complete\n")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(R.os, "replace", boom)
    with pytest.raises(OSError):
        R.atomic_write_text(target, "new,half")
    assert target.read_text() == "old,complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]  # no temporary file left over


def test_writer_claims_tables_figures_and_manifest(tmp_path):
    out = R.ResultWriter("00_test", parameters={"scale": "ci", "seed": 7}, results_dir=tmp_path)
    src = tmp_path / "input.csv"
    src.write_text("a\n1\n")
    out.input(src)
    df = pd.DataFrame({"x": [1, 2], "y": [0.1234567891, 2.0]})
    p1 = out.table(df, "t")
    first = p1.read_bytes()
    out.table(df, "t")
    assert p1.read_bytes() == first == b",x,y\n0,1,0.123457\n1,2,2\n"
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    png = out.figure(fig, "fig_test")
    png_bytes = png.read_bytes()
    out.figure(fig, "fig_test")
    assert png.read_bytes() == png_bytes and (tmp_path / "figures" / "fig_test.pdf").is_file()
    out.claim("a.b", "a claim", "Fig 2", paper=10, reproduced=9.5, mode="simulated", tolerance=1)
    out.claim("a.b", "a claim", "Fig 2", paper=10, reproduced=12, mode="simulated", tolerance=1)
    out.finish()
    claims = json.loads((tmp_path / "claims" / "00_test.json").read_text())
    assert len(claims) == 1 and claims[0]["verdict"] == "not reproduced" and claims[0]["reproduced"] == 12
    m = json.loads((tmp_path / "manifest.json").read_text())
    entry = m["notebooks"]["00_test"]
    assert entry["parameters"] == {"scale": "ci", "seed": 7} and entry["seed"] == 7
    assert entry["outputs"]["tables/t.csv"] == R.sha256(p1)
    assert len(next(iter(entry["inputs"].values()))) == 64
    assert m["packages"]["numpy"] != "not installed"


def test_report_lists_claims_with_mode_and_verdict(tmp_path):
    out = R.ResultWriter("01_x", parameters={}, results_dir=tmp_path)
    out.claim("sim.one", "simulated thing", "Sec 3.1", paper=0.1, reproduced=0.11, mode="simulated",
              tolerance=0.05)
    out.claim("real.one", "real thing", "Fig 2", paper=5247, reproduced=5247, mode="real", direction="==")
    out.finish()
    md, html = build_report(tmp_path)
    text = md.read_text()
    assert "**SIMULATED**" in text and "✅ reproduced" in text and "5,247" in text
    assert "real thing" in html.read_text()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_claim_file_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    out = R.ResultWriter("00_test", parameters={}, results_dir=tmp_path)
    out.claim("a", "first", "Fig 2", paper=1, reproduced=1, mode="real", direction="==")
    path = tmp_path / "claims" / "00_test.json"
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError("killed mid-write")

    monkeypatch.setattr(R.os, "replace", boom)
    with pytest.raises(OSError):
        out.claim("b", "second", "Fig 2", paper=2, reproduced=2, mode="real", direction="==")
    assert path.read_bytes() == before
    assert [c["id"] for c in json.loads(before)] == ["a"]
    assert sorted(p.name for p in path.parent.iterdir()) == ["00_test.json"]


def test_manifest_provenance_resources_and_corrupt_manifest(tmp_path):
    out = R.ResultWriter("01_test", parameters={"scale": "ci"}, results_dir=tmp_path, seed=7)
    out.resource("translations.nl", False, "FreeDict missing; Dutch queries are missing")
    out.resource("translations.es", True, "MultiWordNet")
    out.finish()
    m = json.loads((tmp_path / "manifest.json").read_text())
    assert m["hash_algorithm"] == "sha256"
    assert {"wordfreq", "numpy", "crowd-kit", "tomotopy"} <= set(m["packages"])  # from pyproject.toml
    assert set(m["debian_packages"]) == {"wordnet-base", "wordnet-sense-index", "dict-freedict-eng-nld",
                                         "dict-freedict-nld-eng"}
    assert m["notebooks"]["01_test"]["resources"]["translations.nl"]["available"] is False
    build_report(tmp_path)
    md = (tmp_path / "REPORT.md").read_text()
    assert "Optional resources missing" in md and "`translations.nl` (01_test): FreeDict missing" in md
    assert "translations.es" not in md
    (tmp_path / "manifest.json").write_text('{"notebooks": {"00": ')  # a run killed while writing it by hand
    with pytest.raises(UserError, match="manifest.json is corrupt"):
        R.ResultWriter("02_test", results_dir=tmp_path).finish()
    assert (tmp_path / "manifest.json").read_text() == '{"notebooks": {"00": '  # not replaced


def test_runtime_requirements_come_from_the_package():
    names = R.runtime_requirements()
    assert "wordfreq" in names and "opencv-contrib-python-headless" in names
    assert "pytest" not in names and "jupyterlab" not in names  # extras are not runtime
