"""Every value the paper states that the artifact compares with, each with its section.

Deng, Dong, Socher, Li, Li, Fei-Fei, "ImageNet: A Large-Scale Hierarchical Image Database",
CVPR 2009. Values from the text are quoted; values from figures were read off the figure
(the paper gives them only as plots or tables in images). Claims, figures and notebooks read
them from here; no paper value is written anywhere else (tests/test_architecture.py checks).
"""

from __future__ import annotations

import pandas as pd

# ---------------------------------------------------------------- Sec 1-2: scale and hierarchy

# Sec 1: "mammal, bird, fish, reptile, amphibian, vehicle, furniture, musical instrument,
# geological formation, tool, flower, fruit", in the paper's order.
SUBTREES: tuple[str, ...] = ("mammal", "bird", "fish", "reptile", "amphibian", "vehicle", "furniture",
                             "musical instrument", "geological formation", "tool", "flower", "fruit")
TOTAL_SYNSETS = 5247  # Abstract, Sec 1: "5247 synsets"
TOTAL_IMAGES = 3_200_000  # Abstract, Sec 1: "3.2 million images in total"
MEAN_IMAGES_PER_SYNSET = 600  # Sec 2: "on average over 600 images are collected for each synset"
SHARE_VERY_FEW = 0.20  # Fig 2 caption: "About 20% of the synsets have very few images"
MANY_IMAGES = 500  # Fig 2 caption: "Over 50% synsets have more than 500 images"
SHARE_OVER_MANY = 0.50
TARGET_IMAGES_PER_SYNSET = (500, 1000)  # Sec 1, Sec 3.1: "500-1000 clean images per synset"

# Fig 2 (table), read off the figure: selected subtrees.
FIG2_TABLE = pd.DataFrame(
    {
        "synsets": [1170, 520, 176, 197, 872, 164],
        "avg_synset_size": [737, 610, 436, 797, 809, 672],
        "total_images": [862_000, 317_000, 77_000, 157_000, 705_000, 110_000],
    },
    index=pd.Index(["mammal", "vehicle", "geological formation", "furniture", "bird",
                    "musical instrument"], name="subtree"),
)

# Fig 1: the two root-to-leaf branches, in the paper's names.
FIG1_BRANCHES: dict[str, tuple[str, ...]] = {
    "mammal": ("mammal", "placental", "carnivore", "canine", "dog", "working dog", "husky"),
    "vehicle": ("vehicle", "craft", "watercraft", "sailing vessel", "sailboat", "trimaran"),
}
FIG1_IMAGES_PER_SYNSET = 9  # Fig 1 caption: "9 randomly sampled images"

# Fig 3: the two subtrees compared with ESP.
FIG3_TREES: tuple[str, ...] = ("cat", "cattle")

# Fig 4 and Sec 2: labelling precision.
FIG4_MEAN_PRECISION = 0.997  # Sec 2, Fig 4: "An average of 99.7% precision"
FIG4_SYNSETS = 80  # Sec 2, Fig 4: "a total of 80 synsets randomly sampled at different tree depths"
FIG4_SUBTREES: tuple[str, ...] = ("mammal", "vehicle")  # Fig 4 caption

# Sec 2.2 / Table 1: image size.
MEAN_IMAGE_SIZE = (400, 350)  # Sec 2.2: "an average size of around 400x350" (width, height)

# Table 1 (Y/N): properties of ImageNet and other datasets.
TABLE1_PROPERTIES: tuple[str, ...] = ("LabelDisam", "Clean", "DenseHie", "FullRes", "PublicAvail", "Segmented")
TABLE1_DATASETS: tuple[str, ...] = ("ImageNet", "TinyImage", "LabelMe", "ESP", "LHill")
TABLE1 = pd.DataFrame(
    [["Y", "Y", "N", "N", "Y"], ["Y", "N", "Y", "Y", "Y"], ["Y", "Y", "N", "N", "N"],
     ["Y", "N", "Y", "Y", "Y"], ["Y", "Y", "Y", "N", "N"], ["N", "N", "Y", "N", "Y"]],
    index=pd.Index(TABLE1_PROPERTIES, name="property"), columns=list(TABLE1_DATASETS),
)
TINYIMAGE_CLEAN_SHARE = (0.10, 0.25)  # Sec 2.2: TinyImage "10-25% are possibly clean images"

# ---------------------------------------------------------------- Sec 3.1: collecting candidates

