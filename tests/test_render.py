"""The pixel level of the simulated world: determinism, boxes and masks, styles, look-alike
siblings (measured on pixels), near-duplicate variants a perceptual hash still matches."""

import cv2
import imagehash
import numpy as np
import pytest
from PIL import Image

from imagenet_repro.errors import UserError
from imagenet_repro.world.render import (LATENT_DIM, PARAM_NAMES, _draw_size, make_variant,
                                         mask_box, render_junk, render_scene, rng_from_key,
                                         visual_params)


def _latents(seed, n):
    return np.random.default_rng(seed).standard_normal((n, LATENT_DIM))


def test_same_key_same_bytes_other_key_other_pixels():
    z = _latents(0, 1)[0]
    a = render_scene(z, 0.5, (2009, 7, 11))
    b = render_scene(z, 0.5, (2009, 7, 11))
    c = render_scene(z, 0.5, (2009, 7, 12))
    assert a.image.tobytes() == b.image.tobytes()
    assert a.box == b.box and np.array_equal(a.mask, b.mask)
    assert a.image.shape != c.image.shape or not np.array_equal(a.image, c.image)
    j1, j2 = render_junk((1, 2, 3)), render_junk((1, 2, 3))
    assert j1.image.tobytes() == j2.image.tobytes() and j1.box is None and j1.mask is None
    assert render_junk((1, 2, 4)).image.tobytes() != j1.image.tobytes()


def test_box_is_the_visible_mask_and_inside_the_image():
    zs = _latents(1, 6)
    for i, z in enumerate(zs):
        for style in ("web", "caltech"):
            r = render_scene(z, 0.9, (5, i), style=style)
            H, W = r.image.shape[:2]
            assert r.image.dtype == np.uint8 and r.image.shape[2] == 3
            assert r.mask.shape == (H, W) and r.mask.dtype == bool
            assert r.mask.sum() > 0.01 * H * W
            x0, y0, x1, y1 = r.box
            assert 0 <= x0 < x1 <= W and 0 <= y0 < y1 <= H
            assert r.box == mask_box(r.mask)
            assert r.mask[y0:y1, x0:x1].sum() == r.mask.sum()


def test_mask_box_hand_example():
    m = np.zeros((5, 6), bool)
    m[1:3, 2:5] = True
    assert mask_box(m) == (2, 1, 5, 3)
    assert mask_box(np.zeros((3, 3), bool)) is None


def test_size_is_width_height_and_default_sizes_average_400x350():
    r = render_scene(_latents(2, 1)[0], 0.3, (1,), size=(320, 200))
    assert r.image.shape == (200, 320, 3) and r.mask.shape == (200, 320)
    sizes = np.array([_draw_size(rng_from_key((9, i))) for i in range(2000)])
    assert abs(sizes[:, 0].mean() - 400) < 15 and abs(sizes[:, 1].mean() - 350) < 20
    assert sizes[:, 0].std() > 30  # sizes vary, as on the web


