"""Queries per synset (paper Sec 3.1): synonyms, the parent-gloss expansion, translations."""

import pytest

from imagenet_repro.collect import queries as Q
from imagenet_repro.errors import UserError
from imagenet_repro.wordnet import synset, wnid

WHIPPET = wnid(synset("whippet.n.01"))
DOG = wnid(synset("dog.n.01"))


def texts(qs, kind=None, language=None):
    return [q.text for q in qs if (kind is None or q.kind == kind)
            and (language is None or q.language == language)]


def test_whippet_expands_with_dog_and_greyhound():
    qs = Q.queries_for(WHIPPET, languages=["en"])
    assert texts(qs, "synonym") == ["whippet"]
    # exactly the paper's example: greyhound is the direct hypernym, dog four levels up
    assert sorted(texts(qs, "expansion")) == ["whippet dog", "whippet greyhound"]
    assert {q.source_lemma for q in qs} == {"whippet"}


def test_expansion_uses_whole_words_and_skips_words_already_in_the_synonym():
    # Siamese cat: "a slender short-haired blue-eyed breed of cat ..." -> no "Siamese cat cat"
    siamese = wnid(synset("siamese_cat.n.01"))
    assert "cat" in Q.expansion_words(siamese)
    assert "Siamese cat cat" not in texts(Q.expansions(siamese))
    # "Siamese" + "cat" is the synonym "Siamese cat" already: no expansion query at all
    assert Q.synonyms(siamese) == ["Siamese cat", "Siamese"] and Q.expansions(siamese) == []
    # dog.n.01's gloss names no ancestor of dog ("a member of the genus Canis ...")
    assert Q.expansion_words(DOG) == []


def test_synonyms_replace_underscores():
    assert Q.synonyms(DOG) == ["dog", "domestic dog", "Canis familiaris"]


@pytest.mark.parametrize("language,word", [("es", "perro"), ("it", "cane"), ("zh", "狗"),
                                           ("nl", "hond")])
def test_dog_translation_per_covered_language(language, word):
    if not Q.language_status().loc[language, "available"]:
        pytest.skip(f"{language} resource not installed: {Q.language_status().loc[language, 'reason']}")
    got = Q.translations(DOG, language)
    assert word in texts(got)
    assert all(q.kind == "translation" and q.language == language for q in got)


def test_italian_goes_through_the_wn16_mapping():
    # MultiWordNet's Italian "cane" is keyed by the WordNet 1.6 offset 01595188
    m = Q.map_wn16_to_wn30().set_index("offset16")
    assert m.loc[1595188, "offset30"] == 2084071 and m.loc[1595188, "accepted"]
    assert texts(Q.translations(WHIPPET, "it")) == ["piccolo levriero inglese"]


def test_dictionary_lookup_refuses_non_dominant_senses():
    # "plane" means airplane in 21 of 42 tagged uses: not dominant, so the carpenter's
    # plane (刨子) must not reach airplane.n.01 through it
    airplane = wnid(synset("airplane.n.01"))
    zh = texts(Q.translations(airplane, "zh"))
    assert "飞机" in zh and "刨子" not in zh
    # kite.n.04 is the bird and every sense of "kite" is untagged: the unqualified 风筝
    # (the toy) is refused, the entry "kite (small hawk)" shares "hawk" with the synset
    assert texts(Q.translations(wnid(synset("kite.n.04")), "zh")) == ["鸢"]


def test_translations_never_repeat_an_english_synonym():
    # Italian lists "Canis_familiaris" for dog: the same query string as the English one
    assert "Canis familiaris" not in texts(Q.translations(DOG, "it"))


def test_translation_coverage_counts():
    cov = Q.translation_coverage([DOG, WHIPPET, wnid(synset("kite.n.04"))])
    assert list(cov.index) == ["zh", "es", "nl", "it"]
    assert (cov["synsets"] == 3).all()
    if cov.loc["it", "available"]:
        assert cov.loc["it", "with_translation"] == 3  # cane, piccolo levriero inglese, nibbio
    if cov.loc["zh", "available"]:
        assert cov.loc["zh", "with_translation"] == 2  # dog and kite, no whippet
        assert cov.loc["zh", "share"] == pytest.approx(2 / 3)


def test_missing_dutch_dictionary_is_reported_not_invented(monkeypatch, tmp_path):
    monkeypatch.setattr(Q, "FREEDICT_DIR", tmp_path)
    Q.language_status.cache_clear()
    try:
        status = Q.language_status()
        assert not status.loc["nl", "available"]
        assert "dict-freedict-eng-nld" in status.loc["nl", "reason"]
        assert Q.translations(DOG, "nl") == []
        cov = Q.translation_coverage([DOG], ["nl"])
        assert cov.loc["nl", "with_translation"] == 0 and "apt-get" in cov.loc["nl", "note"]
    finally:
        Q.language_status.cache_clear()


@pytest.mark.parametrize("bad", ["n0208407", "dog", "x02084071", "n99999999"])
def test_bad_wnid_is_a_user_error(bad):
    with pytest.raises(UserError):
        Q.queries_for(bad)


def test_unknown_language_is_a_user_error():
    with pytest.raises(UserError, match="fr"):
        Q.queries_for(DOG, languages=["en", "fr"])


def test_coverage_from_a_queries_frame_equals_the_lookup():
    wnids = [DOG, WHIPPET, wnid(synset("kite.n.04")), wnid(synset("airplane.n.01"))]
    qf = Q.queries_frame(wnids)
    assert set(qf.columns) >= {"wnid", "text", "language", "kind", "source_lemma"}
    assert (qf.loc[qf["wnid"] == WHIPPET, "text"].tolist()[:3]
            == ["whippet", "whippet greyhound", "whippet dog"])
    a = Q.translation_coverage(wnids)
    b = Q.translation_coverage(wnids, queries=qf)
    assert a["with_translation"].tolist() == b["with_translation"].tolist()


def test_queries_for_reads_the_paper_queries_table_when_present(monkeypatch):
    """A synset in the cached table of every synset's queries gets the table's queries; one
    outside it, or a call for fewer languages, is computed as always."""
    key, _ = Q._paper_queries_key()
    planted = (Q.Query("planted query", "en"),)
    monkeypatch.setattr(Q, "_PAPER_QUERIES", {key: {WHIPPET: planted}})
    assert Q.queries_for(WHIPPET) == list(planted)
    assert Q.queries_for(DOG) == Q._compute_queries_for(DOG, list(Q.LANGUAGES))
    assert sorted(texts(Q.queries_for(WHIPPET, languages=["en"]), "expansion")) == ["whippet dog", "whippet greyhound"]
