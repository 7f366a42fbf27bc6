"""Tree-max (Sec 4.2 / Fig 9) and its AdaBoost: hand-built trees and cases with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imagenet_repro import paper
from imagenet_repro.errors import UserError
from imagenet_repro.hierarchy import Hierarchy
from imagenet_repro.recognition import boosting
from imagenet_repro.recognition.treemax import (TreeMaxConfig, _auc, auc_by_height, excluded_synsets,
                                                negative_mask, run_treemax, split_images, tree_max_scores)
from imagenet_repro.recognition.treemax_claims import leaves_easier, treemax_share
from imagenet_repro.rng import rng

# r (height 3) -> a, b; a -> a1, a2; b -> b1, a2 (a2 has two parents); z: a second subtree
R, A, B, A1, A2, B1, Z = "n00000001", "n00000002", "n00000003", "n00000004", "n00000005", "n00000006", "n00000009"


def small_tree() -> Hierarchy:
    children = {R: (A, B), A: (A1, A2), B: (A2, B1), A1: (), A2: (), B1: (), Z: ()}
    parents = {R: (), A: (R,), B: (R,), A1: (A,), A2: (A, B), B1: (B,), Z: ()}
    rows = [(R, "t", 1, 3), (A, "t", 2, 2), (B, "t", 2, 2), (A1, "t", 3, 1), (A2, "t", 3, 1), (B1, "t", 3, 1),
            (Z, "u", 1, 1)]
    synsets = pd.DataFrame([{"wnid": w, "name": f"s{w[-1]}.n.01", "lemma": f"s{w[-1]}", "subtree": t, "depth": d,
                             "height": h, "is_leaf": not children[w], "n_parents": len(parents[w]), "gloss": ""}
                            for w, t, d, h in rows]).set_index("wnid")
    return Hierarchy(synsets, children, parents)


def separable_data(per_synset: int = 20, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One indicator feature per synset (1 for its images, 0 otherwise) plus small noise."""
    wnids = [R, A, B, A1, A2, B1, Z]
    g = rng(seed, "test-treemax-data")
    labels = np.repeat(wnids, per_synset)
    X = np.zeros((len(labels), len(wnids)))
    X[np.arange(len(labels)), np.repeat(np.arange(len(wnids)), per_synset)] = 1.0
    return X + 0.05 * g.random(X.shape), labels


# ---------------------------------------------------------------- tree-max and AUC

def test_tree_max_is_the_maximum_over_the_hand_built_subtree():
    h = small_tree()
    wnids = [R, A, B, A1, A2, B1]
    scores = np.array([[0.1, 0.2, 0.3, 0.9, 0.0, 0.4],
                       [0.5, -0.1, 0.2, -0.3, 0.6, 0.1]])
    tm = tree_max_scores(scores, wnids, h)
    # r: everything; a: a, a1, a2; b: b, a2, b1 (a2 is also b's child); leaves: themselves
    expect = np.array([[0.9, 0.9, 0.4, 0.9, 0.0, 0.4],
                       [0.6, 0.6, 0.6, -0.3, 0.6, 0.1]])
    np.testing.assert_array_equal(tm, expect)
    # a synset without a classifier (a1) is left out of the maximum
    tm2 = tree_max_scores(scores[:, [0, 1, 4]], [R, A, A2], h)
    np.testing.assert_array_equal(tm2, [[0.2, 0.2, 0.0], [0.6, 0.6, 0.6]])


def test_auc_is_tie_aware_and_matches_scikit_learn():
    from sklearn.metrics import roc_auc_score

    g = rng(3, "test-auc")
    s = g.integers(0, 4, size=60).astype(float)  # many ties
    y = g.random(60) < 0.4
    assert _auc(s, y) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert _auc(np.array([1.0, 1.0, 0.0]), np.array([True, False, False])) == pytest.approx(0.75)
    assert np.isnan(_auc(np.array([1.0, 2.0]), np.array([True, True])))


# ---------------------------------------------------------------- split and negatives

