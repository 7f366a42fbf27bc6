"""The one parallel map: the same bytes whichever backend and however many workers; the dask
path through run_all.sh --scheduler on a local cluster; caches safe under parallel writers."""

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from imagenet_repro.errors import UserError
from imagenet_repro.parallel import ParallelConfig, check_scheduler, parallel_map
from imagenet_repro.world.render import render_job

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def jobs():
    from imagenet_repro.hierarchy import load_hierarchy
    from imagenet_repro.world import World

    world = World(load_hierarchy(("mammal", "vehicle")))
    wnids = list(world.synsets.index[::97][:12])
    return [world.render_job(w, (1 << 40) + k, k % 3, "web" if k % 2 else "caltech") for k, w in enumerate(wnids)] \
        + [world.render_job("", 7, 0)]


def _digest(rendered) -> str:
    h = hashlib.sha256()
    for r in rendered:
        h.update(r.image.tobytes())
        h.update(repr(r.box).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c:
        yield c


def test_backends_and_worker_counts_give_the_same_bytes(jobs, cluster):
    serial = _digest(parallel_map(render_job, jobs, config=ParallelConfig("serial"), progress=False))
    one = _digest(parallel_map(render_job, jobs, config=ParallelConfig("local", 1, min_items=1), progress=False))
    two = _digest(parallel_map(render_job, jobs, config=ParallelConfig("local", 2, min_items=1), progress=False))
    dask = _digest(parallel_map(render_job, jobs, config=ParallelConfig("dask", None, cluster.scheduler_address,
                                                                        min_items=1), progress=False))
    assert serial == one == two == dask
    assert parallel_map(abs, [-3, 2, -1], config=ParallelConfig("local", 2, min_items=1), progress=False) == [3, 2, 1]


def test_features_through_every_backend_give_the_same_bytes(cluster):
    """Rendering, tiny images, the perceptual hash and SIFT (the stages of Figs 5, 8, 9, 10-12)."""
    from imagenet_repro.features import FeatureSpec, SiftParams, WorldImages, compute_features
    from imagenet_repro.features.phash import phash64
    from imagenet_repro.hierarchy import load_hierarchy
    from imagenet_repro.world import World

    world = World(load_hierarchy(("mammal",)))
    wnids = list(world.synsets.index[::131][:6])
    items = [(w, (1 << 40) + k, k % 2, "web") for k, w in enumerate(wnids)] + [("", 3, 0, "caltech")]
    spec = FeatureSpec(tiny_side=32, hash64=phash64, sift=SiftParams())
    configs = [ParallelConfig("serial"), ParallelConfig("local", 1, min_items=1), ParallelConfig("local", 2, min_items=1),
               ParallelConfig("dask", None, cluster.scheduler_address, min_items=1)]
    digests = []
    for cfg in configs:
        f = compute_features(items, WorldImages(world, wnids), spec, cache_dir=None, progress=False, config=cfg)
        assert f.ok.all() and f.descriptors is not None and len(f.descriptors) > 100
        h = hashlib.sha256()
        for a in (f.tiny, f.hash64, f.descriptors, f.xy, f.offsets, f.size):
            h.update(np.ascontiguousarray(a).tobytes())
        digests.append(h.hexdigest())
    assert len(set(digests)) == 1, digests


def test_topic_models_through_every_backend_give_the_same_boxes(cluster):
    """Sec 4.3's per-category HDPs and box search (localization.localize) on planted images."""
    from imagenet_repro.localization.pipeline import LocalizationConfig, LocalizationData, localize
    from imagenet_repro.localization.topics import ImageWords, LocalizationParams

    r = np.random.default_rng(5)
    gx, gy = np.meshgrid(np.arange(4, 96, 8), np.arange(4, 80, 8))
    xy = np.stack([gx.ravel(), gy.ravel()], 1).astype(float)
    docs, category = [], []
    for c in ["", "n1", "n2", "n3"]:
        for i in range(8):
            words = r.integers(20, 50, len(xy))
            x0, y0 = r.integers(0, 50), r.integers(0, 40)
            inside = (xy[:, 0] >= x0) & (xy[:, 0] < x0 + 40) & (xy[:, 1] >= y0) & (xy[:, 1] < y0 + 30)
            base = {"": 40, "n1": 0, "n2": 6, "n3": 12}[c]
            words[inside] = r.integers(base, base + 6, inside.sum())
            docs.append(ImageWords(words=words, xy=xy, size=(96, 80), image_id=f"{c}/{i}"))
            category.append(c)
    data = LocalizationData([(c, i, 0, "web") for i, c in enumerate(category)], np.array(category, dtype=object),
                            docs, 50, None)
    cfg = LocalizationConfig(images_per_category=8, background_images=8, vocabulary=50,
                             params=LocalizationParams(iterations=20, cell=8, seed=1))
    runs = [localize(data, cfg, progress=False, parallel=p) for p in
            (ParallelConfig("serial"), ParallelConfig("local", 2, min_items=1),
             ParallelConfig("dask", None, cluster.scheduler_address, min_items=1))]
    assert list(runs[0].boxes) == ["n1", "n2", "n3"]
    for run in runs[1:]:
        assert all(np.array_equal(run.boxes[c], runs[0].boxes[c]) for c in runs[0].boxes)
        assert all(np.array_equal(run.sizes[c], runs[0].sizes[c]) for c in runs[0].boxes)


def test_scheduler_addresses_are_checked(cluster):
    assert check_scheduler(cluster.scheduler_address) == cluster.scheduler_address
    with pytest.raises(UserError, match="expected tcp://HOST:PORT"):
        check_scheduler("not an address")
    with pytest.raises(UserError, match="no dask scheduler answers at 127.0.0.1:9"):
        check_scheduler("tcp://127.0.0.1:9", timeout=1.0)
    with pytest.raises(UserError, match="workers must be a positive integer"):
        ParallelConfig("local", 0)


def test_run_all_on_a_dask_cluster_writes_what_a_local_run_writes(cluster, ci_results, tmp_path):
    """The pixel stages of the sequence (rendering in notebook 01's dedup check) on the cluster."""
    res = tmp_path / "dask"
    proc = subprocess.run(["bash", str(ROOT / "run_all.sh"), "--scale", "ci", "--no-progress", "--only", "00,01",
                           "--results-dir", str(res), "--scheduler", cluster.scheduler_address],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-2000:]
    written = sorted(p.relative_to(res) for p in (res / "tables").glob("*.csv")) \
        + sorted(p.relative_to(res) for p in (res / "claims").glob("*.json"))
    assert any("dedup" in str(p) for p in written)
    for rel in written:
        assert (res / rel).read_bytes() == (ci_results / rel).read_bytes(), rel


def test_cache_is_safe_under_parallel_writers(tmp_path):
    """Two processes compute the same entry at once: both get it, the file is whole, no temp left."""
    script = ("import sys, time, numpy as np\n"
              "from imagenet_repro.cache import cached_arrays\n"
              "def compute():\n"
              "    time.sleep(1.0)\n"
              "    return {'x': np.arange(200000, dtype=np.int64)}\n"
              f"a = cached_arrays('race', {{'k': 1}}, compute, cache_dir={str(tmp_path)!r})\n"
              "print(int(a['x'].sum()))\n")
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert {o.strip() for o, _ in outs} == {str(int(np.arange(200000).sum()))}
    files = sorted(f.name for f in tmp_path.iterdir())
    assert len(files) == 1 and files[0].startswith("race-") and files[0].endswith(".npz")
