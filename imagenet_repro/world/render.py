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
   parts at rest), plain light background, no clutter, distractors or occlusion.

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
STYLES = ("web", "caltech")
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
_TEXTURED = (_BODY, _HEAD)


@dataclass
class Rendered:
    """One rendered image with its object's box and mask (None for junk)."""

    image: np.ndarray  # (H, W, 3) uint8 RGB
    box: tuple[int, int, int, int] | None  # (x0, y0, x1, y1), x1/y1 exclusive
    mask: np.ndarray | None  # (H, W) bool, visible object pixels


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


def _geometry(u: np.ndarray, pose: np.ndarray, jitter: float) -> list[tuple[np.ndarray, int]]:
    """Polygons in object coordinates (body about [-1, 1] wide, y down), in draw order.

    ``pose`` is a vector of standard normals, scaled by ``jitter`` (radians) to move parts.
    """
    kind = object_kind(u)
    polys: list[tuple[np.ndarray, int]] = []
    body, a, b = _body_outline(u)
    if kind == "petals":
        body, a, b = _ellipse(0, 0, 0.5, 0.5, n=40), 0.5, 0.5
    pj = iter(pose * jitter)

    # tail (behind everything)
    tl = u[_P["tail_len"]]
    if tl > 0.2 and kind != "petals":
        ang = np.pi / 2 + (-0.7 + 1.6 * u[_P["tail_angle"]]) + next(pj)
        tw = 0.06 + 0.22 * u[_P["tail_width"]]
        w1 = tw * (0.15 + 2.2 * max(0.0, u[_P["tail_width"]] - 0.5))
        polys.append((_limb(-0.9 * a, -0.15 * b, ang, 0.25 + 1.1 * (tl - 0.2), tw, w1), _LIMB))

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
                polys.append((q, _FAR if far else _LIMB))
                if u[_P["hooves"]] > 0.55:
                    end = q[1:3].mean(axis=0)
                    polys.append((_ellipse(end[0], end[1], w * 0.55, w * 0.35, ang), _DARK))
    elif kind == "petals":
        n_p = 5 + int(u[_P["n_petals"]] * 9)
        pl = 0.45 + 0.8 * u[_P["petal_len"]]
        pw = 0.12 + 0.3 * u[_P["petal_width"]]
        for k in range(n_p):
            t = 2 * np.pi * k / n_p + next(pj) * 0.3
            r = 0.45 + pl / 2
            polys.append((_ellipse(r * np.cos(t), r * np.sin(t), pl / 2, pw, t, n=20), _LIMB))

    polys.append((body, _BODY))

    # panels (windows, markings) on the body
    if u[_P["n_panels"]] > 0.5 and kind != "petals":
        k = 1 + int((u[_P["n_panels"]] - 0.5) * 8)
        pw = (1.2 / k) * (0.4 + 0.5 * u[_P["panel_size"]])
        for x in np.linspace(-0.55, 0.55, k) if k > 1 else [0.0]:
            y0 = _top_y(np.array([x]), u, b)[0] * 0.55
            ph = abs(y0) * 0.8 + 0.02
            polys.append((np.array([[x - pw / 2, y0], [x + pw / 2, y0],
                                    [x + pw / 2, y0 + ph], [x - pw / 2, y0 + ph]]), _PANEL))

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
                polys.append((tri, _TOP))
            else:
                polys.append((_ellipse(x, y, ts * 0.5, ts * 0.45, n=20), _TOP))

    if kind == "wheels":
        n_w = 2 + int(u[_P["n_wheels"]] * 2.99)
        r = 0.18 + 0.22 * u[_P["wheel_size"]]
        for x in np.linspace(-0.65, 0.65, n_w):
            polys.append((_ellipse(x, 0.8 * b, r, r, n=32), _DARK))
            polys.append((_ellipse(x, 0.8 * b, 0.55 * r, 0.55 * r, n=24), _LIGHT))
            polys.append((_ellipse(x, 0.8 * b, 0.15 * r, 0.15 * r, n=12), _DARK))

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
            polys.append((_limb(0.6 * a, -0.1 * b, ang, np.hypot(dx, dy), nw * 1.4, nw), _BODY))
        if u[_P["ear_size"]] > 0.35:
            es = rh * (0.35 + 0.9 * (u[_P["ear_size"]] - 0.35))
            for ex in (hx - 0.35 * rx, hx - 0.05 * rx):
                ey = hy - 0.7 * ry
                polys.append((np.array([[ex - es * 0.4, ey + es * 0.3], [ex + es * 0.4, ey + es * 0.3],
                                        [ex - es * 0.1, ey - es]]), _TOP))
        polys.append((_ellipse(hx, hy, rx, ry, tilt * 0.5, n=32), _HEAD))
        re = rh * (0.08 + 0.12 * u[_P["eye_size"]])
        ex, ey = hx + 0.25 * rx, hy - 0.25 * ry
        polys.append((_ellipse(ex, ey, 1.7 * re, 1.7 * re, n=16), _LIGHT))
        polys.append((_ellipse(ex + 0.3 * re, ey, re, re, n=16), _DARK))
        polys.append((_ellipse(hx + 0.95 * rx, hy + 0.1 * ry, 0.12 * rh, 0.09 * rh, n=12), _DARK))
    return polys


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
    pal = np.zeros((9, 3))
    pal[_LIMB] = sec
    pal[_FAR] = sec * 0.72
    pal[_BODY] = body
    pal[_HEAD] = body * 1.05
    pal[_TOP] = sec * 0.9
    pal[_DARK] = body * 0.15 + 12
    pal[_LIGHT] = body * 0.25 + 190
    pal[_PANEL] = pat
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
    offset = np.array([x0, y0])
    i = 0
    for p, mat in polys:
        q = img[i:i + len(p)] - offset
        i += len(p)
        cv2.fillPoly(lab, [np.round(q * 16).astype(np.int32)], int(mat), cv2.LINE_8, 4)
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
    polys = _geometry(u, rng.standard_normal(32), 0.2)
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


