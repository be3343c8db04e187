"""Bilingual full-text search: how text becomes index tokens and queries (``text``), the
index and query SQL of each database (``fulltext``), what a statement's documents hold and
how they are kept current (``index``, connected in ``receivers``)."""