def test_split_is_ninety_ten_and_negatives_come_from_the_training_side():
    h = small_tree()
    labels = np.repeat([R, A, B, A1, A2, B1, Z], 20)
    labels = np.r_[labels, [Z] * 3]  # z has 23 images
    sp = split_images(labels, h, TreeMaxConfig(), seed=1)
    assert sp.participants == (R, A, B, A1, A2, B1, Z)
    for w in sp.participants:
        assert len(sp.test[w]) == 2  # 10% of 20 (and of 23, rounded)
        assert len(sp.train[w]) + len(sp.test[w]) == (labels == w).sum()
        assert set(sp.test[w]).isdisjoint(sp.train[w])
    test = np.concatenate(list(sp.test.values()))
    assert set(sp.negatives).isdisjoint(test)
    per = paper.COMMON_NEGATIVES_PER_SYNSET
    assert pd.Series(sp.negative_source).value_counts().to_dict() == {w: per for w in sp.participants}
    for i, src in zip(sp.negatives, sp.negative_source):
        assert labels[i] == src and i in sp.train[src]
    # seeded: the same seed gives the same split, another seed another
    again = split_images(labels, h, TreeMaxConfig(), seed=1)
    assert all(np.array_equal(sp.test[w], again.test[w]) for w in sp.participants)
    other = split_images(labels, h, TreeMaxConfig(), seed=2)
    assert any(not np.array_equal(sp.test[w], other.test[w]) for w in sp.participants)


def test_negative_set_excludes_self_children_and_parents():
    h = small_tree()
    labels = np.repeat([R, A, B, A1, A2, B1, Z], 20)
    sp = split_images(labels, h, TreeMaxConfig(), seed=1)

    def sources(w, exclude="paper"):
        return set(sp.negative_source[negative_mask(sp, w, h, exclude)])

    assert excluded_synsets(h, A) == {A, R, A1, A2}
    assert sources(A) == {B, B1, Z}
    assert sources(A2) == {R, A1, B1, Z}  # both parents a and b left out
    assert sources(R) == {A1, A2, B1, Z}  # grandchildren stay: the paper names children only
    assert sources(R, "lineage") == {Z}
    assert sources(B1) == {R, A, A1, A2, Z}


# ---------------------------------------------------------------- the experiment

def test_perfectly_separable_case_gives_auc_one():
    h = small_tree()
    X, labels = separable_data()
    res = run_treemax(X, labels, h, R, seed=5, config=TreeMaxConfig(n_rounds=5), cache_dir=None, progress=False)
    per = res.per_synset
    assert set(per.index) == {R, A, B, A1, A2, B1}  # z is only a negative
    assert (per["auc_treemax"] == 1.0).all()
    leaves = per[per["height"] == 1]
    assert (leaves["auc_independent"] == 1.0).all()
    # an inner synset's own classifier has never seen its descendants' images as positives
    assert per.loc[R, "auc_independent"] < 1.0
    assert per.loc[R, "test_positives"] == 12 and per.loc[R, "test_negatives"] == 2


def test_auc_by_height_groups_synsets_by_the_hierarchy_height():
    h = small_tree()
    X, labels = separable_data()
    res = run_treemax(X, labels, h, R, seed=5, config=TreeMaxConfig(n_rounds=5), cache_dir=None, progress=False)
    bh = res.by_height
    assert bh.index.tolist() == [1, 2, 3]
    assert bh["n_synsets"].tolist() == [3, 2, 1]
    per = res.per_synset
    assert bh.loc[2, "auc_independent"] == pytest.approx(per.loc[[A, B], "auc_independent"].mean())
    assert bh.loc[1, "auc_treemax"] == pytest.approx(per.loc[[A1, A2, B1], "auc_treemax"].mean())
    # by hand: a height whose synsets all lack images says so, the others keep their means
    fake = pd.DataFrame({"height": [1, 1, 3], "auc_independent": [0.9, 0.7, 0.6], "auc_treemax": [0.9, 0.7, 0.8]},
                        index=[A1, B1, R])
    bh2 = auc_by_height(fake, h, R, too_few={A: 3, B: 4})
    assert bh2.loc[1, "auc_independent"] == pytest.approx(0.8) and bh2.loc[1, "n_synsets"] == 2
    assert np.isnan(bh2.loc[2, "auc_independent"]) and "enough images" in bh2.loc[2, "missing"]
    assert bh2.loc[3, "missing"] == ""


