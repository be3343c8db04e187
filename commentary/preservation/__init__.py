"""Keeping sources reachable: checking their links and keeping the archive's own copies.

- ``fetching.py``: the one HTTP client both use, polite (its User-Agent says who asks,
  ``robots.txt`` is honoured, one request at a time per host, ``HOST_DELAY`` apart,
  timeouts from connecting to the last byte) and the thread pool that keeps it so.
- ``checking.py``: what a link's answer means (``LinkCheck.Outcome``), each check kept
  as history, and when a link counts as broken (failures in a row over several days).
- ``copies.py``: a source page fetched once (again on request) and stored as a WARC file
  in ``STORAGES["archive"]``, with its SHA-256.
- ``replay.py``: an archived page made inert for reading (sanitised, then served in a
  sandbox by ``views.source_archived_content``).

Nothing here is on a request's path except ``replay`` and ``copies.read_payload``: the
checks and the copying run from ``manage.py check_links`` and ``archive_sources`` (cron
or a systemd timer, README) or an editor's "check now" / "archive now" in the admin.
"""
