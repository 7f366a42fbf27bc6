import numpy as np
import pandas as pd
import pytest

from imagenet_repro.properties import claims as PC, counts as CN, density as D, inputs as INP, mosaics as M, table1 as T1
from imagenet_repro.sources import fall2011 as F
from imagenet_repro.errors import InputDataError
from imagenet_repro.wordnet import synset, wnid


def w(name: str) -> str:
    return wnid(synset(name))


# ---------------------------------------------------------------- the real fall-2011 counts

def test_fall2011_counts_reproduce_known_rows():
    c = F.load_fall2011_counts()
    assert len(c) == 21841  # synsets in the fall-2011 release
    # rows read off data/imagenet_fall2011_url_counts.csv by hand
    known = {"n02084071": ("dog", 1603, 632), "n02109961": ("Eskimo dog", 1542, 1208),
             "n02121808": ("domestic cat", 1831, 1176), "n04490091": ("truck", 1647, 501),
             "n04483307": ("trimaran", 1272, 673), "n01861778": ("mammal", 1328, 978),
             "n00004475": ("organism", 8, 6)}
    for wn_id, (name, urls, flickr) in known.items():
        assert tuple(c.loc[wn_id]) == (name, urls, flickr), wn_id
    assert int(c["urls"].sum()) == 14_197_114  # awk -F, '{s+=$3}' on the file
    assert int(c["flickr_urls"].sum()) == 7_065_092


def test_real_counts_cover_the_hierarchy_with_zero_for_missing(hierarchy):
    counts = F.real_counts(hierarchy)
    assert len(counts) == 5247 and counts.index.equals(hierarchy.synsets.index)
    assert counts[w("eskimo_dog.n.01")] == 1542
    assert counts[w("tiger_cat.n.01")] == 0  # a mammal synset the 2011 release lacks
    assert (counts == 0).sum() == 262


def test_bad_counts_file_names_the_line(tmp_path):
    p = tmp_path / "counts.csv"
    p.write_text("synid,class_name,urls,flickr_urls\nn02084071,dog,1603,632\nn0208407,dog,1,1\n")
    with pytest.raises(InputDataError, match="line 3"):
        F.load_fall2011_counts(p)
    p.write_text("synid,class_name,urls,flickr_urls\nn02084071,dog,12,x\n")
    with pytest.raises(InputDataError, match="line 2.*integers"):
        F.load_fall2011_counts(p)
    p.write_text("wnid,urls\n")
    with pytest.raises(InputDataError, match="line 1"):
        F.load_fall2011_counts(p)
    with pytest.raises(InputDataError, match="not found"):
        F.load_fall2011_counts(tmp_path / "missing.csv")


# ---------------------------------------------------------------- Fig 2

def test_summary_and_histogram_on_hand_counts():
    counts = pd.Series([0, 50, 99, 100, 500, 501, 1200])
    s = CN.scale_summary(counts)
    assert s["synsets"] == 7 and s["total_images"] == 2450
    assert s["mean_images"] == pytest.approx(350.0)
    assert s["share_very_few"] == pytest.approx(3 / 7)  # 0, 50, 99 are < 100
    assert s["share_over_many"] == pytest.approx(2 / 7)  # 501 and 1200 are > 500
    assert s["share_empty"] == pytest.approx(1 / 7)
    h = CN.histogram(counts)
    assert list(h["lo"][:2]) == [0, 100] and h["hi"].iloc[-1] == 1300
    assert h.set_index("lo")["synsets"].to_dict() == {
        0: 3, 100: 1, 200: 0, 300: 0, 400: 0, 500: 2, 600: 0, 700: 0, 800: 0, 900: 0,
        1000: 0, 1100: 0, 1200: 1}


