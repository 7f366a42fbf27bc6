"""features/: tiny images, SIFT, exact nearest neighbours, visual words, the image-set cache."""

import numpy as np
import pytest

from imagenet_repro.errors import UserError
from imagenet_repro.features import (FeatureSpec, SiftParams, Vocabulary, WorldImages, average_image,
                                     bow_histograms, compute_features, knn, learn_vocabulary, nearest,
                                     segment_min_distances, sift_descriptors, smallest_k, tiny_image,
                                     tiny_vectors)
from imagenet_repro.parallel import ParallelConfig

SERIAL = ParallelConfig("serial")


def _textured(h=350, w=400, seed=0):
    g = np.random.default_rng(seed)
    img = np.zeros((h, w, 3), np.uint8)
    for _ in range(40):  # random rectangles and disks: corners and blobs for SIFT
        x, y = g.integers(0, w - 30), g.integers(0, h - 30)
        s = g.integers(8, 40)
        img[y:y + s, x:x + s] = g.integers(0, 255, 3)
    return img


# ---------------------------------------------------------------- tiny images

def test_tiny_image_is_the_area_mean():
    img = np.zeros((64, 64, 3), np.uint8)
    img[:32] = 200  # top half bright
    t = tiny_image(img, 2)
    assert t.shape == (2, 2, 3) and t.dtype == np.uint8
    assert (t[0] == 200).all() and (t[1] == 0).all()
    # area downsampling is linear: the tiny image of the mean is the mean of the tiny images
    a, b = _textured(seed=1), _textured(seed=2)
    mean = ((a.astype(np.uint16) + b) // 2).astype(np.uint8)
    diff = tiny_image(mean).astype(int) - (tiny_image(a).astype(int) + tiny_image(b)) / 2
    assert np.abs(diff).max() <= 1.0


def test_tiny_vectors_zero_mean_unit_norm_and_constant_image():
    t = np.stack([tiny_image(_textured(seed=s)) for s in range(3)] + [np.full((32, 32, 3), 77, np.uint8)])
    v = tiny_vectors(t)
    assert v.shape == (4, 32 * 32 * 3) and v.dtype == np.float32
    assert np.allclose(v[:3].mean(axis=1), 0, atol=1e-6)
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1, atol=1e-5)
    assert not v[3].any()  # a constant image normalises to zeros, not NaN
    raw = tiny_vectors(t, normalize=False)
    assert raw.max() <= 1 and np.isclose(raw[3, 0], 77 / 255)
    # a brighter copy has the same normalised vector: its SSD neighbour is the original
    bright = np.clip(t[0].astype(int) * 1.0 + 20, 0, 255).astype(np.uint8)
    assert knn(tiny_vectors(bright[None]), v[:3], 1).indices[0, 0] == 0


def test_average_image():
    a = np.zeros((2, 4, 4, 3), np.uint8)
    a[1] = 101
    assert (average_image(a) == 50).all() or (average_image(a) == 51).all()
    with pytest.raises(UserError):
        average_image(np.zeros((0, 4, 4, 3), np.uint8))


# ---------------------------------------------------------------- SIFT

def test_sift_policy_cap_resize_and_positions():
    img = _textured()
    d, xy = sift_descriptors(img, SiftParams(max_side=256, max_descriptors=50))
    assert d.dtype == np.float32 and d.shape[1] == 128 and 10 <= len(d) <= 50
    assert np.array_equal(d, np.round(d)) and d.max() <= 255  # integral: the cache stores them as uint8
    assert xy.shape == (len(d), 2)
    assert (xy[:, 0] >= -1).all() and (xy[:, 0] <= 400).all() and (xy[:, 1] <= 350).all()
    # positions are in the input's pixels: the same image twice as large gives (about) twice the x, y
    big = np.kron(img, np.ones((2, 2, 1), np.uint8))
    d2, xy2 = sift_descriptors(big, SiftParams(max_side=256, max_descriptors=50))
    assert xy2[:, 0].max() > 1.5 * xy[:, 0].max() * 0.9
    blank = np.full((100, 100, 3), 128, np.uint8)
    d0, xy0 = sift_descriptors(blank)
    assert d0.shape == (0, 128) and xy0.shape == (0, 2)


# ---------------------------------------------------------------- nearest neighbours

def test_knn_hand_built_and_deterministic_ties():
    base = np.array([[0.0], [1.0], [1.0], [3.0], [-1.0]], np.float32)
    nb = knn(np.array([[0.9], [0.0]], np.float32), base, 3)
    assert nb.indices[0].tolist() == [1, 2, 0]  # 1 and 2 tie: the lower index first
    # query 0: distances 0 (row 0), 1 (rows 1, 2, 4 tie); k=3 takes rows 1 and 2, never 4
    assert nb.indices[1].tolist() == [0, 1, 2]
    assert np.allclose(nb.distances[1], [0, 1, 1])
    i, d = nearest(np.array([[2.9]], np.float32), base)
    assert i[0] == 3 and np.isclose(d[0], 0.01, atol=1e-5)