def render_scene(latent: np.ndarray, diversity: float, key: tuple[int, ...], style: str = "web",
                 size: tuple[int, int] | None = None) -> Rendered:
    """A photograph of the object of ``latent``; deterministic in (latent, diversity, key, style, size).

    ``diversity`` in [0, 1] widens every per-image variation; ``size`` is (width, height)
    (default: drawn from the key, about 400x350 on average).
    """
    if style not in STYLES:
        raise UserError(f"unknown render style {style!r}: choose one of {', '.join(STYLES)}")
    d = float(np.clip(diversity, 0.0, 1.0)) if np.isfinite(diversity) else 0.5
    rng = rng_from_key(key)
    W, H = _check_size(size) if size is not None else _draw_size(rng)
    web = style == "web"
    z = _unit(latent)
    u = visual_params(z + rng.normal(0, (0.1 + 0.4 * d) if web else (0.06 + 0.12 * d), LATENT_DIM))
    u[_DISCRETE] = visual_params(z)[_DISCRETE]
    habitat = u[[_P["hab_h"], _P["hab_s"], _P["hab_v"], _P["hab_kind"]]]
    pose = rng.standard_normal(32)
    if web:
        polys = _geometry(u, pose, 0.06 + 0.3 * d)
        canvas, colours = _background(rng, W, H, habitat, 0.75 - 0.45 * d)
        _clutter(canvas, rng, int(rng.poisson(2 + 16 * d)), colours)
        for _ in range(min(3, int(rng.poisson(0.15 + 1.1 * d)))):
            _distractor(canvas, rng)
        rot = rng.normal(0, np.radians(3 + 20 * d))
        flip = bool(rng.random() < 0.5)
        squash = 1 - 0.35 * d * rng.random()
        frac = rng.uniform(0.92 - (0.25 + 0.45 * d), 0.92)
        jit = rng.uniform(-1, 1, 2) * (0.35 + 0.75 * d)
        M = _placement(polys, rot, flip, squash, frac, tuple(jit), W, H)
    else:
        polys = _geometry(u, pose, 0.02)
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
    return Rendered(image=image, box=mask_box(mask), mask=mask)


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
