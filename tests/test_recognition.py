"""recognition/ (Fig 8): ROC/AUC, NN-voting's subtree vote, NBNN and its min-rank rule, the
test-set dedup, and the real-folder path."""

import numpy as np
import pandas as pd
import pytest

from imagenet_repro.errors import UserError
from imagenet_repro.features import ImageFeatures
from imagenet_repro.recognition import nbnn as N
from imagenet_repro.recognition import roc as R
from imagenet_repro.recognition.nnvote import nn_voting, subtree_matrix, subtree_votes


# ---------------------------------------------------------------- ROC / AUC

def test_auc_perfect_reversed_random_and_ties():
    y = np.r_[np.ones(50, bool), np.zeros(150, bool)]
    s = np.r_[np.linspace(2, 3, 50), np.linspace(0, 1, 150)]
    assert R.auc(s, y) == 1.0 and R.auc(-s, y) == 0.0
    fpr, tpr = R.roc_curve(s, y)
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0, 0, 1, 1) and tpr[1:].min() == 1.0 or tpr[np.argmax(fpr > 0)] == 1
    g = np.random.default_rng(0)
    yr = g.random(4000) < 0.3
    assert abs(R.auc(g.random(4000), yr) - 0.5) < 0.03
    # all scores tied: one diagonal step, AUC one half
    fpr, tpr = R.roc_curve(np.zeros(200), y)
    assert fpr.tolist() == [0, 1] and tpr.tolist() == [0, 1] and R.auc(np.zeros(200), y) == 0.5
    # the Mann-Whitney AUC equals the area under the tie-aware curve
    sc = g.integers(0, 5, 200).astype(float)
    fpr, tpr = R.roc_curve(sc, y)
    assert np.isclose(np.trapezoid(tpr, fpr), R.auc(sc, y))
    with pytest.raises(UserError):
        R.auc(np.zeros(3), np.ones(3, bool))


def test_category_rocs_and_bootstrap_difference():
    g = np.random.default_rng(1)
    cat = np.repeat(np.arange(3), 30)
    perfect = (cat[:, None] == np.arange(3)[None, :]).astype(float)
    random = g.random((90, 3))
    rs = R.category_rocs(perfect, cat, ["a", "b", "c"])
    assert rs.mean_auc == 1.0 and rs.aucs["b"] == 1.0 and np.isclose(rs.mean_tpr[1:].min(), 1.0)
    d = R.mean_auc_difference(perfect, random, cat, n_boot=200, seed=3)
    assert d.delta > 0.3 and d.holds and d.low <= d.delta <= d.high
    same = R.mean_auc_difference(random, random, cat, n_boot=50)
    assert same.delta == 0 and not same.holds


# ---------------------------------------------------------------- NN-voting

class _Tree:
    """mammal-like toy: A has children B and C; D is apart."""
    children = {"A": ("B", "C"), "B": (), "C": (), "D": ()}

    def descendants(self, w):
        out = [w]
        for c in self.children[w]:
            out += self.descendants(c)
        return out


def test_subtree_vote_counts_neighbours_in_the_target_tree():
    classes = ["A", "B", "C", "D"]
    sub = subtree_matrix(_Tree(), ["A", "B", "D"], classes)
    assert sub.tolist() == [[True, True, True, False], [False, True, False, False], [False, False, False, True]]
    labels = np.array([[1, 2, 3, 1], [3, 3, 3, 0]])  # class indices of each query's 4 neighbours
    assert subtree_votes(labels, sub).tolist() == [[3, 2, 1], [1, 0, 3]]


def test_nn_voting_by_ssd_on_a_hand_built_base():
    base = np.array([[0, 0], [0.1, 0], [5, 5], [5.1, 5], [5, 5.2], [-5, 5]], np.float32)
    labels = np.array([1, 1, 2, 2, 2, 3])  # B, B, C, C, C, D
    sub = subtree_matrix(_Tree(), ["A", "B", "C", "D"], ["A", "B", "C", "D"])
    q = np.array([[0.05, 0.0], [5.0, 5.1]], np.float32)
    votes = nn_voting(q, base, labels, sub, k=3)
    # query 0: neighbours B, B and one of C -> A gets 3 (B and C are its subclasses), B 2
    assert votes[0].tolist() == [3, 2, 1, 0]
    assert votes[1].tolist() == [3, 0, 3, 0]


# ---------------------------------------------------------------- NBNN

def _features(per_image: list[np.ndarray]) -> ImageFeatures:
    counts = [len(d) for d in per_image]
    return ImageFeatures(np.ones(len(per_image), bool), np.zeros((len(per_image), 2), np.int32),
                         descriptors=np.concatenate(per_image).astype(np.float32),
                         xy=np.zeros((sum(counts), 2), np.float32), offsets=np.r_[0, np.cumsum(counts)])


