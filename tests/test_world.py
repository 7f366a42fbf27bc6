"""The simulated world's statistical level: mechanisms, not outcomes (precision is an outcome)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imagenet_repro.collect.queries import queries_for
from imagenet_repro.errors import UserError
from imagenet_repro.hierarchy import load_hierarchy
from imagenet_repro.world import LATENT_DIM, Query, World, WorldConfig
from imagenet_repro.world.web import PAGE_LANGUAGES, POOL_SHIFT, LANG_SHIFT, lemma_queries

DOG, WHIPPET, HORSE = "n02084071", "n02091134", "n02374451"
HACKNEY_HORSE, HACKNEY_CARRIAGE = "n02386224", "n03474635"  # "hackney": two senses


@pytest.fixture(scope="module")
def hier():
    return load_hierarchy(("mammal", "vehicle"))


@pytest.fixture(scope="module")
def world(hier):
    return World(hier, WorldConfig(seed=2009), queries=queries_for)  # the paper's queries


def test_the_world_takes_queries_as_input(hier):
    bare = World(hier, WorldConfig(seed=2009))
    with pytest.raises(UserError, match="without a query function"):
        bare.candidates(WHIPPET)
    assert len(bare.candidates(WHIPPET, ["whippet"], amount=0.1)) > 0
    q = Query("  whippet dog ", "English", "expansion")
    assert (q.text, q.language, q.expanded) == ("whippet dog", "en", True)
    with pytest.raises(UserError, match="kind"):
        Query("whippet", "en", "expanded")


def test_synset_table_and_latent_rows(world, hier):
    t = world.synsets
    assert list(t.index) == list(hier.synsets.index)
    assert world.latent.shape == (len(hier), LATENT_DIM) and world.latent.dtype == np.float32
    assert (t["index"].to_numpy() == np.arange(len(t))).all()
    for col in ("imageability", "diversity", "confusability"):
        assert t[col].between(0, 1).all(), col
    assert t.loc["n02385348", "non_visual_gloss"]  # two-year-old horse: age is not visible
    assert t.loc["n02385348", "imageability"] < 0.5
    assert t.loc[HORSE, "n_senses"] == 5  # horse, horse (gymnastics), cavalry, sawhorse, knight
    assert world.similarity(WHIPPET, WHIPPET) == pytest.approx(1.0, abs=1e-6)
    assert world.similarity([DOG, WHIPPET], [HORSE]).shape == (2, 1)


def test_deep_siblings_look_more_alike_than_unrelated(world, hier):
    t = world.synsets
    deep, shallow = [], []
    for parent, kids in hier.children.items():
        if len(kids) >= 2:
            sim = world.similarity(list(kids[:2]), list(kids[:2]))[0, 1]
            (deep if t.loc[kids[0], "depth"] >= 7 else shallow if t.loc[kids[0], "depth"] <= 3 else []).append(sim)
    mammals = hier.subtree("mammal")[1:200:7]
    vehicles = hier.subtree("vehicle")[1:200:7]
    unrelated = world.similarity(mammals, vehicles).ravel()
    assert len(deep) > 50 and len(shallow) > 5
    assert np.mean(deep) > 0.9
    assert np.mean(deep) > np.mean(shallow) > np.mean(unrelated) + 0.3
    assert abs(np.mean(unrelated)) < 0.1  # independent subtree roots


def test_availability_heavy_tailed(world):
    a = world.synsets["availability"].to_numpy()
    med = np.median(a)
    assert a.max() / med > 50
    assert (a < med / 20).sum() > 10  # some synsets have almost no web images
    assert np.mean(a) > 1.5 * med


def test_same_seed_same_frame_other_seed_differs(world, hier):
    qs = ["whippet", "whippet dog", Query("lebrel", "es")]
    a = world.candidates(WHIPPET, qs, amount=0.2)
    b = World(hier, WorldConfig(seed=2009)).candidates(WHIPPET, qs, amount=0.2)
    c = World(hier, WorldConfig(seed=8)).candidates(WHIPPET, qs, amount=0.2)
    pd.testing.assert_frame_equal(a, b)
    assert (pd.util.hash_pandas_object(a, index=True).to_numpy()
            == pd.util.hash_pandas_object(b, index=True).to_numpy()).all()
    assert not np.isin(c["web_image_id"], a["web_image_id"]).all()


def test_results_of_a_query_do_not_depend_on_the_other_queries(world):
    alone = world.candidates(WHIPPET, ["whippet"], amount=0.3)
    both = world.candidates(WHIPPET, ["whippet dog", "whippet"], amount=0.3)
    part = both[both["query"] == "whippet"]
    assert alone["web_image_id"].tolist() == part["web_image_id"].tolist()
    assert alone["variant"].tolist() == part["variant"].tolist()


def test_is_positive_means_true_synset_is_a_descendant(world, hier):
    df = world.candidates(DOG, ["dog"], amount=0.3)
    desc = set(hier.descendants(DOG))
    assert (df["is_positive"] == df["true_wnid"].astype(str).isin(desc)).all()
    assert (df.loc[df["true_wnid"] == "", "similarity"] == 0).all()
    assert df["difficulty"].between(0, 1).all()


def test_inner_synset_is_a_mixture_of_its_descendants(world):
    cfg = world.config
    df = world.candidates(DOG, ["dog"], amount=1.0)
    own = df[df["source"] == "sense"]
    self_share = (own["true_wnid"] == DOG).mean()
    assert len(own) > 1000
    assert self_share == pytest.approx(cfg.inner_self_share, abs=0.05)
    leaf = world.candidates(WHIPPET, ["whippet"], amount=0.3)
    assert (leaf.loc[leaf["source"] == "sense", "true_wnid"] == WHIPPET).all()


def test_a_word_returns_images_of_each_of_its_senses(world, hier):
    df = world.candidates(HACKNEY_HORSE, ["hackney"], amount=1.0)
    pools = set((df["web_image_id"].to_numpy() >> POOL_SHIFT).tolist())
    assert {int(HACKNEY_HORSE[1:]), int(HACKNEY_CARRIAGE[1:])} <= pools
    truths = set(df["true_wnid"].astype(str))
    assert HACKNEY_HORSE in truths
    assert truths & set(hier.descendants(HACKNEY_CARRIAGE))
    assert set(df["source"]) == {"sense", "other_sense", "related", "junk"}
    other = df[df["source"] == "other_sense"]
    assert not other["is_positive"].any() and len(other) > 100


def test_expanded_query_is_more_precise_than_the_plain_word(world):
    df = world.candidates(WHIPPET, ["whippet", "whippet dog"], amount=1.0)
    junk = df.groupby("query", observed=True)["source"].apply(lambda s: (s == "junk").mean())
    prec = df.groupby("query", observed=True)["is_positive"].mean()
    assert junk["whippet dog"] < junk["whippet"]
    assert prec["whippet dog"] > prec["whippet"]


def test_translations_reach_pages_in_their_language(world):
    en = world.candidates(WHIPPET, ["whippet"], amount=0.5)
    es = world.candidates(WHIPPET, [Query("lebrel", "es")], amount=0.5)
    assert set(es["language"]) == {"es"}
    lang_bits = (es["web_image_id"].to_numpy() >> LANG_SHIFT) & 7
    assert (lang_bits == PAGE_LANGUAGES.index("es")).all()
    assert not np.isin(es["web_image_id"], en["web_image_id"]).any()


def test_engine_caps_and_ranks(world):
    for amount in (1.0, 0.1):
        df = world.candidates(DOG, amount=amount)
        caps = {e.name: max(1, round(e.cap * amount)) for e in world.config.engines}
        g = df.groupby(["query", "engine"], observed=True)
        sizes = g.size()
        assert all(n <= caps[e] for (_, e), n in sizes.items())
        assert (sizes >= 0.95 * sizes.index.get_level_values("engine").map(caps)).mean() > 0.5
        assert (g["rank"].max() == sizes).all() and (g["rank"].min() == 1).all()
        # one result list never holds the same (web image, variant) twice
        assert not df.duplicated(["query", "engine", "web_image_id", "variant"]).any()


def test_duplicates_and_dedup(world):
    df = world.candidates(WHIPPET, amount=0.5)
    assert df["candidate_id"].is_unique
    n_img = df["web_image_id"].nunique()
    pairs = len(df.drop_duplicates(["web_image_id", "variant"]))
    assert len(df) > pairs > n_img  # exact and near duplicates both exist
    d = world.dedup(df)
    assert len(d) == n_img and d["web_image_id"].is_unique
    first = df.groupby("web_image_id")["candidate_id"].min().sort_values()
    assert d["candidate_id"].tolist() == first.tolist()
    # intra-synset only: the same image queried for two synsets is kept once per synset
    two = pd.concat([df, df.assign(wnid="n00000000")], ignore_index=True)
    assert len(world.dedup(two)) == 2 * n_img


def test_summary_agrees_with_the_frames(world):
    wnids = [WHIPPET, DOG]
    s = world.collect_summary(wnids, queries_for=lemma_queries, amount=0.2, progress=False)
    for w in wnids:
        df = world.candidates(w, lemma_queries(w), amount=0.2)
        d = world.dedup(df)
        row = s.loc[w]
        assert row["raw"] == len(df) and row["unique"] == len(d)
        assert row["positives_raw"] == df["is_positive"].sum()
        assert row["raw_precision"] == pytest.approx(df["is_positive"].mean())
        pairs = len(df.drop_duplicates(["web_image_id", "variant"]))
        assert row["exact_duplicates"] == len(df) - pairs
        assert row["near_duplicates"] == pairs - len(d)


def test_amount_scales_counts(world):
    big = world.collect_summary([DOG], queries_for=lemma_queries, amount=1.0, progress=False)
    small = world.collect_summary([DOG], queries_for=lemma_queries, amount=0.1, progress=False)
    assert small.loc[DOG, "raw"] == pytest.approx(0.1 * big.loc[DOG, "raw"], rel=0.1)


def test_same_synset_same_world_in_a_smaller_hierarchy(world):
    mammals = World(load_hierarchy(("mammal",)), WorldConfig(seed=2009))
    np.testing.assert_array_equal(mammals.latent[mammals.synsets.loc[WHIPPET, "index"]],
                                  world.latent[world.synsets.loc[WHIPPET, "index"]])
    a = mammals.candidates(WHIPPET, ["whippet"], amount=0.2)
    b = world.candidates(WHIPPET, ["whippet"], amount=0.2)
    assert a["web_image_id"].tolist() == b["web_image_id"].tolist()


def test_bad_input(world):
    with pytest.raises(UserError, match="n99999999"):
        world.candidates("n99999999")
    with pytest.raises(UserError, match="amount"):
        world.candidates(WHIPPET, amount=0)
    with pytest.raises(UserError, match="query"):
        world.candidates(WHIPPET, [""])
    with pytest.raises(UserError, match="coverage"):
        from imagenet_repro.world import EngineSpec
        WorldConfig(engines=(EngineSpec("x", cap=10, coverage=2.0, relevance=1.0),))


def test_render_is_keyed_by_seed_synset_image_and_variant(world):
    a = world.render(WHIPPET, 12345)
    b = world.render(WHIPPET, 12345)
    assert a.image.dtype == np.uint8 and a.image.ndim == 3 and a.box is not None
    assert np.array_equal(a.image, b.image)
    other = world.render(WHIPPET, 12346)
    assert a.image.shape != other.image.shape or not np.array_equal(a.image, other.image)
    v = world.render(WHIPPET, 12345, variant=1)
    assert v.image.shape != a.image.shape or not np.array_equal(a.image, v.image)
    assert world.render("", 12345).box is None


def test_render_size_is_the_rendered_shape_without_rendering(world):
    for true, wid in ((WHIPPET, 12345), (DOG, 777), ("", 4242)):
        for variant in range(4):
            im = world.render(true, wid, variant=variant).image
            assert world.render_size(true, wid, variant) == (im.shape[1], im.shape[0])


def test_first_occurrences_match_numpy_unique():
    from imagenet_repro.world.web import first_occurrences

    rng = np.random.default_rng(3)
    for values in (rng.integers(0, 50, 2000), rng.integers(-5, 5, 7), np.array([], np.int64),
                   np.array([9, 9, 9]), rng.integers(0, 1 << 62, 500)):
        expected = np.sort(np.unique(values, return_index=True)[1])
        assert np.array_equal(first_occurrences(values), expected)


def test_world_spec_rebuilds_the_same_world(hier):
    """A parallel worker rebuilds the world from its spec: same searches, search assumptions
    carried over; a world whose hierarchy load_hierarchy did not build has no spec."""
    from imagenet_repro.world.model import world_from_spec

    w = World(hier, WorldConfig(seed=2009), queries=queries_for)
    spec = w.spec()
    assert spec is not None and spec.subtrees == ("mammal", "vehicle")
    again = world_from_spec(spec)
    qs = lemma_queries(WHIPPET)
    pd.testing.assert_frame_equal(again.candidates(WHIPPET, qs, amount=0.2), w.candidates(WHIPPET, qs, amount=0.2))
    junky = w.with_search_config(junk_median=4 * w.config.junk_median)
    rebuilt = world_from_spec(junky.spec())
    assert rebuilt.config == junky.config
    pd.testing.assert_frame_equal(rebuilt.candidates(WHIPPET, qs, amount=0.2), junky.candidates(WHIPPET, qs, amount=0.2))
    from imagenet_repro.hierarchy import Hierarchy

    hand = Hierarchy(hier.synsets.copy(), dict(hier.children), dict(hier.parents))
    assert World(hand, WorldConfig(seed=2009)).spec() is None
    assert World(hier, WorldConfig(seed=2009), queries=lambda w: lemma_queries(w)).spec() is None
