"""Duplicate removal: exact and perceptual-hash near duplicates, and its evaluation."""

import io

import numpy as np
import pytest
from matplotlib import cbook
from PIL import Image

from imagenet_repro.collect import dedup as D
from imagenet_repro.errors import UserError


def _photo(name: str) -> np.ndarray:
    """A real photograph shipped with matplotlib (a pinned dependency)."""
    with cbook.get_sample_data(name) as f:
        return np.asarray(Image.open(f).convert("RGB"))


@pytest.fixture(scope="module")
def photos():
    hopper = _photo("grace_hopper.jpg")                    # 600 x 512 portrait
    other = _photo("Minduka_Present_Blue_Pack.png")        # a different picture
    # the planted near duplicate: 3% cropped, resized to 61%, re-encoded at JPEG quality 60
    h, w = hopper.shape[:2]
    crop = Image.fromarray(hopper[h * 3 // 100: h - h * 3 // 100, w * 3 // 100: w - w * 3 // 100])
    small = crop.resize((int(w * 0.61), int(h * 0.61)), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    small.save(buf, format="JPEG", quality=60)
    near = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return hopper, other, near


def test_planted_near_duplicate_found_and_different_image_not(photos):
    hopper, other, near = photos
    h = D.perceptual_hashes([hopper, other, near])
    d = D.hamming_distances(h)
    assert d[0, 2] <= D.DEFAULT_THRESHOLD < d[0, 1]
    assert d[1, 2] > D.DEFAULT_THRESHOLD
    res = D.find_duplicates([hopper, other, near])
    assert res.group.tolist() == [0, 1, 0]
    assert res.keep.tolist() == [True, True, False]
    assert res.n_exact_removed == 0 and res.n_removed == 1


def test_exact_duplicate_found(photos):
    hopper, other, _ = photos
    res = D.find_duplicates([other, hopper, hopper.copy(), other], threshold=0)
    assert res.exact_group.tolist() == [0, 1, 1, 0]
    assert res.group.tolist() == [0, 1, 1, 0]
    assert res.summary() == {"images": 4, "threshold": 0, "exact_duplicates_removed": 2,
                             "near_duplicates_removed": 0, "kept": 2}
    # encoded bytes: same bytes same digest, one changed byte another
    b = b"\xff\xd8 not really a jpeg"
    assert D.content_hash(b) == D.content_hash(bytes(b))
    assert D.content_hash(b) != D.content_hash(b[:-1] + b"!")
    # same pixels in another shape are not the same image
    flat = hopper.reshape(1, -1, 3)
    assert D.content_hash(flat) != D.content_hash(hopper)


@pytest.mark.parametrize("bad", [-1, 65, 3.5, "8", True, None])
def test_threshold_out_of_range_is_a_user_error(bad):
    with pytest.raises(UserError, match="threshold"):
        D.validate_threshold(bad)
    with pytest.raises(UserError):
        D.dedup_hashes(np.zeros(3, np.uint64), bad)


def test_threshold_bounds_are_valid():
    assert D.validate_threshold(0) == 0 and D.validate_threshold(64) == 64
    assert D.validate_threshold(np.int64(12)) == 12


def test_hamming_distances_by_hand():
    h = np.array([0, 1, 3, 2**64 - 1], dtype=np.uint64)
    d = D.hamming_distances(h)
    assert d[0].tolist() == [0, 1, 2, 64]
    assert d[1, 2] == 1 and d[2, 3] == 62
    i, j, dist = D.near_pairs(h, 2, block=2)  # blocks of 2 must give the same pairs
    assert sorted(zip(i.tolist(), j.tolist(), dist.tolist())) == [(0, 1, 1), (0, 2, 2), (1, 2, 1)]


def test_grouping_is_transitive_and_labelled_by_first_member():
    # 0-1 and 1-2 linked: one group though 0 and 2 are 2 bits apart and the threshold is 1
    h = np.array([0b1000, 0b000, 0b001, 0b111111], dtype=np.uint64)
    res = D.dedup_hashes(h, 1)
    assert res.group.tolist() == [0, 0, 0, 1]
    assert D.groups_from_pairs(5, np.array([4, 2]), np.array([3, 1])).tolist() == [0, 1, 1, 2, 2]


def test_pairwise_precision_recall_by_hand():
    truth = [0, 0, 0, 1, 1, 2]
    pred = [0, 0, 1, 1, 1, 2]
    # true pairs: (0,1) (0,2) (1,2) (3,4) = 4; predicted: (0,1) (2,3) (2,4) (3,4) = 4;
    # both: (0,1) (3,4) = 2
    r = D.pairwise_precision_recall(pred, truth)
    assert (r["true_positive_pairs"], r["predicted_pairs"], r["true_pairs"]) == (2, 4, 4)
    assert r["precision"] == pytest.approx(0.5) and r["recall"] == pytest.approx(0.5)
    # everything merged: 15 predicted pairs, all 4 true ones among them
    r = D.pairwise_precision_recall([7] * 6, truth)
    assert r["precision"] == pytest.approx(4 / 15) and r["recall"] == 1.0
    # nothing merged: no decision, precision undefined, recall 0
    r = D.pairwise_precision_recall(range(6), truth)
    assert np.isnan(r["precision"]) and r["recall"] == 0.0


def test_threshold_sweep_by_hand():
    # images 0,1 are one web image 3 bits apart; image 2 is another, 5 bits from image 0
    # and 8 from image 1
    h = np.array([0b0, 0b111, 0b11111000], dtype=np.uint64)
    sw = D.threshold_sweep(h, truth=[10, 10, 20], thresholds=[2, 3, 5])
    assert sw["threshold"].tolist() == [2, 3, 5]
    assert sw["removed"].tolist() == [0, 1, 2]
    assert sw["recall"].tolist() == [0.0, 1.0, 1.0]
    assert np.isnan(sw["precision"][0]) and sw["precision"][1] == 1.0
    assert sw["precision"][2] == pytest.approx(1 / 3)
    with pytest.raises(UserError):
        D.threshold_sweep(h, truth=[1, 2], thresholds=[3])


def test_bad_image_is_a_user_error_naming_it():
    with pytest.raises(UserError, match="image 1"):
        D.find_duplicates([np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4, 3), np.float32)])


def test_dedup_stays_within_a_synset():
    # images 0 and 2 are identical hashes but belong to different synsets: never merged
    h = np.array([5, 5, 5, 1 << 40], dtype=np.uint64)
    by = ["a", "a", "b", "b"]
    assert D.dedup_hashes(h, 0, by=by).group.tolist() == [0, 0, 1, 2]
    # the same web image id in two synsets is two images for the evaluation
    sw = D.threshold_sweep(h, truth=[1, 1, 1, 2], thresholds=[0], by=by)
    assert (sw["true_pairs"][0], sw["predicted_pairs"][0], sw["precision"][0]) == (1, 1, 1.0)
    pd_ = D.pair_distances(h, [1, 1, 1, 2], by=by)
    assert len(pd_) == 2 and pd_["same_image"].tolist() == [True, False]
    assert pd_["distance"].tolist() == [0, 3]  # 0b101 vs one bit at 40


def test_pairwise_precision_recall_within_keys():
    # web image 7 in synsets a and b: merged across synsets would be a false decision
    r = D.pairwise_precision_recall([0, 0, 0], [7, 7, 7], by=["a", "a", "b"])
    assert (r["predicted_pairs"], r["true_pairs"], r["true_positive_pairs"]) == (1, 1, 1)
