"""Shared fixtures: WordNet is set up once; matplotlib draws off-screen."""

import os

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")


@pytest.fixture(scope="session")
def hierarchy():
    from imagenet_repro.hierarchy import load_hierarchy

    return load_hierarchy()


@pytest.fixture(scope="session")
def ci_results(tmp_path_factory):
    """The whole notebook sequence executed once at scale=ci (papermill); its results folder."""
    from imagenet_repro.run import run

    res = tmp_path_factory.mktemp("ci_results")
    run("ci", None, {}, results_dir=res, progress=False)
    return res
