import numpy as np
import pandas as pd
import pytest

from imagenet_repro import scale as sc
from imagenet_repro.errors import InputDataError
from imagenet_repro.wordnet import synset, wnid


def w(name: str) -> str:
    return wnid(synset(name))


# ---------------------------------------------------------------- the real fall-2011 counts

def test_fall2011_counts_reproduce_known_rows():
    c = sc.load_fall2011_counts()
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
    counts = sc.real_counts(hierarchy)
    assert len(counts) == 5247 and counts.index.equals(hierarchy.synsets.index)
    assert counts[w("eskimo_dog.n.01")] == 1542
    assert counts[w("tiger_cat.n.01")] == 0  # a mammal synset the 2011 release lacks
    assert (counts == 0).sum() == 262


def test_bad_counts_file_names_the_line(tmp_path):
    p = tmp_path / "counts.csv"
    p.write_text("synid,class_name,urls,flickr_urls\nn02084071,dog,1603,632\nn0208407,dog,1,1\n")
    with pytest.raises(InputDataError, match="line 3"):
        sc.load_fall2011_counts(p)
    p.write_text("synid,class_name,urls,flickr_urls\nn02084071,dog,12,x\n")
    with pytest.raises(InputDataError, match="line 2.*integers"):
        sc.load_fall2011_counts(p)
    p.write_text("wnid,urls\n")
    with pytest.raises(InputDataError, match="line 1"):
        sc.load_fall2011_counts(p)
    with pytest.raises(InputDataError, match="not found"):
        sc.load_fall2011_counts(tmp_path / "missing.csv")


# ---------------------------------------------------------------- Fig 2

def test_summary_and_histogram_on_hand_counts():
    counts = pd.Series([0, 50, 99, 100, 500, 501, 1200])
    s = sc.scale_summary(counts)
    assert s["synsets"] == 7 and s["total_images"] == 2450
    assert s["mean_images"] == pytest.approx(350.0)
    assert s["share_very_few"] == pytest.approx(3 / 7)  # 0, 50, 99 are < 100
    assert s["share_over_many"] == pytest.approx(2 / 7)  # 501 and 1200 are > 500
    assert s["share_empty"] == pytest.approx(1 / 7)
    h = sc.histogram(counts)
    assert list(h["lo"][:2]) == [0, 100] and h["hi"].iloc[-1] == 1300
    assert h.set_index("lo")["synsets"].to_dict() == {
        0: 3, 100: 1, 200: 0, 300: 0, 400: 0, 500: 2, 600: 0, 700: 0, 800: 0, 900: 0,
        1000: 0, 1100: 0, 1200: 1}


def test_histogram_counts_equal_the_table(hierarchy):
    counts = sc.real_counts(hierarchy)
    table = sc.subtree_table(hierarchy, counts, subtrees=None)
    assert int(table["synsets"].sum()) == int(sc.histogram(counts)["synsets"].sum()) == 5247
    for name in sc.FIG2_SUBTREES:
        part = counts[hierarchy.synsets.loc[counts.index, "subtree"] == name]
        assert int(sc.histogram(part)["synsets"].sum()) == table.loc[name, "synsets"]
        assert int(part.sum()) == table.loc[name, "total_images"]
    # the paper's synset counts per subtree are WordNet 3.0's
    assert table.loc[list(sc.FIG2_SUBTREES), "synsets"].tolist() == [1170, 520, 176, 197, 872, 164]
    assert table.loc["mammal", "total_images"] == 934_442


def test_table_beside_paper_keeps_only_the_paper_rows(hierarchy):
    counts = sc.real_counts(hierarchy)
    t = sc.table_beside_paper(sc.subtree_table(hierarchy, counts, subtrees=None))
    assert list(t.index) == ["mammal", "bird", "vehicle", "furniture", "musical instrument",
                             "geological formation"]
    assert t.loc["vehicle", "paper_total_images"] == 317_000
    assert t.loc["vehicle", "total_ratio"] == pytest.approx(374_135 / 317_000, abs=1e-3)


