"""The runner: selection, parameter checks, and a failing notebook stopping the run."""

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from nbtools import write_notebook  # noqa: E402

from imagenet_repro.errors import UserError  # noqa: E402
from imagenet_repro.run import parse_value, run, select_notebooks  # noqa: E402

PARAMS = 'scale = "default"\nseed = 2009\nresults_dir = "results"\nthreshold = 0.5'


@pytest.fixture()
def books(tmp_path):
    d = tmp_path / "nb"
    d.mkdir()
    write_notebook(d / "00_ok.ipynb", [("params", PARAMS), ("code", """
from pathlib import Path
Path(results_dir, 'ok.txt').write_text(f'{scale} {threshold}')
""")])
    write_notebook(d / "01_bad.ipynb", [("params", PARAMS), ("code", "x = 1"),
                                       ("code", "raise ValueError('planted failure')")])
    return d


def test_select_and_unknown_notebook(books):
    assert [p.stem for p in select_notebooks("01,00", books)] == ["00_ok", "01_bad"]
    assert [p.stem for p in select_notebooks("00_ok", books)] == ["00_ok"]
    with pytest.raises(UserError, match="'42'"):
        select_notebooks("42", books)


def test_parse_value():
    assert parse_value("3") == 3 and parse_value("0.9") == 0.9 and parse_value("True") is True
    assert parse_value("mammal") == "mammal"


def test_parameters_pass_through_and_unknown_names(books, tmp_path):
    res = tmp_path / "res"
    res.mkdir()
    run("ci", "00", {"threshold": 0.75}, results_dir=res, progress=False, notebooks_dir=books)
    assert (res / "ok.txt").read_text() == "ci 0.75"
    assert (res / "notebooks" / "00_ok.ipynb").is_file()
    with pytest.raises(UserError, match="nosuch"):
        run("ci", "00", {"nosuch": 1}, results_dir=res, progress=False, notebooks_dir=books)
    with pytest.raises(UserError, match="unknown scale"):
        run("huge", "00", results_dir=res, progress=False, notebooks_dir=books)


def test_failing_notebook_exits_nonzero_and_keeps_earlier_results(books, tmp_path):
    res = tmp_path / "res"
    run_all = Path(__file__).resolve().parent.parent / "run_all.sh"
    proc = subprocess.run(["bash", str(run_all), "--scale", "ci", "--no-progress",
                           "--results-dir", str(res), "--notebooks-dir", str(books)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "01_bad" in proc.stderr and "planted failure" in proc.stderr and "cell 3 " in proc.stderr
    assert (res / "notebooks" / "00_ok.ipynb").is_file()  # the earlier notebook is intact
    assert (res / "notebooks" / "01_bad.failed.ipynb").is_file()
    assert not (res / "notebooks" / "01_bad.ipynb").exists()  # no failed run that looks whole
    assert (res / "ok.txt").read_text() == "ci 0.5"


def test_cli_bad_input_is_one_line(books):
    proc = subprocess.run([sys.executable, "-m", "imagenet_repro.run", "--scale", "bogus",
                           "--notebooks-dir", str(books)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "unknown scale 'bogus'" in proc.stderr
