"""Reading every row a filter selects, however many: in chunks.

Exports, downloads of citations for a whole list and the like read through these helpers
instead of evaluating the queryset, so memory stays constant for a million rows: each
chunk is fetched (on PostgreSQL through a server-side cursor), written out and dropped
before the next.
"""

from itertools import islice

CHUNK_SIZE = 1000


def in_chunks(rows, size=None):
    """Every row of ``rows`` in order, ``size`` at a time; prefetches run once per chunk."""
    return rows.iterator(chunk_size=size or CHUNK_SIZE)


def id_batches(rows):
    """The primary keys of ``rows`` in order, as lists of ``CHUNK_SIZE``: one cursor over
    the ids, so a caller can fetch what it needs for a whole batch at once."""
    ids = in_chunks(rows.values_list("pk", flat=True))
    while batch := list(islice(ids, CHUNK_SIZE)):
        yield batch