def test_histogram_counts_equal_the_table(hierarchy):
    counts = F.real_counts(hierarchy)
    table = CN.subtree_table(hierarchy, counts, subtrees=None)
    assert int(table["synsets"].sum()) == int(CN.histogram(counts)["synsets"].sum()) == 5247
    for name in CN.FIG2_SUBTREES:
        part = counts[hierarchy.synsets.loc[counts.index, "subtree"] == name]
        assert int(CN.histogram(part)["synsets"].sum()) == table.loc[name, "synsets"]
        assert int(part.sum()) == table.loc[name, "total_images"]
    # the paper's synset counts per subtree are WordNet 3.0's
    assert table.loc[list(CN.FIG2_SUBTREES), "synsets"].tolist() == [1170, 520, 176, 197, 872, 164]
    assert table.loc["mammal", "total_images"] == 934_442


def test_table_beside_paper_keeps_only_the_paper_rows(hierarchy):
    counts = F.real_counts(hierarchy)
    t = CN.table_beside_paper(CN.subtree_table(hierarchy, counts, subtrees=None))
    assert list(t.index) == ["mammal", "bird", "vehicle", "furniture", "musical instrument",
                             "geological formation"]
    assert t.loc["vehicle", "paper_total_images"] == 317_000
    assert t.loc["vehicle", "total_ratio"] == pytest.approx(374_135 / 317_000, abs=1e-3)


def test_simulated_counts_from_a_per_synset_table(hierarchy):
    per = pd.DataFrame({"wnid": [w("dog.n.01"), w("mammal.n.01")], "accepted": [7, 3]})
    c = CN.simulated_counts(hierarchy, per)
    assert list(c.index) == [w("mammal.n.01"), w("dog.n.01")]  # hierarchy order
    assert c.tolist() == [3, 7]
    with pytest.raises(InputDataError, match="n99999999"):
        CN.simulated_counts(hierarchy, pd.DataFrame({"wnid": ["n99999999"], "accepted": [1]}))


# ---------------------------------------------------------------- Fig 1

def test_fig1_selects_exactly_the_two_branches(hierarchy):
    b = M.fig1_branches(hierarchy)
    assert [x for _, x in b["mammal"]] == ["n01861778", "n01886756", "n02075296", "n02083346",
                                           "n02084071", "n02103406", "n02109961"]
    assert [x for _, x in b["vehicle"]] == ["n04524313", "n03125870", "n04530566", "n04128837",
                                            "n04128499", "n04483307"]
    assert [n for n, _ in b["vehicle"]] == ["vehicle", "craft", "watercraft", "sailing vessel",
                                            "sailboat", "trimaran"]
    # each branch runs root to leaf of its subtree
    assert b["mammal"][0][1] == hierarchy.root("mammal")
    assert hierarchy.synsets.loc[b["vehicle"][-1][1], "is_leaf"]
    assert hierarchy.synsets.loc[b["mammal"][-1][1], "depth"] == 7


def test_sample_images_draws_nine_per_synset_deterministically():
    imgs = pd.DataFrame({"wnid": ["n00000001"] * 20 + ["n00000002"] * 4, "id": range(24)})
    assert len(M.sample_images(imgs, ["n00000003"], n=9, seed=1)) == 0  # no images: skipped
    a = M.sample_images(imgs, ["n00000001", "n00000002"], n=9, seed=1)
    b = M.sample_images(imgs, ["n00000001", "n00000002"], n=9, seed=1)
    assert a.groupby("wnid").size().to_dict() == {"n00000001": 9, "n00000002": 4}
    assert a["id"].tolist() == b["id"].tolist() and a["id"].is_unique


# ---------------------------------------------------------------- Fig 6, Table 1

def test_depth_distribution_of_mammal(hierarchy):
    counts = pd.Series({w("mammal.n.01"): 10, w("dog.n.01"): 30, w("eskimo_dog.n.01"): 60,
                        w("car.n.01"): 99})
    d = D.depth_distribution(hierarchy, counts, "mammal")
    assert d.loc[1, "images"] == 10 and d.loc[5, "images"] == 30 and d.loc[7, "images"] == 60
    assert d["images"].sum() == 100  # the car is not a mammal
    assert d.loc[7, "share"] == pytest.approx(0.6)


