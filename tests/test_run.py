"""The runner as a user meets it: selection, typed parameters, the user's paths, a failing and
an interrupted notebook, an unwritable results folder, file permissions, a clean terminal."""

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from nbtools import write_notebook  # noqa: E402

from imagenet_repro.errors import UserError  # noqa: E402
from imagenet_repro.notebook import ParameterSpec, parameter_specs  # noqa: E402
from imagenet_repro.run import check_parameters, run, select_notebooks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RUN_ALL = ROOT / "run_all.sh"
PARAMS = '''from pathlib import Path
scale: str = "default"
seed: int = 2009
results_dir: Path = "results"
threshold: float = 0.5   # a number
skip_bad: bool = False
names: list[str] = ["a", "b"]
limit: int | None = None
data: Path = ""'''


@pytest.fixture()
def books(tmp_path):
    d = tmp_path / "nb"
    d.mkdir()
    write_notebook(d / "00_ok.ipynb", [("params", PARAMS), ("code", """
Path(results_dir, 'ok.txt').write_text(f'{scale} {threshold!r} {skip_bad!r} {names!r} {limit!r} {data!r}')
""")])
    write_notebook(d / "01_bad.ipynb", [("params", PARAMS), ("code", "x = 1"),
                                       ("code", "raise ValueError('planted failure')")])
    return d


