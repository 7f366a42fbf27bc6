"""The ReaL re-annotation of the ILSVRC-2012 validation set: real votes on real ImageNet images.

Why here: it is the closest offline analogue of the paper's Mechanical Turk task ("does this
image contain a <synset>?"), so the paper's cleaning method (crowd/) can run on real votes, and
the ILSVRC labels can be judged by independent raters as the paper's Fig 4 did. The files
(``data/reassessed_imagenet/``, provenance and caveats in ``data/README.md``) hold, per rater
file, a tensor R x N x 3 (rater r answered question n with no / maybe / yes) and the questions
(validation file name, class index). This module turns them into the artifact's vote table,
one row per vote, vectorised (no loop per vote): columns wnid, image_id, worker_id, vote, plus
question (an id shared by every file: the question's row in ``raters.npz``), label_index and
answer (0 no, 1 maybe, 2 yes).

"maybe" is a third answer the paper's task did not have; ``maybe`` maps it:

- ``"no"`` (default): the paper's workers *selected* the images that show the synset (Sec 3.2),
  so an image a worker is unsure about stays unselected, which the paper's tally counts as no;
- ``"yes"``: unsure counts for the synset;
- ``"drop"``: the answer is not a vote (the question has fewer votes).

An image here is a candidate of several synsets (one question per proposed label), so the
artifact's candidate is a question: (wnid, image_id) together identify it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import DATA_DIR
from ..errors import InputDataError, UserError

REASSESSED_DIR = DATA_DIR / "reassessed_imagenet"
ANSWERS = ("no", "maybe", "yes")
MAYBE_CHOICES = ("no", "yes", "drop")
DEFAULT_MAYBE = "no"
RATER_FILES = {"raters": "raters.npz", "golden": "golden.npz", "raters_golden": "raters_golden.npz"}
N_VALIDATION_IMAGES = 50_000
N_CLASSES = 1000
VOTE_COLUMNS = ("wnid", "image_id", "worker_id", "vote", "question", "label_index", "answer")
_WNID = re.compile(r"^n\d{8}$")


def _file(root: Path | str, name: str) -> Path:
    path = Path(root) / name
    if not path.is_file():
        raise InputDataError(f"{path}: missing; copy the ReaL files into {Path(root)} "
                             "(see data/README.md, section reassessed_imagenet/)")
    return path


def val_image_id(index: np.ndarray | int) -> np.ndarray | str:
    """The file name of validation image ``index`` (0-based): ILSVRC2012_val_<index+1>.JPEG."""
    if np.ndim(index) == 0:
        return f"ILSVRC2012_val_{int(index) + 1:08d}.JPEG"
    return np.char.add(np.char.add("ILSVRC2012_val_", np.char.zfill((np.asarray(index) + 1).astype(str), 8)),
                       ".JPEG")


def load_wnids(root: Path | str = REASSESSED_DIR) -> list[str]:
    """The 1,000 ILSVRC-2012 wnids; class index i is the i-th (the standard sorted order)."""
    path = _file(root, "ilsvrc2012_wnids.txt")
    wnids = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    bad = [i + 1 for i, w in enumerate(wnids) if not _WNID.match(w)]
    if bad:
        raise InputDataError(f"{path}:{bad[0]}: not a wnid ({wnids[bad[0] - 1]!r})")
    if len(wnids) != N_CLASSES or len(set(wnids)) != N_CLASSES or wnids != sorted(wnids):
        raise InputDataError(f"{path}: expected {N_CLASSES} distinct sorted wnids, got {len(wnids)}")
    return wnids


def load_ilsvrc_labels(root: Path | str = REASSESSED_DIR) -> pd.DataFrame:
    """The original ILSVRC-2012 label of each validation image: image_id, label_index, wnid."""
    path = _file(root, "ilsvrc2012_val_labels.csv")
    df = pd.read_csv(path, dtype={"filename": str, "label_index": np.int64, "wnid": str})
    missing = {"filename", "label_index", "wnid"} - set(df.columns)
    if missing:
        raise InputDataError(f"{path}:1: missing column(s) {', '.join(sorted(missing))}")
    wnids = np.array(load_wnids(root))
    if len(df) != N_VALIDATION_IMAGES or not (df["filename"].to_numpy() == val_image_id(np.arange(len(df)))).all():
        raise InputDataError(f"{path}: expected the {N_VALIDATION_IMAGES:,} validation files in order")
    bad = np.flatnonzero((df["label_index"] < 0) | (df["label_index"] >= N_CLASSES)
                         | (wnids[df["label_index"].clip(0, N_CLASSES - 1)] != df["wnid"].to_numpy()))
    if len(bad):
        raise InputDataError(f"{path}:{bad[0] + 2}: label {df['label_index'].iat[bad[0]]} does not match "
                             f"wnid {df['wnid'].iat[bad[0]]} of ilsvrc2012_wnids.txt")
    return df.rename(columns={"filename": "image_id"})


def load_real_labels(root: Path | str = REASSESSED_DIR) -> pd.DataFrame:
    """The ReaL label set of each validation image: image_id, labels (tuple of class indices),
    n_labels (0: no label fits the image)."""
    path = _file(root, "real.json")
    sets = json.loads(path.read_text())
    if len(sets) != N_VALIDATION_IMAGES:
        raise InputDataError(f"{path}: expected {N_VALIDATION_IMAGES:,} label sets, got {len(sets)}")
    return pd.DataFrame({"image_id": val_image_id(np.arange(len(sets))),
                         "labels": [tuple(int(x) for x in s) for s in sets],
                         "n_labels": np.fromiter((len(s) for s in sets), np.int64, len(sets))})


def image_index(image_id: pd.Series | np.ndarray) -> np.ndarray:
    """The 0-based index of validation file names ILSVRC2012_val_<index+1>.JPEG (vectorised)."""
    s = pd.Series(np.asarray(image_id, dtype=object)).str.slice(15, 23)
    return pd.to_numeric(s, errors="raise").to_numpy(np.int64) - 1


def question_key(image_id: pd.Series | np.ndarray, label_index: pd.Series | np.ndarray) -> np.ndarray:
    """One integer per (validation image, class) pair: image index * 1000 + class index."""
    return image_index(image_id) * N_CLASSES + np.asarray(label_index, np.int64)


def real_label_pairs(real: pd.DataFrame) -> pd.DataFrame:
    """The ReaL sets as one row per (image_id, label_index)."""
    n = real["n_labels"].to_numpy()
    flat = np.fromiter((x for s in real["labels"] for x in s), np.int64, int(n.sum()))
    return pd.DataFrame({"image_id": np.repeat(real["image_id"].to_numpy(), n), "label_index": flat})


# ---------------------------------------------------------------- rater answers -> votes

@dataclass(frozen=True)
class RaterAnswers:
    """One rater file as long rows (every answer, "maybe" kept as answer 1)."""

    name: str
    answers: pd.DataFrame  # question, image_id, label_index, wnid, worker_id, rater, answer
    questions: pd.DataFrame  # question, image_id, label_index, wnid (this file's order)
    raters: np.ndarray  # rater ids

    @property
    def n_votes(self) -> int:
        return len(self.answers)


def _main_questions(root: Path | str) -> pd.Index:
    with np.load(_file(root, RATER_FILES["raters"]), allow_pickle=False) as z:
        info = z["info"]
    return pd.Index(np.char.add(np.char.add(info[:, 0], "|"), info[:, 1]))


def _read_answers(name: str, root: Path | str) -> pd.DataFrame:
    path = _file(root, RATER_FILES[name])
    with np.load(path, allow_pickle=False) as z:
        missing = {"tensor", "info", "ids"} - set(z.files)
        if missing:
            raise InputDataError(f"{path}: missing array(s) {', '.join(sorted(missing))}")
        tensor, info, ids = z["tensor"], z["info"], z["ids"]
    if tensor.ndim != 3 or tensor.shape[2] != 3 or tensor.shape[:2] != (len(ids), len(info)):
        raise InputDataError(f"{path}: tensor of shape {tensor.shape} does not match {len(ids)} raters "
                             f"x {len(info)} questions x 3 answers")
    counts = tensor.sum(axis=2)
    if ((counts != 0) & (counts != 1)).any():
        raise InputDataError(f"{path}: a rater gave more than one answer to a question")
    q, r = np.nonzero(counts.T > 0)  # question-major: each question's answers together
    answer = tensor[r, q].argmax(axis=1).astype(np.int8)
    del tensor, counts
    label = info[:, 1].astype(np.int64)
    if (label < 0).any() or (label >= N_CLASSES).any():
        raise InputDataError(f"{path}: class index outside 0-999")
    question = np.arange(len(info))
    if name != "raters":  # golden files: the id of the same question in raters.npz
        question = _main_questions(root).get_indexer(np.char.add(np.char.add(info[:, 0], "|"), info[:, 1]))
        if (question < 0).any():
            raise InputDataError(f"{path}: {int((question < 0).sum())} questions are not in raters.npz")
    wnids = np.array(load_wnids(root))
    return pd.DataFrame({"question": question[q].astype(np.int64), "image_id": info[q, 0],
                         "label_index": label[q], "wnid": wnids[label[q]],
                         "worker_id": ids[r].astype(str), "rater": ids[r].astype(np.int64), "answer": answer})


def load_answers(name: str = "raters", root: Path | str = REASSESSED_DIR,
                 cache_dir: Path | None | str = "default") -> RaterAnswers:
    """Every answer of one rater file ("raters", "golden" or "raters_golden"), as long rows.

    Cached as parquet (keyed by the file's SHA-256): decompressing the 85 x 184,962 x 3 tensor
    takes a few seconds, reading the cache a fraction of one."""
    from ..cache import cached_frame
    from ..config import CACHE_DIR
    from ..results import sha256

    if name not in RATER_FILES:
        raise UserError(f"unknown rater file {name!r}: choose one of {', '.join(RATER_FILES)}")
    path = _file(root, RATER_FILES[name])
    params = {"file": RATER_FILES[name], "sha256": sha256(path)}
    if name != "raters":
        params["main_sha256"] = sha256(_file(root, RATER_FILES["raters"]))
    df = cached_frame(f"reassessed-{name}", params, lambda: _read_answers(name, root),
                      CACHE_DIR if cache_dir == "default" else (None if cache_dir is None else Path(cache_dir)))
    questions = (df.drop_duplicates("question")[["question", "image_id", "label_index", "wnid"]]
                 .reset_index(drop=True))
    return RaterAnswers(name, df, questions, np.unique(df["rater"].to_numpy()))


def to_votes(answers: pd.DataFrame, maybe: str = DEFAULT_MAYBE) -> pd.DataFrame:
    """The artifact's vote table from answers: vote 1 for yes (and for maybe if maybe="yes"),
    0 for no (and maybe if maybe="no"); maybe="drop" removes the maybe answers."""
    if maybe not in MAYBE_CHOICES:
        raise UserError(f"maybe must be one of {', '.join(map(repr, MAYBE_CHOICES))}, not {maybe!r}")
    a = answers["answer"].to_numpy()
    keep = a != 1 if maybe == "drop" else np.ones(len(a), bool)
    vote = ((a == 2) | ((a == 1) & (maybe == "yes"))).astype(np.int8)
    out = answers.loc[keep, ["wnid", "image_id", "worker_id", "question", "label_index", "answer", "rater"]]
    out.insert(3, "vote", vote[keep])
    return out.reset_index(drop=True)


def load_rater_votes(maybe: str = DEFAULT_MAYBE, root: Path | str = REASSESSED_DIR) -> pd.DataFrame:
    """All 924,810 votes of the 85 raters (fewer with maybe="drop")."""
    return to_votes(load_answers("raters", root).answers, maybe)


def load_golden_votes(maybe: str = DEFAULT_MAYBE, root: Path | str = REASSESSED_DIR) -> pd.DataFrame:
    """The 78 raters' votes on each of the 1,135 golden questions (the >= 10-vote subset)."""
    return to_votes(load_answers("raters_golden", root).answers, maybe)


def load_expert_answers(root: Path | str = REASSESSED_DIR) -> pd.DataFrame:
    """The 5 experts on each golden question: question, image_id, label_index, wnid, experts,
    expert_yes, expert_maybe, truth (a strict majority of the experts said yes) and expert_share
    (the share that said yes): the only truth independent of the raters' votes."""
    a = load_answers("golden", root).answers
    g = a.assign(yes=a["answer"] == 2, maybe=a["answer"] == 1).groupby("question", sort=True)
    out = g.agg(image_id=("image_id", "first"), label_index=("label_index", "first"), wnid=("wnid", "first"),
                experts=("answer", "size"), expert_yes=("yes", "sum"), expert_maybe=("maybe", "sum"))
    out["truth"] = 2 * out["expert_yes"] > out["experts"]
    out["expert_share"] = out["expert_yes"] / out["experts"]
    return out.reset_index()


def load_scores(root: Path | str = REASSESSED_DIR) -> pd.DataFrame:
    """ReaL's own Dawid-Skene posterior of each question: question, image_id, label_index, score."""
    path = _file(root, "scores.npz")
    with np.load(path, allow_pickle=False) as z:
        score, info = z["tensor"], z["info"]
    return pd.DataFrame({"question": np.arange(len(info)), "image_id": info[:, 0],
                         "label_index": info[:, 1].astype(np.int64), "score": score})


# ---------------------------------------------------------------- classes in the paper's subtrees

def class_table(root: Path | str = REASSESSED_DIR, cache_dir: Path | None | str = "default") -> pd.DataFrame:
    """The 1,000 classes: label_index -> wnid -> synset, its subtree among the paper's 12 ("" when
    outside them), depth in that subtree (root = 1; 0 outside) and WordNet depth from
    entity.n.01 (= 1, the same convention: synsets on the shortest path). Cached (building the
    12 subtrees from WordNet takes seconds)."""
    from ..cache import cached_frame
    from ..config import CACHE_DIR
    from ..results import sha256

    path = _file(root, "ilsvrc2012_wnids.txt")
    return cached_frame("reassessed-classes", {"sha256": sha256(path)}, lambda: _class_table(root),
                        CACHE_DIR if cache_dir == "default" else (None if cache_dir is None else Path(cache_dir)))


def _class_table(root: Path | str) -> pd.DataFrame:
    from ..hierarchy import load_hierarchy
    from ..wordnet import wordnet

    h = load_hierarchy()
    wn = wordnet()
    wnids = load_wnids(root)
    syn = [wn.synset_from_pos_and_offset("n", int(w[1:])) for w in wnids]  # per class
    s = h.synsets[~h.synsets.index.duplicated()].reindex(wnids)
    return pd.DataFrame({
        "label_index": np.arange(len(wnids)), "wnid": wnids, "name": [x.name() for x in syn],
        "lemma": [x.lemmas()[0].name().replace("_", " ") for x in syn],
        "subtree": s["subtree"].fillna("").to_numpy(),
        "depth": s["depth"].fillna(0).astype(np.int64).to_numpy(),
        "wordnet_depth": [x.min_depth() + 1 for x in syn],
    }).set_index("label_index")


def subtree_coverage(classes: pd.DataFrame) -> pd.DataFrame:
    """How many of the 1,000 classes fall in each of the paper's subtrees (and outside)."""
    from ..paper import SUBTREES

    counts = classes["subtree"].replace("", "(outside the 12 subtrees)").value_counts()
    order = [s for s in SUBTREES if s in counts.index] + ["(outside the 12 subtrees)"]
    out = pd.DataFrame({"classes": counts.reindex(order).fillna(0).astype(int)})
    out["share"] = out["classes"] / len(classes)
    out.index.name = "subtree"
    return out
