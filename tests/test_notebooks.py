"""One papermill run of every notebook at scale=ci, then checks on what it wrote."""

import json

import pandas as pd

from imagenet_repro.run import list_notebooks, run


def test_every_notebook_ran(ci_results):
    executed = {p.stem for p in (ci_results / "notebooks").glob("*.ipynb")}
    assert executed == {p.stem for p in list_notebooks()}
    assert not list((ci_results / "notebooks").glob("*.failed.ipynb"))


def test_subtree_table_sums_to_5247(ci_results):
    t = pd.read_csv(ci_results / "tables" / "hierarchy_subtrees.csv", index_col=0)
    assert len(t) == 12 and t["synsets"].sum() == 5247
    assert t.loc["mammal", "synsets"] == 1170


def test_report_has_claims_with_verdicts(ci_results):
    text = (ci_results / "REPORT.md").read_text()
    assert "hierarchy.total_synsets" in text and "✅ reproduced" in text
    assert (ci_results / "REPORT.html").is_file()
    manifest = json.loads((ci_results / "manifest.json").read_text())
    assert "00_hierarchy" in manifest["notebooks"]
    for nb, entry in manifest["notebooks"].items():
        assert entry["parameters"]["scale"] == "ci", nb
        for rel, digest in entry["outputs"].items():
            assert len(digest) == 64, rel


def test_same_parameters_give_identical_tables(ci_results, tmp_path):
    """A second run of the whole sequence writes the same bytes: tables, claims, clean set."""
    run("ci", None, {}, results_dir=tmp_path, progress=False)
    tables = sorted((tmp_path / "tables").glob("*.csv"))
    assert len(tables) >= 10
    for t in tables + sorted((tmp_path / "data").glob("*.parquet")):
        rel = t.relative_to(tmp_path)
        assert t.read_bytes() == (ci_results / rel).read_bytes(), rel
    for c in sorted((tmp_path / "claims").glob("*.json")):
        assert c.read_bytes() == (ci_results / "claims" / c.name).read_bytes(), c.name
