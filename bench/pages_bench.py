"""Benchmark of every page type against a generated archive, through the Django stack.

Run by hand, not by ``make test`` (see bench/README.md):

    DATABASE_URL=postgres://... .venv/bin/python bench/pages_bench.py [--runs 20] [--only home]
        [--page-cache]

For each page: the first request (caches emptied, as after a restart), p50 and p95 of
``--runs`` warm runs in milliseconds, the first request after a change (the generation
moved on, as a publish moves it: facets of large lists are then recounted in the
background, the page cache misses), the number of queries and the bytes of the answer.
DEBUG off, test client (no network), an administrator logged in for the admin pages only.
The page cache is off unless ``--page-cache`` (then the warm runs are its hits).
"""

import argparse
import statistics
import threading
import time

import django_setup  # noqa: F401  (sets Django up: bench/django_setup.py)
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commentary.caching import generation
from commentary.models import (
    Collection,
    Country,
    Expert,
    Organization,
    Outlet,
    Quote,
    Source,
    Topic,
)


def pages():
    """(label, URL, needs an administrator) of every page type."""
    quote = Quote.objects.published().order_by("-pk").first()
    typical = Expert.objects.public().order_by("statement_count", "pk")[
        Expert.objects.public().count() // 2
    ]
    prolific = Expert.objects.public().order_by("-statement_count").first()
    country = Country.objects.public().order_by("-statement_count").first()
    organization = Organization.objects.public().order_by("pk").first()
    outlet = Outlet.objects.public().order_by("pk").first()
    source = Source.objects.public().order_by("pk").first()
    topic = Topic.objects.public().order_by("pk").first()
    collection = Collection.objects.published().order_by("pk").first()
    rows = [
        ("home", "/"),
        ("statement list", "/quotes/"),
        ("list, country", f"/quotes/?country={country.code}"),
        ("list, two filters", f"/quotes/?country={country.code}&kind=paraphrase"),
        ("list, a year", "/quotes/?date_from=2020-01&date_to=2020-12"),
        ("list, oldest first", "/quotes/?sort=oldest"),
        ("search, selective zh", "/quotes/?q=透明度"),
        ("search, unselective zh", "/quotes/?q=中国"),
        ("search, en", "/quotes/?q=hypersonic"),
        ("statement", quote.get_absolute_url()),
        ("cite, BibTeX", f"{quote.get_absolute_url()}cite.bib"),
        ("cite, RIS", f"{quote.get_absolute_url()}cite.ris"),
        ("cite, CSL-JSON", f"{quote.get_absolute_url()}cite.json"),
        ("experts list", "/experts/"),
        ("experts list, page 1000", "/experts/?page=1000"),
        ("experts list, ?name=ivan", "/experts/?name=ivan"),
        ("expert, typical", typical.get_absolute_url()),
        (f"expert, {prolific.statement_count:,} statements", prolific.get_absolute_url()),
        ("countries", "/countries/"),
        ("country", country.get_absolute_url()),
        ("organisation", organization.get_absolute_url()),
        ("outlet", outlet.get_absolute_url()),
        ("source", source.get_absolute_url()),
        ("topic", topic.get_absolute_url()),
        ("collection", collection.get_absolute_url() if collection else "/"),
        ("suggest", "/suggest/experts/?q=iv"),
        ("feed, archive", "/quotes/feed/"),
        ("feed, expert", f"{typical.get_absolute_url()}feed/"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap page (2,000 URLs)", "/sitemap-quotes.xml?p=100"),
        ("robots.txt", "/robots.txt"),
        ("API statements", "/api/quotes/"),
        ("API statement", f"/api/quotes/{quote.pk}/"),
        ("API experts", "/api/experts/"),
        ("API countries", "/api/countries/"),
        ("API organisations", "/api/organizations/"),
        ("API sources", "/api/sources/"),
    ]
    admin = [
        ("admin statements", "/admin/commentary/quote/"),
        ("admin statements ?q=中国", "/admin/commentary/quote/?q=中国"),
        ("admin statement form", f"/admin/commentary/quote/{quote.pk}/change/"),
        ("admin experts", "/admin/commentary/expert/"),
    ]
    return [(label, url, False) for label, url in rows] + [
        (label, url, True) for label, url in admin
    ]


def measure(client, url, runs):
    cache.clear()
    started = time.perf_counter()
    response = client.get(url, secure=True)
    first = (time.perf_counter() - started) * 1000
    body = b"".join(response) if response.streaming else response.content
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        again = client.get(url, secure=True)
        if again.streaming:
            b"".join(again)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        last = client.get(url, secure=True)
        if last.streaming:
            b"".join(last)
    count = len(queries)  # before the next request, which empties the query log
    generation.bump()
    started = time.perf_counter()
    changed = client.get(url, secure=True)
    if changed.streaming:
        b"".join(changed)
    after_change = (time.perf_counter() - started) * 1000
    for thread in threading.enumerate():
        if thread.name == "facets-refresh":
            thread.join()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    median = statistics.median(times)
    return response.status_code, first, median, p95, after_change, count, len(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", help="only pages whose label contains this")
    parser.add_argument("--page-cache", action="store_true", help="with the page cache on")
    args = parser.parse_args()
    if not args.page_cache:
        settings.PAGE_CACHE_SECONDS = 0
    call_command("collectstatic", interactive=False, verbosity=0)
    print(
        f"{connection.vendor}, {Quote.objects.count():,} statements, "
        f"{Expert.objects.count():,} experts, {args.runs} warm runs per page, DEBUG off, "
        f"page cache {'on' if args.page_cache else 'off'}\n"
    )
    print(
        f"{'page':<34} {'status':>6} {'first':>8} {'p50':>8} {'p95':>8} {'changed':>8} "
        f"{'queries':>7} {'bytes':>9}"
    )
    public, staff = Client(), Client()
    admin, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    staff.force_login(admin)
    for label, url, needs_admin in pages():
        if args.only and args.only not in label:
            continue
        status, first, p50, p95, changed, queries, size = measure(
            staff if needs_admin else public, url, args.runs
        )
        print(
            f"{label:<34} {status:>6} {first:>8.1f} {p50:>8.1f} {p95:>8.1f} {changed:>8.1f} "
            f"{queries:>7} {size:>9,}"
        )


if __name__ == "__main__":
    main()