def test_populated_synsets_and_table1(hierarchy):
    counts = F.real_counts(hierarchy)
    pop = D.populated_synsets(hierarchy, counts)
    assert list(pop.index[:2]) == ["mammal", "bird"]
    assert pop["populated"].sum() == 5247 - 262
    m = [T1.measure_dense(pop, "real"), T1.measure_clean(0.997, 80),
         T1.measure_full_resolution(np.array([[400, 350], [32, 32], [500, 375]]), "simulated")]
    t = T1.table1(m)
    assert t.loc["DenseHie", "ImageNet (artifact)"] == "Y"  # 95.0% populated >= 90%
    assert t.loc["Clean", "ImageNet (artifact)"] == "Y"
    assert t.loc["FullRes", "ImageNet (artifact)"] == "Y"  # median shorter side 350 px
    assert t.loc["PublicAvail", "ImageNet (artifact)"] == "quoted"
    assert t.loc["Segmented", "LabelMe (paper)"] == "Y" and t.loc["Clean", "TinyImage (paper)"] == "N"
    assert T1.measure_clean(0.25, 10).verdict == "N"
    assert T1.measure_full_resolution(np.array([[32, 32]]), "simulated").verdict == "N"


def test_fig1_from_an_imagenet_folder_skips_broken_files(tmp_path):
    from PIL import Image

    from imagenet_repro.sources import ImageNetFolder

    husky = tmp_path / "n02109961"
    husky.mkdir()
    for k in range(12):
        Image.new("RGB", (40 + k, 30), (10 * k, 0, 0)).save(husky / f"n02109961_{k}.JPEG")
    (husky / "n02109961_99.JPEG").write_bytes(b"not a jpeg")
    dog = tmp_path / "n02084071"
    dog.mkdir()
    Image.new("RGB", (64, 48)).save(dog / "n02084071_1.JPEG")
    branches = {"mammal": [("dog", "n02084071"), ("husky", "n02109961"), ("working dog", "n02103406")]}
    src = ImageNetFolder(tmp_path)
    items = M.branch_images_from_source(src, branches, n=9, seed=3)["mammal"]
    assert [len(it.images) for it in items] == [1, 9, 0]
    assert [it.available for it in items] == [1, 12, 0]  # the broken file is not counted
    sizes = M.image_sizes({"mammal": items})
    assert sizes.shape == (10, 2) and sizes[0].tolist() == [64, 48]
    again = M.branch_images_from_source(ImageNetFolder(tmp_path), branches, n=9, seed=3)["mammal"]
    assert again[1].shown["image_id"].tolist() == items[1].shown["image_id"].tolist()
    src = ImageNetFolder(tmp_path)  # asking for all 13 tries the broken file too
    every = M.branch_images_from_source(src, branches, n=13, seed=3)["mammal"]
    assert len(every[1].images) == 12
    assert [s.path.name for s in src.skipped] == ["n02109961_99.JPEG"]


def test_label_disambiguation_needs_every_label_to_be_a_wnid(hierarchy):
    good = T1.measure_label_disambiguation(["n02084071", "n02109961"], hierarchy)
    assert good.verdict == "Y" and good.value.startswith("100.0% of 2 labels")
    bad = T1.measure_label_disambiguation(["n02084071", "dog", "n99999999", "n02109961"], hierarchy)
    assert bad.verdict == "N" and bad.value.startswith("50.0% of 4 labels")


# ---------------------------------------------------------------- notebook 03's steps and claims

def _claims(out) -> dict:
    return {c.id: c for c in out.claims}


