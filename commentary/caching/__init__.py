"""Caching with invalidation users can trust: the archive's generation (``generation``),
which every change moves on, and the page cache for anonymous readers keyed by it
(``pages``). The browsing room's facet cache keys on the same generation."""