def test_caltech_style_is_centred_large_on_plain_background():
    for i, z in enumerate(_latents(3, 5)):
        r = render_scene(z, 0.8, (3, i), style="caltech")
        H, W = r.image.shape[:2]
        x0, y0, x1, y1 = r.box
        assert abs((x0 + x1) / 2 - W / 2) < 0.1 * W and abs((y0 + y1) / 2 - H / 2) < 0.1 * H
        assert max((x1 - x0) / W, (y1 - y0) / H) > 0.7
        near = cv2.dilate(r.mask.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
        bg = r.image[~near].astype(float)
        assert bg.std(axis=0).max() < 12  # plain: almost one colour
        assert bg.mean() > 180  # light


def test_web_style_varies_with_diversity():
    """Object size and position spread more for a diverse synset than for a uniform one."""
    z = _latents(4, 1)[0]

    def spread(d):
        boxes = np.array([render_scene(z, d, (4, k)).box for k in range(16)], float)
        centres = (boxes[:, :2] + boxes[:, 2:]) / 2
        return centres.std(axis=0).mean()

    assert spread(1.0) > 1.5 * spread(0.0)


def _hist(img):
    q = (img // 64).reshape(-1, 3).astype(int)
    h = np.bincount(q[:, 0] * 16 + q[:, 1] * 4 + q[:, 2], minlength=64).astype(float)
    return h / h.sum()


def _tiny(img):
    return cv2.resize(img, (32, 32), interpolation=cv2.INTER_AREA).astype(float)


def test_siblings_look_more_alike_than_unrelated_synsets():
    """On pixels, not latents: colour-histogram intersection and tiny-image SSD."""
    rng = np.random.default_rng(5)
    sib_h, unr_h, sib_t, unr_t = [], [], [], []
    for t in range(12):
        a = rng.standard_normal(LATENT_DIM)
        s = a + 0.3 * rng.standard_normal(LATENT_DIM)  # a sibling: parent + small noise
        b = rng.standard_normal(LATENT_DIM)  # an unrelated synset
        for j in range(2):
            ia, isb, ib = (render_scene(z, 0.3, (0, t, k, j)).image for k, z in enumerate((a, s, b)))
            ha, hs, hb = _hist(ia), _hist(isb), _hist(ib)
            sib_h.append(np.minimum(ha, hs).sum())
            unr_h.append(np.minimum(ha, hb).sum())
            ta, ts, tb = _tiny(ia), _tiny(isb), _tiny(ib)
            sib_t.append(((ta - ts) ** 2).mean())
            unr_t.append(((ta - tb) ** 2).mean())
    assert np.mean(sib_h) > np.mean(unr_h) + 0.05
    assert np.mean(sib_t) < 0.95 * np.mean(unr_t)


def test_visual_params_depend_on_latent_direction_only():
    z = _latents(6, 1)[0]
    u = visual_params(z)
    assert u.shape == (len(PARAM_NAMES),) and np.all((u > 0) & (u < 1))
    assert np.allclose(visual_params(3.5 * z), u)
    # over many random latents, each parameter is spread over (0, 1)
    us = np.array([visual_params(x) for x in _latents(7, 400)])
    assert np.all(np.abs(us.mean(axis=0) - 0.5) < 0.1)


def test_sift_finds_keypoints_on_the_object():
    sift = cv2.SIFT_create()
    on_object = []
    for i, z in enumerate(_latents(8, 4)):
        r = render_scene(z, 0.4, (8, i))
        kps = sift.detect(cv2.cvtColor(r.image, cv2.COLOR_RGB2GRAY), None)
        pts = np.array([k.pt for k in kps]).astype(int)
        on_object.append(r.mask[pts[:, 1], pts[:, 0]].sum())
    assert min(on_object) >= 10


def _phash(img):
    return imagehash.phash(Image.fromarray(img))


def test_variants_are_near_duplicates_a_perceptual_hash_matches():
    zs = _latents(9, 2)
    img = render_scene(zs[0], 0.5, (9, 1)).image
    other = render_scene(zs[1], 0.5, (9, 2)).image
    assert make_variant(img, 0, (1,)) is img
    h0 = _phash(img)
    for k in range(1, 6):
        v = make_variant(img, k, (9, 1))
        assert v.dtype == np.uint8 and v.ndim == 3
        assert v.tobytes() == make_variant(img, k, (9, 1)).tobytes()  # deterministic
        assert v.shape != img.shape or not np.array_equal(v, img)  # altered
        assert h0 - _phash(v) <= 8
    assert h0 - _phash(other) > 16


def test_bad_arguments_name_the_problem():
    z = _latents(10, 1)[0]
    with pytest.raises(UserError, match="64 values"):
        render_scene(z[:10], 0.5, (1,))
    with pytest.raises(UserError, match="style"):
        render_scene(z, 0.5, (1,), style="painting")
    with pytest.raises(UserError, match="size"):
        render_scene(z, 0.5, (1,), size=(5, 5))
    with pytest.raises(UserError, match="variant"):
        make_variant(np.zeros((20, 20, 3), np.uint8), -1, (1,))


# ---------------------------------------------------------------- body plans and views (Sec 4.3)

from imagenet_repro.world.render import (BODY_PLANS, VIEWS, _DARK, _geometry, _placement,  # noqa: E402
                                         _view_polys, _VIEW_YAW)


def _silhouette(z, plan, view, size=(240, 240)):
    """The object's mask alone, drawn from one view at rest (no per-image noise)."""
    from imagenet_repro.world.render import _draw_object
    u = visual_params(z)
    polys = _view_polys(_geometry(u, np.zeros(32), 0.0, plan), plan, view, _VIEW_YAW[view], 0.2)
    canvas = np.zeros((size[1], size[0], 3), np.uint8)
    M = _placement(polys, 0.0, False, 1.0, 0.8, (0.0, 0.0), *size)
    rs, cs, obj = _draw_object(canvas, u, polys, M, np.array([0.1, 0.2]))
    m = np.zeros((size[1], size[0]), bool)
    m[rs, cs] = obj
    return m, canvas


def test_every_body_plan_renders_with_its_exact_box():
    zs = _latents(11, len(BODY_PLANS))
    for z, plan in zip(zs, BODY_PLANS):
        for k in range(3):
            r = render_scene(z, 0.6, (11, k), body_plan=plan)
            assert r.mask.sum() > 0.005 * r.mask.size, plan
            assert r.box == mask_box(r.mask), plan
            assert r.view in VIEWS and (r.facing in ("left", "right")) == (r.view in ("side", "three-quarter"))
        again = render_scene(z, 0.6, (11, 0), body_plan=plan)
        assert again.image.tobytes() == render_scene(z, 0.6, (11, 0), body_plan=plan).image.tobytes()
    with pytest.raises(UserError, match="body plan"):
        render_scene(zs[0], 0.5, (1,), body_plan="octopus")


def test_vehicle_plans_have_their_parts():
    """Land vehicles stand on dark tyres; aircraft spread wings wider than long seen from the
    front; a sailing watercraft's masts make it taller than its hull alone."""
    for i, z in enumerate(_latents(12, 6)):
        m, canvas = _silhouette(z, "land_vehicle", "side")
        rows = np.flatnonzero(m.any(1))
        bottom = canvas[rows[-1] - 3:rows[-1] + 1][m[rows[-1] - 3:rows[-1] + 1]]
        assert bottom.mean() < 80, i  # the tyres touch the ground
        side, _ = _silhouette(z, "aircraft", "side")
        front, _ = _silhouette(z, "aircraft", "front")
        aspect = lambda mm: np.ptp(np.flatnonzero(mm.any(0))) / np.ptp(np.flatnonzero(mm.any(1)))  # noqa: E731
        assert aspect(front) > 1.4 and aspect(side) > 2.0, i
    u = visual_params(_latents(13, 1)[0])
    u[[PARAM_NAMES.index("top_shape")]] = 0.9  # sails
    parts = _geometry(u, np.zeros(32), 0.0, "watercraft")
    ys = np.concatenate([p.poly[:, 1] for p in parts])
    assert ys.min() < -0.8 and ys.max() < 0.4  # masts rise far above a hull that sits low


def test_views_turn_the_object():
    """A land vehicle seen from the front is narrower than from the side; views are drawn
    from the key: mostly side views for a uniform synset, more turned ones when diverse."""
    for z in _latents(14, 4):
        side, _ = _silhouette(z, "land_vehicle", "side")
        front, _ = _silhouette(z, "land_vehicle", "front")
        w = lambda mm: np.ptp(np.flatnonzero(mm.any(0))) / np.ptp(np.flatnonzero(mm.any(1)))  # noqa: E731
        assert w(front) < 0.75 * w(side)
    from imagenet_repro.world.render import _draw_view
    shares = {}
    for d in (0.0, 1.0):
        views = [_draw_view((3, k), "animal", True, d)[0] for k in range(600)]
        shares[d] = views.count("side") / len(views)
        assert set(views) == set(VIEWS)
    assert abs(shares[0.0] - 0.7) < 0.06 and abs(shares[1.0] - 0.3) < 0.06
    assert {_draw_view((3, k), "aircraft", False, 0.5)[0] for k in range(20)} == {"side"}  # caltech: canonical


def test_web_anywhere_style_spreads_objects_over_the_frame():
    z = _latents(15, 1)[0]

    def centres(style):
        b = np.array([render_scene(z, 0.0, (15, k), style=style, size=(200, 160)).box for k in range(24)], float)
        return ((b[:, :2] + b[:, 2:]) / 2 / np.array([200, 160])).std(axis=0).mean()

    assert centres("web-anywhere") > 1.5 * centres("web")