def test_fig2_versions_and_claims_on_hand_counts(hierarchy, tmp_path):
    from imagenet_repro.results import INFO, NOT_REPRODUCED, REPRODUCED, TOO_FEW, ResultWriter

    sim = pd.Series({w("dog.n.01"): 0, w("eskimo_dog.n.01"): 150, w("tiger.n.02"): 600})
    real = pd.Series({w("dog.n.01"): 1603, w("eskimo_dog.n.01"): 50, w("trimaran.n.01"): 1272})
    v = CN.fig2_versions(hierarchy, sim, real, "ci", 0.05)
    assert v["simulated"].note.startswith("3 synsets cleaned; web scaled by 0.05")
    assert v["simulated"].title == "simulated clean set (scale=ci)" and v["real"].mode == "real"
    assert v["real"].table_all["total_images"].to_dict() == {"mammal": 1653, "vehicle": 1272}
    assert v["real"].summary["total_images"] == 2925
    shares = CN.share_below(v, (1, 100, 1000))
    assert shares["simulated"].tolist() == pytest.approx([1 / 3, 1 / 3, 1.0])
    assert shares["real"].tolist() == pytest.approx([0.0, 1 / 3, 1 / 3])
    out = ResultWriter("03_test", results_dir=tmp_path)
    CN.save_fig2_tables(out, v)
    assert len(list((tmp_path / "tables").glob("fig2_*.csv"))) == 6
    PC.record_fig2_claims(out, v, comparable=False, scale_name="ci", amount=0.05)
    c = _claims(out)
    assert [k for k in c if k.startswith("fig2.real")] == [
        "fig2.real.total_images", "fig2.real.mean_images", "fig2.real.share_very_few",
        "fig2.real.share_over_500", "fig2.real.total_images.mammal", "fig2.real.total_images.vehicle"]
    assert all(c[k].verdict == INFO for k in c if k.startswith("fig2.simulated"))  # scaled-down web
    assert c["fig2.simulated.total_images"].note.startswith("simulated web scaled by candidates_per_synset=0.05 at scale=ci")
    assert c["fig2.real.mean_images"].reproduced == 975.0 and c["fig2.real.mean_images"].verdict == TOO_FEW
    assert c["fig2.real.mean_images"].n == 3 and c["fig2.real.mean_images"].min_n == 30  # 3 synsets say nothing
    assert c["fig2.real.share_very_few"].reproduced == 0.3333
    assert c["fig2.real.share_very_few"].verdict == TOO_FEW  # 0.33 vs 0.20 +- 0.05, but n=3: [0.06, 0.79]
    assert c["fig2.real.share_over_500"].verdict == TOO_FEW  # 2/3 > 0.5 from 3 synsets
    assert c["fig2.real.total_images.mammal"].paper == 862_000
    assert c["fig2.real.total_images.mammal"].reproduced == 1653
    out = ResultWriter("03_test", results_dir=tmp_path)
    PC.record_fig2_claims(out, v, comparable=True, scale_name="paper", amount=1.0)
    assert _claims(out)["fig2.simulated.mean_images"].verdict == TOO_FEW  # 250 < 600, but from 3 synsets


def test_fig3_panels_table_and_claims(tmp_path):
    from imagenet_repro.results import INFO, REPRODUCED, ResultWriter

    tree = D.Tree(root="a", parent={"b": "a", "c": "a"}, order=["a", "b", "c"],
                  names={"a": "A", "b": "B", "c": "C"})
    imagenet, esp = pd.Series({"a": 5, "b": 3, "c": 7, "z": 9}), pd.Series({"a": 20})
    panels = D.fig3_panels({"t": tree}, imagenet, esp, "real", "ImageNet")
    assert panels[0].imagenet.counts.tolist() == [5, 3, 7]
    assert panels[0].esp.counts.tolist() == [20, 0, 0] and panels[0].tree.root == "a"
    t = D.fig3_table(panels)
    assert t.values.tolist() == [["t", "ESP game", 1, 20, 20], ["t", "ImageNet", 3, 15, 7]]
    out = ResultWriter("03_test", results_dir=tmp_path)
    PC.record_fig3_claims(out, {"real": panels, "simulated": D.fig3_panels({"t": tree}, esp, esp, "simulated", "x")},
                          comparable=False, scale_name="ci", amount=0.05)
    c = _claims(out)
    assert c["fig3.real.denser_than_esp"].reproduced == "yes" and c["fig3.real.denser_than_esp"].verdict == REPRODUCED
    assert c["fig3.real.denser_than_esp"].note == ("ESP simulated; ImageNet side real. "
                                                  "t: ImageNet 3 vs ESP 1 synsets with images")
    assert c["fig3.simulated.denser_than_esp"].reproduced == "no"  # 1 vs 1
    assert c["fig3.simulated.denser_than_esp"].verdict == INFO
    assert c["fig3.simulated.denser_than_esp"].note.endswith("scaled by 0.05 at scale=ci, so many synsets are empty (info only)")


