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
                                               "wnid,image_id,worker_id,vote[,time] (or crowd-kit's worker,task,label)"]


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


# ---------------------------------------------------------------- the votes parser, planted defects

import pytest  # noqa: E402

from imagenet_repro.errors import InputDataError  # noqa: E402
from imagenet_repro.sources.votes_csv import read_votes_csv  # noqa: E402

KNOWN = ["n02084071", "n02121808"]


def test_csv_shape_defects_are_named_and_skippable(tmp_path):
    f = tmp_path / "v.csv"
    f.write_text("wnid,image_id,worker_id,vote\n"
                 "n02084071,i1,w1,1\n"
                 "n02084071,i1,w2,1,extra\n"      # line 3: too many
                 "n02084071,i2\n"                  # line 4: too few
                 "\n"                              # line 5: empty line
                 "n02084071,i2,w1,\n"              # line 6: empty field
                 'n02084071,"i,3",w1,0\n')        # line 7: a quoted comma is one field
    with pytest.raises(InputDataError, match=r"v.csv:3: too many fields \(5; the header has 4\)"):
        read_votes_csv(f, KNOWN)
    t = read_votes_csv(f, KNOWN, skip_bad=True)
    assert [(s.line, s.reason) for s in t.skipped] == [
        (3, "too many fields (5; the header has 4)"), (4, "too few fields (2; the header has 4)"),
        (5, "empty line"), (6, "empty field (wnid, image_id, worker_id and vote are required)")]
    assert t.votes["image_id"].tolist() == ["i1", "i,3"] and t.votes["line"].tolist() == [2, 7]
    dup = tmp_path / "dup.csv"
    dup.write_text("wnid,image_id,worker_id,vote,Vote\nn02084071,i1,w1,1,0\n")
    with pytest.raises(InputDataError, match=r"dup.csv:1: column 'vote' appears 2 times in the header"):
        read_votes_csv(dup, KNOWN, skip_bad=True)  # never skippable: which vote column?


ROW = st.tuples(st.sampled_from(KNOWN), st.integers(0, 30), st.integers(0, 8), st.sampled_from(["0", "1"]))
DEFECTS = ("vote", "many", "few", "empty", "wnid", "blank")


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=40, unique_by=lambda r: (r[0], r[1], r[2])),
       st.lists(st.tuples(st.integers(0, 39), st.sampled_from(DEFECTS)), max_size=8))
def test_rejected_lines_are_exactly_the_planted_ones(tmp_path_factory, rows, plants):
    lines = [f"{w},img{i},wk{k},{v}" for w, i, k, v in rows]
    planted = {}
    for pos, kind in plants:
        if pos < len(lines) and pos not in planted:
            w, i, k, v = rows[pos]
            lines[pos] = {"vote": f"{w},img{i},wk{k},2", "many": f"{w},img{i},wk{k},{v},x", "few": f"{w},img{i}",
                          "empty": f"{w},,wk{k},{v}", "wnid": f"n99999999,img{i},wk{k},{v}", "blank": ""}[kind]
            planted[pos] = kind
    f = tmp_path_factory.mktemp("csv") / "votes.csv"
    f.write_text("wnid,image_id,worker_id,vote\n" + "\n".join(lines) + "\n")
    expected = sorted(p + 2 for p in planted)  # the header is line 1
    if len(planted) == len(lines):
        with pytest.raises(InputDataError, match="no usable votes"):
            read_votes_csv(f, KNOWN, skip_bad=True)
        return
    t = read_votes_csv(f, KNOWN, skip_bad=True)
    assert [s.line for s in t.skipped] == expected
    assert sorted(t.votes["line"].tolist()) == sorted(set(range(2, len(lines) + 2)) - set(expected))
    if expected:
        with pytest.raises(InputDataError) as e:
            read_votes_csv(f, KNOWN)
        assert str(e.value).startswith(f"{f}:{expected[0]}: ") and "-p votes_skip_bad true" in str(e.value)