def _run_all(*args, cwd=None, timeout=300, **kw):
    return subprocess.run(["bash", str(RUN_ALL), "--scale", "ci", "--no-progress", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=timeout, **kw)


def _errors(proc) -> list[str]:
    """stderr without the set-up lines of run_all.sh."""
    return [line for line in proc.stderr.splitlines() if not line.startswith(("[setup]", "WordNet 3.0 ready"))]


def test_select_and_unknown_notebook(books):
    assert [p.stem for p in select_notebooks("01,00", books)] == ["00_ok", "01_bad"]
    assert [p.stem for p in select_notebooks("00_ok", books)] == ["00_ok"]
    with pytest.raises(UserError, match="'42'"):
        select_notebooks("42", books)


def test_parameters_are_typed_by_their_annotation(books, tmp_path):
    specs = {s.name: s for s in parameter_specs(books / "00_ok.ipynb")}
    assert specs["threshold"] == ParameterSpec("threshold", "float", 0.5, "a number")
    b = specs["skip_bad"]
    assert [b.parse(v) for v in ("false", "False", "NO", "0", "off", "true", "Yes", "1")] == [False] * 5 + [True] * 3
    assert specs["names"].parse("x, y") == ["x", "y"] and specs["names"].parse('["p", "q"]') == ["p", "q"]
    assert specs["limit"].parse("none") is None and specs["limit"].parse("7") == 7
    assert specs["data"].parse("in/v.csv", cwd=tmp_path) == str(tmp_path / "in" / "v.csv")
    for name, bad, expected in (("threshold", "abc", "a number"), ("skip_bad", "maybe", "true or false"),
                                ("limit", "1.5", "an integer or none"), ("threshold", "nan", "a number")):
        with pytest.raises(UserError) as e:
            specs[name].parse(bad)
        assert str(e.value).startswith(f"-p {name} {bad!r}: expected {expected}")
    typed = check_parameters(select_notebooks(None, books), {"skip_bad": "false", "names": "a"}, cwd=tmp_path)
    assert all(v == {"skip_bad": False, "names": ["a"]} for v in typed.values())


def test_unannotated_parameter_is_refused(tmp_path):
    write_notebook(tmp_path / "00_x.ipynb", [("params", 'scale = "ci"\nseed: int = 1')])
    with pytest.raises(UserError, match="parameter scale has no type annotation"):
        parameter_specs(tmp_path / "00_x.ipynb")


def test_every_committed_notebook_types_its_parameters():
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        specs = parameter_specs(nb)  # raises when a parameter lacks an annotation
        assert [s.name for s in specs][:3] == ["scale", "seed", "results_dir"], nb.name


def test_parameters_pass_through_and_unknown_names(books, tmp_path):
    res = tmp_path / "res"
    run("ci", "00", {"threshold": "0.75", "skip_bad": "false", "limit": "3"}, results_dir=res, progress=False,
        notebooks_dir=books)
    assert (res / "ok.txt").read_text() == "ci 0.75 False ['a', 'b'] 3 ''"
    assert (res / "notebooks" / "00_ok.ipynb").is_file()
    with pytest.raises(UserError, match="nosuch"):
        run("ci", "00", {"nosuch": 1}, results_dir=res, progress=False, notebooks_dir=books)
    with pytest.raises(UserError, match="unknown scale"):
        run("huge", "00", results_dir=res, progress=False, notebooks_dir=books)


def test_wrong_value_is_one_line_before_anything_runs(books, tmp_path):
    t0 = time.perf_counter()
    proc = _run_all("--notebooks-dir", str(books), "--results-dir", str(tmp_path / "r"), "-p", "threshold", "abc")
    assert proc.returncode == 2 and time.perf_counter() - t0 < 60
    assert _errors(proc) == ["error: -p threshold 'abc': expected a number"]
    assert not (tmp_path / "r" / "notebooks").exists()  # nothing ran


def test_relative_paths_are_the_users(books, tmp_path):
    here = tmp_path / "me"
    here.mkdir()
    proc = _run_all("--notebooks-dir", str(books), "--only", "00", "--results-dir", "out",
                    "-p", "data", "in/v.csv", cwd=here)
    assert proc.returncode == 0, proc.stderr
    assert (here / "out" / "ok.txt").read_text().endswith(f"'{here / 'in' / 'v.csv'}'")
    assert f"report: {here / 'out' / 'REPORT.md'}" in proc.stdout


def test_unwritable_results_folder_is_one_line(books, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = _run_all("--notebooks-dir", str(books), "--results-dir", str(blocker / "res"))
    assert proc.returncode == 2 and len(_errors(proc)) == 1
    assert _errors(proc)[0].startswith(f"error: cannot write to the results folder {blocker / 'res'}")


def test_failing_notebook_exits_nonzero_and_keeps_earlier_results(books, tmp_path):
    res = tmp_path / "res"
    proc = _run_all("--results-dir", str(res), "--notebooks-dir", str(books))
    assert proc.returncode == 1
    assert "01_bad" in proc.stderr and "planted failure" in proc.stderr and "cell 3 " in proc.stderr
    assert (res / "notebooks" / "00_ok.ipynb").is_file()  # the earlier notebook is intact
    assert (res / "notebooks" / "01_bad.failed.ipynb").is_file()
    assert not (res / "notebooks" / "01_bad.ipynb").exists()  # no failed run that looks whole
    assert not list((res / "notebooks").glob(".*partial*"))
    assert (res / "ok.txt").read_text().startswith("ci 0.5")


def test_cli_bad_input_is_one_line(books):
    proc = subprocess.run([sys.executable, "-m", "imagenet_repro.run", "--scale", "bogus",
                           "--notebooks-dir", str(books)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "unknown scale 'bogus'" in proc.stderr


SLOW = '''from pathlib import Path
scale: str = "default"
seed: int = 2009
results_dir: Path = "results"
pause: float = 0.0'''


def test_sigterm_mid_notebook_then_rerun(tmp_path):
    """Killed half-way: one line naming the notebook, no partial file that looks like output,
    the manifest says what is on disk; a rerun repairs it."""
    d = tmp_path / "nb"
    d.mkdir()
    write_notebook(d / "00_slow.ipynb", [("params", SLOW), ("code", """
import time, pandas as pd
from imagenet_repro.notebook import setup
nb = setup("00_slow", globals(), notebook_dir=Path(%r))
nb.out.table(pd.DataFrame({"a": [1, 2]}), "first")
print("WROTE", flush=True)
time.sleep(pause)
nb.out.table(pd.DataFrame({"b": [3]}), "second")
nb.out.finish()""" % str(d))])
    res = tmp_path / "res"
    proc = subprocess.Popen(["bash", str(RUN_ALL), "--scale", "ci", "--results-dir", str(res),
                             "--notebooks-dir", str(d), "-p", "pause", "120"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not (res / "tables" / "first.csv").exists():
        time.sleep(0.5)
    assert (res / "tables" / "first.csv").exists(), "the notebook never started"
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, (out, err)
    last = [line for line in err.splitlines() if line.strip()][-1]
    assert last.startswith("interrupted (SIGTERM): notebook 00_slow stopped after") and "--only 00" in last
    assert "Traceback" not in err and "Kernel died" not in err, err  # the teardown is the interrupt, not news
    nbdir = res / "notebooks"
    assert sorted(p.name for p in nbdir.iterdir()) == ["00_slow.interrupted.ipynb"]  # nothing hidden, nothing whole
    entry = json.loads((res / "manifest.json").read_text())["notebooks"]["00_slow"]
    assert entry["status"] == "interrupted" and list(entry["outputs"]) == ["tables/first.csv"]
    assert not (res / "tables" / "second.csv").exists()
    report = subprocess.run([sys.executable, "-c", "from imagenet_repro.report import build_report; "
                             f"build_report({str(res)!r})"], capture_output=True, text=True)
    assert report.returncode == 0 and "`00_slow` (interrupted)" in (res / "REPORT.md").read_text()
    again = _run_all("--results-dir", str(res), "--notebooks-dir", str(d))
    assert again.returncode == 0, again.stderr
    entry = json.loads((res / "manifest.json").read_text())["notebooks"]["00_slow"]
    assert entry["status"] == "complete" and set(entry["outputs"]) == {"tables/first.csv", "tables/second.csv",
                                                                       "claims/00_slow.json"}
    assert sorted(p.name for p in nbdir.iterdir()) == ["00_slow.ipynb"]
    assert "[IPKernelApp]" not in again.stderr and "ERROR" not in again.stderr  # a clean terminal


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_follow_the_umask(tmp_path, umask, mode):
    script = ("from imagenet_repro.results import atomic_write_text; "
              f"atomic_write_text({str(tmp_path / 'x.csv')!r}, 'a\\n')")
    proc = subprocess.run([sys.executable, "-c", f"import os; os.umask({umask}); {script}"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(os.stat(tmp_path / "x.csv").st_mode) == mode
