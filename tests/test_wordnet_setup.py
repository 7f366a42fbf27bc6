"""Finding WordNet: Debian files materialised for nltk, and clear errors when it is missing or wrong."""

import pytest

from imagenet_repro import wordnet as W
from imagenet_repro.errors import WordNetUnavailable


def test_materialise_debian_files_as_real_files_with_lexnames(tmp_path):
    src = tmp_path / "debian"
    src.mkdir()
    for f in W.REQUIRED_FILES:
        (src / f).write_text(f"content of {f}\n")
    (src / "link").symlink_to(src / "data.noun")
    target = W.materialise_debian_wordnet(src, tmp_path / "nltk_data")
    assert target == tmp_path / "nltk_data" / "corpora" / "wordnet"
    assert (target / "lexnames").read_text().splitlines()[3] == "03\tnoun.Tops\t1"
    assert (target / "data.noun").read_text() == "content of data.noun\n"
    assert not any(p.is_symlink() for p in target.iterdir())
    assert (target / "link").read_text() == "content of data.noun\n"


def test_incomplete_debian_folder_names_what_to_install(tmp_path):
    (tmp_path / "data.noun").write_text("x")
    with pytest.raises(WordNetUnavailable, match="wordnet-sense-index"):
        W.materialise_debian_wordnet(tmp_path, tmp_path / "out")


def test_missing_wordnet_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(W, "_nltk_has_wordnet", lambda: False)
    monkeypatch.setattr(W, "DEBIAN_WORDNET_DIR", tmp_path / "nothing")
    with pytest.raises(WordNetUnavailable, match="apt-get install wordnet-base wordnet-sense-index"):
        W.ensure_wordnet(allow_install=False, allow_download=False, log=lambda m: None)


def test_wrong_version_is_refused(monkeypatch):
    class Old:
        def get_version(self):
            return "2.1"

    monkeypatch.setattr(W, "wordnet", lambda: Old())
    with pytest.raises(WordNetUnavailable, match="found WordNet 2.1.*3.0"):
        W.check_version()
