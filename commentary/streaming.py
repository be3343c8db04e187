"""Reading every row a filter selects, however many: in chunks, with their prefetches.

Exports, downloads of citations for a whole list and the like iterate over ``in_chunks``
instead of the queryset, so memory stays constant for a million rows: each chunk is
fetched (on PostgreSQL through a server-side cursor) and prefetched, written out and
dropped before the next.
"""

CHUNK_SIZE = 1000


def in_chunks(rows, size=None):
    """Every row of ``rows`` in order, ``size`` at a time; prefetches run once per chunk."""
    return rows.iterator(chunk_size=size or CHUNK_SIZE)
