"""Sec 2 of the paper, properties of ImageNet: its scale (Fig 2), Fig 1's branches (mosaics),
the density of its hierarchy (Fig 3, Fig 6), Table 1 against other datasets, and the ESP
game those are compared with; diversity (Fig 5) joins here.

Modules: ``counts`` (images per synset, Fig 2), ``diversity`` (Fig 5), ``mosaics`` (Fig 1, image sizes), ``density`` (Fig 3, Fig 6,
populated synsets), ``table1``, ``esp`` (the simulated ESP game), ``inputs`` (what notebook 03
reads from 02), ``claims``.
"""