def test_root_without_outside_images_is_listed_as_missing_and_reruns_are_identical(tmp_path):
    h = small_tree()
    X, labels = separable_data()
    keep = labels != Z
    cfg = TreeMaxConfig(n_rounds=4)
    first = run_treemax(X[keep], labels[keep], h, R, seed=5, config=cfg, cache_dir=tmp_path, progress=False)
    assert np.isnan(first.per_synset.loc[R, "auc_independent"])
    assert "AUC undefined" in first.by_height.loc[3, "missing"]
    again = run_treemax(X[keep], labels[keep], h, R, seed=5, config=cfg, cache_dir=tmp_path, progress=False)
    pd.testing.assert_frame_equal(first.per_synset, again.per_synset)
    assert again.trained_seconds == first.trained_seconds  # the models came from the cache
    with pytest.raises(UserError, match="not synsets"):
        run_treemax(X, np.r_[labels[:-1], ["n99999999"]], h, R, seed=5, cache_dir=None, progress=False)


def test_claims_helpers_count_heights_and_the_direction_of_height():
    bh = pd.DataFrame({"n_synsets": [10, 5, 3, 1], "auc_independent": [0.9, 0.8, 0.7, 0.6],
                       "auc_treemax": [0.9, 0.85, 0.69, 0.7]}, index=pd.Index([1, 2, 3, 4], name="height"))
    s = treemax_share(bh, min_synsets=3)
    assert s["heights"] == [2, 3] and s["at_or_above"] == 1 and s["below"] == [3] and s["share"] == 0.5
    per = pd.DataFrame({"height": [1, 1, 2, 3, 4], "auc_independent": [1.0, 0.8, 0.9, 0.6, 0.5]})
    le = leaves_easier(per)
    assert le["top_heights"] == [3, 4] and le["difference"] == pytest.approx(0.9 - 0.55) and le["rho"] < 0


# ---------------------------------------------------------------- AdaBoost

def _sklearn_case(n=80, d=6, seed=1):
    g = rng(seed, "test-adaboost")
    X = g.normal(size=(n, d))
    y = (X[:, 0] + 0.7 * X[:, 1] ** 2 + 0.5 * g.normal(size=n)) > 0.6
    return X, y, g.normal(size=(200, d))


def test_adaboost_gini_equals_scikit_learn_on_a_small_case():
    from sklearn.ensemble import AdaBoostClassifier
    from sklearn.tree import DecisionTreeClassifier

    X, y, Xt = _sklearn_case()
    for T in (1, 10):
        sk = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=T, random_state=0).fit(X, y)
        ours = boosting.fit_adaboost(X, y, n_rounds=T, n_bins=256, criterion="gini")
        assert ours.n_rounds == len(sk.estimators_)
        np.testing.assert_array_equal(ours.feature, [e.tree_.feature[0] for e in sk.estimators_])
        # scikit-learn's trees see X as float32: the same cut, the midpoint in float32 values
        np.testing.assert_allclose(ours.threshold, [e.tree_.threshold[0] for e in sk.estimators_], rtol=1e-6)
        np.testing.assert_allclose(ours.alpha, sk.estimator_weights_[:T], rtol=1e-9)
        # scikit-learn's decision function is 2 * margin / sum(alpha) for two classes
        np.testing.assert_allclose(2 * ours.decision_function(Xt, normalized=True), sk.decision_function(Xt),
                                   atol=1e-9)
        assert ours.train_error == pytest.approx(1 - sk.score(X, y))


def test_adaboost_error_criterion_picks_the_least_weighted_error_stump():
    X, y, _ = _sklearn_case(n=50, d=4, seed=2)
    w = rng(4, "test-w").uniform(0.5, 2.0, size=len(y))
    m = boosting.fit_adaboost(X, y, n_rounds=1, n_bins=256, sample_weight=w, criterion="error")
    w = w / w.sum()
    best = (np.inf, None)
    for f in range(X.shape[1]):  # brute force over every midpoint and both polarities
        v = np.unique(X[:, f])
        for thr in (v[:-1] + v[1:]) / 2:
            e = w[(X[:, f] > thr) != y].sum()
            best = min(best, (min(e, 1 - e), (f, thr)), key=lambda t: t[0])
    assert m.error[0] == pytest.approx(best[0], abs=1e-9)
    assert (m.feature[0], m.threshold[0]) == pytest.approx(best[1])


