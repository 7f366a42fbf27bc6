"""Hostile input, as a user meets it through run_all.sh: every input checked before anything
runs, every rejection one line naming the file, the line and the switch; property-based tests
of the parameter parser."""

import subprocess
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from imagenet_repro.errors import UserError
from imagenet_repro.notebook import ParameterSpec

ROOT = Path(__file__).resolve().parent.parent
RUN_ALL = ROOT / "run_all.sh"


def _run_all(*args, cwd=None):
    t0 = time.perf_counter()
    proc = subprocess.run(["bash", str(RUN_ALL), "--scale", "ci", "--no-progress", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300)
    errors = [line for line in proc.stderr.splitlines() if not line.startswith(("[setup]", "WordNet 3.0 ready"))]
    return proc, errors, time.perf_counter() - t0


def test_missing_votes_file_is_reported_before_any_simulation(tmp_path):
    proc, errors, seconds = _run_all("--only", "02", "--results-dir", str(tmp_path / "r"),
                                     "-p", "votes_csv", "nowhere.csv", cwd=tmp_path)
    assert proc.returncode == 2 and seconds < 60
    assert errors == [f"error: -p votes_csv {tmp_path / 'nowhere.csv'}: no such file or folder"]
    assert not (tmp_path / "r" / "notebooks").exists()


def test_bad_votes_row_names_file_line_and_switch(tmp_path):
    votes = tmp_path / "v.csv"
    votes.write_text("wnid,image_id,worker_id,vote\nn02084071,i1,w1,1\nn02084071,i1,w2,maybe\n")
    proc, errors, seconds = _run_all("--only", "02", "--results-dir", str(tmp_path / "r"),
                                     "-p", "votes_csv", str(votes))
    assert proc.returncode == 2 and seconds < 60 and len(errors) == 1
    assert errors[0].startswith(f"error: -p votes_csv: {votes}:3: vote must be 0 or 1, got 'maybe'")
    assert "-p votes_skip_bad true" in errors[0]
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    proc, errors, _ = _run_all("--only", "02", "--results-dir", str(tmp_path / "r"), "-p", "votes_csv", str(empty))
    assert proc.returncode == 2 and errors == [f"error: -p votes_csv: {empty}:1: the file is empty; expected a header "
                                               "wnid,image_id,worker_id,vote[,time]"]


def test_folder_with_nothing_usable_lists_everything_at_once(tmp_path):
    root = tmp_path / "imagenet"
    (root / "cats").mkdir(parents=True)
    (root / "n02084071").mkdir()
    proc, errors, seconds = _run_all("--only", "03", "--results-dir", str(tmp_path / "r"),
                                     "-p", "imagenet_root", str(root))
    assert proc.returncode == 2 and seconds < 60
    assert errors[0] == f"error: -p imagenet_root: ImageNet folder {root}: nothing usable (2 item(s) skipped):"
    assert errors[1].endswith("cats: skipped, not-a-synset-folder: 'cats' is not a wnid")
    assert errors[2].endswith("n02084071: skipped, empty-folder: no usable image file")


# ---------------------------------------------------------------- the parameter parser, generated input

BOOL = ParameterSpec("flag", "bool", False)
INT = ParameterSpec("count", "int | None", None)
FLOAT = ParameterSpec("accept", "float", 0.99)
LIST = ParameterSpec("ks", "list[int]", [1, 3])
WORDS = {"true": True, "yes": True, "y": True, "1": True, "on": True,
         "false": False, "no": False, "n": False, "0": False, "off": False}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(WORDS)), st.lists(st.booleans(), min_size=1, max_size=5), st.text(" \t", max_size=2))
def test_booleans_in_any_case(word, upper, pad):
    cased = "".join(c.upper() if u else c for c, u in zip(word, upper * len(word)))
    assert BOOL.parse(pad + cased + pad) is WORDS[word]


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=12))
def test_any_text_is_a_bool_or_one_line_naming_the_parameter(text):
    try:
        value = BOOL.parse(text)
    except UserError as exc:
        msg = str(exc)
        assert msg.startswith(f"-p flag {text!r}: expected true or false") and "\n" not in msg
        assert text.strip().lower() not in WORDS
    else:
        assert value is WORDS[text.strip().lower()]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                 st.text(max_size=8)))
def test_numbers_are_checked(text):
    try:
        v = INT.parse(text)
    except UserError as exc:
        assert str(exc).startswith(f"-p count {text!r}: expected an integer or none") and "\n" not in str(exc)
    else:
        assert v is None or (isinstance(v, int) and v == int(text.strip().replace("_", "")))
    try:
        f = FLOAT.parse(text)
    except UserError as exc:
        assert str(exc).startswith(f"-p accept {text!r}: expected a number")
    else:
        assert isinstance(f, float) and f == f and abs(f) != float("inf")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-1000, 1000), max_size=6))
def test_lists_parse_from_commas_and_literals(values):
    assert LIST.parse(",".join(map(str, values))) == values
    assert LIST.parse(str(values)) == values
    if values:
        bad = ",".join(map(str, values)) + ",x"
        try:
            LIST.parse(bad)
        except UserError as exc:
            assert str(exc).startswith(f"-p ks {bad!r}: expected a comma-separated list of integers")
        else:
            raise AssertionError("a list with a non-integer passed")
