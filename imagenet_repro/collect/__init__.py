"""Candidate collection (paper Sec 3.1): queries, translations, the simulated web they search,
duplicate removal."""

from .queries import queries_for, simulated_web

__all__ = ["queries_for", "simulated_web"]
