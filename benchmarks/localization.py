"""Sec 4.3 end to end on rendered images with stand-in visual words, and its speed.

    .venv/bin/python benchmarks/localization.py [--categories N] [--images N] [--style web|web-anywhere] [--relative]

Stand-in words (here, not in the package: the real ones come from imagenet_repro.features):
every image is cut into cells of --cell-px pixels; a cell's descriptor is its mean colour and
its 2x2 grey layout (texture, edges); a MiniBatchKMeans vocabulary of --words words is fitted
on cells sampled from all images; a cell's word sits at the cell's centre. Then the method:
one HDP per category, one for the background class (images of other mammal and vehicle
synsets and junk), the maximum-sum box of log p(x|c) - log p(x|bg) per image; metrics
against the world's true boxes beside a centred box of the same area, a centred box of half
the image and the whole image; Fig 12's clusters of "tusker" and "stealth aircraft" against
the renderer's view labels. Prints per-category numbers, means, and images per second of the
topic inference (training the category's HDP) and of the box search apart.
"""

from __future__ import annotations

import argparse
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from imagenet_repro import paper  # noqa: E402
from imagenet_repro.hierarchy import load_hierarchy  # noqa: E402
from imagenet_repro.localization import (ImageWords, LocalizationParams, box_crops,  # noqa: E402
                                         cluster_boxes, evaluate_boxes, localization_categories,
                                         localize_category, view_agreement)
from imagenet_repro.localization.topics import fit_topic_model  # noqa: E402
from imagenet_repro.rng import rng  # noqa: E402
from imagenet_repro.world.model import World  # noqa: E402


