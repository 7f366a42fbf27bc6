"""The disk cache: keyed by parameters and by the package's code."""

import pandas as pd

from imagenet_repro import cache


def test_cached_frame_computes_once_per_key(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"x": [1, 2, 3]})

    a = cache.cached_frame("t", {"k": 1}, compute, cache_dir=tmp_path)
    b = cache.cached_frame("t", {"k": 1}, compute, cache_dir=tmp_path)
    c = cache.cached_frame("t", {"k": 2}, compute, cache_dir=tmp_path)
    assert len(calls) == 2 and a.equals(b) and c["x"].sum() == 6
    assert len(list(tmp_path.glob("t-*.parquet"))) == 2


def test_key_changes_with_the_code(tmp_path, monkeypatch):
    before = cache.cache_key("t", {"k": 1})
    assert before == cache.cache_key("t", {"k": 1})
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "m.py").write_text("x = 1\n")
    one = cache.code_fingerprint.__wrapped__(pkg)
    (pkg / "m.py").write_text("x = 2\n")
    two = cache.code_fingerprint.__wrapped__(pkg)
    assert one != two and len(one) == 64
    monkeypatch.setattr(cache, "code_fingerprint", lambda: two)
    assert cache.cache_key("t", {"k": 1}) != before


def test_arrays_and_objects_round_trip(tmp_path):
    import numpy as np

    arrays = cache.cached_arrays("a", {}, lambda: {"x": np.arange(4)}, cache_dir=tmp_path)
    again = cache.cached_arrays("a", {}, lambda: {"x": np.zeros(1)}, cache_dir=tmp_path)
    assert again["x"].tolist() == [0, 1, 2, 3] == arrays["x"].tolist()
    obj = cache.cached_object("o", {"n": 1}, lambda: {"k": (1, 2)}, cache_dir=tmp_path)
    assert cache.cached_object("o", {"n": 1}, lambda: None, cache_dir=tmp_path) == obj == {"k": (1, 2)}
    assert cache.cached_object("o", {}, lambda: 7, cache_dir=None) == 7