def test_fig6_mean_depth_and_claims(hierarchy, tmp_path):
    from imagenet_repro.results import NOT_REPRODUCED, REPRODUCED, ResultWriter

    d = pd.DataFrame({"images": [1, 0, 3]}, index=[1, 2, 3])
    assert D.mean_depth(d) == 2.5 and D.mean_depth(d * 0) == 0.0
    dog, husky = w("dog.n.01"), w("eskimo_dog.n.01")
    f6 = D.fig6_versions(hierarchy, {"real": pd.Series({dog: 10, husky: 30})}, {"real": pd.Series({dog: 40})}, "ci")
    imagenet, esp = (s.dist for s in f6["real"].series)
    ddog, dhusky = hierarchy.synsets.at[dog, "depth"], hierarchy.synsets.at[husky, "depth"]
    assert imagenet.loc[ddog, "images"] == 10 and imagenet.loc[dhusky, "images"] == 30
    assert esp["images"].sum() == 40 and esp.loc[ddog, "share"] == 1.0
    assert D.fig6_table(f6["real"]).columns.tolist() == [("imagenet", "images"), ("imagenet", "share"),
                                                          ("esp", "images"), ("esp", "share")]
    assert D.fig6_shares(f6).loc[ddog].tolist() == [0.25, 1.0]
    out = ResultWriter("03_test", results_dir=tmp_path)
    PC.record_fig6_claims(out, f6)
    c = _claims(out)
    assert list(c) == ["fig6.real.imagenet.peak", "fig6.real.esp.peak", "fig6.real.imagenet_deeper"]
    assert c["fig6.real.imagenet.peak"].reproduced == dhusky
    assert c["fig6.real.imagenet.peak"].note == f"30 labels at depth {dhusky} (75.0%)"
    assert c["fig6.real.imagenet_deeper"].reproduced == "yes" and c["fig6.real.imagenet_deeper"].verdict == REPRODUCED
    mean_in = (10 * ddog + 30 * dhusky) / 40
    assert c["fig6.real.imagenet_deeper"].note.startswith(f"mean depth ImageNet {mean_in:.2f} vs ESP {ddog:.2f}")
    swapped = f6["real"]
    f6["real"] = D.Fig6Panel(swapped.title, imagenet=swapped.esp, esp=swapped.imagenet)  # ESP deeper than ImageNet
    out = ResultWriter("03_test", results_dir=tmp_path)
    PC.record_fig6_claims(out, f6)
    assert _claims(out)["fig6.real.imagenet_deeper"].verdict == NOT_REPRODUCED


