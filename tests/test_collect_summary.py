"""Notebook 01's package functions: collection tables, claims, pixel dedup on the world."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imagenet_repro.collect import dedup as D
from imagenet_repro.collect import summary as C
from imagenet_repro.errors import UserError
from imagenet_repro.hierarchy import load_hierarchy
from imagenet_repro.results import NOT_REPRODUCED, REPRODUCED, ResultWriter
from imagenet_repro.collect import simulated_web
from imagenet_repro.world import World, WorldConfig

WHIPPET, DOG = "n02091134", "n02084071"


@pytest.fixture(scope="module")
def hier():
    return load_hierarchy(("mammal",))


@pytest.fixture(scope="module")
def world(hier):
    return simulated_web(hier, WorldConfig(seed=2009))  # searched with the paper's queries


def test_named_wnids_and_collection_synsets(hier):
    assert C.named_wnids(["whippet.n.01", "dog.n.01"]) == [WHIPPET, DOG]
    from imagenet_repro.hierarchy import sample_synsets

    picked = sample_synsets(hier.synsets, 3, seed=5)
    # 3 of the subtree, at depths 1, 2, 3 (round robin), then the extras it holds, each
    # once; a vehicle (not in this hierarchy) is dropped
    assert sorted(hier.synsets.loc[picked, "depth"]) == [1, 2, 3]
    got = C.collection_synsets(hier, 3, extra=[WHIPPET, picked[0], "n02958343"], seed=5)
    assert got == picked + [WHIPPET]
    assert len(C.collection_synsets(hier, None)) == len(hier)


def test_query_counts_by_hand():
    q = pd.DataFrame({"wnid": ["a", "a", "a", "b"], "text": ["x", "x y", "xx", "z"],
                      "language": ["en", "en", "es", "en"],
                      "kind": ["synonym", "expansion", "translation", "synonym"]})
    c = C.query_counts(q, ["a", "b", "c", "d"])
    assert c.n_queries == 4
    assert c.per_synset.tolist() == [3, 1, 0, 0]
    assert c.per_kind[("en", "synonym")] == pytest.approx(0.5)
    assert c.per_kind[("es", "translation")] == pytest.approx(0.25)
    assert c.expansion_share == pytest.approx(0.25)
    assert c.describe() == ("4 queries for 4 synsets: 1.00 per synset (median 0); "
                            "synsets with an expansion: 25.0%")
    with pytest.raises(UserError):
        C.query_counts(q, [])


def test_expansion_texts_whippet():
    assert C.expansion_texts(WHIPPET) == ["whippet dog", "whippet greyhound"]


def _candidates() -> pd.DataFrame:
    return pd.DataFrame({
        "query": pd.Categorical(["a", "a", "b", "b", "b"]),
        "engine": pd.Categorical(["e1", "e2", "e1", "e1", "e2"]),
        "language": pd.Categorical(["en"] * 2 + ["es"] * 3),
        "is_positive": [True, False, True, True, False],
    })


def test_results_by_query_and_engine_by_hand():
    named = pd.DataFrame({"text": ["a", "b", "a"], "kind": ["synonym", "translation", "x"]})
    q = C.results_by_query(_candidates(), named)
    assert q["results"].tolist() == [2, 3]
    assert q["precision"].tolist() == pytest.approx([0.5, 2 / 3])
    assert q["language"].tolist() == ["en", "es"] and q["kind"].tolist() == ["synonym", "translation"]
    e = C.results_by_engine(_candidates())
    assert e["results"].tolist() == [3, 2]
    assert e["precision"].tolist() == pytest.approx([1.0, 0.0])


def _summary() -> pd.DataFrame:
    return pd.DataFrame({
        "subtree": ["s", "s", "t"], "raw": [100, 300, 600], "unique": [80, 200, 520],
        "exact_duplicates": [10, 60, 50], "near_duplicates": [10, 40, 30],
        "positives_raw": [10, 60, 120], "raw_precision": [0.1, 0.2, 0.2],
    }, index=pd.Index(["w1", "w2", "w3"], name="wnid"))


def test_summary_by_subtree_and_numbers_by_hand():
    b = C.summary_by_subtree(_summary())
    assert b.index.tolist() == ["s", "t"]
    assert b.loc["s"].tolist() == pytest.approx([2, 200, 140, 35, 25, 0.15])
    n = C.collection_numbers(_summary())
    assert n.synsets == 3 and n.mean_unique == pytest.approx(800 / 3) and n.median_unique == 200
    assert n.mean_precision == pytest.approx(0.5 / 3)
    assert n.pooled_precision == pytest.approx(190 / 1000)
    assert n.duplicate_share == pytest.approx(1 - 800 / 1000)
    assert n.describe() == ("3 synsets: 267 candidates per synset after dedup on average "
                            "(median 200); raw precision mean 16.7%, pooled 19.0%")


def test_collection_claims_verdicts(tmp_path):
    out = ResultWriter("t", results_dir=tmp_path, seed=1)
    C.record_collection_claims(out, C.collection_numbers(_summary()), amount=1.0)
    cl = out.claims_frame().set_index("id")
    assert cl.loc["collect.raw_precision", "reproduced"] == pytest.approx(0.1667)
    assert cl.loc["collect.raw_precision", "verdict"] == "info: too few"  # 3 synsets: interval far wider than 0.1
    assert cl.loc["collect.candidates_after_dedup", "reproduced"] == 267
    assert cl.loc["collect.candidates_after_dedup", "verdict"] == "info: too few"  # 3 synsets < 30
    many = pd.concat([_summary()] * 40, ignore_index=True)  # 120 synsets
    out = ResultWriter("t2", results_dir=tmp_path, seed=1)
    C.record_collection_claims(out, C.collection_numbers(many), amount=1.0)
    cl = out.claims_frame().set_index("id")
    assert cl.loc["collect.raw_precision", "verdict"] == NOT_REPRODUCED  # 0.167 +- 0.04 vs 0.10 +- 0.05
    assert cl.loc["collect.candidates_after_dedup", "verdict"] == NOT_REPRODUCED  # < 10K
    assert cl.loc["collect.duplicate_share", "reproduced"] == pytest.approx(0.2)
    assert set(cl["mode"]) == {"simulated"}
    near = C.collection_numbers(pd.concat([_summary().assign(raw_precision=[0.1, 0.1, 0.19])] * 40))
    C.record_collection_claims(out, near, amount=1.0)
    assert out.claims_frame().set_index("id").loc["collect.raw_precision", "verdict"] == REPRODUCED


def test_contact_sheet_is_seeded_and_in_result_order(world):
    cand = world.candidates(WHIPPET, ["whippet"], amount=0.1)
    a = C.contact_sheet(world, WHIPPET, cand, seed=5, n=10)
    b = C.contact_sheet(world, WHIPPET, cand, seed=5, n=10)
    assert len(a.rows) == 10 and a.rows.index.is_monotonic_increasing
    assert a.rows.index.tolist() == b.rows.index.tolist()
    assert a.correct == a.rows["is_positive"].tolist()
    assert all(c.startswith('"whippet"\n-> ') for c in a.captions)
    assert f"{cand.is_positive.mean():.0%} correct" in a.title
    assert len(C.contact_sheet(world, WHIPPET, cand.iloc[:3], seed=5).rows) == 3


def test_evaluate_on_world_agrees_with_its_parts(world):
    ev = D.evaluate_on_world(world, [WHIPPET], n_web_images=6, seed=3, threshold=10,
                             amount=0.05, thresholds=range(0, 13, 4))
    assert ev.n_synsets == 1 and ev.sample["web_image_id"].nunique() == 6
    assert ev.sweep["threshold"].tolist() == [0, 4, 8, 12]
    # a larger threshold only merges more: recall never falls
    assert ev.sweep["recall"].is_monotonic_increasing
    n = len(ev.sample)
    assert ev.result.n_images == n == ev.pixel_sample_table().loc[0, "images"]
    truth = ev.sample["web_image_id"].to_numpy()
    assert ev.pr == D.pairwise_precision_recall(ev.result.group, truth)
    assert len(ev.distances) == n * (n - 1) // 2
    assert ev.distances["same_image"].sum() == ev.pr["true_pairs"]


# ---------------------------------------------------------------- raw precision sensitivity

from imagenet_repro.collect import sensitivity as SE  # noqa: E402

SAMPLE = ["n02091134", "n02084071", "n02121808", "n02139199"]  # whippet, dog, domestic cat, bat


@pytest.fixture(scope="module")
def sensitivity(world):
    a = SE.default_assumptions(world.config)
    small = (SE.Assumption(a[0].name, a[0].description, a[0].default,
                           tuple(a[0].default * k for k in (1, 4, 64)), True, a[0].changes, a[0].unit),
             SE.Assumption(a[1].name, a[1].description, 1.0, (0.0, 1.0), False, a[1].changes, a[1].unit),
             a[2])
    frame = SE.precision_sensitivity(world, SAMPLE, small, amount=0.2, progress=False)
    return small, frame


def test_with_search_config_changes_search_only(world):
    same = world.with_search_config()
    a = world.collect_summary(SAMPLE[:2], amount=0.2, progress=False)
    pd.testing.assert_frame_equal(a, same.collect_summary(SAMPLE[:2], amount=0.2, progress=False))
    more = world.with_search_config(junk_median=4 * world.config.junk_median)
    assert more.config.junk_median == 160_000 and world.config.junk_median == 40_000
    assert more.junk_size("whippet", 0) == pytest.approx(4 * world.junk_size("whippet", 0))
    assert more.latent is world.latent  # shared, not rebuilt
    with pytest.raises(UserError, match="availability_median"):
        world.with_search_config(availability_median=1.0)


def test_sensitivity_frame_has_the_grid_and_the_default_equals_collect_summary(world, sensitivity):
    assumptions, f = sensitivity
    assert len(f) == 3 + 2 + 8  # junk 3 values, relevance 2, related_mention_rate 0, .025, .05, ... 1
    assert f.groupby("assumption", sort=False).size().tolist() == [3, 2, 8]
    assert f["is_default"].sum() == 3 and (f["synsets"] == 4).all()
    base = world.collect_summary(SAMPLE, amount=0.2, progress=False)["raw_precision"].mean()
    assert f.loc[f["is_default"], "mean_precision"].tolist() == pytest.approx([base] * 3, abs=1e-12)


def test_precision_falls_as_the_junk_pool_grows_and_rises_with_ranking(sensitivity):
    _, f = sensitivity
    junk = f[f["assumption"] == "junk_median"].sort_values("value")
    assert (np.diff(junk["mean_precision"]) < 0).all()
    assert (np.diff(junk["junk_share"]) > 0).all()
    rel = f[f["assumption"] == "engine_relevance"].set_index("value")["mean_precision"]
    assert rel[0.0] < rel[1.0]
    related = f[f["assumption"] == "related_mention_rate"].set_index("value")["mean_precision"]
    assert related[1.0] < related[0.05] < related[0.0]


def test_crossings_interpolate_by_hand():
    lin = SE.Assumption("x", "x", 1.0, (0.0, 1.0, 2.0), False, lambda c, v: {})
    log = SE.Assumption("y", "y", 10.0, (10.0, 100.0, 1000.0), True, lambda c, v: {})
    f = pd.DataFrame({"assumption": ["x"] * 3 + ["y"] * 3,
                      "value": [0.0, 1.0, 2.0, 10.0, 100.0, 1000.0],
                      "is_default": [False, True, False, True, False, False],
                      "mean_precision": [0.4, 0.3, 0.2, 0.3, 0.2, 0.05]})
    c = SE.precision_crossings(f, [lin, log], target=0.25)
    assert c.loc["x", "crossing"] == pytest.approx(1.5)           # halfway between 0.3 and 0.2
    assert c.loc["y", "crossing"] == pytest.approx(10 ** 1.5)     # halfway on the log axis
    assert c.loc["y", "factor"] == pytest.approx(10 ** 0.5)
    c10 = SE.precision_crossings(f, [lin, log], target=0.10)
    assert not c10.loc["x", "reached"] and np.isnan(c10.loc["x", "crossing"])
    assert c10.loc["x", "lowest_precision"] == pytest.approx(0.2)
    # between 100 (0.2) and 1000 (0.05): 2/3 of the way on the log axis
    assert c10.loc["y", "crossing"] == pytest.approx(10 ** (2 + 2 / 3))
    assert "not reached in the grid 0 to 2" in SE.describe_crossings(c10)


def test_sensitivity_claims_and_sample(tmp_path, sensitivity):
    assumptions, f = sensitivity
    c = SE.precision_crossings(f, assumptions)
    out = ResultWriter("t", results_dir=tmp_path, seed=1)
    SE.record_sensitivity_claims(out, c, n_synsets=4)
    cl = out.claims_frame().set_index("id")
    assert len(cl) == 3 and set(cl["mode"]) == {"simulated"} and set(cl["verdict"]) == {"info"}
    for name, r in c.iterrows():
        got = cl.loc[f"collect.raw_precision_sensitivity.{name}", "reproduced"]
        if r["reached"]:  # claims keep 6 significant digits
            assert got == pytest.approx(r["crossing"], rel=1e-5)
        else:
            assert got == SE.NOT_REACHED
    s = SE.sensitivity_sample([f"w{i}" for i in range(100)], 10, seed=7)
    assert len(s) == 10 == len(set(s)) and s == sorted(s, key=lambda w: int(w[1:]))
    assert s == SE.sensitivity_sample([f"w{i}" for i in range(100)], 10, seed=7)
    assert SE.sensitivity_sample(["a", "b"], 5, seed=7) == ["a", "b"]
    with pytest.raises(UserError):
        SE.Assumption("z", "z", 3.0, (1.0, 2.0), False, lambda c, v: {})
