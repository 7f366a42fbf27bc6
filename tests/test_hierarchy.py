import numpy as np
import pytest

from imagenet_repro.errors import UserError
from imagenet_repro.hierarchy import SUBTREE_ROOTS, load_hierarchy
from imagenet_repro.wordnet import lexnames_text, synset, wnid, wordnet


def w(name: str) -> str:
    return wnid(synset(name))


def test_wordnet_is_version_3_0():
    assert wordnet().get_version() == "3.0"


def test_wnid_round_trip():
    assert w("dog.n.01") == "n02084071"
    assert synset("n02084071").name() == "dog.n.01"
    assert w("eskimo_dog.n.01") == "n02109961"


def test_unknown_synset_is_a_clear_error():
    with pytest.raises(UserError, match="n99999999"):
        synset("n99999999")
    with pytest.raises(UserError, match="not_a_synset"):
        synset("not_a_synset.n.01")


def test_lexnames_is_the_fixed_list_of_45():
    lines = lexnames_text().splitlines()
    assert len(lines) == 45
    assert lines[0] == "00\tadj.all\t3"
    assert lines[5] == "05\tnoun.animal\t1"
    assert lines[-1] == "44\tadj.ppl\t3"


def test_total_and_paper_subtree_sizes(hierarchy):
    assert len(hierarchy) == 5247
    sizes = hierarchy.stats()["synsets"]
    assert sizes.sum() == 5247
    expected = {"mammal": 1170, "vehicle": 520, "geological formation": 176, "furniture": 197,
                "bird": 872, "musical instrument": 164, "fish": 618, "reptile": 297,
                "amphibian": 96, "tool": 348, "flower": 468, "fruit": 321}
    assert sizes.to_dict() == expected
    assert list(sizes.index) == list(SUBTREE_ROOTS)


def test_subtrees_are_disjoint(hierarchy):
    assert hierarchy.synsets.index.is_unique


def test_depth_and_height_of_named_synsets(hierarchy):
    s = hierarchy.synsets
    # root = depth 1; mammal > placental > carnivore > canine > dog
    assert s.loc[w("mammal.n.01"), "depth"] == 1
    assert s.loc[w("dog.n.01"), "depth"] == 5
    assert s.loc[w("eskimo_dog.n.01"), "depth"] == 7
    assert s.loc[w("trimaran.n.01"), "depth"] == 6
    # leaf height 1; longest path down
    assert s.loc[w("eskimo_dog.n.01"), "height"] == 1
    assert s.loc[w("cat.n.01"), "height"] == 4  # cat > domestic cat > tom > gib: 4 synsets down
    assert s.loc[w("mammal.n.01"), "height"] == 10
    assert bool(s.loc[w("trimaran.n.01"), "is_leaf"])


def test_height_is_longest_path(hierarchy):
    s = hierarchy.synsets
    for x in [w("dog.n.01"), w("cat.n.01"), w("vehicle.n.01")]:
        kids = hierarchy.children[x]
        assert s.loc[x, "height"] == 1 + max(s.loc[k, "height"] for k in kids)


def test_multi_parent_depth_uses_shortest_path(hierarchy):
    s = hierarchy.synsets
    multi = s[s["n_parents"] > 1]
    assert len(multi) == hierarchy.stats()["multi_parent"].sum() > 0
    for x in multi.index[:20]:
        assert s.loc[x, "depth"] == 1 + min(s.loc[p, "depth"] for p in hierarchy.parents[x])


def test_descendants_and_paths(hierarchy):
    dog = w("dog.n.01")
    desc = hierarchy.descendants(dog)
    assert desc[0] == dog and w("eskimo_dog.n.01") in desc and w("cat.n.01") not in desc
    path = [synset(x).name() for x in hierarchy.path_from_root(w("eskimo_dog.n.01"))]
    assert path == ["mammal.n.01", "placental.n.01", "carnivore.n.01", "canine.n.02", "dog.n.01",
                    "working_dog.n.01", "eskimo_dog.n.01"]
    assert set(hierarchy.ancestors(w("eskimo_dog.n.01"))) >= set(hierarchy.path_from_root(w("eskimo_dog.n.01")))


def test_descendant_matrix_matches_descendants():
    h = load_hierarchy(("amphibian",))
    m = h.descendant_matrix()
    assert m.shape == (96, 96)
    assert m[0].sum() == 96  # the root reaches everything
    for i, x in enumerate(h.wnids[:30]):
        assert set(np.array(h.wnids)[m[i]]) == set(h.descendants(x))


def test_unknown_subtree_is_a_clear_error(hierarchy):
    with pytest.raises(UserError, match="insect"):
        load_hierarchy(("insect",))
    with pytest.raises(UserError, match="n00000000"):
        hierarchy.descendants("n00000000")


def test_sample_synsets_spreads_over_depths(hierarchy):
    from imagenet_repro.hierarchy import sample_synsets

    picked = sample_synsets(hierarchy.synsets, 10, seed=3)
    assert len(picked) == 120  # 10 in each of the 12 subtrees
    mammal = hierarchy.synsets.loc[[w for w in picked if hierarchy.synsets.at[w, "subtree"] == "mammal"]]
    assert sorted(mammal["depth"]) == list(range(1, 11))  # mammal has depths 1..10: one each
    assert picked == sample_synsets(hierarchy.synsets, 10, seed=3)
    assert picked != sample_synsets(hierarchy.synsets, 10, seed=4)
    assert sample_synsets(hierarchy.synsets, None) == hierarchy.wnids
