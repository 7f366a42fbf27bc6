"""Shared image features: tiny images, SIFT, visual words, exact nearest neighbours.

Used by Fig 5 (average images), Fig 8 (NN-voting, NBNN) and Figs 9-12. Imports no stage.

Computing the features of an image set (once; cached; per image in parallel)::

    from imagenet_repro.collect.dedup import phash64               # any pixels -> 64-bit int function
    from imagenet_repro.features import FeatureSpec, SiftParams, WorldImages, compute_features
    items = [(true_wnid, web_image_id, variant, "web"), ...]      # or image ids + SourceImages(src)
    f = compute_features(items, WorldImages(world), FeatureSpec(tiny_side=32, hash64=phash64,
                         sift=SiftParams(max_side=256, max_descriptors=100)), name="my-set")
    f.tiny          # (n, 32, 32, 3) uint8          f.hash64 # (n,) uint64 (here collect.dedup.phash64)
    f.descriptors   # (m, 128) float32              f.xy     # (m, 2) keypoint (x, y), image pixels
    f.offsets       # (n + 1,) image i owns rows offsets[i]:offsets[i+1]; f.ok: image loaded
    compute_features(..., sift_mask=flags)   # SIFT only where flags is True (one render per image)

Single images: ``tiny_image(pixels)``, ``sift_descriptors(pixels, SiftParams())``.
Vectors: ``tiny_vectors(f.tiny)`` -> (n, 3072) float32, zero mean and unit norm per image ([24]).
Neighbours: ``knn(queries, base, k)`` -> Neighbours(indices, distances) (exact, squared
Euclidean, ties to the lower index); ``nearest``; ``segment_min_distances`` (NBNN's kernel).
Visual words: ``voc = learn_vocabulary(f.descriptors, k, seed)``; ``voc.assign(descriptors)``;
``voc.histograms(words, f.offsets)``; ``WordBag(words, f.xy, f.offsets)`` keeps positions.
"""

from .colour import hsv_histogram, rgb_histogram
from .images import (FeatureSpec, ImageFeatures, SourceImages, WorldImages, compute_features,
                     items_digest, skipped_items, world_items)
from .knn import Neighbours, knn, nearest, segment_min_distances, smallest_k, squared_distances
from .sift import DESCRIPTOR_DIM, SiftParams, sift_descriptors
from .tiny import TINY_SIDE, average_image, tiny_image, tiny_vectors
from .words import Vocabulary, WordBag, bow_histograms, learn_vocabulary

__all__ = ["hsv_histogram", "rgb_histogram", "FeatureSpec", "ImageFeatures", "SourceImages", "WorldImages", "compute_features",
           "items_digest", "skipped_items", "world_items", "Neighbours", "knn", "nearest",
           "segment_min_distances", "smallest_k", "squared_distances", "DESCRIPTOR_DIM", "SiftParams",
           "sift_descriptors", "TINY_SIDE", "average_image", "tiny_image", "tiny_vectors",
           "Vocabulary", "WordBag", "bow_histograms", "learn_vocabulary"]