def test_table1_measurements_and_claims(hierarchy, tmp_path):
    from imagenet_repro.results import QUOTED, REPRODUCED, TOO_FEW, ResultWriter

    dog, husky = w("dog.n.01"), w("eskimo_dog.n.01")
    clean = pd.DataFrame({"wnid": [dog, husky, husky]})
    summary = pd.DataFrame({"precision": [1.0, 0.9, np.nan]})
    pop = D.populated_synsets(hierarchy, pd.Series({dog: 5, husky: 0}))
    m = T1.table1_measurements(hierarchy, clean, summary, pop, np.array([[400, 300], [500, 350]]), "simulated",
                               esp_error_share=0.125)
    assert [x.property for x in m] == ["LabelDisam", "Clean", "DenseHie", "FullRes"]
    assert [x.verdict for x in m] == ["Y", "Y", "N", "Y"]  # 1 of 2 synsets populated
    assert m[0].value.endswith("(ESP words read as their most frequent sense: 12.5% wrong)")
    assert m[1].value == "mean precision 95.0% over 2 synsets"
    out = ResultWriter("03_test", results_dir=tmp_path)
    PC.record_table1_claims(out, m)
    c = _claims(out)
    assert len(c) == 4 + 6 * 5 - 4
    assert c["table1.imagenet.Clean"].verdict == TOO_FEW  # 2 synsets < 10
    assert c["table1.imagenet.FullRes"].verdict == TOO_FEW and c["table1.imagenet.FullRes"].n == 2  # 2 photos
    assert c["table1.imagenet.DenseHie"].reproduced == "N"
    assert c["table1.imagenet.Clean"].note == "mean precision 95.0% over 2 synsets; Y if mean precision >= 90%"
    assert c["table1.ESP.LabelDisam"].paper == "N" and c["table1.ESP.LabelDisam"].verdict == QUOTED
    assert c["table1.ImageNet.PublicAvail"].paper == "Y" and "table1.ImageNet.Clean" not in c
    sizes, mode = T1.table1_sizes(None, clean, {"m": [M.BranchItem("x", "n1", [np.zeros((30, 40, 3))])]})
    assert mode == "real" and sizes.tolist() == [[40, 30]]


def test_fig3_subtrees_and_clean_set_covering(hierarchy, tmp_path):
    from imagenet_repro.results import ResultWriter

    trees = D.fig3_subtrees(hierarchy)
    assert list(trees) == ["cat", "cattle"] and trees["cat"].root == w("cat.n.01")
    assert trees["cattle"].order[0] == w("cattle.n.01") and len(trees["cat"].order) > 10
    out = ResultWriter("02_clean_with_crowd", results_dir=tmp_path)
    (tmp_path / "data").mkdir()
    pd.DataFrame({"wnid": ["n09287968"], "candidate_id": [1]}).to_parquet(tmp_path / "data" / "clean_set.parquet")
    out.table(pd.DataFrame({"wnid": ["n09287968"], "subtree": ["geological formation"], "depth": [1],
                            "accepted": [1]}), "clean_per_synset", index=False)
    out3 = ResultWriter("03_test", results_dir=tmp_path)
    world, clean, summary, missing = INP.clean_set_covering(tmp_path, hierarchy, ["n09287968"], out3)
    assert missing == [] and len(clean) == 1 and summary["wnid"].tolist() == ["n09287968"]
    assert set(world.synsets["subtree"]) == {"geological formation"}
    assert len(out3.inputs) == 2 and not (tmp_path / "tables" / "cleaned_in_03.csv").exists()


def test_fig1_real_images_writes_shown_and_skipped_tables(tmp_path):
    from PIL import Image

    from imagenet_repro.results import ResultWriter

    root = tmp_path / "imagenet"
    husky = root / "n02109961"
    husky.mkdir(parents=True)
    for k in range(3):
        Image.new("RGB", (40, 30)).save(husky / f"n02109961_{k}.JPEG")
    (husky / "n02109961_9.JPEG").write_bytes(b"broken")
    out = ResultWriter("03_test", results_dir=tmp_path / "res")
    items, skipped = M.fig1_real_images(out, root, {"mammal": [("husky", "n02109961")]}, n=9, seed=1)
    assert len(items["mammal"][0].images) == 3 and [s.path.name for s in skipped] == ["n02109961_9.JPEG"]
    shown = pd.read_csv(tmp_path / "res" / "tables" / "fig1_images_real.csv")
    assert shown["wnid"].tolist() == ["n02109961"] * 3
    assert len(pd.read_csv(tmp_path / "res" / "tables" / "fig1_skipped_files.csv")) == 1
