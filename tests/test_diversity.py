"""properties/diversity.py (Fig 5): lossless JPEG (SOF3, bit-exact), sizes against diversity."""

import numpy as np
import pytest

from imagenet_repro.errors import UserError
from imagenet_repro.properties import diversity as D


def _noise(seed=0, side=32):
    return np.random.default_rng(seed).integers(0, 256, (side, side, 3), dtype=np.uint8)


def test_lossless_jpeg_is_sof3_and_bit_exact():
    import imagecodecs

    img = _noise()
    data = D.lossless_jpeg(img)
    assert D.jpeg_frame_marker(data) == D.SOF3 == 0xC3
    assert np.array_equal(imagecodecs.jpeg8_decode(data), img)
    lossy = bytes(imagecodecs.jpeg8_encode(img, level=90))
    assert D.jpeg_frame_marker(lossy) == 0xC0  # baseline: what a lossy encoder writes
    assert not np.array_equal(imagecodecs.jpeg8_decode(lossy), img)
    with pytest.raises(UserError):
        D.jpeg_frame_marker(b"\x89PNG....")


def test_constant_image_smaller_than_noise_for_every_codec():
    flat = np.full((32, 32, 3), 131, np.uint8)
    s_flat, s_noise = D.encoded_sizes(flat), D.encoded_sizes(_noise(1))
    assert set(s_flat) == set(D.CODECS)
    for c in D.CODECS:
        assert s_flat[c] < s_noise[c] / 4, c
    with pytest.raises(UserError):
        D.encoded_size(flat, "gif")


def test_more_diverse_set_gives_a_blurrier_smaller_average():
    """One photo-like texture seen 50 times (no diversity) against 50 different ones: the
    second average is blurrier (tends to grey) and its file smaller, for every codec."""
    import cv2

    g = np.random.default_rng(2)

    def texture():
        return np.clip(cv2.GaussianBlur(g.normal(128, 90, (32, 32, 3)), (0, 0), 1.2), 0, 255).astype(np.uint8)

    one = texture()
    sharp = D.average_of(np.stack([one] * 50), "w", "x", "Caltech")
    blurry = D.average_of(np.stack([texture() for _ in range(50)]), "w", "x", "ImageNet")
    assert np.array_equal(sharp.average, one)
    assert blurry.average.astype(float).std() < sharp.average.astype(float).std() / 3
    for c in D.CODECS:
        assert blurry.sizes[c] < sharp.sizes[c], c


def test_fig5_synsets_are_caltech101_mammals_drawn_by_seed(hierarchy):
    a = D.fig5_synsets(hierarchy, seed=2009)
    assert len(a) == 4 and a == D.fig5_synsets(hierarchy, seed=2009)
    mammal = set(hierarchy.subtree("mammal"))
    assert all(w in mammal for w in a)
    assert set(a.values()) <= {"dolphin", "elephant", "kangaroo", "leopards", "llama"}
    cats = D.fig8_category_synsets()
    assert len(cats) == 16 and cats["n02431785"] == "elk"