def test_knn_matches_brute_force_with_small_blocks():
    g = np.random.default_rng(3)
    q, b = g.standard_normal((37, 20)).astype(np.float32), g.standard_normal((211, 20)).astype(np.float32)
    b[50] = b[7]  # an exact duplicate row
    nb = knn(q, b, 9, block_bytes=4 * 211 * 5)  # blocks of 5 queries
    ref = ((q[:, None].astype(np.float64) - b[None]) ** 2).sum(-1)
    order = np.lexsort((np.broadcast_to(np.arange(211), ref.shape), ref), axis=1)[:, :9]
    assert np.array_equal(nb.indices, order)
    assert np.allclose(nb.distances, np.take_along_axis(ref, order, 1), atol=1e-4)
    idx, val = smallest_k(np.array([[5.0, 1.0, 1.0, 1.0]]), 2)
    assert idx.tolist() == [[1, 2]]
    # a base in blocks (converted by a transform) gives the same neighbours and tie order
    blocked = knn(q, b.astype(np.float64), 9, base_rows=37, transform=lambda x: x.astype(np.float32))
    assert np.array_equal(blocked.indices, nb.indices) and np.allclose(blocked.distances, nb.distances, atol=1e-4)


def test_segment_min_distances_brute_force_and_empty_segment():
    g = np.random.default_rng(4)
    q, b = g.standard_normal((13, 8)).astype(np.float32), g.standard_normal((40, 8)).astype(np.float32)
    offsets = np.array([0, 10, 10, 25, 40])  # segment 1 is empty
    got = segment_min_distances(q, b, offsets, block_rows=4, block_cols=12)
    ref = ((q[:, None].astype(np.float64) - b[None]) ** 2).sum(-1)
    for s in (0, 2, 3):
        assert np.allclose(got[:, s], ref[:, offsets[s]:offsets[s + 1]].min(1), atol=1e-4)
    assert np.isinf(got[:, 1]).all()
    with pytest.raises(UserError):
        segment_min_distances(q, b, [0, 10, 30])


# ---------------------------------------------------------------- visual words

def test_vocabulary_separates_clusters_and_is_seeded():
    g = np.random.default_rng(5)
    centres = np.array([[0.0] * 4, [10.0] * 4, [-10.0, 10.0, -10.0, 10.0]], np.float32)
    x = np.concatenate([c + 0.3 * g.standard_normal((100, 4)) for c in centres]).astype(np.float32)
    v1, v2 = learn_vocabulary(x, 3, seed=7), learn_vocabulary(x, 3, seed=7)
    assert np.array_equal(v1.centroids, v2.centroids)
    w = v1.assign(x)
    assert len(set(w[:100])) == 1 and len(set(w[100:200])) == 1 and len(set(w[:100]) | set(w[100:200]) | set(w[200:])) == 3
    h = v1.histograms(w, np.array([0, 100, 300, 300]))
    assert h.shape == (3, 3) and np.allclose(h[0].max(), 1) and np.allclose(h[1].sum(), 1) and h[2].sum() == 0
    counts = bow_histograms(np.array([0, 0, 2]), np.array([0, 3]), 3, normalize=None)
    assert counts.tolist() == [[2, 0, 1]]
    assert Vocabulary(np.eye(2, dtype=np.float32)).assign(np.array([[0.1, 0.9]])).tolist() == [1]


# ---------------------------------------------------------------- image sets

@pytest.fixture(scope="module")
def mammal_world():
    from imagenet_repro.hierarchy import load_hierarchy
    from imagenet_repro.world import World, WorldConfig

    return World(load_hierarchy(("mammal",)), WorldConfig(seed=2009))


def test_world_images_render_exactly_as_the_world(mammal_world):
    w = mammal_world
    elk = "n02431785"
    load = WorldImages(w, [elk])
    for item in [(elk, 5, 0, "web"), (elk, 5, 2, "web"), (elk, 9, 0, "caltech"), ("", 11, 0, "web")]:
        assert np.array_equal(load(item), w.render(item[0], item[1], item[2], style=item[3]).image)
    with pytest.raises(UserError):
        load(("n02084071", 1, 0, "web"))  # a synset the loader was not given


def test_compute_features_caches_by_items(mammal_world, tmp_path):
    elk = "n02431785"
    items = [(elk, i, 0, "caltech") for i in range(3)]
    from imagenet_repro.collect.dedup import phash64

    spec = FeatureSpec(hash64=phash64, sift=SiftParams(max_descriptors=20))
    f = compute_features(items, WorldImages(mammal_world, [elk]), spec, name="t", cache_dir=tmp_path,
                         progress=False, config=SERIAL)
    assert f.ok.all() and f.tiny.shape == (3, 32, 32, 3) and f.hash64.dtype == np.uint64
    assert f.offsets[-1] == len(f.descriptors) and f.n_descriptors.max() <= 20
    assert len(list(tmp_path.glob("t-*.npz"))) == 1
    again = compute_features(items, WorldImages(mammal_world, [elk]), spec, name="t", cache_dir=tmp_path,
                             progress=False, config=SERIAL)
    assert np.array_equal(again.descriptors, f.descriptors) and np.array_equal(again.tiny, f.tiny)
    other = compute_features(items[:2], WorldImages(mammal_world, [elk]), spec, name="t", cache_dir=tmp_path,
                             progress=False, config=SERIAL)
    assert len(other) == 2 and len(list(tmp_path.glob("t-*.npz"))) == 2
    sub = f.subset([2, 0])
    assert np.array_equal(sub.image_descriptors(0)[0], f.image_descriptors(2)[0])
