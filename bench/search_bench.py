"""Benchmark of the public list and search pages against a generated archive.

Run by hand, not by ``make test`` (see bench/README.md):

    DATABASE_URL=postgres://... .venv/bin/python bench/search_bench.py [--runs 20]

It issues a fixed set of requests through the whole Django stack (test client, DEBUG
off, cached templates, middleware) and prints, per request: the first (cold facet cache)
time, p50 and p95 over ``--runs`` warm runs, the number of queries, the statements on
the page and the total the page states. Then a recall check: for sampled Chinese and
English terms, the rows ``Quote.objects.search()`` finds are compared with a brute-force
substring scan (SQL ``LIKE``, no index) of the same fields the search covers.
"""

import argparse
import random
import re
import statistics
import time

import django_setup  # noqa: F401  (sets Django up: bench/django_setup.py)
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commentary.browse.pagination import cursor_of
from commentary.models import (
    Citation,
    Expert,
    ExpertName,
    Quote,
    QuoteSpeaker,
    Topic,
)
from commentary.search import text as search

SUMMARY = re.compile(r'<p class="result-summary">(.*?)<a class="refine-link"', re.S)
CJK_TERMS = ["核军备竞赛", "氘氚", "军备", "透明度", "核查", "波德维格", "中国", "洲际弹道导弹"]
EN_TERMS = ["tritium", "telemetry", "hypersonic glide vehicle", "hotline", "kremlin", "China"]


def requests():
    """(label, url) of the fixed request set; ids and slugs are looked up, not assumed."""
    prolific = (
        Expert.objects.annotate(n=Count("speaker_roles")).order_by("-n").values("slug", "n")[:1]
    )[0]
    topic = Topic.objects.order_by("pk").values_list("slug", flat=True).first()
    deep = Quote.objects.published().newest_first()[100_000 - 1 : 100_000].first()
    urls = [
        ("list, page 1", "/quotes/"),
        ("list, two filters (country, kind)", "/quotes/?country=RU&kind=direct"),
        ("list, two filters (language, topic)", f"/quotes/?language=en&topic={topic}"),
        ("search 核军备竞赛 (selective)", "/quotes/?q=核军备竞赛"),
        ("search 氘氚 (selective)", "/quotes/?q=氘氚"),
        ('search "hypersonic glide vehicle"', '/quotes/?q="hypersonic+glide+vehicle"'),
        ("search tritium (selective)", "/quotes/?q=tritium"),
        ("search 中国 (unselective)", "/quotes/?q=中国"),
        ("search China (unselective)", "/quotes/?q=China"),
        ("search 中国 + country CN", "/quotes/?q=中国&country=CN"),
        (f"expert page ({prolific['n']} statements)", f"/experts/{prolific['slug']}/"),
        ("list, last numbered page (500)", "/quotes/?page=500"),
    ]
    if deep:
        urls.append(
            ("list, row 100,000 (= page 5,000) by keyset", f"/quotes/?after={cursor_of(deep)}")
        )
    return urls


def measure(client, url, runs):
    cache.clear()
    started = time.perf_counter()
    response = client.get(url, secure=True)
    first = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    html = response.content.decode()
    summary = SUMMARY.search(html)
    total = (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", summary.group(1))).strip(" ·") if summary else ""
    )
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return (
        first,
        statistics.median(times),
        p95,
        len(queries),
        html.count('<article class="quote'),
        total,
    )


def brute_force(term):
    """Statements whose text or any name the search covers contains ``term``: LIKE scans."""
    lookup = "contains" if search.CJK_CHAR.search(term) else "icontains"

    def having(field):
        return {f"{field}__{lookup}": term}

    ids = set(Quote.objects.filter(**having("text")).values_list("pk", flat=True))
    for field in (
        "expert__name",
        "expert__name_zh",
        "affiliation__organization__name",
        "affiliation__organization__name_zh",
    ):
        ids |= set(QuoteSpeaker.objects.filter(**having(field)).values_list("quote", flat=True))
    spellings = ExpertName.objects.filter(**having("name")).values("expert")
    ids |= set(QuoteSpeaker.objects.filter(expert__in=spellings).values_list("quote", flat=True))
    for field in ("source__title", "source__outlet__name", "source__outlet__name_zh"):
        ids |= set(Citation.objects.filter(**having(field)).values_list("quote", flat=True))
    return ids


def sampled_terms(count, seed=3):
    """Chinese substrings (2–4 characters) and English words of randomly chosen statements."""
    rng = random.Random(seed)  # noqa: S311
    last = Quote.objects.order_by("-pk").values_list("pk", flat=True).first()
    terms = []
    while len(terms) < count:
        text = (
            Quote.objects.filter(pk__gte=rng.randrange(1, last))
            .order_by("pk")
            .values_list("text", flat=True)
            .first()
        )
        runs = re.findall(f"[{search.CJK}]{{4,}}", text)
        if runs and len(terms) % 2 == 0:
            run, length = rng.choice(runs), rng.randint(2, 4)
            start = rng.randrange(len(run) - length + 1)
            terms.append(run[start : start + length])
        elif len(terms) % 2:
            words = [word.lower() for word in re.findall(r"\b[A-Za-z]{6,}\b", text)]
            if words:
                terms.append(rng.choice(words))
    return terms


def recall(terms):
    print(
        f"\n{'term':<26} {'brute force':>11} {'search':>8} {'found':>6} {'recall':>7} {'extra':>6}"
    )
    worst = 1.0
    for term in terms:
        truth = brute_force(term)
        found = set(Quote.objects.search(f'"{term}"').values_list("pk", flat=True))
        hits = len(truth & found)
        share = hits / len(truth) if truth else 1.0
        worst = min(worst, share)
        extra = len(found - truth)
        print(f"{term:<26} {len(truth):>11} {len(found):>8} {hits:>6} {share:>7.1%} {extra:>6}")
    print(f"lowest recall: {worst:.1%}  ('extra': other forms of a stemmed English word)")
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-recall", action="store_true", help="only the timings")
    parser.add_argument("--no-timing", action="store_true", help="only the recall check")
    args = parser.parse_args()
    call_command("collectstatic", interactive=False, verbosity=0)
    total = Quote.objects.count()
    experts = Expert.objects.count()
    print(
        f"{connection.vendor}, {total:,} statements, {experts:,} experts, "
        f"{args.runs} warm runs per request, DEBUG off\n"
    )
    print(f"{'request':<46} {'first':>7} {'p50':>7} {'p95':>7} {'queries':>7} {'rows':>5}  total")
    client = Client()
    for label, url in [] if args.no_timing else requests():
        first, p50, p95, queries, rows, total_text = measure(client, url, args.runs)
        timing = f"{first:>7.1f} {p50:>7.1f} {p95:>7.1f}"
        print(f"{label:<46} {timing} {queries:>7} {rows:>5}  {total_text}")
    if not args.no_recall:
        recall(CJK_TERMS + EN_TERMS + sampled_terms(12))


if __name__ == "__main__":
    main()
