"""What researchers take away: citations, exports, feeds, Popolo, page metadata and
sitemaps. Reads the lists' parameters only through ``browse.selection``."""
