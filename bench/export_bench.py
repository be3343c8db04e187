"""Benchmark of the streamed exports against a generated archive.

Run by hand, not by ``make test`` (see bench/README.md):

    DATABASE_URL=postgres://... .venv/bin/python bench/export_bench.py [--limit-rows N]

For each request it streams the whole response through the Django stack (test client,
DEBUG off) without keeping it, and prints: the rows written, the time to the first byte and
in all, rows per second, megabytes written, and the process's resident memory at the start,
its largest value while streaming (sampled every 10,000 rows) and at the end. Memory that
stays flat while the rows go by is what "constant memory" means here.
"""

import argparse
import time
from pathlib import Path

import django_setup  # noqa: F401  (sets Django up: bench/django_setup.py)
from django.db import connection
from django.test import Client

from commentary.models import Country, Quote

SAMPLE_EVERY = 10_000


def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def requests():
    busiest = Country.objects.public().order_by("-statement_count").first().code
    return [
        ("CSV, whole archive", "/quotes/export.csv"),
        ("JSON Lines, whole archive", "/quotes/export.jsonl"),
        ("JSON, one country", f"/quotes/export.json?country={busiest}"),
        ("CSV, search 中国", "/quotes/export.csv?q=中国"),
        ("BibTeX, search tritium", "/quotes/cite.bib?q=tritium"),
    ]


def stream(client, url, limit):
    start_rss = peak = rss_mb()
    started = time.perf_counter()
    response = client.get(url, secure=True)
    first = None
    size = rows = 0
    for piece in response.streaming_content:
        if first is None:
            first = time.perf_counter() - started
        size += len(piece)
        rows += piece.count(b"\n") if b"\n" in piece else 0
        if rows % SAMPLE_EVERY < 2:
            peak = max(peak, rss_mb())
        if limit and rows >= limit:
            break
    total = time.perf_counter() - started
    response.close()
    return {
        "status": response.status_code,
        "rows": rows,
        "first": first or total,
        "total": total,
        "mb": size / 1e6,
        "rss": (start_rss, max(peak, rss_mb()), rss_mb()),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-rows", type=int, default=0, help="stop each export early")
    args = parser.parse_args()
    print(f"{Quote.objects.published().count():,} published statements, {connection.vendor}")
    print(
        "request | status | lines | first byte s | total s | lines/s | MB | RSS start/peak/end MB"
    )
    client = Client()
    for label, url in requests():
        r = stream(client, url, args.limit_rows)
        rate = r["rows"] / r["total"] if r["total"] else 0
        start, peak, end = r["rss"]
        print(
            f"{label} | {r['status']} | {r['rows']:,} | {r['first']:.2f} | {r['total']:.1f} | "
            f"{rate:,.0f} | {r['mb']:.0f} | {start:.0f}/{peak:.0f}/{end:.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