def test_simulated_counts_from_a_per_synset_table(hierarchy):
    per = pd.DataFrame({"wnid": [w("dog.n.01"), w("mammal.n.01")], "accepted": [7, 3]})
    c = sc.simulated_counts(hierarchy, per)
    assert list(c.index) == [w("mammal.n.01"), w("dog.n.01")]  # hierarchy order
    assert c.tolist() == [3, 7]
    with pytest.raises(InputDataError, match="n99999999"):
        sc.simulated_counts(hierarchy, pd.DataFrame({"wnid": ["n99999999"], "accepted": [1]}))


# ---------------------------------------------------------------- Fig 1

def test_fig1_selects_exactly_the_two_branches(hierarchy):
    b = sc.fig1_branches(hierarchy)
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
    assert len(sc.sample_images(imgs, ["n00000003"], n=9, seed=1)) == 0  # no images: skipped
    a = sc.sample_images(imgs, ["n00000001", "n00000002"], n=9, seed=1)
    b = sc.sample_images(imgs, ["n00000001", "n00000002"], n=9, seed=1)
    assert a.groupby("wnid").size().to_dict() == {"n00000001": 9, "n00000002": 4}
    assert a["id"].tolist() == b["id"].tolist() and a["id"].is_unique


# ---------------------------------------------------------------- Fig 6, Table 1

def test_depth_distribution_of_mammal(hierarchy):
    counts = pd.Series({w("mammal.n.01"): 10, w("dog.n.01"): 30, w("eskimo_dog.n.01"): 60,
                        w("car.n.01"): 99})
    d = sc.depth_distribution(hierarchy, counts, "mammal")
    assert d.loc[1, "images"] == 10 and d.loc[5, "images"] == 30 and d.loc[7, "images"] == 60
    assert d["images"].sum() == 100  # the car is not a mammal
    assert d.loc[7, "share"] == pytest.approx(0.6)


def test_populated_synsets_and_table1(hierarchy):
    counts = sc.real_counts(hierarchy)
    pop = sc.populated_synsets(hierarchy, counts)
    assert list(pop.index[:2]) == ["mammal", "bird"]
    assert pop["populated"].sum() == 5247 - 262
    m = [sc.measure_dense(pop, "real"), sc.measure_clean(0.997, 80),
         sc.measure_full_resolution(np.array([[400, 350], [32, 32], [500, 375]]), "simulated")]
    t = sc.table1(m)
    assert t.loc["DenseHie", "ImageNet (artifact)"] == "Y"  # 95.0% populated >= 90%
    assert t.loc["Clean", "ImageNet (artifact)"] == "Y"
    assert t.loc["FullRes", "ImageNet (artifact)"] == "Y"  # median shorter side 350 px
    assert t.loc["PublicAvail", "ImageNet (artifact)"] == "quoted"
    assert t.loc["Segmented", "LabelMe (paper)"] == "Y" and t.loc["Clean", "TinyImage (paper)"] == "N"
    assert sc.measure_clean(0.25, 10).verdict == "N"
    assert sc.measure_full_resolution(np.array([[32, 32]]), "simulated").verdict == "N"


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
    items = sc.branch_images_from_source(src, branches, n=9, seed=3)["mammal"]
    assert [len(it["images"]) for it in items] == [1, 9, 0]
    assert [it["available"] for it in items] == [1, 13, 0]
    sizes = sc.image_sizes({"mammal": items})
    assert sizes.shape == (10, 2) and sizes[0].tolist() == [64, 48]
    again = sc.branch_images_from_source(ImageNetFolder(tmp_path), branches, n=9, seed=3)["mammal"]
    assert again[1]["shown"]["image_id"].tolist() == items[1]["shown"]["image_id"].tolist()
    src = ImageNetFolder(tmp_path)  # asking for all 13 tries the broken file too
    every = sc.branch_images_from_source(src, branches, n=13, seed=3)["mammal"]
    assert len(every[1]["images"]) == 12
    assert [s.path.name for s in src.skipped] == ["n02109961_99.JPEG"]


def test_label_disambiguation_needs_every_label_to_be_a_wnid(hierarchy):
    good = sc.measure_label_disambiguation(["n02084071", "n02109961"], hierarchy)
    assert good.verdict == "Y" and good.value.startswith("100.0% of 2 labels")
    bad = sc.measure_label_disambiguation(["n02084071", "dog", "n99999999", "n02109961"], hierarchy)
    assert bad.verdict == "N" and bad.value.startswith("50.0% of 4 labels")
