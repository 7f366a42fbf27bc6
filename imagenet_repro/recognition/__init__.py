"""Sec 4: what the hierarchy is for (recognition); tree-max classifiers of Sec 4.2 in treemax.py."""