def cell_descriptors(image: np.ndarray, cell: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, 7) descriptors (mean RGB, 2x2 grey layout) and (n, 2) centres of the image's cells."""
    H, W = image.shape[:2]
    h, w = H // cell, W // cell
    a = image[:h * cell, :w * cell].astype(np.float32).reshape(h, cell, w, cell, 3)
    rgb = a.mean(axis=(1, 3)) / 255.0
    grey = a.mean(axis=4).reshape(h, 2, cell // 2, w, 2, cell // 2).mean(axis=(2, 5)) / 255.0  # (h, 2, w, 2)
    lay = (grey - grey.mean(axis=(1, 3), keepdims=True)).transpose(0, 2, 1, 3).reshape(h, w, 4)
    desc = np.concatenate([rgb, 2.0 * lay], axis=2).reshape(-1, 7)
    yy, xx = np.mgrid[0:h, 0:w]
    xy = np.stack([(xx.ravel() + 0.5) * cell, (yy.ravel() + 0.5) * cell], axis=1)
    return desc, xy


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--categories", type=int, default=paper.LOCALIZATION_CATEGORIES)
    ap.add_argument("--images", type=int, default=paper.FIG12_IMAGES_PER_AVERAGE)
    ap.add_argument("--background", type=int, default=160)
    ap.add_argument("--style", default="web")
    ap.add_argument("--words", type=int, default=200)
    ap.add_argument("--cell-px", type=int, default=12)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--seed", type=int, default=2009)
    ap.add_argument("--relative", action="store_true", help="subtract each image's mean patch score")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    from sklearn.cluster import MiniBatchKMeans

    h = load_hierarchy(("mammal", "vehicle"))
    world = World(h)
    cats = localization_categories(h, seed=args.seed)
    named = [w for w in cats if world.synsets.loc[w, "name"] in ("tusker.n.01", "stealth_aircraft.n.01")]
    cats = (named + [w for w in cats if w not in named])[:args.categories]
    t0 = time.perf_counter()
    rendered = {w: [world.render(w, 10_000 + i, style=args.style) for i in range(args.images)] for w in cats}
    others = [w for w in h.synsets.index if w not in set(cats)]
    g = rng(args.seed, "bench-localization-background")
    bg_ids = g.choice(len(others), args.background, replace=False)
    background = [world.render(others[j], 20_000 + k, style=args.style) for k, j in enumerate(bg_ids)]
    background += [world.render("", 30_000 + k) for k in range(args.background // 8)]
    t_render = time.perf_counter() - t0
    # stand-in vocabulary
    t0 = time.perf_counter()
    desc = {k: [cell_descriptors(r.image, args.cell_px) for r in rs] for k, rs in rendered.items()}
    desc_bg = [cell_descriptors(r.image, args.cell_px) for r in background]
    pool = np.concatenate([d for v in desc.values() for d, _ in v] + [d for d, _ in desc_bg])
    sample = pool[g.choice(len(pool), min(len(pool), 40_000), replace=False)]
    km = MiniBatchKMeans(n_clusters=args.words, random_state=int(g.integers(2**31 - 1)), n_init=3,
                         batch_size=4096).fit(sample)

    def words(d, xy, r, i):
        return ImageWords(words=km.predict(d).astype(np.int64), xy=xy, size=(r.image.shape[1], r.image.shape[0]),
                          image_id=str(i))

    docs = {k: [words(d, xy, r, i) for i, ((d, xy), r) in enumerate(zip(desc[k], rendered[k]))] for k in cats}
    bg_docs = [words(d, xy, r, i) for i, ((d, xy), r) in enumerate(zip(desc_bg, background))]
    t_words = time.perf_counter() - t0
    params = LocalizationParams(iterations=args.iterations, cell=args.cell_px * 2, seed=args.seed,
                                relative=args.relative)
    bg_model = fit_topic_model(bg_docs, args.words, params, key="background")
    rows, fit_s, search_s, n_img = [], 0.0, 0.0, 0
    found = {}
    for w in cats:
        res = localize_category(docs[w], bg_model, params, key=w)
        found[w] = res
        fit_s += res.fit_seconds
        search_s += res.search_seconds
        n_img += len(docs[w])
        true = np.array([r.box for r in rendered[w]])
        sizes = np.array([d.size for d in docs[w]])
        rows.append({"wnid": w, "name": world.synsets.loc[w, "name"], "depth": int(world.synsets.loc[w, "depth"]),
                     "plan": world.body_plan(w), "topics": res.n_topics, **evaluate_boxes(res.boxes, true, sizes)})
    t = pd.DataFrame(rows).set_index("wnid")
    pd.set_option("display.width", 200)
    cols = ["name", "depth", "plan", "topics", "box_area", "precision", "recall", "iou", "f1", "centred_same_iou",
            "centred_same_f1", "centred_half_iou", "centred_half_f1", "whole_precision", "whole_iou", "whole_f1"]
    print(t[cols].round(3).to_string())
    print("\nmeans:", t[cols[3:]].mean().round(3).to_dict())
    for w in named:
        res = found[w]
        crops = box_crops([r.image for r in rendered[w]], res.boxes)
        cl = cluster_boxes(crops, seed=args.seed, key=w)
        views = [r.view for r in rendered[w]]
        vf = [f"{r.view}-{r.facing}" for r in rendered[w]]
        a, b = view_agreement(cl.labels, views, shuffles=1000, key=w), view_agreement(cl.labels, vf, shuffles=1000, key=w)
        tcl = cluster_boxes(box_crops([r.image for r in rendered[w]], np.array([r.box for r in rendered[w]])), seed=args.seed, key=w)
        ta = view_agreement(tcl.labels, views, shuffles=1000, key=w)
        print(f"Fig 12 {world.synsets.loc[w, 'name']}: cluster sizes {cl.sizes.tolist()}, views "
              f"{pd.Series(views).value_counts().to_dict()}; ARI vs view {a.ari:.3f} (p {a.p_value:.3f}), "
              f"vs view+facing {b.ari:.3f} (p {b.p_value:.3f}); true-box crops: ARI {ta.ari:.3f} (p {ta.p_value:.3f})")
    print(f"\nrender {t_render:.1f} s, stand-in words {t_words:.1f} s, background HDP {bg_model.seconds:.1f} s "
          f"({len(bg_docs)} images)")
    print(f"topic inference (category HDP): {n_img / fit_s:.1f} images/s; box search: {n_img / search_s:.1f} images/s "
          f"({np.mean([d.words.size for v in docs.values() for d in v]):.0f} words per image, cell {params.cell} px)")
    if args.out:
        t.to_csv(args.out)


if __name__ == "__main__":
    main()
