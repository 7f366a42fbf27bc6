"""Shared fixtures: WordNet is set up once; matplotlib draws off-screen."""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

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


FOOLBOX_VERSION = "3.3.4"  # its wheel holds 20 ImageNet validation photos in foolbox/data/
SAMPLE_RE = re.compile(r"^foolbox/data/imagenet_(\d+)_(\d+)\.jpg$")


@pytest.fixture(scope="session")
def imagenet_samples(tmp_path_factory) -> list[tuple[Path, int]]:
    """(photo, ImageNet-1k class index) of foolbox's samples; the wheel is downloaded once
    into .cache/ with pip (no install), skipped only when the package index is unreachable."""
    cache = Path(__file__).resolve().parent.parent / ".cache" / "test_downloads"
    cache.mkdir(parents=True, exist_ok=True)
    wheel = next(iter(sorted(cache.glob(f"foolbox-{FOOLBOX_VERSION}-*.whl"))), None)
    if wheel is None:
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "--disable-pip-version-check",
                 "-d", str(cache), f"foolbox=={FOOLBOX_VERSION}"],
                capture_output=True, text=True, timeout=240)
            err = proc.stderr.strip()[-300:]
        except subprocess.TimeoutExpired:
            err = "timed out"
        wheel = next(iter(sorted(cache.glob(f"foolbox-{FOOLBOX_VERSION}-*.whl"))), None)
        if wheel is None:
            pytest.skip(f"offline: cannot download the foolbox {FOOLBOX_VERSION} wheel for its "
                        f"ImageNet sample photos ({err})")
    out = tmp_path_factory.mktemp("foolbox_samples")
    samples = []
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(z.namelist()):
            m = SAMPLE_RE.match(name)
            if m:
                target = out / Path(name).name
                target.write_bytes(z.read(name))
                samples.append((target, int(m.group(2))))
    assert len(samples) == 20
    return samples
