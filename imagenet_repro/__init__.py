"""imagenet_repro: the reproducible artifact of Deng et al., ImageNet (CVPR 2009).

The package computes; the notebooks in ``notebooks/`` tell the story.
"""

__version__ = "0.1.0"
