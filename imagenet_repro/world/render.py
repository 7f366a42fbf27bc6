"""Pixel level of the simulated world: photographs of one object, drawn from a latent vector.

Why: the methods of the paper (duplicate removal, tiny-image and SIFT recognition,
localization, average images) need pixels; the 2009 web cannot be fetched. Any candidate
image renders on demand, deterministically from its key, and is never stored.

The generative assumptions, all of them (nothing here knows about any experiment):

1. Appearance. A synset's look is a fixed function of the *direction* of its latent
   vector: a fixed random projection (seeded by a constant) maps the unit latent to
   ``len(PARAM_NAMES)`` visual parameters in (0, 1) (through the normal CDF), which set
   the body (a superellipse with a hump and taper), its parts (legs, wheels or petals;
   head, neck, ears, eye; tail; fins or spikes; panels), three colours, and the texture
   statistics (stripes, spots, a fine hatching/checker/dot pattern) that SIFT finds.
   Nearby latents (siblings deep in the tree) therefore look alike.
2. Instances. Each image perturbs the latent by Gaussian noise growing with the
   synset's diversity, and draws from its key: image size (about 400x350), pose of the
   parts, rotation, flip, foreshortening, scale, position, lighting, blur, occlusion,
   background, clutter and distractor objects (random latents), their spread growing
   with diversity. Texture realisations (spot positions, stripe phase) are per image.
3. Context. The background colours mix a "habitat" colour given by the latent with a
   random scene colour; the habitat weighs less as diversity grows.
4. Caltech style: the same object centred, large, canonical pose (no rotation, no flip,
   parts at rest, side view), plain light background, no clutter, distractors or occlusion.
5. Body plans (BODY_PLANS): the world passes each synset's plan (World.body_plan: by subtree,
   and for vehicles by WordNet ancestry). "animal" (mammal, bird, fish, reptile, amphibian)
   keeps the original plan chosen from the latent (legs, wheels, petals or none); vehicles
   are land vehicles (box body, cabin, windows, 2-3 axles), watercraft (hull, one or three,
   masts and sails or a superstructure) or aircraft (fuselage, swept wings, fin, stabilisers,
   engines; landing gear down in part of the images); furniture (top on legs, backrest and
   arms, or a cabinet), instruments (guitar, horn or keyboard), landforms (a massif with
   peaks, snow, a cave), tools (handle and head), flowers (petals, disc, stem, leaves), fruit
   (a round body or a bunch, stem, leaf). Every part's size and choice come from the latent's
   visual parameters, so siblings still look alike.
6. Views: each web image has a view label (VIEWS: side, three-quarter, front, back) drawn
   from its own stream of the key (_draw_view), which turns the object about the vertical
   (each part is a profile swept across the object's width, projected and painted back to
   front); ``Rendered.view`` and ``Rendered.facing`` record it. An animal in a side view is
   drawn exactly as before views existed (same bytes); other views of animals, and every
   non-animal, are projected. Style "web-anywhere" frees the object's size and position (a
   null world for localization).

Sizes are ``(width, height)`` as in "400x350"; boxes are ``(x0, y0, x1, y1)`` in pixel-edge
coordinates (0-based, x1/y1 exclusive) of the visible object; the mask is its visible
pixels. Everything is drawn with OpenCV into numpy arrays; one 400x350 image takes about
12-20 ms on one core (see benchmarks/render_throughput.py).
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from scipy.special import ndtr

from ..errors import UserError
from ..paper import MEAN_IMAGE_SIZE
from ..rng import cell_uniform
from ..rng import rng as stream_rng

LATENT_DIM = 64  # the world's latent size (world.LATENT_DIM); checked at call time
STYLES = ("web", "caltech", "web-anywhere")
MEAN_SIZE = MEAN_IMAGE_SIZE  # (width, height): the paper's average ImageNet image (an assumption of the world)

PARAM_NAMES: tuple[str, ...] = (
    "body_aspect", "body_power", "hump", "hump_pos", "body_taper",
    "head_on", "head_size", "head_aspect", "neck_len", "neck_width", "snout",
    "kind_legs", "kind_wheels", "kind_petals", "kind_none",
    "n_legs", "leg_len", "leg_width", "leg_spread", "hooves",
    "n_wheels", "wheel_size",
    "n_petals", "petal_len", "petal_width",
    "tail_len", "tail_angle", "tail_width",
    "n_top", "top_size", "top_shape", "top_pos",
    "ear_size", "n_panels", "panel_size",
    "col_h", "col_s", "col_v", "sec_dh", "sec_s", "sec_v", "pat_h", "pat_s", "pat_v",
    "stripes", "stripe_freq", "stripe_angle", "stripe_duty", "stripe_wave",
    "spots", "spot_cell", "spot_size", "spot_density",
    "fine", "fine_freq", "fine_angle", "fine_kind", "fine_contrast",
    "eye_size", "outline",
    "hab_h", "hab_s", "hab_v", "hab_kind",
)
_P = {name: i for i, name in enumerate(PARAM_NAMES)}
# structural choices are made once per synset (from the latent itself, not per image)
_DISCRETE = np.array([_P[n] for n in (
    "kind_legs", "kind_wheels", "kind_petals", "kind_none", "n_legs", "n_wheels", "n_petals",
    "n_top", "n_panels", "head_on", "hooves", "stripes", "spots", "fine", "fine_kind",
    "top_shape", "ear_size", "hab_kind")])

# materials of the object's label map
_NONE, _LIMB, _BODY, _HEAD, _TOP, _DARK, _LIGHT, _PANEL, _FAR = range(9)
_SHELL, _GREEN = 9, 10  # body colour untextured (wings, hulls' tops); foliage (stems, leaves)
_N_MATERIALS = 11
_TEXTURED = (_BODY, _HEAD)


@dataclass
class Rendered:
    """One rendered image with its object's box and mask (None for junk), and the view the
    object was drawn from (VIEWS) and which way its front points ('left'/'right'; None when
    seen from the front or the back)."""

    image: np.ndarray  # (H, W, 3) uint8 RGB
    box: tuple[int, int, int, int] | None  # (x0, y0, x1, y1), x1/y1 exclusive
    mask: np.ndarray | None  # (H, W) bool, visible object pixels
    view: str | None = None
    facing: str | None = None


# --------------------------------------------------------------------------- keys, params

def rng_from_key(key: tuple[int, ...]) -> np.random.Generator:
    """The Generator of a render key of ints (negative ints are taken modulo 2**64)."""
    if not isinstance(key, tuple) or not all(isinstance(k, (int, np.integer)) for k in key):
        raise UserError(f"render key must be a tuple of ints, got {key!r}")
    return stream_rng(*key)


@lru_cache(maxsize=1)
def projection() -> np.ndarray:
    """The fixed latent -> visual-parameter projection, [n_params, LATENT_DIM]."""
    return stream_rng("imagenet_repro.world.render/projection/v1").standard_normal((len(PARAM_NAMES), LATENT_DIM))


def _unit(latent: np.ndarray) -> np.ndarray:
    z = np.asarray(latent, dtype=np.float64).reshape(-1)
    if z.shape[0] != LATENT_DIM:
        raise UserError(f"latent must have {LATENT_DIM} values, got {z.shape[0]}")
    if not np.all(np.isfinite(z)):
        raise UserError("latent has NaN or infinite values")
    n = float(np.linalg.norm(z))
    return z * (np.sqrt(LATENT_DIM) / n) if n > 1e-12 else np.zeros(LATENT_DIM)


def visual_params(latent: np.ndarray) -> np.ndarray:
    """Visual parameters in (0, 1) of a latent (its direction only), in PARAM_NAMES order."""
    z = _unit(latent)
    return ndtr(projection() @ z / np.sqrt(LATENT_DIM))


# --------------------------------------------------------------------------- geometry

def _ellipse(cx, cy, rx, ry, ang=0.0, n=28) -> np.ndarray:
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    x, y = rx * np.cos(t), ry * np.sin(t)
    c, s = np.cos(ang), np.sin(ang)
    return np.stack([cx + c * x - s * y, cy + s * x + c * y], axis=1)


def _limb(x0, y0, ang, length, w0, w1) -> np.ndarray:
    """A tapered quad from (x0, y0) pointing at angle ``ang`` (0 = straight down)."""
    d = np.array([np.sin(ang), np.cos(ang)])
    nrm = np.array([np.cos(ang), -np.sin(ang)])
    p0, p1 = np.array([x0, y0]), np.array([x0, y0]) + length * d
    return np.stack([p0 + nrm * w0 / 2, p1 + nrm * w1 / 2, p1 - nrm * w1 / 2, p0 - nrm * w0 / 2])


def _body_outline(u: np.ndarray, n: int = 56) -> tuple[np.ndarray, float, float]:
    a = 1.0
    b = 0.32 + 0.5 * u[_P["body_aspect"]]
    p = 1.3 + 3.2 * u[_P["body_power"]] ** 1.3
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    ct, st = np.cos(t), np.sin(t)
    x = a * np.sign(ct) * np.abs(ct) ** (2 / p)
    y = b * np.sign(st) * np.abs(st) ** (2 / p)
    y = y * (1 + (u[_P["body_taper"]] - 0.5) * 0.7 * x)
    hump = max(0.0, u[_P["hump"]] - 0.55) * 1.8
    if hump > 0:
        top = y < 0
        y[top] -= hump * b * np.exp(-(((x[top] - (u[_P["hump_pos"]] - 0.5)) / 0.32) ** 2))
    return np.stack([x, y], axis=1), a, b


def _top_y(x: np.ndarray, u: np.ndarray, b: float) -> np.ndarray:
    """Approximate upper edge of the (unhumped) body at x."""
    p = 1.3 + 3.2 * u[_P["body_power"]] ** 1.3
    return -b * np.clip(1 - np.abs(x) ** p, 0, 1) ** (1 / p) * (1 + (u[_P["body_taper"]] - 0.5) * 0.7 * x)


def object_kind(u: np.ndarray) -> str:
    """Which parts the object has: 'legs', 'wheels', 'petals' or 'none'."""
    scores = np.array([1.35 * u[_P["kind_legs"]], u[_P["kind_wheels"]],
                       0.9 * u[_P["kind_petals"]], 0.85 * u[_P["kind_none"]]])
    return ("legs", "wheels", "petals", "none")[int(np.argmax(scores))]


@dataclass
class _Part:
    """One part of an object: a profile polygon (side view: x along the object, y down) swept
    across the object's width through ``zs`` (lateral positions, + toward a side-view camera),
    each slice scaled about the profile's centre by ``scales`` and shifted by ``shifts``.

    A part with ``parent`` >= 0 is a detail on its parent's surface (window, eye, hub), drawn
    right after the parent when its outward ``normal`` (nx, nz) faces the camera ((0, 0): always).
    ``side`` False: not drawn in the legacy side view (e.g. the far wheels, hidden there).
    """

    poly: np.ndarray
    mat: int
    zs: tuple[float, ...] = (0.0,)
    scales: tuple[float, ...] | None = None
    shifts: tuple[tuple[float, float], ...] | None = None
    parent: int = -1
    normal: tuple[float, float] = (0.0, 0.0)
    side: bool = True


def _round(t: float, flat: float = 0.0, z0: float = 0.0) -> dict:
    """Slices of a rounded cross-section of half-width t about z0 (flat 1: a box)."""
    zs = z0 + t * np.array([-1.0, -0.7, 0.0, 0.7, 1.0])
    sc = flat + (1 - flat) * np.array([0.42, 0.74, 1.0, 0.74, 0.42])
    return {"zs": tuple(zs), "scales": tuple(sc)}


def _slab(z0: float, w: float) -> dict:
    """Slices of a part of constant profile and width w about lateral position z0."""
    return {"zs": (z0 - w / 2, z0 + w / 2)}


def _side_polys(parts: list[_Part]) -> list[tuple[np.ndarray, int]]:
    """The legacy side view: every side part's profile, in build order."""
    return [(p.poly, p.mat) for p in parts if p.side]


