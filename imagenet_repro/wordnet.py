"""Finding and loading WordNet 3.0 through nltk; wnid <-> synset.

ImageNet 2009 is built on WordNet 3.0, and wnids are its noun offsets, so any other
version would silently give other synsets. Where the data comes from, in order:

1. nltk's own installed ``wordnet`` corpus (anywhere on nltk's data path);
2. Debian's ``wordnet-base`` + ``wordnet-sense-index`` files in /usr/share/wordnet
   (installed with apt-get when we run as root and they are missing), copied as real
   files into the project's ``.nltk_data/corpora/wordnet`` with the ``lexnames`` file
   that Debian lacks written out;
3. nltk's downloader, when the network allows;
4. otherwise a clear error saying what to install.

nltk only reads folders on its data path, so the project folder is put on ``NLTK_DATA``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .config import PROJECT_ROOT
from .errors import UserError, WordNetUnavailable

if TYPE_CHECKING:  # pragma: no cover
    from nltk.corpus.reader.wordnet import Synset, WordNetCorpusReader

WORDNET_VERSION = "3.0"
NLTK_DATA_DIR = PROJECT_ROOT / ".nltk_data"
DEBIAN_WORDNET_DIR = Path("/usr/share/wordnet")
DEBIAN_PACKAGES = ("wordnet-base", "wordnet-sense-index")
# Files nltk's reader opens; Debian ships all but lexnames.
REQUIRED_FILES = (
    "data.noun", "index.noun", "data.verb", "index.verb", "data.adj", "index.adj",
    "data.adv", "index.adv", "noun.exc", "verb.exc", "adj.exc", "adv.exc", "index.sense",
)
# The 45 lexicographer files of WordNet 3.0 (lexnames(5WN)), in their fixed order.
LEXNAMES = (
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal",
    "noun.artifact", "noun.attribute", "noun.body", "noun.cognition",
    "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
    "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon",
    "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
    "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body",
    "verb.change", "verb.cognition", "verb.communication", "verb.competition",
    "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
    "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather",
    "adj.ppl",
)
_LEX_CATEGORY = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}
WNID_RE = re.compile(r"^n\d{8}$")


def lexnames_text() -> str:
    return "".join(
        f"{i:02d}\t{name}\t{_LEX_CATEGORY[name.split('.')[0]]}\n"
        for i, name in enumerate(LEXNAMES)
    )


def _add_to_nltk_path(folder: Path) -> None:
    import nltk

    folder_s = str(folder)
    if folder_s not in nltk.data.path:
        nltk.data.path.insert(0, folder_s)
    current = os.environ.get("NLTK_DATA", "")
    if folder_s not in current.split(os.pathsep):
        os.environ["NLTK_DATA"] = os.pathsep.join(p for p in (folder_s, current) if p)


def _nltk_has_wordnet() -> bool:
    import nltk

    try:
        nltk.data.find("corpora/wordnet")
        return True
    except LookupError:
        try:
            nltk.data.find("corpora/wordnet.zip")
            return True
        except LookupError:
            return False


def _apt_install_debian_wordnet(log=print) -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    log(f"installing {' '.join(DEBIAN_PACKAGES)} with apt-get ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *DEBIAN_PACKAGES]):
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            log(f"{' '.join(cmd)} failed: {proc.stderr.strip()[-300:]}")
            return False
    return True


def materialise_debian_wordnet(source: Path = DEBIAN_WORDNET_DIR,
                               target_root: Path = NLTK_DATA_DIR) -> Path:
    """Copy Debian's WordNet files as real files into an nltk data folder, adding lexnames."""
    missing = [f for f in REQUIRED_FILES if not (source / f).is_file()]
    if missing:
        raise WordNetUnavailable(
            f"{source} lacks {', '.join(missing)}: install the Debian packages "
            f"{' '.join(DEBIAN_PACKAGES)} (apt-get install {' '.join(DEBIAN_PACKAGES)})"
        )
    target = target_root / "corpora" / "wordnet"
    tmp = target.with_name("wordnet.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for f in sorted(source.iterdir()):
        if f.is_file():
            shutil.copyfile(f.resolve(), tmp / f.name)  # real files, never symlinks
    (tmp / "lexnames").write_text(lexnames_text())
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    return target


def ensure_wordnet(allow_install: bool = True, allow_download: bool = True, log=print) -> str:
    """Make WordNet 3.0 loadable by nltk; return where it came from."""
    _add_to_nltk_path(NLTK_DATA_DIR)
    if _nltk_has_wordnet():
        source = "nltk data path"
    else:
        if not (DEBIAN_WORDNET_DIR / "data.noun").is_file() and allow_install:
            _apt_install_debian_wordnet(log)
        if (DEBIAN_WORDNET_DIR / "data.noun").is_file():
            materialise_debian_wordnet()
            source = f"Debian {' + '.join(DEBIAN_PACKAGES)} ({DEBIAN_WORDNET_DIR})"
        elif allow_download and _try_nltk_download(log):
            source = "nltk downloader"
        else:
            raise WordNetUnavailable(
                "WordNet 3.0 not found. Install it with "
                f"`sudo apt-get install {' '.join(DEBIAN_PACKAGES)}` (Debian/Ubuntu) or "
                f"`python -m nltk.downloader -d {NLTK_DATA_DIR} wordnet`, then re-run."
            )
    check_version()
    return source


def _try_nltk_download(log=print) -> bool:
    import nltk

    try:
        return bool(nltk.download("wordnet", download_dir=str(NLTK_DATA_DIR), quiet=True,
                                  raise_on_error=True)) and _nltk_has_wordnet()
    except Exception as exc:  # no network here is the normal case
        log(f"nltk downloader failed: {exc}")
        return False


def check_version() -> None:
    version = wordnet().get_version()
    if version != WORDNET_VERSION:
        raise WordNetUnavailable(
            f"found WordNet {version}, but ImageNet 2009 uses WordNet {WORDNET_VERSION}: "
            f"install {' '.join(DEBIAN_PACKAGES)} or nltk's 'wordnet' corpus (3.0)"
        )


@lru_cache(maxsize=1)
def wordnet() -> "WordNetCorpusReader":
    """nltk's WordNet reader, made loadable first if needed."""
    _add_to_nltk_path(NLTK_DATA_DIR)
    from nltk.corpus import wordnet as wn

    try:
        wn.ensure_loaded()
    except LookupError:
        ensure_wordnet(log=lambda m: print(m, file=sys.stderr))
        from nltk.corpus import wordnet as wn

        wn.ensure_loaded()
    return wn


def wnid(synset: "Synset") -> str:
    """'n' + the 8-digit WordNet 3.0 offset: dog.n.01 -> n02084071."""
    return f"{synset.pos()}{synset.offset():08d}"


def lemma(synset: "Synset") -> str:
    """The synset's first lemma in words ("Labrador retriever"): how tables name a synset."""
    return synset.lemmas()[0].name().replace("_", " ")


def synset(wnid_or_name: str) -> "Synset":
    """The synset of a wnid ('n02084071') or a synset name ('dog.n.01')."""
    wn = wordnet()
    key = wnid_or_name.strip()
    found = None
    try:
        with warnings.catch_warnings():  # nltk warns and returns None for a missing offset
            warnings.simplefilter("ignore")
            if WNID_RE.match(key):
                found = wn.synset_from_pos_and_offset("n", int(key[1:]))
            else:
                found = wn.synset(key)
    except Exception:
        found = None
    if found is None:
        raise UserError(
            f"unknown synset {wnid_or_name!r}: give a wnid like n02084071 or a name like dog.n.01"
        )
    return found


if __name__ == "__main__":  # python -m imagenet_repro.wordnet: set up and report
    try:
        where = ensure_wordnet()
    except WordNetUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(f"WordNet {WORDNET_VERSION} ready (from {where})")
