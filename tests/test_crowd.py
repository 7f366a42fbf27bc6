"""Crowd cleaning (Sec 3.2): confidence tables, dynamic consensus, baselines, votes CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imagenet_repro import paper
from imagenet_repro.crowd import (ConsensusConfig, FitSynset, MatrixVotes,
                                  SimulatedVotes, WorkerModel, WorkerPool, clean_from_votes,
                                  clean_synsets, confidence_table, cost_precision, dawid_skene,
                                  dynamic_consensus, expected_table, fit_worker_model,
                                  load_clean_set, majority_vote, make_task, read_votes_csv,
                                  table_from_votes)
from imagenet_repro.errors import InputDataError, UserError

PERFECT = WorkerModel(share_careful=1.0, share_careless=0.0, share_spammer=0.0, skill_careful=60.0,
                      skill_sd=0.0, beta_difficulty=0.0, beta_confusability=0.0, beta_similarity=0.0,
                      n_workers=50)
SPAMMERS = WorkerModel(share_careful=0.0, share_careless=0.0, share_spammer=1.0, n_workers=200)


def candidates(n: int, precision: float, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pos = np.zeros(n, bool)
    pos[rng.choice(n, int(round(precision * n)), replace=False)] = True
    sim = np.where(pos, 1.0, np.where(rng.random(n) < 0.2, rng.uniform(0.3, 0.9, n), 0.0))
    return pd.DataFrame({"candidate_id": np.arange(n, dtype=np.int64) + 1000 * seed,
                         "web_image_id": np.arange(n, dtype=np.int64), "variant": np.int16(0),
                         "true_wnid": np.where(pos, "n1", ""), "is_positive": pos,
                         "similarity": sim.astype(np.float32),
                         "difficulty": rng.beta(2, 5, n).astype(np.float32)})


# ---------------------------------------------------------------- confidence tables

def test_confidence_table_by_hand():
    # image A votes 1,1,1,0 (good); B 0,0,1,0 (bad); C 1,0 (good)
    yes, total, good = np.array([3, 1, 1]), np.array([4, 4, 2]), np.array([1.0, 0.0, 1.0])
    t = confidence_table(yes, total, good, size=4)
    # T[1,0]: weights Y/M = 3/4, 1/4, 1/2 -> (3/4 + 1/2) / (3/2)
    assert t.values[1, 0] == pytest.approx(1.25 / 1.5)
    assert t.values[0, 1] == pytest.approx(0.75 / 1.5)  # weights N/M = 1/4, 3/4, 1/2
    assert t.values[1, 1] == pytest.approx(1.5 / 2.0)  # weights YN/C(M,2) = 1/2, 1/2, 1
    assert t.values[2, 0] == pytest.approx(1.0)  # only A has two yes votes
    assert t.values[0, 2] == pytest.approx(0.0)  # only B has two no votes
    assert t.values[3, 1] == pytest.approx(1.0)
    assert t.weight[2, 2] == 0 and t.values[2, 2] == pytest.approx(2 / 3)  # empty: base rate
    assert t.values[0, 0] == pytest.approx(2 / 3)
    assert t.weight[1, 0] == pytest.approx(1.5)
    # smoothing: one pseudo-image at the base rate 2/3
    ts = confidence_table(yes, total, good, size=4, smoothing=1.0)
    assert ts.values[1, 0] == pytest.approx((1.25 + 2 / 3) / 2.5)
    # majority labels: A yes (3 of 4), B no, C a tie (1/2)
    tm = table_from_votes(yes, total, ConsensusConfig(initial_votes=4, max_votes=4,
                                                      labels="majority", smoothing=0.0))
    assert tm.values[1, 0] == pytest.approx((0.75 + 0.25) / 1.5)


def test_fig7_reference_values():
    assert paper.FIG7.set_index(["yes", "no"]).loc[(2, 1)].tolist() == [0.85, 0.68]
    assert len(paper.FIG7) == 7


# ---------------------------------------------------------------- simulated votes

def test_votes_same_whoever_asks_and_no_repeat_worker():
    pool = WorkerPool.create(WorkerModel(n_workers=30), seed=3)
    df = candidates(400, 0.3, seed=1)
    task = make_task(pool.model, "n1", df, 0.9, 0.5)
    a, b = SimulatedVotes(pool, task, 7), SimulatedVotes(pool, task, 7)
    rows = np.array([5, 17, 300])
    lazy = [a.slot(j, rows) for j in range(4)]
    wb, vb = b.matrix(4)
    for j in range(4):
        assert np.array_equal(lazy[j][0], wb[rows, j]) and np.array_equal(lazy[j][1], vb[rows, j])
    assert a.simulated == 12 and b.simulated == 1600
    wsorted = np.sort(wb, axis=1)
    assert not (wsorted[:, 1:] == wsorted[:, :-1]).any()  # never the same worker twice on an image


def test_perfect_workers_accept_exactly_the_positives_with_fewest_votes():
    pool = WorkerPool.create(PERFECT, seed=1)
    df = candidates(500, 0.2)
    cfg = ConsensusConfig(n_initial=100, initial_votes=10)
    res = dynamic_consensus(SimulatedVotes(pool, make_task(PERFECT, "n1", df, 1.0, 0.0), 5), cfg, "n1", 5)
    assert np.array_equal(res.accepted, df["is_positive"].to_numpy())
    assert res.consensus
    assert res.total_votes == 100 * 10 + 400 * 1  # the subset's 10 each, then one vote decides
    assert res.table.votes_to_reach(0.99) == 1


def test_pure_spammers_never_reach_consensus():
    pool = WorkerPool.create(SPAMMERS, seed=2)
    cfg = ConsensusConfig()
    for s in range(8):
        df = candidates(300, 0.3, seed=s)
        wnid = f"n{s}"
        res = dynamic_consensus(SimulatedVotes(pool, make_task(SPAMMERS, wnid, df, 1.0, 0.0), 9), cfg, wnid, 9)
        assert not res.consensus and res.accepted.sum() == 0
        assert res.table.max_confidence() < 0.9
        assert res.total_votes == 100 * 10  # no votes spent beyond the initial subset


def test_harder_synset_needs_more_votes():
    model = WorkerModel()
    pool = WorkerPool.create(model, seed=4)
    df = candidates(3000, 0.3, seed=4)
    easy = expected_table(pool, FitSynset("n1", "cat.n.01", df, 1.0, 0.5), size=3)
    hard = expected_table(pool, FitSynset("n1", "cat.n.01", df, 1.0, 0.99), size=3)
    assert easy[1, 0] > hard[1, 0] and easy[3, 0] > hard[3, 0]
    assert easy[0, 0] == pytest.approx(0.3) and hard[0, 0] == pytest.approx(0.3)  # the prior


# ---------------------------------------------------------------- baselines

def test_dawid_skene_beats_majority_vote_with_spammers():
    rng = np.random.default_rng(11)
    n, k, n_workers = 1500, 5, 60
    truth = rng.random(n) < 0.3
    spammer = np.arange(n_workers) < 24  # 40% of workers say yes 90% of the time
    workers = np.stack([rng.permutation(n_workers)[:k] for _ in range(n)])
    right = rng.random((n, k)) < 0.85
    honest_vote = np.where(right, truth[:, None], ~truth[:, None])
    votes = np.where(spammer[workers], rng.random((n, k)) < 0.9, honest_vote).astype(np.int8)
    mv = majority_vote(votes, k)
    long = pd.DataFrame({"task": np.repeat(np.arange(n), k), "worker": workers.ravel(),
                         "label": votes.ravel().astype(int)})
    ds = dawid_skene(long).reindex(np.arange(n)).to_numpy() >= 0.5
    acc_mv, acc_ds = (mv == truth).mean(), (ds == truth).mean()
    assert acc_ds > acc_mv + 0.05, (acc_mv, acc_ds)


def test_majority_vote_ties_reject_and_missing_votes():
    v = np.array([[1, 0, -1], [1, 1, 0], [0, -1, -1], [-1, -1, -1]], np.int8)
    assert majority_vote(v, 3).tolist() == [False, True, False, False]
    assert majority_vote(v, 1).tolist() == [True, True, False, False]


class FakeWorld:
    """Just enough of World for the pipeline: synsets, candidates, dedup."""

    def __init__(self, n: int = 3):
        self.synsets = pd.DataFrame({"subtree": "mammal", "depth": np.arange(n) + 2,
                                     "imageability": 1.0, "confusability": 0.0},
                                    index=[f"n{i:08d}" for i in range(n)])

    def candidates(self, wnid, queries=None, amount=1.0):
        i = int(wnid[1:])
        df = candidates(int(200 * amount), 0.25, seed=i)
        return df.assign(wnid=wnid)

    def dedup(self, df):
        return df


def test_clean_synsets_pipeline_and_cost_precision(tmp_path):
    world = FakeWorld(3)
    cfg = ConsensusConfig(n_initial=50)
    res = clean_synsets(world, list(world.synsets.index), PERFECT, cfg, seed=1, queries=None,
                        keep_votes=list(world.synsets.index), progress=False)
    s = res.summary.set_index("wnid")
    assert (s["precision"] == 1.0).all() and (s["recall"] == 1.0).all()
    assert (s["accepted"] == 50).all() and (s["votes"] == 50 * 10 + 150).all()
    assert len(res.clean) == 150 and res.clean["is_positive"].all()
    cp = cost_precision(list(res.records.values()), cfg, accept_grid=(0.99,), ks=(1, 3),
                        ds_thresholds=(0.5,)).set_index(["method", "parameter"])
    assert cp.loc[("majority vote", "k=1"), "precision"] == 1.0
    assert cp.loc[("majority vote", "k=3"), "votes_per_image"] == 3.0
    assert cp.loc[("dynamic consensus (paper)", "accept=0.99"), "votes_per_image"] == pytest.approx(650 / 200)
    with pytest.raises(UserError, match="02_clean_with_crowd"):
        load_clean_set(tmp_path)


def test_fit_worker_model_recovers_a_planted_model():
    df = candidates(400, 0.4, seed=3)
    truth_model = WorkerModel(skill_careful=2.2, beta_confusability=3.0)
    pool = WorkerPool.create(truth_model, seed=2009)
    fs = [FitSynset("n1", "cat.n.01", df, 0.95, 0.9), FitSynset("n2", "burmese_cat.n.01", df, 0.95, 0.99)]
    ys, ns = paper.FIG7["yes"].to_numpy(), paper.FIG7["no"].to_numpy()
    planted = paper.FIG7.copy()
    planted["cat.n.01"] = expected_table(pool, fs[0], 3)[ys, ns]
    planted["burmese_cat.n.01"] = expected_table(pool, fs[1], 3)[ys, ns]
    fit = fit_worker_model(fs, WorkerModel(), seed=2009, measured=planted,
                           params={"skill_careful": (0, 6), "beta_confusability": (0, 8)})
    assert fit.params["skill_careful"] == pytest.approx(2.2, abs=0.05)
    assert fit.params["beta_confusability"] == pytest.approx(3.0, abs=0.1)
    assert fit.rmse < 1e-3 < fit.rmse_start


# ---------------------------------------------------------------- real votes from a CSV

HEADER = "wnid,image_id,worker_id,vote\n"


def _csv(tmp_path, body: str, header: str = HEADER):
    p = tmp_path / "votes.csv"
    p.write_text(header + body)
    return p


def test_votes_csv_names_the_bad_line(tmp_path):
    known = {"n02123394", "n02121620"}
    p = _csv(tmp_path, "n02123394,i1,w1,1\n", header="wnid,image_id,worker,vote\n")
    with pytest.raises(InputDataError, match=r"votes\.csv:1: missing column\(s\) worker_id"):
        read_votes_csv(p, known)
    p = _csv(tmp_path, "n02123394,i1,w1,1\nn99999999,i1,w2,1\n")
    with pytest.raises(InputDataError, match=r"votes\.csv:3: unknown wnid 'n99999999'"):
        read_votes_csv(p, known)
    p = _csv(tmp_path, "n02123394,i1,w1,1\nn02123394,i1,w2,0\nn02123394,i2,w1,2\n")
    with pytest.raises(InputDataError, match=r"votes\.csv:4: vote must be 0 or 1, got '2'"):
        read_votes_csv(p, known)
    p = _csv(tmp_path, "n02123394,i1,w1,1\nn02123394,i2,w1,0\nn02123394,i1,w1,0\n")
    with pytest.raises(InputDataError, match=r"votes\.csv:4: duplicate vote: worker 'w1' already voted "
                                             r"on image 'i1' of n02123394 at line 2"):
        read_votes_csv(p, known)
    t = read_votes_csv(p, known, skip_bad=True)
    assert [s.line for s in t.skipped] == [4] and len(t.votes) == 2
    p = _csv(tmp_path, "n02123394,i1,w1,1\n,i1,w2,1\nn99999999,i1,w3,yes\n")
    t = read_votes_csv(p, known, skip_bad=True)
    assert [s.line for s in t.skipped] == [3, 4] and t.votes["line"].tolist() == [2]
    assert "vote must be 0 or 1, got 'yes'" in t.skipped[1].reason and "unknown wnid" in t.skipped[1].reason


def test_consensus_on_real_votes(tmp_path):
    # synset A: 12 images with 10 unanimous votes each (first 6 good), 8 more with 3 votes
    rows = []
    for i in range(20):
        good = i < 6 or 12 <= i < 15
        for w in range(10 if i < 12 else 3):
            rows.append(f"n02123394,img{i:02d},w{(i + w) % 13},{int(good)},{100 * i + w}")
    p = _csv(tmp_path, "\n".join(rows) + "\n", header="wnid,image_id,worker_id,vote,time\n")
    images, summary = clean_from_votes(read_votes_csv(p, {"n02123394"}), ConsensusConfig(smoothing=0.0))
    acc = images.set_index("image_id")["accepted"]
    assert sorted(acc[acc].index) == [f"img{i:02d}" for i in list(range(6)) + [12, 13, 14]]
    assert summary["initial"].item() == 12 and summary["consensus"].item()
    assert images.set_index("image_id").loc["img13", "n_votes"] == 1
    assert summary["note"].item() == ""


def test_real_votes_too_few_per_image_say_why_no_table(tmp_path):
    rows = [f"n02123394,img{i},w{w},1" for i in range(8) for w in range(5)]
    p = _csv(tmp_path, "\n".join(rows) + "\n")
    images, summary = clean_from_votes(read_votes_csv(p, {"n02123394"}), ConsensusConfig())
    assert summary["initial"].item() == 0 and not summary["consensus"].item()
    assert images["accepted"].sum() == 0
    assert "no image has 10 votes" in summary["note"].item()


def test_replay_with_the_same_settings_gives_the_same_decisions():
    from imagenet_repro.crowd.baselines import replay
    from imagenet_repro.crowd.pipeline import vote_records

    world = FakeWorld(2)
    model = WorkerModel(n_workers=100)
    cfg = ConsensusConfig(n_initial=60)
    res = clean_synsets(world, list(world.synsets.index), model, cfg, seed=3, queries=None, progress=False)
    recs = vote_records(world, list(world.synsets.index), model, cfg, seed=3)
    assert sum(int((r.decision == 1).sum()) for r in recs) == len(res.clean)
    again = replay(recs, cfg)
    assert again["accepted"] == len(res.clean)
    assert again["votes_per_image"] == pytest.approx(res.summary["votes"].sum() / res.summary["candidates"].sum())


def test_select_synsets_spreads_over_depths_and_worker_model_round_trip(tmp_path):
    from imagenet_repro.crowd import load_worker_model, save_worker_model, select_synsets
    from imagenet_repro.results import ResultWriter

    syn = pd.DataFrame({"subtree": ["a"] * 6 + ["b"] * 2, "depth": [1, 2, 2, 3, 3, 3, 1, 2]},
                       index=[f"n{i}" for i in range(8)])
    chosen = select_synsets(syn, 3, seed=1)
    assert len(chosen) == 5 and {"n0", "n6", "n7"} <= set(chosen)
    assert sorted(syn.loc[[c for c in chosen if syn.at[c, "subtree"] == "a"], "depth"]) == [1, 2, 3]
    assert select_synsets(syn, None) == list(syn.index)
    out = ResultWriter("02_test", results_dir=tmp_path)
    with pytest.raises(UserError, match="02_clean_with_crowd"):
        load_worker_model(tmp_path)
    m, c = WorkerModel(beta_similarity=7.5), ConsensusConfig(accept=0.95)
    save_worker_model(m, c, out)
    assert load_worker_model(tmp_path) == (m, c)


# ---------------------------------------------------------------- notebook 02's steps and claims

def _claims(out) -> dict:
    return {c.id: c for c in out.claims}


def _table(first_yes: list[float], weight: float = 200.0) -> "ConfidenceTable":
    from imagenet_repro.crowd import ConfidenceTable

    v = np.full((4, 4), 0.5)
    v[1:, 0] = first_yes
    return ConfidenceTable(v, np.full((4, 4), weight))


def test_fig7_claims_per_cell_and_burmese_needs_more_votes(tmp_path):
    from imagenet_repro.crowd import WorkerFit, record_fig7_claims
    from imagenet_repro.results import INFO, NOT_REPRODUCED, REPRODUCED, ResultWriter

    fig7 = pd.DataFrame({"label": ["cat.n.01", "burmese_cat.n.01"], "yes": [1, 0], "no": [0, 1],
                         "paper": [0.79, 0.05], "fitted": [0.8, 0.07], "estimated": [0.85, 0.3]})
    est = {"cat.n.01": _table([0.995, 0.999, 1.0]), "burmese_cat.n.01": _table([0.9, 0.95, 0.991])}
    out = ResultWriter("02_test", results_dir=tmp_path)
    need = record_fig7_claims(out, fig7, est, accept=0.99)
    assert need == {"cat.n.01": 1, "burmese_cat.n.01": 3}
    c = _claims(out)
    assert list(c) == ["fig7.cat.y1n0", "fig7.burmese_cat.y0n1", "fig7.burmese_needs_more_votes"]
    assert c["fig7.cat.y1n0"].reproduced == 0.85 and c["fig7.cat.y1n0"].verdict == REPRODUCED  # |0.85-0.79| <= 0.1
    assert c["fig7.burmese_cat.y0n1"].verdict == NOT_REPRODUCED  # 0.3 vs 0.05
    assert c["fig7.cat.y1n0"].n == 200 and c["fig7.cat.y1n0"].interval[0] < 0.85 < c["fig7.cat.y1n0"].interval[1]
    few = ResultWriter("02_few", results_dir=tmp_path)
    record_fig7_claims(few, fig7, {k: _table([0.995, 0.999, 1.0], weight=3.0) for k in est}, accept=0.99)
    assert _claims(few)["fig7.cat.y1n0"].verdict == "info: too few"  # 3 images behind the cell
    assert c["fig7.cat.y1n0"].note == "worker model at its priors; model's expected value 0.800"
    assert c["fig7.burmese_needs_more_votes"].reproduced == "yes"
    assert c["fig7.burmese_needs_more_votes"].note == ("unanimous yes votes to reach 0.99: "
                                                       "{'cat.n.01': 1, 'burmese_cat.n.01': 3}")
    # a table that never reaches the threshold counts as 99 votes; a fitted model adds its RMSE
    est["cat.n.01"] = _table([0.5, 0.6, 0.7])
    fit = WorkerFit(WorkerModel(), WorkerModel(), {"beta_similarity": 2.0}, pd.DataFrame(), 0.2, 0.05,
                    True, "ok")
    out = ResultWriter("02_test", results_dir=tmp_path)
    assert record_fig7_claims(out, fig7, est, 0.99, fit) == {"cat.n.01": None, "burmese_cat.n.01": 3}
    c = _claims(out)
    assert c["fig7.burmese_needs_more_votes"].reproduced == "no"
    assert c["fig7.fit_rmse"].reproduced == 0.05 and c["fig7.fit_rmse"].verdict == INFO
    assert c["fig7.fit_rmse"].note == "prior guess: 0.200; fitted {'beta_similarity': 2.0}"
    assert c["fig7.cat.y1n0"].note.startswith("worker model fitted to Fig 7")
    # fitted to the paper's cells, so they cannot count as reproduced: the verdict says "fitted"
    assert c["fig7.cat.y1n0"].verdict == "fitted: agrees" and c["fig7.burmese_cat.y0n1"].verdict == "fitted: misses"
    assert c["fig7.burmese_needs_more_votes"].verdict == "fitted: misses"


def test_clean_votes_and_fig4_claims_on_a_hand_summary(tmp_path):
    from imagenet_repro.crowd import record_clean_claims, record_fig4_claims, record_votes_claims
    from imagenet_repro.results import NOT_REPRODUCED, REPRODUCED, ResultWriter

    summary = pd.DataFrame({"precision": [1.0, 0.5, np.nan], "recall": [0.5, 1.0, 0.0],
                            "true_accepted": [4, 1, 0], "accepted": [4, 2, 0],
                            "votes": [30, 10, 20], "candidates": [10, 5, 5], "consensus": [True, True, False]})
    by_depth = pd.DataFrame({"synsets": [2, 1], "precision": [0.999, 0.98], "precision_verified": [1.0, 0.99]},
                            index=pd.Index([3, 5], name="depth"))
    by_depth.attrs.update(mean=0.995, mean_verified=0.9)
    votes_depth = pd.DataFrame({"votes_per_image": [2.0, 4.5]})
    out = ResultWriter("02_test", results_dir=tmp_path)
    record_clean_claims(out, summary, pd.DataFrame({"wnid": ["a"] * 5}), amount=0.05)
    record_fig4_claims(out, pd.DataFrame({"wnid": ["a", "b", "c"]}), by_depth, verify_votes=5)
    vpi, no_cons = record_votes_claims(out, summary, votes_depth, initial_votes=10)
    assert (vpi, no_cons) == (3.0, pytest.approx(1 / 3))  # 60 votes / 20 candidates
    c = _claims(out)
    assert c["clean.precision_all_synsets"].reproduced == 0.75
    assert c["clean.precision_all_synsets"].note == "2 synsets with images; pooled over images 0.8333"
    assert c["clean.recall_all_synsets"].reproduced == 0.5 and c["clean.images"].reproduced == 5
    assert c["clean.images"].note == "web scaled by 0.05; full size only at scale=paper"
    assert c["fig4.synsets"].reproduced == 3 and c["fig4.synsets"].verdict == NOT_REPRODUCED  # paper: 80
    assert c["fig4.mean_precision"].reproduced == 0.995 and c["fig4.mean_precision"].verdict == REPRODUCED
    assert c["fig4.mean_precision_verified"].verdict == NOT_REPRODUCED  # 0.9 vs 0.997 +- 0.005
    assert c["fig4.mean_precision_verified"].note == ("5 votes per image, majority; range over depths "
                                                      "0.990-1.000")
    assert c["fig4.min_depth_precision"].reproduced == 0.98 and c["fig4.min_depth_precision"].note == "at depth 5"
    assert c["votes.initial_per_image"].verdict == REPRODUCED and c["votes.per_image"].reproduced == 3.0
    assert c["votes.per_image"].note == "by depth 2.00-4.50"
    assert c["votes.no_consensus_share"].reproduced == pytest.approx(1 / 3, abs=1e-6)


def test_cost_claims_take_the_named_rows_and_skip_missing_ones(tmp_path):
    from imagenet_repro.crowd import record_cost_claims
    from imagenet_repro.results import ResultWriter

    cp = pd.DataFrame({"method": ["dynamic consensus (paper)", "dynamic consensus (paper)", "majority vote",
                                  "Dawid-Skene on the dynamic votes (P>=0.99)"],
                       "parameter": ["accept=0.9", "accept=0.99", "k=3", "adaptive"],
                       "precision": [0.8, 0.95, 0.9, 0.97], "votes_per_image": [2.0, 3.456, 3.0, 3.456],
                       "recall": [0.9, 0.8, 0.85, 0.7]})
    out = ResultWriter("02_test", results_dir=tmp_path)
    record_cost_claims(out, cp, accept=0.99)
    c = _claims(out)
    assert list(c) == ["cost.dynamic.precision", "cost.mv3.precision", "cost.ds_dynamic_099.precision"]
    assert c["cost.dynamic.precision"].reproduced == 0.95
    assert c["cost.dynamic.precision"].description == "dynamic consensus (paper) (accept=0.99): precision (pooled over images)"
    assert c["cost.dynamic.precision"].note == "3.46 votes per image, recall 0.800"
    assert c["cost.mv3.precision"].reproduced == 0.9


def test_consensus_sensitivity_replays_each_setting():
    from imagenet_repro.crowd import SENSITIVITY_SETTINGS, consensus_sensitivity, replay, vote_records

    world = FakeWorld(2)
    cfg = ConsensusConfig(n_initial=60)
    recs = vote_records(world, list(world.synsets.index), PERFECT, cfg, seed=3)
    sens = consensus_sensitivity(recs, cfg)
    assert sens["setting"].tolist() == ["as run"] + [label for label, _ in SENSITIVITY_SETTINGS]
    assert sens.iloc[0].to_dict() == replay(recs, cfg, "as run")
    assert sens.iloc[4].to_dict() == replay(recs, ConsensusConfig(n_initial=60, accept=0.999), "accept at 0.999")
    assert sens.iloc[0]["accepted"] == 100 and sens.iloc[0]["precision"] == 1.0  # 2 x 50 true images, perfect workers


def test_notebook_02_steps_on_a_fake_world():
    from imagenet_repro.crowd import fig4_precision, fig7_table, subtree_summary

    world = FakeWorld(3)
    cfg = ConsensusConfig(n_initial=50)
    fs = [FitSynset("n00000000", "cat.n.01", world.candidates("n00000000"), 1.0, 0.0),
          FitSynset("n00000001", "burmese_cat.n.01", world.candidates("n00000001"), 1.0, 0.0)]
    fig7, est = fig7_table(world, fs, PERFECT, cfg, seed=1, prior=WorkerModel())
    assert list(est) == ["cat.n.01", "burmese_cat.n.01"] and len(fig7) == 2 * len(paper.FIG7)
    assert np.allclose(fig7["residual_estimated"], fig7["estimated"] - fig7["paper"])
    assert np.allclose(fig7["residual_fitted"], fig7["fitted"] - fig7["paper"])
    cell = fig7[(fig7["label"] == "cat.n.01") & (fig7["yes"] == 1) & (fig7["no"] == 0)]
    assert cell["estimated"].item() == pytest.approx(est["cat.n.01"].values[1, 0])
    res = clean_synsets(world, list(world.synsets.index), PERFECT, cfg, seed=1, progress=False)
    by_sub = subtree_summary(res.summary)
    assert by_sub.loc["mammal"].tolist() == [3, 600, 150, 1.0, 1.0]
    sample, verified, by_depth = fig4_precision(world, res.summary, res.clean, PERFECT, seed=1, n=2,
                                                subtrees=["mammal"], verify_votes=5)
    assert len(sample) == 2 and verified["images"].tolist() == [50, 50]
    assert by_depth.attrs == {"mean": 1.0, "mean_verified": 1.0} and by_depth["synsets"].sum() == 2


def _crowd_kit_ds(long: pd.DataFrame, n_iter: int) -> pd.Series:
    import warnings

    from crowdkit.aggregation import DawidSkene

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return DawidSkene(n_iter=n_iter).fit(long).probas_[1].astype(float)


@pytest.mark.parametrize("shuffle", [False, True])
def test_fast_dawid_skene_is_crowd_kits_bit_for_bit(shuffle):
    """The array EM gives crowd-kit's very floats: tasks in runs (pandas' reduceat path) and
    votes in random order (its Kahan path); spammers and a skewed prior make the EM work."""
    from imagenet_repro.crowd.dawid_skene import _fast_dawid_skene, dawid_skene

    rng = np.random.default_rng(11)
    n, k, n_workers = 3000, 5, 60
    truth = rng.random(n) < 0.3
    skill = np.where(rng.random(n_workers) < 0.2, 0.5, rng.uniform(0.7, 0.95, n_workers))
    task = np.repeat(np.arange(n) * 7 + 3, k)
    worker = rng.integers(0, n_workers, n * k)
    right = rng.random(n * k) < skill[worker]
    label = np.where(right, np.repeat(truth, k), ~np.repeat(truth, k)).astype(np.int64)
    long = pd.DataFrame({"task": task, "worker": worker, "label": label})
    if shuffle:
        long = long.iloc[rng.permutation(len(long))].reset_index(drop=True)
    for n_iter in (1, 3, 100):
        ref = _crowd_kit_ds(long, n_iter)
        fast = _fast_dawid_skene(long, n_iter)
        assert fast is not None
        assert fast.index.equals(ref.index) and fast.name == ref.name
        assert np.array_equal(fast.to_numpy(), ref.to_numpy())
    assert np.array_equal(dawid_skene(long).to_numpy(), ref.to_numpy())
    # anything but 0/1 labels is crowd-kit's own business
    assert _fast_dawid_skene(long.assign(label=long["label"] + 1), 5) is None


def test_confidence_table_cells_equal_subset_weights_one_by_one():
    from imagenet_repro.crowd.consensus import confidence_table, subset_weights

    rng = np.random.default_rng(5)
    total = rng.integers(0, 13, 80)
    yes = rng.integers(0, 13, 80) % (total + 1)
    good = rng.random(80)
    t = confidence_table(yes, total, good, 10, smoothing=1.0, prior=0.3)
    for y in range(11):
        for n in range(11 - y):
            w = subset_weights(yes, total, y, n)
            assert t.weight[y, n] == w.sum()
            assert t.values[y, n] == ((float(w @ good) + 0.3) / (w.sum() + 1.0))