def test_nbnn_picks_the_class_whose_descriptors_are_nearest():
    g = np.random.default_rng(2)
    centres = np.array([[0.0] * 8, [6.0] * 8, [-6.0] * 8])
    train = _features([c + 0.2 * g.standard_normal((20, 8)) for c in centres for _ in range(2)])  # 2 images/class
    cd = N.class_descriptors(train, np.arange(6), np.repeat(np.arange(3), 2), 3, cap=None, seed=0)
    assert cd.counts.tolist() == [40, 40, 40] and cd.images.tolist() == [2, 2, 2]
    query = _features([centres[1] + 0.2 * g.standard_normal((10, 8)), centres[2] + 0.2 * g.standard_normal((7, 8))])
    D = N.query_class_distances(query, cd)
    assert D.argmin(axis=1).tolist() == [1, 2]
    ranks = N.class_ranks(D)
    assert ranks[0].tolist()[1] == 1 and sorted(ranks[0].tolist()) == [1, 2, 3]
    capped = N.class_descriptors(train, np.arange(6), np.repeat(np.arange(3), 2), 3, cap=15, seed=0, max_images=1)
    assert capped.counts.tolist() == [15, 15, 15] and capped.images.tolist() == [1, 1, 1]


def test_min_rank_rule_on_a_small_tree():
    # classes A, B, C, D (B, C under A); D_C of one query: C nearest, then D, B, A
    D = np.array([[4.0, 3.0, 1.0, 2.0]])
    sub = subtree_matrix(_Tree(), ["A", "B", "D"], ["A", "B", "C", "D"])
    assert N.class_ranks(D).tolist() == [[4, 3, 1, 2]]
    # A's score is its best subclass's rank (C: 1), B its own (3), D its own (2)
    assert N.min_rank_scores(D, sub).tolist() == [[-1, -3, -2]]
    # a query without descriptors ranks every class last
    assert N.class_ranks(np.full((1, 4), np.nan)).tolist() == [[4, 4, 4, 4]]


# ---------------------------------------------------------------- dedup of the test set

@pytest.fixture(scope="module")
def mammal_world():
    from imagenet_repro.hierarchy import load_hierarchy
    from imagenet_repro.world import World, WorldConfig

    return World(load_hierarchy(("mammal",)), WorldConfig(seed=2009))


def test_dedup_finds_planted_test_duplicates(mammal_world):
    from imagenet_repro.collect.dedup import DEFAULT_THRESHOLD, phash64
    from imagenet_repro.recognition.fig8 import PLANTED_VARIANT_BASE, flag_duplicates

    w, elk, zebra = mammal_world, "n02431785", "n02391049"
    train = [w.render(s, i).image for s in (elk, zebra) for i in range(6)]
    planted = [w.render(elk, i, PLANTED_VARIANT_BASE + i).image for i in range(3)]  # altered copies
    fresh = [w.render(s, 10_000 + i, style="caltech").image for s in (elk, zebra) for i in range(4)]
    test = planted + fresh
    flagged, dmin = flag_duplicates(np.array([phash64(x) for x in test], np.uint64),
                                    np.array([phash64(x) for x in train], np.uint64), DEFAULT_THRESHOLD)
    assert flagged[:3].all() and not flagged[3:].any()
    assert (dmin[:3] <= DEFAULT_THRESHOLD).all()


# ---------------------------------------------------------------- real folders

def test_real_folders_run_the_experiments(mammal_world, tmp_path):
    """ImageNet-layout and Caltech-layout folders (here written from renders) go through the
    same experiments; a Caltech image that is a training image is removed as a duplicate."""
    from PIL import Image

    from imagenet_repro.hierarchy import load_hierarchy
    from imagenet_repro.recognition import fig8 as F
    from imagenet_repro.sources import CaltechFolder, ImageNetFolder

    w = mammal_world
    cats = {"n02431785": "elk", "n02391049": "zebra"}
    inet, cal = tmp_path / "inet", tmp_path / "cal"
    for wnid in list(cats) + ["n02084071"]:
        (inet / wnid).mkdir(parents=True)
        for i in range(5):
            Image.fromarray(w.render(wnid, i).image).save(inet / wnid / f"{i}.JPEG", quality=95)
    for t, (wnid, name) in enumerate(cats.items()):
        (cal / f"{t:03d}.{name}").mkdir(parents=True)
        for i in range(4):
            Image.fromarray(w.render(wnid, 500 + i, style="caltech").image).save(cal / f"{t:03d}.{name}" / f"{i}.jpg")
    Image.fromarray(w.render("n02431785", 0).image).save(cal / "000.elk" / "dup.jpg", quality=90)
    (cal / "000.elk" / "broken.jpg").write_bytes(b"not a jpeg")
    cfg = F.Fig8Config(candidates_per_synset=5, test_per_category=4, planted_per_category=0, limited_images=2,
                       descriptors_per_class=200, neighbours=3, n_boot=20)
    data = F.real_data(ImageNetFolder(inet), CaltechFolder(cal), load_hierarchy(("mammal",)), cats, cfg,
                       progress=False)
    assert data.mode == "real" and len(data.classes) == 3 and len(data.test) == 9  # broken.jpg never listed
    dup = data.test["image_id"].str.endswith("dup.jpg").to_numpy()
    assert data.test["duplicate"].to_numpy()[dup].all()
    assert not data.test["image_id"].str.endswith("broken.jpg").any()
    run = F.real_fig8(data, cfg, progress=False)
    res = run.results["real"]
    assert set(res.scores) == {"clean", "nbnn", "nbnn_limited"}  # no candidates folder: no noisy set
    assert len(res.test_category) == 8 and 0 <= res.mean_auc("nbnn") <= 1
    assert run.dedup.flagged >= 1 and np.isnan(run.dedup.recall)