RAW_PRECISION = 0.10  # Sec 3.1, quoting [24]: "The average accuracy ... is around 10%"
CANDIDATES_PER_SYNSET = 10_000  # Sec 3.1: "each synset has over 10K images on average"
WHIPPET_EXPANSION = "whippet dog; whippet greyhound"  # Sec 3.1, the expansion example
# Sec 3.1: "we translate the queries into other languages [10], including Chinese, Spanish,
# Dutch and Italian", in the paper's order.
TRANSLATION_LANGUAGES: tuple[str, ...] = ("zh", "es", "nl", "it")

# ---------------------------------------------------------------- Sec 3.2: cleaning with votes

INITIAL_VOTES = 10  # Sec 3.2: "at least 10 users" vote on each image of the initial subset
# Fig 7 (right), read off the figure: P(good | yes, no) for "cat" and "Burmese cat".
FIG7 = pd.DataFrame(
    [(0, 1, 0.07, 0.23), (1, 0, 0.85, 0.69), (1, 1, 0.46, 0.49), (2, 0, 0.97, 0.83),
     (0, 2, 0.02, 0.12), (3, 0, 0.99, 0.90), (2, 1, 0.85, 0.68)],
    columns=["yes", "no", "cat.n.01", "burmese_cat.n.01"])

# ---------------------------------------------------------------- Sec 2.3 / Fig 5: diversity

AVERAGE_IMAGE_SIDE = 32  # Fig 5 caption: "Average images are downsampled to 32x32"
FIG5_SYNSETS = 4  # Fig 5: "four randomly sampled synsets in Caltech101 and the mammal subtree"

# ---------------------------------------------------------------- Sec 4.1 / Fig 8: recognition

# Footnote 7: the 16 categories shared by Caltech256 and the mammal subtree.
FIG8_CATEGORIES: tuple[str, ...] = ("bat", "bear", "camel", "chimp", "dog", "elk", "giraffe", "goat",
                                    "gorilla", "greyhound", "horse", "killer-whale", "porcupine",
                                    "raccoon", "skunk", "zebra")
FIG8_NAMED: tuple[str, ...] = ("elk", "killer-whale")  # Fig 8 (b)(c)
TEST_DUPLICATES_PER_CATEGORY = 20  # footnote 7: "Duplicates (~20 per category) ... are removed"
NN_NEIGHBOURS = 100  # Sec 4.1: "we retrieve 100 of the nearest neighbor images by SSD"
TINY_IMAGE_SIDE = 32  # Sec 4.1: "down-sample them to 32x32"
NBNN_LIMITED_IMAGES = 100  # Sec 4.1: NBNN-100 "limit the number of images per category to 100"

# ---------------------------------------------------------------- Sec 4.2 / Fig 9: tree-max

TRAIN_SHARE = 0.9  # Sec 4.2: "randomly sample 90% of the images to form the positive training set"
COMMON_NEGATIVES_PER_SYNSET = 10  # Sec 4.2: "aggregating 10 images randomly sampled from each synset"
FIG9_EASY_EXAMPLES: tuple[str, ...] = ("star-nosed mole", "minivan", "polar bear")  # Sec 4.2: bottom
FIG9_HARD_EXAMPLES: tuple[str, ...] = ("vehicle", "mammal", "artifact")  # Sec 4.2: top of the tree
# Sec 4.2: "At nearly all levels, the performance of the tree-max classifier is consistently
# higher than the independent classifier." No number: read as at least 80% of the heights.
FIG9_NEARLY_ALL = 0.8
FIG9_SUBTREE = "mammal"  # Sec 4.2: "Fig. 9 illustrates the result of our experiment on the mammal subtree"

# ---------------------------------------------------------------- Sec 4.3 / Figs 10-12: localization

LOCALIZATION_CATEGORIES = 22  # Sec 4.3: "22 categories from different depths"
LOCALIZATION_IMAGES = 100  # Sec 4.3: "We annotated 100 images in 22 different categories"
LOCALIZATION_SUBTREES: tuple[str, ...] = ("mammal", "vehicle")
FIG12_CATEGORIES: tuple[str, ...] = ("tusker", "stealth aircraft")
FIG12_IMAGES_PER_AVERAGE = 40  # Sec 4.3: "created with approximately 40 images"
FIG12_CLUSTERS = 3  # Fig 12: "three big clusters"


def distinctive_values() -> frozenset[float]:
    """Numbers that only the paper would give: a test finds them anywhere outside this module.

    Round numbers (10, 100, 0.9, 10,000, ...) are left out: they are everyday parameters too.
    """
    values = {TOTAL_SYNSETS, TOTAL_IMAGES, FIG4_MEAN_PRECISION}
    values |= {float(v) for v in FIG2_TABLE.to_numpy().ravel()}
    return frozenset(float(v) for v in values)