def test_lockstep_batch_gives_each_classifier_what_it_gets_alone():
    g = rng(6, "test-batch")
    X = g.gamma(0.7, size=(120, 9))
    bins = boosting.make_bins(X, 16)
    codes = bins.codes(X)
    neg = boosting.SharedNegatives.from_codes(codes[:90], bins)
    pos = [codes[90:100], codes[100:110], codes[110:120]]
    wn = g.uniform(0.5, 1.5, size=(90, 3)) * (g.random((90, 3)) > 0.2)
    wp = [np.ones(10), np.full(10, 2.0), g.uniform(0.5, 1.5, size=10)]
    together = boosting.fit_batch(neg, pos, bins, wn, wp, n_rounds=12)
    for c in range(3):
        alone = boosting.fit_batch(neg, [pos[c]], bins, wn[:, [c]], [wp[c]], n_rounds=12)[0]
        for field in ("feature", "threshold", "left", "right", "alpha", "error"):
            np.testing.assert_array_equal(getattr(together[c], field), getattr(alone, field))


def test_bins_are_exact_for_few_values_and_codes_follow_thresholds():
    X = np.array([[0.0, 5.0], [0.0, 1.0], [1.0, 3.0], [3.0, 3.0], [3.0, 7.0]])
    bins = boosting.make_bins(X, 8)
    assert bins.n_edges.tolist() == [2, 3]
    np.testing.assert_array_equal(bins.edges[0, :2], [0.5, 2.0])
    np.testing.assert_array_equal(bins.edges[1, :3], [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(bins.codes(X), [[0, 2], [0, 0], [1, 1], [2, 1], [2, 3]])
    many = boosting.make_bins(rng(0, "test-bins").normal(size=(1000, 3)), 16)
    assert (many.n_edges == 15).all()
    with pytest.raises(UserError):
        boosting.fit_adaboost(X, np.ones(5, bool))


def test_hsv_histogram_is_normalised_and_puts_pure_red_in_one_bin():
    from imagenet_repro.features.colour import hsv_histogram

    red = np.zeros((10, 12, 3), np.uint8)
    red[..., 0] = 255
    hist = hsv_histogram(red)
    assert hist.shape == (128,) and hist.sum() == pytest.approx(1.0)
    assert hist.max() == pytest.approx(1.0) and int(np.argmax(hist)) == (0 * 4 + 3) * 4 + 3
    with pytest.raises(UserError):
        hsv_histogram(red[..., 0])


def test_claims_are_recorded_with_mode_and_verdicts(tmp_path):
    from imagenet_repro.recognition.treemax_claims import record_treemax_claims
    from imagenet_repro.results import ResultWriter

    h = small_tree()
    X, labels = separable_data()
    res = run_treemax(X, labels, h, R, seed=5, config=TreeMaxConfig(n_rounds=5), cache_dir=None, progress=False)
    out = ResultWriter("test_treemax", results_dir=tmp_path, seed=5)
    record_treemax_claims(out, res, h, "simulated", null_result=res, min_synsets=1, phrases=())  # no WordNet
    c = out.claims_frame().set_index("id")
    assert (c["mode"] == "simulated").all()
    assert c.loc["fig9.treemax_at_or_above", "reproduced"] == 1.0  # heights 2 and 3: tree-max AUC 1
    assert c.loc["fig9.treemax_at_or_above", "verdict"] == "reproduced"
    assert c.loc["fig9.synsets", "reproduced"] == 6 and c.loc["fig9.heights_missing", "reproduced"] == 0
    assert "null world" in c.loc["fig9.leaves_easier", "note"]
    # a second run under another prefix keeps the first run's claims
    record_treemax_claims(out, res, h, "simulated", min_synsets=1, phrases=(), prefix="fig9_colour")
    ids = set(out.claims_frame()["id"])
    assert {"fig9.treemax_at_or_above", "fig9_colour.treemax_at_or_above"} <= ids