def _animal_parts(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[_Part]:
    """The animal body plan (legs, wheels, petals or none, chosen from the latent): polygons in
    object coordinates (body about [-1, 1] wide, y down), in draw order of the side view.

    ``pose`` is a vector of standard normals, scaled by ``jitter`` (radians) to move parts.
    The profiles are the renderer's original ones (the side view is unchanged); the lateral
    slices only matter for the other views.
    """
    kind = object_kind(u)
    parts: list[_Part] = []
    body, a, b = _body_outline(u)
    if kind == "petals":
        body, a, b = _ellipse(0, 0, 0.5, 0.5, n=40), 0.5, 0.5
    tb = 0.18 + 0.45 * b  # half-width of the body (across the animal)
    pj = iter(pose * jitter)

    # tail (behind everything)
    tl = u[_P["tail_len"]]
    if tl > 0.2 and kind != "petals":
        ang = np.pi / 2 + (-0.7 + 1.6 * u[_P["tail_angle"]]) + next(pj)
        tw = 0.06 + 0.22 * u[_P["tail_width"]]
        w1 = tw * (0.15 + 2.2 * max(0.0, u[_P["tail_width"]] - 0.5))
        parts.append(_Part(_limb(-0.9 * a, -0.15 * b, ang, 0.25 + 1.1 * (tl - 0.2), tw, w1), _LIMB,
                           **_slab(0.0, tw)))

    if kind == "legs":
        n_legs = (2, 4, 4, 6)[min(3, int(u[_P["n_legs"]] * 4))]
        length = 0.3 + 1.0 * u[_P["leg_len"]]
        w = 0.08 + 0.16 * u[_P["leg_width"]]
        spread = 0.45 + 0.4 * u[_P["leg_spread"]]
        xs = np.linspace(-spread, spread, n_legs // 2)
        for far in (True, False):
            for i, x in enumerate(xs):
                off = 0.12 if far else 0.0
                ang = (0.12 if i % 2 else -0.12) * (1 if far else -1) + next(pj)
                q = _limb(x * a + off, 0.35 * b, ang, length + 0.55 * b, w, w * 0.75)
                zl = (-0.6 if far else 0.6) * tb
                parts.append(_Part(q, _FAR if far else _LIMB, **_slab(zl, w)))
                if u[_P["hooves"]] > 0.55:
                    end = q[1:3].mean(axis=0)
                    parts.append(_Part(_ellipse(end[0], end[1], w * 0.55, w * 0.35, ang), _DARK,
                                       **_slab(zl, w * 1.1), parent=len(parts) - 1))
    elif kind == "petals":
        n_p = 5 + int(u[_P["n_petals"]] * 9)
        pl = 0.45 + 0.8 * u[_P["petal_len"]]
        pw = 0.12 + 0.3 * u[_P["petal_width"]]
        for k in range(n_p):
            t = 2 * np.pi * k / n_p + next(pj) * 0.3
            r = 0.45 + pl / 2
            parts.append(_Part(_ellipse(r * np.cos(t), r * np.sin(t), pl / 2, pw, t, n=20), _LIMB,
                               **_slab(0.0, 0.06)))

    parts.append(_Part(body, _BODY, **_round(tb)))
    i_body = len(parts) - 1

    # panels (windows, markings) on the body
    if u[_P["n_panels"]] > 0.5 and kind != "petals":
        k = 1 + int((u[_P["n_panels"]] - 0.5) * 8)
        pw = (1.2 / k) * (0.4 + 0.5 * u[_P["panel_size"]])
        for x in np.linspace(-0.55, 0.55, k) if k > 1 else [0.0]:
            y0 = _top_y(np.array([x]), u, b)[0] * 0.55
            ph = abs(y0) * 0.8 + 0.02
            q = np.array([[x - pw / 2, y0], [x + pw / 2, y0], [x + pw / 2, y0 + ph], [x - pw / 2, y0 + ph]])
            parts.append(_Part(q, _PANEL, zs=(tb,), parent=i_body, normal=(0.0, 1.0)))
            parts.append(_Part(q, _PANEL, zs=(-tb,), parent=i_body, normal=(0.0, -1.0), side=False))

    # fins / spikes / bumps on top
    n_top = max(0, int(u[_P["n_top"]] * 6) - 1)
    if n_top and kind != "petals":
        ts = 0.15 + 0.45 * u[_P["top_size"]]
        xs = np.linspace(-0.5, 0.5, n_top) * (0.3 + 0.9 * u[_P["top_pos"]]) if n_top > 1 else np.array([0.0])
        ys = _top_y(xs, u, b) + 0.04
        for x, y in zip(xs, ys):
            if u[_P["top_shape"]] > 0.5:
                tri = np.array([[x - ts * 0.45, y + 0.05], [x + ts * 0.45, y + 0.05],
                                [x - ts * 0.3, y - ts]])
                parts.append(_Part(tri, _TOP, **_slab(0.0, 0.06)))
            else:
                parts.append(_Part(_ellipse(x, y, ts * 0.5, ts * 0.45, n=20), _TOP, **_round(0.4 * ts)))

    if kind == "wheels":
        n_w = 2 + int(u[_P["n_wheels"]] * 2.99)
        r = 0.18 + 0.22 * u[_P["wheel_size"]]
        for x in np.linspace(-0.65, 0.65, n_w):
            for zw, nz, side in ((tb, 1.0, True), (-tb, -1.0, False)):
                parts.append(_Part(_ellipse(x, 0.8 * b, r, r, n=32), _DARK, **_slab(zw, 0.1), side=side))
                iw = len(parts) - 1
                parts.append(_Part(_ellipse(x, 0.8 * b, 0.55 * r, 0.55 * r, n=24), _LIGHT,
                                   zs=(zw + 0.051 * nz,), parent=iw, normal=(0.0, nz), side=side))
                parts.append(_Part(_ellipse(x, 0.8 * b, 0.15 * r, 0.15 * r, n=12), _DARK,
                                   zs=(zw + 0.052 * nz,), parent=iw, normal=(0.0, nz), side=side))

    # neck, head, ears, eye, nose
    if u[_P["head_on"]] > 0.3 and kind != "petals":
        rh = 0.2 + 0.32 * u[_P["head_size"]]
        rx = rh * (1 + 0.6 * u[_P["snout"]])
        ry = rh * (0.6 + 0.5 * u[_P["head_aspect"]])
        nl = 1.3 * u[_P["neck_len"]] ** 1.6
        tilt = next(pj)
        hx = 0.78 * a + rx * 0.55 + nl * 0.35
        hy = -0.25 * b - nl + tilt * 0.3
        if nl > 0.15:
            nw = 0.12 + 0.25 * u[_P["neck_width"]]
            dx, dy = hx - 0.6 * a, hy + 0.1 * b
            ang = np.arctan2(dx, dy)
            parts.append(_Part(_limb(0.6 * a, -0.1 * b, ang, np.hypot(dx, dy), nw * 1.4, nw), _BODY,
                               **_round(0.6 * nw)))
        if u[_P["ear_size"]] > 0.35:
            es = rh * (0.35 + 0.9 * (u[_P["ear_size"]] - 0.35))
            for ex, ez in ((hx - 0.35 * rx, -0.55 * rh), (hx - 0.05 * rx, 0.55 * rh)):
                ey = hy - 0.7 * ry
                parts.append(_Part(np.array([[ex - es * 0.4, ey + es * 0.3], [ex + es * 0.4, ey + es * 0.3],
                                             [ex - es * 0.1, ey - es]]), _TOP, **_slab(ez, 0.08)))
        parts.append(_Part(_ellipse(hx, hy, rx, ry, tilt * 0.5, n=32), _HEAD, **_round(0.8 * rh)))
        i_head = len(parts) - 1
        re = rh * (0.08 + 0.12 * u[_P["eye_size"]])
        ex, ey = hx + 0.25 * rx, hy - 0.25 * ry
        for ez, side in ((0.45 * rh, True), (-0.45 * rh, False)):
            nrm = (0.6, 0.8 if ez > 0 else -0.8)
            parts.append(_Part(_ellipse(ex, ey, 1.7 * re, 1.7 * re, n=16), _LIGHT, zs=(ez,),
                               parent=i_head, normal=nrm, side=side))
            parts.append(_Part(_ellipse(ex + 0.3 * re, ey, re, re, n=16), _DARK, zs=(ez,),
                               parent=i_head, normal=nrm, side=side))
        parts.append(_Part(_ellipse(hx + 0.95 * rx, hy + 0.1 * ry, 0.12 * rh, 0.09 * rh, n=12), _DARK,
                           zs=(0.0,), parent=i_head, normal=(1.0, 0.0)))
    return parts


def _rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float)


def _add(parts: list[_Part], poly: np.ndarray, mat: int, **kw) -> int:
    parts.append(_Part(np.asarray(poly, float), mat, **kw))
    return len(parts) - 1


def _windows(parts: list[_Part], parent: int, quads: list[np.ndarray], z: float) -> None:
    """Side details on both flanks of ``parent`` (the far ones only seen from other views)."""
    for q in quads:
        _add(parts, q, _PANEL, zs=(z,), parent=parent, normal=(0.0, 1.0))
        _add(parts, q, _PANEL, zs=(-z,), parent=parent, normal=(0.0, -1.0), side=False)


def _wheel(parts: list[_Part], x: float, y: float, r: float, z: float, w: float) -> None:
    """A wheel on each flank: tyre, rim and hub (the far wheel is hidden in the side view)."""
    for zw, nz, side in ((z, 1.0, True), (-z, -1.0, False)):
        i = _add(parts, _ellipse(x, y, r, r, n=32), _DARK, **_slab(zw, w), side=side)
        for f, mat, n in ((0.6, _LIGHT, 24), (0.18, _DARK, 12)):
            _add(parts, _ellipse(x, y, f * r, f * r, n=n), mat, zs=(zw + nz * w / 2,), parent=i,
                 normal=(0.0, nz), side=side)


def _land_vehicle_parts(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[_Part]:
    """Car, truck, cart: a rounded box on 2-3 axles, a cabin with windows, lights front and back."""
    parts: list[_Part] = []
    hb = 0.16 + 0.2 * u[_P["body_aspect"]]
    t = 0.36 + 0.24 * u[_P["neck_width"]]
    p = 5.0 + 8.0 * u[_P["body_power"]]
    th = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    x = np.sign(np.cos(th)) * np.abs(np.cos(th)) ** (2 / p)
    y = hb * np.sign(np.sin(th)) * np.abs(np.sin(th)) ** (2 / p)
    nose = (y < 0) & (x > 0.45)
    y[nose] += (x[nose] - 0.45) * hb * 1.2 * u[_P["body_taper"]]
    ib = _add(parts, np.stack([x, y], 1), _BODY, **_round(t, flat=0.8))
    # cabin (or a cargo box behind it)
    xc = -0.45 + 0.75 * u[_P["hump_pos"]]
    lc = min(1.9 - abs(xc) * 2, 0.55 + 0.7 * u[_P["hump"]])
    hc = 0.16 + 0.3 * u[_P["head_size"]]
    sl = (0.1 + 0.25 * u[_P["snout"]]) * hc / 0.3
    c0, c1, top = xc - lc / 2, xc + lc / 2, -hb * 0.92
    cab = np.array([[c0, top + 0.03], [c1, top + 0.03], [c1 - sl, top - hc], [c0 + sl * 0.4, top - hc]])
    ic = _add(parts, cab, _BODY, **_round(0.86 * t, flat=0.8))
    k = 1 + int(u[_P["n_panels"]] * 2.99)
    edges = np.linspace(c0 + 0.06, c1 - 0.06, k + 1)
    quads = [np.array([[a + 0.02, top - 0.03], [b_ - 0.02, top - 0.03], [b_ - 0.02 - sl * 0.6, top - hc + 0.05],
                       [a + 0.02 + sl * 0.25, top - hc + 0.05]]) for a, b_ in zip(edges[:-1], edges[1:])]
    _windows(parts, ic, quads, 0.86 * t + 0.01)
    shield = np.array([[c1 - 0.02, top - 0.02], [c1 - sl + 0.01, top - hc + 0.04],
                       [c1 - sl - 0.02, top - hc + 0.04], [c1 - 0.05, top - 0.02]])
    _add(parts, shield, _PANEL, **_slab(0.0, 1.5 * t), parent=ic, normal=(1.0, 0.0))
    if u[_P["n_top"]] > 0.6 and c0 > -0.6:
        _add(parts, _rect(-1.0, top - hc * 1.25, c0 - 0.03, top + 0.03), _TOP, **_round(t, flat=0.9))
    # lights: head lamps at the front, tail lamps at the back
    for zl in (-0.62 * t, 0.62 * t):
        _add(parts, _ellipse(0.99, -0.25 * hb, 0.03, 0.07, n=12), _LIGHT, **_slab(zl, 0.22), parent=ib,
             normal=(1.0, 0.0))
        _add(parts, _ellipse(-0.99, -0.3 * hb, 0.03, 0.06, n=12), _PANEL, **_slab(zl, 0.2), parent=ib,
             normal=(-1.0, 0.0))
    n_w = 2 + int(u[_P["n_wheels"]] * 1.99)
    r = 0.16 + 0.16 * u[_P["wheel_size"]]
    for xw in np.linspace(-0.62, 0.62, n_w):
        _wheel(parts, xw, hb * 0.85, r, t - 0.06, 0.16)
    return parts


def _watercraft_parts(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[_Part]:
    """Boat, ship, sailboat, trimaran: a hull (one or three), masts and sails or a superstructure."""
    pj = iter(pose * jitter)
    parts: list[_Part] = []
    hd = 0.16 + 0.2 * u[_P["body_aspect"]]
    t = 0.2 + 0.18 * u[_P["neck_width"]]
    rake = 0.08 + 0.3 * u[_P["snout"]]
    xb = np.linspace(-1, 1, 20)
    yb = hd * (1 - np.clip((xb - 0.05) / 0.95, 0, 1) ** 1.6)
    xt = np.linspace(1 + rake, -1, 20)
    yt = -0.04 - 0.12 * np.clip(xt, 0, None) ** 2
    hull = np.concatenate([np.stack([xb, yb], 1), np.stack([xt, yt], 1)])
    hull = np.concatenate([np.array([[-1.0, 0.7 * hd]]), hull[1:]])
    multi = u[_P["n_legs"]] > 0.7
    zo = t + 0.35 + 0.3 * u[_P["leg_spread"]]
    small = hull * np.array([0.75, 0.55]) + np.array([-0.05, 0.02])
    if multi:  # the far float, behind the main hull in the side view
        _add(parts, small, _FAR, **_round(0.4 * t, z0=-zo))
        for xa in (-0.35, 0.35):  # cross-beams
            _add(parts, _rect(xa - 0.03, -0.05, xa + 0.03, 0.0), _DARK, zs=(-zo, 0.0, zo))
    ih = _add(parts, hull, _BODY, **_round(t, flat=0.3))
    stripe = np.array([[-1.0, 0.45 * hd], [1.0 + rake * 0.3, 0.15 * hd], [1.0 + rake * 0.25, 0.25 * hd],
                       [-1.0, 0.58 * hd]])
    _windows(parts, ih, [stripe], t + 0.005)
    if multi:
        _add(parts, small, _BODY, **_round(0.4 * t, z0=zo))
    if u[_P["top_shape"]] > 0.45:  # masts and sails
        n_m = 1 + int(u[_P["n_top"]] * 1.99)
        hm = 0.9 + 0.9 * u[_P["top_size"]]
        for j, xm in enumerate(np.linspace(0.15, -0.35, n_m) if n_m > 1 else [0.1]):
            h = hm * (1.0 if j == 0 else 0.75)
            _add(parts, _rect(xm - 0.02, -h, xm + 0.02, -0.04), _DARK, **_slab(0.0, 0.04))
            billow = next(pj) * 0.4
            boom = xm - (0.55 + 0.35 * u[_P["petal_len"]]) * (1.0 if j == 0 else 0.7)
            _add(parts, np.array([[xm - 0.025, -h * 0.96], [xm - 0.025, -0.13], [boom, -0.13],
                                  [(xm + boom) / 2 - 0.05 + billow * 0.1, -h * 0.5]]), _LIGHT, **_slab(0.0, 0.02))
            if j == 0:
                _add(parts, np.array([[xm + 0.03, -h * 0.9], [1 + rake * 0.85, -0.12], [xm + 0.05, -0.13]]),
                     _LIGHT, **_slab(0.0, 0.02))
    else:  # a superstructure in tiers, with windows and a funnel
        n_t = 1 + int(u[_P["n_top"]] * 2.99)
        x0, x1, y = -0.7 + 0.3 * u[_P["hump_pos"]], 0.35 + 0.3 * u[_P["hump"]], -0.06
        for j in range(n_t):
            hh = 0.12 + 0.12 * u[_P["head_size"]]
            it = _add(parts, _rect(x0, y - hh, x1, y + 0.02), _TOP if j else _SHELL, **_round(t * (0.85 - 0.12 * j), 0.9))
            k = 2 + int(u[_P["n_panels"]] * 4)
            xs = np.linspace(x0 + 0.05, x1 - 0.05, k + 1)
            _windows(parts, it, [_rect(a + 0.015, y - hh * 0.75, b_ - 0.015, y - hh * 0.35)
                                 for a, b_ in zip(xs[:-1], xs[1:])], t * (0.85 - 0.12 * j) + 0.01)
            y -= hh
            x0, x1 = x0 + (x1 - x0) * 0.15, x1 - (x1 - x0) * 0.25
        if u[_P["panel_size"]] > 0.4:
            xf = (x0 + x1) / 2
            _add(parts, np.array([[xf - 0.09, y + 0.02], [xf + 0.07, y + 0.02], [xf + 0.05, y - 0.28],
                                  [xf - 0.1, y - 0.28]]), _PANEL, **_round(0.09))
    return parts


def _wing(parts: list[_Part], x_lead: float, y: float, chord: float, z_root: float, z_tip: float,
          sweep: float, taper: float, mat: int, thick: float = 0.03, dihedral: float = 0.0) -> None:
    """One wing (or stabiliser): an airfoil profile swept out from the root to the tip."""
    prof = np.array([[x_lead, y], [x_lead - 0.15 * chord, y - thick], [x_lead - chord, y - thick * 0.3],
                     [x_lead - chord, y + thick * 0.3], [x_lead - 0.15 * chord, y + thick * 0.6]])
    c = prof.mean(axis=0)
    # scale about the leading edge so the tip's leading edge runs back by `sweep`
    prof_tip_shift = (-sweep + (1 - taper) * (c[0] - x_lead), -dihedral)
    _add(parts, prof, mat, zs=(z_root, z_tip), scales=(1.0, taper), shifts=((0.0, 0.0), prof_tip_shift))


def _aircraft_parts(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[_Part]:
    """Airplane, jet, flying wing: a fuselage with wings, tail fin, stabilisers, engines,
    windows; landing gear down (on the ground) for part of the images."""
    parts: list[_Part] = []
    flying_wing = u[_P["kind_none"]] > 0.72
    hf = (0.05 + 0.04 * u[_P["body_aspect"]]) if flying_wing else (0.09 + 0.09 * u[_P["body_aspect"]])
    span = 0.75 + 0.7 * u[_P["leg_len"]]
    sweep = (0.15 + 0.7 * u[_P["leg_spread"]]) * (1.6 if flying_wing else 1.0)
    chord = (0.3 + 0.35 * u[_P["leg_width"]]) * (2.2 if flying_wing else 1.0)
    th = np.linspace(0, 2 * np.pi, 56, endpoint=False)
    x, y = np.cos(th), hf * np.sin(th)
    tail = (y > 0) & (x < -0.45)
    y[tail] *= 1 - 0.75 * (-x[tail] - 0.45) / 0.55
    nose = x > 0.5
    y[nose] *= 1 - 0.55 * ((x[nose] - 0.5) / 0.5) ** 1.5
    fus = np.stack([x, y], 1)
    wy = hf * 0.35 if u[_P["hump"]] < 0.5 else -hf * 0.6
    x_lead = 0.2 + 0.35 * u[_P["hump_pos"]] + (0.35 if flying_wing else 0.0)
    taper = 0.25 + 0.45 * u[_P["body_taper"]]
    dihedral = 0.12 * span * (u[_P["tail_angle"]] - 0.3)
    _wing(parts, x_lead, wy, chord, -hf * 0.8, -span, sweep, taper, _SHELL, dihedral=dihedral)  # far wing
    if not flying_wing:
        _wing(parts, -0.72, -hf * 0.2, 0.28, -hf * 0.5, -0.35 * span, 0.2, 0.5, _SHELL, 0.02)
    ifu = _add(parts, fus, _BODY, **_round(hf * 0.95))
    if not flying_wing or u[_P["n_top"]] > 0.5:
        hfin = 0.22 + 0.35 * u[_P["top_size"]]
        zf = (0.0,) if not flying_wing else (-0.3 * span, 0.3 * span)
        for zc in zf:
            _add(parts, np.array([[-0.98, -hf * 0.4], [-0.6, -hf * 0.7], [-0.86, -hf - hfin], [-1.03, -hf - hfin]]),
                 _SHELL, **_slab(zc, 0.03))
    if not flying_wing and u[_P["n_panels"]] > 0.3:
        k = 4 + int(u[_P["n_panels"]] * 10)
        _windows(parts, ifu, [_ellipse(xw, -hf * 0.3, 0.018, 0.025, n=8) for xw in np.linspace(-0.5, 0.55, k)],
                 hf * 0.9)
    _add(parts, np.array([[0.62, -hf * 0.55], [0.86, -hf * 0.4], [0.8, -hf * 0.15], [0.62, -hf * 0.3]]),
         _PANEL, **_slab(0.0, hf * 1.2))
    if not flying_wing:
        _wing(parts, -0.72, -hf * 0.2, 0.28, hf * 0.5, 0.35 * span, 0.2, 0.5, _SHELL, 0.02)
    if not flying_wing and u[_P["n_wheels"]] > 0.45:
        for zs in (-1.0, 1.0):
            ze = zs * span * 0.42
            xe = x_lead - sweep * 0.42 * 0.9
            _add(parts, _ellipse(xe, wy + 0.07, 0.17, 0.05, n=20), _TOP, **_round(0.05, z0=ze))
    if pose[-1] > 0.25:  # landing gear down: on the ground
        lg = 0.12 + 0.08 * u[_P["wheel_size"]]
        for xg, zg in ((0.6, 0.0), (x_lead - chord * 0.5, -hf), (x_lead - chord * 0.5, hf)):
            _add(parts, _rect(xg - 0.012, hf * 0.5, xg + 0.012, hf + lg), _DARK, **_slab(zg, 0.02))
            _add(parts, _ellipse(xg, hf + lg, 0.045, 0.045, n=16), _DARK, **_slab(zg, 0.04))
    _wing(parts, x_lead, wy, chord, hf * 0.8, span, sweep, taper, _SHELL, dihedral=dihedral)  # near wing
    return parts


def _furniture_parts(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[_Part]:
    """Table, chair, sofa, bed, cabinet: a top on legs, a backrest and arms, or a chest of drawers."""
    parts: list[_Part] = []
    t = 0.3 + 0.35 * u[_P["neck_width"]]
    lw = 0.04 + 0.06 * u[_P["leg_width"]]
    if u[_P["kind_none"]] > 0.6:  # a cabinet
        hc = 0.45 + 0.9 * u[_P["neck_len"]]
        ib = _add(parts, _rect(-0.8, -hc, 0.8, 0.25), _BODY, **_round(t, 0.95))
        k = 2 + int(u[_P["n_panels"]] * 3)
        ys = np.linspace(-hc + 0.05, 0.2, k + 1)
        fronts = [_rect(-0.74, a + 0.02, 0.74, b_ - 0.02) for a, b_ in zip(ys[:-1], ys[1:])]
        _windows(parts, ib, fronts, t + 0.005)
        for a, b_ in zip(ys[:-1], ys[1:]):
            _add(parts, _ellipse(0.0, (a + b_) / 2, 0.05, 0.025, n=10), _DARK, zs=(t + 0.01,), parent=ib,
                 normal=(0.0, 1.0))
        for xl in (-0.72, 0.72):
            for zl in (-0.8 * t, 0.8 * t):
                _add(parts, _rect(xl - lw, 0.25, xl + lw, 0.36), _DARK, **_slab(zl, 2 * lw))
        return parts
    th = 0.05 + 0.12 * u[_P["hump"]]
    ll = 0.3 + 0.75 * u[_P["leg_len"]]
    for far in (True, False):
        for xl in (-0.86, 0.86):
            splay = (0.1 * u[_P["leg_spread"]] - 0.03) * np.sign(xl)
            _add(parts, _limb(xl + (0.05 if far else 0.0), 0.0, splay, ll, lw * 2, lw * 1.4), _FAR if far else _LIMB,
                 **_slab((-0.85 if far else 0.85) * t, 2 * lw))
    _add(parts, _rect(-1.0, -th, 1.0, 0.02), _BODY, **_round(t, 0.95))
    if u[_P["ear_size"]] > 0.6:  # arms at both ends (a sofa)
        for x0 in (-1.0, 0.88):
            _add(parts, _rect(x0, -th - 0.22, x0 + 0.12, -th + 0.01), _BODY, **_round(t, 0.95))
    if u[_P["head_on"]] > 0.55:  # a backrest along the back edge (seen from the front it faces us)
        hb = 0.35 + 0.8 * u[_P["neck_len"]]
        ir = _add(parts, _rect(-1.0, -th - hb, 1.0, -th + 0.01), _SHELL, zs=(-t, -t + 0.1))
        if u[_P["n_panels"]] > 0.5:
            k = 2 + int(u[_P["panel_size"]] * 4)
            xs = np.linspace(-0.9, 0.9, k + 1)
            for a, b_ in zip(xs[:-1], xs[1:]):
                _add(parts, _rect(a + 0.03, -th - hb * 0.85, b_ - 0.03, -th - hb * 0.15), _PANEL,
                     zs=(-t + 0.105,), parent=ir, normal=(0.0, 1.0))
    return parts


def _instrument_parts(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[_Part]:
    """Guitar or violin (body, neck, strings), horn (tube, valves, bell) or keyboard (case, keys)."""
    parts: list[_Part] = []
    if u[_P["top_shape"]] > 0.5:  # a string instrument, its face toward a side-view camera
        r1 = 0.32 + 0.12 * u[_P["body_aspect"]]
        r2 = r1 * (0.62 + 0.3 * u[_P["hump"]])
        t = 0.07 + 0.08 * u[_P["neck_width"]]
        ib = _add(parts, _ellipse(-0.5, 0.0, r1, r1 * 0.95, n=36), _BODY, **_round(t, 0.9))
        _add(parts, _ellipse(-0.5 + r1 + r2 * 0.45, 0.0, r2, r2 * 0.95, n=32), _BODY, **_round(t, 0.9))
        _add(parts, _rect(-0.1, -0.045, 0.95, 0.045), _SHELL, **_round(0.04, 0.9))
        _add(parts, np.array([[0.93, -0.06], [1.16, -0.08], [1.16, 0.08], [0.93, 0.06]]), _DARK, **_slab(0.0, 0.05))
        _add(parts, _ellipse(-0.5 + r1 * 0.55, 0.0, 0.09, 0.09, n=20), _DARK, zs=(t,), parent=ib,
             normal=(0.0, 1.0))
        _add(parts, _rect(-0.75, -0.07, -0.7, 0.07), _DARK, zs=(t,), parent=ib, normal=(0.0, 1.0))
        n_s = 4 + int(u[_P["n_panels"]] * 3)
        for ys in np.linspace(-0.03, 0.03, n_s):
            _add(parts, _rect(-0.73, ys - 0.004, 1.0, ys + 0.004), _LIGHT, **_slab(t + 0.01, 0.01))
    elif u[_P["kind_wheels"]] > 0.5:  # a keyboard on legs
        t = 0.3 + 0.2 * u[_P["neck_width"]]
        for xl in (-0.85, 0.85):
            _add(parts, _rect(xl - 0.04, 0.05, xl + 0.04, 0.7), _LIMB, **_slab(0.0, 0.08))
        ib = _add(parts, _rect(-1.0, -0.25 - 0.4 * u[_P["neck_len"]], 1.0, 0.08), _BODY, **_round(t, 0.95))
        _add(parts, _rect(-0.95, -0.04, 0.95, 0.05), _LIGHT, **_slab(t * 0.8, 0.3), parent=ib, normal=(0.0, 0.0))
        n_k = 10 + int(u[_P["n_panels"]] * 16)
        for j, xk in enumerate(np.linspace(-0.9, 0.9, n_k)):
            if j % 7 not in (2, 6):
                _add(parts, _rect(xk - 0.025, -0.04, xk + 0.025, 0.015), _DARK, zs=(t * 0.8 + 0.16,),
                     parent=ib, normal=(0.0, 1.0))
    else:  # a horn: a tube with a loop, valves and a bell
        rt = 0.035 + 0.02 * u[_P["leg_width"]]
        bell = 0.18 + 0.2 * u[_P["top_size"]]
        xs = np.linspace(0.45, 1.0, 12)
        rr = rt + (bell - rt) * ((xs - 0.45) / 0.55) ** 2.5
        _add(parts, np.concatenate([np.stack([xs, -rr], 1), np.stack([xs[::-1], rr[::-1]], 1)]), _SHELL,
             **_round(bell * 0.9))
        _add(parts, _rect(-0.95, -rt, 0.46, rt), _SHELL, **_round(rt))
        loop = 0.12 + 0.15 * u[_P["hump"]]
        _add(parts, _ellipse(-0.35, loop / 2, 0.45, loop / 2 + rt, n=32), _SHELL, **_round(rt))
        _add(parts, _ellipse(-0.35, loop / 2, 0.45 - 2 * rt, loop / 2 - rt, n=32), _NONE, **_round(rt))
        for xv in (-0.2, -0.08, 0.04):
            _add(parts, _rect(xv - 0.025, -0.2, xv + 0.025, 0.0), _TOP, **_round(0.025))
        _add(parts, _rect(-1.05, -0.02, -0.95, 0.02), _DARK, **_round(0.02))
    return parts


def _landform_parts(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[_Part]:
    """Mountain, cliff, mesa, rock: a massif with peaks, strata (the texture), snow, a cave."""
    parts: list[_Part] = []
    n_pk = 1 + int(u[_P["n_top"]] * 4)
    x = np.linspace(-1, 1, 61)
    h = np.zeros_like(x)
    keys = ("hump", "hump_pos", "top_size", "top_pos", "body_taper", "snout", "tail_len", "tail_angle")
    vals = u[[_P[k] for k in keys]]
    for k in range(n_pk):
        c = -0.8 + 1.6 * vals[(2 * k) % 8]
        amp = 0.3 + 0.7 * vals[(2 * k + 1) % 8]
        w = 0.15 + 0.35 * u[_P["body_aspect"]]
        h = np.maximum(h, amp * np.exp(-((x - c + 0.05 * pose[k] * jitter) / w) ** 2))
    if u[_P["body_power"]] > 0.7:  # a mesa: flat top
        h = np.minimum(h, 0.6 * h.max())
    rough = 0.03 * np.sin(x * 37 + 3 * vals[0]) + 0.02 * np.sin(x * 71 + 5 * vals[1])
    top = -(0.1 + h + rough * (0.3 + h))
    base = 0.25
    ib = _add(parts, np.concatenate([np.stack([x, top], 1), [[1.0, base], [-1.0, base]]]), _BODY, **_round(0.55, 0.7))
    if u[_P["n_panels"]] > 0.6:  # snow on the highest peak
        j = int(np.argmin(top))
        sel = np.arange(max(0, j - 5), min(len(x), j + 6))
        cap = np.concatenate([np.stack([x[sel], top[sel]], 1), np.stack([x[sel][::-1], top[sel][::-1] + 0.12], 1)])
        _add(parts, cap, _LIGHT, **_round(0.45, 0.7))
    if u[_P["kind_none"]] > 0.6:  # a cave or an arch
        _add(parts, _ellipse(-0.2 + 0.4 * vals[2], base - 0.12, 0.16, 0.14, n=20), _DARK, zs=(0.56,),
             parent=ib, normal=(0.0, 1.0))
    return parts


def _tool_parts(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[_Part]:
    """Hammer, axe, saw, wrench, screwdriver: a handle with a grip and a working head."""
    parts: list[_Part] = []
    hw = 0.04 + 0.05 * u[_P["leg_width"]]
    kinds = np.array([u[_P["top_shape"]], u[_P["kind_wheels"]], u[_P["kind_petals"]], 0.8 * u[_P["kind_none"]]])
    kind = int(np.argmax(kinds))
    x_end = 0.35 if kind != 1 else -0.5
    _add(parts, _rect(-1.0, -hw, x_end, hw), _LIMB, **_round(hw))
    _add(parts, _rect(-1.02, -hw * 1.3, -0.55 if kind != 1 else -0.7, hw * 1.3), _DARK, **_round(hw * 1.3))
    if kind == 0:  # hammer or axe head
        hh = 0.25 + 0.25 * u[_P["neck_len"]]
        wh = 0.09 + 0.12 * u[_P["head_size"]]
        if u[_P["snout"]] > 0.5:  # axe: a blade flaring downwards
            _add(parts, np.array([[x_end - wh, -0.12], [x_end + wh, -0.12], [x_end + wh * 1.8, hh],
                                  [x_end - wh * 1.3, hh]]), _SHELL, **_round(0.03, 0.5))
        else:
            _add(parts, _rect(x_end - wh, -hh * 0.5, x_end + wh, hh * 0.5), _SHELL, **_round(wh * 0.6, 0.8))
    elif kind == 1:  # saw blade with teeth
        xs = np.linspace(-0.5, 1.0, 31)
        teeth = np.where(np.arange(31) % 2 == 0, 0.3, 0.34) - 0.1 * (xs + 0.5) / 1.5
        blade = np.concatenate([[[-0.5, -0.05], [1.0, 0.05]], np.stack([xs[::-1], teeth[::-1]], 1)])
        _add(parts, blade, _SHELL, **_slab(0.0, 0.015))
    elif kind == 2:  # wrench: an open ring
        r = 0.14 + 0.1 * u[_P["head_size"]]
        _add(parts, _ellipse(x_end + r * 0.8, 0.0, r, r, n=28), _SHELL, **_slab(0.0, 0.04))
        _add(parts, np.array([[x_end + r * 0.5, -0.35 * r], [x_end + r * 2.2, -0.55 * r],
                              [x_end + r * 2.2, 0.55 * r], [x_end + r * 0.5, 0.35 * r]]), _NONE, **_slab(0.0, 0.04))
    else:  # screwdriver shaft
        _add(parts, _rect(x_end, -hw * 0.35, 1.0, hw * 0.35), _SHELL, **_round(hw * 0.35))
        _add(parts, np.array([[1.0, -hw * 0.35], [1.06, -hw * 0.1], [1.06, hw * 0.1], [1.0, hw * 0.35]]), _DARK,
             **_round(hw * 0.3))
    return parts


def _flower_parts(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[_Part]:
    """A bloom of petals round a disc, facing a side-view camera, on a stem with leaves."""
    pj = iter(pose * jitter)
    parts: list[_Part] = []
    cy = -0.55
    rc = 0.1 + 0.1 * u[_P["head_size"]]
    stem_len = 0.9 + 0.7 * u[_P["neck_len"]]
    _add(parts, _limb(0.0, cy + rc, next(pj) * 0.3, stem_len, 0.05, 0.04), _GREEN, **_round(0.025))
    for k in range(1 + int(u[_P["n_legs"]] * 2.99)):
        side = 1 if k % 2 else -1
        ya = cy + rc + stem_len * (0.35 + 0.2 * k)
        ll = 0.2 + 0.25 * u[_P["leg_len"]]
        ang = side * (0.7 + 0.5 * u[_P["leg_spread"]])
        _add(parts, _ellipse(side * ll * 0.5 * np.sin(abs(ang)), ya - ll * 0.3, ll * 0.5, 0.06 + 0.06 * u[_P["leg_width"]],
                             -side * 0.6, n=16), _GREEN, **_slab(0.0, 0.02))
    n_p = 5 + int(u[_P["n_petals"]] * 9)
    pl = 0.3 + 0.45 * u[_P["petal_len"]]
    pw = 0.06 + 0.16 * u[_P["petal_width"]]
    for k in range(n_p):
        a = 2 * np.pi * k / n_p + next(pj) * 0.3
        r = rc + pl / 2 * 0.9
        _add(parts, _ellipse(r * np.cos(a), cy + r * np.sin(a), pl / 2, pw, a, n=18), _BODY, **_slab(0.0, 0.03))
    _add(parts, _ellipse(0.0, cy, rc, rc, n=24), _PANEL, **_round(0.05))
    return parts


def _fruit_parts(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[_Part]:
    """Apple, pear, lemon, berries: a round body (or a bunch), a stem, a leaf, a highlight."""
    parts: list[_Part] = []
    if u[_P["n_legs"]] > 0.75:  # a bunch of berries
        rb = 0.12 + 0.06 * u[_P["spot_size"]]
        rows = 4 + int(u[_P["n_panels"]] * 3)
        for i in range(rows):
            n = max(1, rows - i)
            for xb in (np.arange(n) - (n - 1) / 2) * rb * 1.7:
                yb = -0.5 + i * rb * 1.5
                _add(parts, _ellipse(xb, yb, rb, rb, n=20), _BODY, **_round(rb))
        top = -0.5 - rb
    else:
        a = 0.5
        b = a * (0.7 + 0.6 * u[_P["body_aspect"]])
        p = 1.8 + 1.5 * u[_P["body_power"]]
        th = np.linspace(0, 2 * np.pi, 48, endpoint=False)
        x = a * np.sign(np.cos(th)) * np.abs(np.cos(th)) ** (2 / p)
        y = b * np.sign(np.sin(th)) * np.abs(np.sin(th)) ** (2 / p)
        pear = max(0.0, u[_P["body_taper"]] - 0.5) * 1.4
        x = x * (1 - pear * np.clip(-y / b, 0, 1))
        ib = _add(parts, np.stack([x, y], 1), _BODY, **_round(a))
        _add(parts, _ellipse(-0.18 * a, -0.45 * b, 0.1 * a, 0.06 * b, -0.5, n=12), _LIGHT, zs=(0.6 * a,), parent=ib,
             normal=(0.0, 1.0))
        top = -b
    _add(parts, _limb(0.0, top + 0.02, np.pi + 0.25, 0.12 + 0.1 * u[_P["neck_len"]], 0.035, 0.025), _DARK,
         **_round(0.02))
    if u[_P["head_on"]] > 0.4:
        _add(parts, _ellipse(0.13, top - 0.08, 0.14, 0.05, -0.5, n=16), _GREEN, **_slab(0.0, 0.02))
    return parts


BODY_PLANS: tuple[str, ...] = ("animal", "land_vehicle", "watercraft", "aircraft", "furniture", "instrument",
                               "landform", "tool", "flower", "fruit")
_PLAN_PARTS = {"land_vehicle": _land_vehicle_parts, "watercraft": _watercraft_parts,
               "aircraft": _aircraft_parts, "furniture": _furniture_parts, "instrument": _instrument_parts,
               "landform": _landform_parts, "tool": _tool_parts, "flower": _flower_parts, "fruit": _fruit_parts}


def _geometry(u: np.ndarray, pose: np.ndarray, jitter: float, plan: str = "animal") -> list[_Part]:
    """The parts of the object of body plan ``plan`` (see BODY_PLANS), from its visual parameters."""
    if plan == "animal":
        return _animal_parts(u, pose, jitter)
    return _PLAN_PARTS[plan](u, pose, jitter)


# --------------------------------------------------------------------------- views

VIEWS: tuple[str, ...] = ("side", "three-quarter", "front", "back")
_VIEW_YAW = {"side": 0.0, "three-quarter": -np.pi / 4, "front": -np.pi / 2, "back": np.pi / 2}
# flat objects are photographed facing the camera: their views turn them only 60% as far
_YAW_SCALE = {"tool": 0.6, "flower": 0.6, "instrument": 0.6}


def _loft(p: _Part, c: float, s: float, ce: float, se: float) -> list[np.ndarray]:
    """The projected polygons of one part (slice caps and the quads between slices)."""
    n = len(p.zs)
    scales = p.scales if p.scales is not None else (1.0,) * n
    shifts = p.shifts if p.shifts is not None else ((0.0, 0.0),) * n
    centre = p.poly.mean(axis=0)
    rings = []
    for z, sc, sh in zip(p.zs, scales, shifts):
        q = centre + sc * (p.poly - centre) + np.asarray(sh)
        xp = q[:, 0] * c + z * s
        depth = -q[:, 0] * s + z * c
        rings.append(np.stack([xp, q[:, 1] * ce + depth * se], axis=1))
    out = list(rings)
    for r0, r1 in zip(rings[:-1], rings[1:]):
        a0, a1 = r0, np.roll(r0, -1, axis=0)
        b0, b1 = r1, np.roll(r1, -1, axis=0)
        out.extend(np.stack([a0, a1, b1, b0], axis=1))
    return out


def project_parts(parts: list[_Part], yaw: float, elevation: float) -> list[tuple[np.ndarray, int]]:
    """Polygons of the object seen from ``yaw`` (radians about the vertical; 0 = side view,
    -pi/2 = front) and ``elevation`` (camera above the object when positive), back to front.

    Why a painter's sort of parts: the renderer draws 2-D polygons; each part is a profile
    swept across the object's width, so any yaw has a silhouette and an occlusion order.
    """
    c, s = float(np.cos(yaw)), float(np.sin(yaw))
    ce, se = float(np.cos(elevation)), float(np.sin(elevation))
    details: dict[int, list[int]] = {}
    top = []
    for i, p in enumerate(parts):
        (details.setdefault(p.parent, []) if p.parent >= 0 else top).append(i)

    def depth(i: int) -> float:
        # the position along the object counts half: parts hang on a long body, and a far
        # wheel near the front must stay behind the body in a three-quarter view
        p = parts[i]
        return -0.5 * float(p.poly[:, 0].mean()) * s + float(np.mean(p.zs)) * c

    out: list[tuple[np.ndarray, int]] = []
    for i in sorted(top, key=lambda i: (round(depth(i), 6), i)):
        out.extend((q, parts[i].mat) for q in _loft(parts[i], c, s, ce, se))
        for j in details.get(i, []):
            nx, nz = parts[j].normal
            if (nx == 0 and nz == 0) or nx * -s + nz * c > 0.05:
                out.extend((q, parts[j].mat) for q in _loft(parts[j], c, s, ce, se))
    return out


def _palette(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RGB float32 colour per material, and the pattern colour."""
    vb = 0.25 + 0.7 * u[_P["col_v"]]
    body = _hsv(u[_P["col_h"]], 0.12 + 0.75 * u[_P["col_s"]], vb)
    sec = _hsv(u[_P["col_h"]] + (u[_P["sec_dh"]] - 0.5) * 0.35, 0.1 + 0.8 * u[_P["sec_s"]],
               0.15 + 0.8 * u[_P["sec_v"]])
    vp = 0.05 + 0.9 * u[_P["pat_v"]]
    if abs(vp - vb) < 0.35:
        vp = vb - 0.45 if vb > 0.5 else vb + 0.45
    pat = _hsv(u[_P["pat_h"]], 0.85 * u[_P["pat_s"]], vp)
    pal = np.zeros((_N_MATERIALS, 3))
    pal[_LIMB] = sec
    pal[_FAR] = sec * 0.72
    pal[_BODY] = body
    pal[_HEAD] = body * 1.05
    pal[_TOP] = sec * 0.9
    pal[_DARK] = body * 0.15 + 12
    pal[_LIGHT] = body * 0.25 + 190
    pal[_PANEL] = pat
    pal[_SHELL] = body * 0.92
    pal[_GREEN] = _hsv(0.22 + 0.12 * u[_P["sec_dh"]], 0.45 + 0.35 * u[_P["sec_s"]], 0.3 + 0.3 * u[_P["sec_v"]])
    return np.clip(pal, 0, 255).astype(np.float32), pat.astype(np.float32)


def _texture(U: np.ndarray, V: np.ndarray, u: np.ndarray, tex: np.ndarray, px_per_unit: float):
    """(pattern mask, luminance factor) over object coordinates U, V."""
    pattern = np.zeros(U.shape, bool)
    lum = np.ones(U.shape, np.float32)
    phase, seed = float(tex[0]) * 2 * np.pi, int(tex[1] * 1e6)
    if u[_P["stripes"]] > 0.55:
        f = 1.5 + 6.5 * u[_P["stripe_freq"]]
        f = min(f, px_per_unit / 5.0)
        th = np.pi * u[_P["stripe_angle"]]
        c, s = np.float32(np.cos(th)), np.float32(np.sin(th))
        along = U * c + V * s
        across = V * c - U * s
        wave = np.float32(1.8 * u[_P["stripe_wave"]]) * np.sin(np.float32(2 * np.pi * 1.3) * across + np.float32(phase))
        duty = 0.2 + 0.35 * u[_P["stripe_duty"]]
        pattern |= np.sin(np.float32(2 * np.pi * f) * along + wave + np.float32(phase)) > np.float32(np.cos(np.pi * duty))
    if u[_P["spots"]] > 0.55:
        cell = 0.1 + 0.22 * u[_P["spot_cell"]]
        cell = max(cell, 7.0 / px_per_unit)
        gu, gv = U / np.float32(cell), V / np.float32(cell)
        ci, cj = np.floor(gu), np.floor(gv)
        jx = cell_uniform(ci + 4096, cj + 4096, seed, 1)
        jy = cell_uniform(ci + 4096, cj + 4096, seed, 2)
        on = cell_uniform(ci + 4096, cj + 4096, seed, 3) < np.float32(0.35 + 0.6 * u[_P["spot_density"]])
        rs = np.float32(0.14 + 0.2 * u[_P["spot_size"]]) * (0.7 + 0.6 * cell_uniform(ci + 4096, cj + 4096, seed, 4))
        dx = gu - ci - (0.3 + 0.4 * jx)
        dy = gv - cj - (0.3 + 0.4 * jy)
        pattern |= on & (dx * dx + dy * dy < rs * rs)
    if u[_P["fine"]] > 0.25:
        f = 10 + 22 * u[_P["fine_freq"]]
        f = min(f, px_per_unit / 3.5)
        th = np.pi * u[_P["fine_angle"]]
        a = np.float32(2 * np.pi * f)
        c, s = np.float32(np.cos(th)), np.float32(np.sin(th))
        r1 = U * c + V * s
        kind = int(u[_P["fine_kind"]] * 3)
        if kind == 0:
            fine = np.sin(a * r1)
        elif kind == 1:
            fine = np.sign(np.sin(a * r1) * np.sin(a * (V * c - U * s)))
        else:
            fine = np.cos(a * r1) + np.cos(a * (V * c - U * s)) - 1
        lum += np.float32(0.08 + 0.22 * u[_P["fine_contrast"]]) * fine.astype(np.float32)
    return pattern, lum


def _draw_object(canvas: np.ndarray, u: np.ndarray, polys, M: np.ndarray,
                 tex: np.ndarray) -> tuple[slice, slice, np.ndarray] | None:
    """Rasterise the object with affine ``M`` (object -> pixel) onto ``canvas`` in place.

    Returns (row slice, column slice, object mask of that crop), or None when off-canvas.
    """
    H, W = canvas.shape[:2]
    pts = np.concatenate([p for p, _ in polys])
    img = pts @ M[:, :2].T + M[:, 2]
    x0, y0 = max(0, int(np.floor(img[:, 0].min()))), max(0, int(np.floor(img[:, 1].min())))
    x1, y1 = min(W, int(np.ceil(img[:, 0].max())) + 1), min(H, int(np.ceil(img[:, 1].max())) + 1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    lab = np.zeros((y1 - y0, x1 - x0), np.uint8)
    fixed = np.round((img - np.array([x0, y0])) * 16).astype(np.int32)  # 4 fractional bits
    i = 0
    for p, mat in polys:
        cv2.fillPoly(lab, [fixed[i:i + len(p)]], int(mat), cv2.LINE_8, 4)
        i += len(p)
    obj = lab > 0
    if not obj.any():
        return None
    A = M[:, :2]
    Ainv = np.linalg.inv(A)
    tinv = -Ainv @ M[:, 2]
    xs = (np.arange(x0, x1, dtype=np.float32) + 0.5)[None, :]
    ys = (np.arange(y0, y1, dtype=np.float32) + 0.5)[:, None]
    U = np.float32(Ainv[0, 0]) * xs + np.float32(Ainv[0, 1]) * ys + np.float32(tinv[0])
    V = np.float32(Ainv[1, 0]) * xs + np.float32(Ainv[1, 1]) * ys + np.float32(tinv[1])
    px_per_unit = float(np.sqrt(abs(np.linalg.det(A))))
    pal, pat = _palette(u)
    rgb = pal[lab]
    textured = (lab == _BODY) | (lab == _HEAD)
    pattern, lum = _texture(U, V, u, tex, px_per_unit)
    rgb[textured & pattern] = pat
    shade = np.float32(1.12) - np.float32(0.3) * (U * U * np.float32(0.6) + V * V * np.float32(0.8))
    shade = np.clip(shade, 0.6, 1.15)
    factor = np.where(textured, lum * shade, shade)
    edge = cv2.morphologyEx(lab, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)) > 0
    factor = np.where(edge & obj, factor * np.float32(0.3 + 0.45 * u[_P["outline"]]), factor)
    rgb *= factor[..., None]
    region = canvas[y0:y1, x0:x1]
    region[obj] = np.clip(rgb[obj], 0, 255).astype(np.uint8)
    return slice(y0, y1), slice(x0, x1), obj


def _placement(polys, rot: float, flip: bool, squash: float, frac: float,
               centre_jitter: tuple[float, float], W: int, H: int) -> np.ndarray:
    """Affine object -> pixel: the object's rotated box takes ``frac`` of the frame."""
    c, s = np.cos(rot), np.sin(rot)
    R = np.array([[c, -s], [s, c]]) @ np.diag([(-1.0 if flip else 1.0) * squash, 1.0])
    pts = np.concatenate([p for p, _ in polys]) @ R.T
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    ext = np.maximum(hi - lo, 1e-6)
    scale = frac * min(W / ext[0], H / ext[1])
    free = np.array([W, H]) - scale * ext
    centre = np.array([W, H]) / 2 + free / 2 * np.asarray(centre_jitter)
    t = centre - scale * (lo + hi) / 2
    return np.concatenate([scale * R, t[:, None]], axis=1)


# --------------------------------------------------------------------------- scenes

def _hsv(h: float, s: float, v: float) -> np.ndarray:
    return np.array(colorsys.hsv_to_rgb(h % 1.0, float(np.clip(s, 0, 1)), float(np.clip(v, 0, 1)))) * 255


def _draw_size(rng: np.random.Generator) -> tuple[int, int]:
    w = int(np.clip(round(MEAN_SIZE[0] * np.exp(rng.normal(0, 0.16))), 200, 700))
    aspect = float(np.clip(MEAN_SIZE[1] / MEAN_SIZE[0] * np.exp(rng.normal(0, 0.14)), 0.55, 1.35))
    return w, int(np.clip(round(w * aspect), 160, 700))


def _check_size(size) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in size)
    except (TypeError, ValueError):
        raise UserError(f"size must be (width, height), got {size!r}") from None
    if not (16 <= w <= 4096 and 16 <= h <= 4096):
        raise UserError(f"size {size!r} out of range: width and height must be in [16, 4096]")
    return w, h


# natural scene colour families (hue lo, hue hi, sat lo, sat hi, val lo, val hi)
_SKY = ((0.52, 0.64, 0.05, 0.5, 0.55, 0.97), (0.0, 1.0, 0.0, 0.08, 0.6, 0.95))
_GROUND = ((0.17, 0.36, 0.25, 0.7, 0.2, 0.6), (0.04, 0.12, 0.25, 0.6, 0.2, 0.65),
           (0.5, 0.62, 0.3, 0.7, 0.25, 0.6), (0.0, 1.0, 0.0, 0.15, 0.3, 0.8))


def _family_colour(fam, r: np.ndarray) -> np.ndarray:
    h0, h1, s0, s1, v0, v1 = fam
    return _hsv(h0 + (h1 - h0) * r[0], s0 + (s1 - s0) * r[1], v0 + (v1 - v0) * r[2])


def _background(rng: np.random.Generator, W: int, H: int, habitat: np.ndarray | None,
                habitat_weight: float) -> tuple[np.ndarray, np.ndarray]:
    """A photo-like backdrop (sky/ground, wall/floor or close-up), and its two colours."""
    r = rng.random(12)
    kind = int(r[0] * 3)
    top = _family_colour(_SKY[int(r[1] * 2)], r[2:5])
    bottom = _family_colour(_GROUND[int(r[5] * 4)], r[6:9])
    if habitat is not None:
        h, s, v, k = habitat
        hab_top = _hsv(h + 0.04, 0.08 + 0.3 * s, 0.55 + 0.4 * v)
        hab_bottom = _hsv(h, 0.15 + 0.5 * s, 0.2 + 0.45 * v)
        w = habitat_weight
        top = w * hab_top + (1 - w) * top
        bottom = w * hab_bottom + (1 - w) * bottom
        if r[9] < w:
            kind = int(k * 3)
    y = np.arange(H, dtype=np.float32)[:, None]
    horizon = H * (0.3 + 0.45 * r[10])
    softness = H * (0.01 if kind == 1 else 0.04 if kind == 0 else 0.4)
    t = 1 / (1 + np.exp(-(y - horizon) / softness))
    bg = top.astype(np.float32) * (1 - t)[..., None] + bottom.astype(np.float32) * t[..., None]
    bg = np.array(np.broadcast_to(bg, (H, W, 3)), dtype=np.float32, order="C")
    low = rng.normal(0, 1, (5, 6, 1)) * 16 + rng.normal(0, 1, (5, 6, 3)) * 4
    bg += cv2.resize(low.astype(np.float32), (W, H), interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(np.clip(bg, 0, 255).astype(np.uint8)), np.stack([top, bottom])


def _clutter(canvas: np.ndarray, rng: np.random.Generator, n: int, colours: np.ndarray) -> None:
    """Background things: boxes, rocks, branches, blades of grass (muted colours)."""
    H, W = canvas.shape[:2]
    if n <= 0:
        return
    r = rng.random((n, 9))
    cols = (colours[(r[:, 8] * 2).astype(int)] * (0.45 + 0.9 * r[:, 5:6])
            + (r[:, 6:9] - 0.5) * 50)
    cols = np.clip(cols, 0, 255)
    for i in range(n):
        kind = int(r[i, 0] * 4)
        x, y = int(r[i, 1] * W), int(r[i, 2] * H)
        sx, sy = int(8 + r[i, 3] * W * 0.25), int(8 + r[i, 4] * H * 0.25)
        col = tuple(float(c) for c in cols[i])
        if kind == 0:
            cv2.rectangle(canvas, (x - sx // 2, y - sy // 2), (x + sx // 2, y + sy // 2), col, -1, cv2.LINE_AA)
        elif kind == 1:
            cv2.ellipse(canvas, (x, y), (sx // 2, sy // 3), float(r[i, 5] * 180), 0, 360, col, -1, cv2.LINE_AA)
        elif kind == 2:
            cv2.line(canvas, (x, y), (x + int((r[i, 6] - 0.5) * W * 0.4), y - sy),
                     col, 1 + int(r[i, 7] * 4), cv2.LINE_AA)
        else:
            k = 3 + int(r[i, 6] * 4)
            ang = np.linspace(0, 2 * np.pi, k, endpoint=False) + r[i, 7]
            rad = (0.5 + 0.5 * rng.random(k)) * sx / 2
            pts = np.stack([x + rad * np.cos(ang), y + rad * np.sin(ang) * sy / max(sx, 1)], axis=1)
            cv2.fillPoly(canvas, [np.round(pts).astype(np.int32)], col, cv2.LINE_AA)


@lru_cache(maxsize=1)
def _grain_tile() -> np.ndarray:
    return stream_rng("render/grain").normal(0, 1, (768, 768, 3)).astype(np.float32)


def _finish(img: np.ndarray, rng: np.random.Generator, spread: float, blur_p: float,
            grain: float) -> np.ndarray:
    """Camera: lighting (gain, gradient, colour cast), lens blur, sensor grain."""
    H, W = img.shape[:2]
    r = rng.normal(0, 1, 7)
    gain = np.exp(r[0] * (0.04 + 0.14 * spread))
    gx, gy = r[1] * (0.03 + 0.3 * spread), r[2] * (0.03 + 0.3 * spread)
    cast = np.exp(r[3:6] * (0.015 + 0.05 * spread)).astype(np.float32)
    fx = (gain * (1 + gx * (np.arange(W, dtype=np.float32) / W - 0.5))).astype(np.float32)
    fy = (1 + gy * (np.arange(H, dtype=np.float32) / H - 0.5)).astype(np.float32)
    field = fy[:, None, None] * fx[None, :, None] * cast[None, None, :]
    sigma = 0.55 + (rng.uniform(0.4, 1.6) if rng.random() < blur_p else 0.0)
    out = img.astype(np.float32) * field
    out = cv2.GaussianBlur(out, (0, 0), sigma)
    tile = _grain_tile()
    if H > tile.shape[0] or W > tile.shape[1]:
        tile = np.tile(tile, (H // tile.shape[0] + 1, W // tile.shape[1] + 1, 1))
    oy, ox = int(rng.integers(0, tile.shape[0] - H + 1)), int(rng.integers(0, tile.shape[1] - W + 1))
    out += tile[oy:oy + H, ox:ox + W] * np.float32(grain)
    return np.clip(out, 0, 255).astype(np.uint8)


def _distractor(canvas: np.ndarray, rng: np.random.Generator) -> None:
    """Another object (random latent) somewhere in the scene, smaller, any pose."""
    H, W = canvas.shape[:2]
    u = visual_params(rng.standard_normal(LATENT_DIM))
    polys = _side_polys(_geometry(u, rng.standard_normal(32), 0.2))
    M = _placement(polys, rng.normal(0, 0.4), bool(rng.random() < 0.5), 1.0,
                   rng.uniform(0.15, 0.4), tuple(rng.uniform(-1.1, 1.1, 2)), W, H)
    _draw_object(canvas, u, polys, M, rng.random(2))


def _occlude(canvas: np.ndarray, mask: np.ndarray, rng: np.random.Generator,
             colours: np.ndarray) -> np.ndarray:
    """Something in front of the object (trunk, post, bush, fence); keeps >= half visible."""
    H, W = canvas.shape[:2]
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    bx0, bx1, by0, by1 = cols[0], cols[-1] + 1, rows[0], rows[-1] + 1
    bw, bh = bx1 - bx0, by1 - by0
    occ = np.zeros((H, W), np.uint8)
    r = rng.random(6)
    kind = int(r[0] * 3)
    if kind == 0:  # vertical trunk or post
        x = int(bx0 + r[1] * bw)
        w = max(3, int(bw * (0.08 + 0.2 * r[2])))
        cv2.rectangle(occ, (x - w // 2, 0), (x + w // 2, H), 1, -1)
    elif kind == 1:  # bush in a lower corner
        cx = int(bx0 + (0.1 if r[1] < 0.5 else 0.9) * bw)
        for k in range(4):
            cv2.circle(occ, (int(cx + (r[2] - 0.5 + k * 0.15) * bw * 0.5), int(by1 - bh * 0.12 * k)),
                       max(3, int(bh * (0.15 + 0.15 * r[3]))), 1, -1)
    else:  # fence or tall grass band at the bottom
        top = int(by1 - bh * (0.12 + 0.3 * r[1]))
        cv2.rectangle(occ, (0, top), (W, H), 1, -1)
    occ_b = occ.astype(bool)
    visible = mask & ~occ_b
    if visible.sum() < 0.5 * mask.sum():
        return mask
    col = np.clip(colours[int(r[4] * 2)] * (0.5 + 0.5 * r[5]), 0, 255)
    ys, xs = np.nonzero(occ_b)
    if kind == 1:  # leaves
        dark = cell_uniform(xs // 6, ys // 6, int(r[3] * 1e6), 5) < 0.4
    else:  # bark, planks or blades: vertical lines
        dark = (xs // (3 + int(4 * r[3]))) % 3 == 0
    shade = np.where(dark, 0.7, 1.0)[:, None] * (0.85 + 0.3 * ys / H)[:, None]
    canvas[ys, xs] = np.clip(col[None, :] * shade, 0, 255).astype(np.uint8)
    return visible


def _draw_view(key: tuple[int, ...], plan: str, web: bool, d: float) -> tuple[str, float, float]:
    """The view label, yaw and camera elevation of one image, from its own stream of the key
    (so every other draw of the image is what it was before views existed).

    Web: a side view with probability 0.7 - 0.4 d, else three-quarter, front or back
    (0.5 / 0.3 / 0.2 of the rest), the yaw jittered by N(0, 5 + 10 d degrees); the camera
    from -4 to 18 degrees above (aircraft: -25 to 25, seen from below in flight).
    Caltech: the canonical side view, 8 degrees above (animals: the side profile).
    """
    vr = stream_rng(*key, "view")
    if not web:
        return "side", 0.0, 0.0 if plan == "animal" else float(np.radians(8.0))
    r = vr.random(3)
    p_side = 0.7 - 0.4 * d
    if r[0] < p_side:
        view = "side"
    else:
        view = VIEWS[1 + int(np.searchsorted([0.5, 0.8], (r[0] - p_side) / (1 - p_side), side="right"))]
    yaw = _VIEW_YAW[view] + float(vr.normal(0.0, np.radians(5 + 10 * d)))
    elev = np.radians(-25 + 50 * r[1]) if plan == "aircraft" else np.radians(-4 + 22 * r[1])
    return view, yaw, float(elev)


def _view_polys(parts: list[_Part], plan: str, view: str, yaw: float, elev: float) -> list[tuple[np.ndarray, int]]:
    """Animals seen from the side keep the renderer's original drawing (same pixels as before
    views existed); every other object and view is projected (project_parts)."""
    if plan == "animal" and view == "side":
        return _side_polys(parts)
    if plan == "landform":  # a massif looks alike from every side: the profile, narrowed and mirrored
        f = np.array([(0.7 + 0.3 * abs(np.cos(yaw))) * (-1.0 if abs(yaw) > np.pi / 3 and yaw > 0 else 1.0), 1.0])
        return [(q * f, m) for q, m in _side_polys(parts)]
    return project_parts(parts, yaw * _YAW_SCALE.get(plan, 1.0), elev)


def render_scene(latent: np.ndarray, diversity: float, key: tuple[int, ...], style: str = "web",
                 size: tuple[int, int] | None = None, body_plan: str | None = None) -> Rendered:
    """A photograph of the object of ``latent``; deterministic in (latent, diversity, key, style,
    size, body_plan).

    ``diversity`` in [0, 1] widens every per-image variation; ``size`` is (width, height)
    (default: drawn from the key, about 400x350 on average); ``body_plan`` one of BODY_PLANS
    (None: "animal"), chosen by the world from the synset's subtree (World.body_plan).
    Style "web-anywhere" is the web style with the object's size uniform in 30-92% of the
    frame and its centre anywhere it fits (a null world for localization: no centring prior).
    """
    if style not in STYLES:
        raise UserError(f"unknown render style {style!r}: choose one of {', '.join(STYLES)}")
    plan = "animal" if body_plan is None else body_plan
    if plan not in BODY_PLANS:
        raise UserError(f"unknown body plan {body_plan!r}: choose one of {', '.join(BODY_PLANS)}")
    d = float(np.clip(diversity, 0.0, 1.0)) if np.isfinite(diversity) else 0.5
    rng = rng_from_key(key)
    W, H = _check_size(size) if size is not None else _draw_size(rng)
    web = style != "caltech"
    z = _unit(latent)
    u = visual_params(z + rng.normal(0, (0.1 + 0.4 * d) if web else (0.06 + 0.12 * d), LATENT_DIM))
    u[_DISCRETE] = visual_params(z)[_DISCRETE]
    habitat = u[[_P["hab_h"], _P["hab_s"], _P["hab_v"], _P["hab_kind"]]]
    pose = rng.standard_normal(32)
    view, yaw, elev = _draw_view(key, plan, web, d)
    if web:
        polys = _view_polys(_geometry(u, pose, 0.06 + 0.3 * d, plan), plan, view, yaw, elev)
        canvas, colours = _background(rng, W, H, habitat, 0.75 - 0.45 * d)
        _clutter(canvas, rng, int(rng.poisson(2 + 16 * d)), colours)
        for _ in range(min(3, int(rng.poisson(0.15 + 1.1 * d)))):
            _distractor(canvas, rng)
        rot = rng.normal(0, np.radians(3 + 20 * d))
        flip = bool(rng.random() < 0.5)
        squash = 1 - 0.35 * d * rng.random()
        frac = rng.uniform(0.92 - (0.25 + 0.45 * d), 0.92)
        jit = rng.uniform(-1, 1, 2) * (0.35 + 0.75 * d)
        if style == "web-anywhere":
            ar = stream_rng(*key, "anywhere")
            frac, jit = ar.uniform(0.3, 0.92), ar.uniform(-1, 1, 2)
        M = _placement(polys, rot, flip, squash, frac, tuple(jit), W, H)
    else:
        polys = _view_polys(_geometry(u, pose, 0.02, plan), plan, view, yaw, elev)
        flip = False
        r = rng.random(4)
        plain = _hsv(r[0], 0.08 * r[1], 0.86 + 0.13 * r[2])
        canvas = np.empty((H, W, 3), np.uint8)
        canvas[:] = np.round(plain).astype(np.uint8)
        colours = np.stack([plain, plain * 0.8])
        M = _placement(polys, 0.0, False, 1.0, rng.uniform(0.78, 0.88),
                       tuple(rng.uniform(-0.04, 0.04, 2)), W, H)
    drawn = _draw_object(canvas, u, polys, M, rng.random(2))
    mask = np.zeros((H, W), bool)
    if drawn is not None:
        rs, cs, obj = drawn
        mask[rs, cs] = obj
    if web and mask.any() and rng.random() < 0.08 + 0.45 * d:
        mask = _occlude(canvas, mask, rng, colours)
    if web:
        image = _finish(canvas, rng, d, 0.25 * d, 3.0 + 4.0 * d)
    else:
        image = _finish(canvas, rng, 0.0, 0.0, 2.0)
    facing = None if view in ("front", "back") else ("left" if flip else "right")
    return Rendered(image=image, box=mask_box(mask), mask=mask, view=view, facing=facing)


def mask_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) of a mask's True pixels (x1/y1 exclusive), None when empty."""
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


JUNK_KINDS = ("clutter", "graphic", "pattern", "other-object")


def render_junk(key: tuple[int, ...], size: tuple[int, int] | None = None) -> Rendered:
    """A web image of no synset: a cluttered scene, a graphic with text, a pattern, or an
    object that is not in the hierarchy (a random latent). Box and mask are None."""
    rng = rng_from_key(key)
    W, H = _check_size(size) if size is not None else _draw_size(rng)
    kind = JUNK_KINDS[int(rng.integers(0, len(JUNK_KINDS)))]
    if kind == "graphic":
        canvas = np.empty((H, W, 3), np.uint8)
        canvas[:] = np.round(_hsv(rng.random(), 0.1 * rng.random(), 0.9 + 0.1 * rng.random())).astype(np.uint8)
        band = _hsv(rng.random(), 0.5 + 0.5 * rng.random(), 0.4 + 0.5 * rng.random())
        bh = int(H * rng.uniform(0.08, 0.25))
        cv2.rectangle(canvas, (0, 0), (W, bh), tuple(float(c) for c in band), -1)
        n_lines = int(rng.integers(4, 14))
        r = rng.random((n_lines, 40))
        y = bh + 12
        for i in range(n_lines):
            x = 10
            lh = int(6 + 6 * r[i, 0])
            for j in range(1, 40):
                wlen = int(8 + 40 * r[i, j])
                if x + wlen > W - 10:
                    break
                cv2.rectangle(canvas, (x, y), (x + wlen, y + lh), (40, 40, 40), -1)
                x += wlen + 6
            y += lh + 10
            if y > H - 10:
                break
        if rng.random() < 0.6:
            _clutter(canvas, rng, int(rng.integers(1, 5)), np.stack([band, band * 0.6]))
        image = _finish(canvas, rng, 0.1, 0.0, 1.5)
    elif kind == "pattern":
        yy, xx = np.indices((H, W), dtype=np.float32)
        f1, f2, th = rng.uniform(0.02, 0.15), rng.uniform(0.02, 0.15), rng.uniform(0, np.pi)
        p = np.sin(f1 * (xx * np.cos(th) + yy * np.sin(th))) + np.sin(f2 * (yy * np.cos(th) - xx * np.sin(th)))
        c1, c2 = _hsv(rng.random(), rng.random(), 0.3 + 0.6 * rng.random()), _hsv(rng.random(), rng.random(), 0.3 + 0.6 * rng.random())
        t = ((p + 2) / 4)[..., None]
        canvas = np.clip(c1 * t + c2 * (1 - t), 0, 255).astype(np.uint8)
        image = _finish(canvas, rng, 0.3, 0.2, 3.0)
    else:
        canvas, colours = _background(rng, W, H, None, 0.0)
        _clutter(canvas, rng, int(rng.integers(8, 30)), colours)
        if kind == "other-object":
            _distractor(canvas, rng)
            _distractor(canvas, rng)
        image = _finish(canvas, rng, 0.6, 0.2, 5.0)
    return Rendered(image=image, box=None, mask=None)


@dataclass(frozen=True)
class RenderJob:
    """One render, as World.render_job describes it: small and picklable (a parallel map sends
    it to a worker). ``latent`` None is a junk image."""

    latent: np.ndarray | None
    diversity: float
    key: tuple[int, int, int]  # (world seed, synset key, web image id)
    variant: int = 0
    style: str = "web"
    size: tuple[int, int] | None = None
    body_plan: str | None = None


def render_job(job: RenderJob) -> Rendered:
    """The pixels, box and mask of a RenderJob (a pure function of it)."""
    import dataclasses

    seed, synset_key, wid = job.key
    if job.latent is None:
        base = render_junk(key=(seed, synset_key, wid, 0), size=job.size)
    else:
        base = render_scene(job.latent, job.diversity, key=(seed, synset_key, wid, 0), style=job.style,
                            size=job.size, body_plan=job.body_plan)
    if job.variant == 0:
        return base
    img = make_variant(base.image, job.variant, key=(seed, synset_key, wid, job.variant))
    same = img.shape == base.image.shape
    return dataclasses.replace(base, image=img, box=base.box if same else None,
                               mask=base.mask if same else None)


def rendered_size(key: tuple[int, ...], variant: int = 0,
                  variant_key: tuple[int, ...] | None = None) -> tuple[int, int]:
    """(width, height) of the image render_scene / render_junk draw for ``key`` (default size)
    and of its ``make_variant(image, variant, variant_key)`` copy, without drawing a pixel:
    the same draws decide them."""
    W, H = _draw_size(rng_from_key(key))
    variant = int(variant)
    if variant < 0:
        raise UserError(f"variant must be >= 0, got {variant}")
    if variant == 0:
        return W, H
    r = rng_from_key((*(key if variant_key is None else variant_key), 0x5A17, variant)).random(12)
    c = (r[0:4] * 0.04 * np.array([W, H, W, H])).astype(int)
    if r[4] < 0.7:
        W, H = len(range(W)[c[0]:W - c[2]]), len(range(H)[c[1]:H - c[3]])
    if r[5] < 0.8:
        f = 0.5 + 0.75 * r[6]
        W, H = max(16, round(W * f)), max(16, round(H * f))
    return W, H


def make_variant(image: np.ndarray, variant: int, key: tuple[int, ...]) -> np.ndarray:
    """A near duplicate of ``image`` (variant k > 0): a small crop, a resize, a slight colour
    shift and a JPEG re-encode, deterministic in (key, variant); variant 0 is the image itself.

    Why: the web holds altered copies of one photo; a perceptual hash should still match.
    """
    variant = int(variant)
    if variant < 0:
        raise UserError(f"variant must be >= 0, got {variant}")
    if variant == 0:
        return image
    rng = rng_from_key((*key, 0x5A17, variant))
    H, W = image.shape[:2]
    r = rng.random(12)
    out = image
    # small crop: up to 4% per side
    c = (r[0:4] * 0.04 * np.array([W, H, W, H])).astype(int)
    if r[4] < 0.7:
        out = out[c[1]:H - c[3], c[0]:W - c[2]]
    # resize: 50% .. 125%
    if r[5] < 0.8:
        f = 0.5 + 0.75 * r[6]
        w, h = max(16, round(out.shape[1] * f)), max(16, round(out.shape[0] * f))
        out = cv2.resize(out, (w, h), interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR)
    # slight colour shift: brightness, contrast, per-channel gain
    if r[7] < 0.7:
        g = 1 + (rng.random(3) - 0.5) * 0.08
        contrast, bright = 1 + (r[8] - 0.5) * 0.12, (r[9] - 0.5) * 16
        mean = out.reshape(-1, 3).mean(axis=0)
        f = (out.astype(np.float32) - mean) * contrast + mean + bright
        out = np.clip(f * g.astype(np.float32), 0, 255).astype(np.uint8)
    # JPEG re-encode (always: every copy on the web went through a codec)
    q = int(55 + 40 * r[10])
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(np.ascontiguousarray(out), cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, q])
    out = cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(out)
