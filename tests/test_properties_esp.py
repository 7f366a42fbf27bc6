import pandas as pd
import pytest

from imagenet_repro.properties.esp import (ESPConfig, basic_level, basic_word, most_frequent_sense,
                                      simulate_esp, synset_word)
from imagenet_repro.errors import UserError
from imagenet_repro.wordnet import synset, wnid


def w(name: str) -> str:
    return wnid(synset(name))


@pytest.mark.parametrize("name, word, basic", [
    ("siamese_cat.n.01", "cat", "cat.n.01"),
    ("eskimo_dog.n.01", "dog", "dog.n.01"),
    ("house_sparrow.n.01", "bird", "bird.n.01"),  # the paper's example: bird, not sparrow
    ("cab.n.03", "car", "car.n.01"),
    ("friesian.n.01", "cattle", "cattle.n.01"),
    ("grizzly.n.01", "bear", "bear.n.01"),
    ("tiger.n.02", "tiger", "tiger.n.02"),
])
def test_basic_level_rule_on_named_examples(hierarchy, name, word, basic):
    assert basic_word(w(name), hierarchy) == word
    assert basic_level(w(name), hierarchy) == w(basic)


def test_word_frequency_prefers_single_words_and_common_senses():
    assert synset_word(w("eskimo_dog.n.01"))[0] == "husky"  # not "eskimo dog"
    assert synset_word(w("house_sparrow.n.01"))[0] == "house sparrow"  # no single-word lemma
    # dog.n.01 is the most frequent sense of "dog", so its frequency is higher than husky's
    assert synset_word(w("dog.n.01"))[1] > synset_word(w("eskimo_dog.n.01"))[1]


def test_reading_a_word_back_takes_its_most_frequent_sense():
    assert most_frequent_sense("cat") == w("cat.n.01")
    assert most_frequent_sense("tiger") == w("tiger.n.01")  # "a fierce or audacious person"
    assert most_frequent_sense("no such word here") == ""


def test_a_siamese_cat_image_is_labelled_cat(hierarchy):
    pool = pd.Series({w("siamese_cat.n.01"): 500})
    r = simulate_esp(pool, hierarchy, ESPConfig(p_subordinate=0.0, p_superordinate=0.0))
    assert r.labels[["word", "meant", "mapped", "images"]].values.tolist() == [
        ["cat", w("cat.n.01"), w("cat.n.01"), 500]]
    s = r.summary()
    assert s["labelled"] == 500 and s["share_basic"] == 1.0 and s["disambiguation_errors"] == 0
    assert r.counts(hierarchy).to_dict() == {w("cat.n.01"): 500}


def test_undisambiguated_words_are_counted_as_errors(hierarchy):
    pool = pd.Series({w("tiger.n.02"): 300, w("siamese_cat.n.01"): 100})
    r = simulate_esp(pool, hierarchy, ESPConfig(p_subordinate=0.0, p_superordinate=0.0))
    s = r.summary()
    # every tiger label ("tiger") is read as the person sense, outside the mammal subtree
    assert s["disambiguation_errors"] == 300 and s["mapped_outside_hierarchy"] == 300
    assert s["share_disambiguation_errors"] == pytest.approx(0.75)
    assert r.counts(hierarchy).to_dict() == {w("cat.n.01"): 100}


def test_agreement_rate_matches_the_hand_computed_value(hierarchy):
    # trimaran: basic level "vehicle" (the root), five synsets below it, none above.
    # One word each, p_sub = 0.5: P(match) = 0.5^2 + 5 * 0.1^2 = 0.30.
    t = w("trimaran.n.01")
    assert basic_level(t, hierarchy) == w("vehicle.n.01")
    r = simulate_esp(pd.Series({t: 20000}), hierarchy,
                     ESPConfig(p_subordinate=0.5, p_superordinate=0.0, words_per_player=1))
    assert r.summary()["share_labelled"] == pytest.approx(0.30, abs=0.012)
    assert r.unlabelled[t] + r.summary()["labelled"] == 20000


def test_game_is_deterministic_per_synset(hierarchy):
    a = simulate_esp(pd.Series({w("siamese_cat.n.01"): 200}), hierarchy)
    b = simulate_esp(pd.Series({w("siamese_cat.n.01"): 200, w("eskimo_dog.n.01"): 50}), hierarchy)
    sa = a.labels.sort_values(["meant", "level"]).reset_index(drop=True)
    sb = b.labels[b.labels["true"] == w("siamese_cat.n.01")].sort_values(["meant", "level"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(sa, sb)


def test_bad_config_and_unknown_synsets_are_clear_errors(hierarchy):
    with pytest.raises(UserError, match="sum to <= 1"):
        ESPConfig(p_subordinate=0.7, p_superordinate=0.5)
    with pytest.raises(UserError, match="n99999999"):
        simulate_esp(pd.Series({"n99999999": 3}), hierarchy)


def test_image_pools_keep_one_subtree_of_each_version(hierarchy):
    from imagenet_repro.properties.esp import image_pools

    dog, husky, truck = w("dog.n.01"), w("eskimo_dog.n.01"), w("truck.n.01")
    real = pd.Series({dog: 7, husky: 3, truck: 9})
    clean = pd.DataFrame({"true_wnid": [husky, husky, dog, truck, ""]})
    pools = image_pools(hierarchy, real, clean, "mammal")
    assert pools["real"].to_dict() == {dog: 7, husky: 3}
    assert pools["simulated"].to_dict() == {dog: 1, husky: 2}


def test_esp_claims_from_a_hand_result(tmp_path):
    from imagenet_repro.properties.claims import record_esp_claims
    from imagenet_repro.properties.esp import ESPResult
    from imagenet_repro.results import INFO, ResultWriter

    labels = pd.DataFrame({"level": ["basic", "subordinate", "basic"], "images": [6, 1, 1],
                           "error": [False, False, True], "in_hierarchy": [True, True, False]})
    r = ESPResult(labels, pd.Series([10]), pd.Series([2]), ESPConfig(p_subordinate=0.2, p_superordinate=0.05))
    out = ResultWriter("03_test", results_dir=tmp_path)
    record_esp_claims(out, {"real": r})
    c = {x.id: x for x in out.claims}
    assert list(c) == ["esp.real.share_basic", "esp.real.disambiguation_errors"]
    assert c["esp.real.share_basic"].reproduced == 0.875  # 7 of 8 labels
    assert c["esp.real.disambiguation_errors"].reproduced == 0.125
    assert c["esp.real.share_basic"].note == "simulated players on the real ImageNet mammal images; p_sub=0.2, p_super=0.05"
    assert c["esp.real.share_basic"].verdict == INFO
