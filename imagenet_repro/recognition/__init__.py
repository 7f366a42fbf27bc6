"""Sec 4 of the paper, what ImageNet is for: non-parametric recognition (Sec 4.1, Fig 8: ``roc``,
``nnvote``, ``nbnn``, ``fig8``, ``claims``) and tree-based classification (Sec 4.2, Fig 9:
``boosting``, ``treemax``, ``treemax_claims``, ``fig9``)."""
