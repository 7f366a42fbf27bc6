"""Candidate collection (paper Sec 3.1): queries, translations, duplicate removal."""
